/*
 * printk: formatted console output (Zephyr's <zephyr/sys/printk.h>).
 *
 * Supports the C conversions d i u o x X c s p % with flags, width, precision
 * and the length modifiers hh h l ll z j t. Output goes character by character
 * to the port's console (stdout on native_sim, the UART on MCU boards).
 * Safe from any thread; not atomic per call between threads.
 *
 * The formatter is zmem's own cbvprintf() (<zephyr/sys/cbprintf.h>): %p of NULL
 * prints "(nil)", %s of NULL "(null)", %n nothing, and floating-point
 * conversions print themselves ("%.2f") instead of a number. snprintk and
 * vsnprintk follow C's snprintf contract (return the untruncated length,
 * always terminate when size > 0). See docs/printk.md.
 */
#ifndef ZEPHYR_INCLUDE_SYS_PRINTK_H_
#define ZEPHYR_INCLUDE_SYS_PRINTK_H_

#include <stdarg.h>
#include <stddef.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

void printk(const char *fmt, ...) __printf_like(1, 2);
void vprintk(const char *fmt, va_list ap);
int snprintk(char *str, size_t size, const char *fmt, ...) __printf_like(3, 4);
int vsnprintk(char *str, size_t size, const char *fmt, va_list ap);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_PRINTK_H_ */
