/*
 * User mode inside the kernel (CONFIG_USERSPACE), private to kernel/.
 *
 * Public API functions that a user thread may call start with
 *
 *	if (Z_USER_TRAP()) {
 *		return (int)z_syscall2(K_SYSCALL_K_SEM_TAKE, (uintptr_t)sem, ...);
 *	}
 *
 * so that from user mode they trap into the kernel (arch_syscall_invoke()),
 * where kernel/syscall.c verifies the arguments and calls the same public
 * function again, now in supervisor mode, where the test is false. APIs that
 * Zephyr does not offer to user mode start with Z_USER_REFUSE(id) instead.
 * Without CONFIG_USERSPACE, Z_USER_TRAP() is the constant 0 and both forms
 * vanish: the functions compile to exactly what they were.
 */
#ifndef ZMEM_KERNEL_INCLUDE_KUSER_H_
#define ZMEM_KERNEL_INCLUDE_KUSER_H_

#include <stdint.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/util.h>
#include <zephyr/toolchain.h>
#include <zephyr/zmem/syscall_list.h>

#ifdef CONFIG_USERSPACE
#include <zephyr/zmem/port_userspace.h>

/* One test: are we in user mode (so the call must trap)? */
#define Z_USER_TRAP() unlikely(k_is_user_context())

static ALWAYS_INLINE uintptr_t z_syscall6(enum z_syscall_id id, uintptr_t a1, uintptr_t a2,
					  uintptr_t a3, uintptr_t a4, uintptr_t a5, uintptr_t a6)
{
	return arch_syscall_invoke(a1, a2, a3, a4, a5, a6, (uintptr_t)id);
}

/* A refused call: the kernel reports it and aborts the caller (never returns). */
static inline FUNC_NORETURN void z_user_refuse(enum z_syscall_id id)
{
	(void)arch_syscall_invoke(0, 0, 0, 0, 0, 0, (uintptr_t)id);
	CODE_UNREACHABLE;
}

#else /* !CONFIG_USERSPACE */

#define Z_USER_TRAP() 0

static ALWAYS_INLINE uintptr_t z_syscall6(enum z_syscall_id id, uintptr_t a1, uintptr_t a2,
					  uintptr_t a3, uintptr_t a4, uintptr_t a5, uintptr_t a6)
{
	ARG_UNUSED(id);
	ARG_UNUSED(a1);
	ARG_UNUSED(a2);
	ARG_UNUSED(a3);
	ARG_UNUSED(a4);
	ARG_UNUSED(a5);
	ARG_UNUSED(a6);
	return 0;
}

static inline void z_user_refuse(enum z_syscall_id id)
{
	ARG_UNUSED(id);
}

#endif /* CONFIG_USERSPACE */

/*
 * z_syscallN(id, args...): a call with N arguments (uintptr_t each); the
 * rest are 0. Variadic so that Z_TIMEOUT_ARGS(), which stands for two
 * arguments, expands before they are counted.
 */
#define Z_SYSCALL_FIRST6(a1, a2, a3, a4, a5, a6, ...) a1, a2, a3, a4, a5, a6
#define Z_SYSCALL_PAD(id, ...) z_syscall6(id, Z_SYSCALL_FIRST6(__VA_ARGS__, 0, 0, 0, 0, 0, 0))
#define z_syscall0(id) z_syscall6(id, 0, 0, 0, 0, 0, 0)
#define z_syscall1(id, ...) Z_SYSCALL_PAD(id, __VA_ARGS__)
#define z_syscall2(id, ...) Z_SYSCALL_PAD(id, __VA_ARGS__)
#define z_syscall3(id, ...) Z_SYSCALL_PAD(id, __VA_ARGS__)

/* Start of an API function that user mode may not call. */
#define Z_USER_REFUSE(id)                                                                 \
	do {                                                                              \
		if (Z_USER_TRAP()) {                                                      \
			z_user_refuse(id);                                                \
		}                                                                         \
	} while (0)

/*
 * A k_timeout_t (64-bit ticks) as two call arguments: on 32-bit targets the
 * high word goes in the second; on 64-bit ones the first holds it all.
 */
#define Z_TIMEOUT_ARGS(t)                                                                 \
	(uintptr_t)(uint64_t)(t).ticks,                                                   \
		(uintptr_t)(sizeof(uintptr_t) < 8U ? ((uint64_t)(t).ticks >> 16) >> 16 : 0U)

static inline k_timeout_t z_timeout_from_args(uintptr_t lo, uintptr_t hi)
{
	uint64_t t = (uint64_t)lo;

	if (sizeof(uintptr_t) < 8U) {
		t |= ((uint64_t)hi << 16) << 16;
	}
	return Z_TIMEOUT_TICKS((k_ticks_t)t);
}

#ifdef CONFIG_USERSPACE

/* ---- thread life cycle (kernel/userspace.c) ----------------------------- */

/*
 * A new thread (or main/idle at boot, with parent NULL): put it in its
 * parent's memory domain (k_mem_domain_default without one) and give it a
 * permission index (kernel/kobject.c). Called before the thread first runs.
 */
void z_thread_userspace_init(struct k_thread *thread, struct k_thread *parent);

/* A thread died (sched lock held): it leaves its domain and its index. */
void z_thread_userspace_exit(struct k_thread *thread);

/* z_thread_entry() for a K_USER thread: enter user mode and run the entry. */
FUNC_NORETURN void z_user_thread_entry(struct k_thread *thread);

/* ---- memory domains (kernel/mem_domain.c) ------------------------------- */

/* Initialise k_mem_domain_default once (boot, or the first use in a unit test). */
void z_mem_domain_ensure_init(void);

void z_mem_domain_init_thread(struct k_thread *thread, struct k_thread *parent);
void z_mem_domain_exit_thread(struct k_thread *thread);

/* ---- kernel calls (kernel/syscall.c) ------------------------------------ */

/* Name of call `id` ("k_sem_take"), or "?" for an unknown id. */
const char *z_syscall_name(uintptr_t id);

/*
 * Report a failed check of kernel call `id` for argument `arg` (1-based; 0:
 * the call itself) in one line, then oops (never returns).
 */
FUNC_NORETURN void z_syscall_oops(uintptr_t id, int arg, const char *what, const char *why);

/*
 * Kernel calls that failed a check and were refused, since boot (tests).
 */
uint32_t z_syscall_oops_count(void);

#endif /* CONFIG_USERSPACE */

#endif /* ZMEM_KERNEL_INCLUDE_KUSER_H_ */
