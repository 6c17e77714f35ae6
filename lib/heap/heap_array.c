/*
 * Registry of initialised heaps (CONFIG_SYS_HEAP_ARRAY_SIZE > 0), for debug tools.
 */
#include <errno.h>

#include "heap.h"

static struct sys_heap *heap_array[CONFIG_SYS_HEAP_ARRAY_SIZE];
static int heap_array_count;

int sys_heap_array_save(struct sys_heap *heap)
{
	if (heap == NULL) {
		return -EINVAL;
	}
	/* Re-initialising a heap must not use up a slot. */
	for (int i = 0; i < heap_array_count; i++) {
		if (heap_array[i] == heap) {
			return 0;
		}
	}
	if (heap_array_count >= CONFIG_SYS_HEAP_ARRAY_SIZE) {
		return -EINVAL;
	}
	heap_array[heap_array_count++] = heap;
	return 0;
}

int sys_heap_array_get(struct sys_heap ***heap)
{
	if (heap == NULL) {
		return -EINVAL;
	}
	*heap = heap_array;
	return heap_array_count;
}
