/*
 * Template port: every function of include/zephyr/zmem/port.h, with what it
 * must do and how a typical single-core MCU port does it. It compiles (the
 * test build checks that) but does nothing useful: each body is a
 * placeholder marked TEMPLATE:.
 *
 * The kernel does all scheduling, blocking, wait queues and timeouts; a port
 * only supplies:
 *   1. time: a monotonic clock and a periodic tick interrupt;
 *   2. interrupt masking and "am I in an ISR";
 *   3. contexts: create one, switch between two, release a dead one;
 *   4. idle, console and halt.
 * A uniprocessor port implements the baton calls (arch_switch); only a port
 * that selects ARCH_SUPPORTS_SMP implements arch_thread_park/unpark.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "port_template.h"

/* TEMPLATE: nesting depth of interrupt handlers (read by arch_is_in_isr()). */
static volatile unsigned int isr_nesting;

/* ---- 1. time ------------------------------------------------------------ */

/*
 * Called once before anything else. Program the clock source and the
 * console; do not start the tick yet (arch_tick_start() does). Must tolerate
 * being called again (host unit tests call it first).
 */
void port_init(void)
{
	/* TEMPLATE: enable the cycle counter, configure the UART. */
}

/*
 * Monotonic nanoseconds since port_init(). The kernel turns this into ticks
 * and timepoints; it must never go backwards and should not wrap in the
 * device's lifetime (extend a 32-bit counter in software if needed).
 */
uint64_t port_uptime_ns(void)
{
	return 0; /* TEMPLATE: read the counter, scale to ns. */
}

/* Whole ticks; a port whose tick interrupt counts them can return that count. */
uint64_t port_uptime_ticks(void)
{
	return z_port_ns_to_ticks(port_uptime_ns());
}

/* Stop the whole CPU until port_uptime_ns() >= deadline_ns (WFI loop). */
void port_sleep_until_ns(uint64_t deadline_ns)
{
	while (port_uptime_ns() < deadline_ns) {
		/* TEMPLATE: wait for interrupt. */
	}
}

/* Spin for at least usec microseconds, interrupts untouched. */
void port_busy_wait_us(uint32_t usec)
{
	uint64_t end = port_uptime_ns() + (uint64_t)usec * 1000U;

	while (port_uptime_ns() < end) {
	}
}

/*
 * Start the tick: a timer interrupt CONFIG_SYS_CLOCK_TICKS_PER_SEC times per
 * second whose handler does, with interrupts masked:
 *	isr_nesting++; z_clock_isr(); isr_nesting--;
 *	z_isr_exit();	(pends the switch if a more urgent thread is ready)
 * A late or merged tick is fine: the kernel reads port_uptime_ns().
 */
void arch_tick_start(void)
{
	/* TEMPLATE: program SysTick (or a timer) and enable its interrupt. */
}

/* ---- 2. interrupts ------------------------------------------------------ */

/*
 * Mask interrupts, return the previous state (0 = were enabled). On
 * Cortex-M: read PRIMASK (or BASEPRI), then cpsid i. Must nest.
 */
unsigned int arch_irq_lock(void)
{
	return 0; /* TEMPLATE */
}

/*
 * Restore the state of `key`. When that enables interrupts, a pending one
 * (the tick, a pended switch) is taken at once by the hardware: nothing to
 * emulate on a real CPU.
 */
void arch_irq_unlock(unsigned int key)
{
	(void)key; /* TEMPLATE: if key == 0, cpsie i. */
}

bool arch_is_in_isr(void)
{
	/* TEMPLATE: on Cortex-M, IPSR != 0 is exact and needs no counter. */
	return isr_nesting != 0U;
}

/*
 * Run routine(parameter) as an interrupt would: masked, in ISR context, then
 * the interrupt-exit path. On hardware, trigger a software interrupt whose
 * handler calls the routine (Zephyr uses SVC on Cortex-M); this direct
 * version is equivalent for a single core.
 */
void arch_irq_offload(void (*routine)(const void *), const void *parameter)
{
	unsigned int key = arch_irq_lock();

	isr_nesting++;
	routine(parameter);
	isr_nesting--;
	z_isr_exit();
	arch_irq_unlock(key);
}

/* Only ports with ARCH_SUPPORTS_SMP spin; a single core never contends. */
void arch_spin_relax(void)
{
}

/* ---- 3. contexts -------------------------------------------------------- */

/*
 * Adopt the running context (the reset/boot stack) as the main thread. On an
 * MCU nothing needs saving until the first switch stores its SP.
 */
int arch_thread_init_main(struct k_thread *thread)
{
	thread->arch.ctx = NULL;
	return 0;
}

/*
 * Build an initial frame at the top of `stack` so that the first switch to
 * `thread` "returns" into a trampoline that unmasks interrupts and calls
 * z_thread_entry(thread). Keep the saved SP in thread->arch.ctx.
 * Return -ENOMEM if the stack cannot hold the frame.
 */
int arch_new_thread(struct k_thread *thread, void *stack, size_t stack_size)
{
	if (stack == NULL || stack_size < 64U) {
		return -ENOMEM;
	}
	/* TEMPLATE: push xPSR, PC = trampoline, LR, r12, r3-r0 (= thread), r4-r11. */
	thread->arch.ctx = (char *)stack + stack_size;
	return 0;
}

/*
 * Uniprocessor switch, called masked. Save old's callee-saved registers and
 * SP into old->arch.ctx, load next's, return into next. Usually: record
 * "next", pend the switch exception (PendSV), unmask just enough for it to
 * run, and return here only when some later switch resumes `old`.
 */
void arch_switch(struct k_thread *old, struct k_thread *next)
{
	(void)old;
	(void)next; /* TEMPLATE */
}

/*
 * `old` is dead: switch to `next` without saving anything. Call
 * z_sched_exit_release() once `old` is no longer read (a no-op on one core).
 */
void arch_switch_exit(struct k_thread *old, struct k_thread *next)
{
	(void)old;
	z_sched_exit_release();
	arch_switch(old, next); /* TEMPLATE: a switch that never returns */
	for (;;) {
	}
}

/* A dead thread that is not running: nothing to release on an MCU. */
void arch_thread_reap(struct k_thread *thread)
{
	thread->arch.ctx = NULL;
}

/* SMP only; a uniprocessor port never gets these calls. */
void arch_thread_park(struct k_thread *thread)
{
	(void)thread;
}

void arch_thread_unpark(struct k_thread *thread)
{
	(void)thread;
}

/* ---- 4. idle, console, halt ------------------------------------------- */

/* Called by the idle thread, unmasked: sleep until an interrupt (wfi). */
void arch_cpu_idle(void)
{
	/* TEMPLATE: __asm__ volatile("wfi"); */
}

int arch_printk_char_out(int c)
{
	return c; /* TEMPLATE: write to the UART data register. */
}

/* Stop for good; under QEMU, semihosting SYS_EXIT reports `status`. */
void port_halt(int status)
{
	(void)status;
	(void)arch_irq_lock();
	for (;;) {
	}
}
