/*
 * Kernel-object permissions (CONFIG_USERSPACE): the registry of kernel
 * objects and the per-thread permission indices.
 *
 * Zephyr finds its objects with a perfect hash generated from the final ELF;
 * zmem registers them when the kernel initialises them (k_sem_init,
 * K_SEM_DEFINE at boot, k_thread_create) in an open-addressing table:
 * - capacity CONFIG_ZMEM_KOBJECT_MAX objects in TABLE_SIZE = 2 * capacity
 *   slots, linear probing, so the load never exceeds 1/2 and a lookup takes
 *   1.5 probes on average for a hit and 2.5 for a miss (Knuth's bounds);
 * - entries are never removed (an object's address stays valid; a dead
 *   thread is only marked uninitialised), so an entry's address is stable
 *   and a lookup holds the lock only while probing;
 * - a full registry refuses the object with a console line naming it and
 *   the option to raise; that object is then unusable from user mode.
 * Thread indices: CONFIG_MAX_THREAD_BYTES * 8 of them (16 by default); a
 * thread holds one from creation to death, and its bit is cleared in every
 * object when it is taken and when it is given back.
 * Lock order: the scheduler lock (thread exit), then kobj_lock.
 */
#include <errno.h>
#include <string.h>
#include <zephyr/init.h>
#include <zephyr/kernel.h>
#include <zephyr/spinlock.h>
#include <zephyr/sys/kobject.h>

#include "include/ksched.h"
#include "include/kuser.h"

#ifndef CONFIG_ZMEM_KOBJECT_MAX
#define CONFIG_ZMEM_KOBJECT_MAX 64
#endif

#define TABLE_SIZE (2U * (size_t)CONFIG_ZMEM_KOBJECT_MAX)
#define NUM_INDICES (CONFIG_MAX_THREAD_BYTES * 8)

static struct k_object table[TABLE_SIZE];
static size_t used;
static uint8_t index_used[CONFIG_MAX_THREAD_BYTES];
static bool statics_done;
static struct k_spinlock kobj_lock;

static size_t hash(const void *obj)
{
	/* Objects are at least 4-byte aligned: drop those bits, then mix (Fibonacci hashing). */
	uint64_t h = ((uint64_t)(uintptr_t)obj >> 2) * 0x9E3779B97F4A7C15ULL;

	return (size_t)((h >> 32) % TABLE_SIZE);
}

/* The slot holding `obj`, or the free slot where it would go. */
static struct k_object *probe_locked(const void *obj)
{
	size_t i = hash(obj);

	while (table[i].name != NULL && table[i].name != obj) {
		i = i + 1U == TABLE_SIZE ? 0U : i + 1U;
	}
	return &table[i];
}

static void set_bit(uint8_t *map, int i)
{
	map[i / 8] |= (uint8_t)BIT(i % 8);
}

static void clear_bit(uint8_t *map, int i)
{
	map[i / 8] &= (uint8_t)~BIT(i % 8);
}

static bool test_bit(const uint8_t *map, int i)
{
	return (map[i / 8] & BIT(i % 8)) != 0U;
}

static struct k_object *register_locked(const void *obj, enum k_objects type)
{
	struct k_object *ko = probe_locked(obj);

	if (ko->name == NULL) {
		if (used == CONFIG_ZMEM_KOBJECT_MAX) {
			return NULL;
		}
		used++;
		ko->name = obj;
		ko->type = (uint8_t)type;
	} else if (ko->type != (uint8_t)type) {
		/* The memory now holds another object: nobody inherits the old grants. */
		memset(ko->perms, 0, sizeof(ko->perms));
		ko->flags = 0U;
		ko->type = (uint8_t)type;
	}
	return ko;
}

static void statics_locked(void)
{
	if (statics_done) {
		return;
	}
	statics_done = true;
	STRUCT_SECTION_FOREACH(k_sem, sem) {
		struct k_object *ko = register_locked(sem, K_OBJ_SEM);

		if (ko != NULL) {
			ko->flags |= K_OBJ_FLAG_INITIALIZED;
		}
	}
}

