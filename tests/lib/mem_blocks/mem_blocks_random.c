/*
 * Randomized test of the memory blocks core against a bit-by-bit reference model: after
 * every operation the return code, the returned pointers and the whole bitmap must match
 * the model, and z_mem_blocks_validate() must hold. Pool sizes cover one word, exact
 * words, a partial last word and many words (1, 31, 32, 33, 64, 65, 100, 1024 blocks).
 * The bitmap helpers are also checked exhaustively on small ranges (white box).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zephyr/sys/mem_blocks.h>

#include "../../support/zmem_test.h"
#include "mem_blocks_bitmap.h"

#define MAX_BLOCKS 1024
#define BLK_SHIFT 4
#define OPS_PER_POOL 6000

static uint8_t buffer[MAX_BLOCKS << BLK_SHIFT] __aligned(16);
static uint32_t words[MAX_BLOCKS / 32];
static sys_bitarray_t bits = { .bundles = words };
static sys_mem_blocks_t pool = { .buffer = buffer, .bitmap = &bits };
static bool model[MAX_BLOCKS];
static uint32_t model_used;
static uint32_t nblocks;

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)rand() % n;
}

static void reset_pool(uint32_t n)
{
	memset(words, 0, sizeof(words));
	memset(model, 0, sizeof(model));
	model_used = 0;
	nblocks = n;
	bits.num_bits = n;
	bits.num_bundles = (n + 31) / 32;
	pool.info = (struct sys_mem_blocks_info){ .num_blocks = n, .blk_sz_shift = BLK_SHIFT };
}

static void *addr(uint32_t i)
{
	return buffer + ((size_t)i << BLK_SHIFT);
}

static bool model_range(uint32_t start, uint32_t count, bool val)
{
	for (uint32_t i = start; i < start + count; i++) {
		if (model[i] != val) {
			return false;
		}
	}
	return true;
}

static void model_fill(uint32_t start, uint32_t count, bool val)
{
	for (uint32_t i = start; i < start + count; i++) {
		model[i] = val;
	}
	model_used = val ? model_used + count : model_used - count;
}

/* First fit, one bit at a time: the reference for the word-at-a-time search. */
static bool model_first_fit(uint32_t count, uint32_t *start)
{
	for (uint32_t s = 0; s + count <= nblocks; s++) {
		if (model_range(s, count, false)) {
			*start = s;
			return true;
		}
	}
	return false;
}

static void check_state(void)
{
	for (uint32_t i = 0; i < nblocks; i++) {
		assert_int_equal((words[i / 32] >> (i % 32)) & 1U, model[i]);
	}
	assert_int_equal(pool.info.used_blocks, model_used);
	assert_true(z_mem_blocks_validate(&pool));
}

static void op_alloc_contiguous(void)
{
	uint32_t count = 1 + rnd(rnd(4) == 0 ? nblocks : MIN(nblocks, 40U));
	uint32_t start;
	void *p = NULL;
	bool fits = model_first_fit(count, &start);

	assert_int_equal(z_mem_blocks_alloc_contiguous(&pool, count, &p), fits ? 0 : -ENOMEM);
	if (fits) {
		assert_ptr_equal(p, addr(start));
		model_fill(start, count, true);
	}
}

static void op_alloc(void)
{
	uint32_t count = 1 + rnd(MIN(nblocks, 8U));
	void *out[8];
	uint32_t expect[8];
	uint32_t found = 0;

	for (uint32_t i = 0; i < nblocks && found < count; i++) {
		if (!model[i]) {
			expect[found++] = i;
		}
	}
	if (found < count) {
		assert_int_equal(z_mem_blocks_alloc(&pool, count, out), -ENOMEM);
		return;
	}
	assert_int_equal(z_mem_blocks_alloc(&pool, count, out), 0);
	for (uint32_t i = 0; i < count; i++) {
		assert_ptr_equal(out[i], addr(expect[i]));
		model_fill(expect[i], 1, true);
	}
}

static void op_get(void)
{
	uint32_t start = rnd(nblocks + 2);
	uint32_t count = 1 + rnd(MIN(nblocks, 70U));
	bool ok = start + count <= nblocks && model_range(start, count, false);

	assert_int_equal(z_mem_blocks_get(&pool, addr(start), count), ok ? 0 : -ENOMEM);
	if (ok) {
		model_fill(start, count, true);
	}
}

