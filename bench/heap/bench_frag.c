/*
 * Fragmentation and per-allocation overhead of zmem's sys_heap.
 *
 * Fragmentation, exactly as issue 3 states it: a fresh heap; at each step,
 * with probability 0.6 allocate a size uniform in [min, max], otherwise free a
 * uniformly chosen live block (allocate when none is live); stop at the first
 * failed allocation. The figure is the sum of the live blocks' requested
 * sizes divided by the heap's size in bytes (the size given to sys_heap_init,
 * so metadata counts against the allocator). Seeds are 1..N.
 */
#include <stdio.h>
#include <stdlib.h>

#include <zephyr/sys/sys_heap.h>

#include "bench.h"

#define FRAG_ALLOC_PERCENT 60U
#define OVERHEAD_BLOCKS 16U
#define OVERHEAD_HEAP_BYTES 65536U

struct live_block {
	uintptr_t mem;
	uint32_t size;
};

/* The allocators the fragmentation loop can drive: zmem itself, or the
 * best-fit reference model (bench_bestfit.c) charged some metadata. */
struct frag_heap {
	struct sys_heap storage;
	struct sys_heap *heap;  /* zmem: &storage or the caller's heap; NULL with a model */
	struct bestfit *model;
};

static void frag_open(struct frag_heap *f, const struct bench_frag_workload *w,
		      const struct bench_frag_policy *policy)
{
	f->model = NULL;
	f->heap = NULL;
	if (policy == NULL) {
		f->heap = &f->storage;
		sys_heap_init(f->heap, bench_heap_mem, w->heap_bytes);
		return;
	}
	f->model = bench_bestfit_open(w->heap_bytes, policy->reserved_bytes(w->heap_bytes));
	if (f->model == NULL) {
		abort();
	}
}

static uintptr_t frag_alloc(struct frag_heap *f, size_t bytes)
{
	if (f->model != NULL) {
		return bench_bestfit_alloc(f->model, bytes);
	}
	return (uintptr_t)sys_heap_alloc(f->heap, bytes);
}

static void frag_free(struct frag_heap *f, uintptr_t block)
{
	if (f->model != NULL) {
		bench_bestfit_free(f->model, block);
	} else {
		sys_heap_free(f->heap, (void *)block);
	}
}

/* One seed: live requested bytes at the first failure, and the step count. */
static double frag_one(const struct bench_frag_workload *w, const struct bench_frag_policy *policy,
		       uint64_t seed, size_t *allocs)
{
	struct bench_rng rng = { .state = seed };
	struct frag_heap heap;
	size_t cap = w->heap_bytes / (w->min_size > 0U ? w->min_size : 1U) + 1U;
	struct live_block *live = calloc(cap, sizeof(*live));
	size_t n = 0;
	size_t live_bytes = 0;

	if (live == NULL) {
		abort();
	}
	*allocs = 0;
	frag_open(&heap, w, policy);
	for (;;) {
		if (n == 0 || bench_rng_chance(&rng, FRAG_ALLOC_PERCENT, 100U)) {
			uint32_t size = bench_rng_range(&rng, w->min_size, w->max_size);
			uintptr_t p = frag_alloc(&heap, size);

			if (p == 0U || n == cap) {
				break;
			}
			live[n].mem = p;
			live[n].size = size;
			n++;
			live_bytes += size;
			(*allocs)++;
		} else {
			size_t victim = bench_rng_range(&rng, 0, (uint32_t)n - 1U);

			frag_free(&heap, live[victim].mem);
			live_bytes -= live[victim].size;
			live[victim] = live[--n];
		}
	}
	bench_bestfit_close(heap.model);
	free(live);
	return (double)live_bytes / (double)w->heap_bytes;
}

void bench_frag_run(const struct bench_frag_workload *w, const struct bench_frag_policy *policy,
		    unsigned int first_seed, unsigned int seeds, struct bench_frag_result *out)
{
	double sum = 0.0;
	double allocs_sum = 0.0;

	out->min = 1.0;
	for (unsigned int s = first_seed; s < first_seed + seeds; s++) {
		size_t allocs;
		double f = frag_one(w, policy, s, &allocs);

		sum += f;
		allocs_sum += (double)allocs;
		out->min = (f < out->min) ? f : out->min;
	}
	out->mean = sum / seeds;
	out->mean_allocs = allocs_sum / seeds;
}

