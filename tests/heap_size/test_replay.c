/*
 * tools/heap_size: the log reader, the replay and the size search, on hand-written traces
 * whose answers follow from the layout arithmetic alone (Z_HEAP_MIN_SIZE_FOR and unit
 * counts), on traces checked against the real heap directly, on malformed logs, and on a
 * trace printed by lib/heap's own tracer (round trip: the replay must reproduce every
 * result). Built in several configurations (see CMakeLists.txt); each uses the engine of
 * its own configuration, and lib/heap (traced) is linked in beside the tool's renamed
 * engines for the direct checks.
 */
#include "../support/zmem_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/sys/util.h>

#include "hs_replay.h"
#include "zht_log.h"

#if defined(CONFIG_SYS_HEAP_SMALL_ONLY)
#define LAYOUT ZHT_LAYOUT_SMALL
#elif defined(CONFIG_SYS_HEAP_BIG_ONLY)
#define LAYOUT ZHT_LAYOUT_BIG
#else
#define LAYOUT ZHT_LAYOUT_AUTO
#endif
#define STATS (IS_ENABLED(CONFIG_SYS_HEAP_RUNTIME_STATS) ? 1 : 0)

/* Header bytes and units of a request in a heap of a few KiB in this configuration. */
#define HDR Z_HEAP_HDR(512U)
#define UNITS(b) (((size_t)(b) + HDR + 7U) / 8U)
/* The smallest heap that holds blocks totalling `units` units at once, with no waste. */
#define MIN_FOR_UNITS(units) Z_HEAP_MIN_SIZE_FOR((units) * 8U - HDR)

static struct zht_log log_;
static char err[ZHT_ERR_LEN];

static int teardown(void **state)
{
	zmem_test_printk_capture(NULL, 0);
	zht_log_free(&log_);
	return 0;
}

/* Reads `text` (lines separated by '\n') into log_; returns zht_log_add_line's last error. */
static int read_text(const char *text)
{
	char line[256];
	unsigned long n = 0;

	memset(&log_, 0, sizeof(log_));
	while (*text != '\0') {
		const char *nl = strchr(text, '\n');
		size_t len = nl != NULL ? (size_t)(nl - text) : strlen(text);

		assert_true(len < sizeof(line));
		memcpy(line, text, len);
		line[len] = '\0';
		if (zht_log_add_line(&log_, line, ++n, err) < 0) {
			return -1;
		}
		text += len + (nl != NULL ? 1U : 0U);
	}
	return 0;
}

/* A trace header for heap 0x1000 over 4096 bytes at `mem`, this configuration's engine. */
static const char *init_line(unsigned long mem)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "#zht init v1 1000 %lx 4096 %u %s %d - -\n", mem,
		 (unsigned int)sizeof(void *), zht_layout_name(LAYOUT), STATS);
	return buf;
}

/* Sizes heap 0 of `body` (after init_line(mem)); returns the minimum size. */
static size_t size_of(unsigned long mem, const char *body, struct hs_sizing *s,
		      struct hs_profile *p)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s%s", init_line(mem), body);
	assert_int_equal(read_text(text), 0);
	assert_int_equal(log_.nheaps, 1);
	assert_int_equal(hs_profile(&log_.heaps[0], p, err), 0);
	assert_int_equal(hs_size(&log_.heaps[0], p, hs_engine_get(LAYOUT, STATS), 1U << 20, s), 0);
	return s->min_size;
}

/* ---- known answers ---- */

static void test_one_allocation(void **state)
{
	struct hs_sizing s;
	struct hs_profile p;

	/* Exactly the smallest heap that takes one 100-byte block. */
	assert_int_equal(size_of(0x2000, "#zht alloc 1000 100 2010\n", &s, &p),
			 Z_HEAP_MIN_SIZE_FOR(100));
	assert_int_equal(p.requests, 1);
	assert_int_equal(p.failed, 0);
	assert_int_equal(s.at_min.peak_requested, 100);
	assert_int_equal(s.at_min.peak_consumed, UNITS(100) * 8U);
	/* Everything else in the heap is its own: chunk 0, the end marker, the lead. */
	assert_int_equal(s.min_size - s.at_min.fresh_free, Z_HEAP_MIN_SIZE_FOR(100) -
			 UNITS(100) * 8U);
	assert_true(s.at_orig.pass);
}

