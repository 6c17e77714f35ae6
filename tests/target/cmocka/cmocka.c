/* See cmocka.h: the runner, the checks and the assertion hook. */
#include "cmocka.h"

#include <stdarg.h>
#include <string.h>
#include <zephyr/kernel.h>

jmp_buf *_cmocka_assert_jmp;
const char *_cmocka_assert_expr;
static jmp_buf *test_jmp;

void _cmocka_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printk("%s:%d: error: ", file, line);
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	if (test_jmp == NULL) {
		printk("cmocka: failure outside a test\n");
		k_panic();
	}
	longjmp(*test_jmp, 1);
}

void _cmocka_int_equal(intmax_t a, intmax_t b, const char *file, int line)
{
	if (a != b) {
		_cmocka_fail(file, line, "%lld != %lld", (long long)a, (long long)b);
	}
}

void _cmocka_int_not_equal(intmax_t a, intmax_t b, const char *file, int line)
{
	if (a == b) {
		_cmocka_fail(file, line, "%lld == %lld", (long long)a, (long long)b);
	}
}

void _cmocka_memory_equal(const void *a, const void *b, size_t n, const char *file, int line)
{
	if (memcmp(a, b, n) != 0) {
		_cmocka_fail(file, line, "%u bytes differ", (unsigned int)n);
	}
}

void _cmocka_in_range(intmax_t v, intmax_t lo, intmax_t hi, const char *file, int line)
{
	if (v < lo || v > hi) {
		_cmocka_fail(file, line, "%lld is not in [%lld, %lld]", (long long)v, (long long)lo,
			     (long long)hi);
	}
}

void mock_assert(const int result, const char *const expression, const char *const file,
		 const int line)
{
	if (result) {
		return;
	}
	if (_cmocka_assert_jmp != NULL) {
		_cmocka_assert_expr = expression;
		longjmp(*_cmocka_assert_jmp, 1);
	}
	_cmocka_fail(file, line, "unexpected assertion: %s", expression);
}

int _cmocka_run_group_tests(const char *group, const struct CMUnitTest *tests, size_t count,
			    CMFixtureFunction setup, CMFixtureFunction teardown)
{
	void *group_state = NULL;
	volatile size_t failed = 0;

	printk("[==========] %s: Running %u test(s).\n", group, (unsigned int)count);
	if (setup != NULL && setup(&group_state) != 0) {
		printk("[  ERROR   ] %s: group setup failed\n", group);
		return (int)count;
	}
	for (size_t i = 0; i < count; i++) {
		const struct CMUnitTest *t = &tests[i];
		void *state = t->initial_state != NULL ? t->initial_state : group_state;
		jmp_buf env;
		volatile bool ok = false;

		printk("[ RUN      ] %s\n", t->name);
		test_jmp = &env;
		_cmocka_assert_jmp = NULL;
		if (setjmp(env) == 0) {
			if (t->setup_func == NULL || t->setup_func(&state) == 0) {
				t->test_func(&state);
				ok = true;
			}
			if (t->teardown_func != NULL && t->teardown_func(&state) != 0) {
				ok = false;
			}
		}
		test_jmp = NULL;
		printk("%s %s\n", ok ? "[       OK ]" : "[  FAILED  ]", t->name);
		failed += !ok;
	}
	if (teardown != NULL) {
		(void)teardown(&group_state);
	}
	printk("[==========] %s: %u test(s) run.\n", group, (unsigned int)count);
	printk("[  PASSED  ] %u test(s).\n", (unsigned int)(count - failed));
	if (failed != 0) {
		printk("[  FAILED  ] %u test(s).\n", (unsigned int)failed);
	}
	return (int)failed;
}
