/*
 * A small cmocka-compatible test runner for the Cortex-M targets, where
 * Debian's libcmocka has no build. It covers what zmem's kernel test apps
 * use: unit tests run in groups, the assert_* checks, fail(), and
 * expect_assert_failure() with mock_assert(). The console output follows
 * cmocka's ("[ RUN      ]", "[       OK ]", "[  PASSED  ] N test(s).") so the
 * apps' expected outputs hold on every board.
 *
 * Selected by building with -DZMEM_ARM_CMOCKA=ON (arch/arm/CMakeLists.txt),
 * which points CMOCKA_LIBRARY at this runner.
 */
#ifndef ZMEM_TESTS_TARGET_CMOCKA_H_
#define ZMEM_TESTS_TARGET_CMOCKA_H_

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);

struct CMUnitTest {
	const char *name;
	CMUnitTestFunction test_func;
	CMFixtureFunction setup_func;
	CMFixtureFunction teardown_func;
	void *initial_state;
};

#define cmocka_unit_test(f) { #f, f, NULL, NULL, NULL }
#define cmocka_unit_test_setup_teardown(f, s, t) { #f, f, s, t, NULL }
#define cmocka_run_group_tests(tests, setup, teardown)                                    \
	_cmocka_run_group_tests(#tests, tests, sizeof(tests) / sizeof((tests)[0]), setup, \
				teardown)
#define cmocka_run_group_tests_name(name, tests, setup, teardown)                        \
	_cmocka_run_group_tests(name, tests, sizeof(tests) / sizeof((tests)[0]), setup,  \
				teardown)

int _cmocka_run_group_tests(const char *group, const struct CMUnitTest *tests, size_t count,
			    CMFixtureFunction setup, CMFixtureFunction teardown);

/* Fails the running test (does not return). */
void _cmocka_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define assert_true(c)                                                           \
	((c) ? (void)0 : _cmocka_fail(__FILE__, __LINE__, "%s is not true", #c))
#define assert_false(c)                                                          \
	(!(c) ? (void)0 : _cmocka_fail(__FILE__, __LINE__, "%s is not false", #c))
#define assert_non_null(p)                                                       \
	((p) != NULL ? (void)0 : _cmocka_fail(__FILE__, __LINE__, "%s is NULL", #p))
#define assert_null(p)                                                           \
	((p) == NULL ? (void)0 : _cmocka_fail(__FILE__, __LINE__, "%s is not NULL", #p))
#define assert_int_equal(a, b) _cmocka_int_equal((intmax_t)(a), (intmax_t)(b), __FILE__, __LINE__)
#define assert_int_not_equal(a, b)                                               \
	_cmocka_int_not_equal((intmax_t)(a), (intmax_t)(b), __FILE__, __LINE__)
#define assert_ptr_equal(a, b)                                                   \
	((const void *)(a) == (const void *)(b)                                  \
		 ? (void)0                                                       \
		 : _cmocka_fail(__FILE__, __LINE__, "%p != %p", (const void *)(a), \
				(const void *)(b)))
#define assert_ptr_not_equal(a, b)                                               \
	((const void *)(a) != (const void *)(b)                                  \
		 ? (void)0                                                       \
		 : _cmocka_fail(__FILE__, __LINE__, "%p == %p", (const void *)(a), \
				(const void *)(b)))
#define assert_memory_equal(a, b, n) _cmocka_memory_equal(a, b, n, __FILE__, __LINE__)
#define assert_in_range(v, lo, hi)                                               \
	_cmocka_in_range((intmax_t)(v), (intmax_t)(lo), (intmax_t)(hi), __FILE__, __LINE__)
#define fail() _cmocka_fail(__FILE__, __LINE__, "fail()")
#define fail_msg(...) _cmocka_fail(__FILE__, __LINE__, __VA_ARGS__)
#define print_message(...) printk(__VA_ARGS__)

void _cmocka_int_equal(intmax_t a, intmax_t b, const char *file, int line);
void _cmocka_int_not_equal(intmax_t a, intmax_t b, const char *file, int line);
void _cmocka_memory_equal(const void *a, const void *b, size_t n, const char *file, int line);
void _cmocka_in_range(intmax_t v, intmax_t lo, intmax_t hi, const char *file, int line);

/*
 * expect_assert_failure(call): `call` must reach mock_assert() with a false
 * result, which jumps back here; the test fails if the call returns.
 */
extern jmp_buf *_cmocka_assert_jmp;
extern const char *_cmocka_assert_expr;

#define expect_assert_failure(call)                                                   \
	do {                                                                          \
		jmp_buf _env;                                                         \
		jmp_buf *_saved = _cmocka_assert_jmp;                                 \
		if (setjmp(_env) == 0) {                                              \
			_cmocka_assert_jmp = &_env;                                   \
			call;                                                         \
			_cmocka_assert_jmp = _saved;                                  \
			_cmocka_fail(__FILE__, __LINE__, "%s did not assert", #call); \
		}                                                                     \
		_cmocka_assert_jmp = _saved;                                          \
	} while (0)

void mock_assert(const int result, const char *const expression, const char *const file,
		 const int line);

void printk(const char *fmt, ...);

#endif /* ZMEM_TESTS_TARGET_CMOCKA_H_ */
