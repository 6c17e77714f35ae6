/*
 * zmem heap engine: init, alloc, free and the free-list primitives.
 *
 * Hot paths are straight-line code: no loop in alloc or free depends on heap state.
 * alloc = class of the request, one probe of that class's head, at most one two-level
 * bitmap search (two count-trailing-zeros), unlink, optional split. free = O(1) pointer
 * checks, up to two neighbour unlinks, one insert. docs/heap.md gives the exact bounds.
 */
#include "heap_trace.h" /* first: renames the traced entry points */
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
 * MCU default), where one out-of-line copy of each keeps init+alloc+free near 1 KiB. With a
 * layout fixed by the configuration (HEAP_OS_FIXED) -Os spends its margin below 1229 bytes
 * on the hot paths instead: see free_mem() and docs/heap_history.md, "-Os hot paths".
 */
#ifdef __OPTIMIZE_SIZE__
#define HEAP_LIST_FN static __noinline
#define HEAP_OPT_SIZE 1
#else
#define HEAP_LIST_FN static ALWAYS_INLINE
#define HEAP_OPT_SIZE 0
#endif

/*
 * What the hot paths need to know about a heap, read once per call: its layout (header and
 * link width) and its head width. Header stores may alias the descriptor, so anything
 * re-read from it after a store costs a load; this struct lives in registers instead, and
 * with a compile-time layout `big` and `wide` are constants. The bitmap offset is not
 * cached: only some paths need it, and a register held through the whole call cost more
 * (callee-saved spills: +2 instructions per call, measured) than a reload where it is used.
 */
#define HEAP_CTX_LAYOUT (!HEAP_OPT_SIZE || !(HEAP_SMALL_ONLY || HEAP_BIG_ONLY))

/* -Os with a layout fixed by the configuration: one copy of free's fast path (see free_mem()). */
#define HEAP_OS_FIXED (HEAP_OPT_SIZE && (HEAP_SMALL_ONLY || HEAP_BIG_ONLY))

/*
 * At -Os with a layout fixed by the configuration, the flags are constants (ctx_big()) and
 * the struct holds the descriptor alone: GCC passed the dead flags to the out-of-line
 * helpers, in places through the stack (Cortex-M3 SMALL_ONLY 1094 -> 1062 bytes).
 */
struct heap_ctx {
	struct z_heap *h;
#if HEAP_CTX_LAYOUT
	bool big;
	bool wide;
#endif
};

static ALWAYS_INLINE struct heap_ctx heap_ctx_make(struct z_heap *h, bool big, bool wide)
{
#if HEAP_CTX_LAYOUT
	struct heap_ctx x = { h, big, wide };
#else
	struct heap_ctx x = { h };

	ARG_UNUSED(big);
	ARG_UNUSED(wide);
#endif
	return x;
}

static ALWAYS_INLINE struct heap_ctx heap_ctx_of(struct z_heap *h)
{
	return heap_ctx_make(h, big_heap(h), wide_heads(h));
}

/*
 * The layout as seen by the list primitives. At -Os it is a constant whenever the
 * configuration fixes it, so that the out-of-line copies keep a single width (GCC does not
 * propagate the callers' constant through the struct). At -O2 everything is inlined with
 * constants already, and this would only perturb GCC's choices (measured: +5 / +8).
 */
static ALWAYS_INLINE bool ctx_big(struct heap_ctx x)
{
#if HEAP_CTX_LAYOUT
	return x.big;
#else
	ARG_UNUSED(x);
	return HEAP_BIG_ONLY;
#endif
}

static ALWAYS_INLINE bool ctx_wide(struct heap_ctx x)
{
#if HEAP_CTX_LAYOUT
	return x.wide;
#else
	return wide_heads(x.h);
#endif
}

static ALWAYS_INLINE chunkid_t xget(struct heap_ctx x, chunkid_t c, enum chunk_fields f)
{
	return hdr_get(x.h, c, f, ctx_big(x));
}

static ALWAYS_INLINE void xset(struct heap_ctx x, chunkid_t c, enum chunk_fields f, chunkid_t v)
{
	hdr_set(x.h, c, f, v, ctx_big(x));
}

