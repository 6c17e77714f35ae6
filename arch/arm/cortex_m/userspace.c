/*
 * User mode on Cortex-M (CONFIG_USERSPACE): unprivileged threads, the
 * system-call trap, and what a context switch restores for them. The MPU
 * side is mpu.c; the fault report is fault_user.c.
 *
 * A user thread runs in unprivileged thread mode (CONTROL.nPRIV = 1) on its
 * own stack (PSP), which MPU region 1 opens to it. Each user thread owns a
 * slot of a static pool (kernel memory, out of reach in user mode): its
 * privileged stack, the stack region's MPU words, and the CONTROL value a
 * switch-in restores. thread->arch_user points at the slot; supervisor
 * threads have none.
 *
 * A kernel call: arch_syscall_invoke() puts arguments 1-4 in r0-r3, 5-6 in
 * r4-r5 and the call id in r6, and runs `svc #2`. The SVC handler checks the
 * id, the caller's mode and its stack pointer, then does not run the call
 * itself: it makes the exception return land in z_arm_do_syscall(), in
 * privileged thread mode on the thread's privileged stack, with a fresh
 * frame there. So z_syscall_dispatch() runs like any kernel code in thread
 * mode: it may block, be preempted and switch threads (PendSV restores the
 * privileged state from the slot). z_arm_do_syscall() then moves the stack
 * pointer back to the user frame, marks the slot unprivileged, sets nPRIV,
 * and branches to the instruction after the svc with the result in r0.
 * The call thus runs on a separate privileged stack
 * (CONFIG_PRIVILEGED_STACK_SIZE): the user stack needs no room for kernel
 * code, and nothing the kernel leaves there is visible to user code. Privilege is raised only by the SVC handler: jumping to
 * z_arm_do_syscall() from user mode leaves the thread unprivileged, where
 * the kernel's memory faults and writes to CONTROL are ignored.
 */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

#include <zephyr/zmem/syscall_list.h>

#define SVC_IRQ_OFFLOAD 0U
#define SVC_SYSCALL 2U

#define PRIV_GUARD 0xC0DEFEEDU

BUILD_ASSERT(CONFIG_PRIVILEGED_STACK_SIZE % 8 == 0 && CONFIG_PRIVILEGED_STACK_SIZE >= 256,
	     "the privileged stack holds frames aligned to 8 and a kernel call");

/*
 * One user thread's kernel-side state. The fields after the privileged
 * stack are at fixed offsets from its top, where z_arm_do_syscall() finds
 * them with its stack pointer: user_sp at +0 and control at +4.
 */
struct arm_user {
	uint32_t priv_stack[CONFIG_PRIVILEGED_STACK_SIZE / 4]; /* [0]: PRIV_GUARD */
	uintptr_t user_sp;      /* inside a kernel call: the frame svc pushed on the user stack */
	uint32_t control;       /* CONTROL_USER, or CONTROL_KERNEL inside a kernel call */
	uint32_t stack_region[2]; /* MPU RBAR, RASR of the user stack (region 1) */
	struct k_thread *thread; /* owner; NULL: free */
	uint32_t pad;
} __aligned(8);

BUILD_ASSERT(offsetof(struct arm_user, user_sp) == CONFIG_PRIVILEGED_STACK_SIZE &&
		     offsetof(struct arm_user, control) == CONFIG_PRIVILEGED_STACK_SIZE + 4,
	     "z_arm_do_syscall() reads these at its stack pointer");

static struct arm_user user_pool[CONFIG_ARM_MPU_USER_THREADS];

/* The slot of the thread the CPU runs (NULL: a supervisor thread); set at every switch-in. */
static struct arm_user *running_user;

struct launch;
void z_arm_svc_isr(void);
FUNC_NORETURN void z_arm_user_drop(k_thread_entry_t entry, void *p1, void *p2, void *p3);
FUNC_NORETURN void z_arm_user_launch(struct arm_user *u, const struct launch *how);
FUNC_NORETURN void z_arm_svc_bad(uint32_t id, uint32_t why);
void z_arm_do_syscall(void);
uintptr_t z_arm_svc_thread(struct cm_hw_frame *f, uint32_t id);

