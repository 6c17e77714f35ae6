/*
 * The system heap and the k_malloc family.
 *
 * Each block starts with a hidden one-word prefix from which k_free() and
 * k_realloc() recover the owning heap. zmem stores the heap pointer XORed
 * with the block's own address and a constant, and accepts it only if it
 * decodes to a registered pool heap whose memory contains the block. A
 * pointer that never came from k_malloc() therefore yields a garbage heap
 * address that is rejected without being dereferenced; the heap engine then
 * rejects interior pointers and double frees in O(1).
 *
 * Pools are the system heap and every heap used as a thread's resource pool;
 * they register on first use, so k_free() walks a list of (typically one to
 * three) heaps.
 */
#include <string.h>
#include <zephyr/kernel.h>

#include "include/kuser.h"

#define PREFIX sizeof(struct k_heap *)
#define PREFIX_COOKIE ((uintptr_t)0x5a3c96e1UL)

static struct k_heap *pools;
static struct k_spinlock pools_lock;
static uint32_t bad_frees;

static uintptr_t encode(const struct k_heap *heap, const void *user)
{
	return (uintptr_t)heap ^ (uintptr_t)user ^ PREFIX_COOKIE;
}

/*
 * Double-checked registration: the flag is read without the lock on every
 * allocation, so it is atomic (release here, acquire there) to be race-free
 * when threads really run in parallel (CONFIG_SMP).
 */
static void register_pool(struct k_heap *heap)
{
	k_spinlock_key_t key;

	if (__atomic_load_n(&heap->z_pool_registered, __ATOMIC_ACQUIRE)) {
		return;
	}
	key = k_spin_lock(&pools_lock);
	if (!heap->z_pool_registered) {
		heap->z_pool_next = pools;
		pools = heap;
		__atomic_store_n(&heap->z_pool_registered, true, __ATOMIC_RELEASE);
	}
	k_spin_unlock(&pools_lock, key);
}

static bool heap_contains(const struct k_heap *heap, const void *p)
{
	uintptr_t start = (uintptr_t)heap->heap.init_mem;

	return (uintptr_t)p >= start && (uintptr_t)p - start < heap->heap.init_bytes;
}

/* The pool `user` came from, or NULL (reported) if its prefix is not genuine. */
static struct k_heap *owner_of(void *user)
{
	uintptr_t claimed = *((uintptr_t *)user - 1) ^ (uintptr_t)user ^ PREFIX_COOKIE;
	k_spinlock_key_t key = k_spin_lock(&pools_lock);
	struct k_heap *heap = pools;

	while (heap != NULL && !((uintptr_t)heap == claimed && heap_contains(heap, user))) {
		heap = heap->z_pool_next;
	}
	if (heap == NULL) {
		bad_frees++;
	}
	k_spin_unlock(&pools_lock, key);
	__ASSERT(heap != NULL, "k_free/k_realloc(%p): not a block from the k_malloc family", user);
	return heap;
}

uint32_t z_mempool_bad_free_count(void)
{
	return bad_frees;
}

/* Allocate `size` plus the prefix; the user pointer is `align`-aligned. */
static void *alloc_with_prefix(struct k_heap *heap, size_t align, size_t size)
{
	k_spinlock_key_t key;
	size_t total;
	uintptr_t *mem;

	__ASSERT((align & (align - 1U)) == 0U, "align %zu is not a power of two", align);
	if ((align & (align - 1U)) != 0U || size_add_overflow(size, PREFIX, &total)) {
		return NULL;
	}
	register_pool(heap);
	key = k_spin_lock(&heap->lock);
	if (align <= PREFIX) {
		mem = sys_heap_alloc(&heap->heap, total);
	} else {
		/* The low "rewind" bit puts the prefix just below an aligned boundary. */
		mem = sys_heap_aligned_alloc(&heap->heap, align | PREFIX, total);
	}
	k_spin_unlock(&heap->lock, key);
	if (mem == NULL) {
		return NULL;
	}
	*mem = encode(heap, mem + 1);
	return mem + 1;
}

void k_free(void *ptr)
{
	struct k_heap *heap;

	Z_USER_REFUSE(K_SYSCALL_K_FREE);
	if (ptr == NULL) {
		return;
	}
	heap = owner_of(ptr);
	if (heap != NULL) {
		k_heap_free(heap, (uintptr_t *)ptr - 1);
	}
}

#if K_HEAP_MEM_POOL_SIZE > 0

K_HEAP_DEFINE(_system_heap, K_HEAP_MEM_POOL_SIZE);

void *k_aligned_alloc(size_t align, size_t size)
{
	Z_USER_REFUSE(K_SYSCALL_K_ALIGNED_ALLOC);
	return alloc_with_prefix(&_system_heap, align, size);
}

void *k_malloc(size_t size)
{
	Z_USER_REFUSE(K_SYSCALL_K_MALLOC);
	return alloc_with_prefix(&_system_heap, 0, size);
}

void *k_calloc(size_t nmemb, size_t size)
{
	size_t bytes;
	void *ret;

	Z_USER_REFUSE(K_SYSCALL_K_CALLOC);
	if (size_mul_overflow(nmemb, size, &bytes)) {
		return NULL;
	}
	ret = k_malloc(bytes);
	if (ret != NULL) {
		memset(ret, 0, bytes);
	}
	return ret;
}

void *k_realloc(void *ptr, size_t size)
{
	struct k_heap *heap;
	k_spinlock_key_t key;
	uintptr_t *mem;
	size_t total;

	Z_USER_REFUSE(K_SYSCALL_K_REALLOC);
	if (size == 0U) {
		k_free(ptr);
		return NULL;
	}
	if (ptr == NULL) {
		return k_malloc(size);
	}
	heap = owner_of(ptr);
	if (heap == NULL || size_add_overflow(size, PREFIX, &total)) {
		return NULL;
	}
	key = k_spin_lock(&heap->lock);
	mem = sys_heap_realloc(&heap->heap, (uintptr_t *)ptr - 1, total);
	if (mem != NULL) {
		*mem = encode(heap, mem + 1);
	}
	k_spin_unlock(&heap->lock, key);
	if (mem == NULL) {
		return NULL;
	}
	/* A shrink or a move gave memory back to a heap others may wait on. */
	z_kheap_wake_waiters(heap);
	return mem + 1;
}

void k_thread_system_pool_assign(struct k_thread *thread)
{
	thread->resource_pool = &_system_heap;
}

static struct k_heap *isr_pool(void)
{
	return &_system_heap;
}

#else

static struct k_heap *isr_pool(void)
{
	return NULL;
}

#endif /* K_HEAP_MEM_POOL_SIZE > 0 */

void *z_thread_aligned_alloc(size_t align, size_t size)
{
	struct k_heap *heap = k_is_in_isr() ? isr_pool() : k_current_get()->resource_pool;

	return heap != NULL ? alloc_with_prefix(heap, align, size) : NULL;
}

void *z_thread_malloc(size_t size)
{
	return z_thread_aligned_alloc(0, size);
}
