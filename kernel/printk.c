/*
 * printk and snprintk on top of cbvprintf() (lib/os/cbprintf.c).
 *
 * printk sends each character straight to the port's arch_printk_char_out(),
 * with no buffer and no lock: output from two threads may interleave by
 * character, as in Zephyr without CONFIG_LOG. snprintk writes into the
 * caller's buffer with C's snprintf contract.
 */
#include <stdarg.h>
#include <stddef.h>

#include <zephyr/sys/cbprintf.h>
#include <zephyr/sys/printk.h>
#include <zephyr/toolchain.h>
#include <zephyr/zmem/console.h>

#ifdef CONFIG_USERSPACE
/* Only then: the cores' tests build this file without a kernel configuration. */
#include "include/kuser.h"
#endif

static int console_out(int c, void *ctx)
{
	ARG_UNUSED(ctx);
	return arch_printk_char_out(c);
}

#ifdef CONFIG_USERSPACE
/*
 * printk from user mode: the thread formats into a buffer on its own stack
 * (it may not touch the console) and hands each full buffer, then the rest,
 * to the kernel in one call that checks the buffer is the caller's.
 */
#define USER_PRINTK_CHUNK 128

struct user_sink {
	size_t len;
	char buf[USER_PRINTK_CHUNK];
};

static void user_flush(struct user_sink *s)
{
	if (s->len > 0U) {
		(void)z_syscall2(K_SYSCALL_Z_USER_STRING_OUT, (uintptr_t)s->buf, s->len);
		s->len = 0U;
	}
}

static int user_out(int c, void *ctx)
{
	struct user_sink *s = ctx;

	s->buf[s->len++] = (char)c;
	if (s->len == sizeof(s->buf)) {
		user_flush(s);
	}
	return c;
}

static __noinline void user_vprintk(const char *fmt, va_list ap)
{
	struct user_sink sink = { .len = 0 };

	(void)cbvprintf(user_out, &sink, fmt, ap);
	user_flush(&sink);
}
#endif /* CONFIG_USERSPACE */

void vprintk(const char *fmt, va_list ap)
{
#ifdef CONFIG_USERSPACE
	if (Z_USER_TRAP()) {
		user_vprintk(fmt, ap);
		return;
	}
#endif
	(void)cbvprintf(console_out, NULL, fmt, ap);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

/* Invariant: stored < size whenever size > 0, leaving room for the terminator. */
struct str_sink {
	char *buf;
	size_t size;
	size_t stored;
};

static int str_out(int c, void *ctx)
{
	struct str_sink *s = ctx;

	if (s->stored + 1U < s->size) {
		s->buf[s->stored++] = (char)c;
	}
	return 0; /* keep counting past the end: the result is the untruncated length */
}

/*
 * Returns the length the whole output would have (without the terminator),
 * as snprintf does, so that a result >= size means truncation. With size 0
 * nothing is written and str may be NULL. Otherwise the output, cut to
 * size - 1 characters, is always terminated. Linear in the output length;
 * safe from any thread or ISR.
 */
int vsnprintk(char *str, size_t size, const char *fmt, va_list ap)
{
	struct str_sink sink = { .buf = str, .size = size, .stored = 0 };
	int n = cbvprintf(str_out, &sink, fmt, ap);

	if (size > 0U) {
		str[sink.stored] = '\0';
	}
	return n;
}

int snprintk(char *str, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintk(str, size, fmt, ap);
	va_end(ap);
	return n;
}
