/*
 * Kernel calls from user mode (kernel/syscall.c) with real K_USER threads on
 * the POSIX port (arch/posix/user_mode.c): every allowed call works, and
 * every failed check (object not registered, of another type, not granted,
 * released; buffer outside the caller's memory; priority raise; essential
 * thread; refused API; unknown id) is a one-line report plus an oops that
 * aborts only the caller. The fatal handler below returns, so the kernel
 * aborts the faulting thread and the test goes on; user threads record
 * what they saw in globals, which main checks after joining them.
 */
#include "../support/zmem_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/kobject.h>
#include <zephyr/zmem/port.h>

#include "../../kernel/include/kuser.h"

#define PAGE 4096U

static unsigned int fatal_count, fatal_reason;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	fatal_count++;
	fatal_reason = reason;
}

K_SEM_DEFINE(sem_a, 0, 10);
K_SEM_DEFINE(sem_b, 1, 1);
static struct k_sem sem_pub;

static K_THREAD_STACK_DEFINE(ustack, 8192);
static K_THREAD_STACK_DEFINE(ostack, 8192);
static struct k_thread uthread, other;

/* Memory outside every domain, and partitions for the domain test. */
static uint8_t kernel_buf[64];
static uint8_t rw_area[PAGE] __aligned(PAGE);
static uint8_t ro_area[PAGE] __aligned(PAGE);
K_MEM_PARTITION_DEFINE(rw_part, rw_area, PAGE, K_MEM_PARTITION_P_RW_U_RW);
K_MEM_PARTITION_DEFINE(ro_part, ro_area, PAGE, K_MEM_PARTITION_P_RW_U_RO);
static struct k_mem_domain app_domain;

/* What the user thread saw. `reached` counts the steps it got past. */
static volatile int step;
static volatile intptr_t seen[16];
static char out[2048];

static void noop(void *p1, void *p2, void *p3)
{
}

/* Run entry(p1, p2) in a new thread with `options`, granted `grants` first. */
static void run(k_thread_entry_t entry, void *p1, void *p2, uint32_t options, int prio,
		const void *const *grants)
{
	step = 0;
	memset((void *)seen, 0, sizeof(seen));
	k_thread_create(&uthread, ustack, K_THREAD_STACK_SIZEOF(ustack), entry, p1, p2, NULL, prio,
			options, K_FOREVER);
	for (; grants != NULL && *grants != NULL; grants++) {
		k_object_access_grant(*grants, &uthread);
	}
	zmem_test_printk_capture(out, sizeof(out));
	k_thread_start(&uthread);
	assert_int_equal(k_thread_join(&uthread, K_FOREVER), 0);
	zmem_test_printk_capture(NULL, 0);
}

#define GRANTS(...) ((const void *const[]){__VA_ARGS__, NULL})
#define USER_PRIO K_PRIO_PREEMPT(2)

static void expect_oops(unsigned int before, const char *line)
{
	assert_int_equal(fatal_count, before + 1U);
	assert_int_equal(fatal_reason, K_ERR_KERNEL_OOPS);
	if (strstr(out, line) == NULL) {
		fail_msg("expected '%s' in output:\n%s", line, out);
	}
}

/* ---- allowed calls ------------------------------------------------------------ */

static void basics_entry(void *p1, void *p2, void *p3)
{
	char name[16];
	int64_t t0;

	seen[0] = k_is_user_context();
	seen[1] = k_current_get() == &uthread;
	t0 = k_uptime_ticks();
	seen[2] = k_sleep(K_MSEC(3)) == 0 && k_uptime_ticks() >= t0 + 3;
	seen[3] = k_usleep(100) == 0;
	k_busy_wait(10);
	k_yield();
	seen[4] = k_cycle_get_64() > 0U;
	k_thread_custom_data_set((void *)&seen[5]);
	seen[5] = k_thread_custom_data_get() == (void *)&seen[5];
	seen[6] = k_thread_priority_get(k_current_get());
	k_thread_priority_set(k_current_get(), USER_PRIO + 1);
	seen[7] = k_thread_priority_get(k_current_get());
	seen[8] = k_thread_name_set(NULL, "user-one");
	seen[9] = k_thread_name_copy(k_current_get(), name, sizeof(name)) == 0 &&
		  strcmp(name, "user-one") == 0;
	seen[10] = k_is_preempt_thread();
	seen[11] = k_uptime_get() >= 0;
	step = 1;
	/* Returning ends the thread through a kernel call. */
}

