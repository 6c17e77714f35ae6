/*
 * zmem heap engine: init, alloc, free and the free-list primitives.
 *
 * Hot paths are straight-line code: no loop in alloc or free depends on heap state.
 * alloc = class of the request, one probe of that class's head, at most one two-level
 * bitmap search (two count-trailing-zeros), unlink, optional split. free = O(1) pointer
 * checks, up to two neighbour unlinks, one insert. docs/heap.md gives the exact bounds.
 */
#include <zephyr/sys/__assert.h>
#include <zephyr/sys/heap_listener.h>

#include "heap.h"

/*
 * The handle points here when init was given too little memory and asserts are off:
 * end_chunk == 1 makes every request too big and every pointer foreign, and nothing is
 * ever written into the caller's too-small buffer (bad_frees still counts).
 */
static struct z_heap heap_unusable = { .end_chunk = 1U };

/*
 * The list primitives are inlined for speed, except when optimising for size (-Os, the
 * MCU default), where one out-of-line copy of each keeps init+alloc+free near 1 KiB.
 */
#ifdef __OPTIMIZE_SIZE__
#define HEAP_LIST_FN static __noinline
#else
#define HEAP_LIST_FN static ALWAYS_INLINE
#endif

/* ---- class bitmaps ---- */

static ALWAYS_INLINE void class_set_avail(struct z_heap *h, unsigned int cls)
{
	unsigned int w = cls >> 5;

	class_avail(h)[w] |= 1U << (cls & 31U);
	h->summary |= (uint16_t)(1U << w);
}

static ALWAYS_INLINE void class_clear_avail(struct z_heap *h, unsigned int cls)
{
	uint32_t *word = &class_avail(h)[cls >> 5];

	*word &= ~(1U << (cls & 31U));
	if (*word == 0U) {
		h->summary &= (uint16_t)~(1U << (cls >> 5));
	}
}

/*
 * Smallest non-empty class >= `from`, or 0 if none (class 0, size 0, is never used).
 * `from` may equal nb_classes: the bitmap always has room for that bit (see heap.h).
 */
static ALWAYS_INLINE unsigned int class_search(const struct z_heap *h, unsigned int from)
{
	const uint32_t *avail = class_avail(h);
	unsigned int w = from >> 5;
	uint32_t bits = avail[w] & (~0U << (from & 31U));

	if (bits == 0U) {
		uint32_t above = h->summary & ~((2U << w) - 1U);

		if (above == 0U) {
			return 0U;
		}
		w = (unsigned int)__builtin_ctz(above);
		bits = avail[w];
	}
	return (w << 5) + (unsigned int)__builtin_ctz(bits);
}

/* ---- free lists: circular, doubly linked, new chunks enter at the tail ---- */

HEAP_LIST_FN void list_remove_cls(struct z_heap *h, chunkid_t c, unsigned int cls, bool wide)
{
	chunkid_t next = chunk_field(h, c, FREE_NEXT);

	if (next == c) {
		set_class_head_w(h, cls, 0U, wide);
		class_clear_avail(h, cls);
	} else {
		chunkid_t prev = chunk_field(h, c, FREE_PREV);

		chunk_set(h, prev, FREE_NEXT, next);
		chunk_set(h, next, FREE_PREV, prev);
		if (class_head_w(h, cls, wide) == c) {
			set_class_head_w(h, cls, next, wide);
		}
	}
}

static ALWAYS_INLINE void list_remove(struct z_heap *h, chunkid_t c, chunksz_t sz, bool wide)
{
	list_remove_cls(h, c, size_class(sz), wide);
	heap_stats_listed(h, sz, false);
}

HEAP_LIST_FN void list_add(struct z_heap *h, chunkid_t c, chunksz_t sz, bool wide)
{
	unsigned int cls = size_class(sz);
	chunkid_t head = class_head_w(h, cls, wide);

	if (head == 0U) {
		set_class_head_w(h, cls, c, wide);
		chunk_set(h, c, FREE_PREV, c);
		chunk_set(h, c, FREE_NEXT, c);
		class_set_avail(h, cls);
	} else {
		chunkid_t tail = chunk_field(h, head, FREE_PREV);

		chunk_set(h, tail, FREE_NEXT, c);
		chunk_set(h, c, FREE_PREV, tail);
		chunk_set(h, c, FREE_NEXT, head);
		chunk_set(h, head, FREE_PREV, c);
	}
	heap_stats_listed(h, sz, true);
}

