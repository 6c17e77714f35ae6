/*
 * Heap listener registry (CONFIG_HEAP_LISTENER). No lock of its own: see
 * <zephyr/sys/heap_listener.h> for the calling rules.
 */
#include <zephyr/sys/heap_listener.h>

static struct heap_listener *listeners;

void heap_listener_register(struct heap_listener *listener)
{
	struct heap_listener **link = &listeners;

	while (*link != NULL) {
		if (*link == listener) {
			return;
		}
		link = &(*link)->next;
	}
	listener->next = NULL;
	*link = listener;
}

void heap_listener_unregister(struct heap_listener *listener)
{
	for (struct heap_listener **link = &listeners; *link != NULL; link = &(*link)->next) {
		if (*link == listener) {
			*link = listener->next;
			listener->next = NULL;
			return;
		}
	}
}

void heap_listener_notify_alloc(uintptr_t heap_id, void *mem, size_t bytes)
{
	for (struct heap_listener *l = listeners; l != NULL; l = l->next) {
		if (l->heap_id == heap_id && l->event == HEAP_ALLOC) {
			l->alloc_cb(heap_id, mem, bytes);
		}
	}
}

void heap_listener_notify_free(uintptr_t heap_id, void *mem, size_t bytes)
{
	for (struct heap_listener *l = listeners; l != NULL; l = l->next) {
		if (l->heap_id == heap_id && l->event == HEAP_FREE) {
			l->free_cb(heap_id, mem, bytes);
		}
	}
}

void heap_listener_notify_resize(uintptr_t heap_id, void *old_heap_end, void *new_heap_end)
{
	for (struct heap_listener *l = listeners; l != NULL; l = l->next) {
		if (l->heap_id == heap_id && l->event == HEAP_RESIZE) {
			l->resize_cb(heap_id, old_heap_end, new_heap_end);
		}
	}
}
