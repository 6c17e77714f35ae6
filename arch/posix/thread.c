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
 *
 * With CONFIG_USERSPACE the outgoing thread may have to close its own stack
 * to the incoming user thread (page_prot.c), and a later switch may close the
 * stack of any parked thread. So every hand-off ends in a few instructions
 * of inline assembly that use registers only (handoff()): they mark the
 * thread parked, close its stack if asked, wake the next thread and wait.
 * Whoever lets the thread run again opens its stack first.
 *
 * Host stacks are mapped here, not by pthread: page protection needs their
 * exact bounds, and a signal stack sits below each. A context's stack is
 * reused only once its previous host thread has ended, since glibc runs on it
 * until the thread's last instruction. Host threads stay detached (a
 * joinable one that nobody joins is a leak to ThreadSanitizer); instead each
 * asks the kernel (set_tid_address(2)) to clear its ctx's `host_alive` word
 * when it is gone, as glibc does for pthread_join().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
#define HOST_ALTSTACK (256U << 10)
#elif defined(__SANITIZE_ADDRESS__)
#define HOST_STACK_MIN (1U << 20)
#define HOST_ALTSTACK (256U << 10)
#else
#define HOST_STACK_MIN (256U << 10)
/* The tick handler switches threads on it; a fault runs the fatal path there. */
#define HOST_ALTSTACK (64U << 10)
#endif
#define HOST_PAGE 4096U

/*
 * Contexts are recycled, never freed: a waker's futex_wake() may reach a
 * context just after its thread died (the wake-up is the last step of the
 * hand-off), and on a recycled context that is only a spurious wake-up, which
 * park() tolerates. The pool is as large as the most threads alive at once.
 */
static struct posix_ctx *ctx_pool;
static pthread_mutex_t ctx_pool_lock = PTHREAD_MUTEX_INITIALIZER;

static void ctx_put(struct posix_ctx *c)
{
	pthread_mutex_lock(&ctx_pool_lock);
	c->next_free = ctx_pool;
	ctx_pool = c;
	pthread_mutex_unlock(&ctx_pool_lock);
}

/*
 * Map a stack of `stack_size` bytes (a multiple of HOST_PAGE) with its guard
 * pages and signal stack. Pages are committed only when touched.
 */
static int stack_map(struct posix_ctx *c, size_t stack_size)
{
	size_t size = HOST_PAGE + HOST_ALTSTACK + HOST_PAGE + stack_size;
	uint8_t *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED) {
		return -ENOMEM;
	}
	(void)mprotect(m, HOST_PAGE, PROT_NONE);
	(void)mprotect(m + HOST_PAGE + HOST_ALTSTACK, HOST_PAGE, PROT_NONE);
	c->map = m;
	c->map_size = size;
	c->alt_lo = (uintptr_t)m + HOST_PAGE;
	c->alt_size = HOST_ALTSTACK;
	c->stack_lo = (uintptr_t)m + HOST_PAGE + HOST_ALTSTACK + HOST_PAGE;
	c->stack_size = stack_size;
	c->stack_floor = 0U;
	return 0;
}

static void stack_unmap(struct posix_ctx *c)
{
	if (c->map != NULL) {
		posix_prot_stack_forget(c);
		(void)munmap(c->map, c->map_size);
		c->map = NULL;
	}
}

/*
 * A context with a stack of at least `stack_size` bytes whose previous host
 * thread (if any) has ended. NULL when the host is out of memory.
 *
 * A pooled context's host thread has put it back and may still be returning
 * from its trampoline. The caller never waits for it: an exiting thread may
 * wait for a libc lock that a parked Zephyr thread holds, and the caller owns
 * the CPU that thread needs. A context whose host thread is still exiting
 * stays in the pool for a later call.
 */
static struct posix_ctx *ctx_get(size_t stack_size)
{
	struct posix_ctx *c;
	struct posix_ctx **link;

