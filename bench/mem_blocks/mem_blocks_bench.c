/*
 * mem_blocks benchmark (issue 4): contiguous allocation of 1, 4 and 16 blocks in a
 * 1024-block pool, measured on the core (z_mem_blocks_*, no lock: the lock's cost is the
 * port's and is reported by the kernel benchmarks).
 *
 * Inputs:  --mode=full (default) | smoke | callgrind.
 * Outputs: one line per case on stdout: case, blocks, ns per alloc+free pair.
 *   full      1,000,000 pairs per case, best of 5 runs (CLOCK_MONOTONIC).
 *   smoke     1,000 pairs per case, checks results only (ctest, label bench).
 *   callgrind 10,000 pairs per case, for `valgrind --tool=callgrind` instruction counts.
 *
 * Cases: "empty" (the run is found in the first word), "fragmented" (every 16-block group
 * has its first block taken, so 16-block requests scan the whole bitmap and fail until the
 * last group, the worst case for first fit) and "half" (the first 512 blocks taken).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zephyr/sys/mem_blocks.h>

#define NUM_BLOCKS 1024

SYS_MEM_BLOCKS_DEFINE_STATIC(pool, 32, NUM_BLOCKS, 8);

static void reset(void)
{
	memset(pool.bitmap->bundles, 0, pool.bitmap->num_bundles * sizeof(uint32_t));
	pool.info.used_blocks = 0;
}

static void prepare(const char *scenario)
{
	reset();
	if (strcmp(scenario, "fragmented") == 0) {
		/* Take block 16k for every k but the last group: no free 16-run before 1008. */
		for (unsigned int k = 0; k < NUM_BLOCKS / 16 - 1; k++) {
			(void)z_mem_blocks_get(&pool, pool.buffer + ((size_t)k * 16 << 5), 1);
		}
	} else if (strcmp(scenario, "half") == 0) {
		(void)z_mem_blocks_get(&pool, pool.buffer, NUM_BLOCKS / 2);
	}
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int run_pairs(unsigned int blocks, long pairs)
{
	for (long i = 0; i < pairs; i++) {
		void *p;

		if (z_mem_blocks_alloc_contiguous(&pool, blocks, &p) != 0 ||
		    z_mem_blocks_free_contiguous(&pool, p, blocks) != 0) {
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const scenarios[] = { "empty", "half", "fragmented" };
	static const unsigned int sizes[] = { 1, 4, 16 };
	const char *mode = argc > 1 ? argv[1] : "--mode=full";
	long pairs = 1000000;
	int runs = 5;

	if (strcmp(mode, "--mode=smoke") == 0) {
		pairs = 1000;
		runs = 1;
	} else if (strcmp(mode, "--mode=callgrind") == 0) {
		pairs = 10000;
		runs = 1;
	} else if (strcmp(mode, "--mode=full") != 0) {
		fprintf(stderr, "usage: %s [--mode=full|smoke|callgrind]\n", argv[0]);
		return 2;
	}
	printf("%-11s %6s %12s\n", "case", "blocks", "ns/pair");
	for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
			double best = 1e30;

			for (int r = 0; r < runs; r++) {
				double t0;

				prepare(scenarios[s]);
				t0 = now_ns();
				if (run_pairs(sizes[z], pairs) != 0) {
					fprintf(stderr, "%s/%u: allocation failed\n", scenarios[s],
						sizes[z]);
					return 1;
				}
				best = MIN(best, (now_ns() - t0) / (double)pairs);
			}
			if (!z_mem_blocks_validate(&pool)) {
				fprintf(stderr, "%s/%u: pool does not validate\n", scenarios[s], sizes[z]);
				return 1;
			}
			printf("%-11s %6u %12.1f\n", scenarios[s], sizes[z], best);
		}
	}
	return 0;
}