static void report_full(const void *obj, enum k_objects type)
{
	printk("zmem: kernel-object registry full (CONFIG_ZMEM_KOBJECT_MAX=%d): %s %p is not "
	       "registered and cannot be used from user mode\n",
	       CONFIG_ZMEM_KOBJECT_MAX, k_object_type_to_str(type), obj);
}

static int kobject_boot(void)
{
	k_spinlock_key_t key = k_spin_lock(&kobj_lock);

	statics_locked();
	k_spin_unlock(&kobj_lock, key);
	return 0;
}
SYS_INIT(kobject_boot, PRE_KERNEL_1, 0);

struct k_object *z_object_register(const void *obj, enum k_objects type)
{
	k_spinlock_key_t key = k_spin_lock(&kobj_lock);
	struct k_object *ko;

	statics_locked();
	ko = register_locked(obj, type);
	if (ko != NULL) {
		ko->flags |= K_OBJ_FLAG_INITIALIZED;
	}
	k_spin_unlock(&kobj_lock, key);
	if (ko == NULL) {
		report_full(obj, type);
	}
	return ko;
}

struct k_object *k_object_find(const void *obj)
{
	k_spinlock_key_t key;
	struct k_object *ko;

	if (obj == NULL) {
		return NULL;
	}
	key = k_spin_lock(&kobj_lock);
	statics_locked();
	ko = probe_locked(obj);
	k_spin_unlock(&kobj_lock, key);
	return ko->name != NULL ? ko : NULL;
}

static void set_flags(const void *obj, uint8_t set, uint8_t clear)
{
	struct k_object *ko = k_object_find(obj);

	if (ko != NULL) {
		k_spinlock_key_t key = k_spin_lock(&kobj_lock);

		ko->flags = (uint8_t)((ko->flags & ~clear) | set);
		k_spin_unlock(&kobj_lock, key);
	}
}

void k_object_init(const void *obj)
{
	set_flags(obj, K_OBJ_FLAG_INITIALIZED, 0U);
}

void k_object_uninit(const void *obj)
{
	set_flags(obj, 0U, K_OBJ_FLAG_INITIALIZED);
}

bool k_object_thread_has_access(const struct k_object *ko, const struct k_thread *thread)
{
	if ((ko->flags & K_OBJ_FLAG_PUBLIC) != 0U) {
		return true;
	}
	return thread != NULL && thread->perm_index >= 0 && test_bit(ko->perms, thread->perm_index);
}

int k_object_validate(struct k_object *ko, enum k_objects otype, enum _obj_init_check init)
{
	if (ko == NULL || (otype != K_OBJ_ANY && ko->type != (uint8_t)otype)) {
		return -EBADF;
	}
	/* Even an uninitialised object needs a grant first (Zephyr's order). */
	if (!k_object_thread_has_access(ko, _current)) {
		return -EPERM;
	}
	if (init == _OBJ_INIT_TRUE && (ko->flags & K_OBJ_FLAG_INITIALIZED) == 0U) {
		return -EINVAL;
	}
	if (init == _OBJ_INIT_FALSE && (ko->flags & K_OBJ_FLAG_INITIALIZED) != 0U) {
		return -EADDRINUSE;
	}
	return 0;
}

/* ---- the permission API ---------------------------------------------------- */

void k_object_access_grant(const void *object, struct k_thread *thread)
{
	struct k_object *ko;

	if (Z_USER_TRAP()) {
		(void)z_syscall2(K_SYSCALL_K_OBJECT_ACCESS_GRANT, (uintptr_t)object,
				 (uintptr_t)thread);
		return;
	}
	ko = k_object_find(object);
	if (ko != NULL && thread != NULL && thread->perm_index >= 0) {
		k_spinlock_key_t key = k_spin_lock(&kobj_lock);

		set_bit(ko->perms, thread->perm_index);
		k_spin_unlock(&kobj_lock, key);
	}
}

