/*
 * k_mutex: every return code, recursion, hand-off order (priority, then
 * arrival), timeouts, priority inheritance and its undoing (on unlock, on a
 * waiter's timeout, bounded by CONFIG_PRIORITY_CEILING), static definition,
 * and the ISR assertions. Built in baton and SMP modes; exact orders and
 * inherited priorities are checked in baton mode only (under SMP a waiter
 * may not have arrived yet when main looks).
 */
#include "../../support/zmem_test.h"

#include <string.h>
#include <zephyr/irq_offload.h>
#include <zephyr/kernel.h>

void z_cstart(int (*app_main)(void));

#define NT 4
#define BATON (!IS_ENABLED(CONFIG_SMP))
#define MAIN_PRIO 6

K_THREAD_STACK_ARRAY_DEFINE(stacks, NT, 4096);
static struct k_thread threads[NT];

K_MUTEX_DEFINE(static_mutex);
static struct k_mutex mutex;

static char order[NT + 1];
static int results[NT];
static volatile int holder_done;

static void join_all(int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(k_thread_join(&threads[i], K_SECONDS(30)), 0);
	}
}

static void spawn(int i, k_thread_entry_t entry, int prio)
{
	k_thread_create(&threads[i], stacks[i], K_THREAD_STACK_SIZEOF(stacks[i]), entry,
			(void *)(uintptr_t)i, NULL, NULL, prio, 0, K_NO_WAIT);
}

/* Spin (sleeping) until `n` threads wait on `mutex`; SMP threads start in parallel. */
static void wait_for_waiters(int n)
{
	for (int spins = 0; spins < 5000; spins++) {
		int count = 0;

		for (struct z_dnode *d = mutex.wait_q.waitq.next;
		     d != NULL && d != &mutex.wait_q.waitq; d = d->next) {
			count++;
		}
		if (count >= n) {
			return;
		}
		k_msleep(1);
	}
	fail_msg("waiters never arrived");
}

static void setup_main(void)
{
	k_thread_priority_set(k_current_get(), MAIN_PRIO);
	assert_int_equal(k_mutex_init(&mutex), 0);
	memset(order, 0, sizeof(order));
	memset(results, 0, sizeof(results));
}

static void test_init_lock_unlock_recursive(void **state)
{
	setup_main();
	assert_null(mutex.owner);
	assert_int_equal(k_mutex_unlock(&mutex), -EINVAL);
	assert_int_equal(k_mutex_lock(&mutex, K_NO_WAIT), 0);
	assert_ptr_equal(mutex.owner, k_current_get());
	assert_int_equal(k_mutex_lock(&mutex, K_FOREVER), 0);
	assert_int_equal(k_mutex_lock(&mutex, K_MSEC(1)), 0);
	assert_int_equal(mutex.lock_count, 3);
	assert_int_equal(k_mutex_unlock(&mutex), 0);
	assert_int_equal(k_mutex_unlock(&mutex), 0);
	assert_ptr_equal(mutex.owner, k_current_get());
	assert_int_equal(k_mutex_unlock(&mutex), 0);
	assert_null(mutex.owner);
	assert_int_equal(k_mutex_unlock(&mutex), -EINVAL);
}

static void static_entry(void *p1, void *p2, void *p3)
{
	results[0] = k_mutex_lock(&static_mutex, K_NO_WAIT);
	results[1] = k_mutex_unlock(&static_mutex);
}

static void test_static_definition(void **state)
{
	setup_main();
	spawn(0, static_entry, MAIN_PRIO);
	join_all(1);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 0);
	assert_null(static_mutex.owner);
}

static void try_entry(void *p1, void *p2, void *p3)
{
	results[0] = k_mutex_lock(&mutex, K_NO_WAIT);
	results[1] = k_mutex_unlock(&mutex);
	uint64_t t0 = k_uptime_ticks();

	results[2] = k_mutex_lock(&mutex, K_MSEC(20));
	results[3] = (int)(k_uptime_ticks() - t0);
}

static void test_busy_eperm_and_timeout(void **state)
{
	setup_main();
	assert_int_equal(k_mutex_lock(&mutex, K_NO_WAIT), 0);
	spawn(0, try_entry, MAIN_PRIO - 1);
	join_all(1);
	assert_int_equal(results[0], -EBUSY);
	assert_int_equal(results[1], -EPERM);
	assert_int_equal(results[2], -EAGAIN);
	assert_true(results[3] >= (int)k_ms_to_ticks_ceil64(20));
	/* Still ours, and the timed-out waiter left no trace. */
	assert_ptr_equal(mutex.owner, k_current_get());
	assert_int_equal(k_thread_priority_get(k_current_get()), MAIN_PRIO);
	assert_int_equal(k_mutex_unlock(&mutex), 0);
}