/* Puts a free run back: on a list when it can hold the links, else it stays a solo unit. */
static ALWAYS_INLINE void release_run(struct z_heap *h, chunkid_t c, chunksz_t sz, bool wide)
{
	if (sz >= min_free_units(h)) {
		list_add(h, c, sz, wide);
	}
}

void heap_list_remove(struct z_heap *h, chunkid_t c, chunksz_t sz)
{
	list_remove(h, c, sz, wide_heads(h));
}

/* ---- split / take ---- */

/*
 * Finds, unlinks and marks used a chunk of at least `sz` units, splitting off the excess
 * at its high end (so an empty heap fills from low addresses up). Returns 0 if none.
 *
 * Fit: the head of the request's own class is probed once; the class spans at most 12.5 %
 * of its lower bound, so a hit wastes little. On a miss, the smallest non-empty higher
 * class is used; every chunk there fits, and its head is within one class width of that
 * class's best fit.
 */
HEAP_LIST_FN chunkid_t take_chunk(struct z_heap *h, chunksz_t sz, bool wide)
{
	unsigned int cls = size_class(sz);
	chunkid_t c = class_head_w(h, cls, wide);
	chunksz_t csz = (c != 0U) ? chunk_size(h, c) : 0U;

	if (csz < sz) {
		cls = class_search(h, cls + 1U);
		if (cls == 0U) {
			return 0U;
		}
		c = class_head_w(h, cls, wide);
		csz = chunk_size(h, c);
	}
	list_remove_cls(h, c, cls, wide);
	heap_stats_listed(h, csz, false);
	heap_stats_alloc(h, sz);
	if (csz > sz) {
		chunkid_t r = c + sz;
		chunksz_t rsz = csz - sz;

		chunk_set(h, r, LEFT_SIZE, sz);
		set_chunk_size_used(h, r, rsz, false);
		set_left_size(h, c + csz, rsz);
		release_run(h, r, rsz, wide);
	}
	set_chunk_size_used(h, c, sz, true);
	return c;
}

/*
 * Frees used chunk c and merges it with free neighbours (solo units included). Only the
 * aligned-alloc and realloc trimmings can free a chunk smaller than a listable one
 * (`may_be_solo`); a block that was allocated whole is always listable.
 */
HEAP_LIST_FN void free_chunk(struct z_heap *h, chunkid_t c, bool may_be_solo, bool wide)
{
	chunksz_t sz = chunk_size(h, c);
	chunkid_t rc = c + sz;
	chunkid_t lc = left_chunk(h, c);
	/* Both neighbours' headers are read before any list store (no reload after them). */
	chunkid_t rsa = chunk_field(h, rc, SIZE_AND_USED);
	chunkid_t lsa = chunk_field(h, lc, SIZE_AND_USED);

	heap_stats_free(h, sz);
	if ((rsa & 1U) == 0U) {
		chunksz_t rsz = rsa >> 1;

		if (rsz >= min_free_units(h)) {
			list_remove(h, rc, rsz, wide);
		}
		sz += rsz;
	}
	if ((lsa & 1U) == 0U) {
		chunksz_t lsz = lsa >> 1;

		if (lsz >= min_free_units(h)) {
			list_remove(h, lc, lsz, wide);
		}
		/* The swallowed header must read "free" so that a second free is caught. */
		set_chunk_size_used(h, c, 0U, false);
		c = lc;
		sz += lsz;
	} else if (offset_flag_mask(h) != 0U) {
		/* Free chunks never carry the OFFSET flag (invariant I7). */
		chunk_set(h, c, LEFT_SIZE, left_size(h, c));
	}
	set_chunk_size_used(h, c, sz, false);
	set_left_size(h, c + sz, sz);
	if (may_be_solo) {
		release_run(h, c, sz, wide);
	} else {
		list_add(h, c, sz, wide);
	}
}

