/*
 * sys_heap API tests: every public function, its error paths and Zephyr's white-box
 * observables. Built several times (see CMakeLists.txt) with asserts, stats, validate and
 * the header layout switched on and off; each test adapts to the configuration.
 */
#include "../../support/zmem_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zephyr/sys/heap_listener.h>
#include <zephyr/sys/multi_heap.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/sys/util.h>

#include "../heap_common/heap_test_util.h"
#include "heap.h"

#define HEAP_BYTES 8192U

static uint64_t heap_buf[(64U * 1024U) / 8U + 16U];
static struct sys_heap heap;

static void *mem_at(size_t off)
{
	return (uint8_t *)heap_buf + off;
}

static chunkid_t mem_to_chunk_test(const struct z_heap *h, const void *p)
{
	return (chunkid_t)(((uintptr_t)p - (uintptr_t)h) / CHUNK_UNIT);
}

static size_t hdr(void)
{
	return test_hdr_bytes(HEAP_BYTES);
}

static void fresh(size_t bytes)
{
	memset(heap_buf, 0xa5, sizeof(heap_buf));
	sys_heap_init(&heap, heap_buf, bytes);
	assert_true(sys_heap_validate(&heap));
}

static int setup(void **state)
{
	ARG_UNUSED(state);
	fresh(HEAP_BYTES);
	return 0;
}

/* Free space as one block: everything after chunk 0, minus the header. */
static size_t fresh_largest(void)
{
	const struct z_heap *h = heap.heap;

	return chunk_bytes(h->end_chunk - chunk_size(h, 0U)) - chunk_header_bytes(h);
}

static void test_init_records(void **state)
{
	assert_ptr_equal(heap.init_mem, heap_buf);
	assert_int_equal(heap.init_bytes, HEAP_BYTES);
	/* An 8-aligned buffer: the descriptor (chunk 0's user area) is 8 bytes in. */
	assert_ptr_equal(heap.heap, (uint8_t *)heap_buf + 8);
	assert_int_equal(chunk_header_bytes(heap.heap), hdr());
	assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());
	assert_int_equal(sys_heap_bad_free_count(&heap), 0);
}

static void test_init_unaligned(void **state)
{
	for (size_t skew = 1; skew < 8; skew++) {
		size_t bytes = 1000U + skew * 3U;
		uint8_t *base = mem_at(skew);

		memset(heap_buf, 0x5a, sizeof(heap_buf));
		sys_heap_init(&heap, base, bytes);
		assert_true(sys_heap_validate(&heap));
		assert_true(IS_ALIGNED(heap.heap, 8));

		void *p;
		size_t n = 0;

		while ((p = sys_heap_alloc(&heap, 24)) != NULL) {
			assert_true((uint8_t *)p >= base && (uint8_t *)p + 24 <= base + bytes);
			n++;
		}
		assert_true(n > 10);
		/* Nothing past the region was touched. */
		for (size_t i = skew + bytes; i < skew + bytes + 64; i++) {
			assert_int_equal(((uint8_t *)heap_buf)[i], 0x5a);
		}
		assert_true(sys_heap_validate(&heap));
	}
}

static void test_alloc_zero_and_too_big(void **state)
{
	assert_null(sys_heap_alloc(&heap, 0));
	assert_null(sys_heap_alloc(&heap, SIZE_MAX));
	assert_null(sys_heap_alloc(&heap, SIZE_MAX - 7));
	assert_null(sys_heap_alloc(&heap, SIZE_MAX / 2));
	assert_null(sys_heap_alloc(&heap, HEAP_BYTES));
	assert_null(sys_heap_alloc(&heap, fresh_largest() + 1));
	assert_null(sys_heap_aligned_alloc(&heap, 64, SIZE_MAX));
	assert_null(sys_heap_aligned_alloc(&heap, 64, SIZE_MAX - 100));
	assert_null(sys_heap_aligned_alloc(&heap, 64, 0));
	assert_null(sys_heap_aligned_alloc(&heap, 4096, HEAP_BYTES - 100));
	assert_null(sys_heap_noalign_alloc(&heap, 16, 0));
	assert_true(sys_heap_validate(&heap));

	/* calloc-style product that overflows is the caller's check; its wrapped value fails. */
	size_t product;

	assert_true(size_mul_overflow(SIZE_MAX / 3, 4, &product));

	void *p = sys_heap_alloc(&heap, fresh_largest());

	assert_non_null(p);
	assert_null(sys_heap_alloc(&heap, 1));
	sys_heap_free(&heap, p);
	assert_true(sys_heap_validate(&heap));
}

static void test_usable_size_and_alignment(void **state)
{
	for (size_t bytes = 1; bytes <= 600; bytes++) {
		uint8_t *p = sys_heap_alloc(&heap, bytes);

		assert_non_null(p);
		assert_int_equal(sys_heap_usable_size(&heap, p), test_usable(bytes, hdr()));
		assert_int_equal((uintptr_t)p % 8U, 0U);
		memset(p, 0x11, sys_heap_usable_size(&heap, p));
		assert_true(sys_heap_validate(&heap));
		sys_heap_free(&heap, p);
	}
	assert_true(sys_heap_validate(&heap));
	assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());
}

static void test_fill_low_to_high(void **state)
{
	uint8_t *prev = NULL;
	uint8_t *p;

	while ((p = sys_heap_alloc(&heap, 40)) != NULL) {
		if (prev != NULL) {
			assert_ptr_equal(p, prev + test_usable(40, hdr()) + hdr());
		}
		prev = p;
	}
	assert_true(sys_heap_validate(&heap));
}

