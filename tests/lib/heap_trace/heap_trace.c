/*
 * Heap trace records (CONFIG_SYS_HEAP_TRACE): every call prints exactly one record, in the
 * documented format, with its arguments and result, failures included; the engine's calls
 * to itself (realloc moving a block, noalign and small-alignment allocations) print none.
 * Built in several configurations (see CMakeLists.txt); the init record names each one.
 * The tests' printk (tests/support) captures the records into a buffer.
 */
#include "../../support/zmem_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zephyr/sys/sys_heap.h>

#include "heap.h"

#define HEAP_BYTES 4096U

extern const char z_heap_trace_ref;

static uint64_t buf[HEAP_BYTES / 8U + 2U];
static struct sys_heap heap;

/* ---- capture (tests/support's printk appends to `out` while capturing) ---- */

static char out[65536];

static void capture_begin(void)
{
	zmem_test_printk_capture(out, sizeof(out));
}

/* Ends the capture; `out` holds what was printed. */
static const char *capture_end(void)
{
	zmem_test_printk_capture(NULL, 0);
	assert_true(strlen(out) < sizeof(out) - 1U); /* nothing cut off */
	return out;
}

/* After a failed assertion inside a capture, later output must reach the terminal. */
static int end_capture(void **state)
{
	zmem_test_printk_capture(NULL, 0);
	return 0;
}

static unsigned long a(const void *p)
{
	return (unsigned long)(uintptr_t)p;
}

/* Exactly `want` was printed. */
static void expect_out(const char *want)
{
	const char *got = capture_end();

	if (strcmp(got, want) != 0) {
		print_error("printed:\n%s\nexpected:\n%s\n", got, want);
		fail();
	}
}

static int count_records(const char *s)
{
	int n = 0;

	for (const char *p = strstr(s, "#zht "); p != NULL; p = strstr(p + 1, "#zht ")) {
		n++;
	}
	return n;
}

static const char *layout(void)
{
	if (IS_ENABLED(CONFIG_SYS_HEAP_SMALL_ONLY)) {
		return "small";
	}
	return IS_ENABLED(CONFIG_SYS_HEAP_BIG_ONLY) ? "big" : "auto";
}

static void fresh(void)
{
	capture_begin();
	sys_heap_init(&heap, buf, HEAP_BYTES);
	capture_end();
}

/* ---- tests ---- */

static void test_init_record(void **state)
{
	char want[256];
	const struct z_heap *h;
	size_t units;

	capture_begin();
	sys_heap_init(&heap, buf, HEAP_BYTES);
	h = heap.heap;
	/* FREE: the one free chunk of the fresh heap, read from its headers. */
	units = chunk_size(h, right_chunk(h, 0U));
	snprintf(want, sizeof(want), "#zht init v1 %lx %lx %u %u %s %d %zu %lx\n", a(&heap),
		 a(buf), HEAP_BYTES, (unsigned int)sizeof(void *), layout(),
		 IS_ENABLED(CONFIG_SYS_HEAP_RUNTIME_STATS) ? 1 : 0, chunk_bytes(units),
		 a(&z_heap_trace_ref));
	expect_out(want);
}

static void test_init_too_small(void **state)
{
	char want[256];

	/* Too small for a heap (no assert in this build): the record says FREE 0. */
	capture_begin();
	sys_heap_init(&heap, buf, 16U);
	snprintf(want, sizeof(want), "#zht init v1 %lx %lx 16 %u %s %d 0 %lx\n", a(&heap), a(buf),
		 (unsigned int)sizeof(void *), layout(),
		 IS_ENABLED(CONFIG_SYS_HEAP_RUNTIME_STATS) ? 1 : 0, a(&z_heap_trace_ref));
	expect_out(want);
}

static void test_alloc_and_free(void **state)
{
	char want[512];
	void *p;

	fresh();
	capture_begin();
	p = sys_heap_alloc(&heap, 100);
	sys_heap_free(&heap, p);
	sys_heap_free(&heap, NULL);
	snprintf(want, sizeof(want),
		 "#zht alloc %lx 100 %lx\n#zht free %lx %lx\n#zht free %lx 0\n", a(&heap), a(p),
		 a(&heap), a(p), a(&heap));
	expect_out(want);
	assert_non_null(p);
}