/*
 * Whether a free neighbour of `sz` units is on a list. In a small heap every free chunk is
 * (one unit holds the header and both links), so the test folds away there: the merges of
 * free() skip a compare that only a corrupted size 0 could fail.
 */
static ALWAYS_INLINE bool x_listed(struct heap_ctx x, chunksz_t sz)
{
	return !ctx_big(x) || sz >= 2U;
}

/* ---- class bitmaps ---- */

/* x86 clears a bitmap bit best with a rotation (rol); Thumb-2 has bic but no rotate-left. */
#if defined(__x86_64__) || defined(__i386__)
#define HEAP_X86 1
#else
#define HEAP_X86 0
#endif

static ALWAYS_INLINE void class_set_avail(struct heap_ctx x, unsigned int cls)
{
	unsigned int w = cls >> 5;

	/* Summary first: GCC then needs one copy of the shift count less (measured -0.7). */
	x.h->summary |= (uint16_t)(1U << w);
	class_avail(x.h)[w] |= 1U << (cls & 31U);
}

static ALWAYS_INLINE void class_clear_avail(struct heap_ctx x, unsigned int cls)
{
	uint32_t *word = &class_avail(x.h)[cls >> 5];
	unsigned int n = cls & 31U;

	if (HEAP_X86) {
		/* ~(1 << n) as a rotation of ~1: one x86 rol instead of mov, shl and not. */
		*word &= (~1U << n) | (~1U >> ((32U - n) & 31U));
	} else {
		/* Thumb-2 has bic but no rotate-left: mov, lsl, bic (the rotation costs 4). */
		*word &= ~(1U << n);
	}
	if (*word == 0U) {
		x.h->summary &= (uint16_t)~(1U << (cls >> 5));
	}
}

/*
 * Replaces *cls with the smallest non-empty class above it and returns true, or returns
 * false if there is none. The mask ~1 << (cls % 32) keeps the classes above cls in its own
 * word (none when cls % 32 == 31: the summary then finds the words above), so there is no
 * cls + 1 to compute, and cls + 1 == nb_classes needs no bitmap bit. A flag, not class 0
 * for "none": inlined, only the summary branch can fail, and the caller's test folds away
 * on the other one.
 */
static ALWAYS_INLINE bool class_search(struct heap_ctx x, unsigned int *cls)
{
	unsigned int w = *cls >> 5;
	uint32_t bits = class_avail(x.h)[w] & (~1U << (*cls & 31U));

	if (bits == 0U) {
		uint32_t above = x.h->summary & ~((2U << w) - 1U);

		if (above == 0U) {
			return false;
		}
		w = (unsigned int)__builtin_ctz(above);
		bits = class_avail(x.h)[w];
	}
	*cls = (w << 5) + (unsigned int)__builtin_ctz(bits);
	return true;
}

/*
 * ---- free lists: doubly linked, not circular, new chunks enter at the head (LIFO) ----
 *
 * The first member's FREE_PREV is not a chunk id but a head mark: HEAD_MARK | its class
 * (chunk ids never reach the top bit of a field). The last member's FREE_NEXT is 0 (chunk
 * 0 is never free). So unlinking any member needs no size class: the mark names the head
 * slot to rewrite, and a 0 next after a mark says the list is now empty.
 */

static ALWAYS_INLINE chunkid_t head_get(struct heap_ctx x, unsigned int cls)
{
	return class_head_w(x.h, cls, ctx_wide(x));
}

static ALWAYS_INLINE void head_set(struct heap_ctx x, unsigned int cls, chunkid_t c)
{
	set_class_head_w(x.h, cls, c, ctx_wide(x));
}

static ALWAYS_INLINE chunkid_t head_mark(struct heap_ctx x)
{
	return heap_head_mark(ctx_big(x));
}

/* Unlinks head c of list `cls` (alloc takes heads only, and knows their class). */
static ALWAYS_INLINE void list_unlink_head(struct heap_ctx x, chunkid_t c, unsigned int cls)
{
	chunkid_t next = xget(x, c, FREE_NEXT);

	head_set(x, cls, next);
	if (next == 0U) {
		class_clear_avail(x, cls);
	} else {
		xset(x, next, FREE_PREV, head_mark(x) | cls);
	}
}