static inline struct arm_user *user_of(const struct k_thread *t)
{
	return (struct arm_user *)t->arch_user;
}

static uintptr_t priv_top(struct arm_user *u)
{
	return (uintptr_t)&u->user_sp;
}

/* Every kernel API asks this first, so the supervisor answer takes 4 instructions. */
__attribute__((naked)) bool arch_is_user_context(void)
{
	__asm__ volatile("mrs r0, control\n\t"
			 "ands r0, r0, #1\n\t" /* nPRIV */
			 "beq 1f\n\t"
			 "mrs r1, ipsr\n\t"     /* in a handler: never user, whatever nPRIV says */
			 "cmp r1, #0\n\t"
			 "it ne\n\t"
			 "movne r0, #0\n"
			 "1:\n\t"
			 "bx lr");
}

/* ---- the slot pool --------------------------------------------------------- */

static struct arm_user *slot_alloc(struct k_thread *t)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(user_pool); i++) {
		struct arm_user *u = &user_pool[i];

		if (u->thread == NULL) {
			u->thread = t;
			u->priv_stack[0] = PRIV_GUARD;
			u->control = CONTROL_KERNEL;
			return u;
		}
	}
	return NULL;
}

void z_arm_user_thread_init(struct k_thread *thread)
{
	thread->arch_user = NULL;
}

void z_arm_user_release(struct k_thread *thread)
{
	struct arm_user *u = user_of(thread);

	if (u != NULL) {
		thread->arch_user = NULL;
		u->thread = NULL;
	}
}

bool z_arm_user_stack_ok(const struct k_thread *thread, uintptr_t sp)
{
	struct arm_user *u = user_of(thread);
	uintptr_t bottom = (uintptr_t)&u->priv_stack[1];

	if (sp >= (uintptr_t)u->priv_stack && sp <= priv_top(u)) {
		return sp > bottom && u->priv_stack[0] == PRIV_GUARD;
	}
	/* On the user stack the MPU is the guard: an overflow faults at once. */
	return sp > thread->stack_info.start &&
	       sp <= thread->stack_info.start + thread->stack_info.size;
}

struct k_thread *z_arm_user_stack_owner(uintptr_t addr)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(user_pool); i++) {
		struct k_thread *t = user_pool[i].thread;

		if (t != NULL && addr - t->stack_info.start < t->stack_info.size) {
			return t;
		}
	}
	return NULL;
}

/* ---- context switch --------------------------------------------------------- */

void z_arm_user_switch_in(struct k_thread *thread)
{
	struct arm_user *u = user_of(thread);
	uint32_t control = CONTROL_KERNEL;
	const uint32_t *stack_region = NULL;

	running_user = u;
	if (u != NULL) {
		control = u->control;
		stack_region = u->stack_region;
	}
	z_arm_mpu_load(thread->mem_domain_info.mem_domain, stack_region);
	__asm__ volatile("msr control, %0" : : "r"(control) : "memory");
}

/* ---- entering user mode ------------------------------------------------------ */

/* Functions named z_arm_* below are reached from assembly only, hence global. */

/*
 * r0-r3: entry, p1, p2, p3; [sp]: the user stack top; [sp + 4]:
 * &slot->control. Ends in the kernel's z_user_thread_start(), unprivileged.
 * The order makes every preemption point safe: the stack moves first (a
 * switch-in restores privileged mode, still right), then the slot says user
 * (a switch-in now restores user mode, and the msr below is then ignored),
 * then nPRIV drops.
 */
__attribute__((naked, noreturn)) void z_arm_user_drop(k_thread_entry_t entry, void *p1,
						     void *p2, void *p3)
{
	__asm__ volatile("ldr r12, [sp]\n\t"
			 "ldr lr, [sp, #4]\n\t"
			 "mov sp, r12\n\t"
			 "mov r12, %0\n\t"
			 "str r12, [lr]\n\t"
			 "msr control, r12\n\t"
			 "isb\n\t"
			 "mov lr, #0\n\t"
			 "b z_user_thread_start"
			 :
			 : "i"(CONTROL_USER));
}

