/*
 * Multi-heap front end (CONFIG_MULTI_HEAP).
 */
#include <string.h>
#include <zephyr/sys/__assert.h>
#include <zephyr/sys/multi_heap.h>
#include <zephyr/sys/util.h>

void sys_multi_heap_init(struct sys_multi_heap *heap, sys_multi_heap_fn_t choice_fn)
{
	heap->nheaps = 0U;
	heap->choice = choice_fn;
}

void sys_multi_heap_add_heap(struct sys_multi_heap *mheap, struct sys_heap *heap,
			     void *user_data)
{
	__ASSERT(mheap->nheaps < ARRAY_SIZE(mheap->heaps), "too many heaps in multi-heap");
	if (mheap->nheaps >= ARRAY_SIZE(mheap->heaps)) {
		return;
	}

	/*
	 * Insertion keeps the records sorted by address, as Zephyr's re-sort does. The key is
	 * the region start (the order of heap->heap for any real heap), which is also what
	 * sys_multi_heap_get_heap() searches.
	 */
	unsigned int i = mheap->nheaps;

	while (i > 0U &&
	       (uintptr_t)mheap->heaps[i - 1U].heap->init_mem > (uintptr_t)heap->init_mem) {
		mheap->heaps[i] = mheap->heaps[i - 1U];
		i--;
	}
	mheap->heaps[i].heap = heap;
	mheap->heaps[i].user_data = user_data;
	mheap->nheaps++;
}

void *sys_multi_heap_alloc(struct sys_multi_heap *mheap, void *cfg, size_t bytes)
{
	return mheap->choice(mheap, cfg, 0, bytes);
}

void *sys_multi_heap_aligned_alloc(struct sys_multi_heap *mheap, void *cfg, size_t align,
				   size_t bytes)
{
	return mheap->choice(mheap, cfg, align, bytes);
}

static bool heap_contains(const struct sys_heap *heap, uintptr_t addr)
{
	uintptr_t start = (uintptr_t)heap->init_mem;

	return addr >= start && addr - start < heap->init_bytes;
}

const struct sys_multi_heap_rec *sys_multi_heap_get_heap(const struct sys_multi_heap *mheap,
							 void *addr)
{
	unsigned int lo = 0U;
	unsigned int hi = mheap->nheaps;

	/* Last record whose heap starts at or below addr, then an end check. */
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2U;

		if ((uintptr_t)mheap->heaps[mid].heap->init_mem <= (uintptr_t)addr) {
			lo = mid + 1U;
		} else {
			hi = mid;
		}
	}
	if (lo == 0U || !heap_contains(mheap->heaps[lo - 1U].heap, (uintptr_t)addr)) {
		return NULL;
	}
	return &mheap->heaps[lo - 1U];
}

void sys_multi_heap_free(struct sys_multi_heap *mheap, void *block)
{
	const struct sys_multi_heap_rec *rec;

	if (block == NULL) {
		return;
	}
	rec = sys_multi_heap_get_heap(mheap, block);
	__ASSERT(rec != NULL, "multi-heap %p: free of %p, which no member heap holds",
		 (void *)mheap, block);
	if (rec != NULL) {
		sys_heap_free(rec->heap, block);
	}
}

void *sys_multi_heap_aligned_realloc(struct sys_multi_heap *mheap, void *cfg, void *ptr,
				     size_t align, size_t bytes)
{
	const struct sys_multi_heap_rec *rec;
	void *p;

	if (ptr == NULL) {
		return sys_multi_heap_aligned_alloc(mheap, cfg, align, bytes);
	}
	if (bytes == 0U) {
		sys_multi_heap_free(mheap, ptr);
		return NULL;
	}
	rec = sys_multi_heap_get_heap(mheap, ptr);
	__ASSERT(rec != NULL, "multi-heap %p: realloc of %p, which no member heap holds",
		 (void *)mheap, ptr);
	if (rec == NULL) {
		return NULL;
	}
	p = sys_heap_aligned_realloc(rec->heap, ptr, align, bytes);
	if (p != NULL) {
		return p;
	}
	p = sys_multi_heap_aligned_alloc(mheap, cfg, align, bytes);
	if (p != NULL) {
		memcpy(p, ptr, MIN(sys_heap_usable_size(rec->heap, ptr), bytes));
		sys_heap_free(rec->heap, ptr);
	}
	return p;
}