static void test_basics(void **state)
{
	unsigned int before = fatal_count;

	assert_false(k_is_user_context());
	run(basics_entry, NULL, NULL, K_USER, USER_PRIO, NULL);
	assert_int_equal(step, 1);
	assert_int_equal(fatal_count, before);
	for (int i = 0; i <= 5; i++) {
		assert_true(seen[i]);
	}
	assert_int_equal(seen[6], USER_PRIO);
	assert_int_equal(seen[7], USER_PRIO + 1);
	assert_int_equal(seen[8], 0);
	assert_true(seen[9]);
	assert_true(seen[10]);
	assert_true(seen[11]);
	assert_false(k_is_user_context());
}

static void sem_entry(void *p1, void *p2, void *p3)
{
	seen[0] = k_sem_init(&sem_a, 0, 5);
	k_sem_give(&sem_a);
	k_sem_give(&sem_a);
	seen[1] = k_sem_count_get(&sem_a);
	seen[2] = k_sem_take(&sem_a, K_NO_WAIT);
	seen[3] = k_sem_take(&sem_a, K_NO_WAIT);
	seen[4] = k_sem_take(&sem_a, K_NO_WAIT);
	seen[5] = k_sem_take(&sem_a, K_MSEC(5));
	k_sem_give(&sem_a);
	k_sem_reset(&sem_a);
	seen[6] = k_sem_count_get(&sem_a);
	seen[7] = k_sem_init(&sem_a, 2, 1); /* the call's own -EINVAL, not an oops */
	step = 1;
	/* Blocks; main gives. */
	seen[8] = k_sem_take(&sem_a, K_FOREVER);
	seen[9] = k_sem_take(&sem_pub, K_NO_WAIT); /* public: no grant needed */
	step = 2;
}

static void test_granted_sem(void **state)
{
	unsigned int before = fatal_count;

	k_sem_init(&sem_pub, 1, 1);
	k_object_access_all_grant(&sem_pub);
	step = 0;
	k_thread_create(&uthread, ustack, K_THREAD_STACK_SIZEOF(ustack), sem_entry, NULL, NULL,
			NULL, K_PRIO_COOP(2), K_USER, K_FOREVER);
	k_object_access_grant(&sem_a, &uthread);
	k_thread_start(&uthread);
	/* It waits 5 ms on the way (a timed take), then blocks for good. */
	for (int i = 0; i < 1000 && step == 0; i++) {
		k_msleep(1);
	}
	assert_int_equal(step, 1);
	k_sem_give(&sem_a);
	assert_int_equal(k_thread_join(&uthread, K_FOREVER), 0);
	assert_int_equal(step, 2);
	assert_int_equal(fatal_count, before);
	assert_int_equal(seen[0], 0);
	assert_int_equal(seen[1], 2);
	assert_int_equal(seen[2], 0);
	assert_int_equal(seen[3], 0);
	assert_int_equal(seen[4], -EBUSY);
	assert_int_equal(seen[5], -EAGAIN);
	assert_int_equal(seen[6], 0);
	assert_int_equal(seen[7], -EINVAL);
	assert_int_equal(seen[8], 0);
	assert_int_equal(seen[9], 0);
}

/* ---- object checks ------------------------------------------------------------ */

static void give_entry(void *p1, void *p2, void *p3)
{
	k_sem_give(p1);
	step = 1;
}

static void test_ungranted_sem_oops(void **state)
{
	unsigned int before = fatal_count;
	unsigned int count = k_sem_count_get(&sem_b);

	run(give_entry, &sem_b, NULL, K_USER, USER_PRIO, NULL);
	assert_int_equal(step, 0);
	expect_oops(before, "zmem: user call k_sem_give: argument 1 (k_sem ");
	expect_oops(before, "): not granted to the caller (thread ");
	assert_int_equal(k_sem_count_get(&sem_b), count);
	assert_int_equal(z_syscall_oops_count(), fatal_count);
}

