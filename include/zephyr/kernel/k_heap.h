/*
 * Synchronized heaps (k_heap) and the system heap (k_malloc family).
 * Included by <zephyr/kernel.h>; do not include directly.
 *
 * A k_heap is a sys_heap with a lock and a wait queue: every call is
 * thread-safe, and an allocation may wait for memory until a deadline.
 * Waiting uses one fixed deadline: each wake-up retries, then waits for the
 * time that remains. Every free wakes every waiter (they race; there is no
 * hand-off, unlike memory slabs).
 */
#ifndef ZEPHYR_INCLUDE_KERNEL_K_HEAP_H_
#define ZEPHYR_INCLUDE_KERNEL_K_HEAP_H_

#include <stddef.h>
#include <zephyr/kernel_structs.h>
#include <zephyr/spinlock.h>
#include <zephyr/sys/iterable_sections.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/sys/util.h>
#include <zephyr/sys_clock.h>

#ifdef __cplusplus
extern "C" {
#endif

struct k_heap {
	struct sys_heap heap;
	_wait_q_t wait_q;
	struct k_spinlock lock;
	/* zmem: next heap that k_free() accepts blocks from (see mempool.c). */
	struct k_heap *z_pool_next;
	bool z_pool_registered;
};

/**
 * Initialise a k_heap over `bytes` of caller memory. All of sys_heap_init()'s
 * checks apply (the region must fit the heap's metadata and one chunk).
 * Not thread-safe against other calls on the same heap. O(1).
 */
void k_heap_init(struct k_heap *h, void *mem, size_t bytes);

/**
 * Allocate `bytes` from `h`, waiting up to `timeout` for memory to be freed.
 *
 * @return the block (aligned to the heap's chunk header: 4 or 8 bytes), or
 *         NULL when `bytes` is 0, when the request can never fit, or when no
 *         memory became free before the deadline.
 * Blocking: K_NO_WAIT tries once; K_FOREVER retries until it succeeds; a
 * finite timeout fails about `timeout` after the call. In an ISR only
 * K_NO_WAIT is allowed (asserted; without asserts a wait from an ISR is
 * refused and the call acts as K_NO_WAIT).
 * Cost: O(1) per attempt (the heap engine's bound) plus the waits.
 * zmem: a 0-byte request returns NULL at once, whatever the timeout (Zephyr
 * waits the whole timeout for a request that can never succeed).
 */
void *k_heap_alloc(struct k_heap *h, size_t bytes, k_timeout_t timeout);

/**
 * As k_heap_alloc(), aligned to `align` (0 or a power of two: anything else
 * is an assertion failure, and NULL without asserts).
 */
void *k_heap_aligned_alloc(struct k_heap *h, size_t align, size_t bytes, k_timeout_t timeout);

/**
 * Allocate `num * size` zeroed bytes. NULL at once if the product overflows;
 * NULL for a product of 0 (as k_heap_alloc(h, 0, ...)).
 */
void *k_heap_calloc(struct k_heap *h, size_t num, size_t size, k_timeout_t timeout);

/**
 * Resize a block of `h`. `ptr == NULL` acts as k_heap_alloc(); `bytes == 0`
 * frees `ptr` and returns NULL. Otherwise in place when possible, else
 * allocate-copy-free, waiting up to `timeout` for room. On failure NULL is
 * returned and the old block is untouched.
 */
void *k_heap_realloc(struct k_heap *h, void *ptr, size_t bytes, k_timeout_t timeout);

/**
 * Free a block of `h` (NULL does nothing) and wake every waiter of `h`.
 * A pointer that is not a live block of `h` (foreign, interior, already free)
 * is detected in O(1) by the heap engine: an assertion with CONFIG_ASSERT,
 * otherwise ignored and counted (sys_heap_bad_free_count()). Any context.
 */
void k_heap_free(struct k_heap *h, void *mem);

/* Wake every waiter of `h` (memory came free outside k_heap_free()). */
void z_kheap_wake_waiters(struct k_heap *h);

/**
 * Number of statically defined heaps (K_HEAP_DEFINE, including the system
 * heap); *heap points at the first. The heaps are contiguous.
 */
int k_heap_array_get(struct k_heap **heap);

/* Smallest buffer that still allows one allocation of 1 byte. */
#define Z_KHEAP_BYTES(bytes) MAX((size_t)(bytes), (size_t)Z_HEAP_MIN_SIZE)

#define Z_HEAP_DEFINE_IN_SECT(name, bytes, in_section)                                  \
	static char in_section __aligned(8) kheap_##name[Z_KHEAP_BYTES(bytes)];         \
	STRUCT_SECTION_ITERABLE(k_heap, name) = {                                       \
		.heap = {.init_mem = kheap_##name, .init_bytes = Z_KHEAP_BYTES(bytes)}, \
	}

/**
 * Define a k_heap of `bytes` bytes (raised to the minimum that allows one
 * 1-byte allocation), usable from before main() with no init call.
 */
#define K_HEAP_DEFINE(name, bytes) Z_HEAP_DEFINE_IN_SECT(name, bytes, __noinit)
#define K_HEAP_DEFINE_NOCACHE(name, bytes) Z_HEAP_DEFINE_IN_SECT(name, bytes, __nocache)

/* ---- The system heap (present when K_HEAP_MEM_POOL_SIZE > 0) ---- */

/**
 * Allocate `size` bytes from the system heap; never blocks; any context.
 * `size == 0` gives a valid, unique, freeable block. Each block carries a
 * hidden one-word prefix naming its heap, so k_free() needs no heap argument.
 * @return the block, pointer-aligned, or NULL (no room, or size overflows).
 */
void *k_malloc(size_t size);

/** As k_malloc(), aligned to `align` (0 or a power of two). */
void *k_aligned_alloc(size_t align, size_t size);

/** Allocate `nmemb * size` zeroed bytes; NULL if the product overflows. */
void *k_calloc(size_t nmemb, size_t size);

/**
 * Resize a k_malloc block: `size == 0` frees and returns NULL; `ptr == NULL`
 * acts as k_malloc(). On failure NULL, and the old block is untouched. Only
 * pointer alignment is kept (not k_aligned_alloc's). Never blocks.
 */
void *k_realloc(void *ptr, size_t size);

/**
 * Free a block from the k_malloc family (NULL does nothing), waking waiters
 * of its heap. zmem checks the hidden prefix: a pointer that did not come
 * from this family is reported (assertion with CONFIG_ASSERT, otherwise
 * ignored and counted by z_mempool_bad_free_count()), never followed.
 */
void k_free(void *ptr);

/** Blocks k_free() refused because they were not from the k_malloc family. */
uint32_t z_mempool_bad_free_count(void);

/** Allocate from the current thread's resource pool (system heap in an ISR). */
void *z_thread_malloc(size_t size);
void *z_thread_aligned_alloc(size_t align, size_t size);

/** Make the system heap the resource pool of `thread`. */
void k_thread_system_pool_assign(struct k_thread *thread);

/**
 * Make `heap` the resource pool of `thread` (NULL removes it); threads it
 * creates inherit it. Existing allocations do not move.
 */
static inline void k_thread_heap_assign(struct k_thread *thread, struct k_heap *heap)
{
	thread->resource_pool = heap;
}

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_KERNEL_K_HEAP_H_ */