static void test_coalescing(void **state)
{
	void *a = sys_heap_alloc(&heap, 100);
	void *b = sys_heap_alloc(&heap, 200);
	void *c = sys_heap_alloc(&heap, 300);
	void *d = sys_heap_alloc(&heap, 10);

	assert_non_null(d);
	sys_heap_free(&heap, a);
	sys_heap_free(&heap, c);
	assert_true(sys_heap_validate(&heap));
	/* b between two free chunks: freeing it merges all three at once. */
	sys_heap_free(&heap, b);
	assert_true(sys_heap_validate(&heap));
	void *big = sys_heap_alloc(&heap, 600);

	assert_ptr_equal(big, a);
	sys_heap_free(&heap, big);
	sys_heap_free(&heap, d);
	assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());
}

static void test_free_null(void **state)
{
	sys_heap_free(&heap, NULL);
	assert_int_equal(sys_heap_bad_free_count(&heap), 0);
	assert_true(sys_heap_validate(&heap));
}

/* A bad free is an assertion with CONFIG_ASSERT, else ignored and counted. */
static void expect_bad_free_only(void *ptr)
{
	uint32_t before = sys_heap_bad_free_count(&heap);

	if (IS_ENABLED(CONFIG_ASSERT)) {
		zmem_test_assert_quiet(1);
		expect_assert_failure(sys_heap_free(&heap, ptr));
		zmem_test_assert_quiet(0);
	} else {
		sys_heap_free(&heap, ptr);
	}
	assert_int_equal(sys_heap_bad_free_count(&heap), before + 1U);
}

static void expect_bad_free(void *ptr)
{
	uint32_t before = sys_heap_bad_free_count(&heap);

	if (IS_ENABLED(CONFIG_ASSERT)) {
		zmem_test_assert_quiet(1);
		expect_assert_failure(sys_heap_free(&heap, ptr));
		zmem_test_assert_quiet(0);
	} else {
		sys_heap_free(&heap, ptr);
	}
	assert_int_equal(sys_heap_bad_free_count(&heap), before + 1U);
	assert_true(sys_heap_validate(&heap));
}

static void test_bad_frees(void **state)
{
	int local;
	uint8_t *a = sys_heap_alloc(&heap, 64);
	uint8_t *b = sys_heap_alloc(&heap, 64);
	uint8_t *c = sys_heap_alloc(&heap, 64);

	memset(a, 0, 64);
	memset(b, 0, 64);
	memset(c, 0, 64);
	expect_bad_free(&local);
	expect_bad_free((void *)((uintptr_t)heap_buf - 64));
	expect_bad_free(heap_buf);
	expect_bad_free((uint8_t *)heap.heap + 8);
	expect_bad_free(mem_at(HEAP_BYTES - 4));
	expect_bad_free(mem_at(HEAP_BYTES + 64));
	expect_bad_free(b + 1);
	expect_bad_free(b + 2);
	expect_bad_free(b + 4);
	expect_bad_free(b + 8);
	expect_bad_free(b + 16);
	expect_bad_free(b - 8);
	expect_bad_free((void *)(uintptr_t)1);
	expect_bad_free((void *)UINTPTR_MAX);

	/* Double free, plain and after merging with each neighbour. */
	sys_heap_free(&heap, b);
	expect_bad_free(b);
	sys_heap_free(&heap, a);
	expect_bad_free(a);
	expect_bad_free(b);
	sys_heap_free(&heap, c);
	expect_bad_free(c);
	assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());

	/* Overflow into the next block's header is caught on free of the victim's owner. */
	uint8_t *x = sys_heap_alloc(&heap, 20);
	uint8_t *y = sys_heap_alloc(&heap, 20);

	assert_non_null(y);
	memset(x, 0xff, sys_heap_usable_size(&heap, x) + 2);
	expect_bad_free_only(x);
	assert_false(IS_ENABLED(CONFIG_SYS_HEAP_VALIDATE) && sys_heap_validate(&heap));
	/* Repair the header so the heap is whole again. */
	chunk_set(heap.heap, mem_to_chunk_test(heap.heap, y), LEFT_SIZE,
		  chunk_size(heap.heap, mem_to_chunk_test(heap.heap, x)));
	sys_heap_free(&heap, x);
	sys_heap_free(&heap, y);
	assert_true(sys_heap_validate(&heap));
}

static void test_aligned_alloc(void **state)
{
	static const size_t sizes[] = { 1, 3, 8, 13, 64, 100, 555 };

	for (size_t align = 1; align <= 2048; align <<= 1) {
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			uint8_t *p = sys_heap_aligned_alloc(&heap, align, sizes[i]);

			assert_non_null(p);
			assert_true(IS_ALIGNED(p, MAX(align, 8U)));
			assert_true(sys_heap_usable_size(&heap, p) >= sizes[i]);
			memset(p, 0x77, sizes[i]);
			assert_true(sys_heap_validate(&heap));
			if (align <= 8U) {
				assert_int_equal(sys_heap_usable_size(&heap, p),
						 test_usable(sizes[i], hdr()));
			}
			sys_heap_free(&heap, p);
			assert_true(sys_heap_validate(&heap));
			/* Prefix and suffix went back: the heap is one block again. */
			assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());
		}
	}
}

