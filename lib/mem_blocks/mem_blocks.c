/*
 * zmem memory blocks core: Zephyr's sys_mem_blocks semantics on a bitmap, with no lock.
 *
 * INVARIANTS (checked by z_mem_blocks_validate())
 *  B1  Bits at or above num_blocks in the last bitmap word are clear.
 *  B2  bitmap->num_bits == num_blocks, bitmap->num_bundles == ceil(num_blocks / 32).
 *  B3  With runtime stats: used_blocks == number of set bits <= max_used_blocks.
 * Every failing path returns before it writes the bitmap, so a bad argument (a foreign or
 * interior pointer, a double free, a range past the end) never breaks B1..B3.
 *
 * The irregular return codes are Zephyr's (API.md 1.5): alloc and get answer -ENOMEM,
 * free answers -EINVAL for an impossible count and -EFAULT for a bad pointer.
 */
#include <errno.h>
#include <zephyr/sys/__assert.h>
#include <zephyr/sys/heap_listener.h>
#include <zephyr/sys/mem_blocks.h>

#include "mem_blocks_bitmap.h"

static const char reason_misaligned[] = "not on a block boundary";

static ALWAYS_INLINE uint32_t *pool_words(const sys_mem_blocks_t *mb)
{
	return mb->bitmap->bundles;
}

static ALWAYS_INLINE uint8_t *block_addr(const sys_mem_blocks_t *mb, uint32_t idx)
{
	return mb->buffer + ((size_t)idx << mb->info.blk_sz_shift);
}

static ALWAYS_INLINE size_t blocks_bytes(const sys_mem_blocks_t *mb, size_t n)
{
	return n << mb->info.blk_sz_shift;
}

static void took_blocks(sys_mem_blocks_t *mb, void *first, uint32_t n)
{
	if (IS_ENABLED(CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS)) {
		mb->info.used_blocks += n;
		mb->info.max_used_blocks = MAX(mb->info.max_used_blocks, mb->info.used_blocks);
	}
	if (IS_ENABLED(CONFIG_SYS_MEM_BLOCKS_LISTENER)) {
		heap_listener_notify_alloc(HEAP_ID_FROM_POINTER(mb), first, blocks_bytes(mb, n));
	}
}

static void gave_back_blocks(sys_mem_blocks_t *mb, void *first, uint32_t n)
{
	if (IS_ENABLED(CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS)) {
		mb->info.used_blocks -= n;
	}
	if (IS_ENABLED(CONFIG_SYS_MEM_BLOCKS_LISTENER)) {
		heap_listener_notify_free(HEAP_ID_FROM_POINTER(mb), first, blocks_bytes(mb, n));
	}
}

/*
 * Index of the block `ptr` points into, or the reason it points into none: NULL when it
 * is the start of a block. Addresses are compared as integers, since `ptr` may belong to
 * another object entirely.
 */
static const char *block_index(const sys_mem_blocks_t *mb, const void *ptr, uint32_t *idx)
{
	uintptr_t base = (uintptr_t)mb->buffer;
	uintptr_t addr = (uintptr_t)ptr;
	uintptr_t offset = addr - base;

	if (addr < base) {
		return "below the buffer";
	}
	if ((offset >> mb->info.blk_sz_shift) >= mb->info.num_blocks) {
		return "past the last block";
	}
	*idx = (uint32_t)(offset >> mb->info.blk_sz_shift);
	if ((offset & (((uintptr_t)1 << mb->info.blk_sz_shift) - 1U)) != 0U) {
		return reason_misaligned;
	}
	return NULL;
}

/* Free the `n` blocks from `ptr`; the caller has checked 1 <= n <= num_blocks. */
static int free_run(sys_mem_blocks_t *mb, void *ptr, size_t n)
{
	uint32_t idx = 0U;
	const char *reason = block_index(mb, ptr, &idx);

	__ASSERT(reason != reason_misaligned, "sys_mem_blocks %p: free of %p: %s", (void *)mb,
		 ptr, reason);
	if (reason != NULL) {
		return -EFAULT;
	}
	if (n > mb->info.num_blocks - idx) {
		return -EINVAL;
	}
	if (!mem_blocks_bits_all(pool_words(mb), idx, (uint32_t)n, true)) {
		return -EFAULT;
	}
	mem_blocks_bits_fill(pool_words(mb), idx, (uint32_t)n, false);
	gave_back_blocks(mb, ptr, (uint32_t)n);
	return 0;
}