chunkid_t heap_take_chunk(struct z_heap *h, chunksz_t sz)
{
	return take_chunk(h, sz, wide_heads(h));
}

void heap_free_run(struct z_heap *h, chunkid_t c)
{
	free_chunk(h, c, true, wide_heads(h));
}

void heap_shrink_used(struct z_heap *h, chunkid_t c, chunksz_t units)
{
	chunksz_t csz = chunk_size(h, c);
	chunkid_t tail = c + units;

	if (units >= csz) {
		return;
	}
	set_chunk_size_used(h, c, units, true);
	chunk_set(h, tail, LEFT_SIZE, units);
	set_chunk_size_used(h, tail, csz - units, true);
	set_left_size(h, c + csz, csz - units);
	free_chunk(h, tail, true, wide_heads(h));
}

/* ---- pointer checks ---- */

/* Chunk of a user pointer; exact for valid pointers (see checked_chunk for the rest). */
static ALWAYS_INLINE chunkid_t mem_to_chunk(const struct z_heap *h, const void *mem)
{
	return (chunkid_t)(((uintptr_t)mem - (uintptr_t)h - chunk_header_bytes(h)) / CHUNK_UNIT);
}

/*
 * NULL if `mem` is a live block of this heap, else why not. Every read stays inside the
 * heap: the range check comes first, and each neighbour is reached only through a size
 * that was bounds-checked. An interior pointer lands on user data; it passes only if that
 * data forges a used header whose size and left size both match real neighbour fields.
 */
static ALWAYS_INLINE const char *check_block(const struct z_heap *h, const void *mem)
{
	uintptr_t off = (uintptr_t)mem - (uintptr_t)h - chunk_header_bytes(h);
	uintptr_t cu = off / CHUNK_UNIT;

	if (cu - 1U >= (uintptr_t)h->end_chunk - 1U) {
		return "pointer outside the heap";
	}

	chunkid_t c = (chunkid_t)cu;
	chunkid_t lf = chunk_field(h, c, LEFT_SIZE);
	chunkid_t sa = chunk_field(h, c, SIZE_AND_USED);
	uintptr_t want = (lf & offset_flag_mask(h)) != 0U ? 4U : 0U;
	chunksz_t sz = sa >> 1;
	chunksz_t ls = lf & ~offset_flag_mask(h);

	if ((off & (CHUNK_UNIT - 1U)) != want) {
		return "misaligned or interior pointer";
	}
	if ((sa & 1U) == 0U) {
		return "block is not allocated (double free?)";
	}
	/* sz == 0 fails the left-size compare below: LEFT_SIZE(c) is never 0 for c >= 1. */
	if (sz > h->end_chunk - c || left_size(h, c + sz) != sz) {
		return "block end corrupted (buffer overflow?) or interior pointer";
	}
	if (ls - 1U >= c || chunk_size(h, c - ls) != ls) {
		return "block start corrupted or interior pointer";
	}
	return NULL;
}

chunkid_t heap_checked_chunk(struct z_heap *h, const void *mem, const char **reason)
{
	*reason = check_block(h, mem);
	return *reason == NULL ? mem_to_chunk(h, mem) : 0U;
}

__noinline __cold void heap_bad_free(struct sys_heap *heap, const void *mem, const char *reason)
{
	ARG_UNUSED(mem);
	ARG_UNUSED(reason);
	heap->heap->bad_frees++;
	__ASSERT(reason == NULL, "sys_heap %p: bad free of %p: %s", (void *)heap, mem, reason);
}

/* ---- public API ---- */

static ALWAYS_INLINE chunksz_t request_units(const struct z_heap *h, size_t bytes)
{
	/*
	 * One compare rejects 0 (wraps to SIZE_MAX) and anything that cannot fit, so the
	 * sum below cannot overflow and the unit count is at most end_chunk (which keeps
	 * size_class() inside the heads array).
	 */
	if (bytes - 1U >= chunk_bytes(h->end_chunk - 1U)) {
		return 0U;
	}
	return (chunksz_t)((bytes + chunk_header_bytes(h) + CHUNK_UNIT - 1U) / CHUNK_UNIT);
}

