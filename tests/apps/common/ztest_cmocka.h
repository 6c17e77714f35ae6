/*
 * Support for kernel test apps: cmocka plus assertion capture.
 * Including this in one source of an app makes a failed __ASSERT (in the
 * test or in zmem) reach cmocka's mock_assert(), so expect_assert_failure()
 * can check that zmem asserts, and an unexpected assertion fails the test.
 */
#ifndef ZMEM_TESTS_APPS_ZTEST_CMOCKA_H_
#define ZMEM_TESTS_APPS_ZTEST_CMOCKA_H_

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <zephyr/kernel.h>

/*
 * A call zmem must refuse: with CONFIG_ASSERT it must assert (and the test goes on
 * after it); without, it must return quietly, and the test then checks that the
 * refusal was counted and nothing changed.
 */
#ifdef CONFIG_ASSERT
#define expect_refusal(call) expect_assert_failure(call)
#else
#define expect_refusal(call) ((void)(call))
#endif

/* Silence the messages of assertions a test provokes on purpose. */
void ztest_assert_quiet(bool on);

/* Run `fn` in a thread of priority `prio` (lower = more urgent) after `delay_ms`. */
k_tid_t ztest_spawn(void (*fn)(void *, void *, void *), void *arg, int prio, int delay_ms);

/* Wait for every thread ztest_spawn() started. */
void ztest_join_all(void);

#endif
