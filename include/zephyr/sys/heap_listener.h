/*
 * Heap listeners: callbacks on allocation, free and resize events of one heap
 * (CONFIG_HEAP_LISTENER, selected by CONFIG_SYS_HEAP_LISTENER and
 * CONFIG_SYS_MEM_BLOCKS_LISTENER).
 *
 * The registry is a plain singly linked list with no lock of its own: register and
 * unregister from thread context while no heap operation runs concurrently (the kernel
 * calls them under its own lock). Callbacks run synchronously inside the heap operation,
 * with whatever lock the caller holds, so they must be short and must not call the heap.
 */
#ifndef ZEPHYR_INCLUDE_SYS_HEAP_LISTENER_H_
#define ZEPHYR_INCLUDE_SYS_HEAP_LISTENER_H_

#include <stddef.h>
#include <stdint.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

enum heap_event_types {
	HEAP_EVT_UNKNOWN = 0,
	HEAP_RESIZE,
	HEAP_ALLOC,
	HEAP_FREE,
	HEAP_EVT_MAX,
};

/** Heap identifier of a heap object, e.g. a struct sys_heap *. */
#define HEAP_ID_FROM_POINTER(heap_pointer) ((uintptr_t)(heap_pointer))

/** Identifier reserved for the C library's heap (zmem has none; no sys_heap ever has it). */
#define HEAP_ID_LIBC ((uintptr_t)0)

typedef void (*heap_listener_resize_cb_t)(uintptr_t heap_id, void *old_heap_end,
					  void *new_heap_end);
typedef void (*heap_listener_alloc_cb_t)(uintptr_t heap_id, void *mem, size_t bytes);
typedef void (*heap_listener_free_cb_t)(uintptr_t heap_id, void *mem, size_t bytes);

struct heap_listener {
	/* Registry link (Zephyr uses a sys_snode_t here; only the macros below touch it). */
	struct heap_listener *next;
	uintptr_t heap_id;
	enum heap_event_types event;
	union {
		heap_listener_alloc_cb_t alloc_cb;
		heap_listener_free_cb_t free_cb;
		heap_listener_resize_cb_t resize_cb;
	};
};

#define HEAP_LISTENER_ALLOC_DEFINE(name, _heap_id, _alloc_cb)                              \
	struct heap_listener name = {                                                      \
		.heap_id = (_heap_id), .event = HEAP_ALLOC, { .alloc_cb = (_alloc_cb) }    \
	}

#define HEAP_LISTENER_FREE_DEFINE(name, _heap_id, _free_cb)                                \
	struct heap_listener name = {                                                      \
		.heap_id = (_heap_id), .event = HEAP_FREE, { .free_cb = (_free_cb) }       \
	}

#define HEAP_LISTENER_RESIZE_DEFINE(name, _heap_id, _resize_cb)                            \
	struct heap_listener name = {                                                      \
		.heap_id = (_heap_id), .event = HEAP_RESIZE, { .resize_cb = (_resize_cb) } \
	}

#ifdef CONFIG_HEAP_LISTENER
/** Add a listener (appended; registering one twice is ignored). O(listeners). */
void heap_listener_register(struct heap_listener *listener);
/** Remove a listener; unknown ones are ignored. O(listeners). */
void heap_listener_unregister(struct heap_listener *listener);
/** Call every alloc listener of `heap_id` with the block and its size in chunk bytes. */
void heap_listener_notify_alloc(uintptr_t heap_id, void *mem, size_t bytes);
/** Call every free listener of `heap_id`. */
void heap_listener_notify_free(uintptr_t heap_id, void *mem, size_t bytes);
/** Call every resize listener of `heap_id` with the old and new end of the heap. */
void heap_listener_notify_resize(uintptr_t heap_id, void *old_heap_end, void *new_heap_end);
#else
static inline void heap_listener_notify_alloc(uintptr_t heap_id, void *mem, size_t bytes)
{
	ARG_UNUSED(heap_id);
	ARG_UNUSED(mem);
	ARG_UNUSED(bytes);
}

static inline void heap_listener_notify_free(uintptr_t heap_id, void *mem, size_t bytes)
{
	ARG_UNUSED(heap_id);
	ARG_UNUSED(mem);
	ARG_UNUSED(bytes);
}

static inline void heap_listener_notify_resize(uintptr_t heap_id, void *old_heap_end,
					       void *new_heap_end)
{
	ARG_UNUSED(heap_id);
	ARG_UNUSED(old_heap_end);
	ARG_UNUSED(new_heap_end);
}
#endif

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_HEAP_LISTENER_H_ */
