/*
 * k_sem: every call and error code, hand-off order (priority, then arrival),
 * reset, ISR use, and timeouts that never end early. Built in baton and SMP
 * modes; exact wake orders are checked in baton mode only.
 */
#include "../../support/zmem_test.h"

#include <string.h>
#include <zephyr/irq_offload.h>
#include <zephyr/kernel.h>

void z_cstart(int (*app_main)(void));
extern struct k_spinlock _sched_spinlock; /* white-box: to count waiters */

#define NT 4
#define BATON (!IS_ENABLED(CONFIG_SMP))

K_THREAD_STACK_ARRAY_DEFINE(stacks, NT, 4096);
static struct k_thread threads[NT];

K_SEM_DEFINE(static_sem, 2, 5);
static struct k_sem sem;

static char order[16];
static struct k_spinlock order_lock;
static int results[NT];

static void waiter_entry(void *p1, void *p2, void *p3)
{
	int i = (int)(uintptr_t)p1;
	int ret = k_sem_take(&sem, K_SECONDS(30));
	size_t n;

	results[i] = ret;
	if (ret == 0) {
		k_spinlock_key_t key = k_spin_lock(&order_lock);

		n = strlen(order);
		order[n] = (char)('A' + i);
		order[n + 1] = '\0';
		k_spin_unlock(&order_lock, key);
	}
}

static void spawn_waiter(int i, int prio)
{
	k_thread_create(&threads[i], stacks[i], K_THREAD_STACK_SIZEOF(stacks[i]), waiter_entry,
			(void *)(uintptr_t)i, NULL, NULL, prio, 0, K_NO_WAIT);
}

static void join(int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(k_thread_join(&threads[i], K_SECONDS(30)), 0);
	}
}

/* Wait until `n` threads wait on `sem` (SMP: they start in parallel). */
static void wait_for_waiters(int n)
{
	for (int spins = 0; spins < 5000; spins++) {
		int count = 0;
		k_spinlock_key_t key = k_spin_lock(&_sched_spinlock);

		for (struct k_thread *t = z_waitq_head(&sem.wait_q); t != NULL;
		     t = t->base.qnode.next == &sem.wait_q.waitq
			     ? NULL
			     : CONTAINER_OF(t->base.qnode.next, struct k_thread, base.qnode)) {
			count++;
		}
		k_spin_unlock(&_sched_spinlock, key);
		if (count >= n) {
			return;
		}
		k_msleep(1);
	}
	fail_msg("waiters never arrived");
}

static void test_init_rules(void **state)
{
	assert_int_equal(k_sem_init(&sem, 0, 0), -EINVAL);
	assert_int_equal(k_sem_init(&sem, 3, 2), -EINVAL);
	assert_int_equal(k_sem_init(&sem, 2, 2), 0);
	assert_int_equal(k_sem_count_get(&sem), 2);
	assert_int_equal(k_sem_init(&sem, 0, K_SEM_MAX_LIMIT), 0);
	assert_int_equal(k_sem_count_get(&sem), 0);
	assert_int_equal(k_sem_count_get(&static_sem), 2);
	assert_int_equal(k_sem_take(&static_sem, K_NO_WAIT), 0);
	assert_int_equal(k_sem_take(&static_sem, K_NO_WAIT), 0);
	assert_int_equal(k_sem_take(&static_sem, K_NO_WAIT), -EBUSY);
}

static void test_give_saturates_at_limit(void **state)
{
	assert_int_equal(k_sem_init(&sem, 0, 3), 0);
	for (int i = 0; i < 10; i++) {
		k_sem_give(&sem);
	}
	assert_int_equal(k_sem_count_get(&sem), 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(k_sem_take(&sem, K_NO_WAIT), 0);
	}
	assert_int_equal(k_sem_take(&sem, K_NO_WAIT), -EBUSY);
	assert_int_equal(k_sem_count_get(&sem), 0);
}

static void test_take_times_out(void **state)
{
	int64_t t0;

	assert_int_equal(k_sem_init(&sem, 0, 1), 0);
	t0 = k_uptime_ticks();
	assert_int_equal(k_sem_take(&sem, K_MSEC(20)), -EAGAIN);
	assert_true(k_uptime_ticks() - t0 >= K_MSEC(20).ticks);
	assert_true(k_uptime_ticks() - t0 < K_MSEC(5000).ticks);
	/* A give after the timeout counts: the timed-out waiter is gone. */
	k_sem_give(&sem);
	assert_int_equal(k_sem_count_get(&sem), 1);
}

