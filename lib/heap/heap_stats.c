/*
 * Runtime statistics (CONFIG_SYS_HEAP_RUNTIME_STATS): the counters live in struct z_heap
 * and are kept by the hot paths; these calls only read or reset them.
 */
#include <errno.h>

#include "heap.h"

int sys_heap_runtime_stats_get(struct sys_heap *heap, struct sys_memory_stats *stats)
{
	if (heap == NULL || stats == NULL) {
		return -EINVAL;
	}
	stats->free_bytes = heap->heap->free_bytes;
	stats->allocated_bytes = heap->heap->allocated_bytes;
	stats->max_allocated_bytes = heap->heap->max_allocated_bytes;
	return 0;
}

int sys_heap_runtime_stats_reset_max(struct sys_heap *heap)
{
	if (heap == NULL) {
		return -EINVAL;
	}
	heap->heap->max_allocated_bytes = heap->heap->allocated_bytes;
	return 0;
}

int sys_heap_free_info_get(struct sys_heap *heap, struct sys_heap_free_info *info)
{
	if (heap == NULL || info == NULL) {
		return -EINVAL;
	}

	const struct z_heap *h = heap->heap;
	size_t largest = sys_heap_largest_free(heap);
	size_t chunk = (largest != 0U) ? largest + chunk_header_bytes(h) : 0U;

	info->free_bytes = h->free_bytes;
	info->largest_free_bytes = largest;
	info->fragmentation_permille =
		(h->free_bytes == 0U) ? 0U
				      : (uint32_t)(1000U - (uint64_t)chunk * 1000U / h->free_bytes);
	return 0;
}
