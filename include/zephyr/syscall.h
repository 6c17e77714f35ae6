/*
 * Is the caller in user mode? (Zephyr's k_is_user_context().)
 *
 * With CONFIG_USERSPACE a thread runs in user mode once it was created with
 * K_USER or called k_thread_user_mode_enter(), except while it is inside a
 * kernel call or an interrupt interrupts it. Without CONFIG_USERSPACE every
 * context is supervisor and the test folds to `false`, so kernel functions
 * that ask cost nothing.
 */
#ifndef ZEPHYR_INCLUDE_SYSCALL_H_
#define ZEPHYR_INCLUDE_SYSCALL_H_

#include <stdbool.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef CONFIG_USERSPACE
#include <stdint.h>

/* The port's answer (<zephyr/zmem/port_userspace.h>). */
bool arch_is_user_context(void);

/*
 * A port may let supervisor threads skip that call: Z_ARCH_MAYBE_USER() is
 * false only when the caller cannot be in user mode. On native_sim it reads
 * the host thread's "entered user mode" flag (arch/posix/user_mode.c), so
 * in a supervisor thread every kernel API pays one TLS load and a branch.
 */
#if defined(CONFIG_ARCH_POSIX)
extern _Thread_local volatile uint8_t z_posix_user_thread
	__attribute__((tls_model("initial-exec")));
#define Z_ARCH_MAYBE_USER() (z_posix_user_thread != 0U)
#else
#define Z_ARCH_MAYBE_USER() true
#endif
#endif /* CONFIG_USERSPACE */

/** True when the caller runs in user mode. O(1); any context (false in an ISR). */
static ALWAYS_INLINE bool k_is_user_context(void)
{
#ifdef CONFIG_USERSPACE
	return Z_ARCH_MAYBE_USER() && arch_is_user_context();
#else
	return false;
#endif
}

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYSCALL_H_ */
