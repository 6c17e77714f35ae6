/*
 * Thread contexts on the POSIX port: each Zephyr thread is a detached host
 * thread that waits on its futex word whenever it does not own the CPU.
 *
 * The hand-off (baton mode): the outgoing thread publishes the new owner,
 * lets it go (word -> GO, futex wake) and parks on its own word. Parking
 * touches only the outgoing thread's posix_ctx (heap memory it owns), never
 * kernel state that the new owner may already be changing. The futex is
 * invisible to ThreadSanitizer, so the word's atomics plus explicit
 * __tsan_release/__tsan_acquire carry the happens-before edge.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "posix_port.h"

_Thread_local struct posix_ctx *posix_self;
struct posix_ctx *posix_running;
int32_t posix_running_tid;

/*
 * Host stacks: Zephyr stack sizes are calibrated for an MCU, while host code
 * (libc, printf, sanitizers) needs far more. ThreadSanitizer keeps ~900 KiB
 * of its own state at the top of every stack, so it gets 8 MiB. Pages are
 * only committed when touched.
 */
#if defined(POSIX_TSAN)
#define HOST_STACK_MIN (8U << 20)
#elif defined(__SANITIZE_ADDRESS__)
#define HOST_STACK_MIN (1U << 20)
#else
#define HOST_STACK_MIN (256U << 10)
#endif

/*
 * Contexts are recycled, never freed: a waker's futex_wake() may reach a
 * context just after its thread died (the wake-up is the last step of the
 * hand-off), and on a recycled context that is only a spurious wake-up, which
 * park() tolerates. The pool is as large as the most threads alive at once.
 */
static struct posix_ctx *ctx_pool;
static pthread_mutex_t ctx_pool_lock = PTHREAD_MUTEX_INITIALIZER;

static struct posix_ctx *ctx_get(void)
{
	struct posix_ctx *c;

	pthread_mutex_lock(&ctx_pool_lock);
	c = ctx_pool;
	if (c != NULL) {
		ctx_pool = c->next_free;
	}
	pthread_mutex_unlock(&ctx_pool_lock);
	if (c == NULL) {
		return calloc(1, sizeof(*c));
	}
	__atomic_store_n(&c->run, RUN_PARKED, __ATOMIC_RELAXED);
	__atomic_store_n(&c->stopped, 0U, __ATOMIC_RELAXED);
	__atomic_store_n(&c->tid, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&c->reaped, false, __ATOMIC_RELAXED);
	c->is_main = false;
	c->thread = NULL;
	return c;
}

static void ctx_put(struct posix_ctx *c)
{
	pthread_mutex_lock(&ctx_pool_lock);
	c->next_free = ctx_pool;
	ctx_pool = c;
	pthread_mutex_unlock(&ctx_pool_lock);
}

int32_t posix_gettid(void)
{
	return (int32_t)syscall(SYS_gettid);
}

