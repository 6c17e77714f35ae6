/*
 * Interrupts on the POSIX port: masking, the tick, irq_offload and idle.
 *
 * Masking is a per-host-thread flag, not sigprocmask: k_spin_lock() then
 * costs two TLS accesses instead of a system call. The flag belongs to the
 * host thread, and every switch happens masked and resumes masked, so the
 * "CPU" state travels correctly with the baton.
 *
 * Baton mode: a tick thread (a host thread, not a Zephyr thread) wakes every
 * tick, sets posix_irq_pending and signals the owner of the CPU. The
 * handler, on that owner, takes the tick unless masked; otherwise the owner
 * takes it when it unmasks (arch_irq_unlock()). A signal that lands on a
 * thread that just lost the CPU is ignored there: the pending flag survives
 * and the new owner takes it when it unmasks at the end of its switch.
 *
 * SMP mode: the tick thread runs z_clock_isr() itself (in ISR context, with
 * the scheduler's real lock); the signal only asks a running thread to die
 * after k_thread_abort().
 */
#define _GNU_SOURCE
#include <errno.h>
#if defined(__i386__)
#include <cpuid.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "posix_port.h"

_Thread_local volatile int posix_masked;
_Thread_local volatile int posix_in_isr;
uint32_t posix_irq_pending;
bool posix_polled_irqs;

/*
 * qemu-user for i386 (7.2, the m32 test variant) corrupts a thread's %gs, and
 * with it all thread-local storage, when it delivers a signal. There the port
 * sends no signals: ticks are taken at "poll points" (unmasking, reading the
 * clock, idling), as Zephyr's own native_sim does at every call into its
 * hardware model. A thread that spins without calling the kernel or reading
 * the clock is then not preempted.
 */
static bool signals_unreliable(void)
{
#if defined(__i386__)
	unsigned int r[12] = { 0 };
	char brand[sizeof(r) + 1];

	if (__get_cpuid_max(0x80000000U, NULL) < 0x80000004U) {
		return false;
	}
	__get_cpuid(0x80000002U, &r[0], &r[1], &r[2], &r[3]);
	__get_cpuid(0x80000003U, &r[4], &r[5], &r[6], &r[7]);
	__get_cpuid(0x80000004U, &r[8], &r[9], &r[10], &r[11]);
	memcpy(brand, r, sizeof(r));
	brand[sizeof(r)] = '\0';
	return strstr(brand, "QEMU TCG") != NULL;
#else
	return false;
#endif
}

