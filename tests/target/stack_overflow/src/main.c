/*
 * Stack overflow detection on Cortex-M: a thread with a 512-byte stack
 * recurses 1.5 KiB deep and sleeps there. The port checks the saved stack
 * pointer (and the guard word at the stack's bottom) when it switches the
 * thread out, reports "Stack overflow" and the run ends with status 3.
 * The stack sits in the middle of a larger buffer, so the overflow only
 * tramples memory of this test. Cortex-M boards only.
 */
#include <zephyr/kernel.h>

K_THREAD_STACK_DEFINE(area, 4096);
#define STACK_SIZE 512
static struct k_thread deep_thread;

static __noinline int recurse(int depth)
{
	volatile char frame[64];

	frame[0] = (char)depth;
	if (depth == 0) {
		k_sleep(K_MSEC(1)); /* switched out with the stack pointer below the stack */
		return frame[0];
	}
	return recurse(depth - 1) + frame[0];
}

static void deep(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("recursion returned %d: not detected\n", recurse(20));
}

int main(void)
{
	k_tid_t t;

	printk("stack overflow test on %s\n", CONFIG_BOARD);
	t = k_thread_create(&deep_thread, (k_thread_stack_t *)(area + 2048), STACK_SIZE, deep,
			    NULL, NULL, NULL, K_PRIO_PREEMPT(1), 0, K_FOREVER);
	k_thread_name_set(t, "deep");
	k_thread_start(t);
	k_thread_join(t, K_FOREVER);
	return 0;
}
