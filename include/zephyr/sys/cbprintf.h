/*
 * cbprintf: printf-style formatting into a per-character callback
 * (Zephyr's <zephyr/sys/cbprintf.h>, the formatter under printk and snprintk).
 *
 * The formatter is freestanding: it uses no C library, no heap and no locks,
 * and keeps its state on the caller's stack (about 150 bytes on Cortex-M3), so it may run
 * in any context where the callback itself may run, ISRs included.
 *
 * Supported: the conversions d i u o x X c s p %, the flags - + space # 0,
 * field width and precision (digits or '*'), and the length modifiers
 * hh h l ll z j t. %p prints "0x" and lowercase hex digits, or "(nil)" for a
 * NULL pointer (Zephyr's choice, also glibc's). A NULL %s prints "(null)".
 * %n stores nothing and prints nothing. Floating-point conversions
 * (f F e E g G a A) consume their double argument and print the conversion
 * specification itself (e.g. "%.2f"); any other unknown conversion is printed
 * as written and consumes no argument. See docs/printk.md.
 */
#ifndef ZEPHYR_INCLUDE_SYS_CBPRINTF_H_
#define ZEPHYR_INCLUDE_SYS_CBPRINTF_H_

#include <stdarg.h>
#include <stddef.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Output one character.
 *
 * @param c   the character, as an unsigned char value converted to int
 * @param ctx the context pointer given to cbprintf()/cbvprintf()
 * @return a non-negative value on success; a negative value (an errno code,
 *         by convention) stops the formatting and becomes its result
 */
typedef int (*cbprintf_cb)(int c, void *ctx);

/**
 * Format a string and send it, one character at a time, to @p out.
 *
 * Time is linear in the length of the output; a 64-bit decimal conversion
 * costs about 20 shift-and-add divisions by ten and no library division call.
 * Stack use is bounded (no recursion, no variable-length arrays).
 * Thread and ISR safety are those of @p out: the formatter has no shared state.
 *
 * @param out    character sink, called once per output character
 * @param ctx    passed unchanged to @p out
 * @param format printf-style format (see the file comment for what is supported)
 * @param ap     the arguments the format consumes
 * @return the number of characters emitted, or the first negative value
 *         returned by @p out (no further characters are emitted after it), or
 *         -EOVERFLOW when the output would exceed INT_MAX characters (the
 *         field that would pass the limit is not emitted at all)
 */
int cbvprintf(cbprintf_cb out, void *ctx, const char *format, va_list ap);

/** cbvprintf() with the arguments given directly. Same return values. */
int cbprintf(cbprintf_cb out, void *ctx, const char *format, ...) __printf_like(3, 4);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_CBPRINTF_H_ */
