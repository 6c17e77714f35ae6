/*
 * Threads on Cortex-M: PendSV context switch, thread stacks, idle.
 *
 * Threads run in privileged thread mode on their own stack (PSP); handlers
 * run on the interrupt stack (MSP). A switched-out thread's stack holds, from
 * its saved stack pointer (thread->arch.ctx) upwards: r4-r11 (saved by
 * PendSV), then the frame the hardware pushed on exception entry (r0-r3, r12,
 * lr, pc, xPSR).
 *
 * The kernel decides (it sets _current, then calls arch_switch()); PendSV
 * does. PendSV saves the thread that is physically running (cm_running) and
 * loads the latest target (cm_switch_to). If an interrupt switches again
 * before PendSV ran, only the last target counts: the kernel then considers
 * the earlier target switched out, and its saved context is still the one it
 * left with. PendSV has the lowest priority, so it only ever interrupts thread
 * mode, and a thread always resumes from it with BASEPRI 0 (it could not have
 * been taken otherwise); arch_switch() restores its caller's mask itself.
 */
#include <errno.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

static struct k_thread *cm_running;
static struct k_thread *volatile cm_switch_to;
static struct k_thread *main_thread;
static struct k_thread *idle_thread;

extern char z_arm_main_stack[];

/* The kernel's idle thread comes without a stack (other ports need none). */
#define IDLE_STACK_SIZE 512U
#ifdef CONFIG_MPU_STACK_GUARD
#define IDLE_STACK_LEN (CM_GUARD_SIZE + IDLE_STACK_SIZE) /* guard first, aligned to 32 */
#define IDLE_STACK_ALIGN CM_GUARD_SIZE
#else
#define IDLE_STACK_LEN IDLE_STACK_SIZE
#define IDLE_STACK_ALIGN 8
#endif
static char idle_stack[IDLE_STACK_LEN] __aligned(IDLE_STACK_ALIGN)
	__attribute__((section(".noinit")));


/*
 * Stack overflow detection, checked every time a thread is switched out: the
 * saved stack pointer must lie above the stack's lowest word, and that word
 * must still hold STACK_GUARD (written at creation). It catches an overflow
 * in progress, and a finished one that overwrote the guard; a frame that
 * jumped over the guard without writing it goes unnoticed.
 * Under CONFIG_MPU_STACK_GUARD the MPU guard below the stack catches an
 * overflow at its first access; the word stays as a second check.
 */
#define STACK_GUARD 0xF00DCAFEU

static uint32_t *stack_bottom(const struct k_thread *t)
{
	if (IS_ENABLED(CONFIG_MPU_STACK_GUARD)) {
		return (uint32_t *)t->stack_info.start; /* set for main and idle too */
	}
	if (t == main_thread) {
		return (uint32_t *)(void *)z_arm_main_stack;
	}
	if (t == idle_thread) {
		return (uint32_t *)(void *)idle_stack;
	}
	return (uint32_t *)t->stack_info.start;
}

static void guard_set(struct k_thread *t)
{
	uint32_t *bottom = stack_bottom(t);

	if (bottom != NULL) {
		*bottom = STACK_GUARD;
	}
}

static bool guard_word_ok(const struct k_thread *t, uintptr_t sp)
{
	const uint32_t *bottom = stack_bottom(t);

	return bottom == NULL || (sp > (uintptr_t)(bottom + 1) && *bottom == STACK_GUARD);
}

/* A user thread has a privileged stack too, and the MPU guards its user stack. */
static bool guard_ok(const struct k_thread *t, uintptr_t sp)
{
	if (IS_ENABLED(CONFIG_USERSPACE) && cm_is_user_thread(t)) {
		return z_arm_user_stack_ok(t, sp);
	}
	return guard_word_ok(t, sp);
}

struct sw_frame {
	uint32_t r4_r11[8];
};

#define hw_frame cm_hw_frame

/* A thread's entry returned through lr: impossible, z_thread_entry never returns. */
static void thread_returned(void)
{
	z_fatal_error(K_ERR_KERNEL_PANIC, NULL);
}

int arch_new_thread(struct k_thread *thread, void *stack, size_t stack_size)
{
	uintptr_t top;
	struct hw_frame *hw;
	struct sw_frame *sw;

	if (stack == NULL) {
		stack = idle_stack;
		stack_size = sizeof(idle_stack);
		idle_thread = thread;
	}
	if (IS_ENABLED(CONFIG_MPU_STACK_GUARD)) {
		z_arm_guard_stack_set(thread, (uintptr_t)stack, stack_size);
		stack = (void *)thread->stack_info.start;
		stack_size = thread->stack_info.size;
	}
	if (stack_size < sizeof(*hw) + sizeof(*sw) + 64U) {
		return -ENOMEM;
	}
	top = ((uintptr_t)stack + stack_size) & ~(uintptr_t)7U;
	hw = (struct hw_frame *)top - 1;
	sw = (struct sw_frame *)hw - 1;
	*hw = (struct hw_frame){
		.r0 = (uint32_t)(uintptr_t)thread,
		.lr = (uint32_t)(uintptr_t)thread_returned,
		.pc = (uint32_t)(uintptr_t)z_thread_entry & ~1U,
		.xpsr = XPSR_THUMB,
	};
	*sw = (struct sw_frame){ 0 };
	thread->arch.ctx = sw;
	if (IS_ENABLED(CONFIG_USERSPACE)) {
		z_arm_user_thread_init(thread); /* supervisor until it enters user mode */
	}
	guard_set(thread);
	return 0;
}