	pthread_mutex_lock(&ctx_pool_lock);
	for (link = &ctx_pool; (c = *link) != NULL; link = &c->next_free) {
		if (__atomic_load_n(&c->host_alive, __ATOMIC_ACQUIRE) == 0) {
			*link = c->next_free;
			break;
		}
	}
	pthread_mutex_unlock(&ctx_pool_lock);
	if (c == NULL) {
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			return NULL;
		}
	}
	if (c->map != NULL && c->stack_size < stack_size) {
		stack_unmap(c);
	}
	if (c->map == NULL && stack_map(c, stack_size) != 0) {
		ctx_put(c); /* never freed, see above */
		return NULL;
	}
	__atomic_store_n(&c->run, RUN_PARKED, __ATOMIC_RELAXED);
	__atomic_store_n(&c->stopped, 0U, __ATOMIC_RELAXED);
	__atomic_store_n(&c->tid, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&c->reaped, false, __ATOMIC_RELAXED);
	c->is_main = false;
	c->is_idle = false;
	c->prot_user = false;
	c->prot_kdepth = 0U;
	c->handoff_parked = 0U;
	c->thread = NULL;
	return c;
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

/* Make `next` the owner of the CPU (it runs once unparked). */
static void publish_owner(struct posix_ctx *next)
{
	__atomic_store_n(&posix_running, next, __ATOMIC_RELEASE);
	int32_t tid = __atomic_load_n(&next->tid, __ATOMIC_ACQUIRE);

	if (tid != 0) {
		__atomic_store_n(&posix_running_tid, tid, __ATOMIC_RELEASE);
	}
}

static void hand_to(struct posix_ctx *next)
{
	publish_owner(next);
	unpark(next);
}

#if defined(POSIX_HANDOFF_ASM)
/*
 * The hand-off when page protection may close stacks: say "parked"
 * (self->handoff_parked = 1), close our own stack if asked (mprotect
 * PROT_NONE on `close`), let `next` run (its word PARKED -> GO, futex wake)
 * and wait until our word leaves PARKED. Registers only: from the mark on,
 * this thread does not touch its stack until whoever sets our word has
 * opened it again, so page_prot.c may close the stack of a thread that shows
 * the mark. Signals land on the signal stack (SA_ONSTACK); a spurious
 * wake-up or an interrupted wait (valgrind returns EINTR) loops back to the
 * wait. The caller then consumes its word with park().
 */
static void handoff(struct posix_ctx *next, struct posix_ctx *self, const struct posix_range *close)
{
	__asm__ volatile("movl $1, (%[mark])\n\t"
			 "test %[len], %[len]\n\t"
			 "jz 1f\n\t"
			 "mov %[addr], %%rdi\n\t"
			 "mov %[len], %%rsi\n\t"
			 "xor %%edx, %%edx\n\t"
			 "mov %[nr_mprotect], %%eax\n\t"
			 "syscall\n\t"
			 "1:\n\t"
			 "xor %%eax, %%eax\n\t"
			 "mov %[go], %%ecx\n\t"
			 "lock cmpxchgl %%ecx, (%[next])\n\t"
			 "mov %[next], %%rdi\n\t"
			 "mov %[wake], %%esi\n\t"
			 "mov $1, %%edx\n\t"
			 "mov %[nr_futex], %%eax\n\t"
			 "syscall\n\t"
			 "2:\n\t"
			 "cmpl %[parked], (%[self])\n\t"
			 "jne 3f\n\t"
			 "mov %[self], %%rdi\n\t"
			 "mov %[wait], %%esi\n\t"
			 "mov %[parked], %%edx\n\t"
			 "xor %%r10d, %%r10d\n\t"
			 "mov %[nr_futex], %%eax\n\t"
			 "syscall\n\t"
			 "jmp 2b\n\t"
			 "3:\n\t"
			 "movl $0, (%[mark])\n\t"
			 :
			 : [next] "r"(&next->run), [self] "r"(&self->run),
			   [mark] "r"(&self->handoff_parked), [addr] "r"(close->start),
			   [len] "r"(close->size), [nr_mprotect] "i"(SYS_mprotect),
			   [nr_futex] "i"(SYS_futex), [wake] "i"(FUTEX_WAKE_PRIVATE),
			   [wait] "i"(FUTEX_WAIT_PRIVATE), [go] "i"(RUN_GO),
			   [parked] "i"(RUN_PARKED)
			 : "rax", "rcx", "rdx", "rsi", "rdi", "r10", "r11", "memory", "cc");
}

