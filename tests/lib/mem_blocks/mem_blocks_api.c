/*
 * sys_mem_blocks API: every function and every return code of API.md 1.5, through the
 * locked public functions; assertion checks go to the core (an expected assertion
 * longjmps out, which must not happen while a pool lock is held).
 * Built with and without CONFIG_ASSERT, runtime stats and listeners.
 */
#include <errno.h>
#include <string.h>
#include <zephyr/sys/heap_listener.h>
#include <zephyr/sys/mem_blocks.h>
#include <zephyr/sys/util.h>

#include "../../support/zmem_test.h"

#define BLK_SZ 64
#define NUM_BLOCKS 8

SYS_MEM_BLOCKS_DEFINE(pool8, BLK_SZ, NUM_BLOCKS, 4);
SYS_MEM_BLOCKS_DEFINE_STATIC(pool1, 16, 1, 64);
SYS_MEM_BLOCKS_DEFINE_STATIC(pool65, 32, 65, 8);

static uint8_t ext_buf[BLK_SZ * NUM_BLOCKS] __aligned(8);
SYS_MEM_BLOCKS_DEFINE_WITH_EXT_BUF(pool_ext, BLK_SZ, NUM_BLOCKS, ext_buf);
static uint8_t ext_buf2[4 * 128];
SYS_MEM_BLOCKS_DEFINE_STATIC_WITH_EXT_BUF(pool_ext2, 128, 4, ext_buf2);

/* An external declaration of a defined pool must agree with it (external linkage). */
extern sys_mem_blocks_t pool8;

static int bit(sys_mem_blocks_t *p, size_t i)
{
	int v = -1;

	assert_int_equal(sys_bitarray_test_bit(p->bitmap, i, &v), 0);
	return v;
}

static unsigned int bits_set(sys_mem_blocks_t *p)
{
	unsigned int n = 0;

	for (size_t i = 0; i < p->info.num_blocks; i++) {
		n += (unsigned int)bit(p, i);
	}
	return n;
}

static uint8_t *blk(sys_mem_blocks_t *p, size_t i)
{
	return p->buffer + (i << p->info.blk_sz_shift);
}

/* Every test leaves its pools empty; this checks it and the invariants. */
static void assert_empty(sys_mem_blocks_t *p)
{
	assert_true(z_mem_blocks_validate(p));
	assert_int_equal(bits_set(p), 0);
}

static int teardown(void **state)
{
	(void)state;
	zmem_test_assert_quiet(0);
	assert_empty(&pool8);
	assert_empty(&pool1);
	assert_empty(&pool65);
	assert_empty(&pool_ext);
	assert_empty(&pool_ext2);
	return 0;
}

/* ---- static definition ---- */

static void test_define(void **state)
{
	(void)state;
	assert_int_equal(pool8.info.num_blocks, NUM_BLOCKS);
	assert_int_equal(pool8.info.blk_sz_shift, 6);
	assert_int_equal(pool8.bitmap->num_bits, NUM_BLOCKS);
	assert_int_equal(pool8.bitmap->num_bundles, 1);
	assert_true(IS_ALIGNED(pool8.buffer, sizeof(void *)));
	assert_int_equal(pool1.info.num_blocks, 1);
	assert_int_equal(pool1.info.blk_sz_shift, 4);
	assert_true(IS_ALIGNED(pool1.buffer, 64));
	assert_int_equal(pool65.bitmap->num_bundles, 3);
	assert_int_equal(pool65.info.blk_sz_shift, 5);
	assert_ptr_equal(pool_ext.buffer, ext_buf);
	assert_ptr_equal(pool_ext2.buffer, ext_buf2);
	assert_int_equal(pool_ext2.info.blk_sz_shift, 7);
	assert_int_equal(pool8.info.used_blocks, 0);
	assert_int_equal(pool8.info.max_used_blocks, 0);
}

/* ---- sys_mem_blocks_alloc ---- */

static void test_alloc_zero_and_too_many(void **state)
{
	void *out[NUM_BLOCKS + 1] = { (void *)1 };

	(void)state;
	assert_int_equal(sys_mem_blocks_alloc(&pool8, 0, out), 0);
	assert_ptr_equal(out[0], (void *)1);
	assert_int_equal(sys_mem_blocks_alloc(&pool8, NUM_BLOCKS + 1, out), -ENOMEM);
	assert_int_equal(bits_set(&pool8), 0);
}

