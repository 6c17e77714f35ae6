/*
 * Tick source for per-operation latency. On x86-64 it is the TSC, fenced so
 * that the measured op cannot drift out of the window (lfence before and after
 * rdtsc; rdtscp waits for the op's instructions to retire). Elsewhere (the
 * 32-bit build runs under qemu-i386, where latency means nothing anyway) it is
 * CLOCK_MONOTONIC in nanoseconds.
 */
#ifndef ZMEM_BENCH_HEAP_BENCH_CLOCK_H_
#define ZMEM_BENCH_HEAP_BENCH_CLOCK_H_

#include <stdint.h>
#include <time.h>

#if defined(__x86_64__)
#include <x86intrin.h>

static inline uint64_t bench_tick_begin(void)
{
	uint64_t t;

	_mm_lfence();
	t = __rdtsc();
	_mm_lfence();
	return t;
}

static inline uint64_t bench_tick_end(void)
{
	unsigned int aux;
	uint64_t t = __rdtscp(&aux);

	_mm_lfence();
	return t;
}
#else
static inline uint64_t bench_tick_begin(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000U + (uint64_t)ts.tv_nsec;
}

static inline uint64_t bench_tick_end(void)
{
	return bench_tick_begin();
}
#endif

#endif /* ZMEM_BENCH_HEAP_BENCH_CLOCK_H_ */
