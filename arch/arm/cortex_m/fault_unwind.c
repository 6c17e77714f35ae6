/*
 * Leaving a fault handler for good once the kernel has aborted the faulting
 * thread (CONFIG_USERSPACE: a user thread's fault in user mode;
 * CONFIG_MPU_STACK_GUARD: a stack overflow caught by the guard while the
 * thread held no lock). The report that decides it calls
 * z_arm_fault_unwind_allow(); the abort ends in arch_switch_exit() inside the
 * handler, which asks z_arm_fault_unwind_ok() and then calls
 * z_arm_fault_unwind(): the handler is left as if it returned, straight into
 * the pending PendSV, which switches to the thread the kernel chose.
 */
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

/* Set by a report, consumed by the abort that follows it. */
static bool unwind_ok;

void z_arm_fault_unwind_allow(bool ok)
{
	unwind_ok = ok;
}

bool z_arm_fault_unwind_ok(void)
{
	uint32_t exc = cm_ipsr();
	bool ok = unwind_ok && exc >= 3U && exc <= 6U;

	unwind_ok = false;
	return ok;
}

/*
 * PSP while leaving: a harmless frame in kernel memory, in case the core
 * unstacks before it takes PendSV (QEMU does; hardware tail-chains), with
 * room below it for PendSV's own frame and saved registers.
 */
static uint32_t unwind_stack[32] __aligned(8);

static void unwind_wait(void)
{
	for (;;) {
		/* PendSV is pending and unmasked: it runs before this loop does */
	}
}

FUNC_NORETURN void z_arm_fault_unwind(void)
{
	struct cm_hw_frame *f = (struct cm_hw_frame *)&unwind_stack[24];

	*f = (struct cm_hw_frame){ .pc = (uint32_t)(uintptr_t)unwind_wait & ~1U,
				   .xpsr = XPSR_THUMB };
	__asm__ volatile("msr psp, %0\n\t"
			 "msr control, %1\n\t"
			 "msr msp, %2\n\t"
			 "movs r0, #0\n\t"
			 "msr basepri, r0\n\t"
			 "isb\n\t"
			 "mvn lr, #2\n\t" /* EXC_RETURN 0xFFFFFFFD: thread mode, PSP */
			 "bx lr"
			 :
			 : "r"(f), "r"(CONTROL_KERNEL), "r"(((const uint32_t *)SCB_VTOR)[0]) /* the initial MSP */
			 : "r0", "memory");
	CODE_UNREACHABLE;
}