static void test_alloc_lowest_first(void **state)
{
	void *out[NUM_BLOCKS];
	void *one;

	(void)state;
	assert_int_equal(sys_mem_blocks_get(&pool8, blk(&pool8, 1), 1), 0);
	assert_int_equal(sys_mem_blocks_get(&pool8, blk(&pool8, 4), 2), 0);
	/* Not contiguous: 0, 2, 3, 6 are the lowest free blocks. */
	assert_int_equal(sys_mem_blocks_alloc(&pool8, 4, out), 0);
	assert_ptr_equal(out[0], blk(&pool8, 0));
	assert_ptr_equal(out[1], blk(&pool8, 2));
	assert_ptr_equal(out[2], blk(&pool8, 3));
	assert_ptr_equal(out[3], blk(&pool8, 6));
	assert_int_equal(sys_mem_blocks_alloc(&pool8, 1, &one), 0);
	assert_ptr_equal(one, blk(&pool8, 7));
	assert_int_equal(sys_mem_blocks_alloc(&pool8, 1, &one), -ENOMEM);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, pool8.buffer, NUM_BLOCKS), 0);
}

static void test_alloc_partial_failure_rolls_back(void **state)
{
	void *out[NUM_BLOCKS];

	(void)state;
	assert_int_equal(sys_mem_blocks_get(&pool8, blk(&pool8, 0), 6), 0);
	assert_int_equal(sys_mem_blocks_alloc(&pool8, 3, out), -ENOMEM);
	/* Blocks 6 and 7 were taken and given back. */
	assert_int_equal(bits_set(&pool8), 6);
	assert_int_equal(sys_mem_blocks_is_region_free(&pool8, blk(&pool8, 6), 2), 1);
	assert_int_equal(sys_mem_blocks_alloc(&pool8, 2, out), 0);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, pool8.buffer, NUM_BLOCKS), 0);
}

static void test_alloc_one_block_pool(void **state)
{
	void *out[2];

	(void)state;
	assert_int_equal(sys_mem_blocks_alloc(&pool1, 2, out), -ENOMEM);
	assert_int_equal(sys_mem_blocks_alloc(&pool1, 1, out), 0);
	assert_ptr_equal(out[0], pool1.buffer);
	assert_int_equal(sys_mem_blocks_alloc(&pool1, 1, out + 1), -ENOMEM);
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool1, 1, out + 1), -ENOMEM);
	assert_int_equal(sys_mem_blocks_free(&pool1, 1, out), 0);
}

/* ---- sys_mem_blocks_alloc_contiguous ---- */

static void test_contiguous_zero_and_too_many(void **state)
{
	void *p = (void *)1;

	(void)state;
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool8, 0, &p), 0);
	assert_null(p);
	p = (void *)1;
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool8, NUM_BLOCKS + 1, &p), -ENOMEM);
	assert_ptr_equal(p, (void *)1);
}

static void test_contiguous_first_fit(void **state)
{
	void *p;

	(void)state;
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool8, NUM_BLOCKS, &p), 0);
	assert_ptr_equal(p, pool8.buffer);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, p, 3), 0);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, blk(&pool8, 4), 4), 0);
	/* Free runs: 0..2 (3 blocks) and 4..7 (4 blocks). */
	p = (void *)1;
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool8, 5, &p), -ENOMEM);
	assert_ptr_equal(p, (void *)1);
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool8, 4, &p), 0);
	assert_ptr_equal(p, blk(&pool8, 4));
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool8, 2, &p), 0);
	assert_ptr_equal(p, blk(&pool8, 0));
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool8, 1, &p), 0);
	assert_ptr_equal(p, blk(&pool8, 2));
	assert_int_equal(bits_set(&pool8), NUM_BLOCKS);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, pool8.buffer, NUM_BLOCKS), 0);
}

