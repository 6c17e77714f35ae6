/*
 * The fatal-error path, the default assertion hooks and SYS_INIT ordering.
 * The test's own k_sys_fatal_error_handler records the reason and jumps back
 * into the test, so an expected fatal error does not end the run.
 */
#include "../../support/zmem_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

void z_cstart(int (*app_main)(void));

static jmp_buf fatal_return;
static unsigned int fatal_reason;
static int fatal_count;

/* Overrides the weak default; returning here would abort the thread. */
static bool handler_returns;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	fatal_reason = reason;
	fatal_count++;
	if (!handler_returns) {
		longjmp(fatal_return, 1);
	}
}

/*
 * This test links kernel/assert.c, whose weak hooks must route a failed
 * __ASSERT to the fatal path. It must not reference anything from
 * tests/support/assert_hooks.c, or that object's cmocka hooks would replace
 * the kernel's.
 */

static void test_panic_reports_reason(void **state)
{
	fatal_count = 0;
	if (setjmp(fatal_return) == 0) {
		k_panic();
		fail_msg("k_panic returned");
	}
	assert_int_equal(fatal_count, 1);
	assert_int_equal(fatal_reason, K_ERR_KERNEL_PANIC);
}

static void test_oops_reports_reason(void **state)
{
	fatal_count = 0;
	if (setjmp(fatal_return) == 0) {
		k_oops();
		fail_msg("k_oops returned");
	}
	assert_int_equal(fatal_reason, K_ERR_KERNEL_OOPS);
}

static void test_failed_assert_is_a_panic(void **state)
{
	volatile int x = 1;

	fatal_count = 0;
	if (setjmp(fatal_return) == 0) {
		__ASSERT(x == 0, "x=%d", x);
		fail_msg("assertion did not fire");
	}
	assert_int_equal(fatal_count, 1);
	assert_int_equal(fatal_reason, K_ERR_KERNEL_PANIC);
	/* A passing assertion does nothing. */
	__ASSERT(x == 1, "x=%d", x);
	__ASSERT_NO_MSG(x == 1);
	assert_int_equal(fatal_count, 1);
}

static void test_reason_strings(void **state)
{
	assert_string_equal(z_fatal_reason_to_str(K_ERR_KERNEL_PANIC), "Kernel panic");
	assert_string_equal(z_fatal_reason_to_str(K_ERR_KERNEL_OOPS), "Kernel oops");
	assert_string_equal(z_fatal_reason_to_str(K_ERR_CPU_EXCEPTION), "CPU exception");
	assert_string_equal(z_fatal_reason_to_str(K_ERR_STACK_CHK_FAIL), "Stack overflow");
	assert_string_equal(z_fatal_reason_to_str(K_ERR_SPURIOUS_IRQ), "Unhandled interrupt");
	assert_string_equal(z_fatal_reason_to_str(12345), "Unknown error");
}

/* Runs `fn` in a child process; returns its exit status, or -1 if it did not exit. */
static int exit_status_of(void (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(99); /* fn returned: not what any caller expects */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void halt_with_panic(void)
{
	k_fatal_halt(K_ERR_KERNEL_PANIC);
}

/*
 * A handler that returns outside any thread (the kernel is not started here):
 * there is no thread to abort, so the run stops with ZMEM_EXIT_FATAL.
 */
static void panic_with_returning_handler(void)
{
	handler_returns = true;
	fatal_count = 0;
	k_oops();
}

static void test_fatal_halt_ends_the_run(void **state)
{
	assert_int_equal(exit_status_of(halt_with_panic), ZMEM_EXIT_FATAL);
	assert_int_equal(exit_status_of(panic_with_returning_handler), ZMEM_EXIT_FATAL);
	assert_false(handler_returns); /* the child's flag stayed in the child */
}

/* SYS_INIT: by level, then priority; a failing entry does not stop boot. */
static char init_log[64];

static void log_init(const char *tag)
{
	strncat(init_log, tag, sizeof(init_log) - strlen(init_log) - 1);
}

static int init_app(void) { log_init("A"); return 0; }
static int init_pk1_late(void) { log_init("c"); return 0; }
static int init_pk1_early(void) { log_init("b"); return -5; }
static int init_post(void) { log_init("P"); return 0; }
static int init_pk1_late_twin(void) { log_init("d"); return 0; }

SYS_INIT(init_app, APPLICATION, 0);
SYS_INIT(init_pk1_late, PRE_KERNEL_1, 50);
SYS_INIT(init_post, POST_KERNEL, 99);
SYS_INIT(init_pk1_early, PRE_KERNEL_1, -3);
SYS_INIT(init_pk1_late_twin, PRE_KERNEL_1, 50);

static void test_sys_init_order(void **state)
{
	init_log[0] = '\0';
	for (int level = 0; level < Z_INIT_LEVEL_COUNT; level++) {
		z_sys_init_run_level((enum z_init_level)level);
	}
	/* c and d share a priority: both run, in an order Zephyr leaves open. */
	if (strcmp(init_log, "bdcPA") != 0) {
		assert_string_equal(init_log, "bcdPA");
	}
}

static int setup(void **state)
{
	port_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_panic_reports_reason),
		cmocka_unit_test(test_oops_reports_reason),
		cmocka_unit_test(test_failed_assert_is_a_panic),
		cmocka_unit_test(test_reason_strings),
		cmocka_unit_test(test_fatal_halt_ends_the_run),
		cmocka_unit_test(test_sys_init_order),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