static void test_aligned_keeps_neighbours(void **state)
{
	void *blocks[40];

	/* Interleave aligned and plain blocks so prefixes merge left and suffixes right. */
	for (int i = 0; i < 40; i++) {
		blocks[i] = (i % 2) ? sys_heap_aligned_alloc(&heap, 64U << (i % 4), 30 + i)
				    : sys_heap_alloc(&heap, 10 + i);
		assert_non_null(blocks[i]);
		assert_true(sys_heap_validate(&heap));
	}
	for (int i = 0; i < 40; i += 3) {
		sys_heap_free(&heap, blocks[i]);
		blocks[i] = NULL;
		assert_true(sys_heap_validate(&heap));
	}
	for (int i = 0; i < 40; i++) {
		sys_heap_free(&heap, blocks[i]);
		assert_true(sys_heap_validate(&heap));
	}
	assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());
}

static void test_aligned_rewind(void **state)
{
	size_t rew = sizeof(void *);

	for (size_t align = 16; align <= 1024; align <<= 1) {
		uint8_t *p = sys_heap_aligned_alloc(&heap, align | rew, 50);

		assert_non_null(p);
		assert_true(IS_ALIGNED(p + rew, align));
		assert_true(sys_heap_usable_size(&heap, p) >= 50);
		memset(p, 1, 50);
		assert_true(sys_heap_validate(&heap));
		sys_heap_free(&heap, p);
	}
	assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());
}

static void test_aligned_offset_pointer_checks(void **state)
{
	/*
	 * A pointer-sized rewind below a 16-aligned address: on 32-bit hosts the block sits
	 * 4 bytes into its chunk's user area (OFFSET flag), on 64-bit at its start.
	 */
	size_t rew = sizeof(void *);
	uint8_t *p = sys_heap_aligned_alloc(&heap, 16U | rew, 16);

	assert_non_null(p);
	assert_true(IS_ALIGNED(p + rew, 16));
	assert_int_equal((uintptr_t)p % 8U, rew % 8U);
	expect_bad_free(p - 4);
	expect_bad_free(p + 4);
	sys_heap_free(&heap, p);
	expect_bad_free(p);
}

static void test_noalign_alloc(void **state)
{
	void *p = sys_heap_noalign_alloc(&heap, 4096, 10);

	assert_non_null(p);
	assert_int_equal(sys_heap_usable_size(&heap, p), test_usable(10, hdr()));
	sys_heap_free(&heap, p);
}

static void test_realloc_paths(void **state)
{
	uint8_t *p = sys_heap_realloc(&heap, NULL, 100);

	assert_non_null(p);
	for (int i = 0; i < 100; i++) {
		p[i] = (uint8_t)i;
	}
	/* Same size and shrink stay in place. */
	assert_ptr_equal(sys_heap_realloc(&heap, p, 100), p);
	assert_ptr_equal(sys_heap_realloc(&heap, p, 40), p);
	assert_int_equal(sys_heap_usable_size(&heap, p), test_usable(40, hdr()));
	assert_true(sys_heap_validate(&heap));
	/* The right neighbour is free: grow in place. */
	assert_ptr_equal(sys_heap_realloc(&heap, p, 300), p);
	assert_int_equal(sys_heap_usable_size(&heap, p), test_usable(300, hdr()));
	for (int i = 0; i < 40; i++) {
		assert_int_equal(p[i], (uint8_t)i);
	}

	/* Blocked on the right: moves, copying the contents. */
	uint8_t *q = sys_heap_alloc(&heap, 16);
	uint8_t *r = sys_heap_realloc(&heap, p, 500);

	assert_non_null(r);
	assert_ptr_not_equal(r, p);
	for (int i = 0; i < 40; i++) {
		assert_int_equal(r[i], (uint8_t)i);
	}
	assert_true(sys_heap_validate(&heap));

	/* Too big: NULL, and the block is untouched. */
	assert_null(sys_heap_realloc(&heap, r, SIZE_MAX));
	assert_null(sys_heap_realloc(&heap, r, HEAP_BYTES * 2));
	assert_int_equal(r[39], 39);
	assert_true(sys_heap_validate(&heap));

	/* Zero bytes frees. */
	assert_null(sys_heap_realloc(&heap, r, 0));
	assert_null(sys_heap_realloc(&heap, q, 0));
	assert_true(sys_heap_validate(&heap));
	assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());
}

static void test_realloc_bad_pointer(void **state)
{
	uint8_t *p = sys_heap_alloc(&heap, 32);
	uint32_t before = sys_heap_bad_free_count(&heap);

	if (IS_ENABLED(CONFIG_ASSERT)) {
		zmem_test_assert_quiet(1);
		expect_assert_failure(sys_heap_realloc(&heap, p + 8, 64));
		zmem_test_assert_quiet(0);
	} else {
		assert_null(sys_heap_realloc(&heap, p + 8, 64));
	}
	assert_int_equal(sys_heap_bad_free_count(&heap), before + 1U);
	sys_heap_free(&heap, p);
	assert_true(sys_heap_validate(&heap));
}

static void test_aligned_realloc(void **state)
{
	uint8_t *p = sys_heap_aligned_alloc(&heap, 64, 50);

	assert_non_null(p);
	memset(p, 0x3c, 50);
	/* Alignment already satisfied: in place. */
	assert_ptr_equal(sys_heap_aligned_realloc(&heap, p, 64, 80), p);
	/* Stricter alignment not satisfied: moves. */
	uint8_t *q = sys_heap_aligned_realloc(&heap, p, 1024, 80);

	assert_non_null(q);
	assert_true(IS_ALIGNED(q, 1024));
	assert_int_equal(q[49], 0x3c);
	assert_true(sys_heap_validate(&heap));
	/* NULL pointer: aligned allocation. */
	uint8_t *r = sys_heap_aligned_realloc(&heap, NULL, 256, 10);

	assert_true(IS_ALIGNED(r, 256));
	sys_heap_free(&heap, q);
	sys_heap_free(&heap, r);
	assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());
}

