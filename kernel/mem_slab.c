/*
 * Memory slabs. Invariants, with the slab lock held:
 *  - free_list links exactly num_blocks - num_used blocks, lowest address
 *    first after init, LIFO afterwards;
 *  - with CONFIG_MEM_SLAB_POINTER_VALIDATE and z_check == MAP, bit i of the
 *    map is set iff block i is allocated (handed out or in transit to a
 *    woken waiter);
 *  - with z_check == WORD, a free block holds check_word(block) in its
 *    second word and an allocated block does not (alloc clears it), which is
 *    how a double free is recognised.
 *
 * Cost (x86-64 -O2, callgrind, lock excluded; docs/kernel_mem.md): the
 * alloc/free fast paths are straight-line code; an empty free list (waiting)
 * and a refused free leave through out-of-line functions.
 */
#include <zephyr/kernel.h>

#include "include/kuser.h"

#define WORD sizeof(void *)
#define WORD_BITS (8U * sizeof(uintptr_t))
#define CHECK_SALT ((uintptr_t)0xa5c3e10fUL)
#define VALIDATE IS_ENABLED(CONFIG_MEM_SLAB_POINTER_VALIDATE)

static ALWAYS_INLINE uintptr_t check_word(const void *block)
{
	return (uintptr_t)block ^ CHECK_SALT;
}

/*
 * Block number of `p`, or a value >= num_blocks when `p` is not the start of
 * a block. With block_size = odd << shift and inverse * odd == 1 (mod 2^W),
 * x -> rotr(x * inverse, shift) is a bijection of W-bit words that sends
 * i * block_size to i for every multiple below 2^W. Every other offset
 * (interior, misaligned, below the buffer by wrap-around, past its end) thus
 * lands at or above num_blocks, because num_blocks * block_size fits in the
 * address space (init checks it): one multiply, one rotate and one compare
 * check range and boundary together.
 */
static ALWAYS_INLINE uintptr_t block_index(const struct k_mem_slab *slab, const void *p)
{
	uintptr_t x = ((uintptr_t)p - (uintptr_t)slab->buffer) * slab->z_inverse;
	unsigned int s = slab->z_shift;

	return (x >> s) | (x << ((WORD_BITS - s) & (WORD_BITS - 1U)));
}

static void set_divisor(struct k_mem_slab *slab)
{
	uintptr_t odd;
	uintptr_t inv;

	slab->z_shift = (uint8_t)__builtin_ctzl((unsigned long)slab->info.block_size);
	odd = (uintptr_t)slab->info.block_size >> slab->z_shift;
	/* Newton's iteration doubles the correct low bits: 3 -> 6 -> ... -> 96 >= 64. */
	inv = odd;
	for (int i = 0; i < 5; i++) {
		inv *= 2U - odd * inv;
	}
	slab->z_inverse = inv;
}

static ALWAYS_INLINE uint32_t map_bit(uintptr_t i)
{
	return (uint32_t)1U << (i % 32U);
}

/* Flips block i's map bit: alloc sets it, free clears it (callers know its value). */
static ALWAYS_INLINE void map_flip(struct k_mem_slab *slab, uintptr_t i)
{
	slab->z_used_map[i / 32U] ^= map_bit(i);
}

/* Block i (a valid block number, at `mem`) is known to be free already: a double free. */
static ALWAYS_INLINE bool seen_free(const struct k_mem_slab *slab, const void *mem, uintptr_t i)
{
	if (slab->z_check == Z_MEM_SLAB_CHECK_MAP) {
		return (slab->z_used_map[i / 32U] & map_bit(i)) == 0U;
	}
	return slab->z_check == Z_MEM_SLAB_CHECK_WORD &&
	       ((const uintptr_t *)mem)[1] == check_word(mem);
}

static uint8_t check_kind(const struct k_mem_slab *slab)
{
	if (slab->z_used_map != NULL) {
		return Z_MEM_SLAB_CHECK_MAP;
	}
	return slab->info.block_size >= 2U * WORD ? Z_MEM_SLAB_CHECK_WORD : Z_MEM_SLAB_CHECK_RANGE;
}

