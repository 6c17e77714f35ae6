/* k_heap: API.md §1.2, including the blocking semantics. */
#include <string.h>
#include <zephyr/irq_offload.h>

#include "tests.h"

K_HEAP_DEFINE(tiny_heap, 1);
K_HEAP_DEFINE(test_heap, 2048);

/* Fill the heap with 64-byte blocks; returns how many it took. */
static int fill(struct k_heap *h, void **blocks, int max)
{
	int n = 0;

	while (n < max && (blocks[n] = k_heap_alloc(h, 64, K_NO_WAIT)) != NULL) {
		n++;
	}
	return n;
}

static void free_all(struct k_heap *h, void **blocks, int n)
{
	for (int i = 0; i < n; i++) {
		k_heap_free(h, blocks[i]);
	}
}

static void test_min_size(void **state)
{
	char *lo = kheap_tiny_heap;
	char *hi = lo + sizeof(kheap_tiny_heap);
	char *p = k_heap_alloc(&tiny_heap, 1, K_NO_WAIT);

	assert_non_null(p);
	assert_true(p >= lo && p + 1 <= hi);
	*p = 0x5a;
	assert_null(k_heap_alloc(&tiny_heap, 1, K_NO_WAIT));
	k_heap_free(&tiny_heap, p);
	assert_true(sys_heap_validate(&tiny_heap.heap));
}

static void test_alloc_free_basics(void **state)
{
	void *a = k_heap_alloc(&test_heap, 100, K_NO_WAIT);
	void *b = k_heap_alloc(&test_heap, 100, K_NO_WAIT);

	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	memset(a, 1, 100);
	memset(b, 2, 100);
	assert_null(k_heap_alloc(&test_heap, 0, K_NO_WAIT));
	assert_null(k_heap_alloc(&test_heap, 0, K_MSEC(10)));
	assert_null(k_heap_alloc(&test_heap, 1 << 20, K_NO_WAIT));
	assert_null(k_heap_alloc(&test_heap, SIZE_MAX, K_NO_WAIT));
	k_heap_free(&test_heap, a);
	k_heap_free(&test_heap, b);
	k_heap_free(&test_heap, NULL);
	assert_true(sys_heap_validate(&test_heap.heap));
}

static void test_aligned(void **state)
{
	for (size_t align = 1; align <= 512; align <<= 1) {
		void *p = k_heap_aligned_alloc(&test_heap, align, 24, K_NO_WAIT);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % align, 0);
		k_heap_free(&test_heap, p);
	}
	void *p = k_heap_aligned_alloc(&test_heap, 0, 24, K_NO_WAIT);

	assert_non_null(p);
	k_heap_free(&test_heap, p);
	ztest_assert_quiet(true);
	expect_refusal(k_heap_aligned_alloc(&test_heap, 3, 24, K_NO_WAIT));
	ztest_assert_quiet(false);
	assert_true(sys_heap_validate(&test_heap.heap));
}

static void test_calloc_zeroes(void **state)
{
	unsigned char *p = k_heap_calloc(&test_heap, 10, 12, K_NO_WAIT);

	assert_non_null(p);
	for (int i = 0; i < 120; i++) {
		assert_int_equal(p[i], 0);
	}
	k_heap_free(&test_heap, p);
	assert_null(k_heap_calloc(&test_heap, SIZE_MAX / 2, 3, K_FOREVER));
	assert_null(k_heap_calloc(&test_heap, 0, 8, K_NO_WAIT));
}

static void test_realloc_keeps_data(void **state)
{
	char *p = k_heap_realloc(&test_heap, NULL, 32, K_NO_WAIT);
	char *q;

	assert_non_null(p);
	memcpy(p, "0123456789abcdefghijklmnopqrstu", 32);
	q = k_heap_realloc(&test_heap, p, 600, K_NO_WAIT);
	assert_non_null(q);
	assert_memory_equal(q, "0123456789abcdefghijklmnopqrstu", 32);
	p = k_heap_realloc(&test_heap, q, 8, K_NO_WAIT);
	assert_non_null(p);
	assert_memory_equal(p, "01234567", 8);
	/* A failed realloc leaves the block as it was. */
	assert_null(k_heap_realloc(&test_heap, p, 1 << 20, K_NO_WAIT));
	assert_memory_equal(p, "01234567", 8);
	assert_null(k_heap_realloc(&test_heap, p, 0, K_NO_WAIT));
	assert_true(sys_heap_validate(&test_heap.heap));
}

static void test_double_free_asserts(void **state)
{
	void *p = k_heap_alloc(&test_heap, 40, K_NO_WAIT);

	k_heap_free(&test_heap, p);
	ztest_assert_quiet(true);
	expect_refusal(k_heap_free(&test_heap, p));
	ztest_assert_quiet(false);
	assert_true(sys_heap_validate(&test_heap.heap));
}

static void test_timeout_expires(void **state)
{
	void *blocks[64];
	int n = fill(&test_heap, blocks, 64);
	int64_t t0 = k_uptime_get();

	assert_true(n > 4);
	assert_null(k_heap_alloc(&test_heap, 64, K_MSEC(100)));
	int64_t waited = k_uptime_get() - t0;

	assert_true(waited >= 100);
	assert_true(waited < 100 + SLACK_MS);
	free_all(&test_heap, blocks, n);
}

static void free_later(void *p1, void *p2, void *p3)
{
	k_heap_free(&test_heap, p1);
}

