/*
 * Calibration of the tick source: ticks per nanosecond (TSC against
 * CLOCK_MONOTONIC over 50 ms) and the cost of an empty timed window, which is
 * subtracted from every per-op sample.
 */
#include <stdlib.h>

#include "bench.h"
#include "bench_clock.h"

#define CALIBRATION_NS 50000000U
#define OVERHEAD_SAMPLES 10001U

static double ns_per_tick = 1.0;
static uint32_t empty_window;
static uint64_t tick_step = 1;

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000U + (uint64_t)ts.tv_nsec;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a;
	uint32_t y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static uint32_t measure_empty_window(void)
{
	static uint32_t samples[OVERHEAD_SAMPLES];

	for (unsigned int i = 0; i < OVERHEAD_SAMPLES; i++) {
		uint64_t t0 = bench_tick_begin();
		uint64_t t1 = bench_tick_end();

		samples[i] = (uint32_t)(t1 - t0);
	}
	qsort(samples, OVERHEAD_SAMPLES, sizeof(samples[0]), cmp_u32);
	return samples[OVERHEAD_SAMPLES / 2U];
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b != 0U) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * The tick's quantum: the greatest common divisor of 1000 back-to-back
 * differences. Some VMs advance the TSC in steps (26 cycles, 10 ns, on the
 * EPYC guest we measured), which quantizes every per-op figure.
 */
static uint64_t measure_tick_step(void)
{
	uint64_t g = 0;

	for (unsigned int i = 0; i < 1000U; i++) {
		uint64_t t0 = bench_tick_begin();
		uint64_t t1 = bench_tick_begin();

		g = gcd_u64(g, t1 - t0);
	}
	return (g != 0U) ? g : 1U;
}

void bench_clock_init(void)
{
	uint64_t n0 = bench_now_ns();
	uint64_t t0 = bench_tick_begin();
	uint64_t n1;
	uint64_t t1;

	do {
		n1 = bench_now_ns();
	} while (n1 - n0 < CALIBRATION_NS);
	t1 = bench_tick_end();
	ns_per_tick = (double)(n1 - n0) / (double)(t1 - t0);
	empty_window = measure_empty_window();
	tick_step = measure_tick_step();
}

double bench_ticks_to_ns(double ticks)
{
	return ticks * ns_per_tick;
}

uint32_t bench_tick_overhead(void)
{
	return empty_window;
}

double bench_tick_resolution_ns(void)
{
	return (double)tick_step * ns_per_tick;
}
