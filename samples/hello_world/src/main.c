/*
 * The smallest zmem application: console output, uptime and sleeping, and an
 * init hook that runs before main().
 */
#include <zephyr/kernel.h>

static int boot_hook(void)
{
	printk("boot hook ran before main\n");
	return 0;
}
SYS_INIT(boot_hook, APPLICATION, 0);

int main(void)
{
	int64_t start = k_uptime_get();

	printk("Hello World! %s\n", CONFIG_BOARD);
	k_msleep(50);
	printk("slept for at least %d ms: %s\n", 50, k_uptime_get() - start >= 50 ? "yes" : "no");
	return 0;
}