static void test_contiguous_across_words(void **state)
{
	void *p;

	(void)state;
	/* Take 0..30 and 34..64: the only 3-run is 31..33, across the word boundary. */
	assert_int_equal(sys_mem_blocks_get(&pool65, blk(&pool65, 0), 31), 0);
	assert_int_equal(sys_mem_blocks_get(&pool65, blk(&pool65, 34), 31), 0);
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool65, 4, &p), -ENOMEM);
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool65, 3, &p), 0);
	assert_ptr_equal(p, blk(&pool65, 31));
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool65, pool65.buffer, 65), 0);
	/* The last block sits alone in the third word. */
	assert_int_equal(sys_mem_blocks_get(&pool65, blk(&pool65, 0), 64), 0);
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool65, 2, &p), -ENOMEM);
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool65, 1, &p), 0);
	assert_ptr_equal(p, blk(&pool65, 64));
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool65, pool65.buffer, 65), 0);
	/* The whole pool as one run spans three words. */
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool65, 65, &p), 0);
	assert_ptr_equal(p, pool65.buffer);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool65, p, 65), 0);
}

/* ---- sys_mem_blocks_get ---- */

static void test_get(void **state)
{
	(void)state;
	assert_int_equal(sys_mem_blocks_get(&pool8, pool8.buffer, 0), 0);
	assert_int_equal(sys_mem_blocks_get(&pool8, pool8.buffer, 2), 0);
	assert_int_equal(bit(&pool8, 0) + bit(&pool8, 1), 2);
	/* Overlapping an allocated block: -ENOMEM and nothing changes. */
	assert_int_equal(sys_mem_blocks_get(&pool8, blk(&pool8, 1), 2), -ENOMEM);
	assert_int_equal(bit(&pool8, 2), 0);
	/* Past the end, from the last block. */
	assert_int_equal(sys_mem_blocks_get(&pool8, blk(&pool8, NUM_BLOCKS - 1), 2), -ENOMEM);
	assert_int_equal(bit(&pool8, NUM_BLOCKS - 1), 0);
	/* Outside the pool entirely. */
	assert_int_equal(sys_mem_blocks_get(&pool8, blk(&pool8, NUM_BLOCKS), 1), -ENOMEM);
	assert_int_equal(sys_mem_blocks_get(&pool8, pool8.buffer - BLK_SZ, 1), -ENOMEM);
	assert_int_equal(sys_mem_blocks_get(&pool8, pool8.buffer, NUM_BLOCKS + 1), -ENOMEM);
	assert_int_equal(sys_mem_blocks_get(&pool8, blk(&pool8, 3), 1), 0);
	assert_int_equal(sys_mem_blocks_get(&pool8, blk(&pool8, 2), 1), 0);
	assert_int_equal(bits_set(&pool8), 4);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, pool8.buffer, 4), 0);
}

/* ---- sys_mem_blocks_is_region_free ---- */

static void test_is_region_free(void **state)
{
	(void)state;
	assert_int_equal(sys_mem_blocks_is_region_free(&pool65, pool65.buffer, 65), 1);
	assert_int_equal(sys_mem_blocks_get(&pool65, blk(&pool65, 40), 1), 0);
	assert_int_equal(sys_mem_blocks_is_region_free(&pool65, pool65.buffer, 65), 0);
	assert_int_equal(sys_mem_blocks_is_region_free(&pool65, blk(&pool65, 20), 20), 1);
	assert_int_equal(sys_mem_blocks_is_region_free(&pool65, blk(&pool65, 20), 21), 0);
	assert_int_equal(sys_mem_blocks_is_region_free(&pool65, blk(&pool65, 40), 1), 0);
	assert_int_equal(sys_mem_blocks_is_region_free(&pool65, blk(&pool65, 41), 24), 1);
	/* count 0 answers 0, as Zephyr's bit array does. */
	assert_int_equal(sys_mem_blocks_is_region_free(&pool65, pool65.buffer, 0), 0);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool65, blk(&pool65, 40), 1), 0);
}

static void test_is_region_free_out_of_range(void **state)
{
	(void)state;
	if (IS_ENABLED(CONFIG_ASSERT)) {
		zmem_test_assert_quiet(1);
		expect_assert_failure(z_mem_blocks_is_region_free(&pool8, blk(&pool8, 7), 2));
		expect_assert_failure(z_mem_blocks_is_region_free(&pool8, pool8.buffer - 1, 1));
		zmem_test_assert_quiet(0);
	} else {
		assert_int_equal(sys_mem_blocks_is_region_free(&pool8, blk(&pool8, 7), 2), 0);
		assert_int_equal(sys_mem_blocks_is_region_free(&pool8, pool8.buffer - 1, 1), 0);
	}
}

