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
 * - entries are removed only for allocated objects (CONFIG_DYNAMIC_OBJECTS),
 *   by backward shifting (Knuth's Algorithm R: no tombstones, so the probe
 *   bounds above hold whatever the history); that moves other entries, so
 *   the kernel reads an entry only under kobj_lock (k_object_find()'s
 *   pointer is for tests and single-threaded callers). A dead thread is
 *   only marked uninitialised;
 * - a full registry refuses the object with a console line naming it and
 *   the option to raise; that object is then unusable from user mode.
 * Thread indices: CONFIG_MAX_THREAD_BYTES * 8 of them (16 by default); a
 * thread holds one from creation to death, and its bit is cleared in every
 * object when it is taken and when it is given back.
 * Allocated objects (K_OBJ_FLAG_ALLOC): the permission bits double as
 * references. When the last bit goes (revoke, release) the entry is removed
 * under the lock and the memory freed after it; when it goes at a thread's
 * exit (scheduler lock held, where the heap may not be entered) the entry is
 * only flagged Z_OBJ_FLAG_RECLAIM, and z_dynamic_objects_reclaim() frees it
 * at the next join, abort, k_object_alloc*() or k_object_free().
 * Lock order: the scheduler lock (thread exit), then kobj_lock; the heap's
 * lock is never taken under kobj_lock.
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
/* Entries flagged Z_OBJ_FLAG_RECLAIM; written under kobj_lock, read without it. */
static size_t reclaim_pending;
static uint8_t index_used[CONFIG_MAX_THREAD_BYTES];
static bool statics_done;
static struct k_spinlock kobj_lock;

static void statics_locked(void);

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

/* The live entry of `obj`, or NULL (unknown, or an allocated object awaiting its free). */
static struct k_object *find_locked(const void *obj)
{
	struct k_object *ko;

	if (obj == NULL) {
		return NULL;
	}
	statics_locked();
	ko = probe_locked(obj);
	if (ko->name == NULL || (ko->flags & Z_OBJ_FLAG_RECLAIM) != 0U) {
		return NULL;
	}
	return ko;
}

/*
 * Take `ko` out of the table (Knuth's Algorithm R for linear probing): each
 * later entry of the cluster whose home slot is not cyclically in (hole,
 * its slot] moves back into the hole, so every probe path stays unbroken.
 * O(cluster length): 1.5 slots expected at load 1/2.
 */