int arch_thread_init_main(struct k_thread *thread)
{
	cm_running = thread;
	cm_switch_to = thread;
	main_thread = thread;
	if (IS_ENABLED(CONFIG_MPU_STACK_GUARD)) {
		/* The kernel knows no stack for main; its guard comes first (reset.c). */
		z_arm_guard_stack_set(thread, (uintptr_t)z_arm_main_stack,
				      CM_MAIN_STACK_LEN - CM_GUARD_SIZE);
	}
	guard_set(thread);
	if (IS_ENABLED(CONFIG_USERSPACE)) {
		/* The kernel knows no stack for main; user mode needs its bounds. */
		if (!IS_ENABLED(CONFIG_MPU_STACK_GUARD)) {
			thread->stack_info.start = (uintptr_t)z_arm_main_stack;
			thread->stack_info.size = CONFIG_MAIN_STACK_SIZE;
		}
		z_arm_user_thread_init(thread);
		z_arm_mpu_init();
	}
	if (IS_ENABLED(CONFIG_MPU_STACK_GUARD)) {
		z_arm_mpu_guard_init(thread);
	}
	return 0;
}

struct k_thread *z_arm_running_thread(void)
{
	return cm_running;
}

static inline void pend_switch(struct k_thread *next)
{
	cm_switch_to = next;
	SCB_ICSR = SCB_ICSR_PENDSVSET;
}

void arch_switch(struct k_thread *old, struct k_thread *next)
{
	uint32_t key;

	ARG_UNUSED(old);
	pend_switch(next);
	if (arch_is_in_isr()) {
		return; /* PendSV switches when the handler returns to thread mode */
	}
	/* Let PendSV in: it switches away here, and we continue here when switched back. */
	__asm__ volatile("mrs %0, basepri\n\t"
			 "msr basepri, %1\n\t"
			 "isb\n\t"
			 "msr basepri, %0\n\t"
			 "isb"
			 : "=&r"(key)
			 : "r"(0U)
			 : "memory");
}

FUNC_NORETURN void arch_switch_exit(struct k_thread *old, struct k_thread *next)
{
	ARG_UNUSED(old);
	if (IS_ENABLED(CONFIG_USERSPACE)) {
		z_arm_user_release(old);
	}
	if (arch_is_in_isr()) {
		/* Only a fault handler that returned aborts the interrupted thread from here. */
		if ((IS_ENABLED(CONFIG_USERSPACE) || IS_ENABLED(CONFIG_MPU_STACK_GUARD)) &&
		    z_arm_fault_unwind_ok()) {
			z_sched_exit_release();
			cm_running = NULL;
			pend_switch(next);
			z_arm_fault_unwind();
		}
		printk("zmem: cannot abort the interrupted thread from an ISR; halting\n");
		port_halt(ZMEM_EXIT_FATAL);
	}
	z_sched_exit_release();
	cm_running = NULL; /* nothing to save: the thread is dead */
	pend_switch(next);
	__asm__ volatile("msr basepri, %0\n\t"
			 "isb"
			 :
			 : "r"(0U)
			 : "memory");
	for (;;) {
		/* PendSV never returns here */
	}
}

void arch_thread_reap(struct k_thread *thread)
{
	thread->arch.ctx = NULL; /* a stack is the caller's memory: nothing to free */
	if (IS_ENABLED(CONFIG_USERSPACE)) {
		z_arm_user_release(thread);
	}
}

/* CONFIG_SMP only, which this port does not support. */
void arch_thread_park(struct k_thread *thread)
{
	ARG_UNUSED(thread);
}

void arch_thread_unpark(struct k_thread *thread)
{
	ARG_UNUSED(thread);
}

void arch_cpu_idle(void)
{
	__asm__ volatile("dsb\n\twfi" ::: "memory");
}

/* Called by PendSV with the outgoing stack pointer; returns the incoming one. */
uintptr_t z_arm_pendsv_select(uintptr_t sp)
{
	if (cm_running != NULL) {
		cm_running->arch.ctx = (void *)sp;
		if (unlikely(!guard_ok(cm_running, sp))) {
			printk("***** Stack overflow *****\n  thread %p (%s): sp 0x%08x, stack "
			       "bottom %p\n", (void *)cm_running, cm_running->name,
			       (unsigned int)sp, (void *)stack_bottom(cm_running));
			z_fatal_error(K_ERR_STACK_CHK_FAIL, NULL);
		}
	}
	cm_running = cm_switch_to;
	if (IS_ENABLED(CONFIG_MPU_STACK_GUARD)) {
		cm_guard_load(cm_running);
	}
	if (IS_ENABLED(CONFIG_USERSPACE)) {
		z_arm_user_switch_in(cm_running); /* its dsb orders the guard too */
	} else if (IS_ENABLED(CONFIG_MPU_STACK_GUARD)) {
		__asm__ volatile("dsb" ::: "memory");
	}
	return (uintptr_t)cm_running->arch.ctx;
}

__attribute__((naked)) void z_arm_pendsv_isr(void)
{
	__asm__ volatile("mov r0, %0\n\t"
			 "msr basepri, r0\n\t"
			 "isb\n\t"
			 "mrs r0, psp\n\t"
			 "stmdb r0!, {r4-r11}\n\t"
			 "push {r3, lr}\n\t"
			 "bl z_arm_pendsv_select\n\t"
			 "pop {r3, lr}\n\t"
			 "ldmia r0!, {r4-r11}\n\t"
			 "msr psp, r0\n\t"
			 "movs r0, #0\n\t"
			 "msr basepri, r0\n\t"
			 "isb\n\t"
			 "bx lr"
			 :
			 : "i"(CM_LOCK_LEVEL));
}
