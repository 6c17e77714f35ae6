/* The system heap and the k_malloc family: API.md §1.1. */
#include <string.h>
#include <zephyr/irq_offload.h>

#include "tests.h"

extern struct k_heap _system_heap;
K_HEAP_DEFINE(pool_heap, 1024);

static void test_malloc_zero_is_unique(void **state)
{
	void *a = k_malloc(0);
	void *b = k_malloc(0);

	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	k_free(a);
	k_free(b);
}

static void test_malloc_alignment_and_use(void **state)
{
	for (size_t n = 1; n < 300; n += 37) {
		unsigned char *p = k_malloc(n);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % sizeof(void *), 0);
		memset(p, 0xab, n);
		k_free(p);
	}
	k_free(NULL);
	assert_true(sys_heap_validate(&_system_heap.heap));
}

static void test_overflow_sizes(void **state)
{
	assert_null(k_malloc(SIZE_MAX));
	assert_null(k_malloc(SIZE_MAX - sizeof(void *) + 1));
	assert_null(k_malloc(8192));
	assert_null(k_calloc(SIZE_MAX / 2, 3));
	assert_null(k_aligned_alloc(64, SIZE_MAX));
	assert_null(k_realloc(NULL, SIZE_MAX));
}

static void test_calloc_zeroes(void **state)
{
	unsigned char *p = k_calloc(16, 9);
	void *z = k_calloc(0, 9);

	assert_non_null(p);
	for (int i = 0; i < 144; i++) {
		assert_int_equal(p[i], 0);
	}
	assert_non_null(z);
	k_free(p);
	k_free(z);
}

static void test_aligned_alloc(void **state)
{
	for (size_t align = 1; align <= 1024; align <<= 1) {
		void *p = k_aligned_alloc(align, 40);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % align, 0);
		memset(p, 0x11, 40);
		k_free(p);
	}
	assert_true(sys_heap_validate(&_system_heap.heap));
}

static void test_realloc_keeps_data(void **state)
{
	char *p;
	char *q;

	assert_null(k_realloc(NULL, 0));
	p = k_realloc(NULL, 10);
	assert_non_null(p);
	memcpy(p, "abcdefghij", 10);
	q = k_realloc(p, 500);
	assert_non_null(q);
	assert_memory_equal(q, "abcdefghij", 10);
	assert_null(k_realloc(q, 100000));
	assert_memory_equal(q, "abcdefghij", 10);
	p = k_realloc(q, 4);
	assert_non_null(p);
	assert_memory_equal(p, "abcd", 4);
	assert_null(k_realloc(p, 0));
	assert_true(sys_heap_validate(&_system_heap.heap));
}

static void test_foreign_pointers_are_refused(void **state)
{
	static uintptr_t not_from_malloc[4] = {0x1234, 0x5678, 0x9abc, 0xdef0};
	uintptr_t on_stack[4] = {(uintptr_t)&_system_heap, 0, 0, 0};
	uint32_t before = z_mempool_bad_free_count();
	char *p = k_malloc(64);

	memset(p, 0x3c, 64);
	ztest_assert_quiet(true);
	expect_refusal(k_free(&not_from_malloc[2]));
	expect_refusal(k_free(&on_stack[1]));
	/* Interior pointer: the prefix check or the heap engine refuses it. */
	expect_refusal(k_free(p + 16));
	ztest_assert_quiet(false);
	assert_true(z_mempool_bad_free_count() >= before + 2);
	k_free(p);
	ztest_assert_quiet(true);
	expect_refusal(k_free(p)); /* double free */
	ztest_assert_quiet(false);
	assert_true(sys_heap_validate(&_system_heap.heap));
}

static void test_stats_follow_usage(void **state)
{
	struct sys_memory_stats before, during, after;
	void *p;

	assert_int_equal(sys_heap_runtime_stats_get(&_system_heap.heap, &before), 0);
	p = k_malloc(200);
	assert_int_equal(sys_heap_runtime_stats_get(&_system_heap.heap, &during), 0);
	assert_true(during.allocated_bytes >= before.allocated_bytes + 200 + sizeof(void *));
	assert_true(during.max_allocated_bytes >= during.allocated_bytes);
	k_free(p);
	assert_int_equal(sys_heap_runtime_stats_get(&_system_heap.heap, &after), 0);
	assert_int_equal(after.allocated_bytes, before.allocated_bytes);
	assert_int_equal(after.free_bytes, before.free_bytes);
}

