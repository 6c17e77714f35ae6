/*
 * The kernel's thread and wait-queue structures (Zephyr's
 * <zephyr/kernel_structs.h> and the thread part of <zephyr/kernel/thread.h>).
 *
 * Applications treat these as opaque storage that they define and pass by
 * address; kernel objects written elsewhere (slabs, heaps) embed _wait_q_t and
 * use the scheduler calls of <zephyr/kernel/internal/sched.h>-style names
 * declared in kernel/thread.h.
 */
#ifndef ZEPHYR_INCLUDE_KERNEL_STRUCTS_H_
#define ZEPHYR_INCLUDE_KERNEL_STRUCTS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/sys/util.h>
#include <zephyr/sys_clock.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Defaults for builds that do not pass through Kconfig (host unit tests that
 * link kernel sources directly); Kconfig always defines these in an app build.
 */
#ifndef CONFIG_NUM_COOP_PRIORITIES
#define CONFIG_NUM_COOP_PRIORITIES 16
#endif
#ifndef CONFIG_NUM_PREEMPT_PRIORITIES
#define CONFIG_NUM_PREEMPT_PRIORITIES 15
#endif
#ifndef CONFIG_MAIN_THREAD_PRIORITY
#define CONFIG_MAIN_THREAD_PRIORITY 0
#endif
#ifndef CONFIG_THREAD_MAX_NAME_LEN
#define CONFIG_THREAD_MAX_NAME_LEN 32
#endif

/*
 * Intrusive doubly-linked list node. A list head is a node linked to itself
 * when empty. A zero-filled head (NULL links) also counts as empty, so that
 * zero-initialised objects work; the kernel links it on first use.
 */
struct z_dnode {
	struct z_dnode *next;
	struct z_dnode *prev;
};

/*
 * A wait queue: threads blocked on one object, kept sorted by priority and,
 * among equal priorities, by arrival (the first to wait is woken first).
 * Modified only with the scheduler lock held.
 */
typedef struct {
	struct z_dnode waitq;
} _wait_q_t;

/* Static initialiser: `_wait_q_t q = Z_WAIT_Q_INIT(&q);`. */
#define Z_WAIT_Q_INIT(wait_q) { { &(wait_q)->waitq, &(wait_q)->waitq } }

struct _timeout;
typedef void (*_timeout_func_t)(struct _timeout *t);

/*
 * A pending timeout: `fn` runs in the tick interrupt once kernel time reaches
 * `deadline` (an absolute tick, see sys_timepoint_calc()). Linked into the
 * kernel's deadline-sorted list while armed; node.next == NULL when not.
 */
struct _timeout {
	struct z_dnode node;
	uint64_t deadline;
	_timeout_func_t fn;
};

/* Thread states (bit set in _thread_base.thread_state). */
#define _THREAD_DUMMY     BIT(0) /* placeholder context, never scheduled */
#define _THREAD_PENDING   BIT(1) /* on a wait queue (pended_on) */
#define _THREAD_PRESTART  BIT(2) /* created, not started yet */
#define _THREAD_DEAD      BIT(3) /* returned or aborted */
#define _THREAD_SUSPENDED BIT(4) /* sleeping without a deadline (K_FOREVER) */
#define _THREAD_ABORTING  BIT(5) /* being aborted */
#define _THREAD_SLEEPING  BIT(6) /* in k_sleep() with a deadline */
#define _THREAD_QUEUED    BIT(7) /* in the ready queue */

struct _thread_base {
	/* Ready-queue or wait-queue link; which one is told by thread_state. */
	struct z_dnode qnode;
	/* Wait queue the thread is pending on, or NULL. */
	_wait_q_t *pended_on;
	/* K_ESSENTIAL, K_USER, ... as given to k_thread_create(). */
	uint8_t user_options;
	uint8_t thread_state;
	/* Scheduling priority: negative is cooperative, lower is more urgent. */
	int8_t prio;
	/* k_sched_lock() nesting depth; preemptible threads act cooperative while > 0. */
	uint8_t sched_locked;
	/* Deadline of a pend, a sleep or a delayed start. */
	struct _timeout timeout;
	/* What z_pend_curr() returns: 0 when woken, -EAGAIN on timeout, or the waker's value. */
	int swap_retval;
	/* Data a waker hands to the woken thread (a slab passes its block here). */
	void *swap_data;
	/* Tick at which the current time slice began (time slicing). */
	uint64_t slice_start;
};

/* Port-owned per-thread state: see <zephyr/zmem/port.h>. */
struct _thread_arch {
	void *ctx;
};

