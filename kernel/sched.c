/*
 * The scheduler: ready queue, blocking on wait queues, wake-ups, switching,
 * preemption and time slicing. Portable: the port only switches contexts
 * (arch_switch) or, under CONFIG_SMP, parks and unparks host threads.
 * Invariants are listed in include/ksched.h.
 */
#include <errno.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "include/ksched.h"
#include "include/kuser.h"

struct z_kernel _kernel;
struct k_spinlock _sched_spinlock;

#if defined(CONFIG_SMP)
_Thread_local struct k_thread *z_smp_current;
#endif

/* ---- queues ------------------------------------------------------------- */

/*
 * Insert by priority, behind every thread of equal priority (FIFO among
 * equals). Walks from the tail: O(1) when the newcomer is the least urgent,
 * O(n) at worst; queues are short (threads of one object, or ready threads).
 */
static void prio_insert(struct z_dnode *head, struct k_thread *t)
{
	struct z_dnode *pos = head->prev;

	while (pos != head && Z_THREAD_OF(pos)->base.prio > t->base.prio) {
		pos = pos->prev;
	}
	z_dl_insert_after(pos, &t->base.qnode);
}

static struct k_thread *runq_head(void)
{
	return z_dl_empty(&_kernel.runq) ? NULL : Z_THREAD_OF(_kernel.runq.next);
}

void z_waitq_init(_wait_q_t *wq)
{
	z_dl_init(&wq->waitq);
}

struct k_thread *z_waitq_head(_wait_q_t *wq)
{
	return z_dl_empty(&wq->waitq) ? NULL : Z_THREAD_OF(wq->waitq.next);
}

/*
 * SMP: CPUs are tokens. A QUEUED thread whose qnode is linked into runq waits
 * for one (most urgent first); an unlinked QUEUED thread holds one and runs.
 */
static void smp_grant_or_queue(struct k_thread *t)
{
	if (_kernel.cpus_free > 0) {
		_kernel.cpus_free--;
		arch_thread_unpark(t);
	} else {
		prio_insert(&_kernel.runq, t);
	}
}

/* SMP: a running thread stops running; its CPU goes to the first waiter. */
static void smp_release_cpu(void)
{
	struct k_thread *next = runq_head();

	if (next != NULL) {
		z_dl_remove(&next->base.qnode);
		arch_thread_unpark(next);
	} else {
		_kernel.cpus_free++;
	}
}

void z_ready_thread_locked(struct k_thread *t)
{
	uint8_t blocked = _THREAD_PENDING | _THREAD_PRESTART | _THREAD_DEAD |
			  _THREAD_SUSPENDED | _THREAD_SLEEPING | _THREAD_QUEUED;

	if ((t->base.thread_state & blocked) != 0U || t == _kernel.idle) {
		return;
	}
	t->base.thread_state |= _THREAD_QUEUED;
	if (IS_ENABLED(CONFIG_SMP)) {
		smp_grant_or_queue(t);
	} else {
		prio_insert(&_kernel.runq, t);
	}
}

void z_dequeue_current_locked(struct k_thread *t)
{
	if ((t->base.thread_state & _THREAD_QUEUED) == 0U) {
		return;
	}
	t->base.thread_state &= (uint8_t)~_THREAD_QUEUED;
	if (z_dl_linked(&t->base.qnode)) {
		z_dl_remove(&t->base.qnode); /* ready queue, or SMP: waiting for a CPU */
	} else if (IS_ENABLED(CONFIG_SMP)) {
		smp_release_cpu();
	}
}

void z_unpend_thread_locked(struct k_thread *t)
{
	z_dl_remove(&t->base.qnode);
	t->base.pended_on = NULL;
	t->base.thread_state &= (uint8_t)~_THREAD_PENDING;
	(void)z_abort_timeout(&t->base.timeout);
}

void z_pend_current_locked(_wait_q_t *wq, k_timeout_t timeout)
{
	struct k_thread *cur = _current;

	if ((cur->base.thread_state & _THREAD_DEAD) != 0U) {
		return; /* SMP: aborted while running; the port ends it when it parks */
	}
	z_dequeue_current_locked(cur);
	z_dl_lazy_init(&wq->waitq);
	cur->base.thread_state |= _THREAD_PENDING;
	cur->base.pended_on = wq;
	cur->base.swap_retval = -EAGAIN;
	cur->base.swap_data = NULL;
	prio_insert(&wq->waitq, cur);
	if (!K_TIMEOUT_EQ(timeout, K_FOREVER)) {
		z_add_timeout(&cur->base.timeout, z_thread_timeout, timeout);
	}
}

