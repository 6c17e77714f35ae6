/*
 * test_userspace_host_faults: faults/src/main.c (its main() renamed
 * userspace_host_main) run by the kernel as its main thread, as an
 * application image would.
 */
#include <zephyr/toolchain.h>

FUNC_NORETURN void z_cstart(int (*app_main)(void));
int userspace_host_main(void);

int main(void)
{
	z_cstart(userspace_host_main);
}