static void test_unregistered_and_wrong_type(void **state)
{
	unsigned int before = fatal_count;
	static struct k_sem never_initialised;

	run(give_entry, &never_initialised, NULL, K_USER, USER_PRIO, NULL);
	expect_oops(before, "k_sem_give: argument 1 (k_sem ");
	expect_oops(before, "not a registered object of that type");
	/* A thread passed as a semaphore (granted, but the type is wrong). */
	before = fatal_count;
	k_thread_create(&other, ostack, K_THREAD_STACK_SIZEOF(ostack), noop, NULL, NULL, NULL,
			USER_PRIO, 0, K_FOREVER);
	run(give_entry, &other, NULL, K_USER, USER_PRIO, GRANTS(&other));
	expect_oops(before, "not a registered object of that type");
	k_thread_abort(&other);
}

static void release_entry(void *p1, void *p2, void *p3)
{
	k_sem_give(&sem_a);
	step = 1;
	k_object_release(&sem_a);
	step = 2;
	k_sem_give(&sem_a);
	step = 3;
}

static void test_release_then_use(void **state)
{
	unsigned int before = fatal_count;

	run(release_entry, NULL, NULL, K_USER, USER_PRIO, GRANTS(&sem_a));
	assert_int_equal(step, 2);
	expect_oops(before, "k_sem_give: argument 1");
	expect_oops(before, "not granted to the caller");
	k_sem_reset(&sem_a);
}

static void grant_entry(void *p1, void *p2, void *p3)
{
	k_object_access_grant(&sem_a, &other);
	step = 1;
	k_object_access_grant(&sem_b, &other);
	step = 2;
}

static void test_grant_from_user(void **state)
{
	unsigned int before = fatal_count;
	struct k_object *ko = k_object_find(&sem_a);

	k_thread_create(&other, ostack, K_THREAD_STACK_SIZEOF(ostack), noop, NULL, NULL, NULL,
			USER_PRIO, 0, K_FOREVER);
	run(grant_entry, NULL, NULL, K_USER, USER_PRIO, GRANTS(&sem_a, &other));
	assert_int_equal(step, 1);
	assert_true(k_object_thread_has_access(ko, &other));
	expect_oops(before, "k_object_access_grant: argument 1");
	assert_false(k_object_thread_has_access(k_object_find(&sem_b), &other));
	k_thread_abort(&other);
}

/* ---- thread checks ------------------------------------------------------------- */

static void prio_entry(void *p1, void *p2, void *p3)
{
	k_thread_priority_set(k_current_get(), (int)(intptr_t)p1);
	step = 1;
}

static void test_priority_checks(void **state)
{
	unsigned int before = fatal_count;

	run(prio_entry, (void *)(intptr_t)(USER_PRIO - 1), NULL, K_USER, USER_PRIO, NULL);
	assert_int_equal(step, 0);
	expect_oops(before, "k_thread_priority_set: argument 2 (priority 1): more urgent");
	before = fatal_count;
	run(prio_entry, (void *)(intptr_t)1000, NULL, K_USER, USER_PRIO, NULL);
	expect_oops(before, "(priority 1000): not a valid priority");
}

static void abort_entry(void *p1, void *p2, void *p3)
{
	k_thread_abort(p1);
	step = 1;
}

static void join_entry(void *p1, void *p2, void *p3)
{
	seen[0] = k_thread_join(p1, K_FOREVER);
	step = 1;
}

static void test_abort_join_checks(void **state)
{
	struct k_thread *main_thread = k_current_get();
	unsigned int before = fatal_count;

	run(abort_entry, main_thread, NULL, K_USER, USER_PRIO, GRANTS(main_thread));
	assert_int_equal(step, 0);
	expect_oops(before, "k_thread_abort: argument 1 (k_thread ");
	expect_oops(before, "an essential thread");
	/* Not granted. */
	before = fatal_count;
	k_thread_create(&other, ostack, K_THREAD_STACK_SIZEOF(ostack), noop, NULL, NULL, NULL,
			USER_PRIO, 0, K_FOREVER);
	run(abort_entry, &other, NULL, K_USER, USER_PRIO, NULL);
	expect_oops(before, "k_thread_abort: argument 1");
	/* Granted: it works; a dead thread is then a quiet no-op for abort and join. */
	before = fatal_count;
	run(abort_entry, &other, NULL, K_USER, USER_PRIO, GRANTS(&other));
	assert_int_equal(step, 1);
	assert_int_equal(fatal_count, before);
	assert_true((other.base.thread_state & _THREAD_DEAD) != 0U);
	run(join_entry, &other, NULL, K_USER, USER_PRIO, GRANTS(&other));
	assert_int_equal(step, 1);
	assert_int_equal(seen[0], 0);
	assert_int_equal(fatal_count, before);
}

