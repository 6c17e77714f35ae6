/*
 * sys_heap_largest_free(): the biggest request sys_heap_alloc() is sure to satisfy.
 */
#include "heap.h"

/*
 * A request of n units probes the head of class(n) and otherwise takes any chunk of a
 * higher class. The highest non-empty class has no higher class, so the answer is the size
 * of its head chunk: exactly that many units succeed (the probe hits), one more fails
 * unless the head is not the largest chunk of that class. Two bit scans and one read.
 */
size_t sys_heap_largest_free(struct sys_heap *heap)
{
	const struct z_heap *h = heap->heap;

	if (h->summary == 0U) {
		return 0U;
	}

	unsigned int w = heap_log2(h->summary);
	unsigned int cls = (w << 5) + heap_log2(class_avail(h)[w]);

	return chunk_bytes(chunk_size(h, class_head(h, cls))) - chunk_header_bytes(h);
}