void posix_wait_handoff_parked(struct posix_ctx *c)
{
	/* It let the CPU go and is a few instructions from the mark (one CPU: yield to it). */
	while (__atomic_load_n(&c->handoff_parked, __ATOMIC_ACQUIRE) == 0U) {
		sched_yield();
	}
}
#endif

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
		posix_prot_thread_start(posix_self); /* owner of the CPU, still masked */
		arch_irq_unlock(0U); /* new threads start unmasked; take a pending tick */
		z_thread_entry(posix_self->thread);
	}
}

/*
 * Everything the Zephyr thread runs lies below stack_floor: the first page
 * boundary at least FLOOR_GAP bytes under this frame. Above it stay glibc's
 * TCB and static TLS (TLS is read inside signal handlers and the hand-off),
 * this frame and the trampoline's; they are never closed.
 */
#define FLOOR_GAP 256U

static __noinline void run_below_floor(struct posix_ctx *c)
{
	uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
	uintptr_t floor = (frame - FLOOR_GAP) & ~(uintptr_t)(HOST_PAGE - 1U);
	volatile uint8_t *pad = __builtin_alloca(frame - floor + FLOOR_GAP);

	pad[0] = 0U; /* the pad reaches below the floor, and so will run_until_death() */
	c->stack_floor = floor;
	run_until_death();
	pad[0] = 1U; /* keeps the pad alive across the call */
}

static void *thread_trampoline(void *arg)
{
	struct posix_ctx *c = arg;

	posix_self = c;
	__atomic_store_n(&c->tid, posix_gettid(), __ATOMIC_RELEASE);
	/* The kernel zeroes host_alive once this thread has left its stack for good. */
	(void)syscall(SYS_set_tid_address, &c->host_alive);
	posix_masked = 1;
	posix_altstack_on(c);
	run_below_floor(c);
	/* Dying. Only this ctx and libc are touched now. */
	posix_altstack_off(c);
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
	struct posix_ctx *c = ctx_get(host_stack_size(stack_size));
	sigset_t tick, old;
	pthread_attr_t attr;
	pthread_t host;
	int ret;

	if (c == NULL) {
		return -ENOMEM;
	}
	c->thread = thread;
	/* z_idle_thread_init() is the only caller without a stack buffer. */
	c->is_idle = stack == NULL && thread->base.prio == K_IDLE_PRIO;
	thread->arch.ctx = c;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstack(&attr, (void *)c->stack_lo, c->stack_size);
	sigemptyset(&tick);
	sigaddset(&tick, POSIX_SIG_TICK);
	pthread_sigmask(SIG_BLOCK, &tick, &old);
	__atomic_store_n(&c->host_alive, 1U, __ATOMIC_RELAXED);
	ret = pthread_create(&host, &attr, thread_trampoline, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (ret != 0) {
		__atomic_store_n(&c->host_alive, 0U, __ATOMIC_RELAXED);
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
	if (IS_ENABLED(CONFIG_USERSPACE)) {
		/* A signal stack only: main keeps the process stack, which stays open. */
		void *alt = mmap(NULL, HOST_ALTSTACK, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (alt != MAP_FAILED) {
			c->alt_lo = (uintptr_t)alt;
			c->alt_size = HOST_ALTSTACK;
			posix_altstack_on(c);
		}
	}
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
	struct posix_ctx *nc = next->arch.ctx;
	struct posix_range close = { 0U, 0U };

	posix_prot_switch(self, nc, &close);
#if defined(POSIX_HANDOFF_ASM)
	publish_owner(nc);
	TSAN_RELEASE(&nc->run);
	handoff(nc, self, &close);
#else
	hand_to(nc);
#endif
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
	if (next != NULL) {
		struct posix_range close = { 0U, 0U };

		/* Our stack stays open (we unwind on it), so close stays empty. */
		posix_prot_thread_exit(self);
		posix_prot_switch(self, next->arch.ctx, &close);
	}
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
	posix_prot_thread_exit(c); /* it unwinds on its stack once woken */
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
