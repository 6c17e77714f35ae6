/*
 * Private state of the POSIX port, shared by its files.
 *
 * Every Zephyr thread is a host thread with a posix_ctx. In baton mode
 * exactly one of them owns the CPU (posix_running) and the others wait on
 * their `run` futex word; in SMP mode every thread whose word is not parked
 * runs. `run` moves PARKED -> GO (a switch or an unpark) -> PARKED (consumed
 * by the thread itself), or to DIE (abort), which is final.
 */
#ifndef ZMEM_ARCH_POSIX_POSIX_PORT_H_
#define ZMEM_ARCH_POSIX_POSIX_PORT_H_

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

/* The tick (baton mode) and the abort request (SMP mode) signal. */
#define POSIX_SIG_TICK SIGUSR2

enum { RUN_PARKED = 0U, RUN_GO = 1U, RUN_DIE = 2U };

struct posix_ctx {
	uint32_t run;          /* futex word, see above */
	uint32_t stopped;      /* futex word: 1 once a reaped thread let go of its k_thread */
	int32_t tid;           /* host thread id (for tgkill), 0 until known */
	bool is_main;          /* the process's main thread: it never exits */
	bool reaped;           /* aborted by another thread, which frees this ctx */
	struct k_thread *thread;
	struct posix_ctx *next_free; /* in the recycling pool */
	sigjmp_buf exit_jmp;   /* where a dying thread unwinds to */
};

extern _Thread_local struct posix_ctx *posix_self;
extern _Thread_local volatile int posix_masked;
extern _Thread_local volatile int posix_in_isr;
extern struct posix_ctx *posix_running;  /* baton owner; atomic */
extern int32_t posix_running_tid;        /* its host tid; atomic */
extern uint32_t posix_irq_pending;       /* a tick waits to be taken; atomic */
extern bool posix_polled_irqs;           /* no signals: ticks taken at poll points */

/* Polled mode: take pending ticks (or die) if unmasked. */
void posix_poll_irqs(void);

#if defined(__SANITIZE_THREAD__)
#define POSIX_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define POSIX_TSAN 1
#endif
#endif
#if defined(POSIX_TSAN)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define TSAN_ACQUIRE(a) __tsan_acquire(a)
#define TSAN_RELEASE(a) __tsan_release(a)
#else
#define TSAN_ACQUIRE(a) ((void)(a))
#define TSAN_RELEASE(a) ((void)(a))
#endif

int32_t posix_gettid(void);
void posix_futex_wait(uint32_t *word, uint32_t val);
void posix_futex_wake(uint32_t *word);

/* Install the signal handler (port_init()). */
void posix_irq_init(void);

/* Baton mode, on the owner with interrupts unmasked: take pending ticks. */
void posix_take_interrupts(void);

/* A thread whose word says DIE unwinds to its entry trampoline and exits. */
FUNC_NORETURN void posix_die(struct posix_ctx *c);

#endif /* ZMEM_ARCH_POSIX_POSIX_PORT_H_ */
