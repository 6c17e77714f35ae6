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

static int console_out(int c, void *ctx)
{
	ARG_UNUSED(ctx);
	return arch_printk_char_out(c);
}

void vprintk(const char *fmt, va_list ap)
{
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
