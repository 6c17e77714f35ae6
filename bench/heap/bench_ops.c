/*
 * Operation streams (PEERS.md workloads) and the loops that replay them.
 *
 * random: keep 50..150 live blocks; allocate or free with 50/50 odds, but
 *         always allocate below 50 live and always free above 150 (so 150 is
 *         the most that can ever be live, 150 + 1 after the forced side);
 *         sizes uniform 8..512; the victim of a free is uniform over the live.
 * pairs:  allocate 8..512 bytes and free it at once.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define RANDOM_LIVE_LOW 50U
#define RANDOM_LIVE_HIGH 150U
#define SIZE_MIN 8U
#define SIZE_MAX_BYTES 512U

static struct bench_op *ops_alloc(size_t count)
{
	struct bench_op *ops = calloc(count, sizeof(*ops));

	if (ops == NULL) {
		fprintf(stderr, "heap_bench: out of memory for %zu ops\n", count);
		exit(2);
	}
	return ops;
}

static void make_random(struct bench_stream *s, struct bench_rng *rng)
{
	size_t live = 0;

	for (size_t i = 0; i < s->count; i++) {
		bool do_alloc;

		if (live < RANDOM_LIVE_LOW) {
			do_alloc = true;
		} else if (live > RANDOM_LIVE_HIGH) {
			do_alloc = false;
		} else {
			do_alloc = bench_rng_chance(rng, 1, 2);
		}
		if (do_alloc) {
			s->ops[i].size = bench_rng_range(rng, SIZE_MIN, SIZE_MAX_BYTES);
			s->ops[i].slot = (uint32_t)live++;
			s->allocs++;
		} else {
			s->ops[i].size = 0;
			s->ops[i].slot = bench_rng_range(rng, 0, (uint32_t)live - 1U);
			live--;
		}
		if (live > s->max_live) {
			s->max_live = live;
		}
	}
}

static void make_pairs(struct bench_stream *s, struct bench_rng *rng)
{
	s->count &= ~(size_t)1;
	for (size_t i = 0; i < s->count; i += 2) {
		s->ops[i].size = bench_rng_range(rng, SIZE_MIN, SIZE_MAX_BYTES);
		s->ops[i].slot = 0;
		s->ops[i + 1].size = 0;
		s->ops[i + 1].slot = 0;
		s->allocs++;
	}
	s->max_live = 1;
}

void bench_stream_make(struct bench_stream *s, enum bench_workload w, size_t ops, uint64_t seed)
{
	struct bench_rng rng = { .state = seed };

	s->ops = ops_alloc(ops);
	s->count = ops;
	s->max_live = 0;
	s->allocs = 0;
	if (w == BENCH_RANDOM) {
		s->name = "random";
		make_random(s, &rng);
	} else {
		s->name = "pairs";
		make_pairs(s, &rng);
	}
}

void bench_stream_destroy(struct bench_stream *s)
{
	free(s->ops);
	s->ops = NULL;
}

static void **live_array(const struct bench_stream *s)
{
	void **live = calloc(s->max_live + 1U, sizeof(void *));

	if (live == NULL) {
		fprintf(stderr, "heap_bench: out of memory\n");
		exit(2);
	}
	return live;
}

static void release_rest(struct bench_allocator *a, void **live, size_t n)
{
	while (n > 0) {
		n--;
		if (live[n] != NULL) {
			a->free(a->ctx, live[n]);
		}
	}
	free(live);
}

void bench_run_bulk(struct bench_allocator *a, const struct bench_stream *s, bool release,
		    struct bench_result *res)
{
	void **live = live_array(s);
	size_t n = 0;
	size_t failed = 0;
	size_t frees = 0;
	uint64_t t0 = bench_now_ns();

	for (size_t i = 0; i < s->count; i++) {
		const struct bench_op *op = &s->ops[i];

		if (op->size != 0U) {
			void *p = a->alloc(a->ctx, op->size);

			failed += (p == NULL);
			live[n++] = p;
		} else {
			void *p = live[op->slot];

			live[op->slot] = live[--n];
			if (p != NULL) {
				a->free(a->ctx, p);
				frees++;
			}
		}
	}
	res->elapsed_ns = bench_now_ns() - t0;
	res->failed_allocs = failed;
	res->frees = frees;
	if (release) {
		release_rest(a, live, n);
	} else {
		free(live);
	}
}