/* Link a block that is known to be allocated back into the free list. */
static ALWAYS_INLINE void push_free(struct k_mem_slab *slab, char *block, uintptr_t i)
{
	if (VALIDATE) {
		if (slab->z_check == Z_MEM_SLAB_CHECK_MAP) {
			map_flip(slab, i);
		} else if (slab->z_check == Z_MEM_SLAB_CHECK_WORD) {
			((uintptr_t *)block)[1] = check_word(block);
		}
	}
	*(char **)block = slab->free_list;
	slab->free_list = block;
	slab->info.num_used--;
}

/* Empty wait queue, every block free (lowest address first), counters zero. */
static void reset(struct k_mem_slab *slab)
{
	z_waitq_init(&slab->wait_q);
	set_divisor(slab);
	slab->z_check = check_kind(slab);
	if (slab->z_used_map != NULL) {
		/* Every block starts allocated; push_free() below frees each one once. */
		for (uint32_t w = 0; w < Z_MEM_SLAB_MAP_WORDS(slab->info.num_blocks); w++) {
			slab->z_used_map[w] = UINT32_MAX;
		}
	}
	slab->free_list = NULL;
	slab->info.num_used = slab->info.num_blocks;
	for (uint32_t i = slab->info.num_blocks; i > 0U; i--) {
		push_free(slab, slab->buffer + (size_t)(i - 1U) * slab->info.block_size, i - 1U);
	}
	slab->info.max_used = 0U;
	slab->z_bad_frees = 0U;
}

static int check_geometry(void *buffer, size_t block_size, uint32_t num_blocks)
{
	size_t total;
	uintptr_t end;

	if (block_size == 0U || ((block_size | (uintptr_t)buffer) % WORD) != 0U ||
	    size_mul_overflow(block_size, num_blocks, &total) ||
	    __builtin_add_overflow((uintptr_t)buffer, total, &end)) {
		return -EINVAL;
	}
	return 0;
}

int k_mem_slab_init(struct k_mem_slab *slab, void *buffer, size_t block_size,
		    uint32_t num_blocks)
{
	int ret;

	Z_USER_REFUSE(K_SYSCALL_K_MEM_SLAB_INIT);
	ret = check_geometry(buffer, block_size, num_blocks);
	if (ret != 0) {
		return ret;
	}
	slab->buffer = buffer;
	slab->info.block_size = block_size;
	slab->info.num_blocks = num_blocks;
	slab->z_used_map = NULL;
	reset(slab);
	return 0;
}

/*
 * Static slabs: as in Zephyr, initialisation stops at the first invalid one.
 * A slab left uninitialised has no free blocks, and its all-zero map (or, for
 * a slab skipped before its map is used, the MAP check set by the
 * initializer) refuses every free.
 */
static int statics_init(void)
{
	STRUCT_SECTION_FOREACH(k_mem_slab, slab) {
		int ret = check_geometry(slab->buffer, slab->info.block_size,
					 slab->info.num_blocks);

		if (ret != 0) {
			return ret;
		}
		reset(slab);
	}
	return 0;
}
SYS_INIT(statics_init, PRE_KERNEL_1, 30);

/* The free list is empty: fail at once or wait for a block. */
static __noinline int alloc_wait(struct k_mem_slab *slab, void **mem, k_timeout_t timeout,
				 k_spinlock_key_t key)
{
	int ret;

	__ASSERT(!k_is_in_isr() || K_TIMEOUT_EQ(timeout, K_NO_WAIT),
		 "k_mem_slab %p: only K_NO_WAIT is allowed in an ISR", (void *)slab);
	*mem = NULL;
	if (K_TIMEOUT_EQ(timeout, K_NO_WAIT) || k_is_in_isr() ||
	    !IS_ENABLED(CONFIG_MULTITHREADING)) {
		k_spin_unlock(&slab->lock, key);
		return -ENOMEM;
	}
	ret = z_pend_curr(&slab->lock, key, &slab->wait_q, timeout);
	if (ret == 0) {
		*mem = k_current_get()->base.swap_data;
	}
	return ret;
}

