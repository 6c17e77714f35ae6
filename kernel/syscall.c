/*
 * Kernel calls from user mode (CONFIG_USERSPACE): the dispatcher and one
 * verification function per call of <zephyr/zmem/syscall_list.h>.
 *
 * The port's trap (arch_syscall_invoke()) runs z_syscall_dispatch() in
 * supervisor mode on the calling thread. Each verification function checks
 * every argument the way Zephyr's z_vrfy_* functions do (objects registered,
 * of the right type, granted to the caller or public, initialised where the
 * call needs it; buffers inside the caller's domain or own stack), then calls
 * the public API function, which no longer traps because the thread is
 * inside a kernel call. A failed check prints one line naming the call, the
 * argument and the reason, and oopses the caller: z_fatal_error() with
 * K_ERR_KERNEL_OOPS, which aborts it unless the fatal handler halts.
 */
#include <errno.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/kobject.h>
#include <zephyr/zmem/console.h>
#include <zephyr/zmem/port.h>

#include "include/ksched.h"
#include "include/kuser.h"

#define Z_SYSCALL_COUNT_ONE(id, name) +1
#define ALLOWED_COUNT (0 Z_SYSCALL_ALLOWED_LIST(Z_SYSCALL_COUNT_ONE))
BUILD_ASSERT(ALLOWED_COUNT == K_SYSCALL_K_MALLOC, "allowed calls first, then k_malloc");

#define Z_SYSCALL_NAME_ENTRY(id, name) #name,
static const char *const call_names[] = {Z_SYSCALL_LIST(Z_SYSCALL_NAME_ENTRY)};

static uint32_t oops_count;

const char *z_syscall_name(uintptr_t id)
{
	return id < ARRAY_SIZE(call_names) ? call_names[id] : "?";
}

uint32_t z_syscall_oops_count(void)
{
	return __atomic_load_n(&oops_count, __ATOMIC_RELAXED);
}

FUNC_NORETURN void z_syscall_oops(uintptr_t id, int arg, const char *what, const char *why)
{
	struct k_thread *t = _current;

	__atomic_fetch_add(&oops_count, 1U, __ATOMIC_RELAXED);
	if (arg > 0) {
		printk("zmem: user call %s: argument %d (%s): %s (thread %p '%s')\n",
		       z_syscall_name(id), arg, what, why, (void *)t, t->name);
	} else {
		printk("zmem: user call %s: %s (thread %p '%s')\n", z_syscall_name(id), why,
		       (void *)t, t->name);
	}
	z_fatal_error(K_ERR_KERNEL_OOPS, NULL);
	CODE_UNREACHABLE; /* the fatal path aborts the caller or halts */
}

/* ---- argument checks ------------------------------------------------------ */

static const char *validate_reason(int ret)
{
	switch (ret) {
	case -EBADF:
		return "not a registered object of that type";
	case -EPERM:
		return "not granted to the caller";
	case -EINVAL:
		return "not initialised";
	case -EADDRINUSE:
		return "already initialised";
	default:
		return "invalid";
	}
}

/* The object check of every call; returns its entry (never NULL). */
static struct k_object *check_obj(uintptr_t id, int arg, const void *obj, enum k_objects type,
				  enum _obj_init_check init)
{
	struct k_object *ko = k_object_find(obj);
	int ret = k_object_validate(ko, type, init);

	if (unlikely(ret != 0)) {
		char what[48];

		snprintk(what, sizeof(what), "%s %p", k_object_type_to_str(type), obj);
		z_syscall_oops(id, arg, what, validate_reason(ret));
	}
	return ko;
}

/*
 * A thread argument for calls on which a dead thread is a quiet no-op (join,
 * abort): true when it is alive and usable, false when it is dead; any other
 * failure oopses.
 */
