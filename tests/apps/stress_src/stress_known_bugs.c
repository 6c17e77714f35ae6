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

int run_stress_known_bugs(void)
{
	const char *on = getenv("ZMEM_STRESS_KNOWN_BUGS");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_registration_race),
	};

	if (on == NULL || atoi(on) == 0) {
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
