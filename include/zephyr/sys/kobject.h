/*
 * Kernel-object permissions (Zephyr's <zephyr/sys/kobject.h>).
 *
 * With CONFIG_USERSPACE the kernel keeps a registry of kernel objects
 * (kernel/kobject.c): every k_sem initialised by the kernel or defined with
 * K_SEM_DEFINE, and every k_thread once created. Each entry holds the
 * object's type, its state and a permission bitmap with one bit per thread
 * (thread->perm_index). A user thread may pass an object to a kernel call
 * only when its bit is set or the object is public. Supervisor threads need
 * no permission.
 *
 * Without CONFIG_USERSPACE the calls are empty inlines, as in Zephyr.
 */
#ifndef ZEPHYR_INCLUDE_SYS_KOBJECT_H_
#define ZEPHYR_INCLUDE_SYS_KOBJECT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/kernel_structs.h>
#include <zephyr/sys/util.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Kinds of kernel object that the registry knows (Zephyr's names). */
enum k_objects {
	K_OBJ_ANY,
	K_OBJ_SEM,
	K_OBJ_THREAD,
	K_OBJ_LAST,
};

#ifdef CONFIG_USERSPACE

/**
 * Let `thread` use `object` from user mode. An object the registry does not
 * know, or a thread without a permission index, is ignored (Zephyr ignores
 * unknown objects too). O(1) expected. From user mode: the caller must
 * itself have access to `object` and to `thread` (else a kernel oops).
 */
void k_object_access_grant(const void *object, struct k_thread *thread);

/**
 * Take `object` away from `thread` (its bit is cleared; a public object stays
 * public). Unknown objects are ignored. Supervisor mode only: from user mode
 * it is a kernel oops, as in Zephyr (not a system call there).
 */
void k_object_access_revoke(const void *object, struct k_thread *thread);

/**
 * The calling thread gives up its access to `object`. From user mode the
 * caller must have access to it (else a kernel oops).
 */
void k_object_release(const void *object);

/**
 * Make `object` public: every thread may use it, for good. Supervisor mode
 * only (a kernel oops from user mode).
 */
void k_object_access_all_grant(const void *object);

#else /* !CONFIG_USERSPACE */

static inline void k_object_access_grant(const void *object, struct k_thread *thread)
{
	ARG_UNUSED(object);
	ARG_UNUSED(thread);
}

static inline void k_object_access_revoke(const void *object, struct k_thread *thread)
{
	ARG_UNUSED(object);
	ARG_UNUSED(thread);
}

static inline void k_object_release(const void *object)
{
	ARG_UNUSED(object);
}

static inline void k_object_access_all_grant(const void *object)
{
	ARG_UNUSED(object);
}

#endif /* CONFIG_USERSPACE */

/* Grant `thread` every object listed after it: k_thread_access_grant(t, &sem1, &sem2). */
#define k_thread_access_grant(thread, ...)                                                 \
	do {                                                                               \
		const void *z_grant_objs_[] = {__VA_ARGS__};                              \
		for (size_t z_grant_i_ = 0; z_grant_i_ < ARRAY_SIZE(z_grant_objs_);       \
		     z_grant_i_++) {                                                       \
			k_object_access_grant(z_grant_objs_[z_grant_i_], (thread));       \
		}                                                                          \
	} while (0)

/* ------------------------------------------------------------------------ */
/* The registry, for the kernel and the ports (not an application API)      */

#ifdef CONFIG_USERSPACE

#ifndef CONFIG_MAX_THREAD_BYTES
#define CONFIG_MAX_THREAD_BYTES 2
#endif

/* Entry flags. */
#define K_OBJ_FLAG_INITIALIZED BIT(0) /* the object was initialised (a live thread) */
#define K_OBJ_FLAG_PUBLIC BIT(1)      /* every thread has access */

/* One registered object. Guarded by the registry's lock. */
struct k_object {
	const void *name;                      /* the object's address; NULL: free */
	uint8_t perms[CONFIG_MAX_THREAD_BYTES]; /* bit i: thread with perm_index i */
	uint8_t type;                           /* enum k_objects */
	uint8_t flags;                          /* K_OBJ_FLAG_* */
};

/* What k_object_validate() requires of the object's state. */
enum _obj_init_check {
	_OBJ_INIT_TRUE,  /* must be initialised */
	_OBJ_INIT_FALSE, /* must not be */
	_OBJ_INIT_ANY,
};

/*
 * Register `obj` as a `type` object (idempotent): the kernel calls it when it
 * initialises the object (k_sem_init, K_SEM_DEFINE at boot, k_thread_create).
 * Re-registering with the same type keeps the permissions; with another type
 * (the memory was reused) it starts with none. Returns the entry, or NULL
 * when the registry is full (CONFIG_ZMEM_KOBJECT_MAX entries): a console
 * line names the object, which then stays unusable from user mode.
 * O(1) expected. Supervisor mode.
 */
struct k_object *z_object_register(const void *obj, enum k_objects type);

/* The entry of `obj`, or NULL. O(1) expected (at most half the table is used). */
struct k_object *k_object_find(const void *obj);

/* Mark the object initialised / not (a dead thread is not initialised). */
void k_object_init(const void *obj);
void k_object_uninit(const void *obj);

/*
 * May the current thread use `ko` as a `otype` object in state `init`?
 * Returns 0; -EBADF when ko is NULL or of another type (unless K_OBJ_ANY);
 * -EPERM when neither the thread's bit is set nor the object public; -EINVAL
 * when it must be initialised and is not; -EADDRINUSE when it must not be and
 * is. The order of the checks is Zephyr's.
 */
int k_object_validate(struct k_object *ko, enum k_objects otype, enum _obj_init_check init);

/* Does `thread` have access to `ko` (its bit, or a public object)? */
bool k_object_thread_has_access(const struct k_object *ko, const struct k_thread *thread);

/*
 * Thread life cycle (kernel/thread.c): give `thread` a permission index
 * (perm_index, or -1 when all CONFIG_MAX_THREAD_BYTES * 8 are taken), clear
 * that bit in every object, register the thread object and grant it itself;
 * with K_INHERIT_PERMS in its options, copy `parent`'s permissions. O(registry).
 */
void z_thread_perms_init(struct k_thread *thread, struct k_thread *parent);

/* `thread` is dead: clear its bit everywhere and free its index. O(registry). */
void z_thread_perms_release(struct k_thread *thread);

/* Entries in use, and the capacity (CONFIG_ZMEM_KOBJECT_MAX). */
size_t z_object_count(void);
size_t z_object_capacity(void);

/* The readable name of a type, for reports ("k_sem", "k_thread", ...). */
const char *k_object_type_to_str(enum k_objects type);

#endif /* CONFIG_USERSPACE */

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_KOBJECT_H_ */
