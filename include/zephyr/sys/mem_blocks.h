/*
 * Memory blocks allocator (sys_mem_blocks): a pool of num_blocks equal blocks of
 * 2^blk_sz_shift bytes, tracked by a bitmap (bit set = allocated, bit i = the block at
 * buffer + (i << blk_sz_shift)). It hands out single blocks, several blocks, or a
 * contiguous run, always first fit from block 0, and never blocks.
 *
 * Layers: the allocator itself is the freestanding core in lib/mem_blocks (no locks, the
 * z_mem_blocks_*() functions at the end of this header); the public sys_mem_blocks_*()
 * functions are kernel/mem_blocks.c, which serialise each pool with a kernel spinlock
 * around the core call. Everything a pool needs is statically initialised by the DEFINE
 * macros, so a pool is usable before main() and there is no init function (as in Zephyr).
 *
 * Complexity, with W = 32 bits per bitmap word and N = num_blocks:
 *   contiguous search       O(N / W) word steps worst case (each word costs at most
 *                           log2(W) = 5 shift-and steps), whatever the fragmentation;
 *   range check/set/clear   O(count / W + 1);
 *   alloc of `count` single blocks  O(N / W + count) (one resumed scan).
 * See docs/mem_blocks.md.
 */
#ifndef ZEPHYR_INCLUDE_SYS_MEM_BLOCKS_H_
#define ZEPHYR_INCLUDE_SYS_MEM_BLOCKS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/toolchain.h>
#include <zephyr/sys/util.h>
#include <zephyr/sys/bitarray.h>
#include <zephyr/sys/mem_stats.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MAX_MULTI_ALLOCATORS 8

struct sys_mem_blocks;
struct sys_multi_mem_blocks;

typedef struct sys_mem_blocks sys_mem_blocks_t;
typedef struct sys_multi_mem_blocks sys_multi_mem_blocks_t;

/**
 * Choice callback of a multi-allocator group: returns the pool to allocate from for the
 * opaque `cfg`, or NULL, which makes sys_multi_mem_blocks_alloc() fail with -EINVAL.
 */
typedef sys_mem_blocks_t *(*sys_multi_mem_blocks_choice_fn_t)(struct sys_multi_mem_blocks *group,
							       void *cfg);

struct sys_mem_blocks_info {
	uint32_t num_blocks;
	uint8_t blk_sz_shift;
	/*
	 * Maintained only with CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS (always present so that
	 * the code compiles identically in every configuration; 8 bytes per pool).
	 */
	uint32_t used_blocks;
	uint32_t max_used_blocks;
};

struct sys_mem_blocks {
	struct sys_mem_blocks_info info;
	uint8_t *buffer;
	sys_bitarray_t *bitmap;
};

struct sys_multi_mem_blocks {
	int num_allocators;
	sys_multi_mem_blocks_choice_fn_t choice_fn;
	sys_mem_blocks_t *allocators[MAX_MULTI_ALLOCATORS];
};

/* log2 of a power of two, as an integer constant expression for static initialisers. */
#define Z_MEM_BLOCKS_SHIFT(blk_sz) ((uint8_t)__builtin_ctzll((unsigned long long)(blk_sz)))

/*
 * Build-time checks shared by every DEFINE: zmem rejects a block size that is not a power
 * of two (Zephyr silently rounds the shift down, which disagrees with its buffer size),
 * an empty pool, and a pool whose block indices would not fit the 32-bit count.
 */