struct launch {
	k_thread_entry_t entry;
	void *p1, *p2, *p3;
};

/*
 * On the privileged stack: nothing of the thread's supervisor life stays
 * readable on its user stack (`how` lives there: read it first), then down
 * to user mode.
 */
FUNC_NORETURN void z_arm_user_launch(struct arm_user *u, const struct launch *how)
{
	struct k_thread *t = u->thread;
	uintptr_t top = (t->stack_info.start + t->stack_info.size) & ~(uintptr_t)7U;
	uintptr_t args[2] = { top, (uintptr_t)&u->control };
	k_thread_entry_t entry = how->entry;
	void *p1 = how->p1, *p2 = how->p2, *p3 = how->p3;

	memset((void *)t->stack_info.start, 0, t->stack_info.size);
	__asm__ volatile("mov sp, %4\n\t"
			 "mov r0, %0\n\t"
			 "mov r1, %1\n\t"
			 "mov r2, %2\n\t"
			 "mov r3, %3\n\t"
			 "b z_arm_user_drop"
			 :
			 : "r"(entry), "r"(p1), "r"(p2), "r"(p3), "r"(args)
			 : "r0", "r1", "r2", "r3", "memory");
	CODE_UNREACHABLE;
}

/*
 * A user stack: one MPU region, and room for at least a few frames (the
 * SVC handler's frame check relies on size >= 36).
 */
#define USER_STACK_MIN 256U

/*
 * The region of a user stack. Under MPU_STACK_GUARD the stack object
 * starts with the guard and is one power-of-two block aligned to its size
 * (thread_stack.h): the region covers the whole block, guard included (the
 * guard's region 7 wins there), whatever part of it the thread was given.
 */
static uintptr_t stack_region_start(const struct k_thread *t)
{
	return t->stack_info.start - K_THREAD_STACK_RESERVED;
}

static size_t stack_region_size(const struct k_thread *t)
{
	if (IS_ENABLED(CONFIG_MPU_STACK_GUARD)) {
		return Z_ARM_MPU_POW2(t->stack_info.size + K_THREAD_STACK_RESERVED);
	}
	return t->stack_info.size;
}

static bool stack_expressible(const struct k_thread *t)
{
	uintptr_t start = stack_region_start(t);
	size_t size = stack_region_size(t);

	return size >= USER_STACK_MIN && (size & (size - 1U)) == 0U && (start & (size - 1U)) == 0U;
}

static void stack_region_set(struct arm_user *u, const struct k_thread *t)
{
	u->stack_region[0] = (uint32_t)stack_region_start(t) | MPU_RBAR_VALID | 1U;
	u->stack_region[1] = MPU_RASR_ENABLE | MPU_RASR_XN | MPU_RASR_RAM | MPU_RASR_AP(3U) |
			     MPU_RASR_SIZE(31U - (uint32_t)__builtin_clz(stack_region_size(t)));
}

static FUNC_NORETURN void user_mode_refused(void)
{
	k_oops();
	CODE_UNREACHABLE;
}

