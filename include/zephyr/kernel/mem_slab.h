/*
 * Memory slabs: fixed-size blocks, O(1) alloc and free, with waiting.
 * Included by <zephyr/kernel.h>; do not include directly.
 *
 * Free blocks form a LIFO list threaded through the blocks themselves (the
 * first word of a free block points to the next). A block freed while
 * threads wait goes straight to the highest-priority, longest-waiting one.
 *
 * zmem addition (CONFIG_MEM_SLAB_POINTER_VALIDATE, on by default): every free
 * is checked in O(1) before it touches the list: a pointer outside the buffer
 * or not on a block boundary, and a block that is not allocated (double
 * free), are reported (assertion with CONFIG_ASSERT, otherwise ignored and
 * counted) and never linked. Slabs defined with K_MEM_SLAB_DEFINE* keep a
 * one-bit-per-block allocation map outside the blocks. Slabs set up with
 * k_mem_slab_init() have no room for a map, so a free block carries a check
 * word after its link instead; blocks of a single word cannot hold it, and
 * for those only range and boundary are checked. With the option off, frees
 * are trusted as in Zephyr and the map is not even allocated.
 */
#ifndef ZEPHYR_INCLUDE_KERNEL_MEM_SLAB_H_
#define ZEPHYR_INCLUDE_KERNEL_MEM_SLAB_H_

#include <stddef.h>
#include <stdint.h>
#include <zephyr/kernel_structs.h>
#include <zephyr/spinlock.h>
#include <zephyr/sys/iterable_sections.h>
#include <zephyr/sys/mem_stats.h>
#include <zephyr/sys/util.h>
#include <zephyr/sys_clock.h>

#ifdef __cplusplus
extern "C" {
#endif

struct k_mem_slab_info {
	uint32_t num_blocks;
	size_t block_size;
	uint32_t num_used;
	uint32_t max_used;
};

struct k_mem_slab {
	_wait_q_t wait_q;
	struct k_spinlock lock;
	char *buffer;
	char *free_list;
	struct k_mem_slab_info info;
	/* zmem: allocation map (bit set = allocated) or NULL, and refused frees. */
	uint32_t *z_used_map;
	uint32_t z_bad_frees;
	/* zmem: how a free is checked (Z_MEM_SLAB_CHECK_*), set up at init. */
	uint8_t z_check;
	/* zmem: block_size = odd << z_shift; z_inverse * odd == 1 (mod 2^word bits). */
	uint8_t z_shift;
	uintptr_t z_inverse;
};

/* Free checks: range and boundary only, plus a map bit, or plus a check word. */
#define Z_MEM_SLAB_CHECK_RANGE 0U
#define Z_MEM_SLAB_CHECK_MAP   1U
#define Z_MEM_SLAB_CHECK_WORD  2U

#define Z_MEM_SLAB_MAP_WORDS(num) (((num) + 31U) / 32U)

#ifdef CONFIG_MEM_SLAB_POINTER_VALIDATE
#define Z_MEM_SLAB_MAP_DEFINE(name, num)                                                   \
	static uint32_t _k_mem_slab_map_##name[Z_MEM_SLAB_MAP_WORDS(num) > 0 ?              \
						Z_MEM_SLAB_MAP_WORDS(num) : 1]
#define Z_MEM_SLAB_MAP(name) _k_mem_slab_map_##name
#else
#define Z_MEM_SLAB_MAP_DEFINE(name, num) extern uint32_t _k_mem_slab_no_map_##name
#define Z_MEM_SLAB_MAP(name) NULL
#endif

#define Z_MEM_SLAB_INITIALIZER(_buffer, _block_size, _num_blocks, _map)              \
	{                                                                            \
		.buffer = (_buffer), .free_list = NULL,                              \
		.info = {.num_blocks = (_num_blocks), .block_size = (_block_size)},  \
		.z_used_map = (_map), .z_check = Z_MEM_SLAB_CHECK_MAP,              \
	}

