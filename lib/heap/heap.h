/*
 * zmem heap engine: private layout, invariants and inline accessors.
 *
 * LAYOUT
 * The heap is an array of 8-byte units; a chunk is a run of units, named by the index of
 * its first unit (chunkid_t). Every chunk starts with its header, and the user area follows:
 *
 *   chunk c:  [LEFT_SIZE][SIZE_AND_USED][ user bytes ... ][next chunk's LEFT_SIZE] ...
 *
 * Each header field is 16 bits in a small heap (4-byte header) and 32 bits in a big heap
 * (8-byte header). The unit array starts one header before an 8-aligned address U0 (4 mod
 * 8 in a small heap, 8-aligned in a big one), so that the user area of chunk c starts at
 * U0 + 8c: every normal user pointer is 8-aligned in both layouts, on 32- and 64-bit
 * hosts. struct z_heap sits at U0 (it is chunk 0's user area) and the handle points there,
 * so h + 8c is the user pointer of chunk c and its header is just below it.
 * The user area lies between this chunk's SIZE_AND_USED and the next chunk's LEFT_SIZE: a
 * linear overflow hits the next chunk's LEFT_SIZE first, which free() checks. A free chunk
 * keeps its two free-list links (FREE_PREV, FREE_NEXT, same width as the header fields) in
 * the first user bytes, so the smallest free chunk is 1 unit (small) or 2 units (big).
 *
 *   SIZE_AND_USED = size_in_units << 1 | used
 *   LEFT_SIZE     = size of the chunk just below, in units; on 32-bit hosts its top bit
 *                   (bit 15 small, bit 31 big, never needed by a size) is the OFFSET flag of
 *                   this chunk: the user pointer is h + 8c + 4 instead of h + 8c. Only a
 *                   4-byte rewind sets it (k_aligned_alloc's pointer slot below an aligned
 *                   pointer: alignment 2^k | 4). 64-bit hosts have no such rewind (theirs
 *                   is 8 bytes) and compile the flag out.
 *
 * After the last chunk, unit end_chunk holds a header only (size 0, used), which ends at
 * h + 8 * end_chunk, inside the buffer. Chunk 0 is also marked used. Both stop merging.
 *
 * Chunk 0 = its header, struct z_heap, then `nb_classes` list heads at a fixed offset
 * (16-bit chunk ids, or 32-bit in big heaps on 32-bit targets and in heaps of more than
 * 0xffff units), then the 32-bit class bitmap words at `avail_off` (bytes from h), all
 * rounded up to whole units.
 * nb_classes = class(end_chunk) + 1; the bitmap has nb_classes / 32 + 1 words, so the bit
 * just past the last class always exists (always 0; the class search no longer reads it,
 * but the word count stays: it sets chunk 0's size, hence the fragmentation figures).
 *
 * SIZE CLASSES (two-level segregated fit, HEAP_SL_BITS = 3 sub-classes per power of two)
 *   sizes 1..7 units each have their own exact class (class index == size);
 *   from 8 units on, class = (e << 3) + (size >> e) with e = log2(size) - 3, so every
 *   power-of-two range [2^k, 2^(k+1)) is cut into 8 classes of width 2^(k-3): a class spans
 *   at most 12.5 % of its lower bound.
 * A bit in the bitmap words is set iff that class's list is non-empty; bit w of `summary`
 * is set iff word w is non-zero. Lists are doubly linked and end in 0 (chunk 0 is never
 * free); the head id is stored in the class's slot (0 = empty), and the first member's
 * FREE_PREV holds HEAD_MARK | class instead of a chunk id, so that any member can be
 * unlinked without computing its class. New members enter at the head (LIFO).
 *
 * INVARIANTS (checked by sys_heap_validate())
 *  I1  Chunks tile units [0, end_chunk) exactly; each size >= 1; chunk 0 and the end
 *      marker are used.
 *  I2  LEFT_SIZE(right(c)) == size(c) for every chunk (and for the end marker).
 *  I3  No two free chunks are adjacent (immediate coalescing).
 *  I4  A free chunk of size >= HEAP_MIN_FREE units is on exactly the list of
 *      class(size); a smaller one ("solo" unit, big heaps only) is on no list.
 *  I5  List links are consistent: the first member's FREE_PREV is HEAD_MARK | class,
 *      every other member's is the member before it; the last FREE_NEXT is 0; every
 *      listed chunk is free.
 *  I6  Bitmap bit k set iff list k is non-empty; summary bit w iff word w != 0.
 *  I7  OFFSET flags appear only on used chunks (and only on 32-bit hosts).
 *  I8  With runtime stats: free_bytes == sum of listed chunks, allocated_bytes ==
 *      sum of used chunks except chunk 0 (both in whole chunk bytes).
 */