FUNC_NORETURN void arch_user_mode_enter(k_thread_entry_t entry, void *p1, void *p2, void *p3)
{
	struct k_thread *t = z_arm_running_thread();
	struct launch how = { entry, p1, p2, p3 };
	unsigned int key;
	struct arm_user *u;

	if (!stack_expressible(t)) {
		printk("zmem: thread %p (%s): stack 0x%08x+%u cannot be a user stack (a power of "
		       "two >= 256, aligned to its size): define it with K_THREAD_STACK_DEFINE\n",
		       (void *)t, t->name, (unsigned int)t->stack_info.start,
		       (unsigned int)t->stack_info.size);
		user_mode_refused();
	}
	key = arch_irq_lock();
	u = user_of(t) != NULL ? user_of(t) : slot_alloc(t);
	if (u == NULL) {
		arch_irq_unlock(key);
		printk("zmem: thread %p (%s): more than CONFIG_ARM_MPU_USER_THREADS=%d user threads\n",
		       (void *)t, t->name, CONFIG_ARM_MPU_USER_THREADS);
		user_mode_refused();
	}
	stack_region_set(u, t);
	t->arch_user = u;
	z_arm_user_switch_in(t);
	arch_irq_unlock(key);
	/* To the privileged stack, where z_arm_user_launch() clears the user stack. */
	__asm__ volatile("mov r0, %1\n\t"
			 "mov r1, %2\n\t"
			 "mov sp, %0\n\t"
			 "b z_arm_user_launch"
			 :
			 : "r"(priv_top(u)), "r"(u), "r"(&how)
			 : "r0", "r1", "memory");
	CODE_UNREACHABLE;
}

/* ---- kernel calls ------------------------------------------------------------ */

__attribute__((naked)) uintptr_t arch_syscall_invoke(uintptr_t arg1, uintptr_t arg2,
						    uintptr_t arg3, uintptr_t arg4,
						    uintptr_t arg5, uintptr_t arg6,
						    uintptr_t call_id)
{
	__asm__ volatile("push {r4, r5, r6, lr}\n\t"
			 "ldr r4, [sp, #16]\n\t"
			 "ldr r5, [sp, #20]\n\t"
			 "ldr r6, [sp, #24]\n\t"
			 "svc %0\n\t"
			 "pop {r4, r5, r6, pc}"
			 :
			 : "i"(SVC_SYSCALL));
}

/* Why the SVC handler refused a call (z_arm_svc_bad()'s second argument). */
enum svc_refusal {
	SVC_BAD_ID,        /* call id out of range */
	SVC_BAD_NUMBER,    /* an svc number other than 2 from user mode */
	SVC_BAD_STACK,     /* the stack pointer is outside the caller's user stack */
	SVC_NOT_USER,      /* a kernel call from a supervisor thread */
};

/* Privileged thread mode, on the caller's privileged (or own, if supervisor) stack. */
FUNC_NORETURN void z_arm_svc_bad(uint32_t id, uint32_t why)
{
	static const char *const what[] = {
		[SVC_BAD_ID] = "call id out of range",
		[SVC_BAD_NUMBER] = "svc number other than 2",
		[SVC_BAD_STACK] = "stack pointer outside its user stack",
		[SVC_NOT_USER] = "kernel call trap from a supervisor thread",
	};
	struct k_thread *t = z_arm_running_thread();

	printk("***** bad system call *****\n  thread %p (%s): %s (svc #%u / call id %u)\n",
	       (void *)t, t->name, what[why & 3U], (unsigned int)(id >> 24),
	       (unsigned int)(id & 0xFFFFFFU));
	z_fatal_error(K_ERR_KERNEL_OOPS, NULL);
	for (;;) {
		/* z_fatal_error() aborted the thread or halted */
	}
}

/*
 * Thread mode, privileged, on the privileged stack; r0-r3 = arguments 1-4,
 * r4-r6 = arguments 5-6 and the call id (still the caller's registers, so
 * the callee-saved r4-r11 come back to user mode unchanged).
 */
__attribute__((naked)) void z_arm_do_syscall(void)
{
	__asm__ volatile("push {r4, r5, r6, r7}\n\t" /* args 5, 6, id on the stack; r7 pads to 8 */
			 "bl z_syscall_dispatch\n\t"
			 "add sp, sp, #16\n\t"       /* sp = privileged stack top = &slot->user_sp */
			 "mov r2, sp\n\t"
			 "ldr r1, [r2]\n\t"          /* the frame svc pushed on the user stack */
			 "ldr r3, [r1, #28]\n\t"
			 "ldr lr, [r1, #24]\n\t"     /* the instruction after the svc */
			 "orr lr, lr, #1\n\t"
			 "tst r3, %0\n\t"
			 "ite eq\n\t"
			 "addeq r1, r1, #32\n\t"
			 "addne r1, r1, #36\n\t"
			 "mov sp, r1\n\t"            /* user stack, still privileged */
			 "mov r3, %1\n\t"
			 "str r3, [r2, #4]\n\t"      /* slot->control = user */
			 "msr control, r3\n\t"
			 "isb\n\t"
			 "movs r1, #0\n\t"           /* no kernel values in scratch registers */
			 "movs r2, #0\n\t"
			 "movs r3, #0\n\t"
			 "mov r12, r1\n\t"
			 "bx lr"
			 :
			 : "i"(XPSR_FRAME_PADDED), "i"(CONTROL_USER));
}