/* ---- sys_mem_blocks_free ---- */

static void test_free_counts(void **state)
{
	void *out[NUM_BLOCKS + 1] = { 0 };

	(void)state;
	assert_int_equal(sys_mem_blocks_free(&pool8, 0, out), 0);
	assert_int_equal(sys_mem_blocks_free(&pool8, NUM_BLOCKS + 1, out), -EINVAL);
}

static void test_free_bad_pointers(void **state)
{
	void *out[3];
	void *bad[4];

	(void)state;
	assert_int_equal(sys_mem_blocks_alloc(&pool8, 3, out), 0);
	bad[0] = pool8.buffer - 1;                   /* below the buffer */
	bad[1] = blk(&pool8, NUM_BLOCKS);            /* one past the last block */
	bad[2] = blk(&pool8, 5);                     /* a block that is not allocated */
	bad[3] = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(sys_mem_blocks_free(&pool8, 1, &bad[i]), -EFAULT);
	}
	assert_int_equal(bits_set(&pool8), 3);
	/* A bad pointer in the middle: the others are freed, the last error is returned. */
	bad[0] = out[0];
	bad[1] = blk(&pool8, 6);
	bad[2] = out[2];
	assert_int_equal(sys_mem_blocks_free(&pool8, 3, bad), -EFAULT);
	assert_int_equal(bits_set(&pool8), 1);
	assert_int_equal(bit(&pool8, 1), 1);
	/* Double free. */
	assert_int_equal(sys_mem_blocks_free(&pool8, 1, &out[0]), -EFAULT);
	assert_int_equal(sys_mem_blocks_free(&pool8, 1, &out[1]), 0);
	assert_int_equal(sys_mem_blocks_free(&pool8, 1, &out[1]), -EFAULT);
}

static void test_free_misaligned(void **state)
{
	void *out[2];
	void *inner;

	(void)state;
	assert_int_equal(sys_mem_blocks_alloc(&pool8, 2, out), 0);
	inner = (uint8_t *)out[1] + 8;
	if (IS_ENABLED(CONFIG_ASSERT)) {
		zmem_test_assert_quiet(1);
		expect_assert_failure(z_mem_blocks_free(&pool8, 1, &inner));
		expect_assert_failure(z_mem_blocks_free_contiguous(&pool8, inner, 1));
		expect_assert_failure(z_mem_blocks_get(&pool8, blk(&pool8, 3) + 1, 1));
		zmem_test_assert_quiet(0);
	} else {
		assert_int_equal(sys_mem_blocks_free(&pool8, 1, &inner), -EFAULT);
		assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, inner, 1), -EFAULT);
		/* get keeps Zephyr's truncation: the containing block is claimed. */
		assert_int_equal(sys_mem_blocks_get(&pool8, blk(&pool8, 3) + 1, 1), 0);
		assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, blk(&pool8, 3), 1), 0);
	}
	/* The bitmap is unchanged: both blocks are still allocated. */
	assert_int_equal(bits_set(&pool8), 2);
	assert_int_equal(sys_mem_blocks_free(&pool8, 2, out), 0);
}

/* ---- sys_mem_blocks_free_contiguous ---- */

static void test_free_contiguous_codes(void **state)
{
	void *p;

	(void)state;
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, pool8.buffer, 0), 0);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, pool8.buffer, NUM_BLOCKS + 1),
			 -EINVAL);
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool8, 4, &p), 0);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, pool8.buffer - BLK_SZ, 1),
			 -EFAULT);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, blk(&pool8, NUM_BLOCKS), 1),
			 -EFAULT);
	/* A run that would leave the pool: Zephyr's bit array answers -EINVAL. */
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, blk(&pool8, 6), 3), -EINVAL);
	/* Partly allocated: -EFAULT and nothing is freed. */
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, blk(&pool8, 2), 3), -EFAULT);
	assert_int_equal(bits_set(&pool8), 4);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, p, 4), 0);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, p, 1), -EFAULT);
}

