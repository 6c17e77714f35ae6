/*
 * Scheduler internals shared by the kernel sources (not for applications).
 *
 * State and its lock: everything below, every wait queue and every thread's
 * base fields are guarded by _sched_spinlock. Without CONFIG_SMP that lock is
 * only interrupt masking (one thread runs at a time); with CONFIG_SMP it is a
 * real lock, and ISRs (the tick) run on the port's own host thread.
 *
 * Baton mode invariants:
 * - _kernel.current is the one thread running; it is QUEUED in _kernel.runq
 *   unless it is the idle thread or has just blocked or died.
 * - _kernel.runq holds every ready thread (QUEUED) sorted by priority, FIFO
 *   among equals; its head is the thread that should run.
 * - The idle thread is never QUEUED; it runs when runq is empty.
 * SMP mode: CPUs are CONFIG_MP_MAX_NUM_CPUS tokens. A QUEUED thread either
 * holds one (qnode unlinked: its host thread runs) or waits for one in runq;
 * cpus_free counts the others. A thread gives its CPU to runq's head when it
 * blocks, sleeps, yields to an equal or more urgent waiter, or exits. Running
 * threads are not preempted. "current" is per host thread.
 */
#ifndef ZMEM_KERNEL_INCLUDE_KSCHED_H_
#define ZMEM_KERNEL_INCLUDE_KSCHED_H_

#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

struct z_kernel {
	struct k_thread *current;     /* baton mode only */
	struct z_dnode runq;          /* ready threads (SMP: those waiting for a CPU) */
	int cpus_free;                /* SMP: CPUs no thread holds */
	struct z_dnode timeouts;      /* armed timeouts by deadline, then arrival */
	struct k_thread *idle;        /* baton mode idle thread */
	struct k_thread *threads;     /* every live thread */
	uint64_t slice_ticks;         /* 0: no time slicing */
	int slice_prio;               /* slice threads at this priority or less urgent */
	bool ready;                   /* z_sched_init() done */
};

extern struct z_kernel _kernel;
extern struct k_spinlock _sched_spinlock;
extern struct k_thread z_main_thread;

#if defined(CONFIG_SMP)
extern _Thread_local struct k_thread *z_smp_current;
#define _current z_smp_current
#else
#define _current (_kernel.current)
#endif

/* ---- intrusive lists -------------------------------------------------- */

static inline void z_dl_init(struct z_dnode *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool z_dl_empty(struct z_dnode *h)
{
	return h->next == NULL || h->next == h;
}

/* A zero-filled head becomes a valid empty list. */
static inline void z_dl_lazy_init(struct z_dnode *h)
{
	if (h->next == NULL) {
		z_dl_init(h);
	}
}

static inline void z_dl_insert_after(struct z_dnode *pos, struct z_dnode *n)
{
	n->prev = pos;
	n->next = pos->next;
	pos->next->prev = n;
	pos->next = n;
}

static inline void z_dl_remove(struct z_dnode *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = NULL;
	n->prev = NULL;
}

static inline bool z_dl_linked(const struct z_dnode *n)
{
	return n->next != NULL;
}

#define Z_THREAD_OF(node) CONTAINER_OF(node, struct k_thread, base.qnode)

/* ---- scheduler (sched.c) ---------------------------------------------- */

/* Boot the scheduler on the calling context (idempotent). */
void z_sched_init(void);

/* For entry points a host unit test may call before any z_cstart(). */
static inline void z_kernel_ensure_init(void)
{
	if (unlikely(!_kernel.ready)) {
		z_sched_init();
	}
}

static inline bool z_is_coop_prio(int prio)
{
	return prio < 0;
}

static inline bool z_is_valid_prio(int prio)
{
	return prio >= K_HIGHEST_THREAD_PRIO && prio <= K_LOWEST_APPLICATION_THREAD_PRIO;
}

/* With the sched lock held and interrupts masked with `key`: block or yield
 * the current thread (its state already set) and return its swap_retval once
 * it runs again; the sched lock is released and interrupts restored. */
int z_swap_locked(unsigned int key);

/* z_swap(): same, with another lock held instead of the sched lock. */
int z_swap(struct k_spinlock *lock, k_spinlock_key_t key);

/* Sched lock held: make `thread` runnable. */
void z_ready_thread_locked(struct k_thread *thread);

/* Sched lock held: take `thread` off the ready queue (it is about to block). */
void z_dequeue_current_locked(struct k_thread *thread);

/* Sched lock held: take `thread` off its wait queue and cancel its timeout. */
void z_unpend_thread_locked(struct k_thread *thread);

/* Sched lock held: the current thread waits on `wq` until `timeout`. */
void z_pend_current_locked(_wait_q_t *wq, k_timeout_t timeout);

/*
 * Set `thread`'s priority and re-sort the ready or wait queue it is in, with
 * no switch (the caller reschedules). Takes the sched lock: call it with an
 * object lock held, never with the sched lock. Priority inheritance uses it.
 */
void z_thread_prio_change(struct k_thread *thread, int prio);

/* Sched lock held: should the current thread give the CPU away now? */
bool z_must_switch_locked(void);

/* Sched lock held, masked: the current thread is dead; switch away for good. */
FUNC_NORETURN void z_swap_exit_locked(struct k_thread *old);

/* Timeout callback for threads (pend, sleep, delayed start). */
void z_thread_timeout(struct _timeout *to);

/* ---- timeouts (timeout.c), sched lock held ------------------------------ */

void z_add_timeout(struct _timeout *to, _timeout_func_t fn, k_timeout_t timeout);
/* Same, with an absolute deadline tick (a k_timepoint_t's). */
void z_add_timeout_at(struct _timeout *to, _timeout_func_t fn, uint64_t deadline);
/* Returns 0 if it was armed, -EINVAL if it had expired or was never armed. */
int z_abort_timeout(struct _timeout *to);
/* Run every expired timeout's callback. */
void z_timeouts_expire(uint64_t now_tick);

/* ---- threads (thread.c) ------------------------------------------------- */

/* Sched lock held: the thread is dead; wake joiners and unlink it. */
void z_thread_mark_dead_locked(struct k_thread *thread);

/* Current thread exits (entry returned or self-abort). */
FUNC_NORETURN void z_thread_exit_current(void);

/* Create the idle thread (baton mode). */
void z_idle_thread_init(void);

#endif /* ZMEM_KERNEL_INCLUDE_KSCHED_H_ */
