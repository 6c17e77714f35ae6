/*
 * Threads and the scheduler: creation, priorities, cooperative and
 * preemptive rules, yield, time slicing, sleep/wakeup, join/abort, names,
 * static threads, irq_offload and surviving a fatal error in a thread.
 *
 * Built twice: baton mode (one thread runs at a time: exact orders are
 * checked) and CONFIG_SMP (threads run in parallel: only what SMP promises).
 * cmocka's assertions run in the main thread only; other threads record what
 * they see in globals.
 */
#include "../../support/zmem_test.h"

#include <stdlib.h>
#include <string.h>
#include <zephyr/irq_offload.h>
#include <zephyr/kernel.h>

void z_cstart(int (*app_main)(void));

#define STACK 4096
#define NT 6
#define BATON (!IS_ENABLED(CONFIG_SMP))
#ifndef CONFIG_MP_MAX_NUM_CPUS
#define CONFIG_MP_MAX_NUM_CPUS 1 /* Kconfig's value without SMP */
#endif

K_THREAD_STACK_ARRAY_DEFINE(stacks, NT, STACK);
static struct k_thread threads[NT];

/* Event log, written by whichever thread runs (one at a time in baton mode). */
static char log_buf[128];
static struct k_spinlock log_lock;

static void log_event(char c)
{
	k_spinlock_key_t key = k_spin_lock(&log_lock);
	size_t n = strlen(log_buf);

	if (n + 1 < sizeof(log_buf)) {
		log_buf[n] = c;
		log_buf[n + 1] = '\0';
	}
	k_spin_unlock(&log_lock, key);
}

static void log_reset(void)
{
	log_buf[0] = '\0';
}

static k_tid_t spawn(int i, k_thread_entry_t fn, void *p1, void *p2, int prio, k_timeout_t delay)
{
	return k_thread_create(&threads[i], stacks[i], K_THREAD_STACK_SIZEOF(stacks[i]), fn, p1,
			       p2, NULL, prio, 0, delay);
}

static void join_all(int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(k_thread_join(&threads[i], K_SECONDS(10)), 0);
	}
}

static void log_char_entry(void *p1, void *p2, void *p3)
{
	log_event((char)(uintptr_t)p1);
}

/* ---- creation and priorities ------------------------------------------- */

static void test_more_urgent_thread_runs_at_create(void **state)
{
	log_reset();
	spawn(0, log_char_entry, (void *)'T', NULL, K_PRIO_COOP(1), K_NO_WAIT);
	log_event('M');
	join_all(1);
	if (BATON) {
		assert_string_equal(log_buf, "TM");
	}
}

static void test_priority_then_fifo(void **state)
{
	log_reset();
	/* All less urgent than main (0): none runs before main blocks. */
	spawn(0, log_char_entry, (void *)'e', NULL, 5, K_NO_WAIT);
	spawn(1, log_char_entry, (void *)'a', NULL, 3, K_NO_WAIT);
	spawn(2, log_char_entry, (void *)'c', NULL, 4, K_NO_WAIT);
	spawn(3, log_char_entry, (void *)'b', NULL, 3, K_NO_WAIT);
	spawn(4, log_char_entry, (void *)'d', NULL, 4, K_NO_WAIT);
	if (BATON) {
		assert_string_equal(log_buf, "");
	}
	join_all(5);
	if (BATON) {
		assert_string_equal(log_buf, "abcde");
	}
	assert_int_equal(strlen(log_buf), 5);
}

static void test_create_delayed_and_start(void **state)
{
	int64_t t0 = k_uptime_get();

	log_reset();
	spawn(0, log_char_entry, (void *)'F', NULL, K_PRIO_COOP(0), K_FOREVER);
	/* 300 ms: room for a slow host (valgrind) before the checks below. */
	spawn(1, log_char_entry, (void *)'D', NULL, K_PRIO_COOP(0), K_MSEC(300));
	k_msleep(5);
	assert_string_equal(log_buf, "");
	assert_int_equal(k_thread_join(&threads[0], K_NO_WAIT), -EBUSY);
	k_thread_start(&threads[0]);
	k_thread_start(&threads[0]); /* a started thread: no effect */
	assert_int_equal(k_thread_join(&threads[0], K_SECONDS(5)), 0);
	assert_string_equal(log_buf, "F");
	assert_int_equal(k_thread_join(&threads[1], K_SECONDS(5)), 0);
	assert_string_equal(log_buf, "FD");
	assert_true(k_uptime_get() - t0 >= 300);
}

