/*
 * Mutexes (Zephyr's k_mutex): owned, recursive, with priority inheritance.
 */
#ifndef ZEPHYR_INCLUDE_KERNEL_MUTEX_H_
#define ZEPHYR_INCLUDE_KERNEL_MUTEX_H_

#include <stdint.h>
#include <zephyr/kernel_structs.h>
#include <zephyr/sys/iterable_sections.h>
#include <zephyr/sys_clock.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Default for builds without Kconfig (host unit tests); Kconfig's is the same. */
#ifndef CONFIG_PRIORITY_CEILING
#define CONFIG_PRIORITY_CEILING (-127)
#endif

/*
 * owner == NULL iff lock_count == 0. While owned, owner_orig_prio is the
 * priority the owner had when it took the mutex; the owner may run at a more
 * urgent, inherited priority while threads wait (never above
 * CONFIG_PRIORITY_CEILING).
 */
struct k_mutex {
	_wait_q_t wait_q;
	struct k_thread *owner;
	uint32_t lock_count;
	int owner_orig_prio;
};

#define Z_MUTEX_INITIALIZER(obj)                                                          \
	{                                                                                 \
		.wait_q = Z_WAIT_Q_INIT(&(obj).wait_q), .owner = NULL, .lock_count = 0,   \
		.owner_orig_prio = 0,                                                     \
	}

/* Define an unlocked mutex at file scope. */
#define K_MUTEX_DEFINE(name) STRUCT_SECTION_ITERABLE(k_mutex, name) = Z_MUTEX_INITIALIZER(name)

/** Make `mutex` unlocked with no waiters. Returns 0. Not while in use. O(1). */
int k_mutex_init(struct k_mutex *mutex);

/**
 * Lock `mutex`, waiting up to `timeout` if another thread owns it. The owner
 * may lock it again (each lock needs its unlock). While the caller waits, the
 * owner runs at least at the caller's priority (priority inheritance, bounded
 * by CONFIG_PRIORITY_CEILING); when the wait times out the owner drops back
 * to what its remaining waiters justify. Returns 0 when locked, -EBUSY with
 * K_NO_WAIT when owned by another thread, -EAGAIN when the timeout passed.
 * Not from an ISR. O(waiters) for the wait-queue insertion.
 */
int k_mutex_lock(struct k_mutex *mutex, k_timeout_t timeout);

/**
 * Undo one k_mutex_lock() of the caller. On the last one the owner gets its
 * own priority back and the mutex goes to the most urgent waiter (it returns
 * from k_mutex_lock() owning it), or becomes free. May switch to that waiter.
 * Returns 0, -EINVAL when the mutex is not locked, -EPERM when the caller is
 * not its owner. Not from an ISR. O(1) plus a priority re-sort.
 */
int k_mutex_unlock(struct k_mutex *mutex);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_KERNEL_MUTEX_H_ */