static void test_frees_reuse_space(void **state)
{
	struct hs_sizing s;
	struct hs_profile p;

	/* Three 100-byte blocks, never two live at once: room for one is enough. */
	assert_int_equal(size_of(0x2000,
				 "#zht alloc 1000 100 2010\n#zht free 1000 2010\n"
				 "#zht alloc 1000 100 2010\n#zht free 1000 2010\n"
				 "#zht alloc 1000 100 2080\n",
				 &s, &p),
			 Z_HEAP_MIN_SIZE_FOR(100));
	assert_int_equal(p.frees, 2);

	/* A, B live; A freed; C takes A's place: two blocks' worth, not three. */
	zht_log_free(&log_);
	assert_int_equal(size_of(0x2000,
				 "#zht alloc 1000 100 2010\n#zht alloc 1000 100 2080\n"
				 "#zht free 1000 2010\n#zht alloc 1000 100 2010\n",
				 &s, &p),
			 MIN_FOR_UNITS(2U * UNITS(100)));
	assert_int_equal(s.at_min.peak_requested, 200);
}

static void test_failed_request_stays_live(void **state)
{
	struct hs_sizing s;
	struct hs_profile p;

	/* The 200-byte request failed; the application frees the first block later. */
	assert_int_equal(size_of(0x2000,
				 "#zht alloc 1000 100 2010\n#zht alloc 1000 200 0\n"
				 "#zht free 1000 2010\n#zht alloc 1000 100 2010\n",
				 &s, &p),
			 MIN_FOR_UNITS(UNITS(100) + UNITS(200)));
	assert_int_equal(p.failed, 1);
	assert_int_equal(s.at_min.kept_failed, 1);
	assert_int_equal(s.at_min.kept_failed_bytes, 200);
	assert_int_equal(s.at_min.peak_requested, 300);
}

static void test_realloc_traces(void **state)
{
	struct hs_sizing s;
	struct hs_profile p;

	/* Growing in place into the free space after it: the 300-byte block alone. */
	assert_int_equal(size_of(0x2000,
				 "#zht alloc 1000 100 2010\n#zht realloc 1000 2010 300 2010\n", &s,
				 &p),
			 Z_HEAP_MIN_SIZE_FOR(300));
	assert_int_equal(s.at_min.peak_requested, 300);

	/* A cannot grow (B follows it): old A, B and the new block live at once. */
	zht_log_free(&log_);
	assert_int_equal(size_of(0x2000,
				 "#zht alloc 1000 100 2010\n#zht alloc 1000 100 2080\n"
				 "#zht realloc 1000 2010 300 2100\n#zht free 1000 2080\n"
				 "#zht free 1000 2100\n",
				 &s, &p),
			 MIN_FOR_UNITS(2U * UNITS(100) + UNITS(300)));
	/* The moved block goes by its new name: the last free finds it. */
	assert_int_equal(p.frees, 2);
	assert_int_equal(p.bad_frees, 0);

	/* realloc to 0 frees; realloc of NULL allocates. */
	zht_log_free(&log_);
	assert_int_equal(size_of(0x2000,
				 "#zht realloc 1000 0 100 2010\n#zht realloc 1000 2010 0 0\n"
				 "#zht alloc 1000 100 2010\n",
				 &s, &p),
			 Z_HEAP_MIN_SIZE_FOR(100));
	assert_int_equal(p.requests, 2);
}

/* The answer for an aligned trace, checked on lib/heap itself: at it, not 8 bytes below. */
static void check_aligned_on_heap(unsigned long mem_mod, size_t align, size_t bytes, size_t min)
{
	static uint64_t buf[8192];
	uint8_t *base = (uint8_t *)buf + (64U - (uintptr_t)buf % 64U) % 64U + mem_mod;
	struct sys_heap h;

	sys_heap_init(&h, base, min);
	assert_non_null(sys_heap_aligned_alloc(&h, align, bytes));
	sys_heap_init(&h, base, min - 8U);
	assert_null(sys_heap_aligned_alloc(&h, align, bytes));
}

