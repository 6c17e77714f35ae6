/*
 * printk for host unit tests of the freestanding cores: the C library does the
 * formatting here, so a core's test does not depend on zmem's own formatter
 * (which has its own tests in tests/lib/cbprintf).
 */
#include <stdarg.h>
#include <stdio.h>

#include <zephyr/sys/printk.h>

#include "zmem_test.h"

/* While set, printk appends here (always NUL-terminated) instead of writing to stdout. */
static char *capture_buf;
static size_t capture_size;
static size_t capture_len;

void zmem_test_printk_capture(char *buf, size_t size)
{
	capture_buf = (size != 0U) ? buf : NULL;
	capture_size = size;
	capture_len = 0U;
	if (capture_buf != NULL) {
		capture_buf[0] = '\0';
	}
}

void vprintk(const char *fmt, va_list ap)
{
	if (capture_buf != NULL) {
		int n = vsnprintf(capture_buf + capture_len, capture_size - capture_len, fmt, ap);

		if (n > 0) {
			capture_len += (size_t)n;
			if (capture_len >= capture_size) {
				capture_len = capture_size - 1U;
			}
		}
		return;
	}
	vprintf(fmt, ap);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

int vsnprintk(char *str, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(str, size, fmt, ap);
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
