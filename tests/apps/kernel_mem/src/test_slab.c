/* Memory slabs: API.md §1.4, plus zmem's O(1) bad-free detection. */
#include <string.h>
#include <zephyr/irq_offload.h>

#include "tests.h"

#define BLK 64
#define NUM 4

K_MEM_SLAB_DEFINE(slab, BLK, NUM, 8);
K_MEM_SLAB_DEFINE_STATIC(small_slab, 3, 5, 1); /* block size rounds up to a word */
struct msg {
	uint32_t id;
	uint16_t len;
};
K_MEM_SLAB_DEFINE_TYPE(msg_slab, struct msg, 3);

static void test_static_geometry(void **state)
{
	assert_int_equal(slab.info.block_size, BLK);
	assert_int_equal(small_slab.info.block_size, sizeof(void *));
	assert_int_equal(k_mem_slab_num_free_get(&small_slab), 5);
	assert_int_equal(k_mem_slab_num_free_get(&msg_slab), 3);
	assert_true(msg_slab.info.block_size >= sizeof(struct msg));
}

static void test_lowest_address_first_and_exhaustion(void **state)
{
	void *blocks[NUM];
	void *extra = (void *)1;
	struct sys_memory_stats st;

	for (int i = 0; i < NUM; i++) {
		assert_int_equal(k_mem_slab_alloc(&slab, &blocks[i], K_NO_WAIT), 0);
		assert_ptr_equal(blocks[i], slab.buffer + i * BLK);
		assert_int_equal(k_mem_slab_num_used_get(&slab), i + 1);
	}
	assert_int_equal(k_mem_slab_alloc(&slab, &extra, K_NO_WAIT), -ENOMEM);
	assert_null(extra);
	assert_int_equal(k_mem_slab_num_free_get(&slab), 0);
	assert_int_equal(k_mem_slab_runtime_stats_get(&slab, &st), 0);
	assert_int_equal(st.allocated_bytes, NUM * BLK);
	assert_int_equal(st.free_bytes, 0);
	for (int i = 0; i < NUM; i++) {
		k_mem_slab_free(&slab, blocks[i]);
	}
	assert_int_equal(k_mem_slab_num_used_get(&slab), 0);
	assert_int_equal(k_mem_slab_max_used_get(&slab), NUM);
	assert_int_equal(k_mem_slab_runtime_stats_get(&slab, &st), 0);
	assert_int_equal(st.max_allocated_bytes, NUM * BLK);
	assert_int_equal(k_mem_slab_runtime_stats_reset_max(&slab), 0);
	assert_int_equal(k_mem_slab_max_used_get(&slab), 0);
	assert_int_equal(k_mem_slab_runtime_stats_get(NULL, &st), -EINVAL);
	assert_int_equal(k_mem_slab_runtime_stats_get(&slab, NULL), -EINVAL);
	assert_int_equal(k_mem_slab_runtime_stats_reset_max(NULL), -EINVAL);
	/* LIFO after init: the block freed last comes back first. */
	assert_int_equal(k_mem_slab_alloc(&slab, &extra, K_NO_WAIT), 0);
	assert_ptr_equal(extra, blocks[NUM - 1]);
	k_mem_slab_free(&slab, extra);
}

static void test_init_validation(void **state)
{
	static uintptr_t buf[64];
	struct k_mem_slab s;
	void *b;

	assert_int_equal(k_mem_slab_init(&s, buf, 0, 4), -EINVAL);
	assert_int_equal(k_mem_slab_init(&s, buf, BLK + 1, 4), -EINVAL);
	assert_int_equal(k_mem_slab_init(&s, (char *)buf + 1, BLK, 4), -EINVAL);
	assert_int_equal(k_mem_slab_init(&s, buf, SIZE_MAX - 7, 4), -EINVAL);
	assert_int_equal(k_mem_slab_init(&s, (void *)(UINTPTR_MAX - 63), 16, 8), -EINVAL);
	assert_int_equal(k_mem_slab_init(&s, buf, BLK, 0), 0);
	assert_int_equal(k_mem_slab_alloc(&s, &b, K_NO_WAIT), -ENOMEM);
	assert_int_equal(k_mem_slab_init(&s, buf, 24, 10), 0);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(k_mem_slab_alloc(&s, &b, K_NO_WAIT), 0);
		assert_ptr_equal(b, (char *)buf + i * 24);
	}
}

static void test_timeout(void **state)
{
	void *blocks[NUM];
	void *b = (void *)1;
	int64_t t0;

	for (int i = 0; i < NUM; i++) {
		assert_int_equal(k_mem_slab_alloc(&slab, &blocks[i], K_NO_WAIT), 0);
	}
	t0 = k_uptime_get();
	assert_int_equal(k_mem_slab_alloc(&slab, &b, K_MSEC(60)), -EAGAIN);
	assert_true(k_uptime_get() - t0 >= 60);
	assert_true(k_uptime_get() - t0 < 60 + SLACK_MS);
	assert_null(b);
	for (int i = 0; i < NUM; i++) {
		k_mem_slab_free(&slab, blocks[i]);
	}
}

