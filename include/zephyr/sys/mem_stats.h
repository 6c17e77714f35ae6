/*
 * Memory statistics shared by sys_heap, k_heap, mem_slab and mem_blocks.
 */
#ifndef ZEPHYR_INCLUDE_SYS_MEM_STATS_H_
#define ZEPHYR_INCLUDE_SYS_MEM_STATS_H_

#include <stddef.h>

/* Bytes currently free, currently allocated, and the allocated high-water mark. */
struct sys_memory_stats {
	size_t free_bytes;
	size_t allocated_bytes;
	size_t max_allocated_bytes;
};

#endif /* ZEPHYR_INCLUDE_SYS_MEM_STATS_H_ */