static void prio_entry(void *p1, void *p2, void *p3)
{
	*(int *)p1 = k_thread_priority_get(k_current_get());
	*(k_tid_t *)p2 = k_current_get();
}

static void test_priority_get_set_and_current(void **state)
{
	int seen = 99;
	k_tid_t self = NULL;

	assert_int_equal(k_thread_priority_get(k_current_get()), CONFIG_MAIN_THREAD_PRIORITY);
	spawn(0, prio_entry, &seen, &self, 7, K_FOREVER);
	assert_int_equal(k_thread_priority_get(&threads[0]), 7);
	k_thread_priority_set(&threads[0], K_PRIO_COOP(2));
	assert_int_equal(k_thread_priority_get(&threads[0]), K_PRIO_COOP(2));
	k_thread_start(&threads[0]);
	join_all(1);
	assert_int_equal(seen, K_PRIO_COOP(2));
	assert_ptr_equal(self, &threads[0]);
	assert_true(k_current_get() != &threads[0]);
	assert_int_equal(K_PRIO_COOP(0), -CONFIG_NUM_COOP_PRIORITIES);
	assert_int_equal(K_PRIO_PREEMPT(3), 3);
	assert_true(k_is_preempt_thread());
}

/* Raising a waiting thread's priority re-sorts it in its wait queue. */
static K_SEM_DEFINE(order_sem, 0, 10);

static void sem_log_entry(void *p1, void *p2, void *p3)
{
	if (k_sem_take(&order_sem, K_SECONDS(10)) == 0) {
		log_event((char)(uintptr_t)p1);
	}
}

static void test_priority_set_resorts_waiters(void **state)
{
	log_reset();
	spawn(0, sem_log_entry, (void *)'x', NULL, K_PRIO_COOP(3), K_NO_WAIT);
	spawn(1, sem_log_entry, (void *)'y', NULL, K_PRIO_COOP(3), K_NO_WAIT);
	k_thread_priority_set(&threads[1], K_PRIO_COOP(1));
	k_sem_give(&order_sem);
	k_sem_give(&order_sem);
	join_all(2);
	if (BATON) {
		assert_string_equal(log_buf, "yx");
	}
}

/* ---- cooperative vs preemptive ------------------------------------------ */

static K_SEM_DEFINE(wake_sem, 0, 1);

static void urgent_entry(void *p1, void *p2, void *p3)
{
	k_sem_take(&wake_sem, K_FOREVER);
	log_event('U');
}

static void giver_entry(void *p1, void *p2, void *p3)
{
	log_event('1');
	k_sem_give(&wake_sem);
	log_event('2');
}

static void test_cooperative_thread_is_not_preempted(void **state)
{
	log_reset();
	spawn(0, urgent_entry, NULL, NULL, K_PRIO_COOP(0), K_NO_WAIT);
	spawn(1, giver_entry, NULL, NULL, K_PRIO_COOP(5), K_NO_WAIT);
	join_all(2);
	if (BATON) {
		assert_string_equal(log_buf, "12U");
	}
}

static void test_preemptible_thread_is_preempted(void **state)
{
	log_reset();
	spawn(0, urgent_entry, NULL, NULL, 2, K_NO_WAIT);
	spawn(1, giver_entry, NULL, NULL, 6, K_NO_WAIT);
	join_all(2);
	if (BATON) {
		assert_string_equal(log_buf, "1U2");
	}
}

static void locked_giver_entry(void *p1, void *p2, void *p3)
{
	k_sched_lock();
	log_event('1');
	k_sem_give(&wake_sem);
	log_event('2');
	k_sched_unlock();
	log_event('3');
}

static void test_sched_lock_defers_preemption(void **state)
{
	log_reset();
	spawn(0, urgent_entry, NULL, NULL, 2, K_NO_WAIT);
	spawn(1, locked_giver_entry, NULL, NULL, 6, K_NO_WAIT);
	join_all(2);
	if (BATON) {
		assert_string_equal(log_buf, "12U3");
	}
}

static void yield_entry(void *p1, void *p2, void *p3)
{
	for (int i = 0; i < 3; i++) {
		log_event((char)(uintptr_t)p1);
		k_yield();
	}
}

static void test_yield_round_robin(void **state)
{
	log_reset();
	k_sched_lock();
	spawn(0, yield_entry, (void *)'a', NULL, K_PRIO_COOP(4), K_NO_WAIT);
	spawn(1, yield_entry, (void *)'b', NULL, K_PRIO_COOP(4), K_NO_WAIT);
	k_sched_unlock();
	join_all(2);
	if (BATON) {
		assert_string_equal(log_buf, "ababab");
	}
}