static bool check_live_thread(uintptr_t id, int arg, struct k_thread *thread)
{
	int ret = k_object_validate(k_object_find(thread), K_OBJ_THREAD, _OBJ_INIT_TRUE);

	if (ret == -EINVAL) {
		return false;
	}
	if (ret != 0) {
		(void)check_obj(id, arg, thread, K_OBJ_THREAD, _OBJ_INIT_TRUE);
	}
	return true;
}

static void check_buffer(uintptr_t id, int arg, const void *buf, size_t size, bool write)
{
	if (unlikely(!z_user_range_ok(buf, size, write))) {
		char what[48];

		snprintk(what, sizeof(what), "buffer %p, %zu bytes", buf, size);
		z_syscall_oops(id, arg, what,
			       write ? "not writable by the caller" : "not readable by the caller");
	}
}

/*
 * Copy a user string of at most size - 1 characters (terminated) into dst.
 * Returns 0, or -EFAULT when a byte before the terminator or the limit is not
 * readable by the caller. O(size * partitions): names are short.
 */
static int user_string_copy(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; i + 1U < size; i++) {
		if (!z_user_range_ok(src + i, 1U, false)) {
			return -EFAULT;
		}
		dst[i] = src[i];
		if (dst[i] == '\0') {
			return 0;
		}
	}
	dst[i] = '\0';
	return 0;
}

/* A 64-bit result through the caller's own variable: written only if it may write there. */
static uintptr_t put_u64(uintptr_t id, uintptr_t out, uint64_t value)
{
	check_buffer(id, 1, (void *)out, sizeof(uint64_t), true);
	memcpy((void *)out, &value, sizeof(value));
	return 0;
}

/* ---- one verification function per call ----------------------------------- */

typedef uintptr_t (*handler_t)(uintptr_t id, const uintptr_t *a);

#define SEM(i) ((struct k_sem *)a[i])
#define THREAD(i) ((struct k_thread *)a[i])

static uintptr_t v_k_sem_init(uintptr_t id, const uintptr_t *a)
{
	(void)check_obj(id, 1, SEM(0), K_OBJ_SEM, _OBJ_INIT_ANY);
	return (uintptr_t)k_sem_init(SEM(0), (unsigned int)a[1], (unsigned int)a[2]);
}

static uintptr_t v_k_sem_take(uintptr_t id, const uintptr_t *a)
{
	(void)check_obj(id, 1, SEM(0), K_OBJ_SEM, _OBJ_INIT_TRUE);
	return (uintptr_t)k_sem_take(SEM(0), z_timeout_from_args(a[1], a[2]));
}

static uintptr_t v_k_sem_give(uintptr_t id, const uintptr_t *a)
{
	(void)check_obj(id, 1, SEM(0), K_OBJ_SEM, _OBJ_INIT_TRUE);
	k_sem_give(SEM(0));
	return 0;
}

static uintptr_t v_k_sem_reset(uintptr_t id, const uintptr_t *a)
{
	(void)check_obj(id, 1, SEM(0), K_OBJ_SEM, _OBJ_INIT_TRUE);
	k_sem_reset(SEM(0));
	return 0;
}

static uintptr_t v_k_sem_count_get(uintptr_t id, const uintptr_t *a)
{
	(void)check_obj(id, 1, SEM(0), K_OBJ_SEM, _OBJ_INIT_TRUE);
	return k_sem_count_get(SEM(0));
}

static uintptr_t v_k_sleep(uintptr_t id, const uintptr_t *a)
{
	ARG_UNUSED(id);
	return (uintptr_t)(intptr_t)k_sleep(z_timeout_from_args(a[0], a[1]));
}

static uintptr_t v_k_usleep(uintptr_t id, const uintptr_t *a)
{
	ARG_UNUSED(id);
	return (uintptr_t)(intptr_t)k_usleep((int32_t)a[0]);
}

static uintptr_t v_k_busy_wait(uintptr_t id, const uintptr_t *a)
{
	ARG_UNUSED(id);
	k_busy_wait((uint32_t)a[0]);
	return 0;
}