#define Z_MEM_BLOCKS_BUILD_CHECKS(name, blk_sz, num_blks)                                  \
	BUILD_ASSERT(IS_POWER_OF_TWO(blk_sz),                                              \
		     "SYS_MEM_BLOCKS_DEFINE(" #name "): block size must be a power of two"); \
	BUILD_ASSERT((num_blks) > 0 && (unsigned long long)(num_blks) <= UINT32_MAX,      \
		     "SYS_MEM_BLOCKS_DEFINE(" #name "): 1 to 2^32-1 blocks")

#define Z_SYS_MEM_BLOCKS_DEFINE_WITH_EXT_BUF(name, blk_sz, num_blks, buf, mbmod)           \
	Z_MEM_BLOCKS_BUILD_CHECKS(name, blk_sz, num_blks);                                 \
	_SYS_BITARRAY_DEFINE(_sys_mem_blocks_bitmap_##name, num_blks, static);             \
	mbmod sys_mem_blocks_t name = {                                                    \
		.info = { .num_blocks = (uint32_t)(num_blks),                              \
			  .blk_sz_shift = Z_MEM_BLOCKS_SHIFT(blk_sz) },                    \
		.buffer = (uint8_t *)(buf),                                                \
		.bitmap = &_sys_mem_blocks_bitmap_##name,                                  \
	}

#define Z_SYS_MEM_BLOCKS_DEFINE(name, blk_sz, num_blks, buf_align, mbmod)                  \
	static uint8_t __noinit __aligned(WB_UP(buf_align))                                \
		_sys_mem_blocks_buf_##name[(num_blks) * (blk_sz)];                         \
	Z_SYS_MEM_BLOCKS_DEFINE_WITH_EXT_BUF(name, blk_sz, num_blks,                       \
					     _sys_mem_blocks_buf_##name, mbmod)

/**
 * Define a pool `name` of `num_blks` blocks of `blk_sz` bytes with its own buffer, aligned
 * to WB_UP(buf_align) (buf_align a power of two). blk_sz must be a power of two: anything
 * else fails at build time (stricter than Zephyr). The pool has external linkage.
 */
#define SYS_MEM_BLOCKS_DEFINE(name, blk_sz, num_blks, buf_align)                           \
	Z_SYS_MEM_BLOCKS_DEFINE(name, blk_sz, num_blks, buf_align, )

/** As SYS_MEM_BLOCKS_DEFINE, with internal linkage. */
#define SYS_MEM_BLOCKS_DEFINE_STATIC(name, blk_sz, num_blks, buf_align)                    \
	Z_SYS_MEM_BLOCKS_DEFINE(name, blk_sz, num_blks, buf_align, static)

/**
 * Define a pool over the caller's buffer `buf`, which must hold num_blks * blk_sz bytes
 * (not checked: `buf` may be a pointer).
 */
#define SYS_MEM_BLOCKS_DEFINE_WITH_EXT_BUF(name, blk_sz, num_blks, buf)                    \
	Z_SYS_MEM_BLOCKS_DEFINE_WITH_EXT_BUF(name, blk_sz, num_blks, buf, )

/** As SYS_MEM_BLOCKS_DEFINE_WITH_EXT_BUF, with internal linkage. */
#define SYS_MEM_BLOCKS_DEFINE_STATIC_WITH_EXT_BUF(name, blk_sz, num_blks, buf)             \
	Z_SYS_MEM_BLOCKS_DEFINE_WITH_EXT_BUF(name, blk_sz, num_blks, buf, static)

/*
 * Every sys_mem_blocks_*() function below is thread-safe and may be called from an ISR:
 * it never blocks, and holds the pool's spinlock only for the bitmap work (bounds above)
 * and the listener callbacks. NULL pool or array pointers are caught by __ASSERT only.
 */

/**
 * Allocate `count` blocks, one at a time, each the lowest free block (so they need not be
 * contiguous), into out_blocks[0..count-1].
 * Returns 0 (also for count == 0, writing nothing); -ENOMEM when count > num_blocks, or
 * when the pool runs out part-way: the blocks already taken are then freed again (free
 * listeners see them) and out_blocks holds stale pointers. O(N / W + count).
 */
int sys_mem_blocks_alloc(sys_mem_blocks_t *mem_block, size_t count, void **out_blocks);

/**
 * Allocate the first-fit run of `count` contiguous free blocks and store its start in
 * *out_block. Returns 0 (count == 0: 0 with *out_block = NULL); -ENOMEM when
 * count > num_blocks or no such run exists (*out_block untouched). O(N / W).
 */
int sys_mem_blocks_alloc_contiguous(sys_mem_blocks_t *mem_block, size_t count, void **out_block);

/**
 * Claim the `count` blocks starting at the block containing `in_block` (the offset is
 * truncated to a block boundary, as in Zephyr; with CONFIG_ASSERT a pointer that is not on
 * a boundary is reported). All or nothing: returns 0 (also for count == 0), or -ENOMEM
 * when the range leaves the pool, starts below it, or any block in it is already
 * allocated, changing nothing. O(count / W + 1).
 */
int sys_mem_blocks_get(sys_mem_blocks_t *mem_block, void *in_block, size_t count);

/**
 * Returns 1 when all `count` blocks from the block containing `in_block` are free, else 0.
 * count == 0 and ranges outside the pool give 0 (the latter also fails an __ASSERT, as in
 * Zephyr). O(count / W + 1).
 */
int sys_mem_blocks_is_region_free(sys_mem_blocks_t *mem_block, void *in_block, size_t count);

/**
 * Free the `count` blocks listed in in_blocks, each on its own.
 * Returns 0 (also for count == 0); -EINVAL when count > num_blocks (nothing freed);
 * otherwise the last error met while it carries on with the rest: -EFAULT for a pointer
 * below the buffer, past the last block, not on a block boundary (zmem: Zephyr truncates;
 * with CONFIG_ASSERT also reported naming the pool, the pointer and the reason) or to a
 * block that is not allocated. A bad pointer never changes the bitmap. O(count).
 */
int sys_mem_blocks_free(sys_mem_blocks_t *mem_block, size_t count, void **in_blocks);

/**
 * Free the `count` contiguous blocks starting at `block`. Returns 0 (also for count == 0);
 * -EINVAL when count > num_blocks or the run goes past the last block; -EFAULT when
 * `block` is outside the pool or not on a block boundary, or when any block of the run is
 * not allocated (then nothing is freed). O(count / W + 1).
 */
int sys_mem_blocks_free_contiguous(sys_mem_blocks_t *mem_block, void *block, size_t count);

/**
 * CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS: fill *stats with allocated = used_blocks << shift,
 * free = (num_blocks << shift) - allocated, max_allocated = max_used_blocks << shift.
 * Returns 0, or -EINVAL when either pointer is NULL. O(1).
 */
int sys_mem_blocks_runtime_stats_get(sys_mem_blocks_t *mem_block, struct sys_memory_stats *stats);

/**
 * CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS: set max_used_blocks to used_blocks.
 * Returns 0, or -EINVAL for a NULL pool. O(1).
 */
int sys_mem_blocks_runtime_stats_reset_max(sys_mem_blocks_t *mem_block);

/**
 * Empty the group and store its choice function. Not thread-safe: set a group up before
 * sharing it. O(1).
 */
void sys_multi_mem_blocks_init(sys_multi_mem_blocks_t *group,
			       sys_multi_mem_blocks_choice_fn_t choice_fn);

/**
 * Append a pool to the group; more than MAX_MULTI_ALLOCATORS (8) fails an __ASSERT (and
 * is ignored without asserts). Not thread-safe, like init. O(1).
 */
void sys_multi_mem_blocks_add_allocator(sys_multi_mem_blocks_t *group, sys_mem_blocks_t *alloc);

/**
 * Allocate `count` blocks from the pool the choice function picks for `cfg`, as
 * sys_mem_blocks_alloc(). count == 0: 0, and *blk_size = 0 when blk_size is not NULL.
 * -EINVAL when the choice function returns NULL; -ENOMEM when count exceeds that pool's
 * num_blocks; otherwise sys_mem_blocks_alloc()'s result, with *blk_size = the pool's block
 * size on success (when not NULL).
 */
int sys_multi_mem_blocks_alloc(sys_multi_mem_blocks_t *group, void *cfg, size_t count,
			       void **out_blocks, size_t *blk_size);

/**
 * Free blocks allocated from the group. The pool is found from in_blocks[0] alone, by
 * address range (O(allocators)); every block must come from it. count == 0: 0. -EINVAL
 * when no pool holds in_blocks[0]; otherwise sys_mem_blocks_free()'s result.
 */
int sys_multi_mem_blocks_free(sys_multi_mem_blocks_t *group, size_t count, void **in_blocks);

/*
 * ---- The freestanding core (lib/mem_blocks) ----
 * Same semantics and return codes as the sys_mem_blocks_*() function of the same name,
 * but with no lock: the caller serialises every call on one pool. They update the runtime
 * statistics (CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS) and notify heap listeners
 * (CONFIG_SYS_MEM_BLOCKS_LISTENER) themselves.
 */
int z_mem_blocks_alloc(sys_mem_blocks_t *mem_block, size_t count, void **out_blocks);
int z_mem_blocks_alloc_contiguous(sys_mem_blocks_t *mem_block, size_t count, void **out_block);
int z_mem_blocks_get(sys_mem_blocks_t *mem_block, void *in_block, size_t count);
int z_mem_blocks_is_region_free(const sys_mem_blocks_t *mem_block, void *in_block, size_t count);
int z_mem_blocks_free(sys_mem_blocks_t *mem_block, size_t count, void **in_blocks);
int z_mem_blocks_free_contiguous(sys_mem_blocks_t *mem_block, void *block, size_t count);
void z_mem_blocks_stats_get(const sys_mem_blocks_t *mem_block, struct sys_memory_stats *stats);
void z_mem_blocks_stats_reset_max(sys_mem_blocks_t *mem_block);

/**
 * Check the pool's invariants (docs/mem_blocks.md): the bitmap describes num_blocks bits,
 * no bit at or above num_blocks is set, and with runtime stats used_blocks equals the
 * number of set bits and max_used_blocks >= used_blocks. Returns true when they hold.
 * O(N / W). Unlocked: call it while the pool is idle.
 */
bool z_mem_blocks_validate(const sys_mem_blocks_t *mem_block);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_MEM_BLOCKS_H_ */
