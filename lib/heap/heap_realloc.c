/*
 * sys_heap_realloc() / sys_heap_aligned_realloc(): in place when the block can shrink or
 * absorb its free right neighbour, else allocate-copy-free.
 */
#include "heap_trace.h" /* first: renames the traced entry points */
#include <string.h>
#include <zephyr/sys/__assert.h>
#include <zephyr/sys/heap_listener.h>

#include "heap.h"

/* Grows or shrinks used chunk c to `units` in place; false if the right side lacks room. */
static bool resize_in_place(struct z_heap *h, chunkid_t c, chunksz_t units)
{
	chunksz_t csz = chunk_size(h, c);
	chunkid_t rc = c + csz;

	if (units > csz) {
		chunksz_t rsz = chunk_size(h, rc);

		if (chunk_used(h, rc) || csz + rsz < units) {
			return false;
		}
		if (rsz >= min_free_units(h)) {
			heap_list_remove(h, rc, rsz);
		}
		heap_stats_alloc(h, rsz);
		csz += rsz;
		set_chunk_size_used(h, c, csz, true);
		set_left_size(h, c + csz, csz);
	}
	heap_shrink_used(h, c, units);
	return true;
}

void *sys_heap_aligned_realloc(struct sys_heap *heap, void *ptr, size_t align, size_t bytes)
{
	struct z_heap *h = heap->heap;
	const char *reason;
	chunkid_t c;

	__ASSERT((align & (align - 1U)) == 0U, "align must be a power of 2");

	if (ptr == NULL) {
		return sys_heap_aligned_alloc(heap, align, bytes);
	}
	if (bytes == 0U) {
		sys_heap_free(heap, ptr);
		return NULL;
	}
	c = heap_checked_chunk(h, ptr, &reason);
	if (c == 0U) {
		heap_bad_free(heap, ptr, reason);
		return NULL;
	}

	size_t old_chunk = chunk_bytes(chunk_size(h, c));
	size_t lead = (size_t)((uint8_t *)ptr - chunk_buf(h, c));

	if ((align == 0U || ((uintptr_t)ptr & (align - 1U)) == 0U) &&
	    bytes < chunk_bytes(h->end_chunk) &&
	    resize_in_place(h, c, (chunksz_t)((lead + bytes + CHUNK_UNIT - 1U) / CHUNK_UNIT))) {
		heap_notify_free(heap, ptr, old_chunk);
		heap_notify_alloc(heap, ptr,
					   chunk_bytes(chunk_size(h, c)));
		return ptr;
	}

	void *p = sys_heap_aligned_alloc(heap, align, bytes);

	if (p != NULL) {
		size_t keep = sys_heap_usable_size(heap, ptr);

		memcpy(p, ptr, MIN(keep, bytes));
		sys_heap_free(heap, ptr);
	}
	return p;
}

void *sys_heap_realloc(struct sys_heap *heap, void *ptr, size_t bytes)
{
	return sys_heap_aligned_realloc(heap, ptr, 0U, bytes);
}