static void ordered_entry(void *p1, void *p2, void *p3)
{
	int i = (int)(uintptr_t)p1;

	results[i] = k_mutex_lock(&mutex, K_SECONDS(30));
	order[strlen(order)] = (char)('A' + i);
	results[i] |= k_mutex_unlock(&mutex);
}

static void test_hand_off_by_priority_then_fifo(void **state)
{
	setup_main();
	assert_int_equal(k_mutex_lock(&mutex, K_NO_WAIT), 0);
	/* Less urgent than main at first, so they queue in creation order. */
	spawn(0, ordered_entry, 9);
	spawn(1, ordered_entry, 8);
	spawn(2, ordered_entry, 9);
	spawn(3, ordered_entry, 8);
	k_msleep(5);
	wait_for_waiters(4);
	assert_int_equal(k_mutex_unlock(&mutex), 0);
	join_all(4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(results[i], 0);
	}
	if (BATON) {
		assert_string_equal(order, "BDAC");
	}
	assert_null(mutex.owner);
}

static void urgent_entry(void *p1, void *p2, void *p3)
{
	int i = (int)(uintptr_t)p1;

	results[i] = k_mutex_lock(&mutex, i == 0 ? K_FOREVER : K_MSEC(30));
	if (results[i] == 0) {
		results[i] = holder_done ? 0 : -1; /* it must have waited for the holder */
		(void)k_mutex_unlock(&mutex);
	}
}

static int expected_inherited(int prio)
{
	return MAX(prio, CONFIG_PRIORITY_CEILING);
}

static void test_priority_inheritance_and_unlock_restores(void **state)
{
	setup_main();
	holder_done = 0;
	assert_int_equal(k_mutex_lock(&mutex, K_NO_WAIT), 0);
	spawn(0, urgent_entry, 2); /* preempts main and waits */
	wait_for_waiters(1);
	if (BATON) {
		assert_int_equal(k_thread_priority_get(k_current_get()), expected_inherited(2));
	}
	holder_done = 1;
	assert_int_equal(k_mutex_unlock(&mutex), 0);
	assert_int_equal(k_thread_priority_get(k_current_get()), MAIN_PRIO);
	join_all(1);
	assert_int_equal(results[0], 0);
}

static void test_inheritance_undone_on_waiter_timeout(void **state)
{
	setup_main();
	holder_done = 0;
	assert_int_equal(k_mutex_lock(&mutex, K_NO_WAIT), 0);
	spawn(0, urgent_entry, 4); /* K_FOREVER */
	spawn(1, urgent_entry, 1); /* 30 ms */
	wait_for_waiters(2);
	if (BATON) {
		assert_int_equal(k_thread_priority_get(k_current_get()), expected_inherited(1));
	}
	/* The most urgent waiter gives up: main falls back to the other one's priority. */
	assert_int_equal(k_thread_join(&threads[1], K_SECONDS(30)), 0);
	assert_int_equal(results[1], -EAGAIN);
	assert_int_equal(k_thread_priority_get(k_current_get()), expected_inherited(4));
	holder_done = 1;
	assert_int_equal(k_mutex_unlock(&mutex), 0);
	assert_int_equal(k_thread_priority_get(k_current_get()), MAIN_PRIO);
	assert_int_equal(k_thread_join(&threads[0], K_SECONDS(30)), 0);
	assert_int_equal(results[0], 0);
}

static void isr_lock(const void *p)
{
	(void)k_mutex_lock(&mutex, K_NO_WAIT);
}

static void isr_unlock(const void *p)
{
	(void)k_mutex_unlock(&mutex);
}

static void test_isr_use_asserts(void **state)
{
	setup_main();
	zmem_test_assert_quiet(1);
	expect_assert_failure(irq_offload(isr_lock, NULL));
	expect_assert_failure(irq_offload(isr_unlock, NULL));
	zmem_test_assert_quiet(0);
	assert_false(k_is_in_isr());
	assert_null(mutex.owner);
}

static int all_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_lock_unlock_recursive),
		cmocka_unit_test(test_static_definition),
		cmocka_unit_test(test_busy_eperm_and_timeout),
		cmocka_unit_test(test_hand_off_by_priority_then_fifo),
		cmocka_unit_test(test_priority_inheritance_and_unlock_restores),
		cmocka_unit_test(test_inheritance_undone_on_waiter_timeout),
		cmocka_unit_test(test_isr_use_asserts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

int main(void)
{
	z_cstart(all_tests);
}