static void test_aligned(void **state)
{
	struct hs_sizing s;
	struct hs_profile p;
	char body[128];
	/* A k_aligned_alloc-style request: 16-aligned, pointer-sized rewind for the prefix. */
	size_t rewound = 16U | sizeof(void *);

	for (unsigned long mod = 0; mod < 64U; mod += 8U) {
		snprintf(body, sizeof(body), "#zht aligned_alloc 1000 64 100 %lx\n", 0x2040UL);
		zht_log_free(&log_);
		size_t min = size_of(0x2000 + mod, body, &s, &p);

		assert_int_equal(p.max_align, 64);
		check_aligned_on_heap(mod, 64, 100, min);

		snprintf(body, sizeof(body), "#zht aligned_alloc 1000 %zu 100 %lx\n", rewound,
			 0x2040UL);
		zht_log_free(&log_);
		min = size_of(0x2000 + mod, body, &s, &p);
		check_aligned_on_heap(mod, rewound, 100, min);
	}
}

static void test_no_size_works(void **state)
{
	struct hs_sizing s;
	struct hs_profile p;

	/* A request bigger than the limit (1 MiB here) can never be satisfied. */
	assert_int_equal(size_of(0x2000, "#zht alloc 1000 2000000 0\n", &s, &p), 0);
	assert_int_equal(p.failed, 1);
}

static void test_zero_bytes_is_no_failure(void **state)
{
	struct hs_sizing s;
	struct hs_profile p;

	assert_int_equal(size_of(0x2000, "#zht alloc 1000 0 0\n#zht alloc 1000 8 2010\n", &s, &p),
			 Z_HEAP_MIN_SIZE_FOR(8));
	assert_int_equal(p.failed, 0);
	assert_int_equal(p.zero_requests, 1);
}

/* ---- malformed logs ---- */

struct bad_log {
	const char *text;
	const char *error;
};

