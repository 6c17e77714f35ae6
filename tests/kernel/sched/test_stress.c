/*
 * Semaphore stress: many threads of mixed priorities take and give a
 * counting semaphore with random timeouts (K_NO_WAIT, short, K_FOREVER)
 * while two more threads ping-pong through a pair of binary semaphores.
 *
 * Invariants checked:
 * - never more holders than units (a unit is never handed out twice);
 * - no lost wake-up: K_FOREVER waiters are always served (else the joins
 *   below time out) and every unit is back at the end;
 * - a timed-out take returned at or after its deadline, never early.
 * Runs for STRESS_MS or STRESS_OPS operations, whichever comes first, so it
 * fits in a ctest budget under valgrind and the sanitizers too.
 */
#include "../../support/zmem_test.h"

#include <zephyr/kernel.h>

void z_cstart(int (*app_main)(void));

#ifndef STRESS_MS
#define STRESS_MS 6000
#endif
#ifndef STRESS_OPS
#define STRESS_OPS 3000000
#endif
#define WORKERS 10
#define UNITS 3

K_THREAD_STACK_ARRAY_DEFINE(stacks, WORKERS + 2, 8192);
static struct k_thread threads[WORKERS + 2];

K_SEM_DEFINE(pool, UNITS, UNITS);
K_SEM_DEFINE(ping, 0, 1);
K_SEM_DEFINE(pong, 0, 1);

static uint64_t ops;
static int holders;
static int max_holders;
static int early_timeouts;
static int bad_returns;
static bool stop;
static uint64_t timeouts_seen;
static uint64_t pingpongs;

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static bool should_stop(void)
{
	return __atomic_load_n(&stop, __ATOMIC_RELAXED);
}

static void count_op(void)
{
	if (__atomic_add_fetch(&ops, 1, __ATOMIC_RELAXED) >= STRESS_OPS) {
		__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	}
}

static void hold_unit(uint32_t r)
{
	int h = __atomic_add_fetch(&holders, 1, __ATOMIC_ACQ_REL);
	int m = __atomic_load_n(&max_holders, __ATOMIC_RELAXED);

	while (h > m && !__atomic_compare_exchange_n(&max_holders, &m, h, false,
						     __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
	}
	/* Hold across a switch now and then, so that others must wait. */
	if ((r & 3U) == 0U) {
		k_yield();
	} else if ((r & 63U) == 1U) {
		k_sleep(K_TICKS(1));
	}
	__atomic_sub_fetch(&holders, 1, __ATOMIC_ACQ_REL);
	k_sem_give(&pool);
}

static void worker(void *p1, void *p2, void *p3)
{
	uint32_t seed = 0x9e3779b9U * ((uint32_t)(uintptr_t)p1 + 1U);

	while (!should_stop()) {
		uint32_t r = xorshift(&seed);
		k_timeout_t t;
		int64_t t0;
		int ret;

		switch (r % 8U) {
		case 0:
			t = K_NO_WAIT;
			break;
		case 1:
			t = K_FOREVER;
			break;
		default:
			t = K_TICKS(r % 3U);
			break;
		}
		t0 = k_uptime_ticks();
		ret = k_sem_take(&pool, t);
		if (ret == 0) {
			hold_unit(r >> 8);
		} else if (ret == -EAGAIN && !K_TIMEOUT_EQ(t, K_NO_WAIT)) {
			/* Deadline: t ticks after the next tick boundary. */
			if (k_uptime_ticks() - t0 < t.ticks + 1) {
				__atomic_add_fetch(&early_timeouts, 1, __ATOMIC_RELAXED);
			}
			__atomic_add_fetch(&timeouts_seen, 1, __ATOMIC_RELAXED);
		} else if (!(ret == -EBUSY && K_TIMEOUT_EQ(t, K_NO_WAIT))) {
			__atomic_add_fetch(&bad_returns, 1, __ATOMIC_RELAXED);
		}
		count_op();
	}
}

static void pinger(void *p1, void *p2, void *p3)
{
	while (!should_stop()) {
		k_sem_give(&ping);
		if (k_sem_take(&pong, K_MSEC(100)) == 0) {
			__atomic_add_fetch(&pingpongs, 1, __ATOMIC_RELAXED);
		}
		count_op();
	}
	k_sem_give(&ping); /* release the ponger */
}

static void ponger(void *p1, void *p2, void *p3)
{
	while (!should_stop()) {
		if (k_sem_take(&ping, K_MSEC(100)) == 0) {
			k_sem_give(&pong);
		}
		count_op();
	}
}

static void test_sem_stress(void **state)
{
	int64_t start = k_uptime_get();
	static const int prios[WORKERS] = {
		1, 1, 2, 2, 3, 3, 3, K_PRIO_COOP(8), K_PRIO_COOP(8), 4,
	};

	k_sched_time_slice_set(2, 0);
	k_thread_priority_set(k_current_get(), K_PRIO_COOP(0));
	for (int i = 0; i < WORKERS; i++) {
		k_thread_create(&threads[i], stacks[i], K_THREAD_STACK_SIZEOF(stacks[i]), worker,
				(void *)(uintptr_t)i, NULL, NULL, prios[i], 0, K_NO_WAIT);
	}
	k_thread_create(&threads[WORKERS], stacks[WORKERS], K_THREAD_STACK_SIZEOF(stacks[0]),
			pinger, NULL, NULL, NULL, 2, 0, K_NO_WAIT);
	k_thread_create(&threads[WORKERS + 1], stacks[WORKERS + 1],
			K_THREAD_STACK_SIZEOF(stacks[0]), ponger, NULL, NULL, NULL, 2, 0,
			K_NO_WAIT);
	while (!should_stop() && k_uptime_get() - start < STRESS_MS) {
		k_msleep(20);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	for (int i = 0; i < WORKERS + 2; i++) {
		assert_int_equal(k_thread_join(&threads[i], K_SECONDS(30)), 0);
	}
	print_message("stress: %llu ops (%llu timeouts, %llu ping-pongs) in %lld ms, "
		      "max holders %d\n",
		      (unsigned long long)ops, (unsigned long long)timeouts_seen,
		      (unsigned long long)pingpongs, (long long)(k_uptime_get() - start),
		      max_holders);
	assert_int_equal(bad_returns, 0);
	assert_int_equal(early_timeouts, 0);
	assert_true(max_holders <= UNITS);
	assert_int_equal(holders, 0);
	assert_int_equal(k_sem_count_get(&pool), UNITS);
	assert_true(ops >= 1000);
	assert_true(pingpongs > 0);
	k_thread_priority_set(k_current_get(), CONFIG_MAIN_THREAD_PRIORITY);
}

static int all_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sem_stress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

int main(void)
{
	z_cstart(all_tests);
}
