/*
 * zmem memory blocks: z_mem_blocks_validate(), the invariants B1..B3 of mem_blocks.c.
 * O(num_blocks / 32): one popcount per bitmap word.
 */
#include <zephyr/sys/mem_blocks.h>

#include "mem_blocks_bitmap.h"

static bool bitmap_shape_ok(const sys_mem_blocks_t *mb)
{
	uint32_t n = mb->info.num_blocks;
	const sys_bitarray_t *bits = mb->bitmap;

	return bits != NULL && bits->bundles != NULL && n != 0U && bits->num_bits == n &&
	       bits->num_bundles == (n + MEM_BLOCKS_WORD_BITS - 1U) / MEM_BLOCKS_WORD_BITS;
}

static bool tail_bits_clear(const sys_mem_blocks_t *mb)
{
	uint32_t n = mb->info.num_blocks;
	uint32_t used_in_last = n % MEM_BLOCKS_WORD_BITS;

	if (used_in_last == 0U) {
		return true;
	}
	return (mb->bitmap->bundles[n / MEM_BLOCKS_WORD_BITS] >> used_in_last) == 0U;
}

static bool stats_ok(const sys_mem_blocks_t *mb)
{
	if (!IS_ENABLED(CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS)) {
		return true;
	}
	return mb->info.used_blocks == mem_blocks_bits_count(mb->bitmap->bundles,
							     mb->info.num_blocks) &&
	       mb->info.max_used_blocks >= mb->info.used_blocks;
}

bool z_mem_blocks_validate(const sys_mem_blocks_t *mem_block)
{
	return mem_block != NULL && mem_block->buffer != NULL && bitmap_shape_ok(mem_block) &&
	       tail_bits_clear(mem_block) && stats_ok(mem_block);
}