chunksz_t heap_request_units(const struct z_heap *h, size_t bytes)
{
	return request_units(h, bytes);
}

void *sys_heap_alloc(struct sys_heap *heap, size_t bytes)
{
	struct z_heap *h = heap->heap;
	chunksz_t sz = request_units(h, bytes);
	chunkid_t c;

	if (sz == 0U) {
		return NULL;
	}
	/* Two specialised copies on 64-bit hosts; one (constant width) elsewhere. */
	c = wide_heads(h) ? take_chunk(h, sz, true) : take_chunk(h, sz, false);
	if (c == 0U) {
		return NULL;
	}

	void *mem = chunk_buf(h, c) + chunk_header_bytes(h);

	heap_notify_alloc(heap, mem, chunk_bytes(sz));
	return mem;
}

void *sys_heap_noalign_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	ARG_UNUSED(align);
	return sys_heap_alloc(heap, bytes);
}

void sys_heap_free(struct sys_heap *heap, void *mem)
{
	struct z_heap *h;
	const char *reason;
	chunkid_t c;

	if (mem == NULL) {
		return;
	}
	h = heap->heap;
	reason = check_block(h, mem);
	if (unlikely(reason != NULL)) {
		heap_bad_free(heap, mem, reason);
		return;
	}
	c = mem_to_chunk(h, mem);
	heap_notify_free(heap, mem,
				  chunk_bytes(chunk_size(h, c)));
	if (wide_heads(h)) {
		free_chunk(h, c, false, true);
	} else {
		free_chunk(h, c, false, false);
	}
}

uint32_t sys_heap_bad_free_count(struct sys_heap *heap)
{
	return heap->heap->bad_frees;
}

size_t sys_heap_usable_size(struct sys_heap *heap, void *mem)
{
	struct z_heap *h = heap->heap;
	chunkid_t c = mem_to_chunk(h, mem);

	return (size_t)(chunk_buf(h, right_chunk(h, c)) - (uint8_t *)mem);
}

/* ---- init ---- */

void sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes)
{
	uintptr_t start = ROUND_UP(mem, CHUNK_UNIT);
	chunksz_t units = heap_layout_units((uintptr_t)mem, bytes);

	heap->init_mem = mem;
	heap->init_bytes = bytes;
	heap->heap = &heap_unusable;

	__ASSERT(bytes / CHUNK_UNIT <=
			 (HEAP_SMALL_ONLY ? HEAP_SMALL_MAX_UNITS : HEAP_BIG_MAX_UNITS),
		 "heap size is too big for this layout");
	chunksz_t chunk0 = heap_chunk0_units(units);
	chunksz_t first = big_heap_units(units) ? 2U : 1U;

	if (units < chunk0 + first) {
		__ASSERT(false, "heap size is too small");
		return;
	}

	struct z_heap *h = (struct z_heap *)start;

	/* A word loop, not memset(): the core needs no C library header at all. */
	for (uint32_t *w = (uint32_t *)h; w < (uint32_t *)chunk_buf(h, chunk0); w++) {
		*w = 0U;
	}
	h->end_chunk = units;
	h->avail_off = (uint16_t)heap_avail_offset(units);
	set_chunk_size_used(h, 0U, chunk0, true);
	chunk_set(h, chunk0, LEFT_SIZE, chunk0);
	set_chunk_size_used(h, chunk0, units - chunk0, false);
	chunk_set(h, units, LEFT_SIZE, units - chunk0);
	set_chunk_size_used(h, units, 0U, true);
	list_add(h, chunk0, units - chunk0, wide_heads(h));
	heap->heap = h;

#if defined(CONFIG_SYS_HEAP_ARRAY_SIZE) && (CONFIG_SYS_HEAP_ARRAY_SIZE > 0)
	(void)sys_heap_array_save(heap);
#endif
}
