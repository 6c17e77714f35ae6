/*
 * Assertion hooks for host unit tests.
 *
 * assert_print() writes to stderr; assert_post_action() hands the failure to
 * cmocka's mock_assert(), which longjmps back into expect_assert_failure()
 * when a test expects it, and fails the test otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <zephyr/sys/__assert.h>

static int quiet;

/* Tests that provoke many expected assertions can silence their messages. */
void zmem_test_assert_quiet(int on)
{
	quiet = on;
}

void assert_print(const char *fmt, ...)
{
	va_list ap;

	if (quiet) {
		return;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void assert_post_action(const char *file, unsigned int line)
{
	mock_assert(0, "__ASSERT", file, (int)line);
}
