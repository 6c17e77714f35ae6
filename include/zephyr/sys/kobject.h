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
	K_OBJ_MUTEX,
	K_OBJ_THREAD,
	K_OBJ_THREAD_STACK_ELEMENT, /* a stack from k_object_alloc_size() (zmem: only those) */
	K_OBJ_LAST,
};

#ifdef CONFIG_DYNAMIC_OBJECTS

/**
 * Allocate a kernel object of type `otype` from the calling thread's
 * resource pool (z_thread_malloc(): k_thread_heap_assign(), inherited by the
 * threads it creates). The object is zeroed, registered as allocated and not
 * initialised (it must be initialised by its API, k_sem_init() for example),
 * and the caller is granted it. Allocatable: K_OBJ_SEM, K_OBJ_MUTEX,
 * K_OBJ_THREAD (k_thread_create() may then create a thread in it);
 * K_OBJ_THREAD_STACK_ELEMENT only through k_object_alloc_size().
 *
 * The object is freed when the last permission on it goes away
 * (k_object_release(), k_object_access_revoke(), or the exit of the last
 * thread holding it), unless it was made public, or by k_object_free().
 *
 * Returns the object, or NULL when: `otype` is K_OBJ_ANY, out of range or
 * cannot be allocated; the caller has no resource pool, or it is exhausted;
 * the caller has no permission index (the object could never be released);
 * the registry is full (CONFIG_ZMEM_KOBJECT_MAX; a console line, no leak);
 * called from an ISR.
 * O(1) expected plus the pool's allocation. Callable from user mode (a
 * kernel call; the caller's own pool is used).
 */
void *k_object_alloc(enum k_objects otype);

/**
 * As k_object_alloc(), with `size` bytes. For a fixed-size type, a size
 * smaller than the object gives NULL (zmem: Zephyr would hand out a block
 * too small for the kernel to initialise); a larger one is allowed.
 * K_OBJ_THREAD_STACK_ELEMENT: a thread stack of at least `size` bytes (1 to
 * 2^30), laid out as K_THREAD_STACK_DEFINE() would (K_THREAD_STACK_LEN(size)
 * bytes aligned to Z_THREAD_STACK_OBJ_ALIGN(size): a power of two on the
 * Cortex-M boards), usable with k_thread_create(stack, size, ...) also from
 * user mode. Callable from user mode.
 */
void *k_object_alloc_size(enum k_objects otype, size_t size);

/**
 * Free an object from k_object_alloc*() at once, whatever its permissions:
 * it is unregistered, then its memory goes back to the pool it came from.
 * Nobody may use it during or after the call. An object that was not
 * allocated (static or k_sem_init()'d memory), already freed, or a live
 * thread is ignored (counted: z_object_free_ignored_count()). NULL is
 * ignored. O(1) expected. Supervisor mode only (a kernel oops from user
 * mode, as the call is not a system call in Zephyr).
 */
void k_object_free(void *obj);

#else /* !CONFIG_DYNAMIC_OBJECTS */

/* Without CONFIG_DYNAMIC_OBJECTS (or without USERSPACE), as in Zephyr: always NULL. */
static inline void *k_object_alloc(enum k_objects otype)
{
	ARG_UNUSED(otype);
	return NULL;
}

static inline void *k_object_alloc_size(enum k_objects otype, size_t size)
{
	ARG_UNUSED(otype);
	ARG_UNUSED(size);
	return NULL;
}

static inline void k_object_free(void *obj)
{
	ARG_UNUSED(obj);
}

#endif /* CONFIG_DYNAMIC_OBJECTS */

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
/* The object was initialised: for a thread, alive; for a stack, a live thread runs on it. */
#define K_OBJ_FLAG_INITIALIZED BIT(0)
#define K_OBJ_FLAG_PUBLIC BIT(1)      /* every thread has access */
#define K_OBJ_FLAG_ALLOC BIT(2)       /* from k_object_alloc*(): freed with its last permission */
/*
 * zmem: an allocated object whose last permission went away while the
 * scheduler lock was held (a thread exit); it is unusable and its memory is
 * freed at the next reclaim point (z_dynamic_objects_reclaim()).
 */
#define Z_OBJ_FLAG_RECLAIM BIT(7)

/* One registered object. Guarded by the registry's lock. */
struct k_object {
	const void *name;                      /* the object's address; NULL: free */
	uint8_t perms[CONFIG_MAX_THREAD_BYTES]; /* bit i: thread with perm_index i */
	uint8_t type;                           /* enum k_objects */
	uint8_t flags;                          /* K_OBJ_FLAG_* */
#ifdef CONFIG_DYNAMIC_OBJECTS
	/*
	 * A stack object's usable bytes (0 for other types). In the padding on
	 * 64-bit hosts (16 bytes either way); 12 instead of 8 on Cortex-M.
	 */
	uint32_t stack_size;
#endif
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

/*
 * The entry of `obj`, or NULL (an allocated object awaiting its free counts
 * as absent). O(1) expected (at most half the table is used). The pointer
 * stays valid until an allocated object is unregistered (CONFIG_DYNAMIC_OBJECTS
 * moves entries then); the kernel's own checks use z_object_validate_addr().
 */
struct k_object *k_object_find(const void *obj);

/* k_object_validate(k_object_find(obj), ...) as one step under the registry's lock. */
int z_object_validate_addr(const void *obj, enum k_objects otype, enum _obj_init_check init);

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

#ifdef CONFIG_DYNAMIC_OBJECTS
/*
 * The checks of a k_thread_create() from user mode, made atomic with taking
 * the objects: `thread` a granted, uninitialised K_OBJ_THREAD; `stack` a
 * granted K_OBJ_THREAD_STACK_ELEMENT not in use with at least `stack_size`
 * bytes. On success both are marked initialised (taken) and 0 is returned;
 * otherwise the k_object_validate() code (-E2BIG: the size) and in *arg the
 * argument at fault (1: thread, 2: stack, 3: size). O(1) expected.
 */
int z_object_thread_create_claim(struct k_thread *thread, const void *stack, size_t stack_size,
				 int *arg);

/* k_object_free() calls that were ignored (not allocated, already freed, a live thread). */
uint32_t z_object_free_ignored_count(void);

/* Allocated objects without a permission left whose memory is not freed yet. */
size_t z_object_reclaim_pending(void);
#endif

#endif /* CONFIG_USERSPACE */

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_KOBJECT_H_ */
