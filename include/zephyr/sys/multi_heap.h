/*
 * Multi-heap: one allocator front end over up to MAX_MULTI_HEAPS sys_heaps, with a
 * user-supplied choice function deciding where each request goes (CONFIG_MULTI_HEAP).
 * No locking: the caller serialises, as for sys_heap.
 */
#ifndef ZEPHYR_INCLUDE_SYS_MULTI_HEAP_H_
#define ZEPHYR_INCLUDE_SYS_MULTI_HEAP_H_

#include <stddef.h>
#include <zephyr/sys/sys_heap.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MAX_MULTI_HEAPS 8

struct sys_multi_heap;

/**
 * Chooses a heap and allocates from it: `cfg` is the caller's opaque hint, `align` 0 for
 * none. Returns the block or NULL; any fallback between heaps is the callback's business.
 */
typedef void *(*sys_multi_heap_fn_t)(struct sys_multi_heap *mheap, void *cfg, size_t align,
				     size_t size);

struct sys_multi_heap_rec {
	struct sys_heap *heap;
	void *user_data;
};

struct sys_multi_heap {
	unsigned int nheaps;
	sys_multi_heap_fn_t choice;
	struct sys_multi_heap_rec heaps[MAX_MULTI_HEAPS];
};

/** @brief Empty multi-heap with choice function `choice_fn`. O(1). */
void sys_multi_heap_init(struct sys_multi_heap *heap, sys_multi_heap_fn_t choice_fn);

/**
 * @brief Add an initialised heap; the records stay sorted by address. Asserts when all
 * MAX_MULTI_HEAPS slots are used (without asserts the heap is not added). O(n).
 */
void sys_multi_heap_add_heap(struct sys_multi_heap *mheap, struct sys_heap *heap,
			     void *user_data);

/** @brief choice(mheap, cfg, 0, bytes). */
void *sys_multi_heap_alloc(struct sys_multi_heap *mheap, void *cfg, size_t bytes);

/** @brief choice(mheap, cfg, align, bytes). */
void *sys_multi_heap_aligned_alloc(struct sys_multi_heap *mheap, void *cfg, size_t align,
				   size_t bytes);

/**
 * @brief The record of the heap whose memory contains `addr`, or NULL when no heap does
 * (unlike Zephyr, which returns a bogus record below the first heap). O(log n).
 */
const struct sys_multi_heap_rec *sys_multi_heap_get_heap(const struct sys_multi_heap *mheap,
							 void *addr);

/**
 * @brief Free a block from any member heap. NULL does nothing; a foreign pointer is
 * reported like a bad sys_heap_free() (assert), or ignored without asserts.
 */
void sys_multi_heap_free(struct sys_multi_heap *mheap, void *block);

/**
 * @brief Resize a block: NULL `ptr` allocates, 0 `bytes` frees and returns NULL. Tries the
 * owning heap in place first, then allocates through the choice function, copies and frees.
 * On failure returns NULL and the block is unchanged.
 */
void *sys_multi_heap_aligned_realloc(struct sys_multi_heap *mheap, void *cfg, void *ptr,
				     size_t align, size_t bytes);

#define sys_multi_heap_realloc(mheap, cfg, ptr, bytes) \
	sys_multi_heap_aligned_realloc(mheap, cfg, ptr, 0, bytes)

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_MULTI_HEAP_H_ */
