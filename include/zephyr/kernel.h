/*
 * Zephyr's kernel API, as far as zmem implements it.
 *
 * Time, sleeping and uptime are here; the memory APIs (system heap, k_heap,
 * memory slabs) join as they are implemented. Include this one header, as in
 * Zephyr.
 */
#ifndef ZEPHYR_INCLUDE_KERNEL_H_
#define ZEPHYR_INCLUDE_KERNEL_H_

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/fatal.h>
#include <zephyr/init.h>
#include <zephyr/kernel/k_heap.h>
#include <zephyr/kernel/mem_slab.h>
#include <zephyr/kernel/sem.h>
#include <zephyr/kernel/thread.h>
#include <zephyr/kernel_structs.h>
#include <zephyr/spinlock.h>
#include <zephyr/sys/__assert.h>
#include <zephyr/sys/iterable_sections.h>
#include <zephyr/sys/kobject.h>
#include <zephyr/sys/printk.h>
#include <zephyr/sys/util.h>
#include <zephyr/sys_clock.h>
#include <zephyr/syscall.h>
#include <zephyr/toolchain.h>
#include <zephyr/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Ticks elapsed since boot. O(1); any context.
 */
int64_t k_uptime_ticks(void);

/**
 * Milliseconds elapsed since boot, at tick granularity (rounded down).
 * O(1); any context.
 */
static inline int64_t k_uptime_get(void)
{
	return (int64_t)k_ticks_to_ms_floor64(k_uptime_ticks());
}

/** The low 32 bits of k_uptime_get(); wraps after about 49.7 days. */
static inline uint32_t k_uptime_get_32(void)
{
	return (uint32_t)k_uptime_get();
}

/**
 * Milliseconds from *reftime to now; *reftime becomes now. With *reftime == 0
 * the result is the uptime itself, as in Zephyr.
 */
static inline int64_t k_uptime_delta(int64_t *reftime)
{
	int64_t now = k_uptime_get();
	int64_t delta = now - *reftime;

	*reftime = now;
	return delta;
}

/** Hardware cycle counter (CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC per second). */
uint32_t k_cycle_get_32(void);
uint64_t k_cycle_get_64(void);

/**
 * Put the calling thread to sleep for `timeout`. K_NO_WAIT returns at once;
 * K_FOREVER sleeps until woken (never, without another thread).
 * Returns 0 when the time elapsed, or the milliseconds left when woken early.
 * Not from an ISR.
 */
int32_t k_sleep(k_timeout_t timeout);

/** Sleep for `ms` milliseconds (at least; rounded up to ticks). */
static inline int32_t k_msleep(int32_t ms)
{
	return k_sleep(K_MSEC(ms));
}

/** Sleep for `us` microseconds (at least; rounded up to ticks). */
int32_t k_usleep(int32_t us);

/** Spin for at least `usec_to_wait` microseconds without yielding. */
void k_busy_wait(uint32_t usec_to_wait);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_KERNEL_H_ */