/* Waiters record the order in which they were served. */
static void *got[3];
static int order[3];
static int served;

static void waiter(void *id, void *p2, void *p3)
{
	int i = (int)(intptr_t)id;

	assert_int_equal(k_mem_slab_alloc(&slab, &got[i], K_FOREVER), 0);
	order[served++] = i;
}

static void test_free_hands_block_to_best_waiter(void **state)
{
	k_tid_t self = k_current_get();
	int old_prio = k_thread_priority_get(self);
	void *blocks[NUM];

	for (int i = 0; i < NUM; i++) {
		assert_int_equal(k_mem_slab_alloc(&slab, &blocks[i], K_NO_WAIT), 0);
	}
	served = 0;
	/*
	 * Every waiter is more urgent than this thread, so each runs as soon as it
	 * is created and blocks in k_mem_slab_alloc() before we go on: waiter 0
	 * (prio 7) waits first, then 1 (prio 3), then 2 (prio 7). No sleeps, so
	 * the order does not depend on how fast the host is.
	 */
	k_thread_priority_set(self, 10);
	ztest_spawn(waiter, (void *)0, 7, 0);
	ztest_spawn(waiter, (void *)1, 3, 0);
	ztest_spawn(waiter, (void *)2, 7, 0);
	assert_int_equal(served, 0);
	for (int i = 0; i < 3; i++) {
		/* The woken waiter preempts us before k_mem_slab_free() returns. */
		k_mem_slab_free(&slab, blocks[i]);
		assert_int_equal(served, i + 1);
		/* Hand-off: the block went to a waiter and stays counted as used. */
		assert_int_equal(k_mem_slab_num_used_get(&slab), NUM);
		assert_ptr_equal(got[order[i]], blocks[i]);
	}
	k_thread_priority_set(self, old_prio);
	ztest_join_all();
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
	assert_int_equal(order[2], 2);
	for (int i = 0; i < 3; i++) {
		k_mem_slab_free(&slab, got[i]);
	}
	k_mem_slab_free(&slab, blocks[3]);
	assert_int_equal(k_mem_slab_num_used_get(&slab), 0);
}

static void test_bad_frees_are_refused(void **state)
{
	static uintptr_t rbuf[32];
	static char outside[BLK];
	struct k_mem_slab rs;
	void *a;
	void *b;

	if (!IS_ENABLED(CONFIG_MEM_SLAB_POINTER_VALIDATE)) {
		/* Frees are trusted, as in Zephyr: no map is even allocated. */
		assert_null(slab.z_used_map);
		return;
	}
	assert_int_equal(k_mem_slab_alloc(&slab, &a, K_NO_WAIT), 0);
	ztest_assert_quiet(true);
	expect_refusal(k_mem_slab_free(&slab, outside));
	expect_refusal(k_mem_slab_free(&slab, (char *)a + 8));
	k_mem_slab_free(&slab, a);
	expect_refusal(k_mem_slab_free(&slab, a));
	ztest_assert_quiet(false);
	assert_int_equal(k_mem_slab_bad_free_count(&slab), 3);
	assert_int_equal(k_mem_slab_num_used_get(&slab), 0);
	/* The refused frees did not corrupt the list: every block is handed out once. */
	void *blocks[NUM];

	for (int i = 0; i < NUM; i++) {
		assert_int_equal(k_mem_slab_alloc(&slab, &blocks[i], K_NO_WAIT), 0);
		for (int j = 0; j < i; j++) {
			assert_ptr_not_equal(blocks[i], blocks[j]);
		}
	}
	assert_int_equal(k_mem_slab_alloc(&slab, &b, K_NO_WAIT), -ENOMEM);
	for (int i = 0; i < NUM; i++) {
		k_mem_slab_free(&slab, blocks[i]);
	}

	/* A slab from k_mem_slab_init() detects double frees with its check word. */
	assert_int_equal(k_mem_slab_init(&rs, rbuf, 4 * sizeof(uintptr_t), 8), 0);
	assert_int_equal(k_mem_slab_alloc(&rs, &a, K_NO_WAIT), 0);
	memset(a, 0, 4 * sizeof(uintptr_t));
	k_mem_slab_free(&rs, a);
	ztest_assert_quiet(true);
	expect_refusal(k_mem_slab_free(&rs, a));
	expect_refusal(k_mem_slab_free(&rs, (char *)rbuf + sizeof(rbuf)));
	ztest_assert_quiet(false);
	assert_int_equal(k_mem_slab_num_used_get(&rs), 0);
	assert_int_equal(k_mem_slab_bad_free_count(&rs), 2);
}

