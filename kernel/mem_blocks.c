/*
 * sys_mem_blocks: the thread-safe public API over the freestanding core (lib/mem_blocks).
 * Each call is: lock the pool, run the core (which also updates the statistics and calls
 * the heap listeners), unlock. Nothing here blocks, so every function is ISR-safe.
 *
 * LOCKS
 * The pool struct is freestanding data with no lock in it (the DEFINE macros initialise it
 * statically and lib/ never sees a kernel type), so the locks live here: a fixed table of
 * MEM_BLOCKS_LOCKS zero-initialised spinlocks, and a pool always uses the same one, picked
 * from its address. Two pools may share a lock; that costs contention only, never
 * correctness, since no path holds two of them (multi-allocator calls lock one pool at a
 * time). Held time is bounded by the core's O(num_blocks / 32) search plus the callbacks.
 */
#include <errno.h>
#include <zephyr/spinlock.h>
#include <zephyr/sys/__assert.h>
#include <zephyr/sys/mem_blocks.h>

/* A power of two; 8 stripes make two busy pools share a lock with probability 1/8. */
#define MEM_BLOCKS_LOCKS 8U

static struct k_spinlock mem_blocks_locks[MEM_BLOCKS_LOCKS];

static struct k_spinlock *pool_lock(const sys_mem_blocks_t *mem_block)
{
	/* Pools are at least sizeof(sys_mem_blocks_t) apart: drop the bits they share. */
	uintptr_t slot = (uintptr_t)mem_block / sizeof(sys_mem_blocks_t);

	return &mem_blocks_locks[slot % MEM_BLOCKS_LOCKS];
}

/* Returns `call` (an int expression on the core) evaluated under the pool's lock. */
#define RETURN_LOCKED(pool, call)                                                        \
	do {                                                                             \
		struct k_spinlock *lock_ = pool_lock(pool);                              \
		k_spinlock_key_t key_ = k_spin_lock(lock_);                              \
		int ret_ = (call);                                                       \
		k_spin_unlock(lock_, key_);                                              \
		return ret_;                                                             \
	} while (0)

int sys_mem_blocks_alloc(sys_mem_blocks_t *mem_block, size_t count, void **out_blocks)
{
	RETURN_LOCKED(mem_block, z_mem_blocks_alloc(mem_block, count, out_blocks));
}

int sys_mem_blocks_alloc_contiguous(sys_mem_blocks_t *mem_block, size_t count, void **out_block)
{
	RETURN_LOCKED(mem_block, z_mem_blocks_alloc_contiguous(mem_block, count, out_block));
}

int sys_mem_blocks_get(sys_mem_blocks_t *mem_block, void *in_block, size_t count)
{
	RETURN_LOCKED(mem_block, z_mem_blocks_get(mem_block, in_block, count));
}

int sys_mem_blocks_is_region_free(sys_mem_blocks_t *mem_block, void *in_block, size_t count)
{
	RETURN_LOCKED(mem_block, z_mem_blocks_is_region_free(mem_block, in_block, count));
}

int sys_mem_blocks_free(sys_mem_blocks_t *mem_block, size_t count, void **in_blocks)
{
	RETURN_LOCKED(mem_block, z_mem_blocks_free(mem_block, count, in_blocks));
}

int sys_mem_blocks_free_contiguous(sys_mem_blocks_t *mem_block, void *block, size_t count)
{
	RETURN_LOCKED(mem_block, z_mem_blocks_free_contiguous(mem_block, block, count));
}

#ifdef CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS
int sys_mem_blocks_runtime_stats_get(sys_mem_blocks_t *mem_block, struct sys_memory_stats *stats)
{
	struct k_spinlock *lock;
	k_spinlock_key_t key;

	if (mem_block == NULL || stats == NULL) {
		return -EINVAL;
	}
	lock = pool_lock(mem_block);
	key = k_spin_lock(lock);
	z_mem_blocks_stats_get(mem_block, stats);
	k_spin_unlock(lock, key);
	return 0;
}

int sys_mem_blocks_runtime_stats_reset_max(sys_mem_blocks_t *mem_block)
{
	struct k_spinlock *lock;
	k_spinlock_key_t key;

	if (mem_block == NULL) {
		return -EINVAL;
	}
	lock = pool_lock(mem_block);
	key = k_spin_lock(lock);
	z_mem_blocks_stats_reset_max(mem_block);
	k_spin_unlock(lock, key);
	return 0;
}
#endif /* CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS */

/* ---- groups of pools: no state of their own beyond setup, so no lock ---- */

void sys_multi_mem_blocks_init(sys_multi_mem_blocks_t *group,
			       sys_multi_mem_blocks_choice_fn_t choice_fn)
{
	group->num_allocators = 0;
	group->choice_fn = choice_fn;
}

void sys_multi_mem_blocks_add_allocator(sys_multi_mem_blocks_t *group, sys_mem_blocks_t *alloc)
{
	__ASSERT(group->num_allocators < MAX_MULTI_ALLOCATORS,
		 "sys_multi_mem_blocks %p already holds %d allocators", (void *)group,
		 MAX_MULTI_ALLOCATORS);
	if (group->num_allocators < MAX_MULTI_ALLOCATORS) {
		group->allocators[group->num_allocators++] = alloc;
	}
}

int sys_multi_mem_blocks_alloc(sys_multi_mem_blocks_t *group, void *cfg, size_t count,
			       void **out_blocks, size_t *blk_size)
{
	sys_mem_blocks_t *pool;
	int ret;

	__ASSERT_NO_MSG(group != NULL && out_blocks != NULL);
	if (count == 0U) {
		if (blk_size != NULL) {
			*blk_size = 0U;
		}
		return 0;
	}
	pool = group->choice_fn(group, cfg);
	if (pool == NULL) {
		return -EINVAL;
	}
	if (count > pool->info.num_blocks) {
		return -ENOMEM;
	}
	ret = sys_mem_blocks_alloc(pool, count, out_blocks);
	if (ret == 0 && blk_size != NULL) {
		*blk_size = (size_t)1 << pool->info.blk_sz_shift;
	}
	return ret;
}

static sys_mem_blocks_t *group_pool_of(const sys_multi_mem_blocks_t *group, const void *ptr)
{
	uintptr_t addr = (uintptr_t)ptr;

	for (int i = 0; i < group->num_allocators; i++) {
		sys_mem_blocks_t *pool = group->allocators[i];
		uintptr_t start = (uintptr_t)pool->buffer;
		uintptr_t size = (uintptr_t)pool->info.num_blocks << pool->info.blk_sz_shift;

		if (addr >= start && addr - start < size) {
			return pool;
		}
	}
	return NULL;
}

int sys_multi_mem_blocks_free(sys_multi_mem_blocks_t *group, size_t count, void **in_blocks)
{
	sys_mem_blocks_t *pool;

	__ASSERT_NO_MSG(group != NULL && in_blocks != NULL);
	if (count == 0U) {
		return 0;
	}
	pool = group_pool_of(group, in_blocks[0]);
	if (pool == NULL) {
		return -EINVAL;
	}
	return sys_mem_blocks_free(pool, count, in_blocks);
}
