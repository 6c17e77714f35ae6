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
	/*
	 * The host stack, mapped by the port (thread.c) and kept with the ctx
	 * when it is recycled. Layout, low to high: guard page, signal stack,
	 * guard page, stack [stack_lo, stack_lo + stack_size). glibc keeps the
	 * TCB and static TLS at the top; the entry trampoline moves every
	 * frame of the Zephyr thread below stack_floor (page-aligned), so
	 * [stack_lo, stack_floor) is what page protection may close.
	 */
	void *map;
	size_t map_size;
	uintptr_t stack_lo;
	size_t stack_size;
	uintptr_t alt_lo;
	size_t alt_size;
	uintptr_t stack_floor;
	uint32_t host_alive;   /* nonzero until the host thread has ended (set_tid_address) */
	uint32_t handoff_parked; /* 1 while parked in handoff(): its stack may be closed */
	bool is_idle;          /* the kernel's idle thread (no stack buffer, idle priority) */
	/* Page protection (page_prot.c, CONFIG_USERSPACE). */
	bool prot_user;        /* dropped to user mode */
	uint8_t prot_kdepth;   /* nesting of kernel calls made from user mode */
	stack_t prev_altstack; /* what the host thread had before ours (ASan's) */
};

/* An address range [start, start + size). */
struct posix_range {
	uintptr_t start;
	size_t size;
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

/*
 * Page protection of user threads (page_prot.c, CONFIG_USERSPACE; no-ops
 * otherwise). All but posix_prot_init() run on the CPU owner, masked.
 *
 * posix_prot_init(): at port_init(): pins the process to one CPU.
 * posix_prot_thread_start(): `c` runs for the first time: its stack
 *   [stack_lo, stack_floor) becomes a protected region that it owns.
 * posix_prot_switch(): the CPU goes from `old` to `next`: apply next's view
 *   of memory. `old`'s own stack cannot be closed while old still runs on it:
 *   when next may not see it, *close is set to it and arch_switch() closes it
 *   in the hand-off, which touches no stack (size 0: nothing to close).
 * posix_prot_thread_exit(): c's thread is dead (or being reaped): its stack
 *   is opened and belongs to nobody, so that the dying host thread may unwind.
 * posix_prot_stack_forget(): c's stack is about to be unmapped.
 * posix_prot_isr_exit(): the outermost interrupt on this thread ended.
 */
#if defined(CONFIG_USERSPACE)
void posix_prot_init(void);
void posix_prot_thread_start(struct posix_ctx *c);
void posix_prot_switch(struct posix_ctx *old, struct posix_ctx *next, struct posix_range *close);
void posix_prot_thread_exit(struct posix_ctx *c);
void posix_prot_stack_forget(struct posix_ctx *c);
void posix_prot_isr_exit(void);

/*
 * The hooks arch/posix/user_mode.c calls (weak no-ops there, page_prot.c
 * overrides them): the current thread enters user mode; a domain's
 * partitions or members changed; a kernel call from user mode begins / ends.
 */
void posix_prot_user_enter(struct k_thread *thread);
void posix_prot_domain_changed(struct k_mem_domain *domain);
void posix_prot_syscall_enter(void);
void posix_prot_syscall_exit(void);

/*
 * x86-64 hosts with CONFIG_USERSPACE hand the CPU over in assembly that never
 * touches the stack (thread.c); page protection is built only there.
 * posix_wait_handoff_parked(): wait until parked `c` has reached it, after
 * which its stack may be closed.
 */
#if defined(__x86_64__)
#define POSIX_HANDOFF_ASM 1
void posix_wait_handoff_parked(struct posix_ctx *c);
#endif

/* The current thread's signal stack: on for a Zephyr thread, off before its host thread ends. */
void posix_altstack_on(struct posix_ctx *c);
void posix_altstack_off(struct posix_ctx *c);

/*
 * For tests and tools: whether stray accesses of user threads fault on this
 * host (false on qemu-user, where the port sends no signals, and on hosts
 * other than x86-64), with the reason when not.
 */
bool posix_prot_enforced(const char **why_not);

/* The last user-mode fault that posix_prot reported (valid in k_sys_fatal_error_handler). */
struct posix_prot_fault {
	uintptr_t addr;
	uintptr_t pc;
	int access;                 /* PROT_READ, PROT_WRITE or PROT_EXEC */
	bool pc_outside_app;        /* in libc or a sanitizer runtime */
	struct k_thread *thread;    /* the faulting thread */
	const struct k_mem_partition *partition; /* NULL unless in a partition */
	const struct k_mem_domain *domain;       /* a domain holding it, or NULL */
	struct k_thread *stack_of;  /* the stack (or stack guard) it hit, or NULL */
	bool stack_guard;
};
const struct posix_prot_fault *posix_prot_last_fault(void);

/* Counters since boot, for tests and measurements. */
struct posix_prot_stats {
	uint64_t switches;     /* switches that applied a view (protection active) */
	uint64_t mprotects;    /* mprotect(2) calls, the hand-off's own-stack close included */
	uint64_t user_opens;   /* lazy opens for user code */
	uint64_t kernel_opens; /* lazy opens for kernel calls / interrupts on a user thread */
	uint64_t faults;       /* user-mode faults reported */
	unsigned int segments; /* protected regions now */
	bool eager;            /* regions opened at switches, not on first touch (valgrind) */
};
void posix_prot_stats_get(struct posix_prot_stats *out);
#else
static inline void posix_prot_init(void)
{
}
static inline void posix_prot_thread_start(struct posix_ctx *c)
{
	(void)c;
}
static inline void posix_prot_switch(struct posix_ctx *old, struct posix_ctx *next,
				     struct posix_range *close)
{
	(void)old;
	(void)next;
	(void)close;
}
static inline void posix_prot_thread_exit(struct posix_ctx *c)
{
	(void)c;
}
static inline void posix_prot_stack_forget(struct posix_ctx *c)
{
	(void)c;
}
static inline void posix_prot_isr_exit(void)
{
}
static inline void posix_altstack_on(struct posix_ctx *c)
{
	(void)c;
}
static inline void posix_altstack_off(struct posix_ctx *c)
{
	(void)c;
}
#endif

#endif /* ZMEM_ARCH_POSIX_POSIX_PORT_H_ */