/*
 * A refused svc: the thread goes on in z_arm_svc_bad(), privileged, with
 * the frame `k` (on its privileged stack, or its own stack if supervisor).
 */
static __noinline uintptr_t svc_refuse(struct cm_hw_frame *k, uint32_t number, uint32_t id,
				       uint32_t why)
{
	k->r0 = (number << 24) | (id & 0xFFFFFFU);
	k->r1 = why;
	k->pc = (uint32_t)(uintptr_t)z_arm_svc_bad & ~1U;
	k->xpsr = XPSR_THUMB;
	return (uintptr_t)k;
}

/*
 * SVC from thread mode (handler mode, masked by priority). Returns the
 * stack pointer to return to, or 0 for a supervisor's irq_offload(). The
 * common case, a valid call from user mode, is the straight path: 44
 * instructions here, 54 from the svc to the trampoline.
 */
uintptr_t z_arm_svc_thread(struct cm_hw_frame *f, uint32_t id)
{
	uint32_t number = ((const uint8_t *)f->pc)[-2];
	struct arm_user *u = running_user;
	const struct k_thread *t;
	struct cm_hw_frame *k;
	uintptr_t offset;

	if (unlikely((cm_control() & CONTROL_NPRIV) == 0U)) {
		return number == SVC_IRQ_OFFLOAD ? 0U : svc_refuse(f, number, id, SVC_NOT_USER);
	}
	/* Unprivileged: only arch_user_mode_enter() gets there, and it set running_user. */
	t = u->thread;
	k = (struct cm_hw_frame *)priv_top(u) - 1;
	u->user_sp = (uintptr_t)f;
	u->control = CONTROL_KERNEL;
	__asm__ volatile("msr control, %0" : : "r"(CONTROL_KERNEL) : "memory");
	/* The frame (8 words, maybe a padding word above) must lie on the user stack. */
	offset = (uintptr_t)f - t->stack_info.start;
	if (unlikely(number != SVC_SYSCALL || id >= K_SYSCALL_LIMIT ||
		     offset > t->stack_info.size - sizeof(*f) - 4U)) {
		return svc_refuse(k, number, id,
				  number != SVC_SYSCALL		? SVC_BAD_NUMBER
				  : id >= K_SYSCALL_LIMIT	? SVC_BAD_ID
								: SVC_BAD_STACK);
	}
	k->r0 = f->r0; /* arguments 1-4 (a memcpy() is a loop at -Os) */
	k->r1 = f->r1;
	k->r2 = f->r2;
	k->r3 = f->r3;
	k->pc = (uint32_t)(uintptr_t)z_arm_do_syscall & ~1U;
	k->xpsr = XPSR_THUMB;
	return (uintptr_t)k;
}

/* The SVCall vector under USERSPACE. */
__attribute__((naked)) void z_arm_svc_entry(void)
{
	__asm__ volatile("tst lr, #4\n\t"
			 "beq 1f\n\t"          /* from handler mode: only irq_offload */
			 "mrs r0, psp\n\t"
			 "mov r1, r6\n\t"
			 "push {r0, lr}\n\t"
			 "bl z_arm_svc_thread\n\t"
			 "pop {r1, lr}\n\t"
			 "cbz r0, 1f\n\t"
			 "msr psp, r0\n\t"
			 "bx lr\n"
			 "1:\n\t"
			 "b z_arm_svc_isr");
}
