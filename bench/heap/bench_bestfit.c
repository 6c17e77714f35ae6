/*
 * Reference policy for the fragmentation table: exact best fit by linear scan.
 *
 * This is a model, not an allocator: it keeps its chunk map in arrays of its
 * own and never touches the memory it "hands out" (the pointers it returns are
 * unit indices disguised as pointers, only ever given back to it). It charges
 * the same per-block costs as zmem's small layout and umm_malloc: 8-byte
 * units, a 4-byte header, so a request of n bytes takes ceil((n + 4) / 8)
 * units. What differs is the policy and the metadata, both parameters:
 *
 *   - fit: the smallest free chunk that holds the request, found by scanning
 *     every free chunk (O(free chunks) per allocation, which is exactly what
 *     an O(1) allocator may not do); among equal sizes the most recently
 *     freed wins. The request takes the chunk's low end; the remainder keeps
 *     the chunk's place in the list. A freed chunk merges with free
 *     neighbours; if it joins its left neighbour, that one keeps its place,
 *     else it goes to the front.
 *   - metadata: `reserved_bytes` of the heap are charged up front (rounded up
 *     to units), standing for the allocator's control data inside the heap.
 *
 * With 16 reserved bytes this is umm_malloc's policy and footprint (its list
 * head and end blocks); with zmem's own metadata it shows how much of the gap
 * between zmem and umm_malloc is policy and how much is metadata.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define UNIT 8U
#define HEADER 4U

/* Chunk c covers units [c, next[c]); free chunks are on a doubly linked list. */
struct bestfit {
	uint32_t units;     /* end of the chunk map (one past the last unit) */
	uint32_t *next;     /* next chunk's start, per chunk start */
	uint32_t *prev;     /* previous chunk's start, per chunk start */
	uint32_t *fnext;    /* free list: next free chunk, or NONE */
	uint32_t *fprev;    /* free list: previous free chunk, or NONE */
	uint8_t *is_free;
	uint32_t free_head;
};

#define NONE UINT32_MAX

static void list_push(struct bestfit *b, uint32_t c)
{
	b->fprev[c] = NONE;
	b->fnext[c] = b->free_head;
	if (b->free_head != NONE) {
		b->fprev[b->free_head] = c;
	}
	b->free_head = c;
	b->is_free[c] = 1;
}

static void list_unlink(struct bestfit *b, uint32_t c)
{
	if (b->fprev[c] != NONE) {
		b->fnext[b->fprev[c]] = b->fnext[c];
	} else {
		b->free_head = b->fnext[c];
	}
	if (b->fnext[c] != NONE) {
		b->fprev[b->fnext[c]] = b->fprev[c];
	}
	b->is_free[c] = 0;
}

/* Chunk r takes c's place in the free list. */
static void list_replace(struct bestfit *b, uint32_t c, uint32_t r)
{
	b->fprev[r] = b->fprev[c];
	b->fnext[r] = b->fnext[c];
	if (b->fprev[c] != NONE) {
		b->fnext[b->fprev[c]] = r;
	} else {
		b->free_head = r;
	}
	if (b->fnext[c] != NONE) {
		b->fprev[b->fnext[c]] = r;
	}
	b->is_free[c] = 0;
	b->is_free[r] = 1;
}

struct bestfit *bench_bestfit_open(size_t heap_bytes, size_t reserved_bytes)
{
	struct bestfit *b = calloc(1, sizeof(*b));
	uint32_t reserved = (uint32_t)((reserved_bytes + UNIT - 1U) / UNIT);
	uint32_t n = (uint32_t)(heap_bytes / UNIT);

	if (b == NULL || n <= reserved + 1U) {
		free(b);
		return NULL;
	}
	/* Units [0, reserved) are the charged metadata: never a chunk. */
	b->units = n - reserved;
	b->next = calloc(b->units + 1U, sizeof(uint32_t));
	b->prev = calloc(b->units + 1U, sizeof(uint32_t));
	b->fnext = calloc(b->units + 1U, sizeof(uint32_t));
	b->fprev = calloc(b->units + 1U, sizeof(uint32_t));
	b->is_free = calloc(b->units + 1U, 1);
	if (b->next == NULL || b->prev == NULL || b->fnext == NULL || b->fprev == NULL ||
	    b->is_free == NULL) {
		bench_bestfit_close(b);
		return NULL;
	}
	b->free_head = NONE;
	b->next[0] = b->units;
	b->prev[0] = NONE;
	b->prev[b->units] = 0;
	list_push(b, 0);
	return b;
}

void bench_bestfit_close(struct bestfit *b)
{
	if (b != NULL) {
		free(b->next);
		free(b->prev);
		free(b->fnext);
		free(b->fprev);
		free(b->is_free);
		free(b);
	}
}

/* Returns the chunk index + 1 (0 is "failed"), so no chunk is ever NULL. */
uintptr_t bench_bestfit_alloc(struct bestfit *b, size_t bytes)
{
	uint64_t need = (bytes + HEADER + UNIT - 1U) / UNIT;
	uint32_t best = NONE;
	uint64_t best_size = UINT64_MAX;

	for (uint32_t c = b->free_head; c != NONE; c = b->fnext[c]) {
		uint32_t size = b->next[c] - c;

		if (size >= need && size < best_size) {
			best = c;
			best_size = size;
		}
	}
	if (best == NONE) {
		return 0;
	}
	if (best_size == need) {
		list_unlink(b, best);
	} else {
		uint32_t r = best + (uint32_t)need;

		b->next[r] = b->next[best];
		b->prev[b->next[best]] = r;
		b->prev[r] = best;
		b->next[best] = r;
		list_replace(b, best, r);
	}
	return (uintptr_t)best + 1U;
}

void bench_bestfit_free(struct bestfit *b, uintptr_t handle)
{
	uint32_t c = (uint32_t)(handle - 1U);
	uint32_t right = b->next[c];
	uint32_t left = b->prev[c];

	if (right < b->units && b->is_free[right]) {
		list_unlink(b, right);
		b->next[c] = b->next[right];
		b->prev[b->next[c]] = c;
	}
	if (left != NONE && b->is_free[left]) {
		b->next[left] = b->next[c];
		b->prev[b->next[c]] = left;
	} else {
		list_push(b, c);
	}
}