static void test_blocked_alloc_is_served_by_free(void **state)
{
	void *blocks[64];
	int n = fill(&test_heap, blocks, 64);
	int64_t t0 = k_uptime_get();
	void *p;

	ztest_spawn(free_later, blocks[n - 1], 5, 50);
	p = k_heap_alloc(&test_heap, 64, K_FOREVER);
	assert_non_null(p);
	assert_true(k_uptime_get() - t0 >= 50);
	ztest_join_all();
	blocks[n - 1] = p;

	ztest_spawn(free_later, blocks[0], 5, 20);
	p = k_heap_alloc(&test_heap, 64, K_MSEC(5000));
	assert_non_null(p);
	ztest_join_all();
	blocks[0] = p;
	free_all(&test_heap, blocks, n);
	assert_true(sys_heap_validate(&test_heap.heap));
}

static void *isr_result;
static bool isr_flag;

static void isr_alloc(const void *arg)
{
	isr_flag = k_is_in_isr();
	isr_result = k_heap_alloc(&test_heap, 16, K_NO_WAIT);
}

static void test_alloc_in_isr_nowait(void **state)
{
	irq_offload(isr_alloc, NULL);
	assert_true(isr_flag);
	assert_non_null(isr_result);
	k_heap_free(&test_heap, isr_result);
}

static void test_array_get(void **state)
{
	struct k_heap *heaps;
	int n = k_heap_array_get(&heaps);
	bool found_tiny = false, found_test = false;

	assert_true(n >= 3); /* tiny_heap, test_heap, _system_heap, ... */
	for (int i = 0; i < n; i++) {
		found_tiny |= &heaps[i] == &tiny_heap;
		found_test |= &heaps[i] == &test_heap;
	}
	assert_true(found_tiny && found_test);
}

/* k_heap_init() on a caller's buffer: every byte handed out lies inside it. */
static void test_runtime_init(void **state)
{
	static uint8_t buf[512] __aligned(8);
	struct k_heap h;
	void *blocks[32];
	int n = 0;

	k_heap_init(&h, buf, sizeof(buf));
	assert_true(sys_heap_validate(&h.heap));
	while (n < 32 && (blocks[n] = k_heap_alloc(&h, 32, K_NO_WAIT)) != NULL) {
		uint8_t *b = blocks[n];

		assert_true(b >= buf && b + 32 <= buf + sizeof(buf));
		memset(b, n, 32);
		n++;
	}
	assert_true(n > 4 && n < 16); /* 512 bytes hold fewer than 16 chunks of 32 + overhead */
	assert_null(k_heap_alloc(&h, 32, K_MSEC(10)));
	for (int i = 0; i < n; i++) {
		assert_int_equal(((uint8_t *)blocks[i])[31], i);
		k_heap_free(&h, blocks[i]);
	}
	assert_true(sys_heap_validate(&h.heap));
	/* Everything came back: one block of nearly the whole buffer fits again. */
	blocks[0] = k_heap_alloc(&h, 256, K_NO_WAIT);
	assert_non_null(blocks[0]);
	k_heap_free(&h, blocks[0]);
}

/* Zero bytes is refused before the alignment is looked at, even with a timeout. */
static void test_aligned_zero_bytes(void **state)
{
	assert_null(k_heap_aligned_alloc(&test_heap, 16, 0, K_NO_WAIT));
	assert_null(k_heap_aligned_alloc(&test_heap, 16, 0, K_MSEC(10)));
	assert_null(k_heap_aligned_alloc(&test_heap, 16, 1 << 20, K_NO_WAIT));
	assert_true(sys_heap_validate(&test_heap.heap));
}

/* A realloc that shrinks gives memory back: a waiter for it is woken. */
static void *shrunk;

static void shrink_later(void *p1, void *p2, void *p3)
{
	shrunk = k_heap_realloc(&test_heap, p1, 8, K_NO_WAIT);
}

static void test_realloc_shrink_wakes_waiter(void **state)
{
	void *blocks[64];
	void *big;
	void *p;
	int n;

	shrunk = NULL;
	big = k_heap_alloc(&test_heap, 512, K_NO_WAIT);
	assert_non_null(big);
	n = fill(&test_heap, blocks, 64);
	assert_null(k_heap_alloc(&test_heap, 64, K_NO_WAIT));
	ztest_spawn(shrink_later, big, 5, 30);
	p = k_heap_alloc(&test_heap, 64, K_MSEC(5000));
	ztest_join_all();
	assert_non_null(p);
	assert_ptr_equal(shrunk, big); /* shrunk in place */
	k_heap_free(&test_heap, p);
	k_heap_free(&test_heap, big);
	free_all(&test_heap, blocks, n);
	assert_true(sys_heap_validate(&test_heap.heap));
}

int run_kheap_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_min_size),
		cmocka_unit_test(test_alloc_free_basics),
		cmocka_unit_test(test_aligned),
		cmocka_unit_test(test_calloc_zeroes),
		cmocka_unit_test(test_realloc_keeps_data),
		cmocka_unit_test(test_double_free_asserts),
		cmocka_unit_test(test_timeout_expires),
		cmocka_unit_test(test_blocked_alloc_is_served_by_free),
		cmocka_unit_test(test_alloc_in_isr_nowait),
		cmocka_unit_test(test_array_get),
		cmocka_unit_test(test_runtime_init),
		cmocka_unit_test(test_aligned_zero_bytes),
		cmocka_unit_test(test_realloc_shrink_wakes_waiter),
	};
	return cmocka_run_group_tests_name("k_heap", tests, NULL, NULL);
}
