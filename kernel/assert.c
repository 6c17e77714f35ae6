/*
 * Default assertion hooks (weak: tests override them to expect an assertion).
 * __ASSERT prints through assert_print(), then assert_post_action() turns the
 * failure into a kernel panic that names the file and line.
 */
#include <zephyr/kernel.h>

__weak void assert_print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

__weak void assert_post_action(const char *file, unsigned int line)
{
	z_fatal_error_at(K_ERR_KERNEL_PANIC, file, line);
}