static void test_stats(void **state)
{
#ifdef CONFIG_SYS_HEAP_RUNTIME_STATS
	struct sys_memory_stats st;
	const struct z_heap *h = heap.heap;
	size_t free0 = chunk_bytes(h->end_chunk - chunk_size(h, 0U));

	assert_int_equal(sys_heap_runtime_stats_get(NULL, &st), -EINVAL);
	assert_int_equal(sys_heap_runtime_stats_get(&heap, NULL), -EINVAL);
	assert_int_equal(sys_heap_runtime_stats_reset_max(NULL), -EINVAL);
	assert_int_equal(sys_heap_runtime_stats_get(&heap, &st), 0);
	assert_int_equal(st.free_bytes, free0);
	assert_int_equal(st.allocated_bytes, 0);
	assert_int_equal(st.max_allocated_bytes, 0);

	void *a = sys_heap_alloc(&heap, 13);
	void *b = sys_heap_alloc(&heap, 100);
	size_t ca = test_usable(13, hdr()) + hdr();
	size_t cb = test_usable(100, hdr()) + hdr();

	sys_heap_runtime_stats_get(&heap, &st);
	assert_int_equal(st.allocated_bytes, ca + cb);
	assert_int_equal(st.free_bytes, free0 - ca - cb);
	sys_heap_free(&heap, a);
	sys_heap_runtime_stats_get(&heap, &st);
	assert_int_equal(st.allocated_bytes, cb);
	assert_int_equal(st.max_allocated_bytes, ca + cb);
	assert_int_equal(sys_heap_runtime_stats_reset_max(&heap), 0);
	sys_heap_runtime_stats_get(&heap, &st);
	assert_int_equal(st.max_allocated_bytes, cb);

	/* realloc moves the counter by the exact chunk difference. */
	b = sys_heap_realloc(&heap, b, 300);
	sys_heap_runtime_stats_get(&heap, &st);
	assert_int_equal(st.allocated_bytes, test_usable(300, hdr()) + hdr());
	sys_heap_free(&heap, b);
	sys_heap_runtime_stats_get(&heap, &st);
	assert_int_equal(st.allocated_bytes, 0);
	assert_int_equal(st.free_bytes, free0);
#else
	skip();
#endif
}

static void test_free_info(void **state)
{
#ifdef CONFIG_SYS_HEAP_RUNTIME_STATS
	struct sys_heap_free_info info;
	void *blocks[32];

	assert_int_equal(sys_heap_free_info_get(NULL, &info), -EINVAL);
	assert_int_equal(sys_heap_free_info_get(&heap, NULL), -EINVAL);
	assert_int_equal(sys_heap_free_info_get(&heap, &info), 0);
	assert_int_equal(info.largest_free_bytes, fresh_largest());
	assert_int_equal(info.fragmentation_permille, 0);

	for (int i = 0; i < 32; i++) {
		blocks[i] = sys_heap_alloc(&heap, 100);
	}
	for (int i = 0; i < 32; i += 2) {
		sys_heap_free(&heap, blocks[i]);
	}
	sys_heap_free_info_get(&heap, &info);
	assert_true(info.fragmentation_permille > 0);
	/* The promise: the largest figure is allocatable, in one piece. */
	void *p = sys_heap_alloc(&heap, info.largest_free_bytes);

	assert_non_null(p);
	sys_heap_free(&heap, p);
	for (int i = 1; i < 32; i += 2) {
		sys_heap_free(&heap, blocks[i]);
	}
	sys_heap_free_info_get(&heap, &info);
	assert_int_equal(info.fragmentation_permille, 0);
#else
	skip();
#endif
}

static void test_largest_free_is_exact(void **state)
{
	uint64_t rng = 7;
	void *live[64] = { 0 };

	for (int step = 0; step < 3000; step++) {
		int i = (int)(test_rand(&rng) % 64);

		if (live[i] != NULL) {
			sys_heap_free(&heap, live[i]);
			live[i] = NULL;
		} else {
			live[i] = sys_heap_alloc(&heap, 1 + test_rand(&rng) % 400);
		}
		size_t largest = sys_heap_largest_free(&heap);

		if (largest != 0U) {
			void *p = sys_heap_alloc(&heap, largest);

			assert_non_null(p);
			sys_heap_free(&heap, p);
		}
	}
	for (int i = 0; i < 64; i++) {
		sys_heap_free(&heap, live[i]);
	}
	assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());
}

