/*
 * Mutexes with priority inheritance.
 *
 * One lock serves every mutex (as sem.c does for semaphores). Lock order:
 * mutex_lock, then the scheduler's lock inside z_thread_prio_change() and the
 * wait-queue calls. Ownership passes directly from the unlocking thread to the
 * most urgent waiter, so no third thread can slip in between.
 */
#include <errno.h>
#include <zephyr/kernel.h>

#include "include/ksched.h"
#include "include/kuser.h"

static struct k_spinlock mutex_lock;

int k_mutex_init(struct k_mutex *mutex)
{
	if (Z_USER_TRAP()) {
		return (int)z_syscall1(K_SYSCALL_K_MUTEX_INIT, (uintptr_t)mutex);
	}
	mutex->owner = NULL;
	mutex->lock_count = 0U;
	mutex->owner_orig_prio = 0;
	z_waitq_init(&mutex->wait_q);
#ifdef CONFIG_USERSPACE
	(void)z_object_register(mutex, K_OBJ_MUTEX);
#endif
	return 0;
}

/* The more urgent of `prio` and `limit`, but never above the ceiling. */
static int inherited_prio(int prio, int limit)
{
	int p = MIN(prio, limit);

	return MAX(p, CONFIG_PRIORITY_CEILING);
}

/* Under mutex_lock: run the owner at `prio`. Returns true if it changed. */
static bool owner_prio_set(struct k_mutex *mutex, int prio)
{
	if (mutex->owner->base.prio == prio) {
		return false;
	}
	z_thread_prio_change(mutex->owner, prio);
	return true;
}

int k_mutex_lock(struct k_mutex *mutex, k_timeout_t timeout)
{
	k_spinlock_key_t key;
	struct k_thread *waiter;
	bool changed;
	int ret;

	if (Z_USER_TRAP()) {
		return (int)z_syscall3(K_SYSCALL_K_MUTEX_LOCK, (uintptr_t)mutex,
				       Z_TIMEOUT_ARGS(timeout));
	}
	__ASSERT(!arch_is_in_isr(), "k_mutex_lock() in an ISR");
	z_kernel_ensure_init();
	key = k_spin_lock(&mutex_lock);
	if (mutex->lock_count == 0U || mutex->owner == _current) {
		if (mutex->lock_count == 0U) {
			mutex->owner = _current;
			mutex->owner_orig_prio = _current->base.prio;
		}
		mutex->lock_count++;
		k_spin_unlock(&mutex_lock, key);
		return 0;
	}
	if (K_TIMEOUT_EQ(timeout, K_NO_WAIT)) {
		k_spin_unlock(&mutex_lock, key);
		return -EBUSY;
	}
	changed = false;
	if (_current->base.prio < mutex->owner->base.prio) {
		changed = owner_prio_set(mutex,
					 inherited_prio(_current->base.prio, mutex->owner->base.prio));
	}
	ret = z_pend_curr(&mutex_lock, key, &mutex->wait_q, timeout);
	if (ret == 0) {
		return 0; /* k_mutex_unlock() made us the owner */
	}

	/* Timed out: the owner keeps only what the remaining waiters justify. */
	key = k_spin_lock(&mutex_lock);
	if (changed && mutex->owner != NULL) {
		waiter = z_waitq_head(&mutex->wait_q);
		(void)owner_prio_set(mutex, waiter != NULL ? inherited_prio(waiter->base.prio,
									      mutex->owner_orig_prio)
							   : mutex->owner_orig_prio);
	}
	z_reschedule(&mutex_lock, key);
	return -EAGAIN;
}

int k_mutex_unlock(struct k_mutex *mutex)
{
	k_spinlock_key_t key;
	struct k_thread *waiter;

	if (Z_USER_TRAP()) {
		return (int)z_syscall1(K_SYSCALL_K_MUTEX_UNLOCK, (uintptr_t)mutex);
	}
	__ASSERT(!arch_is_in_isr(), "k_mutex_unlock() in an ISR");
	z_kernel_ensure_init();
	key = k_spin_lock(&mutex_lock);
	if (mutex->owner == NULL) {
		k_spin_unlock(&mutex_lock, key);
		return -EINVAL;
	}
	if (mutex->owner != _current) {
		k_spin_unlock(&mutex_lock, key);
		return -EPERM;
	}
	if (mutex->lock_count > 1U) {
		mutex->lock_count--;
		k_spin_unlock(&mutex_lock, key);
		return 0;
	}
	(void)owner_prio_set(mutex, mutex->owner_orig_prio);
	waiter = z_unpend_first_thread(&mutex->wait_q);
	mutex->owner = waiter;
	if (waiter != NULL) {
		mutex->lock_count = 1U;
		mutex->owner_orig_prio = waiter->base.prio;
		z_ready_thread(waiter);
	} else {
		mutex->lock_count = 0U;
	}
	z_reschedule(&mutex_lock, key);
	return 0;
}