/* ---- buffers ----------------------------------------------------------------------- */

static void name_copy_entry(void *p1, void *p2, void *p3)
{
	seen[0] = k_thread_name_copy(k_current_get(), p1, (size_t)(uintptr_t)p2);
	step = 1;
}

static void name_set_entry(void *p1, void *p2, void *p3)
{
	seen[0] = k_thread_name_set(NULL, p1);
	step = 1;
}

static void string_out_entry(void *p1, void *p2, void *p3)
{
	char mine[8] = "ok\n";

	seen[0] = (intptr_t)arch_syscall_invoke((uintptr_t)mine, 3, 0, 0, 0, 0,
						K_SYSCALL_Z_USER_STRING_OUT);
	step = 1;
	(void)arch_syscall_invoke((uintptr_t)p1, 4, 0, 0, 0, 0, K_SYSCALL_Z_USER_STRING_OUT);
	step = 2;
}

static void test_buffers(void **state)
{
	unsigned int before = fatal_count;
	struct k_mem_partition *parts[] = {&rw_part, &ro_part};

	run(name_copy_entry, kernel_buf, (void *)(uintptr_t)8, K_USER, USER_PRIO, NULL);
	assert_int_equal(step, 0);
	expect_oops(before, "k_thread_name_copy: argument 2 (buffer ");
	expect_oops(before, ", 8 bytes): not writable by the caller");
	/* A name the caller may not read: -EFAULT, as in Zephyr (no oops). */
	before = fatal_count;
	strcpy((char *)kernel_buf, "stolen");
	run(name_set_entry, kernel_buf, NULL, K_USER, USER_PRIO, NULL);
	assert_int_equal(step, 1);
	assert_int_equal(seen[0], -EFAULT);
	assert_int_equal(fatal_count, before);
	/* The string-out call behind user printk: own stack fine, foreign memory oopses. */
	run(string_out_entry, kernel_buf, NULL, K_USER, USER_PRIO, NULL);
	assert_int_equal(step, 1);
	assert_int_equal(seen[0], 0);
	expect_oops(before, "printk: argument 1 (buffer ");
	/* A domain with an RW and an RO partition: the new thread inherits main's domain. */
	assert_int_equal(k_mem_domain_init(&app_domain, 2, parts), 0);
	assert_int_equal(k_mem_domain_add_thread(&app_domain, k_current_get()), 0);
	before = fatal_count;
	run(name_copy_entry, rw_area + 100, (void *)(uintptr_t)16, K_USER, USER_PRIO, NULL);
	assert_int_equal(step, 1);
	assert_int_equal(seen[0], 0);
	assert_int_equal(fatal_count, before);
	run(name_copy_entry, ro_area, (void *)(uintptr_t)16, K_USER, USER_PRIO, NULL);
	expect_oops(before, "not writable by the caller");
	assert_int_equal(k_mem_domain_add_thread(&k_mem_domain_default, k_current_get()), 0);
}

/* ---- refused calls ------------------------------------------------------------------- */

K_HEAP_DEFINE(some_heap, 256);
static char slab_buf[4 * 32] __aligned(8);
static struct k_mem_slab some_slab;

static void refused_entry(void *p1, void *p2, void *p3)
{
	void *block;

	switch ((int)(intptr_t)p1) {
	case 0:
		(void)k_malloc(16);
		break;
	case 1:
		(void)k_heap_alloc(&some_heap, 16, K_NO_WAIT);
		break;
	case 2:
		(void)k_mem_slab_alloc(&some_slab, &block, K_NO_WAIT);
		break;
	case 3:
		(void)k_mem_domain_add_thread(&k_mem_domain_default, k_current_get());
		break;
	case 4:
		k_object_access_revoke(&sem_a, k_current_get());
		break;
	case 5:
		k_object_access_all_grant(&sem_a);
		break;
	case 6:
		k_thread_create(&other, ostack, K_THREAD_STACK_SIZEOF(ostack), noop, NULL, NULL,
				NULL, USER_PRIO, K_USER, K_NO_WAIT);
		break;
	case 7:
		k_sched_lock();
		break;
	case 8:
		k_thread_user_mode_enter(noop, NULL, NULL, NULL);
		break;
	case 9:
		k_free(kernel_buf);
		break;
	default:
		(void)arch_syscall_invoke(0, 0, 0, 0, 0, 0, K_SYSCALL_LIMIT + 7U);
		break;
	}
	step = 1;
}