#ifndef ZMEM_LIB_HEAP_HEAP_H_
#define ZMEM_LIB_HEAP_HEAP_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/toolchain.h>
#include <zephyr/sys/util.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/sys/heap_listener.h>

/*
 * sys_heap reports its events only with CONFIG_SYS_HEAP_LISTENER; the
 * registry (CONFIG_HEAP_LISTENER) may be present for sys_mem_blocks alone.
 */
static inline void heap_notify_alloc(struct sys_heap *heap, void *mem, size_t bytes)
{
	if (IS_ENABLED(CONFIG_SYS_HEAP_LISTENER)) {
		heap_listener_notify_alloc(HEAP_ID_FROM_POINTER(heap), mem, bytes);
	}
}

static inline void heap_notify_free(struct sys_heap *heap, void *mem, size_t bytes)
{
	if (IS_ENABLED(CONFIG_SYS_HEAP_LISTENER)) {
		heap_listener_notify_free(HEAP_ID_FROM_POINTER(heap), mem, bytes);
	}
}

typedef uint32_t chunkid_t;
typedef uint32_t chunksz_t;

/* The user data may hold anything; our 16/32-bit views of it must not be assumed distinct. */
typedef uint16_t __attribute__((__may_alias__)) heap_u16_t;
typedef uint32_t __attribute__((__may_alias__)) heap_u32_t;

#define CHUNK_UNIT 8U
#define HEAP_SL_BITS 3U
#define HEAP_SMALL_MAX_UNITS 0x7fffU
#define HEAP_BIG_MAX_UNITS 0x7fffffffU
#define HEAP_OFFSET_FLAG_SMALL 0x8000U
#define HEAP_OFFSET_FLAG_BIG 0x80000000U
/* FREE_PREV of a list's first member: this bit | its class (no chunk id has it). */
#define HEAP_HEAD_MARK_SMALL 0x8000U
#define HEAP_HEAD_MARK_BIG 0x80000000U

static ALWAYS_INLINE chunkid_t heap_head_mark(bool big)
{
	return big ? HEAP_HEAD_MARK_BIG : HEAP_HEAD_MARK_SMALL;
}

enum chunk_fields { LEFT_SIZE, SIZE_AND_USED, FREE_PREV, FREE_NEXT };

struct z_heap {
	/* Index of the end marker == total units, chunk 0 included. */
	uint32_t end_chunk;
	/* Bit w set iff bitmap word w != 0 (at most 8 words). */
	uint16_t summary;
	/* Byte offset from h of the class bitmap words (after the heads, < 1 KiB). */
	uint16_t avail_off;
	/* Frees rejected as invalid (outside, interior, misaligned, double). */
	uint32_t bad_frees;
#ifdef CONFIG_SYS_HEAP_RUNTIME_STATS
	size_t free_bytes;
	size_t allocated_bytes;
	size_t max_allocated_bytes;
#endif
	/* List heads follow: 16-bit (small) or 32-bit (big) chunk ids, one per class. */
};

BUILD_ASSERT(sizeof(struct z_heap) % 4 == 0, "list heads follow the fixed fields");
/* Chunk 0's header is below the struct (see LAYOUT), so the struct holds no header. */
BUILD_ASSERT(IS_ENABLED(CONFIG_SYS_HEAP_RUNTIME_STATS) || sizeof(struct z_heap) == 12,
	     "sys_heap.h's Z_HEAP_STRUCT_BYTES mirrors this size");

/*
 * ---- layout choice: compile time with CONFIG_SYS_HEAP_SMALL_ONLY or _BIG_ONLY, else per
 * heap (small up to HEAP_SMALL_MAX_UNITS), on 32- and 64-bit hosts alike ----
 */

#define HEAP_SMALL_ONLY IS_ENABLED(CONFIG_SYS_HEAP_SMALL_ONLY)
#define HEAP_BIG_ONLY IS_ENABLED(CONFIG_SYS_HEAP_BIG_ONLY)

static ALWAYS_INLINE bool big_heap_units(chunksz_t units)
{
	if (HEAP_SMALL_ONLY) {
		return false;
	}
	if (HEAP_BIG_ONLY) {
		return true;
	}
	return units > HEAP_SMALL_MAX_UNITS;
}

static ALWAYS_INLINE bool big_heap(const struct z_heap *h)
{
	return big_heap_units(h->end_chunk);
}

static ALWAYS_INLINE size_t layout_header_bytes(bool big)
{
	return big ? 8U : 4U;
}