struct _thread_stack_info {
	uintptr_t start;
	size_t size;
	size_t delta;
};

typedef void (*k_thread_entry_t)(void *p1, void *p2, void *p3);

struct k_mem_domain;

/* CONFIG_USERSPACE: the thread's memory domain (every thread has one). */
struct _mem_domain_info {
	/* Link in domain->mem_domain_q. */
	struct z_dnode node;
	struct k_mem_domain *mem_domain;
};

struct k_heap;

struct k_thread {
	struct _thread_base base;
	struct _thread_arch arch;
	struct _thread_stack_info stack_info;
	k_thread_entry_t entry;
	void *p1, *p2, *p3;
	/* Threads blocked in k_thread_join() on this one. */
	_wait_q_t join_queue;
	/* Heap of k_thread_heap_assign(); NULL by default, inherited by children. */
	struct k_heap *resource_pool;
	/* k_thread_custom_data_set/get. */
	void *custom_data;
	/* Links every live thread (debugging, abort of static threads). */
	struct k_thread *next_thread;
	char name[CONFIG_THREAD_MAX_NAME_LEN];
#ifdef CONFIG_USERSPACE
	struct _mem_domain_info mem_domain_info;
	/*
	 * Index of this thread's bit in every kernel object's permission
	 * bitmap (kernel/kobject.c); -1 when it has none.
	 */
	int perm_index;
	/* Port-owned user-mode state (privileged stack, fault recovery, ...). */
	void *arch_user;
#ifdef CONFIG_DYNAMIC_OBJECTS
	/* The stack object it runs on (k_object_alloc_size()), or NULL; given back at exit. */
	const void *stack_obj;
#endif
#endif
};

typedef struct k_thread *k_tid_t;

/*
 * Kernel-internal scheduler calls for kernel objects (semaphores, slabs,
 * heaps). Zephyr's names and semantics. The caller's object lock is a
 * struct k_spinlock (<zephyr/spinlock.h>); the scheduler takes its own lock
 * inside, always after the object's (lock order: object, then scheduler).
 */
struct k_spinlock;
struct z_spinlock_key;

/* Make `wq` an empty wait queue. Not while threads wait on it. */
void z_waitq_init(_wait_q_t *wq);

/*
 * Block the current thread on `wq` until woken or until `timeout` passes,
 * releasing `lock` (taken with key `key`) atomically with the enqueue: a
 * waker that takes the same lock after the caller's failed check is
 * guaranteed to see the caller on `wq`. K_NO_WAIT releases the lock and
 * returns -EAGAIN at once. Returns the value the waker set (0 unless it chose
 * another with z_thread_return_value_set_with_data()), or -EAGAIN on timeout.
 * The lock is not held on return. Thread context only (asserts in an ISR
 * unless K_NO_WAIT).
 */
int z_pend_curr(struct k_spinlock *lock, struct z_spinlock_key key, _wait_q_t *wq,
		k_timeout_t timeout);

/*
 * With the object's lock held: remove and return the most urgent waiter of
 * `wq` (highest priority, then longest waiting), its timeout cancelled and
 * its return value set to 0; NULL if nobody waits. The thread is not ready
 * yet: hand it its result, then z_ready_thread() it. O(1). Any context.
 */
struct k_thread *z_unpend_first_thread(_wait_q_t *wq);

/* The thread at the head of `wq`, left in place; NULL if empty. */
struct k_thread *z_waitq_head(_wait_q_t *wq);

/* Set what the pended thread's z_pend_curr() returns, and its swap_data. */
void z_thread_return_value_set_with_data(struct k_thread *thread, unsigned int value,
					 void *data);

/* Make an unpended (or new) thread ready. No switch happens here. Any context. */
void z_ready_thread(struct k_thread *thread);

/*
 * With the object's lock held: ready every waiter of `wq` (each returns 0).
 * Returns true if there was at least one. O(number of waiters).
 */
bool z_unpend_all(_wait_q_t *wq);

/*
 * Release `lock` and, if a thread more urgent than the current one is ready
 * and the current one may be preempted (preemptible priority, no
 * k_sched_lock(), not in an ISR, interrupts were unmasked before `lock` was
 * taken), switch to it. Any context.
 */
void z_reschedule(struct k_spinlock *lock, struct z_spinlock_key key);

/* Same, for callers that only masked interrupts (arch_irq_lock()). */
void z_reschedule_irqlock(unsigned int key);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_KERNEL_STRUCTS_H_ */
