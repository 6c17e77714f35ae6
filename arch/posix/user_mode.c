/*
 * User mode on native_sim (CONFIG_USERSPACE): the hooks of
 * <zephyr/zmem/port_userspace.h>, functional but not enforcing memory.
 *
 * - "User mode" is a flag of the host thread (each Zephyr thread is one) and
 *   a kernel-call depth, both in initial-exec TLS so that a signal handler
 *   may read them. A kernel call is a plain function call of
 *   z_syscall_dispatch() with the depth raised, so k_is_user_context() turns
 *   false inside it and the kernel's public functions run directly.
 * - Partitions must be page-aligned (4096 bytes, start and size), as on
 *   Zephyr's MMU architectures; with CONFIG_ZMEM_USERSPACE_MPU_RULES they
 *   must also satisfy the ARMv7-M MPU (power of two >= 32, start aligned to
 *   size), so host tests reject what the Cortex-M boards would.
 * - Memory is enforced by arch/posix/page_prot.c, told about every change
 *   through the posix_prot_*() calls; here they are weak no-ops.
 * - User threads may read the executable's read-only segments (code and
 *   constants, as flash on the MPU boards), so that string literals pass
 *   the read checks of kernel calls.
 * - The thread's user stack is the host stack it runs on (the port does not
 *   run threads on their K_THREAD_STACK buffer): on entry to user mode,
 *   stack_info becomes the part of that stack below the entry frame, so that
 *   buffers on it pass z_user_range_ok() and glibc's TCB above stays out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "posix_port.h"
#include "posix_user.h"

#ifdef CONFIG_USERSPACE

#define TLS_IE __attribute__((tls_model("initial-exec")))
#define POSIX_PAGE_SIZE 4096U

/* Read inline by k_is_user_context() (<zephyr/syscall.h>). */
_Thread_local volatile uint8_t z_posix_user_thread TLS_IE;
static _Thread_local volatile uint32_t call_depth TLS_IE;

__weak void posix_prot_user_enter(struct k_thread *thread)
{
	ARG_UNUSED(thread);
}

__weak void posix_prot_domain_changed(struct k_mem_domain *domain)
{
	ARG_UNUSED(domain);
}

__weak void posix_prot_syscall_enter(void)
{
}

__weak void posix_prot_syscall_exit(void)
{
}

bool posix_thread_is_user(void)
{
	return z_posix_user_thread != 0U;
}

bool arch_is_user_context(void)
{
	return z_posix_user_thread != 0U && call_depth == 0U && posix_in_isr == 0;
}

uintptr_t arch_syscall_invoke(uintptr_t arg1, uintptr_t arg2, uintptr_t arg3, uintptr_t arg4,
			      uintptr_t arg5, uintptr_t arg6, uintptr_t call_id)
{
	uintptr_t ret;

	posix_prot_syscall_enter();
	call_depth = call_depth + 1U;
	ret = z_syscall_dispatch(arg1, arg2, arg3, arg4, arg5, arg6, call_id);
	call_depth = call_depth - 1U;
	posix_prot_syscall_exit();
	return ret;
}

/* The main executable's read-only PT_LOAD segments, found once. */
#define MAX_RO_SEGMENTS 4

static struct {
	uintptr_t start, end;
} ro_segments[MAX_RO_SEGMENTS];
static int ro_count;
static pthread_once_t ro_once = PTHREAD_ONCE_INIT;

static int collect_ro(struct dl_phdr_info *info, size_t size, void *data)
{
	ARG_UNUSED(size);
	ARG_UNUSED(data);
	for (int i = 0; i < info->dlpi_phnum && ro_count < MAX_RO_SEGMENTS; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W) == 0U) {
			ro_segments[ro_count].start = info->dlpi_addr + ph->p_vaddr;
			ro_segments[ro_count].end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
			ro_count++;
		}
	}
	return 1; /* the first object is the executable itself */
}

static void find_ro_segments(void)
{
	(void)dl_iterate_phdr(collect_ro, NULL);
}

bool arch_user_ro_range(const void *addr, size_t size)
{
	uintptr_t a = (uintptr_t)addr;

	(void)pthread_once(&ro_once, find_ro_segments);
	for (int i = 0; i < ro_count; i++) {
		if (a >= ro_segments[i].start && a <= ro_segments[i].end &&
		    size <= ro_segments[i].end - a) {
			return true;
		}
	}
	return false;
}

/* stack_info := the host stack below this frame, unless it already holds the frame. */
static __noinline void adopt_host_stack(struct k_thread *t)
{
	uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
	pthread_attr_t attr;
	void *addr;
	size_t size;

	if (frame - t->stack_info.start < t->stack_info.size) {
		return;
	}
	if (pthread_getattr_np(pthread_self(), &attr) != 0) {
		return;
	}
	if (pthread_attr_getstack(&attr, &addr, &size) == 0 && frame > (uintptr_t)addr &&
	    frame - (uintptr_t)addr <= size) {
		t->stack_info.start = (uintptr_t)addr;
		t->stack_info.size = frame - (uintptr_t)addr;
		t->stack_info.delta = 0U;
	}
	pthread_attr_destroy(&attr);
}

FUNC_NORETURN void arch_user_mode_enter(k_thread_entry_t entry, void *p1, void *p2, void *p3)
{
	struct k_thread *t = k_current_get();

	(void)pthread_once(&ro_once, find_ro_segments);
	adopt_host_stack(t);
	posix_prot_user_enter(t);
	z_posix_user_thread = 1U;
	z_user_thread_start(entry, p1, p2, p3);
}

int arch_mem_domain_max_partitions_get(void)
{
	return CONFIG_MAX_DOMAIN_PARTITIONS;
}

int arch_mem_partition_check(const struct k_mem_partition *part)
{
	if (((part->start | part->size) & (POSIX_PAGE_SIZE - 1U)) != 0U) {
		return -EINVAL;
	}
	if (IS_ENABLED(CONFIG_ZMEM_USERSPACE_MPU_RULES) &&
	    (part->size < 32U || (part->size & (part->size - 1U)) != 0U ||
	     (part->start & (part->size - 1U)) != 0U)) {
		return -EINVAL;
	}
	return 0;
}

int arch_mem_domain_init(struct k_mem_domain *domain)
{
	posix_prot_domain_changed(domain);
	return 0;
}

int arch_mem_domain_partition_add(struct k_mem_domain *domain, uint32_t partition_id)
{
	ARG_UNUSED(partition_id);
	posix_prot_domain_changed(domain);
	return 0;
}

int arch_mem_domain_partition_remove(struct k_mem_domain *domain, uint32_t partition_id)
{
	ARG_UNUSED(partition_id);
	posix_prot_domain_changed(domain);
	return 0;
}

int arch_mem_domain_thread_add(struct k_thread *thread)
{
	/* Only a running user thread needs its rights now; others get them when switched in. */
	if (z_posix_user_thread != 0U && thread == k_current_get()) {
		posix_prot_user_enter(thread);
	}
	return 0;
}

int arch_mem_domain_thread_remove(struct k_thread *thread)
{
	ARG_UNUSED(thread);
	return 0;
}

int arch_mem_domain_deinit(struct k_mem_domain *domain)
{
	posix_prot_domain_changed(domain);
	return 0;
}

#else

/* ISO C wants at least one declaration in a translation unit. */
typedef int posix_user_mode_unused_t;

#endif /* CONFIG_USERSPACE */