/* Header bytes: also the offset of a normal user pointer from its chunk. */
static ALWAYS_INLINE size_t chunk_header_bytes(const struct z_heap *h)
{
	return layout_header_bytes(big_heap(h));
}

/* Smallest chunk that can sit on a free list (header + two links). */
static ALWAYS_INLINE chunksz_t min_free_units(const struct z_heap *h)
{
	return big_heap(h) ? 2U : 1U;
}

/* Normal user pointer of chunk c (its header is just below): h + 8c, 8-aligned. */
static ALWAYS_INLINE uint8_t *chunk_user(const struct z_heap *h, chunkid_t c)
{
	return (uint8_t *)h + (size_t)c * CHUNK_UNIT;
}

/* First byte of chunk c (its header). */
static ALWAYS_INLINE uint8_t *chunk_buf(const struct z_heap *h, chunkid_t c)
{
	return chunk_user(h, c) - chunk_header_bytes(h);
}

/*
 * Field access with the layout passed in (`big`): the hot paths read end_chunk once per
 * call and pass its layout down, so that no access re-reads the heap descriptor (every
 * header store may alias it) and AUTO builds branch on the layout once, not per field.
 */
/*
 * Fields are indexed from the user pointer: the header fields sit at -2 and -1 (in field
 * widths), the links at 0 and 1. Every offset is a constant displacement from h + 8c.
 */
static ALWAYS_INLINE chunkid_t hdr_get(const struct z_heap *h, chunkid_t c, enum chunk_fields f,
				       bool big)
{
	void *p = chunk_user(h, c);
	int i = (int)f - (int)FREE_PREV;

	if (big) {
		return ((heap_u32_t *)p)[i];
	}
	return ((heap_u16_t *)p)[i];
}

static ALWAYS_INLINE void hdr_set(struct z_heap *h, chunkid_t c, enum chunk_fields f, chunkid_t v,
				  bool big)
{
	void *p = chunk_user(h, c);
	int i = (int)f - (int)FREE_PREV;

	if (big) {
		((heap_u32_t *)p)[i] = v;
	} else {
		((heap_u16_t *)p)[i] = (uint16_t)v;
	}
}

/* The OFFSET flag bit of LEFT_SIZE in a layout (0 on 64-bit hosts, where it is compiled out). */
static ALWAYS_INLINE chunkid_t offset_flag_bit(bool big)
{
	if (sizeof(void *) != 4U) {
		return 0U;
	}
	return big ? HEAP_OFFSET_FLAG_BIG : HEAP_OFFSET_FLAG_SMALL;
}

static ALWAYS_INLINE chunkid_t chunk_field(const struct z_heap *h, chunkid_t c,
					   enum chunk_fields f)
{
	return hdr_get(h, c, f, big_heap(h));
}

static ALWAYS_INLINE void chunk_set(struct z_heap *h, chunkid_t c, enum chunk_fields f,
				    chunkid_t v)
{
	hdr_set(h, c, f, v, big_heap(h));
}

static ALWAYS_INLINE chunksz_t chunk_size(const struct z_heap *h, chunkid_t c)
{
	return chunk_field(h, c, SIZE_AND_USED) >> 1;
}

static ALWAYS_INLINE bool chunk_used(const struct z_heap *h, chunkid_t c)
{
	return (chunk_field(h, c, SIZE_AND_USED) & 1U) != 0U;
}

static ALWAYS_INLINE void set_chunk_size_used(struct z_heap *h, chunkid_t c, chunksz_t sz,
					      bool used)
{
	chunk_set(h, c, SIZE_AND_USED, (sz << 1) | (used ? 1U : 0U));
}

static ALWAYS_INLINE chunkid_t offset_flag_mask(const struct z_heap *h)
{
	return offset_flag_bit(big_heap(h));
}

/* LEFT_SIZE without the OFFSET flag. */
static ALWAYS_INLINE chunksz_t left_size(const struct z_heap *h, chunkid_t c)
{
	return chunk_field(h, c, LEFT_SIZE) & ~offset_flag_mask(h);
}

static ALWAYS_INLINE bool chunk_offset_flag(const struct z_heap *h, chunkid_t c)
{
	return (chunk_field(h, c, LEFT_SIZE) & offset_flag_mask(h)) != 0U;
}

/* Sets LEFT_SIZE, keeping the OFFSET flag (the chunk may be a used aligned one). */
static ALWAYS_INLINE void set_left_size(struct z_heap *h, chunkid_t c, chunksz_t sz)
{
	chunkid_t keep = chunk_field(h, c, LEFT_SIZE) & offset_flag_mask(h);

	chunk_set(h, c, LEFT_SIZE, keep | sz);
}

