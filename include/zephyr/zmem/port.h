/*
 * The zmem port contract: everything the kernel layer needs from an OS or a
 * CPU, and nothing else. A new port implements these functions in
 * arch/<name>/ (see arch/template/ for a commented skeleton). Scheduling,
 * wait queues, timeouts and every blocking rule live once in kernel/, on top
 * of this header.
 *
 * Preconditions, stated once for the whole contract:
 * - port_init() is called before any other port function. Later calls do
 *   nothing (host unit tests may call it before the kernel does).
 * - "Masked" means that the port's interrupts (the tick, irq_offload) do not
 *   run on the current CPU. arch_switch(), arch_switch_exit(),
 *   arch_thread_park() and z_isr_exit() are called masked; arch_cpu_idle() is
 *   called unmasked.
 * - Thread functions receive struct k_thread objects set up by the kernel;
 *   the port owns only thread->arch (one pointer: the POSIX port points it at
 *   its host context, a Cortex-M port keeps the saved stack pointer there).
 * - Baton (uniprocessor) scheduling uses arch_switch(); CONFIG_SMP uses
 *   arch_thread_park()/arch_thread_unpark() instead, and the port then runs
 *   every thread that is not parked at the same time. A port without
 *   ARCH_SUPPORTS_SMP need not provide the SMP pair.
 */
#ifndef ZEPHYR_INCLUDE_ZMEM_PORT_H_
#define ZEPHYR_INCLUDE_ZMEM_PORT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/toolchain.h>

struct k_thread;

/* ------------------------------------------------------------------------ */
/* Boot, clock, console, halt                                               */

/* Set up the clock, the console and interrupt delivery (not started yet). */
void port_init(void);

/* Monotonic time in nanoseconds since port_init(). Never goes backwards. */
uint64_t port_uptime_ns(void);

/*
 * Whole kernel ticks since port_init(): floor(port_uptime_ns() *
 * CONFIG_SYS_CLOCK_TICKS_PER_SEC / 1e9), read as one instant. k_uptime_ticks()
 * and every timeout use it, so it is on the scheduler's paths: a port whose
 * tick interrupt counts ticks answers in a few instructions (Cortex-M: about
 * 20, instead of four 64-bit divisions); others may return
 * z_port_ns_to_ticks(port_uptime_ns()).
 */
uint64_t port_uptime_ticks(void);

/* floor(ns * CONFIG_SYS_CLOCK_TICKS_PER_SEC / 1e9), without overflow for 584 years. */
static inline uint64_t z_port_ns_to_ticks(uint64_t ns)
{
	const uint64_t ns_per_sec = 1000000000ULL;

	return (ns / ns_per_sec) * CONFIG_SYS_CLOCK_TICKS_PER_SEC +
	       (ns % ns_per_sec) * CONFIG_SYS_CLOCK_TICKS_PER_SEC / ns_per_sec;
}

/* Block the whole CPU until port_uptime_ns() >= deadline_ns (no scheduling). */
void port_sleep_until_ns(uint64_t deadline_ns);

/* Spin (do not yield) for at least `usec` microseconds. */
void port_busy_wait_us(uint32_t usec);

/* Write one character to the console. Returns the character. Any context. */
int arch_printk_char_out(int c);

/*
 * Stop the system for good. On native_sim the process exits with `status`,
 * whatever other threads exist; on a QEMU board the emulator exits with it.
 */
FUNC_NORETURN void port_halt(int status);

/* ------------------------------------------------------------------------ */
/* Interrupts                                                               */

/*
 * Mask interrupts on the current CPU and return a key describing the previous
 * state (0: they were unmasked). Nests. O(1); any context.
 *
 * arch_irq_unlock(): restore the state saved in `key`. When that unmasks
 * interrupts and one is pending (a tick arrived while masked), it is taken
 * right here, so the caller may be preempted inside this call, as on hardware.
 *
 * A port may supply both as inline functions in a header of its own, chosen
 * here by its Kconfig symbol (Cortex-M does: two instructions each).
 */
#if defined(CONFIG_CPU_CORTEX_M)
#include <zephyr/arch/arm/cortex_m/irq_lock.h>
#else
unsigned int arch_irq_lock(void);
void arch_irq_unlock(unsigned int key);
#endif