/* Unlinks any member c of its list; the class comes from the head mark when c is first. */
static ALWAYS_INLINE void list_unlink_any(struct heap_ctx x, chunkid_t c)
{
	chunkid_t prev = xget(x, c, FREE_PREV);
	chunkid_t next = xget(x, c, FREE_NEXT);
	chunkid_t mark = head_mark(x);

	if ((prev & mark) != 0U) {
		head_set(x, prev & ~mark, next);
	} else {
		xset(x, prev, FREE_NEXT, next);
	}
	if (next != 0U) {
		xset(x, next, FREE_PREV, prev);
	} else if ((prev & mark) != 0U) {
		class_clear_avail(x, prev & ~mark);
	}
}

/*
 * Unlinks free chunk c of `sz` units, any member of its list. One out-of-line copy at -Os:
 * free's neighbour unlinks, and in AUTO builds alloc's head unlink too.
 */
HEAP_LIST_FN void list_remove(struct heap_ctx x, chunkid_t c, chunksz_t sz)
{
	list_unlink_any(x, c);
	heap_stats_listed(x.h, sz, false);
}

static ALWAYS_INLINE void list_insert(struct heap_ctx x, chunkid_t c, chunksz_t sz)
{
	unsigned int cls = size_class(sz);
	chunkid_t head = head_get(x, cls);
	chunkid_t mark = head_mark(x) | cls;

	head_set(x, cls, c);
	xset(x, c, FREE_PREV, mark);
	xset(x, c, FREE_NEXT, head);
	if (head == 0U) {
		class_set_avail(x, cls);
	} else {
		xset(x, head, FREE_PREV, c);
	}
	heap_stats_listed(x.h, sz, true);
}

HEAP_LIST_FN void list_add(struct heap_ctx x, chunkid_t c, chunksz_t sz)
{
	list_insert(x, c, sz);
}

/*
 * Puts a free run back: on a list when it can hold the links, else it stays a solo unit.
 * At -Os with a fixed layout the insert is inlined into each caller (alloc's split and
 * free's merge: list_add() then has no caller left, see init).
 */
static ALWAYS_INLINE void release_run(struct heap_ctx x, chunkid_t c, chunksz_t sz)
{
	if (x_listed(x, sz)) {
		if (HEAP_OS_FIXED) {
			list_insert(x, c, sz);
		} else {
			list_add(x, c, sz);
		}
	}
}

