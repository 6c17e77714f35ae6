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

/*
 * Send printk output to buf (size bytes, kept NUL-terminated, the excess dropped) until
 * called again with size 0.
 */
void zmem_test_printk_capture(char *buf, size_t size);

#endif /* ZMEM_TESTS_SUPPORT_ZMEM_TEST_H_ */