static ALWAYS_INLINE void set_offset_flag(struct z_heap *h, chunkid_t c, bool on)
{
	chunksz_t ls = left_size(h, c);

	chunk_set(h, c, LEFT_SIZE, ls | (on ? offset_flag_mask(h) : 0U));
}

static ALWAYS_INLINE chunkid_t right_chunk(const struct z_heap *h, chunkid_t c)
{
	return c + chunk_size(h, c);
}

static ALWAYS_INLINE chunkid_t left_chunk(const struct z_heap *h, chunkid_t c)
{
	return c - left_size(h, c);
}

/* User pointer of chunk c (honours the OFFSET flag). */
static ALWAYS_INLINE void *chunk_mem(const struct z_heap *h, chunkid_t c)
{
	return chunk_user(h, c) + (chunk_offset_flag(h, c) ? 4U : 0U);
}

static ALWAYS_INLINE size_t chunk_bytes(chunksz_t units)
{
	return (size_t)units * CHUNK_UNIT;
}

/* ---- size classes ---- */

static ALWAYS_INLINE unsigned int heap_log2(uint32_t x)
{
	return 31U - (unsigned int)__builtin_clz(x);
}

/* Class of a chunk of `sz` units (sz >= 1): see the header comment. */
static ALWAYS_INLINE unsigned int size_class(chunksz_t sz)
{
	unsigned int e = heap_log2(sz | (1U << HEAP_SL_BITS)) - HEAP_SL_BITS;

	return (e << HEAP_SL_BITS) + (sz >> e);
}

/* Smallest chunk size (units) of class `cls`, the inverse of size_class() on bounds. */
static inline chunksz_t size_class_min(unsigned int cls)
{
	unsigned int e = cls >> HEAP_SL_BITS;

	if (e == 0U) {
		return cls;
	}
	e -= 1U;
	return (chunksz_t)((cls - (e << HEAP_SL_BITS)) << e);
}

static ALWAYS_INLINE void *class_heads(const struct z_heap *h)
{
	return (uint8_t *)h + sizeof(struct z_heap);
}

static ALWAYS_INLINE uint32_t *class_avail(const struct z_heap *h)
{
	return (uint32_t *)((uint8_t *)h + h->avail_off);
}

/*
 * List heads are 16-bit in small heaps, and in big heaps of 64-bit hosts whenever every
 * chunk id fits (below 0x10000 units, 512 KiB: on a 16 KiB BIG_ONLY heap that halves the
 * heads, 288 -> 144 bytes, about 1 % of the heap). 32-bit big heaps keep 32-bit heads, so
 * that MCU builds decide the width with the layout; 64-bit builds decide it once per call
 * (the hot paths are compiled for each layout and width, see heap.c).
 */
#define HEAP_HEADS16_MAX_UNITS 0xffffU

static ALWAYS_INLINE bool wide_heads_units(chunksz_t units)
{
	return big_heap_units(units) && (sizeof(void *) == 4U || units > HEAP_HEADS16_MAX_UNITS);
}

static ALWAYS_INLINE bool wide_heads(const struct z_heap *h)
{
	return wide_heads_units(h->end_chunk);
}

static ALWAYS_INLINE chunkid_t class_head_w(const struct z_heap *h, unsigned int cls, bool wide)
{
	if (wide) {
		return ((heap_u32_t *)class_heads(h))[cls];
	}
	return ((heap_u16_t *)class_heads(h))[cls];
}

static ALWAYS_INLINE void set_class_head_w(struct z_heap *h, unsigned int cls, chunkid_t c,
					   bool wide)
{
	if (wide) {
		((heap_u32_t *)class_heads(h))[cls] = c;
	} else {
		((heap_u16_t *)class_heads(h))[cls] = (uint16_t)c;
	}
}

static ALWAYS_INLINE chunkid_t class_head(const struct z_heap *h, unsigned int cls)
{
	return class_head_w(h, cls, wide_heads(h));
}

/* Number of classes a heap of `units` needs (its largest chunk is smaller than that). */
static ALWAYS_INLINE unsigned int heap_nb_classes(chunksz_t units)
{
	return size_class(units) + 1U;
}

/* Offset of the class bitmap: after the fixed fields and one head per class. */
static ALWAYS_INLINE size_t heap_avail_offset(chunksz_t units)
{
	size_t head = wide_heads_units(units) ? 4U : 2U;

	return ROUND_UP(sizeof(struct z_heap) + head * heap_nb_classes(units), 4U);
}

