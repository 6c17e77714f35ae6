/*
 * Replay of one heap's trace against a fresh heap of a chosen size, and the search for the
 * smallest size at which no request fails (docs/heap_trace.md, "Semantics").
 */
#ifndef ZMEM_TOOLS_HEAP_SIZE_HS_REPLAY_H_
#define ZMEM_TOOLS_HEAP_SIZE_HS_REPLAY_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hs_engine.h"
#include "zht_log.h"

/* What a pass over the records found out, before any replay. */
struct hs_profile {
	size_t requests;        /* allocating calls (alloc, aligned, noalign, realloc > 0 bytes) */
	size_t frees;           /* free records with a non-NULL pointer, realloc to 0 bytes */
	size_t failed;          /* requests that returned NULL in the original run */
	size_t bad_frees;       /* frees / reallocs of a pointer that was not live */
	size_t zero_requests;   /* allocations of 0 bytes (NULL by contract, never a failure) */
	size_t max_align;       /* largest power-of-two alignment asked for (>= 8) */
	bool rewind4;           /* an alignment with a 4-byte rewind (32-bit k_aligned_alloc) */
	bool pointers_in_heap;  /* every non-NULL result lies in [mem, mem + bytes) */
};

/*
 * Checks the record stream for consistency and fills `p`. Returns 0, or -1 with `err` set
 * ("line N: reason") when a call returned a pointer that was still live (a record is
 * missing from the log).
 */
int hs_profile(const struct zht_heap *h, struct hs_profile *p, char *err);

struct hs_run {
	bool usable;            /* the buffer held a heap at all */
	bool pass;              /* every request succeeded */
	size_t failures;        /* requests that returned NULL */
	size_t first_failure;   /* index in h->recs of the first one */
	size_t fresh_free;      /* free bytes of the fresh heap */
	size_t peak_requested;  /* most bytes requested and live at once */
	size_t peak_consumed;   /* most whole-chunk bytes live at once */
	size_t kept_failed;     /* requests that failed originally, now live to the end */
	size_t kept_failed_bytes; /* and the bytes they requested */
	size_t mismatches;      /* (verify) results that differ from the original run */
	size_t first_mismatch;  /* index in h->recs of the first one */
};

/*
 * Replays `h`'s records on a fresh heap of `size` bytes built by engine `e`, the buffer at
 * the original buffer's address modulo its largest alignment (so layout and aligned
 * placement match). With `verify`, compares each result with the original one (offset from
 * the buffer; NULL or not). Returns 0, or -1 if the buffer could not be allocated.
 */
int hs_replay(const struct zht_heap *h, const struct hs_profile *p, const struct hs_engine *e,
	      size_t size, bool verify, struct hs_run *run);

struct hs_sizing {
	size_t min_size;        /* the answer, a multiple of 8; 0 if none up to the limit */
	size_t limit;           /* the largest size tried */
	size_t replays;         /* replays the search ran */
	struct hs_run at_min;   /* the replay at min_size */
	struct hs_run at_orig;  /* the replay at the original size, verified */
};

/* Sizes that must pass above a candidate before it is the answer. */
#define HS_CONFIRM_SIZES 16

/*
 * Finds the smallest multiple of 8, at most `max_size`, at which the replay passes and so
 * do the HS_CONFIRM_SIZES sizes above it (outcomes are not monotone in the size). Returns 0
 * (min_size may be 0: nothing up to the limit works), or -1 on memory exhaustion.
 */
int hs_size(const struct zht_heap *h, const struct hs_profile *p, const struct hs_engine *e,
	    size_t max_size, struct hs_sizing *s);

#endif /* ZMEM_TOOLS_HEAP_SIZE_HS_REPLAY_H_ */
