/*
 * zmem memory blocks: bitmap words. See mem_blocks_bitmap.h for the layout and the bounds.
 */
#include <zephyr/sys/util.h>

#include "mem_blocks_bitmap.h"

#define ALL_ONES 0xffffffffU

/* Bits [lo, 32) of a word. lo < 32. */
static ALWAYS_INLINE uint32_t mask_from(uint32_t lo)
{
	return ALL_ONES << lo;
}

/* Bits [0, hi] of a word. hi < 32. */
static ALWAYS_INLINE uint32_t mask_through(uint32_t hi)
{
	return ALL_ONES >> (31U - hi);
}

/*
 * Bit p of the result is set iff bits p .. p + len - 1 of `free` are all set, for
 * 1 <= len <= 32. Each step ANDs the word with itself shifted by at most the length
 * already covered, so the covered length at least doubles: ceil(log2(len)) <= 5 steps.
 * The logical shift brings in zeros, so a run cut by the top of the word never counts.
 */
static ALWAYS_INLINE uint32_t run_starts(uint32_t free, uint32_t len)
{
	uint32_t covered = 1U;

	while (covered < len) {
		uint32_t step = MIN(covered, len - covered);

		free &= free >> step;
		covered += step;
	}
	return free;
}

/* Free bits of word w: bits below `from` and at or above nbits count as allocated. */
static ALWAYS_INLINE uint32_t free_bits(const uint32_t *words, uint32_t nbits, uint32_t from,
					uint32_t w)
{
	uint32_t free = ~words[w];

	if (w == from / MEM_BLOCKS_WORD_BITS) {
		free &= mask_from(from % MEM_BLOCKS_WORD_BITS);
	}
	if (w == (nbits - 1U) / MEM_BLOCKS_WORD_BITS) {
		free &= mask_through((nbits - 1U) % MEM_BLOCKS_WORD_BITS);
	}
	return free;
}

/*
 * One pass over the words. `carry` is the length of the free run that ends at the top of
 * the previous word (invariant: carry < count, else the run would have been returned).
 * In each word, in order of start position: the carried run extended by the word's low
 * free bits, then the first run lying inside the word, then the word's high free bits
 * become the new carry. Every run of the bitmap is one of these three, so the first hit
 * is the first fit.
 */
bool mem_blocks_bits_find_clear_run(const uint32_t *words, uint32_t nbits, uint32_t from,
				    uint32_t count, uint32_t *start)
{
	uint32_t nwords = (nbits + MEM_BLOCKS_WORD_BITS - 1U) / MEM_BLOCKS_WORD_BITS;
	uint32_t carry = 0U;

	if (from >= nbits || count > nbits - from) {
		return false;
	}
	for (uint32_t w = from / MEM_BLOCKS_WORD_BITS; w < nwords; w++) {
		uint32_t free = free_bits(words, nbits, from, w);

		if (free == 0U) {
			carry = 0U;
			continue;
		}
		if (carry != 0U) {
			uint32_t low = (free == ALL_ONES) ? 32U : (uint32_t)__builtin_ctz(~free);

			if (low >= count - carry) {
				*start = w * MEM_BLOCKS_WORD_BITS - carry;
				return true;
			}
			if (low == 32U) {
				carry += 32U;
				continue;
			}
		}
		if (count <= MEM_BLOCKS_WORD_BITS) {
			uint32_t starts = run_starts(free, count);

			if (starts != 0U) {
				*start = w * MEM_BLOCKS_WORD_BITS + (uint32_t)__builtin_ctz(starts);
				return true;
			}
		}
		carry = (free == ALL_ONES) ? 32U : (uint32_t)__builtin_clz(~free);
	}
	return false;
}

bool mem_blocks_bits_all(const uint32_t *words, uint32_t start, uint32_t count, bool set)
{
	uint32_t last = start + count - 1U;
	uint32_t first_w = start / MEM_BLOCKS_WORD_BITS;
	uint32_t last_w = last / MEM_BLOCKS_WORD_BITS;
	uint32_t want = set ? ALL_ONES : 0U;
	uint32_t head = mask_from(start % MEM_BLOCKS_WORD_BITS);
	uint32_t tail = mask_through(last % MEM_BLOCKS_WORD_BITS);

	if (first_w == last_w) {
		return ((words[first_w] ^ want) & head & tail) == 0U;
	}
	if (((words[first_w] ^ want) & head) != 0U || ((words[last_w] ^ want) & tail) != 0U) {
		return false;
	}
	for (uint32_t w = first_w + 1U; w < last_w; w++) {
		if (words[w] != want) {
			return false;
		}
	}
	return true;
}

static ALWAYS_INLINE void fill_word(uint32_t *word, uint32_t mask, bool set)
{
	*word = set ? (*word | mask) : (*word & ~mask);
}

void mem_blocks_bits_fill(uint32_t *words, uint32_t start, uint32_t count, bool set)
{
	uint32_t last = start + count - 1U;
	uint32_t first_w = start / MEM_BLOCKS_WORD_BITS;
	uint32_t last_w = last / MEM_BLOCKS_WORD_BITS;
	uint32_t head = mask_from(start % MEM_BLOCKS_WORD_BITS);
	uint32_t tail = mask_through(last % MEM_BLOCKS_WORD_BITS);

	if (first_w == last_w) {
		fill_word(&words[first_w], head & tail, set);
		return;
	}
	fill_word(&words[first_w], head, set);
	for (uint32_t w = first_w + 1U; w < last_w; w++) {
		words[w] = set ? ALL_ONES : 0U;
	}
	fill_word(&words[last_w], tail, set);
}

uint32_t mem_blocks_bits_count(const uint32_t *words, uint32_t nbits)
{
	uint32_t n = 0U;

	for (uint32_t w = 0U; w < nbits / MEM_BLOCKS_WORD_BITS; w++) {
		n += (uint32_t)__builtin_popcount(words[w]);
	}
	if (nbits % MEM_BLOCKS_WORD_BITS != 0U) {
		n += (uint32_t)__builtin_popcount(words[nbits / MEM_BLOCKS_WORD_BITS] &
						  mask_through(nbits % MEM_BLOCKS_WORD_BITS - 1U));
	}
	return n;
}