/* Time slicing: two equal-priority spinners both progress without yielding. */
/* Atomics: in SMP mode the spinners really run at the same time. */
static uint32_t spin_count[2];
static bool spin_stop;
#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
static int64_t spin_end; /* one deadline for both spinners */

static void spinner_entry(void *p1, void *p2, void *p3)
{
	int me = (int)(uintptr_t)p1;

	while (!LOAD(spin_stop) && k_uptime_get() < spin_end) {
		STORE(spin_count[me], LOAD(spin_count[me]) + 1U);
		/* Stop early once both ran: saves time on slow hosts. */
		if (LOAD(spin_count[0]) > 1000 && LOAD(spin_count[1]) > 1000) {
			STORE(spin_stop, true);
		}
	}
}

static bool under_valgrind(void)
{
	const char *preload = getenv("LD_PRELOAD");

	return preload != NULL && strstr(preload, "vgpreload") != NULL;
}

static void run_spinners(void)
{
	STORE(spin_count[0], 0U);
	STORE(spin_count[1], 0U);
	STORE(spin_stop, false);
	spin_end = k_uptime_get() + 300;
	k_sched_lock();
	spawn(0, spinner_entry, (void *)0, NULL, 3, K_NO_WAIT);
	spawn(1, spinner_entry, (void *)1, NULL, 3, K_NO_WAIT);
	k_sched_unlock();
	join_all(2);
}

static void test_time_slicing(void **state)
{
	k_sched_time_slice_set(5, 0);
	run_spinners();
	/*
	 * Both progressed before the common deadline. Valgrind runs one host
	 * thread at a time with an unfair lock, so a spinner can starve the
	 * tick thread there: the check is only reported.
	 */
	if (under_valgrind()) {
		print_message("valgrind: spinners %u and %u\n", spin_count[0], spin_count[1]);
	} else {
		assert_true(spin_count[0] > 0);
		assert_true(spin_count[1] > 0);
	}
	k_sched_time_slice_set(0, 0);
	if (BATON) {
		/* Without slicing the first spinner runs alone until the deadline. */
		run_spinners();
		assert_int_equal(spin_count[1], 0);
	}
}

/* A preemptible busy thread does not starve a more urgent sleeper. */
static void test_tick_preempts_busy_thread(void **state)
{
	STORE(spin_count[0], 0U);
	STORE(spin_count[1], 0U);
	STORE(spin_stop, false);
	spin_end = k_uptime_get() + 10000;
	log_reset();
	spawn(0, spinner_entry, (void *)0, NULL, 5, K_NO_WAIT);
	spawn(1, log_char_entry, (void *)'s', NULL, 1, K_MSEC(20));
	k_msleep(1); /* let the spinner run */
	assert_int_equal(k_thread_join(&threads[1], K_SECONDS(5)), 0);
	assert_string_equal(log_buf, "s");
	STORE(spin_stop, true);
	join_all(1);
}

/* At most one thread runs in baton mode, at most MP_MAX_NUM_CPUS with SMP. */
static int running_now, running_max;