void heap_list_remove(struct z_heap *h, chunkid_t c, chunksz_t sz)
{
	list_remove(heap_ctx_of(h), c, sz);
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
HEAP_LIST_FN uint8_t *take_chunk_mem(struct heap_ctx x, chunksz_t sz)
{
	unsigned int cls = size_class(sz);
	chunkid_t c = head_get(x, cls);
	chunksz_t csz;

	if (c == 0U || (csz = xget(x, c, SIZE_AND_USED) >> 1) < sz) {
		if (!class_search(x, &cls)) {
			return NULL;
		}
		c = head_get(x, cls);
		csz = xget(x, c, SIZE_AND_USED) >> 1;
	}
	if (HEAP_OPT_SIZE && !HEAP_OS_FIXED) {
		list_remove(x, c, csz);	/* the one shared copy */
	} else {
		list_unlink_head(x, c, cls);
		heap_stats_listed(x.h, csz, false);
	}
	heap_stats_alloc(x.h, sz);
	if (csz > sz) {
		chunkid_t r = c + sz;
		chunksz_t rsz = csz - sz;
		chunkid_t after = c + csz;
		chunkid_t flag = offset_flag_bit(ctx_big(x));

		xset(x, r, LEFT_SIZE, sz);
		xset(x, r, SIZE_AND_USED, rsz << 1);
		/* The chunk after may be a used aligned block: keep its OFFSET flag. */
		xset(x, after, LEFT_SIZE,
		     (flag != 0U ? (xget(x, after, LEFT_SIZE) & flag) : 0U) | rsz);
		release_run(x, r, rsz);
	}
	xset(x, c, SIZE_AND_USED, (sz << 1) | 1U);
	/*
	 * The user pointer, not an id: the caller's "found?" test then needs no proof that
	 * c != 0, and alloc returns it as it is.
	 */
	return chunk_user(x.h, c);
}

static ALWAYS_INLINE chunkid_t take_chunk(struct heap_ctx x, chunksz_t sz)
{
	uint8_t *mem = take_chunk_mem(x, sz);

	return mem == NULL ? 0U : (chunkid_t)((size_t)(mem - (uint8_t *)x.h) / CHUNK_UNIT);
}

/*
 * The merging half of free: used chunk c of `sz` units, whose OFFSET flag is clear, with
 * the raw headers already read: `rsa` = SIZE_AND_USED of the right neighbour, `rls` = its
 * LEFT_SIZE (OFFSET flag included), `lsa` = SIZE_AND_USED of the left one, `ls` = its size.
 * Merges with free neighbours (unlinking listed ones), marks the result free and lists it.
 * Only aligned-alloc and realloc trimmings can free a chunk smaller than a listable one
 * (`may_be_solo`); a block that was allocated whole is always listable.
 */
static ALWAYS_INLINE void merge_free(struct heap_ctx x, chunkid_t c, chunksz_t sz, chunkid_t rsa,
				     chunkid_t rls, chunkid_t lsa, chunksz_t ls, bool may_be_solo)
{
	chunkid_t flag = offset_flag_bit(ctx_big(x));
	/* The right neighbour, then the chunk after the result: both fixed by the left merge. */
	chunkid_t rc = c + sz;
	chunkid_t after = rc;

	heap_stats_free(x.h, sz);
	if ((lsa & 1U) == 0U) {
		if (x_listed(x, ls)) {
			list_remove(x, c - ls, ls);
		}
		/*
		 * The swallowed header must read "free" so that a second free is caught. A
		 * 4-byte header is cleared whole: one 32-bit store of 0 is a single x86
		 * instruction, a 16-bit one two (GCC avoids 16-bit immediates).
		 */
		if (ctx_big(x)) {
			xset(x, c, SIZE_AND_USED, 0U);
		} else {
			*(heap_u32_t *)(chunk_user(x.h, c) - 4) = 0U;
		}
		c -= ls;
	}
	if ((rsa & 1U) == 0U) {
		chunksz_t rsz = rsa >> 1;

		if (x_listed(x, rsz)) {
			list_remove(x, rc, rsz);
		}
		after += rsz;
		rls = flag != 0U ? xget(x, after, LEFT_SIZE) : 0U;
	}
	sz = after - c;
	xset(x, c, SIZE_AND_USED, sz << 1);
	/* The chunk after is used (or the end marker) and may carry an OFFSET flag. */
	xset(x, after, LEFT_SIZE, (rls & flag) | sz);
	if (HEAP_OS_FIXED || may_be_solo) {
		/* At -Os with a fixed layout free_mem() is the only caller (free -4 for 84 B). */
		release_run(x, c, sz);
	} else {
		list_add(x, c, sz);
	}
}

static void free_mem(struct sys_heap *heap, void *mem, struct z_heap *h);

/*
 * free_chunk() at -Os with a fixed layout. The one copy of the merge is free's fast path:
 * without its OFFSET flag, a used chunk of a consistent heap passes the fast checks (solo
 * units too).
 */
static ALWAYS_INLINE void free_chunk_fixed(struct heap_ctx x, chunkid_t c)
{
	chunkid_t flag = offset_flag_bit(ctx_big(x));

	if (flag != 0U) {
		xset(x, c, LEFT_SIZE, xget(x, c, LEFT_SIZE) & ~flag);
	}
	free_mem(NULL, chunk_user(x.h, c), x.h);
}

/* Frees used chunk c (any size, solo units and OFFSET flags included) and merges it. */
HEAP_LIST_FN void free_chunk(struct heap_ctx x, chunkid_t c, bool may_be_solo)
{
	chunkid_t flag = offset_flag_bit(ctx_big(x));

	if (HEAP_OS_FIXED) {
		free_chunk_fixed(x, c);
		return;
	}

	chunksz_t sz = xget(x, c, SIZE_AND_USED) >> 1;
	chunksz_t ls = xget(x, c, LEFT_SIZE) & ~flag;
	chunkid_t rc = c + sz;

	/* Free chunks never carry the OFFSET flag (invariant I7). */
	if (flag != 0U) {
		xset(x, c, LEFT_SIZE, ls);
	}
	merge_free(x, c, sz, xget(x, rc, SIZE_AND_USED), xget(x, rc, LEFT_SIZE),
		   xget(x, c - ls, SIZE_AND_USED), ls, may_be_solo);
}

chunkid_t heap_take_chunk(struct z_heap *h, chunksz_t sz)
{
	return take_chunk(heap_ctx_of(h), sz);
}

void heap_free_run(struct z_heap *h, chunkid_t c)
{
	free_chunk(heap_ctx_of(h), c, true);
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
	free_chunk(heap_ctx_of(h), tail, true);
}

/* ---- pointer checks ---- */

/* Chunk of a user pointer (h + 8c, or h + 8c + 4 with the OFFSET flag); exact for valid ones. */
static ALWAYS_INLINE chunkid_t mem_to_chunk(const struct z_heap *h, const void *mem)
{
	return (chunkid_t)(((uintptr_t)mem - (uintptr_t)h) / CHUNK_UNIT);
}

/*
 * NULL if `mem` is a live block of this heap, else why not. Every read stays inside the
 * heap: the range check comes first, and each neighbour is reached only through a size
 * that was bounds-checked. An interior pointer lands on user data; it passes only if that
 * data forges a used header whose size and left size both match real neighbour fields.
 */
static ALWAYS_INLINE const char *check_block(const struct z_heap *h, const void *mem)
{
	uintptr_t off = (uintptr_t)mem - (uintptr_t)h;
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

static ALWAYS_INLINE void bad_free(struct sys_heap *heap, const void *mem, const char *reason)
{
	ARG_UNUSED(mem);
	ARG_UNUSED(reason);
	heap->heap->bad_frees++;
	__ASSERT(reason == NULL, "sys_heap %p: bad free of %p: %s", (void *)heap, mem, reason);
}

__noinline __cold void heap_bad_free(struct sys_heap *heap, const void *mem, const char *reason)
{
	bad_free(heap, mem, reason);
}

/*
 * Everything sys_heap_free()'s fast checks turn away: the full checks, in the documented
 * order and with the documented reason, then the rare valid case the fast path leaves out
 * (an aligned block whose pointer carries the OFFSET flag).
 */
static __noinline __cold void free_slow(struct sys_heap *heap, void *mem)
{
	struct z_heap *h = heap->heap;
	const char *reason = check_block(h, mem);

	if (reason != NULL) {
		/* Inline at -Os with a fixed layout: free_slow() is then its only core caller. */
		if (HEAP_OS_FIXED) {
			bad_free(heap, mem, reason);
		} else {
			heap_bad_free(heap, mem, reason);
		}
		return;
	}

	chunkid_t c = mem_to_chunk(h, mem);

	heap_notify_free(heap, mem, chunk_bytes(chunk_size(h, c)));
	if (HEAP_OS_FIXED) {
		free_chunk_fixed(heap_ctx_of(h), c);
	} else {
		free_chunk(heap_ctx_of(h), c, false);
	}
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

/* sys_heap_alloc() for one layout (`big`, `wide` are constants where it is inlined). */
static ALWAYS_INLINE void *alloc_body(struct sys_heap *heap, struct z_heap *h, chunkid_t end,
				      size_t bytes, bool big, bool wide)
{
	struct heap_ctx x = heap_ctx_make(h, big, wide);
	size_t hdr = big ? 8U : 4U;

	/* See request_units(): 0 and anything too big fail this one compare. */
	if (bytes - 1U >= chunk_bytes(end - 1U)) {
		return NULL;
	}

	chunksz_t sz = (chunksz_t)((bytes + hdr + CHUNK_UNIT - 1U) / CHUNK_UNIT);
	void *mem = take_chunk_mem(x, sz);

	if (mem == NULL) {
		return NULL;
	}
	heap_notify_alloc(heap, mem, chunk_bytes(sz));
	return mem;
}

void *sys_heap_alloc(struct sys_heap *heap, size_t bytes)
{
	struct z_heap *h = heap->heap;
	chunkid_t end = h->end_chunk;

	/* The layout is decided once; each branch is a copy compiled for that layout. */
	if (HEAP_SMALL_ONLY || HEAP_OPT_SIZE) {
		return alloc_body(heap, h, end, bytes, big_heap_units(end), wide_heads_units(end));
	}
	if (big_heap_units(end)) {
		/* 32-bit big heaps always have wide heads: the test below folds away there. */
		if (wide_heads_units(end)) {
			return alloc_body(heap, h, end, bytes, true, true);
		}
		return alloc_body(heap, h, end, bytes, true, false);
	}
	return alloc_body(heap, h, end, bytes, false, false);
}

void *sys_heap_noalign_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	ARG_UNUSED(align);
	return sys_heap_alloc(heap, bytes);
}

static ALWAYS_INLINE uintptr_t ror3(uintptr_t v)
{
	return (v >> 3) | (v << (sizeof(uintptr_t) * 8U - 3U));
}

/*
 * sys_heap_free() for one layout. The fast checks accept exactly the blocks check_block()
 * accepts, minus those with the OFFSET flag; anything else goes to free_slow(), which
 * repeats the checks in full. Each check is one compare and a branch to that one place:
 *  - user pointers are h + 8c, so rotating the offset from h by 3 moves any misalignment
 *    into the top bits, and a single unsigned compare against end_chunk rejects both a
 *    pointer at or beyond the end marker (or below h) and one that is not 8-aligned from
 *    h; chunk 0 passes it (its header is readable) and fails the left check, because its
 *    LEFT_SIZE is 0 (c - 0 >= c);
 *  - the raw LEFT_SIZE is used in the left-neighbour check: with the OFFSET flag set it
 *    exceeds every chunk id, so flagged blocks fail it and take the slow path;
 *  - c + size <= end_chunk makes the right neighbour's header safe to read, and
 *    c - left_size < c (unsigned) the left one's;
 *  - "used" and "the right neighbour's LEFT_SIZE equals our size" are one compare, so the
 *    right header is read before the used bit is known (the bound alone makes that safe);
 *    free_slow() still reports them in check_block()'s order.
 * The headers read for the checks are the ones merging needs.
 */
static ALWAYS_INLINE void free_body(struct sys_heap *heap, struct z_heap *h, chunkid_t end,
				    void *mem, bool big, bool wide)
{
	struct heap_ctx x = heap_ctx_make(h, big, wide);
	uintptr_t cu = ror3((uintptr_t)mem - (uintptr_t)h);
	chunkid_t flag = offset_flag_bit(big);

	/* c == 0 (chunk 0) passes here and fails the left-size check: its LEFT_SIZE is 0. */
	if (unlikely(cu >= (uintptr_t)end)) {
		free_slow(heap, mem);
		return;
	}

	chunkid_t c = (chunkid_t)cu;
	chunkid_t sa = xget(x, c, SIZE_AND_USED);
	chunksz_t sz = sa >> 1;
	chunkid_t rc = c + sz;

	/* Safe to read even if c is free: only the bound matters here. */
	if (unlikely(rc > end)) {
		goto slow;
	}

	chunkid_t rls = xget(x, rc, LEFT_SIZE);
	chunksz_t ls = xget(x, c, LEFT_SIZE);
	chunkid_t lc = c - ls;

	/*
	 * "used" and "the right neighbour's LEFT_SIZE matches" in one compare: both hold iff
	 * SIZE_AND_USED == left size << 1 | 1 (in uintptr_t, so that no bit of a corrupted
	 * 32-bit LEFT_SIZE is shifted out on 64-bit hosts).
	 */
	if (unlikely((((uintptr_t)(rls & ~flag) << 1) | 1U) != sa) || unlikely(lc >= c)) {
		goto slow;
	}

	chunkid_t lsa = xget(x, lc, SIZE_AND_USED);

	if (unlikely((lsa >> 1) != ls)) {
		goto slow;
	}
	if (!HEAP_OS_FIXED || heap != NULL) {
		heap_notify_free(heap, chunk_user(h, c), chunk_bytes(sz));
	}
	merge_free(x, c, sz, xget(x, rc, SIZE_AND_USED), rls, lsa, ls, HEAP_OS_FIXED);
	return;
slow:
	/*
	 * Past the range check, mem == h + 8c exactly (cu < end leaves no misalignment), so
	 * `mem` need not stay in a register through the checks.
	 */
	if (!HEAP_OS_FIXED || heap != NULL) {
		free_slow(heap, chunk_user(h, c));
	}
}

/*
 * -Os with a fixed layout: free's fast checks and the merge, once. sys_heap_free() calls it
 * with its heap; free_chunk() (the slow path's flagged blocks, aligned-alloc and realloc
 * trimmings) with NULL, which skips the listener and, on a corrupted heap, the report (the
 * chunk is then left alone). A run freed from inside may be a solo unit in a big heap,
 * hence `may_be_solo` above (one compare in big heaps, none in small ones).
 */
static __noinline void free_mem(struct sys_heap *heap, void *mem, struct z_heap *h)
{
	free_body(heap, h, h->end_chunk, mem, HEAP_BIG_ONLY, HEAP_BIG_ONLY);
}

void sys_heap_free(struct sys_heap *heap, void *mem)
{
	if (mem == NULL) {
		return;
	}

	struct z_heap *h = heap->heap;
	chunkid_t end = h->end_chunk;

	if (HEAP_OS_FIXED) {
		free_mem(heap, mem, h);
	} else if (HEAP_OPT_SIZE) {
		/* One copy of everything: the full checks, then the shared free_chunk(). */
		free_slow(heap, mem);
	} else if (HEAP_SMALL_ONLY) {
		free_body(heap, h, end, mem, false, false);
	} else if (big_heap_units(end)) {
		if (wide_heads_units(end)) {
			free_body(heap, h, end, mem, true, true);
		} else {
			free_body(heap, h, end, mem, true, false);
		}
	} else {
		free_body(heap, h, end, mem, false, false);
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
	uintptr_t start;
	chunksz_t units = heap_place((uintptr_t)mem, bytes, &start);

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

	/*
	 * A word loop, not memset(): the core needs no C library header at all. Chunk 0 starts
	 * one header below h (end_chunk, which tells the layout, is not written yet).
	 */
	uint32_t *w = (uint32_t *)(start - layout_header_bytes(big_heap_units(units)));

	for (; w < (uint32_t *)chunk_user(h, chunk0); w++) {
		*w = 0U;
	}
	h->end_chunk = units;
	h->avail_off = (uint16_t)heap_avail_offset(units);
	set_chunk_size_used(h, 0U, chunk0, true);
	chunk_set(h, chunk0, LEFT_SIZE, chunk0);
	chunk_set(h, units, LEFT_SIZE, units - chunk0);
	set_chunk_size_used(h, units, 0U, true);
	if (HEAP_OS_FIXED) {
		/*
		 * The first chunk is made a used block and freed: free's checks pass, nothing
		 * merges, and its insert lists it, so -Os builds need no out-of-line list_add().
		 */
		set_chunk_size_used(h, chunk0, units - chunk0, true);
#ifdef CONFIG_SYS_HEAP_RUNTIME_STATS
		h->allocated_bytes = chunk_bytes(units - chunk0);
#endif
		free_mem(NULL, chunk_user(h, chunk0), h);
	} else {
		set_chunk_size_used(h, chunk0, units - chunk0, false);
		list_add(heap_ctx_of(h), chunk0, units - chunk0);
	}
	heap->heap = h;

#if defined(CONFIG_SYS_HEAP_ARRAY_SIZE) && (CONFIG_SYS_HEAP_ARRAY_SIZE > 0)
	(void)sys_heap_array_save(heap);
#endif
}
