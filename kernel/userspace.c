/*
 * User threads (CONFIG_USERSPACE): what a thread's life cycle adds with user
 * mode (its domain and its permission index), and the way into user mode.
 */
#include <zephyr/kernel.h>
#include <zephyr/sys/kobject.h>
#include <zephyr/zmem/port.h>

#include "include/ksched.h"
#include "include/kuser.h"

void z_thread_userspace_init(struct k_thread *thread, struct k_thread *parent)
{
	z_mem_domain_init_thread(thread, parent);
	z_thread_perms_init(thread, parent);
}

void z_thread_userspace_exit(struct k_thread *thread)
{
	z_mem_domain_exit_thread(thread);
	z_thread_perms_release(thread);
}

/*
 * Runs in user mode (the port jumps here): the thread's entry, then its exit
 * through a kernel call, as a user thread cannot unlink itself.
 */
FUNC_NORETURN void z_user_thread_start(k_thread_entry_t entry, void *p1, void *p2, void *p3)
{
	entry(p1, p2, p3);
	(void)z_syscall0(K_SYSCALL_Z_USER_THREAD_EXIT);
	CODE_UNREACHABLE;
}

FUNC_NORETURN void z_user_thread_entry(struct k_thread *thread)
{
	if (thread->perm_index < 0) {
		printk("zmem: user thread %p has no permission index: it can use public "
		       "objects only\n",
		       (void *)thread);
	}
	arch_user_mode_enter(thread->entry, thread->p1, thread->p2, thread->p3);
}
