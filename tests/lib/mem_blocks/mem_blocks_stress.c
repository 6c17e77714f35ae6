/*
 * Multi-threaded stress of the locked sys_mem_blocks API (run under TSan in the tsan
 * variant). Threads allocate single blocks, lists and contiguous runs from two shared
 * pools that share no lock stripe and one that may, fill them with their own pattern,
 * check it and free. Invariants: no block is handed out twice (an owner table claimed with
 * compare-and-swap), nobody else writes into a block while it is owned (the pattern
 * survives), and at the end every pool is empty and validates.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <zephyr/sys/mem_blocks.h>

#include "../../support/zmem_test.h"

#define THREADS 4
#define ITERATIONS 20000
#define HELD_MAX 16

SYS_MEM_BLOCKS_DEFINE_STATIC(pool_a, 32, 200, 8);
SYS_MEM_BLOCKS_DEFINE_STATIC(pool_b, 16, 33, 8);

static atomic_int owner_a[200];
static atomic_int owner_b[33];

struct held {
	sys_mem_blocks_t *pool;
	void *first;
	size_t count;
	bool contiguous;
	void *list[4];
};

static atomic_int *owners(sys_mem_blocks_t *p, void *blk, size_t *idx)
{
	*idx = (size_t)((uint8_t *)blk - p->buffer) >> p->info.blk_sz_shift;
	return p == &pool_a ? owner_a : owner_b;
}

static void claim(sys_mem_blocks_t *p, void *blk, size_t n, int me)
{
	size_t idx;
	atomic_int *own = owners(p, blk, &idx);

	for (size_t i = 0; i < n; i++) {
		int expected = 0;

		assert_true(atomic_compare_exchange_strong(&own[idx + i], &expected, me));
	}
	memset(blk, me, n << p->info.blk_sz_shift);
}

static void release(sys_mem_blocks_t *p, void *blk, size_t n, int me)
{
	size_t idx;
	atomic_int *own = owners(p, blk, &idx);
	const uint8_t *b = blk;

	for (size_t i = 0; i < (n << p->info.blk_sz_shift); i++) {
		assert_int_equal(b[i], me);
	}
	for (size_t i = 0; i < n; i++) {
		int expected = me;

		assert_true(atomic_compare_exchange_strong(&own[idx + i], &expected, 0));
	}
}

static bool take(struct held *h, unsigned int *seed, int me)
{
	h->pool = (rand_r(seed) & 1) ? &pool_a : &pool_b;
	h->contiguous = rand_r(seed) % 3 == 0;
	if (h->contiguous) {
		h->count = 1 + (size_t)(rand_r(seed) % 8);
		if (sys_mem_blocks_alloc_contiguous(h->pool, h->count, &h->first) != 0) {
			return false;
		}
		claim(h->pool, h->first, h->count, me);
		return true;
	}
	h->count = 1 + (size_t)(rand_r(seed) % 4);
	if (sys_mem_blocks_alloc(h->pool, h->count, h->list) != 0) {
		return false;
	}
	for (size_t i = 0; i < h->count; i++) {
		claim(h->pool, h->list[i], 1, me);
	}
	return true;
}

static void give_back(struct held *h, int me)
{
	if (h->contiguous) {
		release(h->pool, h->first, h->count, me);
		assert_int_equal(sys_mem_blocks_free_contiguous(h->pool, h->first, h->count), 0);
		return;
	}
	for (size_t i = 0; i < h->count; i++) {
		release(h->pool, h->list[i], 1, me);
	}
	assert_int_equal(sys_mem_blocks_free(h->pool, h->count, h->list), 0);
}

static void *worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	unsigned int seed = (unsigned int)me * 7919U;
	struct held held[HELD_MAX];
	int n = 0;

	for (int it = 0; it < ITERATIONS; it++) {
		if (n < HELD_MAX && (n == 0 || rand_r(&seed) % 2 == 0)) {
			if (take(&held[n], &seed, me)) {
				n++;
			}
		} else {
			int victim = rand_r(&seed) % n;

			give_back(&held[victim], me);
			held[victim] = held[--n];
		}
	}
	while (n > 0) {
		give_back(&held[--n], me);
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[THREADS];

	(void)state;
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)(i + 1)), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
	}
	assert_true(z_mem_blocks_validate(&pool_a));
	assert_true(z_mem_blocks_validate(&pool_b));
	assert_int_equal(sys_mem_blocks_is_region_free(&pool_a, pool_a.buffer, 200), 1);
	assert_int_equal(sys_mem_blocks_is_region_free(&pool_b, pool_b.buffer, 33), 1);
	if (IS_ENABLED(CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS)) {
		assert_int_equal(pool_a.info.used_blocks, 0);
		assert_true(pool_a.info.max_used_blocks > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
