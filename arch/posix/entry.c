/*
 * native_sim entry. The image is linked with --wrap=main, so the C runtime
 * calls __wrap_main() and the application's own main() becomes
 * __real_main(). The app stays unchanged (`int main(void)`), and the kernel
 * gets to boot before it and to exit with its return value after it.
 */
#include <zephyr/toolchain.h>

FUNC_NORETURN void z_cstart(int (*app_main)(void));
int __real_main(void);
int __wrap_main(int argc, char **argv);

int __wrap_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	z_cstart(__real_main);
}
