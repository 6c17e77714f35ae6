/*
 * Regression tests for two defects the stress work found in kernel/mempool.c
 * (fixed in commit 81aa379; docs/bench_kernel.md, "Defects found"):
 *
 * 1. alloc_with_prefix() read `heap->z_pool_registered` without pools_lock
 *    while register_pool() wrote it under the lock: threads making the first
 *    k_malloc-family allocation from a heap at the same time raced on it (a
 *    C11 data race; ThreadSanitizer reported it in the SMP build). Here eight
 *    threads make their first allocation from a fresh resource pool at once.
 *
 * 2. k_realloc() shrank or moved a block under the heap lock and woke nobody,
 *    so a thread blocked in k_heap_alloc(K_FOREVER) on a heap that is also a
 *    thread resource pool stayed blocked after a k_realloc() made room (a lost
 *    wake-up). Here the waiter must return within 1 s of the shrink.
 */
#include "stress.h"

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

/* Thread state is guarded by the scheduler's lock (kernel/include/ksched.h). */
extern struct k_spinlock _sched_spinlock;

static bool is_pending(struct k_thread *t)
{
	k_spinlock_key_t key = k_spin_lock(&_sched_spinlock);
	bool pending = (t->base.thread_state & _THREAD_PENDING) != 0U;

	k_spin_unlock(&_sched_spinlock, key);
	return pending;
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
	/* It blocks: the heap has no RP_HEAP / 3 left. */
	for (int ms = 0; ms < 10000 && !is_pending(&rp_waiter); ms++) {
		k_msleep(1);
	}
	assert_true(is_pending(&rp_waiter));
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
	assert_int_equal(joined, 0); /* k_realloc() made room: the waiter was woken */
}

int run_stress_regressions(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_registration_race),
		cmocka_unit_test(test_realloc_shrink_wakes_waiters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
