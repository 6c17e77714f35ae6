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
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "posix_port.h"

_Thread_local volatile int posix_masked;
_Thread_local volatile int posix_in_isr;
uint32_t posix_irq_pending;

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
			z_isr_exit(); /* may switch away and back, still masked */
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

	sa.sa_sigaction = tick_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
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
	z_isr_exit();
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

/* Baton mode idle: sleep until a signal (the next tick at the latest). */
void arch_cpu_idle(void)
{
	sigset_t unblocked;

	posix_take_interrupts();
	pthread_sigmask(SIG_SETMASK, NULL, &unblocked);
	sigdelset(&unblocked, POSIX_SIG_TICK);
	sigsuspend(&unblocked);
}

void arch_spin_relax(void)
{
	sched_yield();
}