/*
 * Every byte offset around a slab, for block sizes that are not powers of two
 * (the O(1) check maps an offset to a block number with a multiply and a
 * rotate): only the start of an allocated block may be freed; interior,
 * misaligned, before-the-buffer and past-the-end pointers are refused, and so
 * are second frees where the slab can see them (a map, or blocks of two
 * words or more). Afterwards every block is still handed out exactly once.
 * `s` is a fresh slab with every block free.
 */
static void check_every_offset(struct k_mem_slab *s)
{
	const size_t bs = s->info.block_size;
	const uint32_t num = s->info.num_blocks;
	const size_t total = bs * num;
	char *const buf = s->buffer;
	const bool sees_double_free = s->z_used_map != NULL || bs >= 2 * sizeof(void *);
	void *blocks[12];
	uint32_t refused = 0U;

	assert_true(num <= ARRAY_SIZE(blocks));
	for (uint32_t i = 0; i < num; i++) {
		assert_int_equal(k_mem_slab_alloc(s, &blocks[i], K_NO_WAIT), 0);
		assert_ptr_equal(blocks[i], buf + i * bs);
	}
	ztest_assert_quiet(true);
	/* Pointer arithmetic outside the buffer, as a caller's bad pointer would be. */
	for (uintptr_t p = (uintptr_t)buf - 2 * bs; p < (uintptr_t)buf + total + 2 * bs; p++) {
		uintptr_t off = p - (uintptr_t)buf;

		if (off < total && off % bs == 0U) {
			continue;
		}
		expect_refusal(k_mem_slab_free(s, (void *)p));
		refused++;
	}
	for (uint32_t i = 0; i < num; i++) {
		k_mem_slab_free(s, blocks[i]);
		if (sees_double_free) {
			expect_refusal(k_mem_slab_free(s, blocks[i]));
			refused++;
		}
	}
	ztest_assert_quiet(false);
	assert_int_equal(k_mem_slab_bad_free_count(s), refused);
	assert_int_equal(k_mem_slab_num_used_get(s), 0);
	for (uint32_t i = 0; i < num; i++) {
		assert_int_equal(k_mem_slab_alloc(s, &blocks[i], K_NO_WAIT), 0);
		for (uint32_t j = 0; j < i; j++) {
			assert_ptr_not_equal(blocks[i], blocks[j]);
		}
	}
	void *none;

	assert_int_equal(k_mem_slab_alloc(s, &none, K_NO_WAIT), -ENOMEM);
	for (uint32_t i = 0; i < num; i++) {
		k_mem_slab_free(s, blocks[i]);
	}
}

/* Slabs with a map, sizes 3, 5, 7 and 12 words (on both 32- and 64-bit). */
K_MEM_SLAB_DEFINE_STATIC(odd3_slab, 3 * sizeof(void *), 7, sizeof(void *));
K_MEM_SLAB_DEFINE_STATIC(odd5_slab, 5 * sizeof(void *), 9, sizeof(void *));
K_MEM_SLAB_DEFINE_STATIC(odd7_slab, 7 * sizeof(void *), 5, sizeof(void *));
K_MEM_SLAB_DEFINE_STATIC(even12_slab, 12 * sizeof(void *), 3, sizeof(void *));

static void test_every_offset_is_checked(void **state)
{
	static uintptr_t arena[12 * 9];
	struct k_mem_slab s;

	if (!IS_ENABLED(CONFIG_MEM_SLAB_POINTER_VALIDATE)) {
		return;
	}
	check_every_offset(&odd3_slab);
	check_every_offset(&odd5_slab);
	check_every_offset(&odd7_slab);
	check_every_offset(&even12_slab);
	/* k_mem_slab_init() slabs (check word, or range only for one-word blocks). */
	for (size_t words = 1; words <= 12; words++) {
		uint32_t num = (uint32_t)MIN(ARRAY_SIZE(arena) / words, 12U);

		assert_int_equal(k_mem_slab_init(&s, arena, words * sizeof(void *), num), 0);
		check_every_offset(&s);
	}
}

static int isr_ret;
static void *isr_block;

static void isr_alloc(const void *arg)
{
	isr_ret = k_mem_slab_alloc(&slab, &isr_block, K_NO_WAIT);
}

static void test_alloc_in_isr(void **state)
{
	irq_offload(isr_alloc, NULL);
	assert_int_equal(isr_ret, 0);
	k_mem_slab_free(&slab, isr_block);
}

int run_slab_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_geometry),
		cmocka_unit_test(test_lowest_address_first_and_exhaustion),
		cmocka_unit_test(test_init_validation),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_free_hands_block_to_best_waiter),
		cmocka_unit_test(test_bad_frees_are_refused),
		cmocka_unit_test(test_every_offset_is_checked),
		cmocka_unit_test(test_alloc_in_isr),
	};
	return cmocka_run_group_tests_name("k_mem_slab", tests, NULL, NULL);
}
