/*
 * zmem memory blocks: word-at-a-time operations on the allocation bitmap.
 *
 * LAYOUT
 * The bitmap is an array of 32-bit words; bit i (block i) is bit i % 32 of word i / 32,
 * Zephyr's sys_bitarray layout. A set bit means the block is allocated. The last word may
 * be partial: its bits at or above nbits % 32 are never set (invariant B1, checked by
 * z_mem_blocks_validate()), and every search below treats them as allocated anyway.
 *
 * COST (W = 32)
 * No function loops over single bits. Range checks and fills touch each word of the range
 * once with a mask: O(count / W + 1). The run search visits each word at most once and
 * spends at most log2(W) = 5 shift-and steps in it: O(nbits / W) worst case, independent
 * of how fragmented the bitmap is.
 *
 * Callers guarantee: count >= 1 and start + count <= nbits for the range functions.
 */
#ifndef ZMEM_LIB_MEM_BLOCKS_MEM_BLOCKS_BITMAP_H_
#define ZMEM_LIB_MEM_BLOCKS_MEM_BLOCKS_BITMAP_H_

#include <stdbool.h>
#include <stdint.h>
#include <zephyr/toolchain.h>

#define MEM_BLOCKS_WORD_BITS 32U

BUILD_ASSERT(sizeof(unsigned int) == sizeof(uint32_t), "ctz/clz builtins are used on uint32_t");

/*
 * Lowest start >= from of a run of `count` clear bits below nbits; stored in *start.
 * Returns false when there is none. count >= 1.
 */
bool mem_blocks_bits_find_clear_run(const uint32_t *words, uint32_t nbits, uint32_t from,
				    uint32_t count, uint32_t *start);

/* True when every bit in [start, start + count) equals `set`. */
bool mem_blocks_bits_all(const uint32_t *words, uint32_t start, uint32_t count, bool set);

/* Set (or clear) every bit in [start, start + count). */
void mem_blocks_bits_fill(uint32_t *words, uint32_t start, uint32_t count, bool set);

/* Number of set bits among the first nbits. */
uint32_t mem_blocks_bits_count(const uint32_t *words, uint32_t nbits);

#endif /* ZMEM_LIB_MEM_BLOCKS_MEM_BLOCKS_BITMAP_H_ */
