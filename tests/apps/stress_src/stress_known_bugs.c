/*
 * Reproductions of defects found by the stress work, outside the files it
 * owns. They run only when ZMEM_STRESS_KNOWN_BUGS=1 is in the environment, so
 * the suite stays green until the defect is fixed; then they join the default
 * run. Each is reported in docs/bench_kernel.md ("Defects found").
 *
 * 1. kernel/mempool.c, alloc_with_prefix(): `heap->z_pool_registered` is read
 *    without pools_lock, while register_pool() writes it under the lock. Two
 *    threads making the first k_malloc-family allocation from a heap at the
 *    same time (two threads with a fresh resource pool, CONFIG_SMP) race on
 *    it: a C11 data race, reported by ThreadSanitizer in the SMP build.
 *    The double-checked flag needs an atomic load/store (acquire/release).
 *
 * 2. kernel/mempool.c, k_realloc(): it calls sys_heap_realloc() under the heap
 *    lock itself and never wakes the heap's waiters, although a shrink or a
 *    move returns memory (k_heap_realloc() does wake them, docs/kernel_mem.md).
 *    A thread blocked in k_heap_alloc(K_FOREVER) on a heap that is also a
 *    thread resource pool stays blocked after a k_realloc() made room: a lost
 *    wake-up (with a finite timeout it is served only at its deadline).
 */
#include "stress.h"

#include <stdlib.h>

K_HEAP_DEFINE(fresh_pool, 4096);

static bool go;

static void first_alloc_worker(void *p1, void *p2, void *p3)
{
	void *p;

	/* The last one to start opens the gate, so that all ask at once. */
	if ((uintptr_t)p1 == STRESS_WORKERS - 1U) {
		__atomic_store_n(&go, true, __ATOMIC_RELEASE);
	}
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE)) {
		if (IS_ENABLED(CONFIG_SMP)) {
			arch_spin_relax();
		} else {
			k_sleep(K_TICKS(1));
		}
	}
	p = z_thread_malloc(16);
	if (p == NULL) {
		stress_fail("z_thread_malloc from a fresh pool failed");
	}
	k_free(p);
	stress_count_op();
}

static void test_pool_registration_race(void **state)
{
	struct stress_totals t;

	/* Workers inherit main's resource pool, not registered yet. */
	k_thread_heap_assign(k_current_get(), &fresh_pool);
	__atomic_store_n(&go, false, __ATOMIC_RELAXED);
	t = stress_run("pool registration race", first_alloc_worker, NULL, STRESS_WORKERS, 2000);
	k_thread_heap_assign(k_current_get(), NULL);
	assert_int_equal(t.errors, 0);
}

#define RP_HEAP 2048

K_HEAP_DEFINE(rp_heap, RP_HEAP);
static struct k_thread rp_waiter;
static K_THREAD_STACK_DEFINE(rp_stack, 8192);
static void *rp_got;

static void realloc_waiter(void *p1, void *p2, void *p3)
{
	rp_got = k_heap_alloc(&rp_heap, RP_HEAP / 3, K_FOREVER);
}

static void test_realloc_shrink_wakes_waiters(void **state)
{
	void *p;
	int joined;

	k_thread_heap_assign(k_current_get(), &rp_heap);
	p = z_thread_malloc(RP_HEAP * 3 / 4);
	assert_non_null(p);
	rp_got = NULL;
	k_thread_create(&rp_waiter, rp_stack, K_THREAD_STACK_SIZEOF(rp_stack), realloc_waiter,
			NULL, NULL, NULL, K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	k_msleep(50); /* the waiter is blocked: the heap has no RP_HEAP / 3 left */
	assert_null(rp_got);
	p = k_realloc(p, 16); /* shrinks in place: RP_HEAP / 2 comes free */
	assert_non_null(p);
	joined = k_thread_join(&rp_waiter, K_MSEC(1000));
	k_free(p); /* a free does wake it: clean up whatever happened */
	if (joined != 0) {
		assert_int_equal(k_thread_join(&rp_waiter, K_SECONDS(10)), 0);
	}
	k_heap_free(&rp_heap, rp_got);
	k_thread_heap_assign(k_current_get(), NULL);
	assert_int_equal(joined, 0); /* fails: k_realloc() made room and woke nobody */
}

int run_stress_known_bugs(void)
{
	const char *on = getenv("ZMEM_STRESS_KNOWN_BUGS");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_registration_race),
		cmocka_unit_test(test_realloc_shrink_wakes_waiters),
	};

	if (on == NULL || atoi(on) == 0) {
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