size_t bench_replay_failures(const struct bench_stream *s, uintptr_t *live, struct sys_heap *heap,
			     struct bestfit *model)
{
	struct frag_heap f = { .heap = heap, .model = model };
	size_t n = 0;
	size_t failed = 0;
	for (size_t i = 0; i < s->count; i++) {
		const struct bench_op *op = &s->ops[i];

		if (op->size != 0U) {
			uintptr_t p = frag_alloc(&f, op->size);

			failed += (p == 0U) ? 1U : 0U;
			live[n++] = p;
		} else {
			uintptr_t p = live[op->slot];

			live[op->slot] = live[--n];
			if (p != 0U) {
				frag_free(&f, p);
			}
		}
	}
	return failed;
}

size_t bench_zmem_metadata_bytes(size_t heap_bytes)
{
	struct sys_heap heap;

	/* A fresh heap is one free chunk: what it cannot hand out is the
	 * metadata plus that chunk's own header, which the model charges to
	 * every chunk too (4 bytes: these heaps have the small layout). */
	sys_heap_init(&heap, bench_heap_mem, heap_bytes);
	return heap_bytes - (sys_heap_largest_free(&heap) + 4U);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a;
	long y = *(const long *)b;

	return (x > y) - (x < y);
}

/* Median distance between consecutive blocks, so one odd gap does not count. */
static long median_delta(void *const *blocks, size_t n)
{
	long d[OVERHEAD_BLOCKS];

	for (size_t i = 1; i < n; i++) {
		long delta = (long)((const char *)blocks[i] - (const char *)blocks[i - 1]);

		d[i - 1] = (delta < 0) ? -delta : delta;
	}
	qsort(d, n - 1U, sizeof(d[0]), cmp_long);
	return d[(n - 1U) / 2U];
}

long bench_overhead_by_address(struct bench_allocator *a, size_t bytes)
{
	void *blocks[OVERHEAD_BLOCKS];
	long delta;

	if (!a->open(a, OVERHEAD_HEAP_BYTES)) {
		return -1;
	}
	for (size_t i = 0; i < OVERHEAD_BLOCKS; i++) {
		blocks[i] = a->alloc(a->ctx, bytes);
		if (blocks[i] == NULL) {
			return -1;
		}
	}
	delta = median_delta(blocks, OVERHEAD_BLOCKS);
	for (size_t i = 0; i < OVERHEAD_BLOCKS; i++) {
		a->free(a->ctx, blocks[i]);
	}
	return delta - (long)bytes;
}

static long overhead_by_stats(size_t bytes)
{
#if defined(CONFIG_SYS_HEAP_RUNTIME_STATS)
	struct sys_heap heap;
	struct sys_memory_stats before;
	struct sys_memory_stats after;

	sys_heap_init(&heap, bench_heap_mem, OVERHEAD_HEAP_BYTES);
	sys_heap_runtime_stats_get(&heap, &before);
	if (sys_heap_alloc(&heap, bytes) == NULL) {
		return -1;
	}
	sys_heap_runtime_stats_get(&heap, &after);
	return (long)(after.allocated_bytes - before.allocated_bytes) - (long)bytes;
#else
	return -1;
#endif
}

/* Blocks that fit in a fresh heap: charges heap metadata to the blocks too. */
static long overhead_by_capacity(size_t bytes, size_t *usable)
{
	struct sys_heap heap;
	size_t n = 0;
	void *p;

	sys_heap_init(&heap, bench_heap_mem, OVERHEAD_HEAP_BYTES);
	while ((p = sys_heap_alloc(&heap, bytes)) != NULL) {
		if (n == 0) {
			*usable = sys_heap_usable_size(&heap, p);
		}
		n++;
	}
	if (n == 0) {
		return -1;
	}
	return (long)(OVERHEAD_HEAP_BYTES / n) - (long)bytes;
}

void bench_overhead_zmem(size_t bytes, struct bench_overhead *out)
{
	struct bench_allocator *zmem = bench_allocator_find("zmem");

	out->usable = 0;
	out->by_address = bench_overhead_by_address(zmem, bytes);
	out->by_stats = overhead_by_stats(bytes);
	out->by_capacity = overhead_by_capacity(bytes, &out->usable);
}