static void test_min_size(void **state)
{
	sys_heap_init(&heap, heap_buf, Z_HEAP_MIN_SIZE);
	void *p = sys_heap_alloc(&heap, 1);

	assert_non_null(p);
	assert_null(sys_heap_alloc(&heap, 1));
	sys_heap_free(&heap, p);
	assert_true(sys_heap_validate(&heap));

	/* Z_HEAP_MIN_SIZE_FOR(n) is exact: n fits, and not with one byte less. */
	for (size_t n = 1; n < 5000; n += (n < 300) ? 1 : 37) {
		sys_heap_init(&heap, heap_buf, Z_HEAP_MIN_SIZE_FOR(n));
		p = sys_heap_alloc(&heap, n);
		assert_non_null(p);
		sys_heap_free(&heap, p);
		if (Z_HEAP_MIN_SIZE_FOR(n) - 1 >= Z_HEAP_MIN_SIZE) {
			sys_heap_init(&heap, heap_buf, Z_HEAP_MIN_SIZE_FOR(n) - 1);
			assert_null(sys_heap_alloc(&heap, n));
		}
	}
	assert_true(Z_HEAP_OVERHEAD(100) == Z_HEAP_MIN_SIZE_FOR(100) - 100);

	/* Issue 3: heaps from 64 bytes work (the stats counters cost 12 or 24 more). */
	if (!IS_ENABLED(CONFIG_SYS_HEAP_RUNTIME_STATS)) {
		assert_true(Z_HEAP_MIN_SIZE <= 64);
		sys_heap_init(&heap, heap_buf, 64);
		p = sys_heap_alloc(&heap, 8);
		assert_non_null(p);
		sys_heap_free(&heap, p);
		assert_true(sys_heap_validate(&heap));
	}
}

static void test_too_small(void **state)
{
	static uint8_t buf[Z_HEAP_MIN_SIZE + 16] __aligned(8);

	/* volatile: the loop variable lives across expect_assert_failure()'s longjmp. */
	for (volatile size_t sz = 0; sz < Z_HEAP_MIN_SIZE; sz++) {
		memset(buf, 0xa5, sizeof(buf));
		if (IS_ENABLED(CONFIG_ASSERT)) {
			zmem_test_assert_quiet(1);
			expect_assert_failure(sys_heap_init(&heap, buf, sz));
			zmem_test_assert_quiet(0);
			continue;
		}
		sys_heap_init(&heap, buf, sz);
		assert_null(sys_heap_alloc(&heap, 1));
		assert_null(sys_heap_aligned_alloc(&heap, 16, 1));
		assert_null(sys_heap_realloc(&heap, NULL, 1));
		assert_int_equal(sys_heap_largest_free(&heap), 0);
		assert_true(sys_heap_validate(&heap));
		sys_heap_free(&heap, buf + 8);
		for (size_t i = sz; i < sizeof(buf); i++) {
			assert_int_equal(buf[i], 0xa5);
		}
	}
}

static void test_assertions(void **state)
{
	if (!IS_ENABLED(CONFIG_ASSERT)) {
		skip();
	}
	zmem_test_assert_quiet(1);
	/* The alignment, once a rewind bit is taken off, must be a power of two. */
	expect_assert_failure(sys_heap_aligned_alloc(&heap, 56, 10));
	void *p = sys_heap_alloc(&heap, 10);

	expect_assert_failure(sys_heap_aligned_realloc(&heap, p, 24, 10));
	/* A small-only heap holds at most 0x7fff units (the assert fires before any write). */
	if (HEAP_SMALL_ONLY) {
		expect_assert_failure(sys_heap_init(&heap, heap_buf, 0x40000));
	}
	zmem_test_assert_quiet(0);
}

#ifdef CONFIG_SYS_HEAP_INFO
static char info_out[64 * 1024];

static void capture_info(bool dump_chunks)
{
	zmem_test_printk_capture(info_out, sizeof(info_out));
	sys_heap_print_info(&heap, dump_chunks);
	zmem_test_printk_capture(NULL, 0);
}

/* The map's cells in order, without its line breaks and indentation. */
static const char *info_map(void)
{
	static char cells[512];
	const char *p = strstr(info_out, "both):\n");
	size_t n = 0;

	assert_non_null(p);
	for (p += strlen("both):\n"); *p != '\0' && n + 1 < sizeof(cells); p++) {
		if (strchr("M#.:?", *p) != NULL) {
			cells[n++] = *p;
		} else if (*p != ' ' && *p != '\n') {
			break; /* the class table's heading */
		}
	}
	cells[n] = '\0';
	return cells;
}

static void append_cells(char *s, char c, size_t count)
{
	size_t len = strlen(s);

	memset(s + len, c, count);
	s[len + count] = '\0';
}
#endif

static void test_print_info(void **state)
{
#ifdef CONFIG_SYS_HEAP_INFO
	static char expected[512];
	const struct z_heap *h;
	void *a;
	void *b;
	chunkid_t ca;
	chunkid_t cb;

	/* Under 256 units: one cell per unit, so the map is exact. */
	fresh(2048);
	h = heap.heap;
	a = sys_heap_alloc(&heap, 100);
	b = sys_heap_alloc(&heap, 10);
	ca = mem_to_chunk_test(h, a);
	cb = mem_to_chunk_test(h, b);
	sys_heap_free(&heap, a);
	capture_info(true);
	assert_non_null(strstr(info_out, "units of 8 bytes"));
	assert_non_null(strstr(info_out, "1 cell = 8 bytes"));
	expected[0] = '\0';
	append_cells(expected, 'M', chunk_size(h, 0U));
	append_cells(expected, '.', chunk_size(h, ca));
	append_cells(expected, '#', chunk_size(h, cb));
	append_cells(expected, '.', h->end_chunk - right_chunk(h, cb));
	assert_string_equal(info_map(), expected);
	assert_non_null(strstr(info_out, "chunk 0:"));
	assert_non_null(strstr(info_out, "used"));
	assert_non_null(strstr(info_out, "free"));

	/* More units than cells: alternate used and free blocks share cells. */
	fresh(HEAP_BYTES);
	h = heap.heap;
	{
		void *blocks[16];

		for (size_t i = 0; i < ARRAY_SIZE(blocks); i++) {
			blocks[i] = sys_heap_alloc(&heap, 12);
			assert_non_null(blocks[i]);
		}
		for (size_t i = 0; i < ARRAY_SIZE(blocks); i += 2) {
			sys_heap_free(&heap, blocks[i]);
		}
	}
	capture_info(false);
	assert_non_null(strstr(info_out, "1 cell = "));
	assert_null(strstr(info_out, "1 cell = 8 bytes"));
	{
		size_t per_cell = (h->end_chunk + 255U) / 256U;

		assert_true(per_cell > 1U);
		assert_int_equal(strlen(info_map()), (h->end_chunk + per_cell - 1U) / per_cell);
	}
	assert_int_equal(info_map()[0], 'M');
	assert_non_null(strchr(info_map(), ':'));
	assert_null(strstr(info_out, "chunk 0:"));

	/* A zero-size chunk stops the walk: the cells after it say so. */
	fresh(2048);
	h = heap.heap;
	b = sys_heap_alloc(&heap, 10);
	cb = mem_to_chunk_test(h, b);
	chunk_set((struct z_heap *)h, cb, SIZE_AND_USED, 1U); /* size 0, used */
	capture_info(false);
	assert_int_equal(info_map()[cb], '?');
	assert_int_equal(info_map()[cb - 1U], 'M');
	fresh(HEAP_BYTES);
#else
	skip();
#endif
}

