/*
 * zmem memory blocks: runtime statistics (CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS). The core
 * keeps used_blocks and max_used_blocks in the pool's info; this file turns them into
 * bytes. No lock: kernel/mem_blocks.c calls these under the pool's lock.
 */
#include <zephyr/sys/mem_blocks.h>

void z_mem_blocks_stats_get(const sys_mem_blocks_t *mem_block, struct sys_memory_stats *stats)
{
	uint8_t shift = mem_block->info.blk_sz_shift;

	stats->allocated_bytes = (size_t)mem_block->info.used_blocks << shift;
	stats->free_bytes = ((size_t)mem_block->info.num_blocks << shift) - stats->allocated_bytes;
	stats->max_allocated_bytes = (size_t)mem_block->info.max_used_blocks << shift;
}

void z_mem_blocks_stats_reset_max(sys_mem_blocks_t *mem_block)
{
	mem_block->info.max_used_blocks = mem_block->info.used_blocks;
}
