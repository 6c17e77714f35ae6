/*
 * sys_heap_aligned_alloc(): over-allocate, place the aligned pointer, give back the rest.
 */
#include <zephyr/sys/__assert.h>
#include <zephyr/sys/heap_listener.h>

#include "heap.h"

/*
 * The aligned pointer p must sit at chunk + header (+ 4 with the OFFSET flag) of the chunk
 * that starts at the unit holding p - header. Returns that chunk, or 0 if the offset is
 * not representable (a rewind that is not a multiple of 4, or of 8 on 64-bit heaps).
 */
static chunkid_t aligned_chunk(const struct z_heap *h, uintptr_t p, bool *flag)
{
	uintptr_t off = p - (uintptr_t)h - chunk_header_bytes(h);
	uintptr_t extra = off & (CHUNK_UNIT - 1U);

	*flag = extra != 0U;
	if (extra != 0U && (extra != 4U || offset_flag_mask(h) == 0U)) {
		return 0U;
	}
	return (chunkid_t)(off / CHUNK_UNIT);
}

void *sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	struct z_heap *h = heap->heap;
	size_t hdr = chunk_header_bytes(h);
	size_t rew = align & (~align + 1U);
	size_t gap;
	size_t total;

	if (align != rew) {
		/* Low bit = rewind: align to the rest, then step back by rew (k_aligned_alloc). */
		align -= rew;
		gap = MIN(rew, hdr);
	} else {
		if (align <= hdr) {
			return sys_heap_alloc(heap, bytes);
		}
		rew = 0U;
		gap = hdr;
	}
	__ASSERT((align & (align - 1U)) == 0U, "align must be a power of 2");

	if (bytes == 0U || size_add_overflow(bytes, align - gap, &total)) {
		return NULL;
	}

	chunksz_t sz = heap_request_units(h, total);
	chunkid_t c = (sz != 0U) ? heap_take_chunk(h, sz) : 0U;

	if (c == 0U) {
		return NULL;
	}

	/* Room for the worst placement was reserved above, so p + bytes stays inside c. */
	uintptr_t natural = (uintptr_t)chunk_buf(h, c) + hdr;
	uintptr_t p = ROUND_UP(natural + rew, align) - rew;
	bool flag;
	chunkid_t c2 = aligned_chunk(h, p, &flag);
	chunkid_t end = (chunkid_t)((p + bytes - (uintptr_t)h + CHUNK_UNIT - 1U) / CHUNK_UNIT);

	if (c2 == 0U) {
		heap_free_run(h, c);
		return NULL;
	}
	heap_shrink_used(h, c, end - c);
	if (c2 > c) {
		/* c2 becomes its own used chunk; the prefix goes back (merging to the left). */
		chunksz_t pre = c2 - c;

		chunk_set(h, c2, LEFT_SIZE, pre);
		set_chunk_size_used(h, c2, end - c2, true);
		set_left_size(h, end, end - c2);
		set_chunk_size_used(h, c, pre, true);
		heap_free_run(h, c);
	}
	set_offset_flag(h, c2, flag);
	heap_notify_alloc(heap, (void *)p,
				   chunk_bytes(chunk_size(h, c2)));
	return (void *)p;
}
