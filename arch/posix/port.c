/*
 * The POSIX port: clock, sleeping, console and halt for native_sim.
 * Threads are in thread.c, interrupts (the tick, masking, irq_offload) in
 * irq.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "posix_port.h"

static uint64_t boot_ns;
static bool port_ready;

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void port_init(void)
{
	if (port_ready) {
		return;
	}
	port_ready = true;
	/* Line-buffered, so output survives a crash and interleaves sensibly with stderr. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	boot_ns = monotonic_ns();
	posix_irq_init();
}

uint64_t port_uptime_ns(void)
{
	if (unlikely(posix_polled_irqs)) {
		posix_poll_irqs(); /* reading the clock is a poll point */
	}
	return monotonic_ns() - boot_ns;
}

uint64_t port_uptime_ticks(void)
{
	return z_port_ns_to_ticks(port_uptime_ns());
}

void port_sleep_until_ns(uint64_t deadline_ns)
{
	struct timespec ts;
	uint64_t abs_ns;

	if (deadline_ns == UINT64_MAX) {
		for (;;) {
			pause();
		}
	}
	abs_ns = boot_ns + deadline_ns;
	ts.tv_sec = (time_t)(abs_ns / 1000000000ULL);
	ts.tv_nsec = (long)(abs_ns % 1000000000ULL);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
	}
}

void port_busy_wait_us(uint32_t usec)
{
	uint64_t end = port_uptime_ns() + (uint64_t)usec * 1000U;

	while (port_uptime_ns() < end) {
	}
}

/*
 * Masked, so that a thread is never parked by a tick while it holds stdio's
 * lock: the next printk of another thread would wait for it forever.
 */
int arch_printk_char_out(int c)
{
	unsigned int key = arch_irq_lock();
	int ret = putchar(c);

	arch_irq_unlock(key);
	return ret;
}

/* Masked for good: no tick may switch away from the exiting thread. */
void port_halt(int status)
{
	(void)arch_irq_lock();
	fflush(stdout);
	exit(status);
}
