/*
 * printk for host unit tests of the freestanding cores: the C library does the
 * formatting here, so a core's test does not depend on zmem's own formatter
 * (which has its own tests in tests/lib/cbprintf).
 */
#include <stdarg.h>
#include <stdio.h>

#include <zephyr/sys/printk.h>

void vprintk(const char *fmt, va_list ap)
{
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