/* A pend, a sleep or a delayed start reached its deadline (tick ISR). */
void z_thread_timeout(struct _timeout *to)
{
	struct k_thread *t = CONTAINER_OF(to, struct k_thread, base.timeout);

	if ((t->base.thread_state & _THREAD_PENDING) != 0U) {
		z_dl_remove(&t->base.qnode);
		t->base.pended_on = NULL;
		t->base.thread_state &= (uint8_t)~_THREAD_PENDING;
		/* swap_retval stays -EAGAIN */
	}
	t->base.thread_state &= (uint8_t)~(_THREAD_SLEEPING | _THREAD_PRESTART);
	z_ready_thread_locked(t);
}

/* ---- switching ---------------------------------------------------------- */

bool z_must_switch_locked(void)
{
	struct k_thread *cur = _current;
	struct k_thread *head = runq_head();

	if (IS_ENABLED(CONFIG_SMP)) {
		return false; /* every runnable thread has its own CPU */
	}
	if (cur == _kernel.idle) {
		return head != NULL;
	}
	if ((cur->base.thread_state & _THREAD_QUEUED) == 0U) {
		return true;
	}
	if (z_is_coop_prio(cur->base.prio) || cur->base.sched_locked != 0U) {
		return false;
	}
	/* Equal priorities queue behind cur, so a head other than cur is more
	 * urgent, or cur was rotated behind it by yield or time slicing. */
	return head != cur;
}

/*
 * Sched lock held: `t` starts a time slice now. Reading the clock costs about
 * 270 Thumb-2 instructions on the Cortex-M boards (64-bit divisions), most
 * of a context switch, so it is skipped while slicing is off (the default);
 * k_sched_time_slice_set() starts the running thread's slice when it turns
 * slicing on, and every later switch starts the incoming thread's.
 */
static void slice_start_locked(struct k_thread *t)
{
	if (_kernel.slice_ticks != 0U) {
		t->base.slice_start = port_uptime_ticks();
	}
}

static int swap_baton(unsigned int key)
{
	struct k_thread *old = _current;
	struct k_thread *next = runq_head();

	if (next == NULL) {
		next = _kernel.idle;
	}
	if (next != old) {
		_current = next;
		slice_start_locked(next);
		arch_switch(old, next);
		/* old runs again: whoever switched back set _current = old */
	}
	z_spin_release(&_sched_spinlock);
	arch_irq_unlock(key);
	return old->base.swap_retval;
}

static int swap_smp(unsigned int key)
{
	struct k_thread *cur = _current;
	/* Blocked, or queued behind others for a CPU (a yield that gave it away). */
	bool blocked = (cur->base.thread_state & _THREAD_QUEUED) == 0U ||
		       z_dl_linked(&cur->base.qnode);

	z_spin_release(&_sched_spinlock);
	if (blocked) {
		arch_thread_park(cur);
		/*
		 * The waker unparked us inside its critical section and may still
		 * be using objects we are about to reuse (a joined thread's
		 * storage): wait until it has left.
		 */
		z_spin_acquire(&_sched_spinlock);
		z_spin_release(&_sched_spinlock);
	} else {
		arch_spin_relax(); /* a yield: let the host run someone else */
	}
	arch_irq_unlock(key);
	return cur->base.swap_retval;
}

int z_swap_locked(unsigned int key)
{
	if (IS_ENABLED(CONFIG_SMP)) {
		return swap_smp(key);
	}
	return swap_baton(key);
}

int z_swap(struct k_spinlock *lock, k_spinlock_key_t key)
{
	if (lock != &_sched_spinlock) {
		z_spin_acquire(&_sched_spinlock);
		z_spin_release(lock);
	}
	return z_swap_locked(key.key);
}

/* ---- kernel-internal API for objects ------------------------------------ */

int z_pend_curr(struct k_spinlock *lock, k_spinlock_key_t key, _wait_q_t *wq,
		k_timeout_t timeout)
{
	if (K_TIMEOUT_EQ(timeout, K_NO_WAIT)) {
		k_spin_unlock(lock, key);
		return -EAGAIN;
	}
	__ASSERT(!arch_is_in_isr(), "blocking call with a timeout in an ISR");
	z_kernel_ensure_init();
	if (lock != &_sched_spinlock) {
		z_spin_acquire(&_sched_spinlock);
	}
	z_pend_current_locked(wq, timeout);
	if (lock != &_sched_spinlock) {
		z_spin_release(lock);
	}
	return z_swap_locked(key.key);
}

