/*
 * Kernel time on top of the port clock: uptime in ticks, cycles, and the
 * timepoint arithmetic that blocking calls use to keep one fixed deadline
 * across several waits.
 */
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "include/kuser.h"

#define NSEC_PER_SEC 1000000000ULL

int64_t k_uptime_ticks(void)
{
	uint64_t ns;

	if (Z_USER_TRAP()) {
		int64_t ticks = 0;

		(void)z_syscall1(K_SYSCALL_K_UPTIME_TICKS, (uintptr_t)&ticks);
		return ticks;
	}
	ns = port_uptime_ns();

	/* Split to avoid overflowing ns * TPS for uptimes beyond ~58 years at 10 kHz. */
	return (int64_t)((ns / NSEC_PER_SEC) * CONFIG_SYS_CLOCK_TICKS_PER_SEC +
			 (ns % NSEC_PER_SEC) * CONFIG_SYS_CLOCK_TICKS_PER_SEC / NSEC_PER_SEC);
}

uint64_t k_cycle_get_64(void)
{
	uint64_t ns;

	if (Z_USER_TRAP()) {
		uint64_t cycles = 0;

		(void)z_syscall1(K_SYSCALL_K_CYCLE_GET_64, (uintptr_t)&cycles);
		return cycles;
	}
	ns = port_uptime_ns();

	return (ns / NSEC_PER_SEC) * CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC +
	       (ns % NSEC_PER_SEC) * CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC / NSEC_PER_SEC;
}

uint32_t k_cycle_get_32(void)
{
	return (uint32_t)k_cycle_get_64();
}

/* Nanosecond instant at which tick `tick` begins. */
uint64_t z_tick_to_ns(uint64_t tick)
{
	return (tick / CONFIG_SYS_CLOCK_TICKS_PER_SEC) * NSEC_PER_SEC +
	       (tick % CONFIG_SYS_CLOCK_TICKS_PER_SEC) * NSEC_PER_SEC /
		       CONFIG_SYS_CLOCK_TICKS_PER_SEC;
}

/*
 * A relative timeout of n ticks ends n ticks after the *next* tick boundary,
 * as on a real tick-driven kernel: it never expires early, however close to a
 * boundary it was started. K_FOREVER maps to the largest timepoint.
 */
k_timepoint_t sys_timepoint_calc(k_timeout_t timeout)
{
	k_timepoint_t tp;

	if (K_TIMEOUT_EQ(timeout, K_FOREVER)) {
		tp.tick = UINT64_MAX;
	} else if (K_TIMEOUT_EQ(timeout, K_NO_WAIT)) {
		tp.tick = 0;
	} else {
		tp.tick = (uint64_t)k_uptime_ticks() + 1U + (uint64_t)timeout.ticks;
	}
	return tp;
}

k_timeout_t sys_timepoint_timeout(k_timepoint_t timepoint)
{
	uint64_t now;

	if (timepoint.tick == UINT64_MAX) {
		return K_FOREVER;
	}
	if (timepoint.tick == 0) {
		return K_NO_WAIT;
	}
	now = (uint64_t)k_uptime_ticks();
	return now >= timepoint.tick ? K_NO_WAIT : K_TICKS(timepoint.tick - now);
}
