/*
 * k_heap: the heap engine behind a lock, with waiting.
 *
 * Every operation is: lock, one O(1) heap-engine call, unlock. A failed
 * allocation with time left pends on the heap's wait queue; z_pend_curr()
 * releases the lock and queues the thread atomically, so a free that happens
 * between the failed attempt and the wait cannot be missed. The deadline is
 * computed once, so repeated wake-ups never extend the total wait.
 */
#include <string.h>
#include <zephyr/kernel.h>

#include "include/kuser.h"

/* One attempt of an allocating operation, with the heap lock held. */
struct kheap_request {
	void *(*attempt)(struct sys_heap *heap, const struct kheap_request *req);
	void *ptr;
	size_t align;
	size_t bytes;
};

void k_heap_init(struct k_heap *h, void *mem, size_t bytes)
{
	Z_USER_REFUSE(K_SYSCALL_K_HEAP_INIT);
	z_waitq_init(&h->wait_q);
	sys_heap_init(&h->heap, mem, bytes);
}

static int statics_init(void)
{
	STRUCT_SECTION_FOREACH(k_heap, h) {
		k_heap_init(h, h->heap.init_mem, h->heap.init_bytes);
	}
	return 0;
}
SYS_INIT(statics_init, PRE_KERNEL_1, 30);

STRUCT_SECTION_DECLARE(k_heap);

int k_heap_array_get(struct k_heap **heap)
{
	int n;

	STRUCT_SECTION_COUNT(k_heap, &n);
	*heap = n > 0 ? STRUCT_SECTION_START(k_heap) : NULL;
	return n;
}

/* A wait in an ISR would block whatever it interrupted: refuse it. */
static k_timeout_t usable_timeout(k_timeout_t timeout)
{
	__ASSERT(!k_is_in_isr() || K_TIMEOUT_EQ(timeout, K_NO_WAIT),
		 "k_heap: only K_NO_WAIT is allowed in an ISR");
	if (k_is_in_isr() || !IS_ENABLED(CONFIG_MULTITHREADING)) {
		return K_NO_WAIT;
	}
	return timeout;
}

static void *run_with_wait(struct k_heap *h, const struct kheap_request *req,
			   k_timeout_t timeout)
{
	k_timepoint_t end = sys_timepoint_calc(usable_timeout(timeout));
	k_spinlock_key_t key = k_spin_lock(&h->lock);
	void *ret = req->attempt(&h->heap, req);

	while (ret == NULL) {
		k_timeout_t left = sys_timepoint_timeout(end);

		if (K_TIMEOUT_EQ(left, K_NO_WAIT)) {
			break;
		}
		(void)z_pend_curr(&h->lock, key, &h->wait_q, left);
		key = k_spin_lock(&h->lock);
		ret = req->attempt(&h->heap, req);
	}
	k_spin_unlock(&h->lock, key);
	return ret;
}

static void *attempt_alloc(struct sys_heap *heap, const struct kheap_request *req)
{
	return sys_heap_alloc(heap, req->bytes);
}

static void *attempt_aligned_alloc(struct sys_heap *heap, const struct kheap_request *req)
{
	return sys_heap_aligned_alloc(heap, req->align, req->bytes);
}

static void *attempt_realloc(struct sys_heap *heap, const struct kheap_request *req)
{
	return sys_heap_realloc(heap, req->ptr, req->bytes);
}

void *k_heap_alloc(struct k_heap *h, size_t bytes, k_timeout_t timeout)
{
	const struct kheap_request req = {.attempt = attempt_alloc, .bytes = bytes};

	Z_USER_REFUSE(K_SYSCALL_K_HEAP_ALLOC);
	if (bytes == 0U) {
		return NULL;
	}
	return run_with_wait(h, &req, timeout);
}

void *k_heap_aligned_alloc(struct k_heap *h, size_t align, size_t bytes, k_timeout_t timeout)
{
	const struct kheap_request req = {
		.attempt = attempt_aligned_alloc, .align = align, .bytes = bytes};

	Z_USER_REFUSE(K_SYSCALL_K_HEAP_ALIGNED_ALLOC);
	__ASSERT((align & (align - 1U)) == 0U, "k_heap %p: align %zu is not a power of two",
		 (void *)h, align);
	if (bytes == 0U || (align & (align - 1U)) != 0U) {
		return NULL;
	}
	return run_with_wait(h, &req, timeout);
}

void *k_heap_calloc(struct k_heap *h, size_t num, size_t size, k_timeout_t timeout)
{
	size_t bytes;
	void *ret;

	Z_USER_REFUSE(K_SYSCALL_K_HEAP_CALLOC);
	if (size_mul_overflow(num, size, &bytes)) {
		return NULL;
	}
	ret = k_heap_alloc(h, bytes, timeout);
	if (ret != NULL) {
		memset(ret, 0, bytes);
	}
	return ret;
}

/* Unlock, waking every waiter if there is one: memory may have come free. */
static void unlock_and_wake(struct k_heap *h, k_spinlock_key_t key)
{
	if (z_unpend_all(&h->wait_q)) {
		z_reschedule(&h->lock, key);
	} else {
		k_spin_unlock(&h->lock, key);
	}
}

void z_kheap_wake_waiters(struct k_heap *h)
{
	unlock_and_wake(h, k_spin_lock(&h->lock));
}

void k_heap_free(struct k_heap *h, void *mem)
{
	k_spinlock_key_t key;

	Z_USER_REFUSE(K_SYSCALL_K_HEAP_FREE);
	if (mem == NULL) {
		return;
	}
	key = k_spin_lock(&h->lock);
	sys_heap_free(&h->heap, mem);
	unlock_and_wake(h, key);
}

void *k_heap_realloc(struct k_heap *h, void *ptr, size_t bytes, k_timeout_t timeout)
{
	const struct kheap_request req = {.attempt = attempt_realloc, .ptr = ptr, .bytes = bytes};
	void *ret;

	Z_USER_REFUSE(K_SYSCALL_K_HEAP_REALLOC);
	if (ptr == NULL) {
		return k_heap_alloc(h, bytes, timeout);
	}
	if (bytes == 0U) {
		k_heap_free(h, ptr);
		return NULL;
	}
	ret = run_with_wait(h, &req, timeout);
	if (ret != NULL) {
		/* A move or a shrink gave memory back: let waiters retry. */
		z_kheap_wake_waiters(h);
	}
	return ret;
}
