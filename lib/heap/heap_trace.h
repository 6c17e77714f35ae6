/*
 * Heap trace (CONFIG_SYS_HEAP_TRACE, a zmem extension): one printk record per sys_heap call.
 *
 * HOW THE CALLS ARE CAUGHT
 * With the symbol on, heap.c, heap_aligned.c and heap_realloc.c include this header before
 * anything else, and it renames the seven traced entry points they define to z_impl_*.
 * heap_trace.c then defines the public names as wrappers: each calls its z_impl_ function
 * once and prints one record with the arguments and the result. The engine's calls to itself
 * (realloc -> aligned_realloc -> aligned_alloc -> alloc, noalign_alloc -> alloc, the free
 * inside a moving realloc) reach the z_impl_ names directly and print nothing, so the trace
 * holds exactly one record per call a user of sys_heap made (k_heap, k_malloc, multi_heap
 * and the application itself), with no nesting state and no lock. With the symbol off this
 * header defines nothing and heap_trace.c is not built: the engine is unchanged.
 *
 * The record format is documented in docs/heap_trace.md; tools/heap_size replays it.
 */
#ifndef ZMEM_LIB_HEAP_HEAP_TRACE_H_
#define ZMEM_LIB_HEAP_HEAP_TRACE_H_

#ifdef CONFIG_SYS_HEAP_TRACE

#include <stddef.h>

struct sys_heap;

/* heap_trace.c defines the public names itself: it includes this header without renames. */
#ifndef ZMEM_HEAP_TRACE_WRAPPERS
#define sys_heap_init z_impl_sys_heap_init
#define sys_heap_alloc z_impl_sys_heap_alloc
#define sys_heap_aligned_alloc z_impl_sys_heap_aligned_alloc
#define sys_heap_noalign_alloc z_impl_sys_heap_noalign_alloc
#define sys_heap_realloc z_impl_sys_heap_realloc
#define sys_heap_aligned_realloc z_impl_sys_heap_aligned_realloc
#define sys_heap_free z_impl_sys_heap_free
#endif

/* The engine's entry points, untraced (same contracts as in <zephyr/sys/sys_heap.h>). */
void z_impl_sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes);
void *z_impl_sys_heap_alloc(struct sys_heap *heap, size_t bytes);
void *z_impl_sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes);
void *z_impl_sys_heap_noalign_alloc(struct sys_heap *heap, size_t align, size_t bytes);
void *z_impl_sys_heap_realloc(struct sys_heap *heap, void *ptr, size_t bytes);
void *z_impl_sys_heap_aligned_realloc(struct sys_heap *heap, void *ptr, size_t align,
				      size_t bytes);
void z_impl_sys_heap_free(struct sys_heap *heap, void *mem);

#endif /* CONFIG_SYS_HEAP_TRACE */

#endif /* ZMEM_LIB_HEAP_HEAP_TRACE_H_ */