struct k_thread *z_unpend_first_thread(_wait_q_t *wq)
{
	k_spinlock_key_t key = k_spin_lock(&_sched_spinlock);
	struct k_thread *t = z_waitq_head(wq);

	if (t != NULL) {
		z_unpend_thread_locked(t);
		t->base.swap_retval = 0;
	}
	k_spin_unlock(&_sched_spinlock, key);
	return t;
}

void z_thread_return_value_set_with_data(struct k_thread *thread, unsigned int value, void *data)
{
	thread->base.swap_retval = (int)value;
	thread->base.swap_data = data;
}

void z_ready_thread(struct k_thread *thread)
{
	k_spinlock_key_t key = k_spin_lock(&_sched_spinlock);

	z_ready_thread_locked(thread);
	k_spin_unlock(&_sched_spinlock, key);
}

bool z_unpend_all(_wait_q_t *wq)
{
	k_spinlock_key_t key = k_spin_lock(&_sched_spinlock);
	struct k_thread *t;
	bool any = false;

	while ((t = z_waitq_head(wq)) != NULL) {
		z_unpend_thread_locked(t);
		t->base.swap_retval = 0;
		z_ready_thread_locked(t);
		any = true;
	}
	k_spin_unlock(&_sched_spinlock, key);
	return any;
}

void z_reschedule(struct k_spinlock *lock, k_spinlock_key_t key)
{
	if (!IS_ENABLED(CONFIG_SMP) && _kernel.ready && arch_irq_unlocked(key.key) &&
	    !arch_is_in_isr()) {
		if (lock != &_sched_spinlock) {
			z_spin_acquire(&_sched_spinlock);
		}
		if (z_must_switch_locked()) {
			if (lock != &_sched_spinlock) {
				z_spin_release(lock);
			}
			(void)z_swap_locked(key.key);
			return;
		}
		if (lock != &_sched_spinlock) {
			z_spin_release(&_sched_spinlock);
		}
	}
	k_spin_unlock(lock, key);
}

/* Called masked, with the key of the caller's own arch_irq_lock(). */
void z_reschedule_irqlock(unsigned int key)
{
	k_spinlock_key_t k = { .key = key };

	z_spin_acquire(&_sched_spinlock);
	z_reschedule(&_sched_spinlock, k);
}

/* ---- interrupts --------------------------------------------------------- */

static void slice_expire_locked(uint64_t now)
{
	struct k_thread *cur = _current;

	if (IS_ENABLED(CONFIG_SMP) || _kernel.slice_ticks == 0U || cur == NULL ||
	    cur == _kernel.idle || (cur->base.thread_state & _THREAD_QUEUED) == 0U ||
	    z_is_coop_prio(cur->base.prio) || cur->base.sched_locked != 0U ||
	    cur->base.prio < _kernel.slice_prio) {
		return;
	}
	if (now - cur->base.slice_start >= _kernel.slice_ticks) {
		/* Behind its equals; a no-op switch when it has none. */
		z_dl_remove(&cur->base.qnode);
		prio_insert(&_kernel.runq, cur);
		cur->base.slice_start = now;
	}
}

void z_clock_isr(void)
{
	k_spinlock_key_t key = k_spin_lock(&_sched_spinlock);
	uint64_t now = port_uptime_ticks();

	z_timeouts_expire(now);
	slice_expire_locked(now);
	k_spin_unlock(&_sched_spinlock, key);
}

void z_isr_exit(void)
{
	if (IS_ENABLED(CONFIG_SMP) || !_kernel.ready || _current == NULL) {
		return;
	}
	z_spin_acquire(&_sched_spinlock);
	if (z_must_switch_locked()) {
		(void)z_swap_locked(1U); /* stays masked: the port unmasks */
		return;
	}
	z_spin_release(&_sched_spinlock);
}

bool k_is_in_isr(void)
{
	return arch_is_in_isr();
}

/* ---- public scheduling calls -------------------------------------------- */

k_tid_t k_current_get(void)
{
	if (Z_USER_TRAP()) {
		return (k_tid_t)z_syscall0(K_SYSCALL_K_CURRENT_GET);
	}
	z_kernel_ensure_init();
	return _current;
}

void k_yield(void)
{
	k_spinlock_key_t key;
	struct k_thread *cur;

	if (Z_USER_TRAP()) {
		(void)z_syscall0(K_SYSCALL_K_YIELD);
		return;
	}
	__ASSERT(!arch_is_in_isr(), "k_yield() in an ISR");
	z_kernel_ensure_init();
	key = k_spin_lock(&_sched_spinlock);
	cur = _current;
	if (IS_ENABLED(CONFIG_SMP)) {
		struct k_thread *head = runq_head();

		if (head != NULL && head->base.prio <= cur->base.prio) {
			/* Hand this CPU to the first waiter and queue behind it. */
			z_dl_remove(&head->base.qnode);
			arch_thread_unpark(head);
			prio_insert(&_kernel.runq, cur);
		}
	} else if ((cur->base.thread_state & _THREAD_QUEUED) != 0U) {
		z_dl_remove(&cur->base.qnode);
		prio_insert(&_kernel.runq, cur);
	}
	(void)z_swap_locked(key.key);
}