#ifdef CONFIG_SYS_HEAP_STRESS
static void *stress_alloc(void *arg, size_t bytes)
{
	void *p = sys_heap_alloc(arg, bytes);

	if (p != NULL) {
		memset(p, 0xee, bytes);
	}
	return p;
}

static void stress_free(void *arg, void *p)
{
	sys_heap_free(arg, p);
	assert_true(sys_heap_validate(arg));
}
#endif

static void test_stress(void **state)
{
#ifdef CONFIG_SYS_HEAP_STRESS
	static uint8_t scratch[4096];
	struct z_heap_stress_result r;

	sys_heap_stress(stress_alloc, stress_free, &heap, HEAP_BYTES, 20000, scratch,
			sizeof(scratch), 70, &r);
	assert_true(r.successful_allocs > r.total_allocs / 4);
	assert_int_equal(r.total_frees, r.successful_allocs);
	assert_true(r.accumulated_in_use_bytes > 0);
	assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());
#else
	skip();
#endif
}

#ifdef CONFIG_SYS_HEAP_LISTENER
static size_t seen_alloc, seen_free, seen_alloc_bytes, seen_free_bytes, seen_resize;

static void on_alloc(uintptr_t id, void *mem, size_t bytes)
{
	assert_int_equal(id, HEAP_ID_FROM_POINTER(&heap));
	assert_non_null(mem);
	seen_alloc++;
	seen_alloc_bytes += bytes;
}

static void on_free(uintptr_t id, void *mem, size_t bytes)
{
	seen_free++;
	seen_free_bytes += bytes;
}

static void on_resize(uintptr_t id, void *old_end, void *new_end)
{
	seen_resize++;
}

HEAP_LISTENER_ALLOC_DEFINE(alloc_listener, HEAP_ID_FROM_POINTER(&heap), on_alloc);
HEAP_LISTENER_FREE_DEFINE(free_listener, HEAP_ID_FROM_POINTER(&heap), on_free);
HEAP_LISTENER_RESIZE_DEFINE(resize_listener, HEAP_ID_FROM_POINTER(&heap), on_resize);
HEAP_LISTENER_ALLOC_DEFINE(other_listener, HEAP_ID_LIBC, on_alloc);
#endif

static void test_listener(void **state)
{
#ifdef CONFIG_SYS_HEAP_LISTENER
	heap_listener_register(&alloc_listener);
	heap_listener_register(&alloc_listener);
	heap_listener_register(&free_listener);
	heap_listener_register(&resize_listener);
	heap_listener_register(&other_listener);

	void *a = sys_heap_alloc(&heap, 10);
	void *b = sys_heap_aligned_alloc(&heap, 64, 10);

	assert_int_equal(seen_alloc, 2);
	assert_true(seen_alloc_bytes >= 2 * (test_usable(10, hdr()) + hdr()));
	sys_heap_free(&heap, a);
	sys_heap_free(&heap, b);
	assert_int_equal(seen_free, 2);
	assert_int_equal(seen_free_bytes, seen_alloc_bytes);
	heap_listener_notify_resize(HEAP_ID_FROM_POINTER(&heap), NULL, NULL);
	assert_int_equal(seen_resize, 1);

	heap_listener_unregister(&alloc_listener);
	heap_listener_unregister(&alloc_listener);
	a = sys_heap_alloc(&heap, 10);
	assert_int_equal(seen_alloc, 2);
	sys_heap_free(&heap, a);
	heap_listener_unregister(&free_listener);
	heap_listener_unregister(&resize_listener);
	heap_listener_unregister(&other_listener);
#else
	skip();
#endif
}

#ifdef CONFIG_MULTI_HEAP
static struct sys_heap mh_heaps[3];

/* cfg is the index of the heap to try first; fall back to the others. */
static void *mh_choice(struct sys_multi_heap *mh, void *cfg, size_t align, size_t size)
{
	size_t first = (size_t)(uintptr_t)cfg;

	for (size_t k = 0; k < 3; k++) {
		void *p = sys_heap_aligned_alloc(&mh_heaps[(first + k) % 3], align, size);

		if (p != NULL) {
			return p;
		}
	}
	return NULL;
}
#endif