static void op_is_region_free(void)
{
	uint32_t start = rnd(nblocks);
	uint32_t count = 1 + rnd(nblocks - start);

	assert_int_equal(z_mem_blocks_is_region_free(&pool, addr(start), count),
			 model_range(start, count, false) ? 1 : 0);
}

static void op_free_contiguous(void)
{
	uint32_t start = rnd(nblocks + 1);
	uint32_t count = 1 + rnd(MIN(nblocks, 70U));
	int expect;

	if (start >= nblocks) {
		expect = -EFAULT;
	} else if (start + count > nblocks) {
		expect = -EINVAL;
	} else {
		expect = model_range(start, count, true) ? 0 : -EFAULT;
	}
	assert_int_equal(z_mem_blocks_free_contiguous(&pool, addr(start), count), expect);
	if (expect == 0) {
		model_fill(start, count, false);
	}
}

static void op_free_list(void)
{
	uint32_t count = 1 + rnd(MIN(nblocks, 6U));
	void *in[6];
	int expect = 0;

	for (uint32_t i = 0; i < count; i++) {
		uint32_t b = rnd(nblocks + 1);

		in[i] = addr(b);
		/* Reference semantics: each pointer on its own, in order, last error wins. */
		if (b < nblocks && model[b]) {
			model_fill(b, 1, false);
		} else {
			expect = -EFAULT;
		}
	}
	assert_int_equal(z_mem_blocks_free(&pool, count, in), expect);
}

static void run_pool(uint32_t n)
{
	reset_pool(n);
	for (int op = 0; op < OPS_PER_POOL; op++) {
		switch (rnd(6)) {
		case 0: op_alloc_contiguous(); break;
		case 1: op_alloc(); break;
		case 2: op_get(); break;
		case 3: op_is_region_free(); break;
		case 4: op_free_contiguous(); break;
		default: op_free_list(); break;
		}
		check_state();
	}
}

static void test_random_pools(void **state)
{
	static const uint32_t sizes[] = { 1, 2, 31, 32, 33, 64, 65, 100, 1024 };

	(void)state;
	srand(12345);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		run_pool(sizes[i]);
	}
}

/* Every start/count in 3 words against random bit patterns, including dense 0101 ones. */
static void test_bitmap_exhaustive(void **state)
{
	uint32_t w[3];

	(void)state;
	srand(777);
	for (int round = 0; round < 60; round++) {
		uint32_t nbits = 65 + rnd(32);

		for (int i = 0; i < 3; i++) {
			w[i] = (round % 3 == 0) ? 0x55555555U << (round & 1)
						: (uint32_t)rand() & (uint32_t)rand();
		}
		w[2] &= (nbits % 32 == 0) ? ~0U : ((1U << (nbits % 32)) - 1U);
		reset_pool(nbits);
		memcpy(words, w, sizeof(w));
		for (uint32_t i = 0; i < nbits; i++) {
			model[i] = (w[i / 32] >> (i % 32)) & 1U;
		}
		for (uint32_t count = 1; count <= nbits; count++) {
			for (uint32_t from = 0; from < nbits; from += 7) {
				uint32_t got = 0, want = 0;
				bool exp = false;

				for (uint32_t s = from; s + count <= nbits; s++) {
					if (model_range(s, count, false)) {
						exp = true;
						want = s;
						break;
					}
				}
				assert_int_equal(mem_blocks_bits_find_clear_run(words, nbits, from,
										count, &got),
						 exp);
				if (exp) {
					assert_int_equal(got, want);
				}
			}
			for (uint32_t s = 0; s + count <= nbits; s += 3) {
				assert_int_equal(mem_blocks_bits_all(words, s, count, false),
						 model_range(s, count, false));
				assert_int_equal(mem_blocks_bits_all(words, s, count, true),
						 model_range(s, count, true));
			}
		}
	}
}

static void test_bitmap_fill(void **state)
{
	(void)state;
	for (uint32_t start = 0; start < 96; start += 5) {
		for (uint32_t count = 1; start + count <= 96; count += 3) {
			uint32_t w[3] = { 0, 0, 0 };

			mem_blocks_bits_fill(w, start, count, true);
			assert_int_equal(mem_blocks_bits_count(w, 96), count);
			assert_true(mem_blocks_bits_all(w, start, count, true));
			mem_blocks_bits_fill(w, start, count, false);
			assert_int_equal(w[0] | w[1] | w[2], 0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bitmap_fill),
		cmocka_unit_test(test_bitmap_exhaustive),
		cmocka_unit_test(test_random_pools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