/* ---- runtime statistics ---- */

#ifdef CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS
static void test_stats(void **state)
{
	struct sys_memory_stats st;
	void *p[3];

	(void)state;
	assert_int_equal(sys_mem_blocks_runtime_stats_get(NULL, &st), -EINVAL);
	assert_int_equal(sys_mem_blocks_runtime_stats_get(&pool8, NULL), -EINVAL);
	assert_int_equal(sys_mem_blocks_runtime_stats_reset_max(NULL), -EINVAL);
	assert_int_equal(sys_mem_blocks_runtime_stats_reset_max(&pool8), 0);
	assert_int_equal(sys_mem_blocks_alloc(&pool8, 3, p), 0);
	assert_int_equal(sys_mem_blocks_free(&pool8, 1, p), 0);
	assert_int_equal(sys_mem_blocks_runtime_stats_get(&pool8, &st), 0);
	assert_int_equal(st.allocated_bytes, 2 * BLK_SZ);
	assert_int_equal(st.free_bytes, (NUM_BLOCKS - 2) * BLK_SZ);
	assert_int_equal(st.max_allocated_bytes, 3 * BLK_SZ);
	/* Failed calls do not count. */
	assert_int_equal(sys_mem_blocks_free(&pool8, 1, p), -EFAULT);
	assert_int_equal(sys_mem_blocks_get(&pool8, p[1], 1), -ENOMEM);
	assert_int_equal(sys_mem_blocks_runtime_stats_reset_max(&pool8), 0);
	assert_int_equal(sys_mem_blocks_runtime_stats_get(&pool8, &st), 0);
	assert_int_equal(st.allocated_bytes, 2 * BLK_SZ);
	assert_int_equal(st.max_allocated_bytes, 2 * BLK_SZ);
	assert_int_equal(sys_mem_blocks_free(&pool8, 2, p + 1), 0);
	assert_int_equal(sys_mem_blocks_runtime_stats_get(&pool8, &st), 0);
	assert_int_equal(st.allocated_bytes, 0);
	assert_int_equal(st.free_bytes, NUM_BLOCKS * BLK_SZ);
	assert_int_equal(st.max_allocated_bytes, 2 * BLK_SZ);
	assert_int_equal(sys_mem_blocks_runtime_stats_reset_max(&pool8), 0);
}

/* The unlocked statistics helpers the locked API is built on. */
static void test_stats_core(void **state)
{
	struct sys_memory_stats st;
	void *p[2];

	(void)state;
	assert_int_equal(sys_mem_blocks_alloc(&pool65, 2, p), 0);
	z_mem_blocks_stats_get(&pool65, &st);
	assert_int_equal(st.allocated_bytes, 2 * 32);
	assert_int_equal(st.free_bytes, 63 * 32);
	assert_true(st.max_allocated_bytes >= 2 * 32);
	assert_int_equal(sys_mem_blocks_free(&pool65, 1, p), 0);
	z_mem_blocks_stats_reset_max(&pool65);
	z_mem_blocks_stats_get(&pool65, &st);
	assert_int_equal(st.allocated_bytes, 32);
	assert_int_equal(st.max_allocated_bytes, 32);
	assert_int_equal(sys_mem_blocks_free(&pool65, 1, p + 1), 0);
	z_mem_blocks_stats_get(&pool65, &st);
	assert_int_equal(st.allocated_bytes, 0);
	assert_int_equal(st.free_bytes, 65 * 32);
	assert_int_equal(st.max_allocated_bytes, 32);
	z_mem_blocks_stats_reset_max(&pool65);
}
#endif

/* ---- listeners ---- */

#ifdef CONFIG_SYS_MEM_BLOCKS_LISTENER
#define LOG_SIZE 32
struct event {
	uintptr_t id;
	void *mem;
	size_t bytes;
	bool alloc;
};
static struct event evlog[LOG_SIZE];
static size_t nev;

static void on_alloc(uintptr_t heap_id, void *mem, size_t bytes)
{
	evlog[nev++] = (struct event){ heap_id, mem, bytes, true };
}

static void on_free(uintptr_t heap_id, void *mem, size_t bytes)
{
	evlog[nev++] = (struct event){ heap_id, mem, bytes, false };
}