static void test_hand_off_by_priority_then_fifo(void **state)
{
	assert_int_equal(k_sem_init(&sem, 0, 10), 0);
	order[0] = '\0';
	spawn_waiter(0, 5);
	wait_for_waiters(1);
	spawn_waiter(1, 5);
	wait_for_waiters(2);
	spawn_waiter(2, 2);
	wait_for_waiters(3);
	k_sched_lock();
	for (int i = 0; i < 3; i++) {
		k_sem_give(&sem);
		/* Handed over: the count stays 0 while a waiter takes the unit. */
		assert_int_equal(k_sem_count_get(&sem), 0);
	}
	k_sched_unlock();
	join(3);
	assert_int_equal(strlen(order), 3);
	if (BATON) {
		assert_string_equal(order, "CAB");
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(results[i], 0);
	}
}

static void test_reset_wakes_waiters_with_eagain(void **state)
{
	assert_int_equal(k_sem_init(&sem, 0, 10), 0);
	spawn_waiter(0, 1);
	spawn_waiter(1, 1);
	wait_for_waiters(2);
	k_sem_reset(&sem);
	join(2);
	assert_int_equal(results[0], -EAGAIN);
	assert_int_equal(results[1], -EAGAIN);
	k_sem_give(&sem);
	k_sem_give(&sem);
	k_sem_reset(&sem);
	assert_int_equal(k_sem_count_get(&sem), 0);
}

static volatile int isr_ret[3];
static volatile bool isr_flag;

static void isr_fn(const void *p)
{
	isr_flag = k_is_in_isr();
	isr_ret[0] = k_sem_take(&sem, K_NO_WAIT);
	k_sem_give(&sem);
	isr_ret[1] = k_sem_take(&sem, K_NO_WAIT);
	k_sem_give(&sem);
}

static void test_isr_take_no_wait_and_give(void **state)
{
	assert_int_equal(k_sem_init(&sem, 0, 1), 0);
	irq_offload(isr_fn, NULL);
	assert_true(isr_flag);
	assert_int_equal(isr_ret[0], -EBUSY);
	assert_int_equal(isr_ret[1], 0);
	assert_int_equal(k_sem_count_get(&sem), 1);
}

static void isr_give_fn(const void *p)
{
	k_sem_give(&sem);
}

static void test_isr_give_wakes_waiter(void **state)
{
	assert_int_equal(k_sem_init(&sem, 0, 1), 0);
	results[0] = 99;
	spawn_waiter(0, K_PRIO_COOP(1));
	wait_for_waiters(1);
	irq_offload(isr_give_fn, NULL);
	if (BATON) {
		/* The cooperative waiter ran at interrupt exit, before main went on. */
		assert_int_equal(results[0], 0);
	}
	join(1);
	assert_int_equal(results[0], 0);
}

static void isr_take_forever(const void *p)
{
	(void)k_sem_take(&sem, K_FOREVER);
}

static void test_isr_blocking_take_asserts(void **state)
{
	assert_int_equal(k_sem_init(&sem, 0, 1), 0);
	zmem_test_assert_quiet(1);
	expect_assert_failure(irq_offload(isr_take_forever, NULL));
	zmem_test_assert_quiet(0);
	/* The port noticed that the interrupt was left by longjmp. */
	assert_false(k_is_in_isr());
	assert_int_equal(k_sem_take(&sem, K_MSEC(2)), -EAGAIN);
	k_sem_give(&sem);
	assert_int_equal(k_sem_take(&sem, K_MSEC(2)), 0);
}

/* ---- thread API assertions and edge cases (this build has CONFIG_ASSERT) ---- */

static void nop_entry(void *p1, void *p2, void *p3)
{
}

static volatile int preempt_seen = 99;

static void preempt_probe(void *p1, void *p2, void *p3)
{
	preempt_seen = k_is_preempt_thread();
}

static void isr_sleep(const void *p)
{
	(void)k_sleep(K_MSEC(1));
}

static void isr_join(const void *p)
{
	(void)k_thread_join(&threads[0], K_MSEC(1));
}

