/*
 * Counting semaphores. One lock serves every semaphore: each critical
 * section is a few instructions, and a give that finds a waiter hands the
 * unit over directly instead of counting it, so no third thread can take it
 * between the wake-up and the waiter running.
 */
#include <errno.h>
#include <zephyr/kernel.h>

#include "include/ksched.h"

static struct k_spinlock sem_lock;

/* Under sem_lock; atomic because k_sem_count_get() reads without the lock. */
static inline void set_count(struct k_sem *sem, unsigned int count)
{
	__atomic_store_n(&sem->count, count, __ATOMIC_RELAXED);
}

int k_sem_init(struct k_sem *sem, unsigned int initial_count, unsigned int limit)
{
	if (limit == 0U || initial_count > limit) {
		return -EINVAL;
	}
	sem->count = initial_count;
	sem->limit = limit;
	z_waitq_init(&sem->wait_q);
	return 0;
}

int k_sem_take(struct k_sem *sem, k_timeout_t timeout)
{
	k_spinlock_key_t key;

	__ASSERT(!arch_is_in_isr() || K_TIMEOUT_EQ(timeout, K_NO_WAIT),
		 "k_sem_take() with a timeout in an ISR");
	key = k_spin_lock(&sem_lock);
	if (likely(sem->count > 0U)) {
		set_count(sem, sem->count - 1U);
		k_spin_unlock(&sem_lock, key);
		return 0;
	}
	if (K_TIMEOUT_EQ(timeout, K_NO_WAIT)) {
		k_spin_unlock(&sem_lock, key);
		return -EBUSY;
	}
	return z_pend_curr(&sem_lock, key, &sem->wait_q, timeout);
}

void k_sem_give(struct k_sem *sem)
{
	k_spinlock_key_t key = k_spin_lock(&sem_lock);
	struct k_thread *waiter = z_unpend_first_thread(&sem->wait_q);

	if (waiter != NULL) {
		z_ready_thread(waiter);
	} else if (sem->count != sem->limit) {
		set_count(sem, sem->count + 1U);
	}
	z_reschedule(&sem_lock, key);
}

void k_sem_reset(struct k_sem *sem)
{
	k_spinlock_key_t key = k_spin_lock(&sem_lock);
	struct k_thread *waiter;

	set_count(sem, 0U);
	while ((waiter = z_unpend_first_thread(&sem->wait_q)) != NULL) {
		z_thread_return_value_set_with_data(waiter, (unsigned int)-EAGAIN, NULL);
		z_ready_thread(waiter);
	}
	z_reschedule(&sem_lock, key);
}