int z_mem_blocks_alloc(sys_mem_blocks_t *mem_block, size_t count, void **out_blocks)
{
	uint32_t from = 0U;

	__ASSERT_NO_MSG(mem_block != NULL && out_blocks != NULL);
	if (count == 0U) {
		return 0;
	}
	if (count > mem_block->info.num_blocks) {
		return -ENOMEM;
	}
	/*
	 * Each block is the lowest free one (Zephyr takes them one at a time). Every bit
	 * below the last one taken is set and stays set during this call, so the search
	 * resumes there: one pass over the bitmap for the whole request.
	 */
	for (size_t i = 0U; i < count; i++) {
		uint32_t idx;

		if (!mem_blocks_bits_find_clear_run(pool_words(mem_block),
						    mem_block->info.num_blocks, from, 1U, &idx)) {
			(void)z_mem_blocks_free(mem_block, i, out_blocks);
			return -ENOMEM;
		}
		mem_blocks_bits_fill(pool_words(mem_block), idx, 1U, true);
		out_blocks[i] = block_addr(mem_block, idx);
		took_blocks(mem_block, out_blocks[i], 1U);
		from = idx + 1U;
	}
	return 0;
}

int z_mem_blocks_alloc_contiguous(sys_mem_blocks_t *mem_block, size_t count, void **out_block)
{
	uint32_t idx;

	__ASSERT_NO_MSG(mem_block != NULL && out_block != NULL);
	if (count == 0U) {
		*out_block = NULL;
		return 0;
	}
	if (count > mem_block->info.num_blocks ||
	    !mem_blocks_bits_find_clear_run(pool_words(mem_block), mem_block->info.num_blocks,
					    0U, (uint32_t)count, &idx)) {
		return -ENOMEM;
	}
	mem_blocks_bits_fill(pool_words(mem_block), idx, (uint32_t)count, true);
	*out_block = block_addr(mem_block, idx);
	took_blocks(mem_block, *out_block, (uint32_t)count);
	return 0;
}

int z_mem_blocks_get(sys_mem_blocks_t *mem_block, void *in_block, size_t count)
{
	uint32_t idx = 0U;
	const char *reason;

	__ASSERT_NO_MSG(mem_block != NULL);
	if (count == 0U) {
		return 0;
	}
	reason = block_index(mem_block, in_block, &idx);
	__ASSERT(reason != reason_misaligned, "sys_mem_blocks %p: get of %p: %s",
		 (void *)mem_block, in_block, reason);
	/* As in Zephyr, an interior pointer claims the block that contains it. */
	if ((reason != NULL && reason != reason_misaligned) ||
	    count > mem_block->info.num_blocks - idx ||
	    !mem_blocks_bits_all(pool_words(mem_block), idx, (uint32_t)count, false)) {
		return -ENOMEM;
	}
	mem_blocks_bits_fill(pool_words(mem_block), idx, (uint32_t)count, true);
	took_blocks(mem_block, block_addr(mem_block, idx), (uint32_t)count);
	return 0;
}

int z_mem_blocks_is_region_free(const sys_mem_blocks_t *mem_block, void *in_block, size_t count)
{
	uint32_t idx = 0U;
	const char *reason;
	bool in_range;

	__ASSERT_NO_MSG(mem_block != NULL);
	reason = block_index(mem_block, in_block, &idx);
	in_range = (reason == NULL || reason == reason_misaligned) &&
		   count <= mem_block->info.num_blocks - idx;
	__ASSERT(in_range, "sys_mem_blocks %p: region of %zu blocks at %p is outside the pool",
		 (const void *)mem_block, count, in_block);
	if (!in_range || count == 0U) {
		return 0;
	}
	return mem_blocks_bits_all(pool_words(mem_block), idx, (uint32_t)count, false) ? 1 : 0;
}

int z_mem_blocks_free(sys_mem_blocks_t *mem_block, size_t count, void **in_blocks)
{
	int ret = 0;

	__ASSERT_NO_MSG(mem_block != NULL && in_blocks != NULL);
	if (count > mem_block->info.num_blocks) {
		return -EINVAL;
	}
	/* Zephyr carries on past a bad pointer and reports the last error. */
	for (size_t i = 0U; i < count; i++) {
		int r = free_run(mem_block, in_blocks[i], 1U);

		if (r != 0) {
			ret = r;
		}
	}
	return ret;
}

int z_mem_blocks_free_contiguous(sys_mem_blocks_t *mem_block, void *block, size_t count)
{
	__ASSERT_NO_MSG(mem_block != NULL);
	if (count == 0U) {
		return 0;
	}
	if (count > mem_block->info.num_blocks) {
		return -EINVAL;
	}
	return free_run(mem_block, block, count);
}