static void test_thread_resource_pool(void **state)
{
	struct k_thread *self = k_current_get();
	struct k_heap *old = self->resource_pool;
	char *p;

	k_thread_heap_assign(self, NULL);
	assert_null(z_thread_malloc(16));
	k_thread_heap_assign(self, &pool_heap);
	p = z_thread_malloc(100);
	assert_non_null(p);
	assert_true(p >= kheap_pool_heap && p < kheap_pool_heap + sizeof(kheap_pool_heap));
	k_free(p); /* k_free finds the right heap from the prefix */
	p = z_thread_aligned_alloc(64, 10);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 64, 0);
	k_free(p);
	k_thread_system_pool_assign(self);
	assert_ptr_equal(self->resource_pool, &_system_heap);
	k_thread_heap_assign(self, old);
	assert_true(sys_heap_validate(&pool_heap.heap));
}

/* k_realloc() recovers the heap like k_free(): a foreign pointer is refused, untouched. */
static void test_realloc_refuses_foreign_pointer(void **state)
{
	static uintptr_t not_from_malloc[4] = {0x1111, 0x2222, 0x3333, 0x4444};
	uint32_t before = z_mempool_bad_free_count();

	ztest_assert_quiet(true);
	expect_refusal(k_realloc(&not_from_malloc[1], 32));
	ztest_assert_quiet(false);
	assert_int_equal(z_mempool_bad_free_count(), before + 1);
	assert_int_equal(not_from_malloc[0], 0x1111);
	assert_int_equal(not_from_malloc[1], 0x2222);
	assert_true(sys_heap_validate(&_system_heap.heap));
}

/* A size whose prefix overflows size_t fails and leaves the block as it was. */
static void test_realloc_overflow_keeps_block(void **state)
{
	char *p = k_malloc(16);

	assert_non_null(p);
	memcpy(p, "0123456789abcde", 16);
	assert_null(k_realloc(p, SIZE_MAX));
	assert_null(k_realloc(p, SIZE_MAX - sizeof(void *) + 1));
	assert_memory_equal(p, "0123456789abcde", 16);
	k_free(p);
	assert_true(sys_heap_validate(&_system_heap.heap));
}

static void test_aligned_alloc_rejects_non_power_of_two(void **state)
{
	struct sys_memory_stats before, after;

	assert_int_equal(sys_heap_runtime_stats_get(&_system_heap.heap, &before), 0);
	ztest_assert_quiet(true);
	expect_refusal(k_aligned_alloc(3, 16));
	expect_refusal(k_aligned_alloc(24, 16));
	ztest_assert_quiet(false);
	assert_int_equal(sys_heap_runtime_stats_get(&_system_heap.heap, &after), 0);
	assert_int_equal(after.allocated_bytes, before.allocated_bytes);
}

/* In an ISR there is no current thread: z_thread_malloc() uses the system heap. */
static void *isr_block;
static bool isr_flag;

static void isr_thread_malloc(const void *arg)
{
	isr_flag = k_is_in_isr();
	isr_block = z_thread_aligned_alloc((size_t)(uintptr_t)arg, 40);
}

static void test_thread_malloc_in_isr_uses_system_heap(void **state)
{
	struct k_thread *self = k_current_get();
	struct k_heap *old = self->resource_pool;
	char *lo = (char *)_system_heap.heap.init_mem;
	char *hi = lo + _system_heap.heap.init_bytes;

	/* The thread's own pool does not matter in an ISR. */
	k_thread_heap_assign(self, NULL);
	for (size_t align = 0; align <= 64; align += 64) {
		isr_flag = false;
		isr_block = NULL;
		irq_offload(isr_thread_malloc, (const void *)(uintptr_t)align);
		assert_true(isr_flag);
		assert_non_null(isr_block);
		assert_true((char *)isr_block >= lo && (char *)isr_block < hi);
		if (align != 0) {
			assert_int_equal((uintptr_t)isr_block % align, 0);
		}
		k_free(isr_block);
	}
	k_thread_heap_assign(self, old);
	assert_true(sys_heap_validate(&_system_heap.heap));
}

int run_mempool_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malloc_zero_is_unique),
		cmocka_unit_test(test_malloc_alignment_and_use),
		cmocka_unit_test(test_overflow_sizes),
		cmocka_unit_test(test_calloc_zeroes),
		cmocka_unit_test(test_aligned_alloc),
		cmocka_unit_test(test_realloc_keeps_data),
		cmocka_unit_test(test_foreign_pointers_are_refused),
		cmocka_unit_test(test_stats_follow_usage),
		cmocka_unit_test(test_thread_resource_pool),
		cmocka_unit_test(test_realloc_refuses_foreign_pointer),
		cmocka_unit_test(test_realloc_overflow_keeps_block),
		cmocka_unit_test(test_aligned_alloc_rejects_non_power_of_two),
		cmocka_unit_test(test_thread_malloc_in_isr_uses_system_heap),
	};
	return cmocka_run_group_tests_name("system heap", tests, NULL, NULL);
}