static void test_multi_heap(void **state)
{
#ifdef CONFIG_MULTI_HEAP
	struct sys_multi_heap mh;
	uint8_t *region = (uint8_t *)heap_buf;
	static struct sys_heap extra[MAX_MULTI_HEAPS];

	sys_multi_heap_init(&mh, mh_choice);
	assert_int_equal(mh.nheaps, 0);
	/* Added out of address order: kept sorted. */
	sys_heap_init(&mh_heaps[2], region + 8192, 1024);
	sys_heap_init(&mh_heaps[0], region + 0, 1024);
	sys_heap_init(&mh_heaps[1], region + 4096, 1024);
	sys_multi_heap_add_heap(&mh, &mh_heaps[2], (void *)2);
	sys_multi_heap_add_heap(&mh, &mh_heaps[0], (void *)0);
	sys_multi_heap_add_heap(&mh, &mh_heaps[1], (void *)1);
	assert_int_equal(mh.nheaps, 3);
	for (int i = 0; i < 3; i++) {
		assert_ptr_equal(mh.heaps[i].heap, &mh_heaps[i]);
		assert_ptr_equal(mh.heaps[i].user_data, (void *)(uintptr_t)i);
	}

	void *a = sys_multi_heap_alloc(&mh, (void *)1, 100);
	void *b = sys_multi_heap_aligned_alloc(&mh, (void *)2, 128, 100);

	assert_ptr_equal(sys_multi_heap_get_heap(&mh, a)->heap, &mh_heaps[1]);
	assert_ptr_equal(sys_multi_heap_get_heap(&mh, b)->heap, &mh_heaps[2]);
	assert_true(IS_ALIGNED(b, 128));
	/* Foreign addresses: below, between and above the heaps. */
	assert_null(sys_multi_heap_get_heap(&mh, (void *)((uintptr_t)region - 1)));
	assert_null(sys_multi_heap_get_heap(&mh, region + 2048));
	assert_null(sys_multi_heap_get_heap(&mh, region + 8192 + 1024));
	assert_null(sys_multi_heap_get_heap(&mh, NULL));
	assert_ptr_equal(sys_multi_heap_get_heap(&mh, region + 1023)->heap, &mh_heaps[0]);

	/* realloc: in place on the owner, then across heaps when the owner is full. */
	memset(a, 0x42, 100);
	void *a2 = sys_multi_heap_realloc(&mh, (void *)1, a, 150);

	assert_ptr_equal(a2, a);
	void *a3 = sys_multi_heap_realloc(&mh, (void *)0, a2, 700);

	assert_non_null(a3);
	assert_int_equal(((uint8_t *)a3)[99], 0x42);
	assert_null(sys_multi_heap_realloc(&mh, (void *)0, a3, 5000));
	assert_null(sys_multi_heap_realloc(&mh, (void *)0, a3, 0));
	void *n = sys_multi_heap_realloc(&mh, (void *)0, NULL, 10);

	assert_ptr_equal(sys_multi_heap_get_heap(&mh, n)->heap, &mh_heaps[0]);
	sys_multi_heap_free(&mh, n);
	sys_multi_heap_free(&mh, b);
	sys_multi_heap_free(&mh, NULL);
	for (int i = 0; i < 3; i++) {
		assert_true(sys_heap_validate(&mh_heaps[i]));
	}
	if (IS_ENABLED(CONFIG_ASSERT)) {
		int local;

		zmem_test_assert_quiet(1);
		expect_assert_failure(sys_multi_heap_free(&mh, &local));
		zmem_test_assert_quiet(0);
	}

	/* The ninth heap does not fit. */
	for (int i = 3; i < MAX_MULTI_HEAPS; i++) {
		sys_heap_init(&extra[i], region + 12288 + 512 * i, 256);
		sys_multi_heap_add_heap(&mh, &extra[i], NULL);
	}
	assert_int_equal(mh.nheaps, MAX_MULTI_HEAPS);
	sys_heap_init(&extra[0], region + 20000, 256);
	if (IS_ENABLED(CONFIG_ASSERT)) {
		zmem_test_assert_quiet(1);
		expect_assert_failure(sys_multi_heap_add_heap(&mh, &extra[0], NULL));
		zmem_test_assert_quiet(0);
	} else {
		sys_multi_heap_add_heap(&mh, &extra[0], NULL);
	}
	assert_int_equal(mh.nheaps, MAX_MULTI_HEAPS);
#else
	skip();
#endif
}

static void test_heap_array(void **state)
{
#if defined(CONFIG_SYS_HEAP_ARRAY_SIZE) && (CONFIG_SYS_HEAP_ARRAY_SIZE > 0)
	struct sys_heap **arr;
	static struct sys_heap others[CONFIG_SYS_HEAP_ARRAY_SIZE + 1];
	int n;

	assert_int_equal(sys_heap_array_get(NULL), -EINVAL);
	assert_int_equal(sys_heap_array_save(NULL), -EINVAL);
	n = sys_heap_array_get(&arr);
	assert_true(n >= 1);
	bool found = false;

	for (int i = 0; i < n; i++) {
		found |= arr[i] == &heap;
	}
	assert_true(found);
	for (int i = 0; i <= CONFIG_SYS_HEAP_ARRAY_SIZE; i++) {
		sys_heap_init(&others[i], mem_at(16384 + 1024 * i), 512);
	}
	assert_int_equal(sys_heap_array_get(&arr), CONFIG_SYS_HEAP_ARRAY_SIZE);
	assert_int_equal(sys_heap_array_save(&others[CONFIG_SYS_HEAP_ARRAY_SIZE]), -EINVAL);
	assert_int_equal(sys_heap_array_save(&heap), 0);
#else
	skip();
#endif
}

