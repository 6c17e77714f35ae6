/*
 * Kernel objects allocated at run time (CONFIG_DYNAMIC_OBJECTS):
 * k_object_alloc(), k_object_alloc_size() and k_object_free().
 *
 * An object is a block of the calling thread's resource pool
 * (z_thread_aligned_alloc(), so k_free() finds the pool from the block's
 * hidden prefix), zeroed, with a registry entry of its own
 * (kernel/kobject.c) flagged K_OBJ_FLAG_ALLOC and granted to the caller.
 * There is no other metadata: the entry is the object's whole bookkeeping,
 * so an allocated object costs its block (plus the pool's 8-byte chunk
 * header and one-word prefix) and one registry slot. The permission bits
 * are its references; kernel/kobject.c frees it when the last one goes.
 */
#include <errno.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/kobject.h>

#include "include/ksched.h"
#include "include/kuser.h"

/*
 * Size and alignment of each type k_object_alloc() can make; size 0: not
 * allocatable (K_OBJ_ANY; stacks have no natural size, see
 * k_object_alloc_size()).
 */
static const struct {
	size_t size;
	size_t align;
} types[K_OBJ_LAST] = {
	[K_OBJ_SEM] = {sizeof(struct k_sem), _Alignof(struct k_sem)},
	[K_OBJ_MUTEX] = {sizeof(struct k_mutex), _Alignof(struct k_mutex)},
	[K_OBJ_THREAD] = {sizeof(struct k_thread), _Alignof(struct k_thread)},
};

/* Stacks: 1 to 2^30 bytes, so that the MPU rounding cannot overflow 32 bits. */
#define STACK_MAX (1UL << 30)

static bool allocatable(enum k_objects otype)
{
	return (unsigned int)otype < (unsigned int)K_OBJ_LAST && types[otype].size != 0U;
}

void z_dynamic_object_free_memory(void *obj)
{
	k_free(obj);
}

void z_dynamic_objects_reclaim(void)
{
	void *mem;

	while ((mem = z_object_reclaim_take()) != NULL) {
		k_free(mem);
	}
}

static void *alloc_object(enum k_objects otype, size_t align, size_t size, size_t stack_size)
{
	void *obj;

	/*
	 * Without a permission index the caller could neither use the object
	 * from user mode nor ever drop the reference that frees it.
	 */
	if (k_is_in_isr() || _current->perm_index < 0) {
		return NULL;
	}
	z_dynamic_objects_reclaim(); /* blocks and slots of exited threads first */
	obj = z_thread_aligned_alloc(align, size);
	if (obj == NULL) {
		return NULL;
	}
	memset(obj, 0, size);
	if (z_object_register_alloc(obj, otype, stack_size) != 0) {
		k_free(obj);
		printk("zmem: k_object_alloc: kernel-object registry full "
		       "(CONFIG_ZMEM_KOBJECT_MAX=%d): no %s allocated\n",
		       CONFIG_ZMEM_KOBJECT_MAX, k_object_type_to_str(otype));
		return NULL;
	}
	return obj;
}

void *k_object_alloc(enum k_objects otype)
{
	if (Z_USER_TRAP()) {
		return (void *)z_syscall1(K_SYSCALL_K_OBJECT_ALLOC, (uintptr_t)otype);
	}
	if (!allocatable(otype)) {
		return NULL;
	}
	return alloc_object(otype, types[otype].align, types[otype].size, 0);
}

void *k_object_alloc_size(enum k_objects otype, size_t size)
{
	if (Z_USER_TRAP()) {
		return (void *)z_syscall2(K_SYSCALL_K_OBJECT_ALLOC_SIZE, (uintptr_t)otype,
					  (uintptr_t)size);
	}
	if (otype == K_OBJ_THREAD_STACK_ELEMENT) {
		if (size == 0U || size > STACK_MAX) {
			return NULL;
		}
		/* The layout of K_THREAD_STACK_DEFINE(size): a user stack on every port. */
		return alloc_object(otype, Z_THREAD_STACK_OBJ_ALIGN(size), K_THREAD_STACK_LEN(size),
				    K_THREAD_STACK_LEN(size));
	}
	if (!allocatable(otype) || size < types[otype].size) {
		return NULL;
	}
	return alloc_object(otype, types[otype].align, size, 0);
}

void k_object_free(void *obj)
{
	Z_USER_REFUSE(K_SYSCALL_K_OBJECT_FREE);
	if (obj == NULL) {
		return;
	}
	if (z_object_unregister_alloc(obj) == 0) {
		k_free(obj);
	}
	z_dynamic_objects_reclaim();
}
