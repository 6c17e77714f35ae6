/*
 * TEMPORARY stand-in for <zephyr/spinlock.h> until the kernel's lands: a C11 atomic
 * test-and-set lock with the same names. Removed once include/zephyr/spinlock.h exists.
 */
#ifndef ZEPHYR_INCLUDE_SPINLOCK_H_
#define ZEPHYR_INCLUDE_SPINLOCK_H_

#include <stdatomic.h>

struct k_spinlock {
	atomic_int locked;
};

typedef int k_spinlock_key_t;

static inline k_spinlock_key_t k_spin_lock(struct k_spinlock *l)
{
	while (atomic_exchange_explicit(&l->locked, 1, memory_order_acquire) != 0) {
	}
	return 0;
}

static inline void k_spin_unlock(struct k_spinlock *l, k_spinlock_key_t key)
{
	(void)key;
	atomic_store_explicit(&l->locked, 0, memory_order_release);
}

#endif