void posix_futex_wait(uint32_t *word, uint32_t val)
{
	(void)syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

void posix_futex_wake(uint32_t *word)
{
	(void)syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Let `c` run: PARKED -> GO. A DIE already there stays. */
static void unpark(struct posix_ctx *c)
{
	uint32_t expected = RUN_PARKED;

	TSAN_RELEASE(&c->run);
	(void)__atomic_compare_exchange_n(&c->run, &expected, RUN_GO, false, __ATOMIC_RELEASE,
					  __ATOMIC_RELAXED);
	posix_futex_wake(&c->run);
}

/* Wait for GO and consume it; DIE ends the thread. */
static void park(struct posix_ctx *c)
{
	for (;;) {
		uint32_t expected = RUN_GO;

		if (__atomic_compare_exchange_n(&c->run, &expected, RUN_PARKED, false,
						__ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
			break;
		}
		if (expected == RUN_DIE) {
			posix_die(c);
		}
		posix_futex_wait(&c->run, RUN_PARKED);
	}
	TSAN_ACQUIRE(&c->run);
}

static void become_owner(struct posix_ctx *c)
{
	__atomic_store_n(&posix_running_tid, __atomic_load_n(&c->tid, __ATOMIC_RELAXED),
			 __ATOMIC_RELEASE);
}

static void hand_to(struct posix_ctx *next)
{
	__atomic_store_n(&posix_running, next, __ATOMIC_RELEASE);
	int32_t tid = __atomic_load_n(&next->tid, __ATOMIC_ACQUIRE);

	if (tid != 0) {
		__atomic_store_n(&posix_running_tid, tid, __ATOMIC_RELEASE);
	}
	unpark(next);
}

FUNC_NORETURN void posix_die(struct posix_ctx *c)
{
	if (c->is_main) {
		/* The process's main thread cannot end without ending the process. */
		uint32_t never = 0U;

		for (;;) {
			posix_futex_wait(&never, 0U);
		}
	}
	siglongjmp(c->exit_jmp, 1);
}

/* Runs the thread; returns only when posix_die() unwinds it. */
static __noinline void run_until_death(void)
{
	if (sigsetjmp(posix_self->exit_jmp, 1) == 0) {
		sigset_t tick;

		park(posix_self);
		/* Blocked until first run: a stray tick must not meet the new thread. */
		sigemptyset(&tick);
		sigaddset(&tick, POSIX_SIG_TICK);
		pthread_sigmask(SIG_UNBLOCK, &tick, NULL);
		if (!IS_ENABLED(CONFIG_SMP)) {
			become_owner(posix_self);
		}
		arch_irq_unlock(0U); /* new threads start unmasked; take a pending tick */
		z_thread_entry(posix_self->thread);
	}
}

static void *thread_trampoline(void *arg)
{
	struct posix_ctx *c = arg;

	posix_self = c;
	__atomic_store_n(&c->tid, posix_gettid(), __ATOMIC_RELEASE);
	posix_masked = 1;
	run_until_death();
	/* Dying. Only this ctx and libc are touched now. */
	if (__atomic_load_n(&c->reaped, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&c->stopped, 1U, __ATOMIC_RELEASE);
		posix_futex_wake(&c->stopped);
	} else {
		ctx_put(c);
	}
	return NULL;
}

static size_t host_stack_size(size_t requested)
{
	size_t size = requested * 4U;

	if (size < HOST_STACK_MIN) {
		size = HOST_STACK_MIN;
	}
	return (size + 65535U) & ~(size_t)65535U;
}

int arch_new_thread(struct k_thread *thread, void *stack, size_t stack_size)
{
	struct posix_ctx *c = ctx_get();
	sigset_t tick, old;
	pthread_attr_t attr;
	pthread_t host;
	int ret;

	(void)stack;
	if (c == NULL) {
		return -ENOMEM;
	}
	c->thread = thread;
	thread->arch.ctx = c;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, host_stack_size(stack_size));
	sigemptyset(&tick);
	sigaddset(&tick, POSIX_SIG_TICK);
	pthread_sigmask(SIG_BLOCK, &tick, &old);
	ret = pthread_create(&host, &attr, thread_trampoline, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (ret != 0) {
		thread->arch.ctx = NULL;
		ctx_put(c);
		return -EAGAIN;
	}
	return 0;
}

int arch_thread_init_main(struct k_thread *thread)
{
	struct posix_ctx *c = calloc(1, sizeof(*c));
	sigset_t tick;

	if (c == NULL) {
		return -ENOMEM;
	}
	c->thread = thread;
	c->is_main = true;
	c->tid = posix_gettid();
	thread->arch.ctx = c;
	posix_self = c;
	sigemptyset(&tick);
	sigaddset(&tick, POSIX_SIG_TICK);
	pthread_sigmask(SIG_UNBLOCK, &tick, NULL);
	if (!IS_ENABLED(CONFIG_SMP)) {
		__atomic_store_n(&posix_running, c, __ATOMIC_RELEASE);
		become_owner(c);
	}
	return 0;
}

void arch_switch(struct k_thread *old, struct k_thread *next)
{
	struct posix_ctx *self = old->arch.ctx;

	hand_to(next->arch.ctx);
	park(self);
	become_owner(self);
}

/*
 * In SMP mode a joiner woken by the exit may already be reusing `old`, so the
 * dying context is found through posix_self, never through `old`.
 */
void arch_switch_exit(struct k_thread *old, struct k_thread *next)
{
	struct posix_ctx *self = posix_self;

	(void)old;
	z_sched_exit_release();
	if (next != NULL) {
		hand_to(next->arch.ctx);
	}
	posix_die(self);
}

void arch_thread_reap(struct k_thread *thread)
{
	struct posix_ctx *c = thread->arch.ctx;
	int32_t tid;

	if (c == NULL || c->is_main) {
		return;
	}
	thread->arch.ctx = NULL;
	__atomic_store_n(&c->reaped, true, __ATOMIC_RELEASE);
	TSAN_RELEASE(&c->run);
	__atomic_store_n(&c->run, RUN_DIE, __ATOMIC_RELEASE);
	posix_futex_wake(&c->run);
	tid = __atomic_load_n(&c->tid, __ATOMIC_ACQUIRE);
	if (IS_ENABLED(CONFIG_SMP) && tid != 0 && !posix_polled_irqs) {
		/* It may be running: the signal makes it check its word. */
		(void)syscall(SYS_tgkill, getpid(), tid, POSIX_SIG_TICK);
	}
	/* Wait until it has let go, so that the caller may reuse `thread`. */
	while (__atomic_load_n(&c->stopped, __ATOMIC_ACQUIRE) == 0U) {
		posix_futex_wait(&c->stopped, 0U);
	}
	TSAN_ACQUIRE(&c->stopped);
	ctx_put(c);
}

/* `thread` is the caller; its ctx comes from TLS, as a reaper may clear arch.ctx. */
void arch_thread_park(struct k_thread *thread)
{
	(void)thread;
	park(posix_self);
}

void arch_thread_unpark(struct k_thread *thread)
{
	struct posix_ctx *c = thread->arch.ctx;

	if (c != NULL) {
		unpark(c);
	}
}
