/*
 * sys_heap: a constant-time general-purpose heap over caller memory (Zephyr API).
 *
 * The engine is zmem's own: two-level segregated size classes with bitmaps, a 4-byte chunk
 * header on heaps of at most 0x7fff units of 8 bytes (8 bytes on bigger ones), 8-aligned
 * user pointers, immediate coalescing, O(1) detection of invalid frees. docs/heap.md
 * describes the layout, the fit policy and the bounds.
 *
 * Thread safety: none of these functions lock. The caller serialises access to one heap
 * (k_heap is the locked wrapper). Distinct heaps are independent. No function blocks, so
 * any of them may run in an ISR if the caller's lock allows it.
 */
#ifndef ZEPHYR_INCLUDE_SYS_SYS_HEAP_H_
#define ZEPHYR_INCLUDE_SYS_SYS_HEAP_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/toolchain.h>
#include <zephyr/sys/mem_stats.h>

#ifdef __cplusplus
extern "C" {
#endif

struct z_heap;

/**
 * A heap handle. `heap` points to the engine state, which lives inside the managed memory;
 * `init_mem`/`init_bytes` record the buffer given to sys_heap_init(). Static initialisers
 * (kernel K_HEAP_DEFINE) may preset init_mem and init_bytes and call sys_heap_init() later.
 */
struct sys_heap {
	struct z_heap *heap;
	void *init_mem;
	size_t init_bytes;
};

struct z_heap_stress_result {
	uint32_t total_allocs;
	uint32_t successful_allocs;
	uint32_t total_frees;
	uint64_t accumulated_in_use_bytes;
};

/**
 * Free-space summary returned by sys_heap_free_info_get() (zmem extension).
 *
 * free_bytes: whole chunk bytes on free lists (same figure as sys_memory_stats.free_bytes).
 * largest_free_bytes: the largest request, in bytes, that sys_heap_alloc() is guaranteed to
 *     satisfy right now (usable bytes of the best chunk the allocator would pick); 0 if none.
 * fragmentation_permille: 1000 * (1 - largest free chunk / free chunk bytes); 0 when the free
 *     space is one block (or there is none), close to 1000 when it is shredded.
 */
struct sys_heap_free_info {
	size_t free_bytes;
	size_t largest_free_bytes;
	uint32_t fragmentation_permille;
};

/* ---- layout constants used by static heap definitions ---- */

/* Layout of a heap of u units, as the engine decides it (lib/heap/heap.h). */
#if defined(CONFIG_SYS_HEAP_BIG_ONLY)
#define Z_HEAP_BIG(u) 1
#elif defined(CONFIG_SYS_HEAP_SMALL_ONLY)
#define Z_HEAP_BIG(u) 0
#else
#define Z_HEAP_BIG(u) ((u) > 0x7fffU)
#endif
#define Z_HEAP_HDR(u) (Z_HEAP_BIG(u) ? 8U : 4U)

#ifdef CONFIG_SYS_HEAP_RUNTIME_STATS
#define Z_HEAP_STRUCT_BYTES \
	((12U + sizeof(size_t) - 1U) / sizeof(size_t) * sizeof(size_t) + 3U * sizeof(size_t))
#else
#define Z_HEAP_STRUCT_BYTES 12U
#endif

/* Mirrors of the engine's private sizing (lib/heap/heap.h), as constant expressions. */
#define Z_HEAP_LOG2(x) (31U - (unsigned int)__builtin_clz((unsigned int)(x)))
#define Z_HEAP_CLASS(u) \
	(((Z_HEAP_LOG2((u) | 8U) - 3U) << 3) + ((unsigned int)(u) >> (Z_HEAP_LOG2((u) | 8U) - 3U)))
#define Z_HEAP_HEAD_BYTES(u) \
	((Z_HEAP_BIG(u) && (sizeof(void *) == 4U || (u) > 0xffffU)) ? 4U : 2U)
#define Z_HEAP_CHUNK0_UNITS(u)                                                              \
	((Z_HEAP_HDR(u) + (Z_HEAP_STRUCT_BYTES + Z_HEAP_HEAD_BYTES(u) * (Z_HEAP_CLASS(u) + 1U) + \
			   3U) / 4U * 4U + 4U * ((Z_HEAP_CLASS(u) + 33U) / 32U) + 7U) / 8U)
/* Units of a `bytes` allocation in a heap of u units. */
#define Z_HEAP_UNITS_IN(bytes, u) (((size_t)(bytes) + Z_HEAP_HDR(u) + 7U) / 8U)
/* Least total unit count U with U - chunk0(U) >= units of the request (iterated from below:
 * chunk 0 and the header grow with U, slowly; tests/lib/heap_api checks exactness).
 */
#define Z_HEAP_FIX1(b) (Z_HEAP_UNITS_IN(b, 1U) + Z_HEAP_CHUNK0_UNITS(Z_HEAP_UNITS_IN(b, 1U)))
#define Z_HEAP_FIX2(b) (Z_HEAP_UNITS_IN(b, Z_HEAP_FIX1(b)) + Z_HEAP_CHUNK0_UNITS(Z_HEAP_FIX1(b)))
#define Z_HEAP_FIX3(b) (Z_HEAP_UNITS_IN(b, Z_HEAP_FIX2(b)) + Z_HEAP_CHUNK0_UNITS(Z_HEAP_FIX2(b)))
#define Z_HEAP_FIX4(b) (Z_HEAP_UNITS_IN(b, Z_HEAP_FIX3(b)) + Z_HEAP_CHUNK0_UNITS(Z_HEAP_FIX3(b)))

/**
 * Smallest 8-aligned buffer size in which sys_heap_alloc(h, bytes) succeeds once on a fresh
 * heap (metadata, the chunk, the end marker). The unit array starts one header below an
 * 8-aligned address, so an 8-aligned buffer spends its first 8 bytes before the first whole
 * unit (small layout: 4 unused bytes, then chunk 0's header; big: chunk 0's header). A buffer
 * that is not 8-aligned needs up to 7 bytes more (at 4 mod 8, a small heap needs 4 less).
 */
#define Z_HEAP_MIN_SIZE_FOR(bytes) ((size_t)Z_HEAP_FIX4(bytes) * 8U + 8U)

/** Smallest 8-aligned buffer that sys_heap_init() accepts: room for one 1-byte allocation. */
#define Z_HEAP_MIN_SIZE Z_HEAP_MIN_SIZE_FOR(1)

/** Buffer bytes beyond `bytes` needed so that one `bytes` allocation fits (Zephyr name). */
#define Z_HEAP_OVERHEAD(bytes) (Z_HEAP_MIN_SIZE_FOR(bytes) - (size_t)(bytes))

/* ---- core ---- */

/**
 * @brief Initialise a heap over `bytes` of memory at `mem`.
 *
 * The unit array starts one header below the first 8-aligned address that leaves room for
 * that header, and ends with a 4- or 8-byte end marker at the buffer's last whole unit.
 * All engine state lives inside `mem`. A heap is "small" (4-byte headers) when
 * CONFIG_SYS_HEAP_SMALL_ONLY, or (default, CONFIG_SYS_HEAP_AUTO, 32- and 64-bit targets)
 * when it has at most 0x7fff units (about 256 KiB); otherwise "big" (8-byte headers, up to
 * 2^31-1 units, CONFIG_SYS_HEAP_BIG_ONLY always).
 * Asserts when the region is too large for the layout or smaller than Z_HEAP_MIN_SIZE. Without
 * asserts a too-small region yields a heap on which every allocation fails, and nothing past
 * `bytes` is written. Time: linear in the metadata (at most about 250 word stores, fewer
 * than 60 for a 16 KiB heap). Not thread safe.
 */
void sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes);