/* True when `key` (from arch_irq_lock()) means interrupts were unmasked. */
static inline bool arch_irq_unlocked(unsigned int key)
{
	return key == 0U;
}

/* True inside an interrupt: the tick handler or an irq_offload() routine. */
bool arch_is_in_isr(void);

/*
 * Run routine(parameter) now, on the current CPU, in interrupt context
 * (arch_is_in_isr() true, interrupts masked); then take the interrupt-exit
 * path (z_isr_exit()) as a real interrupt would. Not from an ISR.
 */
void arch_irq_offload(void (*routine)(const void *), const void *parameter);

/*
 * Start the tick: from now on the port calls z_clock_isr() in interrupt
 * context CONFIG_SYS_CLOCK_TICKS_PER_SEC times per second (late ticks may be
 * merged: the kernel reads the clock), followed by z_isr_exit() with
 * interrupts masked. Called once, after arch_thread_init_main().
 */
void arch_tick_start(void);

/* Relax inside a spinlock's busy loop (CONFIG_SMP). */
void arch_spin_relax(void);

/* ------------------------------------------------------------------------ */
/* Threads                                                                  */

/*
 * Adopt the calling context (the one that called z_cstart(), or the first
 * host thread to use the kernel in a unit test) as `thread`, the main thread.
 * Returns 0, or a negative errno if the port cannot.
 */
int arch_thread_init_main(struct k_thread *thread);

/*
 * Prepare `thread` to run: when first switched to (or unparked, in SMP mode)
 * it calls z_thread_entry(thread) with interrupts unmasked and never returns
 * from it. `stack`/`stack_size` are the caller's K_THREAD_STACK buffer; a
 * port may run the thread elsewhere (the POSIX port uses a host stack of at
 * least that size). Returns 0 or -ENOMEM / -EAGAIN when the host is out of
 * resources. Called masked, from thread context.
 */
int arch_new_thread(struct k_thread *thread, void *stack, size_t stack_size);

/*
 * Baton scheduling: make `next` run instead of `old` (the current thread).
 * Returns when some later arch_switch() switches back to `old`, still masked.
 * old != next.
 */
void arch_switch(struct k_thread *old, struct k_thread *next);

/*
 * `old` (the current thread) is dead: switch to `next` and release old's
 * context. In SMP mode `next` is NULL (nothing to hand over), and joiners
 * woken by the exit may already be reusing `old`'s storage: the port must
 * identify the dying context without reading `old`. Never returns.
 */
FUNC_NORETURN void arch_switch_exit(struct k_thread *old, struct k_thread *next);

/*
 * `thread` is dead and is not running (it is parked, or never started):
 * release its context; it never runs again. Masked.
 */
void arch_thread_reap(struct k_thread *thread);

/*
 * SMP mode: block the current thread until arch_thread_unpark() is called for
 * it (an unpark that came first is not lost). Called masked, with no
 * spinlock held; returns masked.
 */
void arch_thread_park(struct k_thread *thread);

/* SMP mode: let a parked (or about to park) thread continue. Any context. */
void arch_thread_unpark(struct k_thread *thread);

/*
 * Idle: wait for the next interrupt with interrupts unmasked. May return
 * early; the kernel's idle thread loops around it.
 */
void arch_cpu_idle(void);

/* ------------------------------------------------------------------------ */
/* Provided by the kernel, called by the port                               */

/* The tick interrupt body: expire timeouts, account time slices. */
void z_clock_isr(void);

/*
 * Interrupt exit, masked: switch if a thread is due. The port may still
 * report arch_is_in_isr() here (a Cortex-M runs it in PendSV, native_sim
 * with CONFIG_USERSPACE keeps the interrupt's rights), or not; the kernel's
 * switch path works either way (it reads the clock with port_uptime_ticks(),
 * never through a public API that could trap).
 */
void z_isr_exit(void);

/*
 * arch_switch_exit() calls this once it no longer reads
 * the dead thread's struct k_thread: from then on its owner may reuse it (in
 * SMP mode it releases the scheduler lock; in baton mode it does nothing).
 */
void z_sched_exit_release(void);

/* First and only call of a new thread's context. */
FUNC_NORETURN void z_thread_entry(struct k_thread *thread);

#ifdef CONFIG_USERSPACE
#include <zephyr/zmem/port_userspace.h>
#endif

#endif /* ZEPHYR_INCLUDE_ZMEM_PORT_H_ */
