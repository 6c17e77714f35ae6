/*
 * Sleeping, waking and busy-waiting.
 *
 * A sleeping thread sits on no wait queue: only its timeout (or k_wakeup())
 * makes it ready again. The deadline is fixed on entry, so the time left
 * after an early wake-up is exact to the tick.
 */
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "include/ksched.h"
#include "include/kuser.h"

/* Sleep; returns the ticks left (0 when the time elapsed), K_TICKS_FOREVER
 * when a K_FOREVER sleep was ended by k_wakeup(). */
static k_ticks_t sleep_ticks(k_timeout_t timeout)
{
	k_spinlock_key_t key;
	struct k_thread *cur;
	k_timepoint_t end;
	int64_t left;

	__ASSERT(!arch_is_in_isr(), "sleeping in an ISR");
	z_kernel_ensure_init();
	if (K_TIMEOUT_EQ(timeout, K_NO_WAIT)) {
		k_yield();
		return 0;
	}
	end = sys_timepoint_calc(timeout);
	key = k_spin_lock(&_sched_spinlock);
	cur = _current;
	if ((cur->base.thread_state & _THREAD_DEAD) == 0U) {
		z_dequeue_current_locked(cur);
		if (K_TIMEOUT_EQ(timeout, K_FOREVER)) {
			cur->base.thread_state |= _THREAD_SUSPENDED;
		} else {
			cur->base.thread_state |= _THREAD_SLEEPING;
			/* One deadline for the sleep and its remainder. */
			z_add_timeout_at(&cur->base.timeout, z_thread_timeout, end.tick);
		}
	}
	(void)z_swap_locked(key.key);
	if (K_TIMEOUT_EQ(timeout, K_FOREVER)) {
		return K_TICKS_FOREVER;
	}
	left = (int64_t)end.tick - k_uptime_ticks();
	return left > 0 ? left : 0;
}

int32_t k_sleep(k_timeout_t timeout)
{
	k_ticks_t left;

	if (Z_USER_TRAP()) {
		return (int32_t)z_syscall2(K_SYSCALL_K_SLEEP, Z_TIMEOUT_ARGS(timeout));
	}
	left = sleep_ticks(timeout);

	if (left == K_TICKS_FOREVER) {
		return (int32_t)K_TICKS_FOREVER;
	}
	return (int32_t)k_ticks_to_ms_ceil64(left);
}

int32_t k_usleep(int32_t us)
{
	k_ticks_t left;

	if (Z_USER_TRAP()) {
		return (int32_t)z_syscall1(K_SYSCALL_K_USLEEP, (uintptr_t)us);
	}
	left = sleep_ticks(K_USEC(us));

	return (int32_t)(((uint64_t)left * 1000000U + CONFIG_SYS_CLOCK_TICKS_PER_SEC - 1U) /
			 CONFIG_SYS_CLOCK_TICKS_PER_SEC);
}

void k_wakeup(k_tid_t thread)
{
	k_spinlock_key_t key;

	if (Z_USER_TRAP()) {
		(void)z_syscall1(K_SYSCALL_K_WAKEUP, (uintptr_t)thread);
		return;
	}
	key = k_spin_lock(&_sched_spinlock);

	if ((thread->base.thread_state & (_THREAD_SLEEPING | _THREAD_SUSPENDED)) != 0U &&
	    (thread->base.thread_state & _THREAD_PENDING) == 0U) {
		(void)z_abort_timeout(&thread->base.timeout);
		thread->base.thread_state &= (uint8_t)~(_THREAD_SLEEPING | _THREAD_SUSPENDED);
		z_ready_thread_locked(thread);
	}
	z_reschedule(&_sched_spinlock, key);
}

void k_busy_wait(uint32_t usec_to_wait)
{
	if (Z_USER_TRAP()) {
		(void)z_syscall1(K_SYSCALL_K_BUSY_WAIT, usec_to_wait);
		return;
	}
	port_busy_wait_us(usec_to_wait);
}