static inline void compiler_fence(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/*
 * A test that expects an assertion inside an irq_offload() routine leaves it
 * with longjmp (cmocka's expect_assert_failure), skipping the epilogue. The
 * routine runs at least OFFLOAD_GAP bytes below arch_irq_offload()'s frame
 * and offload_frame marks half of that: once a kernel call runs above the
 * mark again, the interrupt is over: restore the state it would have.
 */
#define OFFLOAD_GAP 1024
static _Thread_local uintptr_t offload_frame;
static _Thread_local unsigned int offload_key;

static __noinline void heal_abandoned_offload(void)
{
	if (offload_frame != 0U && (uintptr_t)__builtin_frame_address(0) > offload_frame) {
		offload_frame = 0U;
		posix_in_isr = 0;
		posix_masked = (int)offload_key;
	}
}

unsigned int arch_irq_lock(void)
{
	unsigned int key;

	if (unlikely(posix_in_isr != 0)) {
		heal_abandoned_offload();
	}
	key = (unsigned int)posix_masked;

	posix_masked = 1;
	compiler_fence();
	return key;
}

/* A poll point (polled mode): take what is pending if we may. */
void posix_poll_irqs(void)
{
	if (posix_masked != 0 || posix_self == NULL) {
		return;
	}
	if (IS_ENABLED(CONFIG_SMP)) {
		if (__atomic_load_n(&posix_self->run, __ATOMIC_ACQUIRE) == RUN_DIE) {
			posix_die(posix_self);
		}
	} else if (__atomic_load_n(&posix_irq_pending, __ATOMIC_ACQUIRE) != 0U) {
		posix_take_interrupts();
	}
}

static void check_die(void)
{
	struct posix_ctx *c = posix_self;

	if (c != NULL && __atomic_load_n(&c->run, __ATOMIC_ACQUIRE) == RUN_DIE) {
		posix_die(c);
	}
}

void arch_irq_unlock(unsigned int key)
{
	compiler_fence();
	posix_masked = (int)key;
	if (key != 0U) {
		return;
	}
	if (IS_ENABLED(CONFIG_SMP)) {
		check_die();
	} else if (__atomic_load_n(&posix_irq_pending, __ATOMIC_ACQUIRE) != 0U) {
		posix_take_interrupts();
	}
}

bool arch_is_in_isr(void)
{
	if (unlikely(posix_in_isr != 0)) {
		heal_abandoned_offload();
	}
	return posix_in_isr != 0;
}

static void run_tick_isr(void)
{
	posix_in_isr++;
	z_clock_isr();
	posix_in_isr--;
}

/*
 * The interrupt-exit path. With CONFIG_USERSPACE it keeps the interrupt's
 * rights, as a Cortex-M does (it switches threads in PendSV, in handler
 * mode): on a user thread, the kernel code on the way (the switch reads
 * k_uptime_ticks()) must not take the user's kernel-call path. The thread
 * code around it never sees the difference: a preempted thread resumes
 * inside this call, and a thread switched in here has its own flag.
 */
static void isr_exit(void)
{
	if (!IS_ENABLED(CONFIG_USERSPACE)) {
		z_isr_exit();
		return;
	}
	posix_in_isr++;
	z_isr_exit();
	if (--posix_in_isr == 0) {
		posix_prot_isr_exit();
	}
}

void posix_take_interrupts(void)
{
	struct posix_ctx *self = posix_self;

	for (;;) {
		if (self == NULL || __atomic_load_n(&posix_running, __ATOMIC_ACQUIRE) != self) {
			return;
		}
		posix_masked = 1;
		compiler_fence();
		if (__atomic_exchange_n(&posix_irq_pending, 0U, __ATOMIC_ACQ_REL) != 0U) {
			run_tick_isr();
			isr_exit(); /* may switch away and back, still masked */
		} else {
			compiler_fence();
			posix_masked = 0;
			/* A tick that came while masked saw the flag and left it to us. */
			if (__atomic_load_n(&posix_irq_pending, __ATOMIC_ACQUIRE) == 0U) {
				return;
			}
			continue;
		}
		compiler_fence();
		posix_masked = 0;
	}
}

/* Handlers use only the kernel's own code, futex and siglongjmp; errno is kept. */
static void tick_signal(int sig, siginfo_t *info, void *uctx)
{
	int saved_errno = errno;

	(void)sig;
	(void)info;
	(void)uctx;
	if (posix_self != NULL && posix_masked == 0) {
		if (IS_ENABLED(CONFIG_SMP)) {
			check_die();
		} else {
			posix_take_interrupts();
		}
	}
	errno = saved_errno;
}

void posix_irq_init(void)
{
	struct sigaction sa = { 0 };

	posix_polled_irqs = signals_unreliable();
	posix_prot_init();
	sa.sa_sigaction = tick_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	if (IS_ENABLED(CONFIG_USERSPACE)) {
		/*
		 * On the thread's signal stack (every Zephyr thread has one
		 * then): the tick may land while the thread's own stack is
		 * closed (the hand-off in thread.c). Not otherwise: valgrind
		 * 3.19 cannot deliver an SA_ONSTACK signal to a thread without
		 * a signal stack.
		 */
		sa.sa_flags |= SA_ONSTACK;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(POSIX_SIG_TICK, &sa, NULL);
}

static __noinline void run_offloaded(void (*routine)(const void *), const void *parameter)
{
	volatile char gap[OFFLOAD_GAP];

	gap[0] = 0;
	routine(parameter);
	gap[OFFLOAD_GAP - 1] = gap[0];
}

void arch_irq_offload(void (*routine)(const void *), const void *parameter)
{
	unsigned int key = arch_irq_lock();

	__ASSERT(posix_in_isr == 0, "irq_offload() from an ISR");
	offload_key = key;
	offload_frame = (uintptr_t)__builtin_frame_address(0) - OFFLOAD_GAP / 2;
	posix_in_isr++;
	run_offloaded(routine, parameter);
	posix_in_isr--;
	offload_frame = 0U;
	isr_exit();
	arch_irq_unlock(key);
}

uint64_t z_tick_to_ns(uint64_t tick);

/*
 * Wakes at each kernel tick boundary (so ticks do not drift and a timeout
 * expires in the first tick ISR at or after its deadline). After a stall (a
 * loaded host, valgrind) missed ticks merge into one: the kernel reads the
 * clock, so only the signal is lost.
 */

static void deliver_tick(void)
{
	if (IS_ENABLED(CONFIG_SMP)) {
		posix_masked = 1;
		run_tick_isr();
		posix_masked = 0;
		return;
	}
	__atomic_store_n(&posix_irq_pending, 1U, __ATOMIC_RELEASE);
	if (posix_polled_irqs) {
		posix_futex_wake(&posix_irq_pending); /* the idle thread waits there */
		return;
	}
	int32_t tid = __atomic_load_n(&posix_running_tid, __ATOMIC_ACQUIRE);

	if (tid != 0) {
		/* A stale tid only reaches a thread of ours that ignores it, or none. */
		(void)syscall(SYS_tgkill, getpid(), tid, POSIX_SIG_TICK);
	}
}

static void *tick_thread(void *arg)
{
	sigset_t all;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		port_sleep_until_ns(z_tick_to_ns((uint64_t)k_uptime_ticks() + 1U));
		deliver_tick();
	}
	return NULL;
}

void arch_tick_start(void)
{
	static bool started;
	pthread_attr_t attr;
	pthread_t tid;

	if (started) {
		return;
	}
	started = true;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 1U << 20);
	if (pthread_create(&tid, &attr, tick_thread, NULL) != 0) {
		printk("zmem: cannot start the tick thread\n");
		port_halt(ZMEM_EXIT_FATAL);
	}
	pthread_attr_destroy(&attr);
}

/*
 * Baton mode idle: sleep until a signal (the next tick at the latest). A
 * signal that lands between the check and pause() has already been handled
 * by then, so nothing waits longer than one tick.
 */
void arch_cpu_idle(void)
{
	posix_take_interrupts();
	if (posix_polled_irqs) {
		posix_futex_wait(&posix_irq_pending, 0U);
	} else {
		pause();
	}
}

void arch_spin_relax(void)
{
	sched_yield();
}