static uintptr_t v_k_yield(uintptr_t id, const uintptr_t *a)
{
	ARG_UNUSED(id);
	ARG_UNUSED(a);
	k_yield();
	return 0;
}

static uintptr_t v_k_wakeup(uintptr_t id, const uintptr_t *a)
{
	(void)check_obj(id, 1, THREAD(0), K_OBJ_THREAD, _OBJ_INIT_TRUE);
	k_wakeup(THREAD(0));
	return 0;
}

static uintptr_t v_k_uptime_ticks(uintptr_t id, const uintptr_t *a)
{
	return put_u64(id, a[0], (uint64_t)k_uptime_ticks());
}

static uintptr_t v_k_cycle_get_64(uintptr_t id, const uintptr_t *a)
{
	return put_u64(id, a[0], k_cycle_get_64());
}

static uintptr_t v_k_current_get(uintptr_t id, const uintptr_t *a)
{
	ARG_UNUSED(id);
	ARG_UNUSED(a);
	return (uintptr_t)k_current_get();
}

static uintptr_t v_k_is_preempt_thread(uintptr_t id, const uintptr_t *a)
{
	ARG_UNUSED(id);
	ARG_UNUSED(a);
	return (uintptr_t)k_is_preempt_thread();
}

static uintptr_t v_k_thread_start(uintptr_t id, const uintptr_t *a)
{
	(void)check_obj(id, 1, THREAD(0), K_OBJ_THREAD, _OBJ_INIT_TRUE);
	k_thread_start(THREAD(0));
	return 0;
}

static uintptr_t v_k_thread_join(uintptr_t id, const uintptr_t *a)
{
	if (!check_live_thread(id, 1, THREAD(0))) {
		return 0; /* already dead: joined */
	}
	return (uintptr_t)k_thread_join(THREAD(0), z_timeout_from_args(a[1], a[2]));
}

static uintptr_t v_k_thread_abort(uintptr_t id, const uintptr_t *a)
{
	if (!check_live_thread(id, 1, THREAD(0))) {
		return 0;
	}
	if ((THREAD(0)->base.user_options & K_ESSENTIAL) != 0U) {
		char what[48];

		snprintk(what, sizeof(what), "k_thread %p", (void *)THREAD(0));
		z_syscall_oops(id, 1, what, "an essential thread");
	}
	k_thread_abort(THREAD(0));
	return 0;
}

static uintptr_t v_k_thread_priority_get(uintptr_t id, const uintptr_t *a)
{
	(void)check_obj(id, 1, THREAD(0), K_OBJ_THREAD, _OBJ_INIT_TRUE);
	return (uintptr_t)(intptr_t)k_thread_priority_get(THREAD(0));
}

static uintptr_t v_k_thread_priority_set(uintptr_t id, const uintptr_t *a)
{
	int prio = (int)(intptr_t)a[1];
	char what[24];

	(void)check_obj(id, 1, THREAD(0), K_OBJ_THREAD, _OBJ_INIT_TRUE);
	snprintk(what, sizeof(what), "priority %d", prio);
	if (!z_is_valid_prio(prio)) {
		z_syscall_oops(id, 2, what, "not a valid priority");
	}
	if (prio < _current->base.prio) {
		z_syscall_oops(id, 2, what, "more urgent than the caller's own (only downgrades)");
	}
	k_thread_priority_set(THREAD(0), prio);
	return 0;
}

static uintptr_t v_k_thread_name_set(uintptr_t id, const uintptr_t *a)
{
	char name[CONFIG_THREAD_MAX_NAME_LEN];

	if (!IS_ENABLED(CONFIG_THREAD_NAME)) {
		return (uintptr_t)-ENOSYS;
	}
	if (THREAD(0) != NULL) {
		(void)check_obj(id, 1, THREAD(0), K_OBJ_THREAD, _OBJ_INIT_TRUE);
	}
	/* As in Zephyr: an unreadable name is an error code, not an oops. */
	if (user_string_copy(name, (const char *)a[1], sizeof(name)) != 0) {
		return (uintptr_t)-EFAULT;
	}
	return (uintptr_t)k_thread_name_set(THREAD(0), name);
}

