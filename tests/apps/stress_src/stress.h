/*
 * Concurrency stress of the kernel memory services (issue 4): a small harness
 * shared by one group per object type.
 *
 * A group runs STRESS_WORKERS threads of mixed priorities for an operation
 * budget or a time cap, whichever comes first, then stops them and joins them
 * under a watchdog. Workers never call cmocka (its assertions longjmp into the
 * main thread's frame); they record failures with stress_fail(), and the
 * group's cmocka test checks the totals on the main thread.
 *
 * Invariants every group checks:
 * - no block is handed out twice: an ownership map with one owner byte per
 *   granule, claimed with an atomic exchange on allocation and released just
 *   before the free; a granule that is already owned is a double hand-out;
 * - block contents: every block is filled with its owner's tag and checked
 *   before it is freed (also after a realloc, for the preserved prefix);
 * - no lost wake-up: K_FOREVER waiters always return (a waiter holds nothing
 *   while it waits forever, so a waiter that never returns is a lost wake-up
 *   or a deadlock in the kernel): the joins fail after STRESS_WATCHDOG_MS;
 * - timeouts: a timed-out wait returns at or after its deadline (t ticks after
 *   the next tick boundary) and not more than STRESS_LATE_MS after it;
 * - the object's final state validates.
 */
#ifndef ZMEM_TESTS_APPS_STRESS_H_
#define ZMEM_TESTS_APPS_STRESS_H_

#include "ztest_cmocka.h"

#define STRESS_WORKERS 8

/* Upper bound for a timed-out wait past its deadline: generous (loaded CI, valgrind). */
#define STRESS_LATE_MS 5000

/* How long the joins wait once the workers were told to stop. */
#define STRESS_WATCHDOG_MS 30000

/* Totals of one group, for the report line and the checks. */
struct stress_totals {
	uint64_t ops;      /* operations of any kind */
	uint64_t allocs;   /* successful allocations */
	uint64_t nomem;    /* K_NO_WAIT (or never-blocking) failures */
	uint64_t timeouts; /* finite waits that ended without memory */
	uint64_t waits;    /* K_FOREVER requests */
	uint64_t late_ms;  /* worst lateness of a timed-out wait */
	uint32_t errors;   /* invariant violations (stress_fail()) */
};

/* One ownership map: one owner byte per (1 << shift)-byte granule of [base, base + bytes). */
struct stress_owners {
	uintptr_t base;
	size_t bytes;
	unsigned int shift;
	uint8_t *owner;
};

/* Ask the current group's workers to stop (also done by the budget). */
bool stress_should_stop(void);

/* Count one operation towards the budget. */
void stress_count_op(void);

/* Record an invariant violation: counted, and the first few are printed. */
void stress_fail(const char *fmt, ...);

/* Bump a counter of the current group (relaxed atomic). */
void stress_add(uint64_t *counter, uint64_t n);

/* Counters of the running group, for workers. */
extern struct stress_totals stress_now;

uint32_t stress_rand(uint32_t *state);

/* From the top bits of r: 1 time in 64 sleep a tick, 1 in 32 yield (workers' pacing). */
void stress_pause_now_and_then(uint32_t r);

/*
 * A timeout for one request: K_NO_WAIT, a few ticks or milliseconds, or
 * K_FOREVER when `may_wait_forever` (the caller holds nothing).
 */
k_timeout_t stress_pick_timeout(uint32_t r, bool may_wait_forever);

/* Start time of a wait, for stress_check_timed_out(). */
struct stress_wait {
	int64_t ticks;
	int64_t ms;
};

struct stress_wait stress_wait_start(void);

/* A finite wait with timeout `t` that started at `w` just timed out: check when. */
void stress_check_timed_out(struct stress_wait w, k_timeout_t t, const char *what);

/* Claim [p, p + len) for `tag` (nonzero), or report every granule already owned. */
void stress_claim(struct stress_owners *o, const void *p, size_t len, uint8_t tag);

/* Release [p, p + len), which `tag` must own. */
void stress_release(struct stress_owners *o, const void *p, size_t len, uint8_t tag);

/* True when no granule is owned (every block came back). */
bool stress_owners_empty(const struct stress_owners *o);

/* Fill with a tag; check a fill (reports a mismatch with `what`). */
void stress_fill(void *p, size_t len, uint8_t tag);
void stress_check_fill(const void *p, size_t len, uint8_t tag, const char *what);

/*
 * Run `worker(index, NULL, NULL)` on STRESS_WORKERS threads (priorities from
 * `prios`, or all 5 when NULL) until `ops_budget` operations or `ms_cap`
 * milliseconds, then stop and join them. Prints one report line, returns the
 * totals; a join that times out is counted as an error and reported.
 */
struct stress_totals stress_run(const char *name, void (*worker)(void *, void *, void *),
				const int *prios, uint64_t ops_budget, int ms_cap);

/*
 * Scale of the operation budgets: 1 in a plain build, smaller under a
 * sanitizer (about 10-20x slower) or when ZMEM_STRESS_SCALE_DIV is set in the
 * environment (valgrind runs, whose budget the time cap bounds anyway).
 */
uint64_t stress_budget(uint64_t ops);

/* The groups; each returns the number of failed cmocka tests. */
int run_stress_kheap(void);
int run_stress_sys_heap(void);
int run_stress_slab(void);
int run_stress_mem_blocks(void);
int run_stress_handoff(void);
int run_stress_regressions(void);

#endif
