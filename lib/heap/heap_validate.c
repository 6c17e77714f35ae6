/*
 * sys_heap_validate(): checks invariants I1..I8 of heap.h. Linear in the heap size; the
 * free lists are walked with a step budget, so a corrupted (cyclic) list cannot hang it.
 */
#include "heap.h"

/* Walks chunks [first, end): tiling, left sizes, coalescing, flags; counts free space. */
static bool check_chunks(const struct z_heap *h, chunksz_t *listed, size_t *used_bytes)
{
	chunkid_t end = h->end_chunk;
	chunksz_t c0 = chunk_size(h, 0U);
	bool prev_free = false;

	*listed = 0U;
	*used_bytes = 0U;
	if (!chunk_used(h, 0U) || c0 == 0U || c0 >= end || chunk_field(h, 0U, LEFT_SIZE) != 0U ||
	    left_size(h, c0) != c0) {
		return false;
	}
	for (chunkid_t c = c0; c < end;) {
		chunksz_t sz = chunk_size(h, c);
		bool used = chunk_used(h, c);

		if (sz == 0U || sz > end - c || left_size(h, c + sz) != sz) {
			return false;
		}
		if (!used && (prev_free || chunk_offset_flag(h, c))) {
			return false;
		}
		if (used) {
			*used_bytes += chunk_bytes(sz);
		} else if (sz >= min_free_units(h)) {
			*listed += sz;
		}
		prev_free = !used;
		c += sz;
	}
	/* The end marker: used, size 0, no flag (its left size was checked above). */
	return chunk_used(h, end) && chunk_size(h, end) == 0U && !chunk_offset_flag(h, end);
}

/*
 * One class list: its head mark, links, membership and class; adds the units it holds.
 * Each member's FREE_PREV must be the member before it (the head mark for the first), so
 * every link is checked from both ends, and a cycle runs out of budget.
 */
static bool check_class(const struct z_heap *h, unsigned int cls, chunksz_t *units,
			uint32_t *budget)
{
	chunkid_t c = class_head(h, cls);
	chunkid_t prev = heap_head_mark(big_heap(h)) | cls;
	bool avail = (class_avail(h)[cls >> 5] & (1U << (cls & 31U))) != 0U;

	if ((c != 0U) != avail) {
		return false;
	}
	while (c != 0U) {
		if (c >= h->end_chunk || chunk_used(h, c) || (*budget)-- == 0U ||
		    chunk_field(h, c, FREE_PREV) != prev) {
			return false;
		}
		chunksz_t sz = chunk_size(h, c);

		if (sz < min_free_units(h) || sz > h->end_chunk - c || size_class(sz) != cls ||
		    left_size(h, c + sz) != sz) {
			return false;
		}
		*units += sz;
		prev = c;
		c = chunk_field(h, c, FREE_NEXT);
	}
	return true;
}

static bool check_lists(const struct z_heap *h, chunksz_t listed)
{
	unsigned int nb = heap_nb_classes(h->end_chunk);
	unsigned int nwords = nb / 32U + 1U;
	uint32_t budget = h->end_chunk;
	chunksz_t units = 0U;
	uint32_t summary = 0U;

	for (unsigned int w = 0; w < nwords; w++) {
		if (class_avail(h)[w] != 0U) {
			summary |= 1U << w;
		}
	}
	if (summary != h->summary || (class_avail(h)[0] & 1U) != 0U) {
		return false;
	}
	/* No bit beyond the last class. */
	if ((class_avail(h)[nb >> 5] >> (nb & 31U)) != 0U) {
		return false;
	}
	for (unsigned int cls = 0; cls < nb; cls++) {
		if (!check_class(h, cls, &units, &budget)) {
			return false;
		}
	}
	/* Every listable free chunk is on a list exactly once: the unit totals agree. */
	return units == listed;
}

bool sys_heap_validate(struct sys_heap *heap)
{
	const struct z_heap *h = heap->heap;
	chunksz_t listed;
	size_t used_bytes;

	if (h->end_chunk != heap_layout_units((uintptr_t)heap->init_mem, heap->init_bytes) &&
	    h->end_chunk > 1U) {
		return false;
	}
	if (h->end_chunk <= 1U) {
		/* The shared "too small" heap: no chunks, nothing listed. */
		return h->summary == 0U;
	}
	if (h->avail_off != heap_avail_offset(h->end_chunk) ||
	    chunk_size(h, 0U) != heap_chunk0_units(h->end_chunk) ||
	    !check_chunks(h, &listed, &used_bytes) || !check_lists(h, listed)) {
		return false;
	}
#ifdef CONFIG_SYS_HEAP_RUNTIME_STATS
	if (h->free_bytes != chunk_bytes(listed) ||
	    h->allocated_bytes != used_bytes ||
	    h->max_allocated_bytes < h->allocated_bytes) {
		return false;
	}
#else
	ARG_UNUSED(used_bytes);
#endif
	return true;
}