HEAP_LISTENER_ALLOC_DEFINE(pool8_alloc_listener, HEAP_ID_FROM_POINTER(&pool8), on_alloc);
HEAP_LISTENER_FREE_DEFINE(pool8_free_listener, HEAP_ID_FROM_POINTER(&pool8), on_free);

static void expect_event(size_t i, bool alloc, void *mem, size_t bytes)
{
	assert_true(i < nev);
	assert_int_equal(evlog[i].id, HEAP_ID_FROM_POINTER(&pool8));
	assert_int_equal(evlog[i].alloc, alloc);
	assert_ptr_equal(evlog[i].mem, mem);
	assert_int_equal(evlog[i].bytes, bytes);
}

static void test_listeners(void **state)
{
	void *p[2];
	void *c;
	void *other;

	(void)state;
	nev = 0;
	heap_listener_register(&pool8_alloc_listener);
	heap_listener_register(&pool8_free_listener);
	assert_int_equal(sys_mem_blocks_alloc(&pool8, 2, p), 0);
	assert_int_equal(sys_mem_blocks_alloc_contiguous(&pool8, 3, &c), 0);
	assert_int_equal(sys_mem_blocks_get(&pool8, blk(&pool8, 6), 2), 0);
	assert_int_equal(sys_mem_blocks_alloc(&pool_ext, 1, &other), 0);   /* another pool */
	assert_int_equal(sys_mem_blocks_free(&pool8, 2, p), 0);
	assert_int_equal(sys_mem_blocks_free(&pool8, 1, p), -EFAULT);     /* no event */
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, c, 3), 0);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool8, blk(&pool8, 6), 2), 0);
	assert_int_equal(sys_mem_blocks_free(&pool_ext, 1, &other), 0);
	heap_listener_unregister(&pool8_alloc_listener);
	heap_listener_unregister(&pool8_free_listener);
	assert_int_equal(nev, 8);
	expect_event(0, true, blk(&pool8, 0), BLK_SZ);
	expect_event(1, true, blk(&pool8, 1), BLK_SZ);
	expect_event(2, true, blk(&pool8, 2), 3 * BLK_SZ);
	expect_event(3, true, blk(&pool8, 6), 2 * BLK_SZ);
	expect_event(4, false, blk(&pool8, 0), BLK_SZ);
	expect_event(5, false, blk(&pool8, 1), BLK_SZ);
	expect_event(6, false, blk(&pool8, 2), 3 * BLK_SZ);
	expect_event(7, false, blk(&pool8, 6), 2 * BLK_SZ);
}
#endif

/* ---- multi-allocator groups ---- */

static sys_mem_blocks_t *choose(struct sys_multi_mem_blocks *group, void *cfg)
{
	uintptr_t n = (uintptr_t)cfg;

	return n < (uintptr_t)group->num_allocators ? group->allocators[n] : NULL;
}

static void test_multi(void **state)
{
	sys_multi_mem_blocks_t group;
	void *out[NUM_BLOCKS + 1];
	size_t bs = 99;

	(void)state;
	sys_multi_mem_blocks_init(&group, choose);
	assert_int_equal(group.num_allocators, 0);
	sys_multi_mem_blocks_add_allocator(&group, &pool8);
	sys_multi_mem_blocks_add_allocator(&group, &pool_ext2);
	assert_int_equal(sys_multi_mem_blocks_alloc(&group, (void *)0, 0, out, &bs), 0);
	assert_int_equal(bs, 0);
	assert_int_equal(sys_multi_mem_blocks_alloc(&group, (void *)0, 0, out, NULL), 0);
	bs = 99;
	assert_int_equal(sys_multi_mem_blocks_alloc(&group, (void *)5, 1, out, &bs), -EINVAL);
	assert_int_equal(sys_multi_mem_blocks_alloc(&group, (void *)1, 5, out, &bs), -ENOMEM);
	assert_int_equal(bs, 99);
	assert_int_equal(sys_multi_mem_blocks_alloc(&group, (void *)1, 4, out, &bs), 0);
	assert_int_equal(bs, 128);
	assert_int_equal(sys_multi_mem_blocks_alloc(&group, (void *)1, 1, out + 4, &bs), -ENOMEM);
	assert_int_equal(sys_multi_mem_blocks_alloc(&group, (void *)0, 2, out + 4, NULL), 0);
	assert_ptr_equal(out[4], pool8.buffer);
	assert_int_equal(sys_multi_mem_blocks_free(&group, 0, out), 0);
	assert_int_equal(sys_multi_mem_blocks_free(&group, 2, out + 4), 0);
	assert_int_equal(sys_multi_mem_blocks_free(&group, 4, out), 0);
	assert_int_equal(bits_set(&pool_ext2), 0);
	/* The owner is found from the first pointer only. */
	out[0] = ext_buf;
	assert_int_equal(sys_multi_mem_blocks_free(&group, 1, out), -EINVAL);
	out[0] = blk(&pool8, 1);
	assert_int_equal(sys_multi_mem_blocks_free(&group, 1, out), -EFAULT);
}

