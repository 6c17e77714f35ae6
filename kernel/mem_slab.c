/*
 * Memory slabs. Invariants, with the slab lock held:
 *  - free_list links exactly num_blocks - num_used blocks, lowest address
 *    first after init, LIFO afterwards;
 *  - with a map, bit i is set iff block i is allocated (handed out or in
 *    transit to a woken waiter);
 *  - without a map, a free block of two words or more holds
 *    check_word(block) in its second word, and an allocated block does not
 *    (alloc clears it), which is how a double free is recognised.
 */
#include <zephyr/kernel.h>

#define WORD sizeof(void *)
#define CHECK_SALT ((uintptr_t)0xa5c3e10fUL)

static uintptr_t check_word(const char *block)
{
	return (uintptr_t)block ^ CHECK_SALT;
}

static bool has_check_word(const struct k_mem_slab *slab)
{
	return slab->z_used_map == NULL && slab->info.block_size >= 2U * WORD;
}

static ALWAYS_INLINE void push_free(struct k_mem_slab *slab, char *block)
{
	*(char **)block = slab->free_list;
	if (has_check_word(slab)) {
		((uintptr_t *)block)[1] = check_word(block);
	}
	slab->free_list = block;
}

/* Block number of `block`, or a value >= num_blocks if it is not a block start. */
static ALWAYS_INLINE uintptr_t block_index(const struct k_mem_slab *slab, const char *block)
{
	uintptr_t off = (uintptr_t)block - (uintptr_t)slab->buffer;

	if ((off & (((uintptr_t)1 << slab->z_shift) - 1U)) != 0U) {
		return UINTPTR_MAX;
	}
	return (off >> slab->z_shift) * slab->z_inverse;
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

/* Flip the map bit of block `i`; callers know its current value. */
static ALWAYS_INLINE void flip_map_bit(struct k_mem_slab *slab, uintptr_t i)
{
	slab->z_used_map[i / 32U] ^= (uint32_t)1U << (i % 32U);
}

/* Empty wait queue, every block free (lowest address first), counters zero. */
static void reset(struct k_mem_slab *slab)
{
	z_waitq_init(&slab->wait_q);
	set_divisor(slab);
	slab->free_list = NULL;
	for (uint32_t i = slab->info.num_blocks; i > 0U; i--) {
		push_free(slab, slab->buffer + (size_t)(i - 1U) * slab->info.block_size);
	}
	if (slab->z_used_map != NULL) {
		for (uint32_t w = 0; w < Z_MEM_SLAB_MAP_WORDS(slab->info.num_blocks); w++) {
			slab->z_used_map[w] = 0U;
		}
	}
	slab->info.num_used = 0U;
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
	int ret = check_geometry(buffer, block_size, num_blocks);

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

/* Static slabs: as in Zephyr, initialisation stops at the first invalid one. */
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

static ALWAYS_INLINE void *pop_free(struct k_mem_slab *slab)
{
	char *block = slab->free_list;

	slab->free_list = *(char **)block;
	if (slab->z_used_map != NULL) {
		flip_map_bit(slab, block_index(slab, block));
	} else if (has_check_word(slab)) {
		((uintptr_t *)block)[1] = 0U;
	}
	slab->info.num_used++;
	if (IS_ENABLED(CONFIG_MEM_SLAB_TRACE_MAX_UTILIZATION) &&
	    slab->info.num_used > slab->info.max_used) {
		slab->info.max_used = slab->info.num_used;
	}
	return block;
}

int k_mem_slab_alloc(struct k_mem_slab *slab, void **mem, k_timeout_t timeout)
{
	k_spinlock_key_t key = k_spin_lock(&slab->lock);
	int ret;

	if (likely(slab->free_list != NULL)) {
		*mem = pop_free(slab);
		k_spin_unlock(&slab->lock, key);
		return 0;
	}
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

/* Why block number `i` (from block_index()) is not a live block, or NULL. */
static const char *free_refusal(const struct k_mem_slab *slab, const char *mem, uintptr_t i)
{
	if (i >= slab->info.num_blocks) {
		uintptr_t off = (uintptr_t)mem - (uintptr_t)slab->buffer;

		return off < (uintptr_t)slab->info.num_blocks * slab->info.block_size
			       ? "pointer not at the start of a block"
			       : "pointer outside the slab";
	}
	if (slab->z_used_map != NULL) {
		if ((slab->z_used_map[i / 32U] & ((uint32_t)1U << (i % 32U))) == 0U) {
			return "block is not allocated (double free?)";
		}
	} else if (has_check_word(slab) && ((const uintptr_t *)mem)[1] == check_word(mem)) {
		return "block is already free (double free?)";
	}
	return NULL;
}

static __noinline __cold void refuse_free(struct k_mem_slab *slab, k_spinlock_key_t key,
					  void *mem, const char *why)
{
	slab->z_bad_frees++;
	k_spin_unlock(&slab->lock, key);
	__ASSERT(why == NULL, "k_mem_slab %p: free(%p): %s", (void *)slab, mem, why);
}

void k_mem_slab_free(struct k_mem_slab *slab, void *mem)
{
	k_spinlock_key_t key = k_spin_lock(&slab->lock);
	uintptr_t i = block_index(slab, mem);
	const char *why = free_refusal(slab, mem, i);
	struct k_thread *waiter;

	if (unlikely(why != NULL)) {
		refuse_free(slab, key, mem, why);
		return;
	}
	if (unlikely(slab->free_list == NULL)) {
		waiter = z_unpend_first_thread(&slab->wait_q);
		if (waiter != NULL) {
			/* Straight hand-off: the block stays allocated and counted. */
			z_thread_return_value_set_with_data(waiter, 0, mem);
			z_ready_thread(waiter);
			z_reschedule(&slab->lock, key);
			return;
		}
	}
	if (slab->z_used_map != NULL) {
		flip_map_bit(slab, i);
	}
	push_free(slab, mem);
	slab->info.num_used--;
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
