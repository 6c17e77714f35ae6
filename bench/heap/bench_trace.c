/*
 * Replay for bench/tools/opcount, the exact per-operation instruction
 * counter (ptrace single-stepping; hardware counters are not available here).
 *
 * Protocol (x86-64 only): before each allocator call the program executes
 * int3 with rax = the entry address of the library function about to be
 * called and rdx = 1 for alloc, 2 for free. opcount catches the SIGTRAP,
 * single-steps until rip reaches that entry, then counts every instruction
 * until the stack pointer rises above its value at entry (the function's own
 * ret, which is counted; the caller's call is not). That is the same
 * "inclusive cost" callgrind reports, so the two means must agree.
 * Run without opcount, the int3 would kill the program with SIGTRAP.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define TRACE_ALLOC 1L
#define TRACE_FREE 2L

static inline void trace_mark(const void *entry, long kind)
{
#if defined(__x86_64__)
	__asm__ volatile("int3" : : "a"(entry), "d"(kind) : "memory");
#else
	(void)entry;
	(void)kind;
#endif
}

void bench_run_traced(struct bench_allocator *a, const struct bench_stream *s,
		      struct bench_result *res)
{
	void **live = calloc(s->max_live + 1U, sizeof(void *));
	size_t n = 0;
	size_t failed = 0;
	size_t frees = 0;

	if (live == NULL) {
		abort();
	}
	for (size_t i = 0; i < s->count; i++) {
		const struct bench_op *op = &s->ops[i];

		if (op->size != 0U) {
			void *p;

			trace_mark(a->alloc_entry, TRACE_ALLOC);
			p = a->alloc(a->ctx, op->size);
			failed += (p == NULL);
			live[n++] = p;
		} else {
			void *p = live[op->slot];

			live[op->slot] = live[--n];
			if (p != NULL) {
				trace_mark(a->free_entry, TRACE_FREE);
				a->free(a->ctx, p);
				frees++;
			}
		}
	}
	/* The remainder is freed unmarked: it is not part of the stream. */
	while (n > 0) {
		n--;
		if (live[n] != NULL) {
			a->free(a->ctx, live[n]);
		}
	}
	free(live);
	res->failed_allocs = failed;
	res->frees = frees;
	res->elapsed_ns = 0;
}