int k_mem_slab_alloc(struct k_mem_slab *slab, void **mem, k_timeout_t timeout)
{
	k_spinlock_key_t key;
	char *block;

	Z_USER_REFUSE(K_SYSCALL_K_MEM_SLAB_ALLOC);
	key = k_spin_lock(&slab->lock);
	block = slab->free_list;

	if (unlikely(block == NULL)) {
		return alloc_wait(slab, mem, timeout, key);
	}
	slab->free_list = *(char **)block;
	if (VALIDATE) {
		if (slab->z_check == Z_MEM_SLAB_CHECK_MAP) {
			map_flip(slab, block_index(slab, block));
		} else if (slab->z_check == Z_MEM_SLAB_CHECK_WORD) {
			((uintptr_t *)block)[1] = 0U;
		}
	}
	slab->info.num_used++;
	if (IS_ENABLED(CONFIG_MEM_SLAB_TRACE_MAX_UTILIZATION) &&
	    slab->info.num_used > slab->info.max_used) {
		slab->info.max_used = slab->info.num_used;
	}
	k_spin_unlock(&slab->lock, key);
	*mem = block;
	return 0;
}

/* Why `mem` (block number `i` from block_index()) is not a live block. */
static const char *free_refusal(const struct k_mem_slab *slab, const char *mem, uintptr_t i)
{
	if (i >= slab->info.num_blocks) {
		uintptr_t off = (uintptr_t)mem - (uintptr_t)slab->buffer;

		return off < (uintptr_t)slab->info.num_blocks * slab->info.block_size
			       ? "pointer not at the start of a block"
			       : "pointer outside the slab";
	}
	return slab->z_check == Z_MEM_SLAB_CHECK_MAP ? "block is not allocated (double free?)"
						      : "block is already free (double free?)";
}

static __noinline __cold void refuse_free(struct k_mem_slab *slab, k_spinlock_key_t key,
					  void *mem, uintptr_t i)
{
	const char *why = free_refusal(slab, mem, i);

	slab->z_bad_frees++;
	k_spin_unlock(&slab->lock, key);
	__ASSERT(why == NULL, "k_mem_slab %p: free(%p): %s", (void *)slab, mem, why);
	(void)why;
}

/* The free list is empty: hand the block to the best waiter, if any. */
static __noinline void free_to_waiter(struct k_mem_slab *slab, char *mem, uintptr_t i,
				      k_spinlock_key_t key)
{
	struct k_thread *waiter = z_unpend_first_thread(&slab->wait_q);

	if (waiter == NULL) {
		push_free(slab, mem, i);
		k_spin_unlock(&slab->lock, key);
		return;
	}
	/* Straight hand-off: the block stays allocated and counted. */
	z_thread_return_value_set_with_data(waiter, 0, mem);
	z_ready_thread(waiter);
	z_reschedule(&slab->lock, key);
}

void k_mem_slab_free(struct k_mem_slab *slab, void *mem)
{
	k_spinlock_key_t key;
	uintptr_t i = 0U;

	Z_USER_REFUSE(K_SYSCALL_K_MEM_SLAB_FREE);
	key = k_spin_lock(&slab->lock);

	if (VALIDATE) {
		i = block_index(slab, mem);
		if (unlikely(i >= slab->info.num_blocks) || unlikely(seen_free(slab, mem, i))) {
			refuse_free(slab, key, mem, i);
			return;
		}
	}
	if (unlikely(slab->free_list == NULL)) {
		free_to_waiter(slab, mem, i, key);
		return;
	}
	push_free(slab, mem, i);
	k_spin_unlock(&slab->lock, key);
}

int k_mem_slab_runtime_stats_get(struct k_mem_slab *slab, struct sys_memory_stats *stats)
{
	k_spinlock_key_t key;

	if (slab == NULL || stats == NULL) {
		return -EINVAL;
	}
	key = k_spin_lock(&slab->lock);
	stats->allocated_bytes = (size_t)slab->info.num_used * slab->info.block_size;
	stats->free_bytes = (size_t)(slab->info.num_blocks - slab->info.num_used) *
			    slab->info.block_size;
	stats->max_allocated_bytes = (size_t)k_mem_slab_max_used_get(slab) * slab->info.block_size;
	k_spin_unlock(&slab->lock, key);
	return 0;
}

int k_mem_slab_runtime_stats_reset_max(struct k_mem_slab *slab)
{
	k_spinlock_key_t key;

	if (slab == NULL) {
		return -EINVAL;
	}
	key = k_spin_lock(&slab->lock);
	slab->info.max_used = slab->info.num_used;
	k_spin_unlock(&slab->lock, key);
	return 0;
}