static uintptr_t v_k_thread_name_copy(uintptr_t id, const uintptr_t *a)
{
	if (!IS_ENABLED(CONFIG_THREAD_NAME)) {
		return (uintptr_t)-ENOSYS;
	}
	(void)check_obj(id, 1, THREAD(0), K_OBJ_THREAD, _OBJ_INIT_TRUE);
	check_buffer(id, 2, (void *)a[1], (size_t)a[2], true);
	return (uintptr_t)k_thread_name_copy(THREAD(0), (char *)a[1], (size_t)a[2]);
}

static uintptr_t v_k_thread_custom_data_set(uintptr_t id, const uintptr_t *a)
{
	ARG_UNUSED(id);
	k_thread_custom_data_set((void *)a[0]);
	return 0;
}

static uintptr_t v_k_thread_custom_data_get(uintptr_t id, const uintptr_t *a)
{
	ARG_UNUSED(id);
	ARG_UNUSED(a);
	return (uintptr_t)k_thread_custom_data_get();
}

static uintptr_t v_k_object_access_grant(uintptr_t id, const uintptr_t *a)
{
	(void)check_obj(id, 2, THREAD(1), K_OBJ_THREAD, _OBJ_INIT_ANY);
	(void)check_obj(id, 1, (const void *)a[0], K_OBJ_ANY, _OBJ_INIT_ANY);
	k_object_access_grant((const void *)a[0], THREAD(1));
	return 0;
}

static uintptr_t v_k_object_release(uintptr_t id, const uintptr_t *a)
{
	(void)check_obj(id, 1, (const void *)a[0], K_OBJ_ANY, _OBJ_INIT_ANY);
	k_object_release((const void *)a[0]);
	return 0;
}

/* printk from user mode: the caller formatted into its own buffer. */
static uintptr_t v_printk(uintptr_t id, const uintptr_t *a)
{
	const char *s = (const char *)a[0];
	size_t len = (size_t)a[1];

	check_buffer(id, 1, s, len, false);
	for (size_t i = 0; i < len; i++) {
		(void)arch_printk_char_out((unsigned char)s[i]);
	}
	return 0;
}

static uintptr_t v_z_user_thread_exit(uintptr_t id, const uintptr_t *a)
{
	ARG_UNUSED(id);
	ARG_UNUSED(a);
	z_thread_exit_current();
}

#define Z_SYSCALL_HANDLER_ENTRY(id, name) [K_SYSCALL_##id] = v_##name,
static const handler_t handlers[ALLOWED_COUNT] = {
	Z_SYSCALL_ALLOWED_LIST(Z_SYSCALL_HANDLER_ENTRY)
};

uintptr_t z_syscall_dispatch(uintptr_t arg1, uintptr_t arg2, uintptr_t arg3, uintptr_t arg4,
			     uintptr_t arg5, uintptr_t arg6, uintptr_t call_id)
{
	const uintptr_t args[6] = {arg1, arg2, arg3, arg4, arg5, arg6};

	if (likely(call_id < ALLOWED_COUNT)) {
		return handlers[call_id](call_id, args);
	}
	if (call_id < K_SYSCALL_LIMIT) {
		z_syscall_oops(call_id, 0, NULL, "not callable from user mode");
	}
	printk("zmem: user call with unknown id %lu\n", (unsigned long)call_id);
	__atomic_fetch_add(&oops_count, 1U, __ATOMIC_RELAXED);
	z_fatal_error(K_ERR_KERNEL_OOPS, NULL);
	CODE_UNREACHABLE;
}
