/*
 * The zmem port contract, user-mode part (CONFIG_USERSPACE). Included by
 * <zephyr/zmem/port.h>. The kernel (kernel/mem_domain.c, kernel/kobject.c,
 * kernel/syscall.c) keeps domains, partitions and permissions; a port that
 * selects ARCH_HAS_USERSPACE implements everything below to enforce them.
 * See docs/userspace.md for the design on each board.
 *
 * Locking: the kernel calls the arch_mem_domain_*() hooks with interrupts
 * masked and its domain lock held, in thread context.
 */
#ifndef ZEPHYR_INCLUDE_ZMEM_PORT_USERSPACE_H_
#define ZEPHYR_INCLUDE_ZMEM_PORT_USERSPACE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/kernel_structs.h>
#include <zephyr/toolchain.h>

/* Partitions a domain may hold on this port (<= CONFIG_MAX_DOMAIN_PARTITIONS). */
int arch_mem_domain_max_partitions_get(void);

/*
 * The port's rules for one partition beyond the generic ones (the kernel has
 * already rejected NULL, size 0, wrapping and overlaps): 0, or -EINVAL for an
 * alignment or size the hardware cannot express (ARMv7-M MPU: power of two
 * >= 32, start aligned to size; native_sim: multiples of 4096) or rights it
 * cannot give.
 */
int arch_mem_partition_check(const struct k_mem_partition *part);

/* A domain is being initialised (before its partitions are added). 0 or -ENOMEM. */
int arch_mem_domain_init(struct k_mem_domain *domain);

/*
 * Slot `partition_id` of `domain` was filled / is about to be cleared (the
 * slot still holds the partition). Member threads must see the change before
 * they next run in user mode; the current thread, if a member, at once.
 */
int arch_mem_domain_partition_add(struct k_mem_domain *domain, uint32_t partition_id);
int arch_mem_domain_partition_remove(struct k_mem_domain *domain, uint32_t partition_id);

/*
 * `thread` has moved into thread->mem_domain_info.mem_domain (new threads
 * too, before they first run). Returns 0 or a negative errno.
 */
int arch_mem_domain_thread_add(struct k_thread *thread);

/* `thread` is leaving its domain (it is still linked there). */
int arch_mem_domain_thread_remove(struct k_thread *thread);

/* `domain` is being deinitialised; it has no members. */
int arch_mem_domain_deinit(struct k_mem_domain *domain);

/*
 * Drop the current thread to user mode for good and, in user mode, call
 * z_user_thread_start(entry, p1, p2, p3) on the thread's own stack (its
 * stack_info range; a port that runs the thread elsewhere updates
 * stack_info to what user code may use). The kernel has already set K_USER
 * in its user_options. Never returns.
 */
FUNC_NORETURN void arch_user_mode_enter(k_thread_entry_t entry, void *p1, void *p2, void *p3);

/*
 * Optional (the kernel's weak default answers false): is [addr, addr + size)
 * inside memory every user thread may read, such as the image's code and
 * read-only data (flash on the MPU boards, the executable's read-only
 * segments on native_sim)? z_user_range_ok() accepts such ranges for reads,
 * so that user threads may pass string literals to kernel calls.
 */
bool arch_user_ro_range(const void *addr, size_t size);

/* True when the calling context runs in user mode (never inside an ISR or a system call). */
bool arch_is_user_context(void);

/*
 * Trap into the kernel from user mode: run z_syscall_dispatch(call_id, args)
 * with supervisor rights and return its value in user mode. Unused trailing
 * arguments are 0. Only valid from user mode.
 */
uintptr_t arch_syscall_invoke(uintptr_t arg1, uintptr_t arg2, uintptr_t arg3, uintptr_t arg4,
			      uintptr_t arg5, uintptr_t arg6, uintptr_t call_id);

/* ------------------------------------------------------------------------ */
/* Provided by the kernel, called by the port                               */

/*
 * Run system call `call_id` for the current (user) thread with supervisor
 * rights: verify its arguments against the caller's domain, stack and object
 * permissions, then do it. A failed check or an unknown id is a kernel oops
 * that aborts the caller (z_fatal_error(K_ERR_KERNEL_OOPS)).
 */
uintptr_t z_syscall_dispatch(uintptr_t arg1, uintptr_t arg2, uintptr_t arg3, uintptr_t arg4,
			     uintptr_t arg5, uintptr_t arg6, uintptr_t call_id);

/*
 * The first user-mode code of a user thread: runs entry(p1, p2, p3), then
 * ends the thread through a kernel call. Never returns.
 */
FUNC_NORETURN void z_user_thread_start(k_thread_entry_t entry, void *p1, void *p2, void *p3);

/*
 * May the current user thread read (write = false) or write [addr, addr +
 * size)? True when the range lies inside one partition of its domain with
 * the user right, or inside its own stack, or (reads only) inside
 * arch_user_ro_range(). Size 0 is always true; a range that wraps never.
 * O(CONFIG_MAX_DOMAIN_PARTITIONS).
 */
bool z_user_range_ok(const void *addr, size_t size, bool write);

/*
 * The partition of the current thread's domain, or any registered domain,
 * that holds `addr` (for fault reports); NULL if none.
 */
const struct k_mem_partition *z_mem_partition_find(uintptr_t addr,
						   const struct k_mem_domain **domain);

#endif /* ZEPHYR_INCLUDE_ZMEM_PORT_USERSPACE_H_ */
