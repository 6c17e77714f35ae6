/*
 * Heaps beyond 4 GiB on 64-bit hosts, over sparse anonymous mappings (only the pages the
 * engine touches get memory). Skips on 32-bit hosts or where the mapping is refused.
 */
#define _DEFAULT_SOURCE
#include "../../support/zmem_test.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/sys/util.h>

#include "heap.h"

#define GIB ((size_t)1 << 30)

static void *map_sparse(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return (p == MAP_FAILED) ? NULL : p;
}

static void test_six_gib(void **state)
{
	size_t bytes;
	uint8_t *mem;
	struct sys_heap heap;

	if (sizeof(void *) < 8U) {
		skip();
	}
	bytes = 6U * GIB + 12345U;
	mem = map_sparse(bytes);
	if (mem == NULL) {
		skip();
	}
	sys_heap_init(&heap, mem + 3, bytes - 3);
	assert_true(sys_heap_validate(&heap));
	assert_true(big_heap(heap.heap) && wide_heads(heap.heap));

	/* One block of 4.5 GiB, then small ones above the 4 GiB offset. */
	uint8_t *big = sys_heap_alloc(&heap, 4U * GIB + GIB / 2U);

	assert_non_null(big);
	assert_int_equal(sys_heap_usable_size(&heap, big), 4U * GIB + GIB / 2U);
	big[0] = 1;
	big[4U * GIB + GIB / 2U - 1U] = 2;

	uint8_t *small[16];

	for (int i = 0; i < 16; i++) {
		small[i] = sys_heap_alloc(&heap, 100U + (size_t)i);
		assert_non_null(small[i]);
		assert_true((size_t)(small[i] - mem) > 4U * GIB);
		memset(small[i], i, 100U + (size_t)i);
	}
	uint8_t *aligned = sys_heap_aligned_alloc(&heap, 1U << 20, 1000);

	assert_non_null(aligned);
	assert_true(IS_ALIGNED(aligned, 1U << 20));
	assert_true(sys_heap_validate(&heap));

	/* Nothing else of 2 GiB is left; a request above the remainder fails cleanly. */
	assert_null(sys_heap_alloc(&heap, 2U * GIB));
	assert_null(sys_heap_alloc(&heap, SIZE_MAX - 8U));

	uint8_t *grown = sys_heap_realloc(&heap, small[15], GIB);

	assert_non_null(grown);
	assert_int_equal(grown[114], 15);
	for (int i = 0; i < 15; i++) {
		sys_heap_free(&heap, small[i]);
	}
	sys_heap_free(&heap, grown);
	sys_heap_free(&heap, aligned);
	sys_heap_free(&heap, big);
	assert_true(sys_heap_validate(&heap));
	assert_true(sys_heap_largest_free(&heap) > 6U * GIB - GIB / 1024U);
	munmap(mem, bytes);
}

static void test_beyond_layout_limit(void **state)
{
	/* 17 GiB: more than 2^31 - 1 units; the heap is clamped to what it can address. */
	size_t bytes = 17U * GIB;
	uint8_t *mem;
	struct sys_heap heap;

	if (sizeof(void *) < 8U) {
		skip();
	}
	mem = map_sparse(bytes);
	if (mem == NULL) {
		skip();
	}
	sys_heap_init(&heap, mem, bytes);
	assert_int_equal(heap.heap->end_chunk, HEAP_BIG_MAX_UNITS);
	assert_true(sys_heap_validate(&heap));
	assert_null(sys_heap_alloc(&heap, 16U * GIB));

	void *p = sys_heap_alloc(&heap, 15U * GIB);

	assert_non_null(p);
	sys_heap_free(&heap, p);
	assert_true(sys_heap_validate(&heap));
	munmap(mem, bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_six_gib),
		cmocka_unit_test(test_beyond_layout_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