static void test_failures_are_recorded(void **state)
{
	char want[512];
	void *p;

	fresh();
	capture_begin();
	p = sys_heap_alloc(&heap, 2U * HEAP_BYTES);
	assert_null(p);
	p = sys_heap_alloc(&heap, 0);
	assert_null(p);
	p = sys_heap_aligned_alloc(&heap, 64, 2U * HEAP_BYTES);
	assert_null(p);
	snprintf(want, sizeof(want),
		 "#zht alloc %lx %u 0\n#zht alloc %lx 0 0\n#zht aligned_alloc %lx 64 %u 0\n",
		 a(&heap), 2U * HEAP_BYTES, a(&heap), a(&heap), 2U * HEAP_BYTES);
	expect_out(want);
}

/* Only the outer call prints, whatever the engine calls inside it. */
static void test_one_record_per_call(void **state)
{
	char want[1024];
	void *p, *q, *r, *s, *big;

	fresh();
	capture_begin();
	p = sys_heap_aligned_alloc(&heap, 8, 40);     /* align <= 8: the engine calls alloc */
	q = sys_heap_noalign_alloc(&heap, 64, 40);    /* the engine calls alloc */
	r = sys_heap_aligned_alloc(&heap, 64, 40);
	/* p cannot grow in place (q follows it): the engine allocates, copies and frees. */
	s = sys_heap_realloc(&heap, p, 200);
	big = sys_heap_aligned_realloc(&heap, NULL, 16, 24); /* the engine calls aligned_alloc */
	snprintf(want, sizeof(want),
		 "#zht aligned_alloc %lx 8 40 %lx\n"
		 "#zht noalign_alloc %lx 64 40 %lx\n"
		 "#zht aligned_alloc %lx 64 40 %lx\n"
		 "#zht realloc %lx %lx 200 %lx\n"
		 "#zht aligned_realloc %lx 0 16 24 %lx\n",
		 a(&heap), a(p), a(&heap), a(q), a(&heap), a(r), a(&heap), a(p), a(s), a(&heap),
		 a(big));
	expect_out(want);
	assert_true(s != p && s != NULL && r != NULL && ((uintptr_t)r % 64U) == 0U);
}

static void test_realloc_forms(void **state)
{
	char want[1024];
	void *p, *grown, *failed, *gone;

	fresh();
	p = sys_heap_alloc(&heap, 64);
	capture_begin();
	grown = sys_heap_realloc(&heap, p, 128);                   /* in place */
	failed = sys_heap_aligned_realloc(&heap, grown, 32, 2U * HEAP_BYTES);
	gone = sys_heap_realloc(&heap, grown, 0);                  /* frees */
	snprintf(want, sizeof(want),
		 "#zht realloc %lx %lx 128 %lx\n"
		 "#zht aligned_realloc %lx %lx 32 %u 0\n"
		 "#zht realloc %lx %lx 0 0\n",
		 a(&heap), a(p), a(grown), a(&heap), a(grown), 2U * HEAP_BYTES, a(&heap),
		 a(grown));
	expect_out(want);
	assert_ptr_equal(grown, p);
	assert_null(failed);
	assert_null(gone);
}

/* A random workload: one record per call, each record one line in the documented form. */
static void test_random_workload_counts(void **state)
{
	void *live[32] = { 0 };
	int calls = 0;
	uint64_t seed = 7;

	fresh();
	capture_begin();
	for (int i = 0; i < 400; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned int k = (unsigned int)(seed >> 59);
		size_t n = (size_t)(seed >> 40) % 300U + 1U;

		if (live[k] != NULL && (seed & 1U)) {
			sys_heap_free(&heap, live[k]);
			live[k] = NULL;
		} else if (live[k] != NULL) {
			void *q = sys_heap_realloc(&heap, live[k], n);

			live[k] = q != NULL ? q : live[k];
		} else {
			live[k] = (seed & 2U) ? sys_heap_aligned_alloc(&heap, 32, n)
					      : sys_heap_alloc(&heap, n);
		}
		calls++;
	}
	const char *s = capture_end();

	assert_int_equal(count_records(s), calls);
	for (const char *line = s; *line != '\0'; line = strchr(line, '\n') + 1) {
		assert_memory_equal(line, "#zht ", 5);
		assert_non_null(strchr(line, '\n'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_init_record, end_capture),
		cmocka_unit_test_teardown(test_init_too_small, end_capture),
		cmocka_unit_test_teardown(test_alloc_and_free, end_capture),
		cmocka_unit_test_teardown(test_failures_are_recorded, end_capture),
		cmocka_unit_test_teardown(test_one_record_per_call, end_capture),
		cmocka_unit_test_teardown(test_realloc_forms, end_capture),
		cmocka_unit_test_teardown(test_random_workload_counts, end_capture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