static void isr_yield(const void *p)
{
	k_yield();
}

static volatile int isr_preempt = 99;

static void isr_probe(const void *p)
{
	isr_preempt = k_is_preempt_thread();
}

static void test_thread_api_asserts(void **state)
{
	zmem_test_assert_quiet(1);
	/* Invalid priorities: below the most urgent, and the idle priority. */
	expect_assert_failure(k_thread_create(&threads[0], stacks[0], 4096, nop_entry, NULL,
					      NULL, NULL, K_HIGHEST_THREAD_PRIO - 1, 0,
					      K_NO_WAIT));
	expect_assert_failure(k_thread_create(&threads[0], stacks[0], 4096, nop_entry, NULL,
					      NULL, NULL, K_IDLE_PRIO, 0, K_NO_WAIT));
	expect_assert_failure(k_thread_priority_set(k_current_get(), K_IDLE_PRIO));
	/* main is essential while main() runs. */
	expect_assert_failure(k_thread_abort(k_current_get()));
	/* Blocking calls in an ISR. */
	expect_assert_failure(irq_offload(isr_sleep, NULL));
	expect_assert_failure(irq_offload(isr_join, NULL));
	expect_assert_failure(irq_offload(isr_yield, NULL));
	zmem_test_assert_quiet(0);
	assert_false(k_is_in_isr());

	/* K_NO_WAIT join is fine in an ISR; k_is_preempt_thread() is 0 there. */
	irq_offload(isr_probe, NULL);
	assert_int_equal(isr_preempt, 0);
	assert_int_equal(k_is_preempt_thread(), CONFIG_MAIN_THREAD_PRIORITY >= 0);
	k_thread_create(&threads[0], stacks[0], 4096, preempt_probe, NULL, NULL, NULL,
			K_PRIO_COOP(2), 0, K_NO_WAIT);
	join(1);
	assert_int_equal(preempt_seen, 0);
	k_sched_lock();
	k_sched_lock();
	assert_int_equal(k_is_preempt_thread(), 0);
	k_sched_unlock();
	assert_int_equal(k_is_preempt_thread(), 0);
	k_sched_unlock();
	assert_int_equal(k_is_preempt_thread(), 1);
}

static volatile int32_t usleep_left;

static void usleeper(void *p1, void *p2, void *p3)
{
	usleep_left = k_usleep(5000000);
}

static void test_usleep_woken_reports_microseconds(void **state)
{
	k_thread_create(&threads[0], stacks[0], 4096, usleeper, NULL, NULL, NULL, 1, 0,
			K_NO_WAIT);
	k_msleep(20);
	k_wakeup(&threads[0]);
	join(1);
	assert_true(usleep_left > 4000000 && usleep_left <= 5000000);
}

static volatile int order_log;

static void raise_probe(void *p1, void *p2, void *p3)
{
	order_log = order_log * 10 + 1;
}

static void test_priority_raise_preempts_caller(void **state)
{
	if (!BATON) {
		skip(); /* an order between parallel threads: baton mode only */
	}
	order_log = 0;
	k_thread_create(&threads[0], stacks[0], 4096, raise_probe, NULL, NULL, NULL, 9, 0,
			K_NO_WAIT);
	assert_int_equal(order_log, 0); /* less urgent than main: not run yet */
	k_thread_priority_set(&threads[0], K_PRIO_COOP(0));
	order_log = order_log * 10 + 2;
	join(1);
	assert_int_equal(order_log, 12); /* it ran inside priority_set */
}

static int all_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rules),
		cmocka_unit_test(test_give_saturates_at_limit),
		cmocka_unit_test(test_take_times_out),
		cmocka_unit_test(test_hand_off_by_priority_then_fifo),
		cmocka_unit_test(test_reset_wakes_waiters_with_eagain),
		cmocka_unit_test(test_isr_take_no_wait_and_give),
		cmocka_unit_test(test_isr_give_wakes_waiter),
		cmocka_unit_test(test_isr_blocking_take_asserts),
		cmocka_unit_test(test_take_times_out),
		cmocka_unit_test(test_thread_api_asserts),
		cmocka_unit_test(test_usleep_woken_reports_microseconds),
		cmocka_unit_test(test_priority_raise_preempts_caller),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

int main(void)
{
	z_cstart(all_tests);
}
