/*
 * Counting semaphores. One lock serves every semaphore: each critical
 * section is a few instructions, and a give that finds a waiter hands the
 * unit over directly instead of counting it, so no third thread can take it
 * between the wake-up and the waiter running.
 */
#include <errno.h>
#include <zephyr/kernel.h>

#include "include/ksched.h"
#include "include/kuser.h"

static struct k_spinlock sem_lock;

/* Under sem_lock; atomic because k_sem_count_get() reads without the lock. */
static inline void set_count(struct k_sem *sem, unsigned int count)
{
	__atomic_store_n(&sem->count, count, __ATOMIC_RELAXED);
}

int k_sem_init(struct k_sem *sem, unsigned int initial_count, unsigned int limit)
{
	if (Z_USER_TRAP()) {
		return (int)z_syscall3(K_SYSCALL_K_SEM_INIT, (uintptr_t)sem, initial_count, limit);
	}
	if (limit == 0U || initial_count > limit) {
		return -EINVAL;
	}
	sem->count = initial_count;
	sem->limit = limit;
	z_waitq_init(&sem->wait_q);
#ifdef CONFIG_USERSPACE
	(void)z_object_register(sem, K_OBJ_SEM);
#endif
	return 0;
}

int k_sem_take(struct k_sem *sem, k_timeout_t timeout)
{
	k_spinlock_key_t key;

	if (Z_USER_TRAP()) {
		return (int)z_syscall3(K_SYSCALL_K_SEM_TAKE, (uintptr_t)sem,
				       Z_TIMEOUT_ARGS(timeout));
	}
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
	k_spinlock_key_t key;
	struct k_thread *waiter;

	if (Z_USER_TRAP()) {
		(void)z_syscall1(K_SYSCALL_K_SEM_GIVE, (uintptr_t)sem);
		return;
	}
	key = k_spin_lock(&sem_lock);
	waiter = z_unpend_first_thread(&sem->wait_q);

	if (waiter != NULL) {
		z_ready_thread(waiter);
	} else if (sem->count != sem->limit) {
		set_count(sem, sem->count + 1U);
	}
	z_reschedule(&sem_lock, key);
}

void k_sem_reset(struct k_sem *sem)
{
	k_spinlock_key_t key;
	struct k_thread *waiter;

	if (Z_USER_TRAP()) {
		(void)z_syscall1(K_SYSCALL_K_SEM_RESET, (uintptr_t)sem);
		return;
	}
	key = k_spin_lock(&sem_lock);
	set_count(sem, 0U);
	while ((waiter = z_unpend_first_thread(&sem->wait_q)) != NULL) {
		z_thread_return_value_set_with_data(waiter, (unsigned int)-EAGAIN, NULL);
		z_ready_thread(waiter);
	}
	z_reschedule(&sem_lock, key);
}

#ifdef CONFIG_USERSPACE
unsigned int k_sem_count_get(struct k_sem *sem)
{
	if (Z_USER_TRAP()) {
		return (unsigned int)z_syscall1(K_SYSCALL_K_SEM_COUNT_GET, (uintptr_t)sem);
	}
	return __atomic_load_n(&sem->count, __ATOMIC_RELAXED);
}
#endif