/* Units of chunk 0 (header, struct, heads, bitmap words) for a heap of `units` units. */
static inline chunksz_t heap_chunk0_units(chunksz_t units)
{
	size_t bytes = layout_header_bytes(big_heap_units(units)) + heap_avail_offset(units) +
		       4U * (heap_nb_classes(units) / 32U + 1U);

	return (chunksz_t)((bytes + CHUNK_UNIT - 1U) / CHUNK_UNIT);
}

/*
 * Placement of a heap over [mem, mem + bytes): returns its total units (chunk 0 included,
 * end marker excluded) and stores in *hp the address of struct z_heap (U0 in LAYOUT): the
 * first 8-aligned address at least one header above mem, so the unit array starts at
 * 4 mod 8 (small) or 8-aligned (big). The end marker's header ends at h + 8 * units, at or
 * below mem + bytes. Units are clamped to what the layout can address; 0 if not even the
 * end marker fits. The layout is guessed from bytes / 8, an upper bound of the unit count:
 * a heap guessed big may come out small (placed 4 bytes higher than needed, still valid),
 * never the reverse, and validate() recomputes the same answer.
 */
static inline chunksz_t heap_place(uintptr_t mem, size_t bytes, uintptr_t *hp)
{
	bool big = big_heap_units((chunksz_t)MIN(bytes / CHUNK_UNIT, (size_t)UINT32_MAX));
	uintptr_t h = ROUND_UP(mem + layout_header_bytes(big), CHUNK_UNIT);
	uintptr_t max = HEAP_SMALL_ONLY ? HEAP_SMALL_MAX_UNITS : HEAP_BIG_MAX_UNITS;

	*hp = h;
	if (bytes < h - mem + CHUNK_UNIT) {
		return 0U;
	}
	return (chunksz_t)MIN((bytes - (h - mem)) / CHUNK_UNIT, max);
}

static inline chunksz_t heap_layout_units(uintptr_t mem, size_t bytes)
{
	uintptr_t h;

	return heap_place(mem, bytes, &h);
}

/* ---- shared internals (heap.c) ---- */

/* Unlinks free chunk c of `sz` units from its class list. */
void heap_list_remove(struct z_heap *h, chunkid_t c, chunksz_t sz);
/* A used chunk of exactly `sz` units (stats charged), or 0. */
chunkid_t heap_take_chunk(struct z_heap *h, chunksz_t sz);
/* Frees used chunk c (any size, solo units included) and merges it with free neighbours. */
void heap_free_run(struct z_heap *h, chunkid_t c);
/* Used chunk c keeps its first `units` units; the tail is freed (and merged). */
void heap_shrink_used(struct z_heap *h, chunkid_t c, chunksz_t units);
/* Chunk of a live block, or 0 with the reason (sys_heap_free's checks). */
chunkid_t heap_checked_chunk(struct z_heap *h, const void *mem, const char **reason);
/* Counts and reports an invalid pointer (assert with heap, pointer and reason). */
void heap_bad_free(struct sys_heap *heap, const void *mem, const char *reason);
/* Units for a `bytes` request (header included), or 0 for 0 bytes or too big. */
chunksz_t heap_request_units(const struct z_heap *h, size_t bytes);

/* Stats hooks compile to nothing without CONFIG_SYS_HEAP_RUNTIME_STATS. */
static ALWAYS_INLINE void heap_stats_alloc(struct z_heap *h, chunksz_t units)
{
#ifdef CONFIG_SYS_HEAP_RUNTIME_STATS
	h->allocated_bytes += chunk_bytes(units);
	if (h->allocated_bytes > h->max_allocated_bytes) {
		h->max_allocated_bytes = h->allocated_bytes;
	}
#else
	ARG_UNUSED(h);
	ARG_UNUSED(units);
#endif
}

static ALWAYS_INLINE void heap_stats_free(struct z_heap *h, chunksz_t units)
{
#ifdef CONFIG_SYS_HEAP_RUNTIME_STATS
	h->allocated_bytes -= chunk_bytes(units);
#else
	ARG_UNUSED(h);
	ARG_UNUSED(units);
#endif
}

static ALWAYS_INLINE void heap_stats_listed(struct z_heap *h, chunksz_t units, bool added)
{
#ifdef CONFIG_SYS_HEAP_RUNTIME_STATS
	if (added) {
		h->free_bytes += chunk_bytes(units);
	} else {
		h->free_bytes -= chunk_bytes(units);
	}
#else
	ARG_UNUSED(h);
	ARG_UNUSED(units);
	ARG_UNUSED(added);
#endif
}

#endif /* ZMEM_LIB_HEAP_HEAP_H_ */
