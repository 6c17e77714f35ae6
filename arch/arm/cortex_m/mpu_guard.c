/*
 * MPU stack guards (CONFIG_MPU_STACK_GUARD): a 32-byte MPU region with no
 * access, for privileged code too, just below the running thread's stack,
 * so that an overflow faults at its first access instead of overwriting
 * whatever lies below.
 *
 * Every stack object starts with its guard (<zephyr/kernel/thread_stack.h>
 * reserves and aligns it; main's and idle's stacks are the port's and are
 * laid out the same way), and stack_info describes the part above it, so
 * the guard of a thread is always [stack_info.start - 32, stack_info.start).
 * PendSV loads the incoming thread's guard into region 7 at every switch
 * (cm_guard_load(): two stores). Region 7 is the highest region, so the
 * guard wins where a partition (regions 2..6 under USERSPACE) or a user
 * stack region (1) overlaps it. Without USERSPACE the MPU runs with
 * PRIVDEFENA and the guard as its only region: everything else keeps the
 * default map.
 *
 * A fault into the guard is reported as a stack overflow
 * (K_ERR_STACK_CHK_FAIL). Exception entry pushes 32 bytes on the thread's
 * stack; when that push hits the guard the core raises MemManage with
 * MSTKERR and no valid MMFAR, and the frame is not there: the report then
 * reads nothing from it. If the application's fatal-error handler returns,
 * the thread is aborted and the others go on, provided the fault came from
 * thread mode with nothing masked (BASEPRI 0: the thread held no spinlock or
 * irq lock, so no kernel structure is half-way) and no other exception was
 * active; otherwise the port halts as for any fault in privileged code.
 */
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

#define MPU_REGIONS 8U
#define MMFSR_MASK 0xFFU

BUILD_ASSERT(CM_GUARD_SIZE == K_THREAD_STACK_RESERVED && CM_GUARD_SIZE == K_KERNEL_STACK_RESERVED,
	     "the stack macros reserve exactly one guard region");

void z_arm_guard_stack_set(struct k_thread *thread, uintptr_t stack, size_t size)
{
	uintptr_t guard = ROUND_UP(stack, CM_GUARD_SIZE);
	uintptr_t top = stack + CM_GUARD_SIZE + size;
	uintptr_t start = guard + CM_GUARD_SIZE;

	thread->stack_info.start = start;
	thread->stack_info.size = top > start ? top - start : 0U;
}

void z_arm_mpu_guard_init(const struct k_thread *main_thread)
{
	if (!IS_ENABLED(CONFIG_USERSPACE)) { /* else z_arm_mpu_init() did this */
		uint32_t regions = (MPU_TYPE >> 8) & 0xFFU;

		if (regions < MPU_REGIONS) {
			printk("zmem: MPU_STACK_GUARD needs an MPU with %u regions, this CPU has "
			       "%u\n", (unsigned int)MPU_REGIONS, (unsigned int)regions);
			port_halt(ZMEM_EXIT_FATAL);
		}
		MPU_CTRL = 0U;
		for (uint32_t r = 0; r < regions; r++) {
			MPU_RBAR = MPU_RBAR_VALID | r;
			MPU_RASR = 0U;
		}
	}
	cm_guard_load(main_thread);
	MPU_CTRL = MPU_CTRL_PRIVDEFENA | MPU_CTRL_ENABLE;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

static uint32_t cm_basepri(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, basepri" : "=r"(v));
	return v;
}

void z_arm_guard_fault(const struct cm_hw_frame *esf, uint32_t exc_return, uint32_t cfsr)
{
	struct k_thread *t = z_arm_running_thread();
	/* Read first: the report's printk locks and unlocks. */
	bool unmasked = cm_basepri() == 0U;
	/* EXC_RETURN 0xFFFFFFFD: the fault came from thread mode on the thread's stack. */
	bool from_thread = (exc_return & 0xFU) == 0xDU;
	bool stacking = from_thread && (cfsr & CFSR_MSTKERR) != 0U;
	uintptr_t guard;
	uintptr_t addr = SCB_MMFAR;

	if (t == NULL || (cfsr & MMFSR_MASK) == 0U) {
		return;
	}
	guard = t->stack_info.start - CM_GUARD_SIZE;
	if (!stacking && ((cfsr & CFSR_MMARVALID) == 0U || addr - guard >= CM_GUARD_SIZE)) {
		return; /* not this thread's guard: the ordinary report */
	}
	printk("***** Stack overflow (MPU guard) *****\n");
	printk("  thread %p (%s): stack 0x%08x+%u, guard 0x%08x+%u\n", (void *)t, t->name,
	       (unsigned int)t->stack_info.start, (unsigned int)t->stack_info.size,
	       (unsigned int)guard, (unsigned int)CM_GUARD_SIZE);
	printk("  CFSR 0x%08x", (unsigned int)cfsr);
	if ((cfsr & CFSR_MMARVALID) != 0U) {
		printk(", access to 0x%08x", (unsigned int)addr);
	}
	if (stacking) {
		/* Nothing was stacked: reading the frame would fault again. */
		printk(", no room for the exception frame at sp 0x%08x: PC unknown\n",
		       (unsigned int)(uintptr_t)esf);
	} else {
		printk(" at PC 0x%08x\n", (unsigned int)esf->pc);
	}
	/* Sticky bits: clear them so that the next fault reports only its own. */
	SCB_CFSR = cfsr;
	SCB_HFSR = SCB_HFSR;
	z_arm_fault_unwind_allow(from_thread && unmasked &&
				 (SCB_ICSR & SCB_ICSR_RETTOBASE) != 0U);
	z_fatal_error(K_ERR_STACK_CHK_FAIL, stacking ? NULL : (const struct arch_esf *)esf);
}