static void test_multi_full(void **state)
{
	sys_multi_mem_blocks_t group;

	(void)state;
	sys_multi_mem_blocks_init(&group, choose);
	for (int i = 0; i < MAX_MULTI_ALLOCATORS; i++) {
		sys_multi_mem_blocks_add_allocator(&group, &pool8);
	}
	assert_int_equal(group.num_allocators, MAX_MULTI_ALLOCATORS);
	if (IS_ENABLED(CONFIG_ASSERT)) {
		zmem_test_assert_quiet(1);
		expect_assert_failure(sys_multi_mem_blocks_add_allocator(&group, &pool1));
		zmem_test_assert_quiet(0);
	} else {
		sys_multi_mem_blocks_add_allocator(&group, &pool1);
	}
	assert_int_equal(group.num_allocators, MAX_MULTI_ALLOCATORS);
}

/* ---- z_mem_blocks_validate: each invariant broken on a copy of a pool ---- */

struct pool_copy {
	sys_mem_blocks_t pool;
	sys_bitarray_t bits;
	uint32_t words[3];
};

/* pool65 with blocks 0 and 64 taken, copied so that the copy can be broken freely. */
static void copy_pool65(struct pool_copy *c)
{
	assert_true(pool65.bitmap->num_bundles <= ARRAY_SIZE(c->words));
	c->pool = pool65;
	c->bits = *pool65.bitmap;
	memcpy(c->words, pool65.bitmap->bundles, pool65.bitmap->num_bundles * sizeof(uint32_t));
	c->bits.bundles = c->words;
	c->pool.bitmap = &c->bits;
	assert_true(z_mem_blocks_validate(&c->pool));
}

static void test_validate_detects_corruption(void **state)
{
	struct pool_copy c;

	(void)state;
	assert_false(z_mem_blocks_validate(NULL));
	assert_int_equal(sys_mem_blocks_get(&pool65, blk(&pool65, 0), 1), 0);
	assert_int_equal(sys_mem_blocks_get(&pool65, blk(&pool65, 64), 1), 0);
	assert_true(z_mem_blocks_validate(&pool65));

	copy_pool65(&c);
	c.pool.buffer = NULL;
	assert_false(z_mem_blocks_validate(&c.pool));
	copy_pool65(&c);
	c.pool.bitmap = NULL;
	assert_false(z_mem_blocks_validate(&c.pool));
	copy_pool65(&c);
	c.bits.bundles = NULL;
	assert_false(z_mem_blocks_validate(&c.pool));
	copy_pool65(&c);
	c.pool.info.num_blocks = 0;
	c.bits.num_bits = 0;
	assert_false(z_mem_blocks_validate(&c.pool));
	copy_pool65(&c);
	c.bits.num_bits = 64; /* B2: bitmap shorter than the pool */
	assert_false(z_mem_blocks_validate(&c.pool));
	copy_pool65(&c);
	c.bits.num_bundles = 2;
	assert_false(z_mem_blocks_validate(&c.pool));
	copy_pool65(&c);
	c.words[2] |= 2U; /* B1: bit 65 lies past the last block */
	assert_false(z_mem_blocks_validate(&c.pool));
	copy_pool65(&c);
	c.words[2] |= 0x80000000U;
	assert_false(z_mem_blocks_validate(&c.pool));
	if (IS_ENABLED(CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS)) {
		/* B3: the counter must match the bitmap and stay below the maximum. */
		copy_pool65(&c);
		c.words[1] |= 1U;
		assert_false(z_mem_blocks_validate(&c.pool));
		copy_pool65(&c);
		c.words[0] &= ~1U;
		assert_false(z_mem_blocks_validate(&c.pool));
		copy_pool65(&c);
		c.pool.info.max_used_blocks = 1;
		assert_false(z_mem_blocks_validate(&c.pool));
	}
	assert_true(z_mem_blocks_validate(&pool65));
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool65, blk(&pool65, 0), 1), 0);
	assert_int_equal(sys_mem_blocks_free_contiguous(&pool65, blk(&pool65, 64), 1), 0);
}