void k_sched_lock(void)
{
	Z_USER_REFUSE(K_SYSCALL_K_SCHED_LOCK);
	__ASSERT(!arch_is_in_isr(), "k_sched_lock() in an ISR");
	z_kernel_ensure_init();
	_current->base.sched_locked++;
}

void k_sched_unlock(void)
{
	unsigned int key;

	Z_USER_REFUSE(K_SYSCALL_K_SCHED_UNLOCK);
	key = arch_irq_lock();

	__ASSERT(_current->base.sched_locked != 0U, "k_sched_unlock() without k_sched_lock()");
	_current->base.sched_locked--;
	z_reschedule_irqlock(key);
}

int k_is_preempt_thread(void)
{
	if (Z_USER_TRAP()) {
		return (int)z_syscall0(K_SYSCALL_K_IS_PREEMPT_THREAD);
	}
	return !arch_is_in_isr() && _current != NULL && !z_is_coop_prio(_current->base.prio) &&
	       _current->base.sched_locked == 0U;
}

int k_thread_priority_get(k_tid_t thread)
{
	if (Z_USER_TRAP()) {
		return (int)z_syscall1(K_SYSCALL_K_THREAD_PRIORITY_GET, (uintptr_t)thread);
	}
	return thread->base.prio;
}

/* Sched lock held: set the priority and re-sort the queue the thread sits in. */
static void prio_change_locked(struct k_thread *thread, int prio)
{
	if ((thread->base.thread_state & _THREAD_QUEUED) != 0U &&
	    z_dl_linked(&thread->base.qnode)) {
		z_dl_remove(&thread->base.qnode);
		thread->base.prio = (int8_t)prio;
		prio_insert(&_kernel.runq, thread);
	} else if ((thread->base.thread_state & _THREAD_PENDING) != 0U) {
		z_dl_remove(&thread->base.qnode);
		thread->base.prio = (int8_t)prio;
		prio_insert(&thread->base.pended_on->waitq, thread);
	} else {
		thread->base.prio = (int8_t)prio;
	}
}

void z_thread_prio_change(struct k_thread *thread, int prio)
{
	k_spinlock_key_t key = k_spin_lock(&_sched_spinlock);

	prio_change_locked(thread, prio);
	k_spin_unlock(&_sched_spinlock, key);
}

void k_thread_priority_set(k_tid_t thread, int prio)
{
	k_spinlock_key_t key;

	if (Z_USER_TRAP()) {
		(void)z_syscall2(K_SYSCALL_K_THREAD_PRIORITY_SET, (uintptr_t)thread,
				 (uintptr_t)(intptr_t)prio);
		return;
	}
	__ASSERT(z_is_valid_prio(prio), "invalid priority %d", prio);
	key = k_spin_lock(&_sched_spinlock);
	prio_change_locked(thread, prio);
	z_reschedule(&_sched_spinlock, key);
}

void k_sched_time_slice_set(int32_t slice, int prio)
{
	k_spinlock_key_t key;

	Z_USER_REFUSE(K_SYSCALL_K_SCHED_TIME_SLICE_SET);
	key = k_spin_lock(&_sched_spinlock);

	_kernel.slice_ticks = slice > 0 ? k_ms_to_ticks_ceil64(slice) : 0U;
	_kernel.slice_prio = prio;
	if (_current != NULL) {
		slice_start_locked(_current);
	}
	k_spin_unlock(&_sched_spinlock, key);
}

/*
 * The current thread is dead (sched lock held, masked): hand the CPU on for
 * good. In SMP mode the port releases the sched lock (z_sched_exit_release())
 * once it no longer reads `old`.
 */
FUNC_NORETURN void z_swap_exit_locked(struct k_thread *old)
{
	struct k_thread *next = NULL;

	if (!IS_ENABLED(CONFIG_SMP)) {
		next = runq_head();
		if (next == NULL) {
			next = _kernel.idle;
		}
		_current = next;
		slice_start_locked(next);
	}
	arch_switch_exit(old, next);
}

void z_sched_exit_release(void)
{
	z_spin_release(&_sched_spinlock);
}
