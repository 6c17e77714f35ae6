/*
 * Heap trace (CONFIG_SYS_HEAP_TRACE, a zmem extension): the public sys_heap entry points as
 * wrappers around the engine (see heap_trace.h for how the engine's own names are moved out
 * of the way). Each wrapper calls the engine once, then prints one line:
 *
 *   #zht init v1 HEAP MEM BYTES PTR LAYOUT STATS FREE REF
 *   #zht alloc HEAP BYTES RESULT
 *   #zht aligned_alloc HEAP ALIGN BYTES RESULT
 *   #zht noalign_alloc HEAP ALIGN BYTES RESULT
 *   #zht realloc HEAP PTR BYTES RESULT
 *   #zht aligned_realloc HEAP PTR ALIGN BYTES RESULT
 *   #zht free HEAP PTR
 *
 * Addresses are lowercase hex without "0x" (0 for NULL: a failed request), sizes and
 * alignments decimal. docs/heap_trace.md defines every field; tools/heap_size replays them.
 *
 * printk formats into the console one character at a time and allocates nothing, so a
 * record never calls back into a heap. Records of one heap come out in call order because
 * its callers serialise it (k_heap under its lock); records of heaps used in parallel
 * (CONFIG_SMP) may interleave character by character, as any printk output does.
 */
#include <stdint.h>
#include <zephyr/sys/printk.h>

#define ZMEM_HEAP_TRACE_WRAPPERS 1
#include "heap.h"
#include "heap_trace.h"

#define ZHT "#zht "

/*
 * An object whose link-time address tools can look up (nm): the init record prints where
 * it is at run time, so a tool can undo the load bias of a position-independent image.
 */
const char z_heap_trace_ref = 0;

static unsigned long addr(const void *p)
{
	return (unsigned long)(uintptr_t)p;
}

static const char *layout_name(void)
{
	if (HEAP_SMALL_ONLY) {
		return "small";
	}
	return HEAP_BIG_ONLY ? "big" : "auto";
}

/*
 * Bytes of the one free chunk of a freshly initialised heap: the buffer minus all of the
 * heap's own bytes (alignment lead, chunk 0, end marker, tail). 0 for a buffer too small to
 * hold a heap (its handle then points at a static one-unit heap, see heap.c).
 */
static size_t fresh_free_bytes(const struct sys_heap *heap)
{
	chunksz_t units = heap->heap->end_chunk;
	chunksz_t chunk0 = heap_chunk0_units(units);

	return units > chunk0 ? chunk_bytes(units - chunk0) : 0U;
}

void sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes)
{
	z_impl_sys_heap_init(heap, mem, bytes);
	printk(ZHT "init v1 %lx %lx %zu %u %s %d %zu %lx\n", addr(heap), addr(mem), bytes,
	       (unsigned int)sizeof(void *), layout_name(),
	       IS_ENABLED(CONFIG_SYS_HEAP_RUNTIME_STATS) ? 1 : 0, fresh_free_bytes(heap),
	       addr(&z_heap_trace_ref));
}

void *sys_heap_alloc(struct sys_heap *heap, size_t bytes)
{
	void *ret = z_impl_sys_heap_alloc(heap, bytes);

	printk(ZHT "alloc %lx %zu %lx\n", addr(heap), bytes, addr(ret));
	return ret;
}

void *sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	void *ret = z_impl_sys_heap_aligned_alloc(heap, align, bytes);

	printk(ZHT "aligned_alloc %lx %zu %zu %lx\n", addr(heap), align, bytes, addr(ret));
	return ret;
}

void *sys_heap_noalign_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	void *ret = z_impl_sys_heap_noalign_alloc(heap, align, bytes);

	printk(ZHT "noalign_alloc %lx %zu %zu %lx\n", addr(heap), align, bytes, addr(ret));
	return ret;
}

void *sys_heap_realloc(struct sys_heap *heap, void *ptr, size_t bytes)
{
	void *ret = z_impl_sys_heap_realloc(heap, ptr, bytes);

	printk(ZHT "realloc %lx %lx %zu %lx\n", addr(heap), addr(ptr), bytes, addr(ret));
	return ret;
}

void *sys_heap_aligned_realloc(struct sys_heap *heap, void *ptr, size_t align, size_t bytes)
{
	void *ret = z_impl_sys_heap_aligned_realloc(heap, ptr, align, bytes);

	printk(ZHT "aligned_realloc %lx %lx %zu %zu %lx\n", addr(heap), addr(ptr), align, bytes,
	       addr(ret));
	return ret;
}

void sys_heap_free(struct sys_heap *heap, void *mem)
{
	z_impl_sys_heap_free(heap, mem);
	printk(ZHT "free %lx %lx\n", addr(heap), addr(mem));
}