static void test_malformed_logs(void **state)
{
	static const struct bad_log cases[] = {
		{ "hello\n#zht init v2 1 2 3 8 auto 0 - -\n",
		  "line 2: trace format v2 is not supported by this tool (it reads v1)" },
		{ "#zht init 1 2 3 8 auto 0 - -\n", "line 1: init needs a format version (v1) first" },
		{ "#zht init v1 1000 2000 4096 8 auto 0 -\n",
		  "line 1: init v1 needs 8 fields (HEAP MEM BYTES PTR LAYOUT STATS FREE REF), "
		  "found 7" },
		{ "#zht init v1 1000 2000 4096 6 auto 0 - -\n",
		  "line 1: field PTR: pointer size 6 is not 4 or 8" },
		{ "#zht init v1 1000 2000 4096 8 medium 0 - -\n",
		  "line 1: field LAYOUT: 'medium' is not small, big or auto" },
		{ "#zht init v1 1000 2000 4096 8 auto 2 - -\n", "line 1: field STATS: '2' is not 0 or 1" },
		{ "#zht init v1 1000 2000 40x6 8 auto 0 - -\n",
		  "line 1: field BYTES: '40x6' is not a decimal number" },
		{ "x\ny\n#zht alloc 1000 100 2010\n",
		  "line 3: alloc on heap 1000, which no earlier init record names (the log must start "
		  "before the heap is initialised)" },
		{ "#zht init v1 1000 2000 4096 8 auto 0 - -\n#zht alloc 1000 1x0 2010\n",
		  "line 2: field BYTES: '1x0' is not a decimal number" },
		{ "#zht init v1 1000 2000 4096 8 auto 0 - -\n#zht alloc 1000 10 zz\n",
		  "line 2: field RESULT: 'zz' is not a hex address" },
		{ "#zht init v1 1000 2000 4096 8 auto 0 - -\n#zht frob 1000\n",
		  "line 2: unknown record 'frob'" },
		{ "#zht init v1 1000 2000 4096 8 auto 0 - -\n#zht free 1000\n",
		  "line 2: free needs 2 fields (HEAP PTR), found 1" },
		{ "#zht \n", "line 1: empty record after '#zht '" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		zht_log_free(&log_);
		assert_int_equal(read_text(cases[i].text), -1);
		assert_string_equal(err, cases[i].error);
	}
}

static void test_missing_free_is_reported(void **state)
{
	struct hs_profile p;

	assert_int_equal(read_text("#zht init v1 1000 2000 4096 8 auto 0 - -\n"
				   "#zht alloc 1000 16 2010\n#zht alloc 1000 16 2010\n"),
			 0);
	assert_int_equal(hs_profile(&log_.heaps[0], &p, err), -1);
	assert_string_equal(err, "line 3: alloc returned 2010, which is still live (returned at "
			    "line 2 and not freed since): a record is missing from the log");
}

static void test_records_among_other_output(void **state)
{
	/* A record may follow text printed without a newline; CR LF endings are fine. */
	assert_int_equal(read_text("boot\r\n#zht init v1 1000 2000 4096 8 auto 0 - -\r\n"
				   "progress: #zht alloc 1000 16 2010\r\n"
				   "#zht init v1 1000 3000 512 8 auto 0 - -\n#zht free 1000 0\n"),
			 0);
	assert_int_equal(log_.nheaps, 2);
	assert_int_equal(log_.heaps[0].nrecs, 1);
	assert_int_equal(log_.heaps[0].recs[0].bytes, 16);
	assert_int_equal(log_.heaps[1].instance, 2);
	assert_int_equal(log_.heaps[1].nrecs, 1);
}

/* ---- round trip through lib/heap's tracer ---- */

static char captured[1 << 20];

/* Runs a workload on a traced heap of `bytes` and returns what the tracer printed. */
static const char *traced_workload(size_t bytes)
{
	static uint64_t buf[4096];
	struct sys_heap h;
	void *live[48] = { 0 };
	uint64_t seed = 12345;

	zmem_test_printk_capture(captured, sizeof(captured));
	sys_heap_init(&h, (uint8_t *)buf + 8, bytes); /* 8 bytes in: mod 16 is 8 */
	for (int i = 0; i < 3000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned int k = (unsigned int)(seed >> 58) % 48U;
		size_t sz = (size_t)(seed >> 33) % 200U + 1U;

		if (live[k] == NULL) {
			live[k] = (seed & 4U) ? sys_heap_aligned_alloc(&h, 32U << (seed & 1U), sz)
					      : sys_heap_alloc(&h, sz);
		} else if (seed & 8U) {
			void *q = sys_heap_realloc(&h, live[k], sz);

			live[k] = q != NULL ? q : live[k];
		} else {
			sys_heap_free(&h, live[k]);
			live[k] = NULL;
		}
	}
	zmem_test_printk_capture(NULL, 0);
	assert_true(strlen(captured) < sizeof(captured) - 1U);
	return captured;
}

static void test_round_trip(void **state)
{
	struct hs_profile p;
	struct hs_run run;
	struct hs_sizing s;
	const struct zht_heap *h;
	const struct hs_engine *e = hs_engine_get(LAYOUT, STATS);

	/* A heap small enough that some requests fail. */
	assert_int_equal(read_text(traced_workload(3000)), 0);
	h = &log_.heaps[0];
	assert_int_equal(h->nrecs, 3000);
	assert_int_equal(hs_profile(h, &p, err), 0);
	assert_true(p.failed > 0U);
	assert_true(p.pointers_in_heap);
	/* At the original size the replay gives every result the traced heap gave. */
	assert_int_equal(hs_replay(h, &p, e, 3000, true, &run), 0);
	assert_int_equal(run.mismatches, 0);
	assert_int_equal(run.fresh_free, h->free_bytes);
	assert_int_equal(run.failures, p.failed);
	assert_int_equal(hs_size(h, &p, e, 1U << 20, &s), 0);
	assert_true(s.min_size > 3000U);
	assert_true(s.at_min.pass);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_one_allocation, teardown),
		cmocka_unit_test_teardown(test_frees_reuse_space, teardown),
		cmocka_unit_test_teardown(test_failed_request_stays_live, teardown),
		cmocka_unit_test_teardown(test_realloc_traces, teardown),
		cmocka_unit_test_teardown(test_aligned, teardown),
		cmocka_unit_test_teardown(test_no_size_works, teardown),
		cmocka_unit_test_teardown(test_zero_bytes_is_no_failure, teardown),
		cmocka_unit_test_teardown(test_malformed_logs, teardown),
		cmocka_unit_test_teardown(test_missing_free_is_reported, teardown),
		cmocka_unit_test_teardown(test_records_among_other_output, teardown),
		cmocka_unit_test_teardown(test_round_trip, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
