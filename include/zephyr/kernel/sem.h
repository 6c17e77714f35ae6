/*
 * Counting semaphores (Zephyr's k_sem).
 *
 * A give with waiters hands the unit straight to the most urgent waiter
 * (priority, then arrival), so the count stays 0 and no other thread can
 * steal it in between.
 */
#ifndef ZEPHYR_INCLUDE_KERNEL_SEM_H_
#define ZEPHYR_INCLUDE_KERNEL_SEM_H_

#include <limits.h>
#include <zephyr/kernel_structs.h>
#include <zephyr/sys/iterable_sections.h>
#include <zephyr/sys_clock.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

#define K_SEM_MAX_LIMIT UINT_MAX

struct k_sem {
	_wait_q_t wait_q;
	unsigned int count;
	unsigned int limit;
};

#define Z_SEM_INITIALIZER(obj, initial_count, count_limit) \
	{                                                  \
		.wait_q = Z_WAIT_Q_INIT(&(obj).wait_q),    \
		.count = (initial_count),                  \
		.limit = (count_limit),                    \
	}

/**
 * Define and initialise a semaphore at file scope (ready before main()).
 * A zero limit or an initial count above the limit is a build error.
 */
#define K_SEM_DEFINE(name, initial_count, count_limit)                                   \
	STRUCT_SECTION_ITERABLE(k_sem, name) =                                            \
		Z_SEM_INITIALIZER(name, initial_count, count_limit);                      \
	BUILD_ASSERT(((count_limit) != 0) && ((initial_count) <= (count_limit)) &&        \
		     ((count_limit) <= K_SEM_MAX_LIMIT))

/**
 * Initialise `sem` with `initial_count` units and at most `limit`.
 * Returns 0, or -EINVAL when limit is 0 or initial_count > limit (the
 * semaphore is then left untouched). Not while threads wait on it. O(1).
 */
int k_sem_init(struct k_sem *sem, unsigned int initial_count, unsigned int limit);

/**
 * Take one unit, waiting up to `timeout` for one. Returns 0 when taken,
 * -EBUSY with K_NO_WAIT and no unit, -EAGAIN when the timeout passed or the
 * semaphore was reset while waiting. From an ISR only with K_NO_WAIT
 * (asserted). O(1) plus the wait-queue insertion (O(waiters)).
 */
int k_sem_take(struct k_sem *sem, k_timeout_t timeout);

/**
 * Give one unit: wake the most urgent waiter with it, or add it to the count
 * (which saturates at the limit). May switch to the woken thread. Any
 * context. O(1).
 */
void k_sem_give(struct k_sem *sem);

/** Set the count to 0; every waiter returns -EAGAIN. Any context. */
void k_sem_reset(struct k_sem *sem);

/** The current count. O(1); any context. */
#ifdef CONFIG_USERSPACE
/* A kernel call from user mode, which cannot read the object itself. */
unsigned int k_sem_count_get(struct k_sem *sem);
#else
static inline unsigned int k_sem_count_get(struct k_sem *sem)
{
	return __atomic_load_n(&sem->count, __ATOMIC_RELAXED);
}
#endif

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_KERNEL_SEM_H_ */
