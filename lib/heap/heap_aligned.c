/*
 * sys_heap_aligned_alloc(): over-allocate, place the aligned pointer, give back the rest.
 */
#include "heap_trace.h" /* first: renames the traced entry points */
#include <zephyr/sys/__assert.h>
#include <zephyr/sys/heap_listener.h>

#include "heap.h"

/*
 * Every chunk's user pointer h + 8c is 8-aligned, so any pointer p that is a multiple of 8
 * from h names the chunk c = (p - h) / 8 with no flag. A pointer 4 bytes further (a 4-byte
 * rewind, 32-bit hosts) takes the OFFSET flag. Returns the chunk, or 0 if the offset is not
 * representable (a rewind that is not a multiple of 4, or of 8 on 64-bit hosts).
 */
static chunkid_t aligned_chunk(const struct z_heap *h, uintptr_t p, bool *flag)
{
	uintptr_t off = p - (uintptr_t)h;
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
		gap = MIN(rew, CHUNK_UNIT);
	} else {
		/* Normal pointers are 8-aligned in every layout. */
		if (align <= CHUNK_UNIT) {
			return sys_heap_alloc(heap, bytes);
		}
		rew = 0U;
		gap = CHUNK_UNIT;
	}
	__ASSERT((align & (align - 1U)) == 0U, "align must be a power of 2");

	/*
	 * The natural pointer is 8-aligned, so the placed one is at most align - gap above
	 * it (gap = 8, or the rewind if smaller: p + rew is then 4 mod 8 at worst).
	 */
	if (bytes == 0U || size_add_overflow(bytes, align - gap, &total)) {
		return NULL;
	}

	chunksz_t sz = heap_request_units(h, total);
	chunkid_t c = (sz != 0U) ? heap_take_chunk(h, sz) : 0U;

	if (c == 0U) {
		return NULL;
	}

	/* Room for the worst placement was reserved above, so p + bytes stays inside c. */
	uintptr_t natural = (uintptr_t)chunk_user(h, c);
	uintptr_t p = ROUND_UP(natural + rew, align) - rew;
	bool flag;
	chunkid_t c2 = aligned_chunk(h, p, &flag);
	/* First unit whose header lies past the block's last byte. */
	chunkid_t end =
		(chunkid_t)((p + bytes + hdr - (uintptr_t)h + CHUNK_UNIT - 1U) / CHUNK_UNIT);

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
	heap_notify_alloc(heap, (void *)p, chunk_bytes(chunk_size(h, c2)));
	return (void *)p;
}