static void remove_locked(struct k_object *ko)
{
	size_t hole = (size_t)(ko - table);
	size_t j = hole;

	for (;;) {
		size_t home;

		j = j + 1U == TABLE_SIZE ? 0U : j + 1U;
		if (table[j].name == NULL) {
			break;
		}
		home = hash(table[j].name);
		if (hole <= j ? (hole < home && home <= j) : (hole < home || home <= j)) {
			continue; /* its path does not cross the hole */
		}
		table[hole] = table[j];
		hole = j;
	}
	memset(&table[hole], 0, sizeof(table[hole]));
	__atomic_store_n(&used, used - 1U, __ATOMIC_RELAXED);
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

static bool no_perms(const struct k_object *ko)
{
	for (size_t i = 0; i < sizeof(ko->perms); i++) {
		if (ko->perms[i] != 0U) {
			return false;
		}
	}
	return true;
}

/* A live thread, or a stack a live thread runs on: its storage is never freed under it. */
static bool in_use(const struct k_object *ko)
{
	return (ko->type == (uint8_t)K_OBJ_THREAD ||
		ko->type == (uint8_t)K_OBJ_THREAD_STACK_ELEMENT) &&
	       (ko->flags & K_OBJ_FLAG_INITIALIZED) != 0U;
}

/*
 * An allocated object nobody holds any more: not public, no bit set, and not
 * in use (a thread or a stack qualifies once its thread is dead).
 */
static bool unreferenced(const struct k_object *ko)
{
	if (!IS_ENABLED(CONFIG_DYNAMIC_OBJECTS) ||
	    (ko->flags & (K_OBJ_FLAG_ALLOC | K_OBJ_FLAG_PUBLIC | Z_OBJ_FLAG_RECLAIM)) !=
		    K_OBJ_FLAG_ALLOC) {
		return false;
	}
	if (in_use(ko)) {
		return false;
	}
	return no_perms(ko);
}

/* Thread exit (scheduler lock held): an unreferenced object waits for the reclaim. */
static void unref_defer_locked(struct k_object *ko)
{
	if (unreferenced(ko)) {
		ko->flags |= Z_OBJ_FLAG_RECLAIM;
		__atomic_fetch_add(&reclaim_pending, 1U, __ATOMIC_RELAXED);
	}
}

/*
 * Revoke or release: an unreferenced object leaves the table now; returns
 * its memory for the caller to free after unlocking, or NULL.
 */
static void *unref_take_locked(struct k_object *ko)
{
	void *mem;

	if (!unreferenced(ko)) {
		return NULL;
	}
	mem = (void *)ko->name;
	remove_locked(ko);
	return mem;
}

static struct k_object *register_locked(const void *obj, enum k_objects type)
{
	struct k_object *ko = probe_locked(obj);

	if (ko->name == NULL) {
		if (used == CONFIG_ZMEM_KOBJECT_MAX) {
			return NULL;
		}
		__atomic_store_n(&used, used + 1U, __ATOMIC_RELAXED);
		ko->name = obj;
		ko->type = (uint8_t)type;
	} else if (ko->type != (uint8_t)type) {
		/*
		 * The memory now holds another object: nobody inherits the old
		 * grants. An allocated block stays allocated (k_object_free()).
		 */
		memset(ko->perms, 0, sizeof(ko->perms));
		ko->flags &= (uint8_t)(K_OBJ_FLAG_ALLOC | Z_OBJ_FLAG_RECLAIM);
		ko->type = (uint8_t)type;
#ifdef CONFIG_DYNAMIC_OBJECTS
		ko->stack_size = 0U;
#endif
	}
	return ko;
}

/* A statically defined object is initialised by its definition. */
static void register_static_locked(const void *obj, enum k_objects type)
{
	struct k_object *ko = register_locked(obj, type);

	if (ko != NULL) {
		ko->flags |= K_OBJ_FLAG_INITIALIZED;
	}
}

static void statics_locked(void)
{
	if (statics_done) {
		return;
	}
	statics_done = true;
	STRUCT_SECTION_FOREACH(k_sem, sem) {
		register_static_locked(sem, K_OBJ_SEM);
	}
	STRUCT_SECTION_FOREACH(k_mutex, mutex) {
		register_static_locked(mutex, K_OBJ_MUTEX);
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
	k_spinlock_key_t key = k_spin_lock(&kobj_lock);
	struct k_object *ko = find_locked(obj);

	k_spin_unlock(&kobj_lock, key);
	return ko;
}

static void set_flags(const void *obj, uint8_t set, uint8_t clear)
{
	k_spinlock_key_t key = k_spin_lock(&kobj_lock);
	struct k_object *ko = find_locked(obj);

	if (ko != NULL) {
		ko->flags = (uint8_t)((ko->flags & ~clear) | set);
	}
	k_spin_unlock(&kobj_lock, key);
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

int z_object_validate_addr(const void *obj, enum k_objects otype, enum _obj_init_check init)
{
	k_spinlock_key_t key = k_spin_lock(&kobj_lock);
	int ret = k_object_validate(find_locked(obj), otype, init);

	k_spin_unlock(&kobj_lock, key);
	return ret;
}

/* ---- the permission API ---------------------------------------------------- */

void k_object_access_grant(const void *object, struct k_thread *thread)
{
	k_spinlock_key_t key;
	struct k_object *ko;

	if (Z_USER_TRAP()) {
		(void)z_syscall2(K_SYSCALL_K_OBJECT_ACCESS_GRANT, (uintptr_t)object,
				 (uintptr_t)thread);
		return;
	}
	if (thread == NULL || thread->perm_index < 0) {
		return;
	}
	key = k_spin_lock(&kobj_lock);
	ko = find_locked(object);
	if (ko != NULL) {
		set_bit(ko->perms, thread->perm_index);
	}
	k_spin_unlock(&kobj_lock, key);
}

void k_object_access_revoke(const void *object, struct k_thread *thread)
{
	k_spinlock_key_t key;
	struct k_object *ko;
	void *mem = NULL;

	Z_USER_REFUSE(K_SYSCALL_K_OBJECT_ACCESS_REVOKE);
	if (thread == NULL || thread->perm_index < 0) {
		return;
	}
	key = k_spin_lock(&kobj_lock);
	ko = find_locked(object);
	if (ko != NULL) {
		clear_bit(ko->perms, thread->perm_index);
		mem = unref_take_locked(ko);
	}
	k_spin_unlock(&kobj_lock, key);
	if (mem != NULL) {
		z_dynamic_object_free_memory(mem);
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
		if (table[i].name != NULL && test_bit(table[i].perms, idx)) {
			clear_bit(table[i].perms, idx);
			unref_defer_locked(&table[i]);
		}
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

/* A stack object (CONFIG_DYNAMIC_OBJECTS) is in use from its thread's creation to its death. */
static void stack_take_locked(struct k_thread *thread)
{
#ifdef CONFIG_DYNAMIC_OBJECTS
	struct k_object *stack = find_locked((const void *)thread->stack_info.start);

	thread->stack_obj = NULL;
	if (stack != NULL && stack->type == (uint8_t)K_OBJ_THREAD_STACK_ELEMENT) {
		stack->flags |= K_OBJ_FLAG_INITIALIZED;
		thread->stack_obj = stack->name;
	}
#else
	ARG_UNUSED(thread);
#endif
}

/* The dead thread's stack object, no longer in use, or NULL. */
static struct k_object *stack_give_back_locked(struct k_thread *thread)
{
#ifdef CONFIG_DYNAMIC_OBJECTS
	struct k_object *stack = find_locked(thread->stack_obj);

	thread->stack_obj = NULL;
	if (stack != NULL) {
		stack->flags &= (uint8_t)~K_OBJ_FLAG_INITIALIZED;
	}
	return stack;
#else
	ARG_UNUSED(thread);
	return NULL;
#endif
}

void z_thread_perms_init(struct k_thread *thread, struct k_thread *parent)
{
	k_spinlock_key_t key = k_spin_lock(&kobj_lock);
	struct k_object *self;
	int idx = index_alloc_locked();

	statics_locked();
	thread->perm_index = idx;
	stack_take_locked(thread);
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
	struct k_object *stack;

	/* Dead first: an allocated thread object or stack it held alone may then be reclaimed. */
	if (self->name != NULL) {
		self->flags &= (uint8_t)~K_OBJ_FLAG_INITIALIZED;
	}
	stack = stack_give_back_locked(thread);
	if (idx >= 0) {
		clear_index_everywhere_locked(idx);
		clear_bit(index_used, idx);
		thread->perm_index = -1;
	}
	/* They may have been unreferenced already: it had no index, or did not hold them. */
	if (self->name != NULL) {
		unref_defer_locked(self);
	}
	if (stack != NULL) {
		unref_defer_locked(stack);
	}
	k_spin_unlock(&kobj_lock, key);
}

/* ---- allocated objects (CONFIG_DYNAMIC_OBJECTS) -------------------------------- */

#ifdef CONFIG_DYNAMIC_OBJECTS

static uint32_t free_ignored;

int z_object_register_alloc(void *obj, enum k_objects type, size_t stack_size)
{
	k_spinlock_key_t key = k_spin_lock(&kobj_lock);
	struct k_object *ko;
	int ret = 0;

	statics_locked();
	ko = probe_locked(obj);
	if (ko->name == NULL && used == CONFIG_ZMEM_KOBJECT_MAX) {
		ret = -ENOSPC;
	} else {
		if (ko->name == NULL) {
			__atomic_store_n(&used, used + 1U, __ATOMIC_RELAXED);
			ko->name = obj;
		}
		/*
		 * A stale entry (memory freed without unregistering, such as a
		 * k_sem_init()'d k_malloc block) keeps nothing. It cannot be
		 * one awaiting reclaim: that block is still allocated.
		 */
		__ASSERT((ko->flags & Z_OBJ_FLAG_RECLAIM) == 0U, "block %p allocated twice", obj);
		memset(ko->perms, 0, sizeof(ko->perms));
		ko->type = (uint8_t)type;
		ko->flags = K_OBJ_FLAG_ALLOC;
		ko->stack_size = (uint32_t)stack_size;
		if (_current->perm_index >= 0) {
			set_bit(ko->perms, _current->perm_index);
		}
	}
	k_spin_unlock(&kobj_lock, key);
	return ret;
}

int z_object_unregister_alloc(void *obj)
{
	k_spinlock_key_t key = k_spin_lock(&kobj_lock);
	struct k_object *ko = obj != NULL ? probe_locked(obj) : NULL;
	int ret = -ENOENT;

	if (ko != NULL && ko->name != NULL && (ko->flags & K_OBJ_FLAG_ALLOC) != 0U &&
	    !in_use(ko)) {
		if ((ko->flags & Z_OBJ_FLAG_RECLAIM) != 0U) {
			__atomic_fetch_sub(&reclaim_pending, 1U, __ATOMIC_RELAXED);
		}
		remove_locked(ko);
		ret = 0;
	} else {
		__atomic_fetch_add(&free_ignored, 1U, __ATOMIC_RELAXED);
	}
	k_spin_unlock(&kobj_lock, key);
	return ret;
}

void *z_object_reclaim_take(void)
{
	k_spinlock_key_t key;
	void *mem = NULL;

	if (__atomic_load_n(&reclaim_pending, __ATOMIC_RELAXED) == 0U) {
		return NULL;
	}
	key = k_spin_lock(&kobj_lock);
	for (size_t i = 0; reclaim_pending > 0U && i < TABLE_SIZE; i++) {
		if ((table[i].flags & Z_OBJ_FLAG_RECLAIM) != 0U) {
			mem = (void *)table[i].name;
			__atomic_fetch_sub(&reclaim_pending, 1U, __ATOMIC_RELAXED);
			remove_locked(&table[i]);
			break;
		}
	}
	k_spin_unlock(&kobj_lock, key);
	return mem;
}

int z_object_thread_create_claim(struct k_thread *thread, const void *stack, size_t stack_size,
				 int *arg)
{
	k_spinlock_key_t key = k_spin_lock(&kobj_lock);
	struct k_object *t = find_locked(thread);
	struct k_object *st = find_locked(stack);
	int ret;

	*arg = 1;
	ret = k_object_validate(t, K_OBJ_THREAD, _OBJ_INIT_FALSE);
	if (ret == 0) {
		*arg = 2;
		ret = k_object_validate(st, K_OBJ_THREAD_STACK_ELEMENT, _OBJ_INIT_FALSE);
	}
	if (ret == 0 && stack_size > st->stack_size) {
		*arg = 3;
		ret = -E2BIG;
	}
	if (ret == 0) {
		t->flags |= K_OBJ_FLAG_INITIALIZED;
		st->flags |= K_OBJ_FLAG_INITIALIZED;
	}
	k_spin_unlock(&kobj_lock, key);
	return ret;
}

uint32_t z_object_free_ignored_count(void)
{
	return __atomic_load_n(&free_ignored, __ATOMIC_RELAXED);
}

size_t z_object_reclaim_pending(void)
{
	return __atomic_load_n(&reclaim_pending, __ATOMIC_RELAXED);
}

#endif /* CONFIG_DYNAMIC_OBJECTS */

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
	case K_OBJ_MUTEX:
		return "k_mutex";
	case K_OBJ_THREAD:
		return "k_thread";
	case K_OBJ_THREAD_STACK_ELEMENT:
		return "k_thread_stack";
	default:
		return "object";
	}
}
