/*
 * Shared declarations of the heap benchmark (bench/heap): allocators under
 * test, seeded operation streams, clocks and the measurements built on them.
 *
 * Every allocator is driven through the same two function pointers by the same
 * loop, so indirect-call cost is identical for all of them and the streams are
 * byte-for-byte the same (generated once from a fixed seed).
 */
#ifndef ZMEM_BENCH_HEAP_BENCH_H_
#define ZMEM_BENCH_HEAP_BENCH_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- PRNG */

/* splitmix64: tiny, seedable, and good enough to pick sizes and victims. */
struct bench_rng {
	uint64_t state;
};

static inline uint64_t bench_rng_next(struct bench_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]; the modulo bias is below 2^-50 for our ranges. */
static inline uint32_t bench_rng_range(struct bench_rng *r, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(bench_rng_next(r) % ((uint64_t)hi - lo + 1U));
}

/* True with probability num/den. */
static inline bool bench_rng_chance(struct bench_rng *r, uint32_t num, uint32_t den)
{
	return (bench_rng_next(r) % den) < num;
}

/* ---------------------------------------------------------- allocators */

struct bench_allocator {
	const char *name;
	/* Fresh state for a run; heap_bytes bounds zmem only. False: unavailable. */
	bool (*open)(struct bench_allocator *a, size_t heap_bytes);
	void *(*alloc)(void *ctx, size_t bytes);
	void (*free)(void *ctx, void *mem);
	void *ctx;
	/* The library's own entry points, where instruction counting starts. */
	const void *alloc_entry;
	const void *free_entry;
	const char *alloc_symbol;
	const char *free_symbol;
	const char *why_unavailable;
};

/* zmem first, then glibc, jemalloc, mimalloc. */
extern struct bench_allocator *const bench_allocators[];
extern const size_t bench_allocator_count;

struct bench_allocator *bench_allocator_find(const char *name);

/* The zmem heap buffer (aligned to 64), sized for the largest workload. */
#define BENCH_HEAP_MAX_BYTES (1024U * 1024U)
extern unsigned char bench_heap_mem[BENCH_HEAP_MAX_BYTES];

/* ---------------------------------------------------------- op streams */

/*
 * One step. size != 0: allocate and append to the live array. size == 0:
 * free live[slot] and move the last live entry into its place. A failed
 * allocation stores NULL and its later free is skipped, so one stream serves
 * every allocator even when a bounded heap runs out.
 */
struct bench_op {
	uint32_t size;
	uint32_t slot;
};

struct bench_stream {
	const char *name;
	struct bench_op *ops;
	size_t count;
	size_t max_live;
	size_t allocs;
};

enum bench_workload { BENCH_RANDOM, BENCH_PAIRS };

void bench_stream_make(struct bench_stream *s, enum bench_workload w, size_t ops, uint64_t seed);
void bench_stream_destroy(struct bench_stream *s);

struct bench_result {
	size_t failed_allocs;
	size_t frees;
	uint64_t elapsed_ns;
};

/*
 * Runs the stream once, untimed per op. With release, frees what is left
 * afterwards; without, leaves it (callgrind mode: only stream calls counted).
 */
void bench_run_bulk(struct bench_allocator *a, const struct bench_stream *s, bool release,
		    struct bench_result *res);

/* Per-op timing: cycles of each alloc and free, overhead already removed. */
void bench_run_timed(struct bench_allocator *a, const struct bench_stream *s,
		     uint32_t *alloc_ticks, size_t *n_alloc, uint32_t *free_ticks, size_t *n_free,
		     struct bench_result *res);

/* Marks each op for bench/tools/opcount (x86-64 int3 protocol, see there). */
void bench_run_traced(struct bench_allocator *a, const struct bench_stream *s,
		      struct bench_result *res);

/*
 * Exact instructions of each allocator call, counted in-process with the x86
 * trap flag (bench_stepcount.c). Unsupported (false) off x86-64 Linux.
 */
bool bench_stepcount_supported(void);
void bench_run_stepcount(struct bench_allocator *a, const struct bench_stream *s,
			 uint32_t *alloc_insns, size_t *n_alloc, uint32_t *free_insns,
			 size_t *n_free, struct bench_result *res);

/* --------------------------------------------------------------- clock */

void bench_clock_init(void);
uint64_t bench_now_ns(void);
/* Ticks are TSC cycles on x86, nanoseconds elsewhere. */
double bench_ticks_to_ns(double ticks);
uint32_t bench_tick_overhead(void);
/* Smallest step the tick source shows, in ns (quantizes every per-op figure). */
double bench_tick_resolution_ns(void);

/* ------------------------------------------ fragmentation and overhead */

struct bench_frag_workload {
	const char *name;
	size_t heap_bytes;
	uint32_t min_size;
	uint32_t max_size;
};

struct bench_frag_result {
	double mean;
	double min;
	double mean_allocs;
};

/*
 * A reference policy for the fragmentation table (NULL: zmem itself): exact
 * best fit by linear scan (bench_bestfit.c), charged reserved_bytes(heap) of
 * metadata inside the heap.
 */
struct bench_frag_policy {
	const char *name;
	size_t (*reserved_bytes)(size_t heap_bytes);
};

/* Seeds first_seed .. first_seed + seeds - 1 (the tables use 1..N). */
void bench_frag_run(const struct bench_frag_workload *w, const struct bench_frag_policy *policy,
		    unsigned int first_seed, unsigned int seeds, struct bench_frag_result *out);

struct sys_heap;
struct bestfit;
/*
 * Replays stream s against a heap initialized by the caller (model == NULL) or
 * the best-fit model, with live[] room for s->max_live + 1 blocks; returns
 * the failed allocations.
 */
size_t bench_replay_failures(const struct bench_stream *s, uintptr_t *live, struct sys_heap *heap,
			     struct bestfit *model);

/* Bytes of a fresh zmem heap of heap_bytes that no allocation can use. */
size_t bench_zmem_metadata_bytes(size_t heap_bytes);

/* The best-fit reference model (bench_bestfit.c); blocks are nonzero handles. */
struct bestfit *bench_bestfit_open(size_t heap_bytes, size_t reserved_bytes);
void bench_bestfit_close(struct bestfit *b);
uintptr_t bench_bestfit_alloc(struct bestfit *b, size_t bytes);
void bench_bestfit_free(struct bestfit *b, uintptr_t block);

struct bench_overhead {
	long by_address;   /* address delta of consecutive blocks minus request */
	long by_stats;     /* allocated_bytes delta minus request, -1 without stats */
	long by_capacity;  /* usable heap bytes / blocks that fit, minus request */
	size_t usable;     /* sys_heap_usable_size() */
};

void bench_overhead_zmem(size_t bytes, struct bench_overhead *out);
long bench_overhead_by_address(struct bench_allocator *a, size_t bytes);

#endif /* ZMEM_BENCH_HEAP_BENCH_H_ */
