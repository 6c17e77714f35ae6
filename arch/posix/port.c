/*
 * The POSIX port: clock, sleeping, console and halt for native_sim.
 * Threads, locks and wait queues join this port with the kernel's threads.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <zephyr/zmem/port.h>

static uint64_t boot_ns;

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void port_init(void)
{
	/* Line-buffered, so output survives a crash and interleaves sensibly with stderr. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	boot_ns = monotonic_ns();
}

uint64_t port_uptime_ns(void)
{
	return monotonic_ns() - boot_ns;
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
	uint64_t end = monotonic_ns() + (uint64_t)usec * 1000U;

	while (monotonic_ns() < end) {
	}
}

int arch_printk_char_out(int c)
{
	return putchar(c);
}

void port_halt(int status)
{
	fflush(stdout);
	exit(status);
}