/**
 * @brief Allocate `bytes` bytes.
 *
 * Returns NULL for 0 bytes, for requests larger than the heap (SIZE_MAX included) and when
 * no chunk is found. The result is 8-aligned in both layouts; usable size is
 * ROUND_UP(bytes + hdr, 8) - hdr (hdr = 4 small, 8 big). Constant time: one
 * probe of the request's own class, then one bitmap search (docs/heap.md states the bound).
 * Fit: a request fails only when no chunk of a higher class is free and the one chunk probed
 * in its own class is too small.
 */
void *sys_heap_alloc(struct sys_heap *heap, size_t bytes);

/**
 * @brief Allocate `bytes` aligned to `align` (a power of two, optionally plus a lower
 * "rewind" bit: the result is then aligned to align - rew and moved down by rew).
 *
 * `align` of 8 or less behaves as sys_heap_alloc(). Unused prefix and suffix units go back to
 * the heap. A rewind must be a multiple of 4 (of 8 on 64-bit targets), else NULL. Returns
 * NULL as sys_heap_alloc() does, or when `bytes + align` overflows. Constant time.
 */
void *sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes);

/** @brief sys_heap_alloc() with an ignored alignment (usable as an allocator callback). */
void *sys_heap_noalign_alloc(struct sys_heap *heap, size_t align, size_t bytes);

/**
 * @brief Free memory returned by this heap's allocation functions. NULL does nothing.
 *
 * A pointer outside the heap, inside or misaligned within a block, or already freed, or a
 * block whose neighbouring headers were overwritten, is rejected in constant time: with
 * CONFIG_ASSERT through __ASSERT naming the heap, the pointer and the reason; without, the
 * call is ignored, the heap is unchanged and sys_heap_bad_free_count() increments.
 * Otherwise the block merges with free neighbours at once. Constant time.
 */
