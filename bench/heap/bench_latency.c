/*
 * Per-operation latency: the same replay loop as bench_run_bulk(), with one
 * fenced tick window around each allocator call. The empty-window cost
 * (calibrated in bench_clock.c) is subtracted, clamped at zero.
 */
#include <stdlib.h>

#include "bench.h"
#include "bench_clock.h"

static uint32_t net_ticks(uint64_t t0, uint64_t t1, uint32_t overhead)
{
	uint64_t d = t1 - t0;

	d = (d > overhead) ? d - overhead : 0U;
	return (d > UINT32_MAX) ? UINT32_MAX : (uint32_t)d;
}

void bench_run_timed(struct bench_allocator *a, const struct bench_stream *s,
		     uint32_t *alloc_ticks, size_t *n_alloc, uint32_t *free_ticks, size_t *n_free,
		     struct bench_result *res)
{
	void **live = calloc(s->max_live + 1U, sizeof(void *));
	uint32_t overhead = bench_tick_overhead();
	size_t n = 0;
	size_t na = 0;
	size_t nf = 0;
	size_t failed = 0;

	if (live == NULL) {
		abort();
	}
	for (size_t i = 0; i < s->count; i++) {
		const struct bench_op *op = &s->ops[i];
		uint64_t t0;
		uint64_t t1;

		if (op->size != 0U) {
			void *p;

			t0 = bench_tick_begin();
			p = a->alloc(a->ctx, op->size);
			t1 = bench_tick_end();
			alloc_ticks[na++] = net_ticks(t0, t1, overhead);
			failed += (p == NULL);
			live[n++] = p;
		} else {
			void *p = live[op->slot];

			live[op->slot] = live[--n];
			if (p != NULL) {
				t0 = bench_tick_begin();
				a->free(a->ctx, p);
				t1 = bench_tick_end();
				free_ticks[nf++] = net_ticks(t0, t1, overhead);
			}
		}
	}
	while (n > 0) {
		n--;
		if (live[n] != NULL) {
			a->free(a->ctx, live[n]);
		}
	}
	free(live);
	*n_alloc = na;
	*n_free = nf;
	res->failed_allocs = failed;
	res->frees = nf;
	res->elapsed_ns = 0;
}
