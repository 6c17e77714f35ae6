/*
 * Entry point for the Cortex-M3 size measurement (bench/heap/cortex_m/size.sh).
 * Linked with -nostdlib -nostartfiles --gc-sections, it keeps exactly the heap
 * functions it references, so the linked text is the cost of that API subset:
 *   SIZE_BASE            nothing (the stub's own bytes, subtracted)
 *   SIZE_CORE            sys_heap_init + sys_heap_alloc + sys_heap_free
 *   SIZE_ALIGNED         SIZE_CORE + sys_heap_aligned_alloc
 *   SIZE_REALLOC         SIZE_CORE + sys_heap_realloc
 */
#include <stddef.h>

#include <zephyr/sys/sys_heap.h>

static unsigned char heap_mem[4096] __attribute__((aligned(8), unused));
static struct sys_heap heap __attribute__((unused));

/* Results land here so the calls cannot be dropped. */
void *volatile size_sink;

void _start(void);

void _start(void)
{
#if !defined(SIZE_BASE)
	void *p;

	sys_heap_init(&heap, heap_mem, sizeof(heap_mem));
	p = sys_heap_alloc(&heap, 16);
	size_sink = p;
#if defined(SIZE_ALIGNED)
	size_sink = sys_heap_aligned_alloc(&heap, 64, 16);
#endif
#if defined(SIZE_REALLOC)
	p = sys_heap_realloc(&heap, p, 48);
	size_sink = p;
#endif
	sys_heap_free(&heap, p);
#endif
	for (;;) {
	}
}