void k_object_access_revoke(const void *object, struct k_thread *thread)
{
	struct k_object *ko;

	Z_USER_REFUSE(K_SYSCALL_K_OBJECT_ACCESS_REVOKE);
	ko = k_object_find(object);
	if (ko != NULL && thread != NULL && thread->perm_index >= 0) {
		k_spinlock_key_t key = k_spin_lock(&kobj_lock);

		clear_bit(ko->perms, thread->perm_index);
		k_spin_unlock(&kobj_lock, key);
	}
}

void k_object_release(const void *object)
{
	if (Z_USER_TRAP()) {
		(void)z_syscall1(K_SYSCALL_K_OBJECT_RELEASE, (uintptr_t)object);
		return;
	}
	k_object_access_revoke(object, _current);
}

void k_object_access_all_grant(const void *object)
{
	Z_USER_REFUSE(K_SYSCALL_K_OBJECT_ACCESS_ALL_GRANT);
	set_flags(object, K_OBJ_FLAG_PUBLIC, 0U);
}

/* ---- thread indices --------------------------------------------------------- */

static void clear_index_everywhere_locked(int idx)
{
	for (size_t i = 0; i < TABLE_SIZE; i++) {
		clear_bit(table[i].perms, idx);
	}
}

static int index_alloc_locked(void)
{
	for (int i = 0; i < NUM_INDICES; i++) {
		if (!test_bit(index_used, i)) {
			set_bit(index_used, i);
			clear_index_everywhere_locked(i);
			return i;
		}
	}
	return -1;
}

void z_thread_perms_init(struct k_thread *thread, struct k_thread *parent)
{
	k_spinlock_key_t key = k_spin_lock(&kobj_lock);
	struct k_object *self;
	int idx = index_alloc_locked();

	statics_locked();
	thread->perm_index = idx;
	self = register_locked(thread, K_OBJ_THREAD);
	if (self != NULL) {
		self->flags |= K_OBJ_FLAG_INITIALIZED;
		if (idx >= 0) {
			set_bit(self->perms, idx); /* every thread may name itself */
		}
	}
	if (idx >= 0 && parent != NULL && parent != thread && parent->perm_index >= 0 &&
	    (thread->base.user_options & K_INHERIT_PERMS) != 0U) {
		for (size_t i = 0; i < TABLE_SIZE; i++) {
			if (test_bit(table[i].perms, parent->perm_index)) {
				set_bit(table[i].perms, idx);
			}
		}
	}
	k_spin_unlock(&kobj_lock, key);
	if (self == NULL) {
		report_full(thread, K_OBJ_THREAD);
	}
	if (idx < 0 && (thread->base.user_options & K_USER) != 0U) {
		printk("zmem: no kernel-object permission index left for thread %p "
		       "(CONFIG_MAX_THREAD_BYTES=%d: %d live threads at most)\n",
		       (void *)thread, CONFIG_MAX_THREAD_BYTES, NUM_INDICES);
	}
}

void z_thread_perms_release(struct k_thread *thread)
{
	k_spinlock_key_t key = k_spin_lock(&kobj_lock);
	struct k_object *self = probe_locked(thread);
	int idx = thread->perm_index;

	if (idx >= 0) {
		clear_index_everywhere_locked(idx);
		clear_bit(index_used, idx);
		thread->perm_index = -1;
	}
	if (self->name != NULL) {
		self->flags &= (uint8_t)~K_OBJ_FLAG_INITIALIZED;
	}
	k_spin_unlock(&kobj_lock, key);
}

size_t z_object_count(void)
{
	return __atomic_load_n(&used, __ATOMIC_RELAXED);
}

size_t z_object_capacity(void)
{
	return CONFIG_ZMEM_KOBJECT_MAX;
}

const char *k_object_type_to_str(enum k_objects type)
{
	switch (type) {
	case K_OBJ_SEM:
		return "k_sem";
	case K_OBJ_THREAD:
		return "k_thread";
	default:
		return "object";
	}
}