static void cpu_hog_entry(void *p1, void *p2, void *p3)
{
	for (int i = 0; i < 10; i++) {
		int n = __atomic_add_fetch(&running_now, 1, __ATOMIC_SEQ_CST);
		int m = __atomic_load_n(&running_max, __ATOMIC_SEQ_CST);

		while (n > m && !__atomic_compare_exchange_n(&running_max, &m, n, false,
							     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		}
		k_busy_wait(2000);
		__atomic_sub_fetch(&running_now, 1, __ATOMIC_SEQ_CST);
		k_yield();
	}
}

static void test_cpu_limit(void **state)
{
	int limit = BATON ? 1 : IS_ENABLED(CONFIG_SMP_CPU_LIMIT) ? CONFIG_MP_MAX_NUM_CPUS : NT;

	running_now = running_max = 0;
	k_sched_lock();
	for (int i = 0; i < NT; i++) {
		spawn(i, cpu_hog_entry, NULL, NULL, 4, K_NO_WAIT);
	}
	k_sched_unlock();
	join_all(NT);
	assert_true(running_max >= 1);
	assert_true(running_max <= limit);
	if (!BATON && !under_valgrind()) {
		assert_true(running_max >= 2); /* really in parallel */
	}
}

/* ---- sleep and wakeup ---------------------------------------------------- */

static volatile int32_t sleep_ret;

static void sleeper_entry(void *p1, void *p2, void *p3)
{
	sleep_ret = k_sleep(*(k_timeout_t *)p1);
}

/* Wake `t` until it has finished: in SMP mode it may not sleep yet at first. */
static void wake_until_done(struct k_thread *t)
{
	for (int i = 0; i < 2000; i++) {
		k_wakeup(t);
		if (k_thread_join(t, K_MSEC(5)) == 0) {
			return;
		}
	}
	fail_msg("the sleeper never woke");
}

static void test_sleep_and_wakeup(void **state)
{
	static k_timeout_t t_long, t_forever;
	int64_t t0;

	t_long = K_SECONDS(10);
	spawn(0, sleeper_entry, &t_long, NULL, 1, K_NO_WAIT);
	k_msleep(10);
	t0 = k_uptime_get();
	wake_until_done(&threads[0]);
	assert_true(sleep_ret > 8000 && sleep_ret <= 10000);
	assert_true(k_uptime_get() - t0 < 2000);

	t_forever = K_FOREVER;
	spawn(0, sleeper_entry, &t_forever, NULL, 1, K_NO_WAIT);
	k_msleep(10);
	assert_int_equal(k_thread_join(&threads[0], K_MSEC(10)), -EAGAIN);
	wake_until_done(&threads[0]);
	assert_int_equal(sleep_ret, K_TICKS_FOREVER);

	/* k_wakeup of a thread that does not sleep does nothing. */
	k_wakeup(k_current_get());
	assert_int_equal(k_sleep(K_NO_WAIT), 0);
	assert_int_equal(k_usleep(100), 0);
}

/* ---- join and abort ------------------------------------------------------ */

static K_SEM_DEFINE(never_sem, 0, 1);

static void blocked_entry(void *p1, void *p2, void *p3)
{
	k_sem_take(&never_sem, K_FOREVER);
	log_event('!'); /* never: aborted while waiting */
}

static void joiner_entry(void *p1, void *p2, void *p3)
{
	*(int *)p2 = k_thread_join((struct k_thread *)p1, K_FOREVER);
}

static void test_join_and_abort(void **state)
{
	static k_timeout_t t_long;
	int joined = 99;

	log_reset();
	assert_int_equal(k_thread_join(k_current_get(), K_FOREVER), -EDEADLK);

	/* Abort a waiting thread: it leaves the wait queue and its joiner wakes. */
	spawn(0, blocked_entry, NULL, NULL, 1, K_NO_WAIT);
	spawn(1, joiner_entry, &threads[0], &joined, 1, K_NO_WAIT);
	k_msleep(5);
	assert_int_equal(k_thread_join(&threads[0], K_NO_WAIT), -EBUSY);
	assert_int_equal(k_thread_join(&threads[0], K_MSEC(5)), -EAGAIN);
	k_thread_abort(&threads[0]);
	assert_int_equal(k_thread_join(&threads[0], K_NO_WAIT), 0);
	assert_int_equal(k_thread_join(&threads[1], K_SECONDS(5)), 0);
	assert_int_equal(joined, 0);
	k_thread_abort(&threads[0]); /* dead: no effect */
	k_sem_give(&never_sem);
	assert_int_equal(k_sem_count_get(&never_sem), 1); /* nobody waited any more */
	k_sem_reset(&never_sem);

	/* Abort a sleeping thread and an unstarted one. */
	t_long = K_SECONDS(100);
	spawn(0, sleeper_entry, &t_long, NULL, 1, K_NO_WAIT);
	spawn(1, log_char_entry, (void *)'?', NULL, 1, K_FOREVER);
	k_thread_abort(&threads[0]);
	k_thread_abort(&threads[1]);
	join_all(2);
	assert_string_equal(log_buf, "");

	/* A thread joining its joiner gets -EDEADLK. */
	joined = 99;
	spawn(0, joiner_entry, k_current_get(), &joined, K_PRIO_COOP(0), K_NO_WAIT);
	if (BATON) {
		assert_int_equal(k_thread_join(&threads[0], K_FOREVER), -EDEADLK);
		k_thread_abort(&threads[0]);
	} else {
		/* In parallel, whichever joins second gets -EDEADLK. */
		int ret = k_thread_join(&threads[0], K_FOREVER);

		assert_true(ret == -EDEADLK || (ret == 0 && joined == -EDEADLK));
		k_thread_abort(&threads[0]);
	}
	join_all(1);
}

static void self_abort_entry(void *p1, void *p2, void *p3)
{
	log_event('a');
	k_thread_abort(k_current_get());
	log_event('!');
}

static void test_self_abort_and_storage_reuse(void **state)
{
	log_reset();
	for (int round = 0; round < 50; round++) {
		spawn(0, self_abort_entry, NULL, NULL, round % 2 ? 1 : K_PRIO_COOP(1), K_NO_WAIT);
		join_all(1);
	}
	assert_int_equal(strlen(log_buf), 50);
	assert_null(strchr(log_buf, '!'));
}

K_KERNEL_STACK_DEFINE(kstack, 1000);

/* ---- names and custom data ----------------------------------------------- */

static void test_names_and_custom_data(void **state)
{
	char buf[8];

	spawn(0, log_char_entry, (void *)'n', NULL, 1, K_FOREVER);
	if (IS_ENABLED(CONFIG_THREAD_NAME)) {
		assert_string_equal(k_thread_name_get(&threads[0]), "");
		assert_int_equal(k_thread_name_set(&threads[0], "worker"), 0);
		assert_string_equal(k_thread_name_get(&threads[0]), "worker");
		assert_string_equal(k_thread_name_get(k_current_get()), "main");
		assert_int_equal(k_thread_name_copy(&threads[0], buf, sizeof(buf)), 0);
		assert_string_equal(buf, "worker");
		assert_int_equal(k_thread_name_copy(&threads[0], buf, 4), -ENOSPC);
		char longname[CONFIG_THREAD_MAX_NAME_LEN + 10];

		memset(longname, 'x', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		assert_int_equal(k_thread_name_set(NULL, longname), 0);
		assert_int_equal(strlen(k_thread_name_get(k_current_get())),
				 CONFIG_THREAD_MAX_NAME_LEN - 1);
		k_thread_name_set(NULL, "main");
	} else {
		assert_int_equal(k_thread_name_set(&threads[0], "worker"), -ENOSYS);
		assert_int_equal(k_thread_name_set(NULL, "worker"), -ENOSYS);
		assert_null(k_thread_name_get(&threads[0]));
		memset(buf, 'q', sizeof(buf));
		assert_int_equal(k_thread_name_copy(&threads[0], buf, sizeof(buf)), -ENOSYS);
		assert_int_equal(buf[0], 'q'); /* nothing written */
	}
	k_thread_abort(&threads[0]);
	k_thread_custom_data_set(&buf);
	assert_ptr_equal(k_thread_custom_data_get(), &buf);
	assert_int_equal(K_THREAD_STACK_SIZEOF(stacks[0]), STACK);
	assert_int_equal(K_KERNEL_STACK_SIZEOF(kstack), 1008); /* rounded to 16 */
	assert_true(IS_ALIGNED(kstack, ARCH_STACK_PTR_ALIGN));
	assert_true(IS_ALIGNED(stacks[1], ARCH_STACK_PTR_ALIGN));
	assert_int_equal(sizeof(stacks) / sizeof(stacks[0]), NT);
}

/* ---- static threads ------------------------------------------------------ */

static volatile int static_ran;

static void static_entry(void *p1, void *p2, void *p3)
{
	static_ran = (int)(uintptr_t)p1;
}

K_THREAD_DEFINE(static_thread, 2048, static_entry, 42, NULL, NULL, 2, 0, 0);

/* Delayed K_THREAD_DEFINE threads: one started by a timeout, one held until started. */
static volatile int64_t delayed_ran_at = -1;
static volatile int held_ran;

static void static_delayed_entry(void *p1, void *p2, void *p3)
{
	delayed_ran_at = k_uptime_get();
}

static void static_held_entry(void *p1, void *p2, void *p3)
{
	held_ran = 1;
}

K_THREAD_DEFINE(static_delayed, 2048, static_delayed_entry, NULL, NULL, NULL, 2, 0, 30);
K_THREAD_DEFINE(static_held, 2048, static_held_entry, NULL, NULL, NULL, 2, 0, -1);

static void test_static_thread_delays(void **state)
{
	assert_int_equal(k_thread_join(static_delayed, K_SECONDS(5)), 0);
	assert_true(delayed_ran_at >= 30);
	/* A negative delay (K_FOREVER) holds the thread until k_thread_start(). */
	k_msleep(20);
	assert_int_equal(held_ran, 0);
	assert_int_equal(k_thread_join(static_held, K_NO_WAIT), -EBUSY);
	k_thread_start(static_held);
	assert_int_equal(k_thread_join(static_held, K_SECONDS(5)), 0);
	assert_int_equal(held_ran, 1);
	k_thread_start(static_held); /* dead, not PRESTART: no effect */
	assert_int_equal(k_thread_join(static_held, K_NO_WAIT), 0);
}

static void test_static_thread(void **state)
{
	assert_int_equal(k_thread_join(static_thread, K_SECONDS(5)), 0);
	assert_int_equal(static_ran, 42);
	if (IS_ENABLED(CONFIG_THREAD_NAME)) {
		assert_string_equal(k_thread_name_get(static_thread), "static_thread");
	}
}

/* ---- irq_offload --------------------------------------------------------- */

static volatile bool isr_seen;
static volatile int isr_take;

static void isr_routine(const void *p)
{
	isr_seen = k_is_in_isr();
	isr_take = k_sem_take((struct k_sem *)p, K_NO_WAIT);
	k_sem_give(&wake_sem);
	log_event('I');
}

static void test_irq_offload(void **state)
{
	static K_SEM_DEFINE(empty_sem, 0, 1);

	log_reset();
	assert_false(k_is_in_isr());
	spawn(0, urgent_entry, NULL, NULL, -1, K_NO_WAIT); /* waits on wake_sem */
	irq_offload(isr_routine, &empty_sem);
	log_event('M');
	assert_true(isr_seen);
	assert_int_equal(isr_take, -EBUSY);
	assert_false(k_is_in_isr());
	join_all(1);
	if (BATON) {
		/* The woken thread preempts main at interrupt exit. */
		assert_string_equal(log_buf, "IUM");
	}
}

/* ---- fatal errors -------------------------------------------------------- */

static volatile int fatal_seen;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	fatal_seen = (int)reason + 1; /* returning aborts the faulting thread */
}

static void oops_entry(void *p1, void *p2, void *p3)
{
	log_event('o');
	k_oops();
	log_event('!');
}

static void test_fatal_error_aborts_only_the_thread(void **state)
{
	log_reset();
	fatal_seen = 0;
	spawn(0, oops_entry, NULL, NULL, 1, K_NO_WAIT);
	join_all(1);
	assert_int_equal(fatal_seen, K_ERR_KERNEL_OOPS + 1);
	assert_string_equal(log_buf, "o");
}

/* ---- timeouts ------------------------------------------------------------ */

static void test_timeouts_not_early(void **state)
{
	static K_SEM_DEFINE(t_sem, 0, 1);

	for (int ms = 1; ms <= 40; ms += 13) {
		int64_t t0 = k_uptime_ticks();

		assert_int_equal(k_sem_take(&t_sem, K_MSEC(ms)), -EAGAIN);
		int64_t dt = k_uptime_ticks() - t0;

		assert_true(dt >= (int64_t)K_MSEC(ms).ticks);
		assert_true(dt < (int64_t)K_MSEC(ms + 2000).ticks);

		t0 = k_uptime_ticks();
		assert_int_equal(k_msleep(ms), 0);
		dt = k_uptime_ticks() - t0;
		assert_true(dt >= (int64_t)K_MSEC(ms).ticks);
		assert_true(dt < (int64_t)K_MSEC(ms + 2000).ticks);
	}
}

static int all_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_thread),
		cmocka_unit_test(test_static_thread_delays),
		cmocka_unit_test(test_more_urgent_thread_runs_at_create),
		cmocka_unit_test(test_priority_then_fifo),
		cmocka_unit_test(test_create_delayed_and_start),
		cmocka_unit_test(test_priority_get_set_and_current),
		cmocka_unit_test(test_priority_set_resorts_waiters),
		cmocka_unit_test(test_cooperative_thread_is_not_preempted),
		cmocka_unit_test(test_preemptible_thread_is_preempted),
		cmocka_unit_test(test_sched_lock_defers_preemption),
		cmocka_unit_test(test_yield_round_robin),
		cmocka_unit_test(test_time_slicing),
		cmocka_unit_test(test_tick_preempts_busy_thread),
		cmocka_unit_test(test_cpu_limit),
		cmocka_unit_test(test_sleep_and_wakeup),
		cmocka_unit_test(test_join_and_abort),
		cmocka_unit_test(test_self_abort_and_storage_reuse),
		cmocka_unit_test(test_names_and_custom_data),
		cmocka_unit_test(test_irq_offload),
		cmocka_unit_test(test_fatal_error_aborts_only_the_thread),
		cmocka_unit_test(test_timeouts_not_early),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

int main(void)
{
	z_cstart(all_tests);
}