void sys_heap_free(struct sys_heap *heap, void *mem);

/**
 * @brief Number of frees this heap rejected as invalid since init (zmem extension).
 * Constant time.
 */
uint32_t sys_heap_bad_free_count(struct sys_heap *heap);

/**
 * @brief Resize a block. NULL `ptr` allocates; 0 `bytes` frees and returns NULL.
 *
 * Shrinks in place (the tail returns to the heap), grows in place into a free right
 * neighbour, else allocates, copies min(old usable, bytes) and frees. On failure returns NULL
 * and the old block is untouched. Constant time plus the copy.
 */
void *sys_heap_realloc(struct sys_heap *heap, void *ptr, size_t bytes);

/**
 * @brief sys_heap_realloc() with an alignment; in place only when `align` is 0 or `ptr`
 * already satisfies it.
 */
void *sys_heap_aligned_realloc(struct sys_heap *heap, void *ptr, size_t align, size_t bytes);

/**
 * @brief Bytes usable from `mem` to the end of its block. Invalid pointers are not checked.
 * Constant time.
 */
size_t sys_heap_usable_size(struct sys_heap *heap, void *mem);

/* ---- optional features ---- */

#ifdef CONFIG_SYS_HEAP_VALIDATE
/**
 * @brief Check every invariant of the heap (chunk tiling, neighbour links, coalescing, free
 * lists, class bitmaps, flags, and with runtime stats the counters). Returns false on the
 * first violation. Linear in the heap size; for tests and debugging.
 */
bool sys_heap_validate(struct sys_heap *heap);
#else
static inline bool sys_heap_validate(struct sys_heap *heap)
{
	ARG_UNUSED(heap);
	return true;
}
#endif

/**
 * @brief Random allocation stress rig (CONFIG_SYS_HEAP_STRESS), usable with any allocator.
 *
 * Runs `op_count` steps; each allocates a power-law-distributed size or frees a random live
 * block so that usage tends towards `target_percent` of `total_bytes`. Live pointers are
 * kept in `scratch_mem`. Everything is freed at the end; counts go to `result`.
 */
void sys_heap_stress(void *(*alloc_fn)(void *arg, size_t bytes),
		     void (*free_fn)(void *arg, void *p), void *arg, size_t total_bytes,
		     uint32_t op_count, void *scratch_mem, size_t scratch_bytes, int target_percent,
		     struct z_heap_stress_result *result);

/**
 * @brief Print a map of the heap, class occupancy and totals, and with `dump_chunks` every
 * chunk, through printk (CONFIG_SYS_HEAP_INFO). The map (a zmem addition) shows the heap in
 * address order as at most 256 cells of equal size: 'M' metadata, '#' used, '.' free, ':'
 * both, '?' past a corrupted chunk. Linear time, no buffer.
 */
void sys_heap_print_info(struct sys_heap *heap, bool dump_chunks);

/**
 * @brief Copy the runtime counters (CONFIG_SYS_HEAP_RUNTIME_STATS). Counts are whole chunk
 * bytes (header and rounding included). Returns -EINVAL if either pointer is NULL, else 0.
 * Constant time.
 */
int sys_heap_runtime_stats_get(struct sys_heap *heap, struct sys_memory_stats *stats);

/**
 * @brief Set max_allocated_bytes to allocated_bytes. Returns -EINVAL on NULL, else 0.
 */
int sys_heap_runtime_stats_reset_max(struct sys_heap *heap);

/**
 * @brief Largest guaranteed allocation and a fragmentation figure in one constant-time call
 * (zmem extension, CONFIG_SYS_HEAP_RUNTIME_STATS).
 *
 * Reads the highest non-empty size class and the free-byte counter; see struct
 * sys_heap_free_info. Returns -EINVAL if either pointer is NULL, else 0.
 */
int sys_heap_free_info_get(struct sys_heap *heap, struct sys_heap_free_info *info);

/**
 * @brief Largest request sys_heap_alloc() is guaranteed to satisfy now, in bytes (0 if none).
 * Always available; constant time (zmem extension).
 */
size_t sys_heap_largest_free(struct sys_heap *heap);

#if defined(CONFIG_SYS_HEAP_ARRAY_SIZE) && (CONFIG_SYS_HEAP_ARRAY_SIZE > 0)
/**
 * @brief Record `heap` in the registry of heaps (sys_heap_init() does it). Returns -EINVAL
 * for NULL or when the CONFIG_SYS_HEAP_ARRAY_SIZE slots are full, else 0.
 */
int sys_heap_array_save(struct sys_heap *heap);

/**
 * @brief Point `*heap` at the registry; returns the number of heaps, or -EINVAL on NULL.
 */
int sys_heap_array_get(struct sys_heap ***heap);
#endif

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_SYS_HEAP_H_ */
