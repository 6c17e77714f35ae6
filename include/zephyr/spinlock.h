/*
 * Spinlocks (Zephyr's <zephyr/spinlock.h>): the kernel's only lock.
 *
 * k_spin_lock() masks interrupts (the tick and irq_offload) on the current
 * CPU and, with CONFIG_SMP, also takes a real lock, because other CPUs (host
 * threads running in parallel) may be inside the same object. Without SMP only
 * one thread runs at a time, so masking is all the exclusion needed and the
 * lock word stays untouched.
 *
 * A struct k_spinlock is zero-initialisable (`static struct k_spinlock l;` or
 * `= {}`). Locks nest (release in reverse order) but are not recursive: taking
 * a lock already held by the same CPU deadlocks under SMP. Never block, sleep
 * or yield while holding one, except through z_pend_curr()/z_swap-style calls
 * that release it atomically.
 */
#ifndef ZEPHYR_INCLUDE_SPINLOCK_H_
#define ZEPHYR_INCLUDE_SPINLOCK_H_

#include <stdbool.h>
#include <zephyr/sys/util.h>
#include <zephyr/toolchain.h>
#include <zephyr/zmem/port.h>

#ifdef __cplusplus
extern "C" {
#endif

struct k_spinlock {
	/* 1 while held (CONFIG_SMP only); 0 when free, so zero-init is valid. */
	int locked;
};

struct z_spinlock_key {
	unsigned int key;
};

typedef struct z_spinlock_key k_spinlock_key_t;

/* Take the real lock part (SMP); interrupts are already masked. */
static ALWAYS_INLINE void z_spin_acquire(struct k_spinlock *l)
{
	if (IS_ENABLED(CONFIG_SMP)) {
		while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) != 0) {
			while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0) {
				arch_spin_relax();
			}
		}
	}
}

static ALWAYS_INLINE void z_spin_release(struct k_spinlock *l)
{
	if (IS_ENABLED(CONFIG_SMP)) {
		__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	}
}

/**
 * Mask interrupts and take `l`. Returns the key that k_spin_unlock() needs.
 * O(1) without contention; any context.
 */
static ALWAYS_INLINE k_spinlock_key_t k_spin_lock(struct k_spinlock *l)
{
	k_spinlock_key_t k;

	k.key = arch_irq_lock();
	z_spin_acquire(l);
	return k;
}

/**
 * Release `l` and restore the interrupt state saved in `key`. A tick that
 * arrived meanwhile is taken here, so the caller may be preempted inside this
 * call once interrupts are unmasked. O(1); any context.
 */
static ALWAYS_INLINE void k_spin_unlock(struct k_spinlock *l, k_spinlock_key_t key)
{
	z_spin_release(l);
	arch_irq_unlock(key.key);
}

/* Release `l` but keep interrupts masked (the caller restores them later). */
static ALWAYS_INLINE void k_spin_release(struct k_spinlock *l)
{
	z_spin_release(l);
}

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SPINLOCK_H_ */