#define Z_MEM_SLAB_DEFINE_IMPL(name, in_section, storage, size, num, align)                     \
	BUILD_ASSERT(IS_POWER_OF_TWO(align), "slab alignment must be a power of two");         \
	BUILD_ASSERT(((size) % (align)) == 0, "slab block size must be a multiple of align");  \
	static char in_section __aligned(WB_UP(align))                                          \
		_k_mem_slab_buf_##name[(num) * WB_UP(size)];                                    \
	Z_MEM_SLAB_MAP_DEFINE(name, num);                                                       \
	storage STRUCT_SECTION_ITERABLE(k_mem_slab, name) = Z_MEM_SLAB_INITIALIZER(             \
		_k_mem_slab_buf_##name, WB_UP(size), num, Z_MEM_SLAB_MAP(name))

/**
 * Define a slab of `slab_num_blocks` blocks of `slab_block_size` bytes
 * (rounded up to a word), aligned to `slab_align` (a power of two dividing
 * the block size: both checked at build time). Ready before main().
 */
#define K_MEM_SLAB_DEFINE(name, slab_block_size, slab_num_blocks, slab_align) \
	Z_MEM_SLAB_DEFINE_IMPL(name, __noinit, , slab_block_size, slab_num_blocks, slab_align)
#define K_MEM_SLAB_DEFINE_STATIC(name, slab_block_size, slab_num_blocks, slab_align) \
	Z_MEM_SLAB_DEFINE_IMPL(name, __noinit, static, slab_block_size, slab_num_blocks, slab_align)
#define K_MEM_SLAB_DEFINE_IN_SECT(name, in_section, slab_block_size, slab_num_blocks, slab_align) \
	Z_MEM_SLAB_DEFINE_IMPL(name, in_section, , slab_block_size, slab_num_blocks, slab_align)
#define K_MEM_SLAB_DEFINE_IN_SECT_STATIC(name, in_section, slab_block_size, slab_num_blocks,   \
					 slab_align)                                            \
	Z_MEM_SLAB_DEFINE_IMPL(name, in_section, static, slab_block_size, slab_num_blocks,     \
			       slab_align)
#define K_MEM_SLAB_DEFINE_TYPE(name, type, num) \
	K_MEM_SLAB_DEFINE(name, sizeof(type), num, __alignof__(type))
#define K_MEM_SLAB_DEFINE_STATIC_TYPE(name, type, num) \
	K_MEM_SLAB_DEFINE_STATIC(name, sizeof(type), num, __alignof__(type))

/**
 * Initialise a slab over `buffer` (num_blocks * block_size bytes).
 * @retval 0 success; num_blocks == 0 gives an empty slab.
 * @retval -EINVAL block_size is 0, block_size or buffer is not a multiple of
 *         the word size, or the buffer size or its end overflows.
 * The lowest-addressed block is handed out first. O(num_blocks).
 */
int k_mem_slab_init(struct k_mem_slab *slab, void *buffer, size_t block_size,
		    uint32_t num_blocks);

/**
 * Take a block, waiting up to `timeout` for one.
 * @retval 0 *mem is the block.
 * @retval -ENOMEM none free and timeout is K_NO_WAIT (*mem = NULL).
 * @retval -EAGAIN none became free before the timeout (*mem = NULL).
 * In an ISR only K_NO_WAIT is allowed (asserted; without asserts the call
 * acts as K_NO_WAIT). O(1) plus the wait.
 */
int k_mem_slab_alloc(struct k_mem_slab *slab, void **mem, k_timeout_t timeout);

/**
 * Return a block. If threads wait, the block goes to the highest-priority,
 * longest-waiting one. Bad pointers are refused (see above). Any context. O(1).
 */
void k_mem_slab_free(struct k_mem_slab *slab, void *mem);

static inline uint32_t k_mem_slab_num_used_get(struct k_mem_slab *slab)
{
	return slab->info.num_used;
}

static inline uint32_t k_mem_slab_num_free_get(struct k_mem_slab *slab)
{
	return slab->info.num_blocks - slab->info.num_used;
}

/** High-water mark of used blocks; 0 without CONFIG_MEM_SLAB_TRACE_MAX_UTILIZATION. */
static inline uint32_t k_mem_slab_max_used_get(struct k_mem_slab *slab)
{
	return IS_ENABLED(CONFIG_MEM_SLAB_TRACE_MAX_UTILIZATION) ? slab->info.max_used : 0U;
}

/** Frees k_mem_slab_free() refused (zmem). */
static inline uint32_t k_mem_slab_bad_free_count(struct k_mem_slab *slab)
{
	return slab->z_bad_frees;
}

/**
 * Usage in bytes: allocated = used * block_size, free = the rest, max =
 * max_used * block_size (0 without max tracking).
 * @retval -EINVAL slab or stats is NULL.
 */
int k_mem_slab_runtime_stats_get(struct k_mem_slab *slab, struct sys_memory_stats *stats);

/**
 * Restart the high-water mark from the current use
 * (CONFIG_MEM_SLAB_TRACE_MAX_UTILIZATION). @retval -EINVAL slab is NULL.
 */
int k_mem_slab_runtime_stats_reset_max(struct k_mem_slab *slab);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_KERNEL_MEM_SLAB_H_ */