static void test_refused_calls(void **state)
{
	static const char *const names[] = {
		"k_malloc",
		"k_heap_alloc",
		"k_mem_slab_alloc",
		"k_mem_domain_add_thread",
		"k_object_access_revoke",
		"k_object_access_all_grant",
		"k_thread_create",
		"k_sched_lock",
		"k_thread_user_mode_enter",
		"k_free",
	};
	char line[96];

	assert_int_equal(k_mem_slab_init(&some_slab, slab_buf, 32, 4), 0);
	for (int i = 0; i <= (int)ARRAY_SIZE(names); i++) {
		unsigned int before = fatal_count;

		run(refused_entry, (void *)(intptr_t)i, NULL, K_USER, USER_PRIO, NULL);
		assert_int_equal(step, 0);
		if (i < (int)ARRAY_SIZE(names)) {
			snprintf(line, sizeof(line),
				 "zmem: user call %s: not callable from user mode", names[i]);
		} else {
			snprintf(line, sizeof(line), "zmem: user call with unknown id %u",
				 (unsigned int)K_SYSCALL_LIMIT + 7U);
		}
		expect_oops(before, line);
	}
	/* The same calls still work in supervisor mode. */
	void *p = k_malloc(16);

	assert_non_null(p);
	k_free(p);
}

/* ---- entering user mode ---------------------------------------------------------------- */

static void in_user(void *p1, void *p2, void *p3)
{
	seen[1] = k_is_user_context();
	seen[2] = (intptr_t)p1;
	step = 1;
}

static void enter_entry(void *p1, void *p2, void *p3)
{
	seen[0] = k_is_user_context();
	k_thread_user_mode_enter(in_user, (void *)42, NULL, NULL);
}

static void test_user_mode_enter(void **state)
{
	unsigned int before = fatal_count;

	run(enter_entry, NULL, NULL, K_ESSENTIAL, USER_PRIO, NULL);
	assert_int_equal(step, 1);
	assert_false(seen[0]);
	assert_true(seen[1]);
	assert_int_equal(seen[2], 42);
	assert_int_equal(fatal_count, before);
	assert_true((uthread.base.user_options & K_USER) != 0U);
	assert_true((uthread.base.user_options & K_ESSENTIAL) == 0U);
}

static void test_timeout_split(void **state)
{
	static const k_ticks_t values[] = {0, 1, 0x7fffffff, 0x100000005LL, INT64_MAX, -1};

	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		k_timeout_t t = Z_TIMEOUT_TICKS(values[i]);
		uintptr_t a[2] = {Z_TIMEOUT_ARGS(t)};

		assert_true(K_TIMEOUT_EQ(z_timeout_from_args(a[0], a[1]), t));
	}
	assert_string_equal(z_syscall_name(K_SYSCALL_K_SEM_TAKE), "k_sem_take");
	assert_string_equal(z_syscall_name(K_SYSCALL_LIMIT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_split),
		cmocka_unit_test(test_basics),
		cmocka_unit_test(test_granted_sem),
		cmocka_unit_test(test_ungranted_sem_oops),
		cmocka_unit_test(test_unregistered_and_wrong_type),
		cmocka_unit_test(test_release_then_use),
		cmocka_unit_test(test_grant_from_user),
		cmocka_unit_test(test_priority_checks),
		cmocka_unit_test(test_abort_join_checks),
		cmocka_unit_test(test_buffers),
		cmocka_unit_test(test_refused_calls),
		cmocka_unit_test(test_user_mode_enter),
	};

	/* Boot-time initialisation: static heaps, slabs, the registry, the default domain. */
	for (int level = 0; level < Z_INIT_LEVEL_COUNT; level++) {
		z_sys_init_run_level((enum z_init_level)level);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
