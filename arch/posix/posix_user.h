/*
 * native_sim user mode (CONFIG_USERSPACE), private to arch/posix.
 *
 * arch/posix/user_mode.c implements the hooks of <zephyr/zmem/port_userspace.h>
 * without enforcing memory; it tells the page-protection layer
 * (arch/posix/page_prot.c) what changed through the four posix_prot_*()
 * calls below, which user_mode.c defines as weak no-ops.
 */
#ifndef ZMEM_ARCH_POSIX_POSIX_USER_H_
#define ZMEM_ARCH_POSIX_POSIX_USER_H_

#include <stdbool.h>
#include <zephyr/kernel.h>

struct k_mem_domain;

/*
 * The current thread is about to run user code (first entry into user
 * mode, or a domain change of the running user thread): apply its rights.
 * Called in supervisor mode, on the thread itself.
 */
void posix_prot_user_enter(struct k_thread *thread);

/* A partition of `domain` was added or is being removed, or it was (de)initialised. */
void posix_prot_domain_changed(struct k_mem_domain *domain);

/* The current user thread enters / leaves a kernel call (supervisor rights meanwhile). */
void posix_prot_syscall_enter(void);
void posix_prot_syscall_exit(void);

/* True when the calling host thread entered user mode (even while inside a kernel call). */
bool posix_thread_is_user(void);

#endif /* ZMEM_ARCH_POSIX_POSIX_USER_H_ */
