/*
 * Zephyr's assertion macros.
 *
 * With CONFIG_ASSERT=y a failed __ASSERT prints the expression, file, line and
 * message through assert_print(), then calls assert_post_action(). The kernel
 * supplies weak defaults for both (print, then a fatal error with reason
 * K_ERR_KERNEL_PANIC); tests and applications may override either.
 * With CONFIG_ASSERT unset every macro compiles to nothing and evaluates
 * nothing, exactly as in Zephyr, so never put side effects in an assertion.
 *
 * Freestanding: the allocator cores use these macros; the two hooks are plain
 * external functions that whoever links the core provides.
 */
#ifndef ZEPHYR_INCLUDE_SYS___ASSERT_H_
#define ZEPHYR_INCLUDE_SYS___ASSERT_H_

#include <stdbool.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

void assert_print(const char *fmt, ...) __printf_like(1, 2);
void assert_post_action(const char *file, unsigned int line);

#ifdef __cplusplus
}
#endif

#if defined(CONFIG_ASSERT) && (CONFIG_ASSERT + 0) != 0
#define __ASSERT_ON 1
#else
#define __ASSERT_ON 0
#endif

#if __ASSERT_ON

#define __ASSERT_LOC(test) \
	assert_print("ASSERTION FAIL [%s] @ %s:%d\n", #test, __FILE__, __LINE__)

#define __ASSERT_MSG_INFO(fmt, ...) assert_print("\t" fmt "\n", ##__VA_ARGS__)

#define __ASSERT_NO_MSG(test)                                   \
	do {                                                    \
		if (!(test)) {                                  \
			__ASSERT_LOC(test);                     \
			assert_post_action(__FILE__, __LINE__); \
		}                                               \
	} while (false)

#define __ASSERT(test, fmt, ...)                                \
	do {                                                    \
		if (!(test)) {                                  \
			__ASSERT_LOC(test);                     \
			__ASSERT_MSG_INFO(fmt, ##__VA_ARGS__);  \
			assert_post_action(__FILE__, __LINE__); \
		}                                               \
	} while (false)

#define __ASSERT_EVAL(expr1, expr2, test, fmt, ...) \
	do {                                        \
		expr2;                              \
		__ASSERT(test, fmt, ##__VA_ARGS__); \
	} while (false)

#else /* !__ASSERT_ON */

#define __ASSERT_NO_MSG(test) do { } while (false)
#define __ASSERT(test, fmt, ...) do { } while (false)
#define __ASSERT_EVAL(expr1, expr2, test, fmt, ...) expr1

#endif /* __ASSERT_ON */

#endif /* ZEPHYR_INCLUDE_SYS___ASSERT_H_ */