static void test_solo_units(void **state)
{
	/* A 1-unit gap in a big heap cannot be listed; it must merge back later. */
	if (hdr() != 8U) {
		skip();
	}
	uint8_t *a = sys_heap_alloc(&heap, 24);
	uint8_t *b = sys_heap_alloc(&heap, 8);
	uint8_t *c = sys_heap_alloc(&heap, 24);

	assert_non_null(c);
	sys_heap_free(&heap, a);
	/* a is 4 units; 3 units of it leave a 1-unit solo fragment. */
	uint8_t *d = sys_heap_alloc(&heap, 16);

	assert_ptr_equal(d, a);
	assert_true(sys_heap_validate(&heap));
	/* Shrinking b by realloc cannot leave a solo either way: the heap stays valid. */
	assert_ptr_equal(sys_heap_realloc(&heap, b, 1), b);
	sys_heap_free(&heap, b);
	assert_true(sys_heap_validate(&heap));
	sys_heap_free(&heap, d);
	sys_heap_free(&heap, c);
	assert_true(sys_heap_validate(&heap));
	assert_int_equal(sys_heap_largest_free(&heap), fresh_largest());
}

/*
 * Any buffer alignment: the descriptor is 8-aligned, chunk 0's header and the end marker
 * stay inside the buffer, every pointer is 8-aligned, and nothing outside is written.
 */
static void test_any_buffer_alignment(void **state)
{
	static const size_t sizes[] = { Z_HEAP_MIN_SIZE + 7U, 1000, 4096 };
	uint8_t *all = (uint8_t *)heap_buf;

	for (size_t off = 0; off < 8U; off++) {
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			uint8_t *region = all + 8 + off;

			memset(heap_buf, 0xa5, sizeof(heap_buf));
			sys_heap_init(&heap, region, sizes[i]);

			const struct z_heap *h = heap.heap;
			uint8_t *p = sys_heap_alloc(&heap, sys_heap_largest_free(&heap));

			assert_true(IS_ALIGNED(h, 8));
			assert_true(chunk_buf(h, 0U) >= region);
			assert_true(chunk_user(h, h->end_chunk) <= region + sizes[i]);
			assert_non_null(p);
			assert_true(IS_ALIGNED(p, 8));
			assert_true(p + sys_heap_usable_size(&heap, p) <= region + sizes[i]);
			memset(p, 0x3c, sys_heap_usable_size(&heap, p));
			assert_true(sys_heap_validate(&heap));
			sys_heap_free(&heap, p);
			assert_true(sys_heap_validate(&heap));
			for (uint8_t *q = all; q < region; q++) {
				assert_int_equal(*q, 0xa5);
			}
			for (uint8_t *q = region + sizes[i]; q < all + sizeof(heap_buf); q++) {
				assert_int_equal(*q, 0xa5);
			}
		}
	}
}

static void test_sizes_and_layouts(void **state)
{
	static const size_t sizes[] = { 64, 100, 256, 1000, 4096, 40000, 65536 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (sizes[i] < Z_HEAP_MIN_SIZE) {
			continue;
		}
		fresh(sizes[i]);
		void *p = sys_heap_alloc(&heap, sys_heap_largest_free(&heap));

		assert_non_null(p);
		assert_int_equal(chunk_header_bytes(heap.heap), test_hdr_bytes(sizes[i]));
		sys_heap_free(&heap, p);
		assert_true(sys_heap_validate(&heap));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_records, setup),
		cmocka_unit_test_setup(test_init_unaligned, setup),
		cmocka_unit_test_setup(test_alloc_zero_and_too_big, setup),
		cmocka_unit_test_setup(test_usable_size_and_alignment, setup),
		cmocka_unit_test_setup(test_fill_low_to_high, setup),
		cmocka_unit_test_setup(test_coalescing, setup),
		cmocka_unit_test_setup(test_free_null, setup),
		cmocka_unit_test_setup(test_bad_frees, setup),
		cmocka_unit_test_setup(test_aligned_alloc, setup),
		cmocka_unit_test_setup(test_aligned_keeps_neighbours, setup),
		cmocka_unit_test_setup(test_aligned_rewind, setup),
		cmocka_unit_test_setup(test_aligned_offset_pointer_checks, setup),
		cmocka_unit_test_setup(test_noalign_alloc, setup),
		cmocka_unit_test_setup(test_realloc_paths, setup),
		cmocka_unit_test_setup(test_realloc_bad_pointer, setup),
		cmocka_unit_test_setup(test_aligned_realloc, setup),
		cmocka_unit_test_setup(test_stats, setup),
		cmocka_unit_test_setup(test_free_info, setup),
		cmocka_unit_test_setup(test_largest_free_is_exact, setup),
		cmocka_unit_test_setup(test_min_size, setup),
		cmocka_unit_test_setup(test_too_small, setup),
		cmocka_unit_test_setup(test_assertions, setup),
		cmocka_unit_test_setup(test_print_info, setup),
		cmocka_unit_test_setup(test_stress, setup),
		cmocka_unit_test_setup(test_listener, setup),
		cmocka_unit_test_setup(test_multi_heap, setup),
		cmocka_unit_test_setup(test_heap_array, setup),
		cmocka_unit_test_setup(test_solo_units, setup),
		cmocka_unit_test(test_any_buffer_alignment),
		cmocka_unit_test_setup(test_sizes_and_layouts, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
