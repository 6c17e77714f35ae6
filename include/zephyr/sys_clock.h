/*
 * Kernel time: ticks, timeouts and timepoints (Zephyr's <zephyr/sys_clock.h>).
 *
 * A timeout is a tick count wrapped in a struct so that it cannot be mixed up
 * with plain integers. K_NO_WAIT is 0 ticks; K_FOREVER is the sentinel
 * K_TICKS_FOREVER (-1). Conversions from time units round *up* to whole ticks,
 * so a timeout never expires earlier than asked.
 */
#ifndef ZEPHYR_INCLUDE_SYS_CLOCK_H_
#define ZEPHYR_INCLUDE_SYS_CLOCK_H_

#include <stdbool.h>
#include <stdint.h>
#include <zephyr/toolchain.h>

#ifndef CONFIG_SYS_CLOCK_TICKS_PER_SEC
#error "CONFIG_SYS_CLOCK_TICKS_PER_SEC is not set: is autoconf.h missing?"
#endif

typedef int64_t k_ticks_t;

typedef struct {
	k_ticks_t ticks;
} k_timeout_t;

#define K_TICKS_FOREVER ((k_ticks_t)-1)

#define Z_TIMEOUT_TICKS(t) ((k_timeout_t){.ticks = (t)})
#define Z_TIMEOUT_NO_WAIT Z_TIMEOUT_TICKS(0)
#define Z_FOREVER Z_TIMEOUT_TICKS(K_TICKS_FOREVER)

#define K_TIMEOUT_EQ(a, b) ((a).ticks == (b).ticks)
#define K_TIMEOUT_TICKS_GET(t) ((t).ticks)

/* Ceiling conversions from a unit with `per_sec` steps per second to ticks. */
#define Z_UNITS_TO_TICKS_CEIL(v, per_sec)                                              \
	((k_ticks_t)((((uint64_t)(v)) * (uint64_t)CONFIG_SYS_CLOCK_TICKS_PER_SEC +   \
		      ((uint64_t)(per_sec) - 1U)) / (uint64_t)(per_sec)))

#define k_ms_to_ticks_ceil64(ms) ((uint64_t)Z_UNITS_TO_TICKS_CEIL(ms, 1000U))
#define k_us_to_ticks_ceil64(us) ((uint64_t)Z_UNITS_TO_TICKS_CEIL(us, 1000000U))
#define k_ns_to_ticks_ceil64(ns) ((uint64_t)Z_UNITS_TO_TICKS_CEIL(ns, 1000000000U))
#define k_ms_to_ticks_ceil32(ms) ((uint32_t)k_ms_to_ticks_ceil64(ms))

#define k_ticks_to_ms_floor64(t) \
	((uint64_t)(t) * 1000U / (uint64_t)CONFIG_SYS_CLOCK_TICKS_PER_SEC)
#define k_ticks_to_ms_floor32(t) ((uint32_t)k_ticks_to_ms_floor64(t))
#define k_ticks_to_ms_ceil64(t)                                          \
	(((uint64_t)(t) * 1000U + (uint64_t)CONFIG_SYS_CLOCK_TICKS_PER_SEC - 1U) / \
	 (uint64_t)CONFIG_SYS_CLOCK_TICKS_PER_SEC)
#define k_ticks_to_ms_ceil32(t) ((uint32_t)k_ticks_to_ms_ceil64(t))
#define k_ticks_to_us_floor64(t) \
	((uint64_t)(t) * 1000000U / (uint64_t)CONFIG_SYS_CLOCK_TICKS_PER_SEC)
#define k_ticks_to_ns_floor64(t) \
	((uint64_t)(t) * 1000000000U / (uint64_t)CONFIG_SYS_CLOCK_TICKS_PER_SEC)

#define K_NO_WAIT Z_TIMEOUT_NO_WAIT
#define K_FOREVER Z_FOREVER
#define K_TICKS(t) Z_TIMEOUT_TICKS((k_ticks_t)MAX_U0(t))
#define K_NSEC(t) Z_TIMEOUT_TICKS(Z_UNITS_TO_TICKS_CEIL(MAX_U0(t), 1000000000U))
#define K_USEC(t) Z_TIMEOUT_TICKS(Z_UNITS_TO_TICKS_CEIL(MAX_U0(t), 1000000U))
#define K_MSEC(ms) Z_TIMEOUT_TICKS(Z_UNITS_TO_TICKS_CEIL(MAX_U0(ms), 1000U))
#define K_SECONDS(s) K_MSEC((int64_t)(s) * 1000)
#define K_MINUTES(m) K_SECONDS((int64_t)(m) * 60)
#define K_HOURS(h) K_MINUTES((int64_t)(h) * 60)
/* Negative durations mean "now", as in Zephyr. Written as `> 0` so that
 * unsigned arguments raise no "comparison is always false" warning. */
#define MAX_U0(v) ((v) > 0 ? (v) : 0)

/*
 * An absolute point in kernel time, for deadlines that survive several waits
 * (a blocking allocation fixes its end once and re-pends for the remainder).
 */
typedef struct {
	uint64_t tick;
} k_timepoint_t;

k_timepoint_t sys_timepoint_calc(k_timeout_t timeout);
k_timeout_t sys_timepoint_timeout(k_timepoint_t timepoint);

static inline bool sys_timepoint_expired(k_timepoint_t timepoint)
{
	return K_TIMEOUT_EQ(sys_timepoint_timeout(timepoint), Z_TIMEOUT_NO_WAIT);
}

#endif /* ZEPHYR_INCLUDE_SYS_CLOCK_H_ */
