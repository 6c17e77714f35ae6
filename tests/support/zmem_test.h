/* Shared helpers for host unit tests. */
#ifndef ZMEM_TESTS_SUPPORT_ZMEM_TEST_H_
#define ZMEM_TESTS_SUPPORT_ZMEM_TEST_H_

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Silence assertion messages for tests that provoke them on purpose. */
void zmem_test_assert_quiet(int on);

#endif /* ZMEM_TESTS_SUPPORT_ZMEM_TEST_H_ */
