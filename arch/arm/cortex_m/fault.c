/*
 * CPU faults: print what the fault status registers say and hand over to
 * the kernel's fatal-error path, which ends the run with ZMEM_EXIT_FATAL
 * (unless an application's k_sys_fatal_error_handler() decides otherwise).
 */
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

struct arch_esf {
	uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
};

static const char *fault_name(uint32_t exc)
{
	switch (exc) {
	case 2:
		return "NMI";
	case 3:
		return "HardFault";
	case 4:
		return "MemManage";
	case 5:
		return "BusFault";
	case 6:
		return "UsageFault";
	default:
		return "Unknown fault";
	}
}

void z_arm_fault(const struct arch_esf *esf, uint32_t exc_return)
{
	uint32_t exc = cm_ipsr();
	uint32_t cfsr = SCB_CFSR;
	struct k_thread *t = k_current_get();

	if (IS_ENABLED(CONFIG_MPU_STACK_GUARD)) {
		/* A stack overflow into the guard is reported as one; returns otherwise. */
		z_arm_guard_fault((const struct cm_hw_frame *)esf, exc_return, cfsr);
	}
	printk("***** %s *****\n", fault_name(exc));
	printk("  CFSR 0x%08x HFSR 0x%08x\n", (unsigned int)cfsr, (unsigned int)SCB_HFSR);
	if ((cfsr & CFSR_MMARVALID) != 0U) {
		printk("  MMFAR 0x%08x\n", (unsigned int)SCB_MMFAR);
	}
	if ((cfsr & CFSR_BFARVALID) != 0U) {
		printk("  BFAR 0x%08x\n", (unsigned int)SCB_BFAR);
	}
	printk("  PC 0x%08x LR 0x%08x xPSR 0x%08x (%s stack)\n", (unsigned int)esf->pc,
	       (unsigned int)esf->lr, (unsigned int)esf->xpsr,
	       (exc_return & 4U) != 0U ? "thread" : "handler");
	printk("  thread %p (%s)\n", (void *)t, t != NULL ? t->name : "none");
	/* Thread mode on PSP and unprivileged: a user thread outside any kernel call. */
	if (IS_ENABLED(CONFIG_USERSPACE) && (exc_return & 4U) != 0U &&
	    (cm_control() & CONTROL_NPRIV) != 0U) {
		z_arm_user_fault_report((const struct cm_hw_frame *)esf, cfsr);
	}
	z_fatal_error(K_ERR_CPU_EXCEPTION, esf);
}

/* The frame is on the stack that was in use when the fault hit (EXC_RETURN bit 2). */
__attribute__((naked)) void z_arm_fault_isr(void)
{
	__asm__ volatile("tst lr, #4\n\t"
			 "ite eq\n\t"
			 "mrseq r0, msp\n\t"
			 "mrsne r0, psp\n\t"
			 "mov r1, lr\n\t"
			 "b z_arm_fault");
}
