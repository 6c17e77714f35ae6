/*
 * MPU stack guards on Cortex-M (CONFIG_MPU_STACK_GUARD): overflows are
 * caught at the faulting access, reported as stack overflows naming the
 * thread, the thread is aborted (this fatal-error handler returns) and
 * main goes on. Cases:
 *   - "deep": a supervisor thread recurses past its 512-byte stack; every
 *     level writes its whole frame, top down, so the first write below the
 *     stack lands in the guard. The 1 KiB below the stack object is
 *     checked untouched afterwards.
 *   - "stacking": a supervisor thread puts its stack pointer 16 bytes above
 *     its guard and waits for the tick: the exception entry cannot push its
 *     32-byte frame (MemManage with MSTKERR, no valid address).
 *   - under USERSPACE (tests/target/stack_guard_user), "user": a user
 *     thread recurses the same way in user mode.
 * Cortex-M boards only.
 */
#include <string.h>
#include <zephyr/kernel.h>

#define STACK_SIZE 512
#define BELOW 1024
#define FILL 0xA5

/* The stack object sits at `area + BELOW`, so the overflow could only trample this test's bytes. */
K_THREAD_STACK_DEFINE(area, BELOW + STACK_SIZE + 64);
static struct k_thread thread;
static volatile int faults;
static volatile int deepest;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	faults++;
	printk("fatal error %u handled: the thread is aborted\n", reason);
}

static __noinline int recurse(int depth)
{
	volatile char frame[24];

	for (int i = (int)sizeof(frame) - 1; i >= 0; i--) {
		frame[i] = (char)depth;
	}
	deepest = depth;
	return recurse(depth + 1) + frame[0];
}

static void deep(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("recursion returned %d: not detected\n", recurse(0));
}

static void stacking(void *p1, void *p2, void *p3)
{
	uintptr_t sp = k_current_get()->stack_info.start + 16U;

	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	/* The next interrupt's frame (32 bytes) must go into the guard. */
	__asm__ volatile("mov sp, %0\n\t"
			 "1: b 1b" : : "r"(sp) : "memory");
}

static void run(k_thread_entry_t entry, k_thread_stack_t *stack, size_t size, const char *name,
		uint32_t options)
{
	k_tid_t t = k_thread_create(&thread, stack, size, entry, NULL, NULL, NULL,
				    K_PRIO_PREEMPT(1), options, K_FOREVER);

	k_thread_name_set(t, name);
	k_thread_start(t);
	k_thread_join(t, K_FOREVER);
}

static bool below_intact(void)
{
	for (size_t i = 0; i < BELOW; i++) {
		if (((const unsigned char *)area)[i] != FILL) {
			printk("byte %u below the stack changed\n", (unsigned int)i);
			return false;
		}
	}
	return true;
}

#ifdef CONFIG_USERSPACE
K_THREAD_STACK_DEFINE(user_stack, STACK_SIZE);

/* User mode reaches no global of this test: the same recursion, on its stack only. */
static __noinline int recurse_user(int depth)
{
	volatile char frame[24];

	for (int i = (int)sizeof(frame) - 1; i >= 0; i--) {
		frame[i] = (char)depth;
	}
	return recurse_user(depth + 1) + frame[0];
}

static void deep_user(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("recursion returned %d: not detected\n", recurse_user(0));
}
#endif

int main(void)
{
	k_thread_stack_t *stack = area + BELOW;

	printk("stack guard test on %s, %u bytes reserved per stack\n", CONFIG_BOARD,
	       (unsigned int)K_THREAD_STACK_RESERVED);
	memset(area, FILL, sizeof(area));
	run(deep, stack, STACK_SIZE, "deep", 0);
	printk("deep: %d fatal error(s), %d levels, below the stack intact: %s\n", faults,
	       deepest, below_intact() ? "yes" : "no");
	run(stacking, stack, STACK_SIZE, "stacking", 0);
	printk("stacking: %d fatal error(s), below the stack intact: %s\n", faults,
	       below_intact() ? "yes" : "no");
#ifdef CONFIG_USERSPACE
	run(deep_user, user_stack, K_THREAD_STACK_SIZEOF(user_stack), "user", K_USER);
	printk("user: %d fatal error(s)\n", faults);
#endif
	printk("main goes on after %d stack overflows\n", faults);
	return 0;
}