/* ---- NULL arguments: refused by assertion (core calls: no lock is held) ---- */

static void test_null_arguments_assert(void **state)
{
	sys_multi_mem_blocks_t group;
	void *out[2] = { NULL, NULL };

	(void)state;
	if (!IS_ENABLED(CONFIG_ASSERT)) {
		return;
	}
	sys_multi_mem_blocks_init(&group, choose);
	sys_multi_mem_blocks_add_allocator(&group, &pool8);
	zmem_test_assert_quiet(1);
	expect_assert_failure(z_mem_blocks_alloc(NULL, 1, out));
	expect_assert_failure(z_mem_blocks_alloc(&pool8, 1, NULL));
	expect_assert_failure(z_mem_blocks_alloc_contiguous(NULL, 1, out));
	expect_assert_failure(z_mem_blocks_alloc_contiguous(&pool8, 1, NULL));
	expect_assert_failure(z_mem_blocks_get(NULL, out[0], 1));
	expect_assert_failure(z_mem_blocks_is_region_free(NULL, out[0], 1));
	expect_assert_failure(z_mem_blocks_free(NULL, 1, out));
	expect_assert_failure(z_mem_blocks_free(&pool8, 1, NULL));
	expect_assert_failure(z_mem_blocks_free_contiguous(NULL, out[0], 1));
	expect_assert_failure(sys_multi_mem_blocks_alloc(NULL, NULL, 1, out, NULL));
	expect_assert_failure(sys_multi_mem_blocks_alloc(&group, NULL, 1, NULL, NULL));
	expect_assert_failure(sys_multi_mem_blocks_free(NULL, 1, out));
	expect_assert_failure(sys_multi_mem_blocks_free(&group, 1, NULL));
	zmem_test_assert_quiet(0);
	/* Nothing was taken on the way. */
	assert_int_equal(bits_set(&pool8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_define, teardown),
		cmocka_unit_test_teardown(test_alloc_zero_and_too_many, teardown),
		cmocka_unit_test_teardown(test_alloc_lowest_first, teardown),
		cmocka_unit_test_teardown(test_alloc_partial_failure_rolls_back, teardown),
		cmocka_unit_test_teardown(test_alloc_one_block_pool, teardown),
		cmocka_unit_test_teardown(test_contiguous_zero_and_too_many, teardown),
		cmocka_unit_test_teardown(test_contiguous_first_fit, teardown),
		cmocka_unit_test_teardown(test_contiguous_across_words, teardown),
		cmocka_unit_test_teardown(test_get, teardown),
		cmocka_unit_test_teardown(test_is_region_free, teardown),
		cmocka_unit_test_teardown(test_is_region_free_out_of_range, teardown),
		cmocka_unit_test_teardown(test_free_counts, teardown),
		cmocka_unit_test_teardown(test_free_bad_pointers, teardown),
		cmocka_unit_test_teardown(test_free_misaligned, teardown),
		cmocka_unit_test_teardown(test_free_contiguous_codes, teardown),
#ifdef CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS
		cmocka_unit_test_teardown(test_stats, teardown),
		cmocka_unit_test_teardown(test_stats_core, teardown),
#endif
#ifdef CONFIG_SYS_MEM_BLOCKS_LISTENER
		cmocka_unit_test_teardown(test_listeners, teardown),
#endif
		cmocka_unit_test_teardown(test_multi, teardown),
		cmocka_unit_test_teardown(test_multi_full, teardown),
		cmocka_unit_test_teardown(test_validate_detects_corruption, teardown),
		cmocka_unit_test_teardown(test_null_arguments_assert, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
