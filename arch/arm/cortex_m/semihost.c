/*
 * Semihosting exit: QEMU (-semihosting-config enable=on) ends with `status`
 * as its own exit status. SYS_EXIT_EXTENDED (0x20) carries any status; plain
 * SYS_EXIT could only report 0 or 1.
 */
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

#define SYS_EXIT_EXTENDED 0x20U
#define ADP_STOPPED_APPLICATION_EXIT 0x20026U

FUNC_NORETURN void z_arm_semihost_exit(int status)
{
	uint32_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status };
	register uint32_t r0 __asm__("r0") = SYS_EXIT_EXTENDED;
	register uint32_t *r1 __asm__("r1") = block;

	if (IS_ENABLED(CONFIG_MPU_STACK_GUARD)) {
		/*
		 * Observed on QEMU 7.2: with main's guard loaded (main's stack
		 * begins with it) QEMU's read of `block` failed and it did not
		 * exit. The system halts anyway: the MPU goes off first.
		 */
		MPU_CTRL = 0U;
		__asm__ volatile("dsb\n\tisb" ::: "memory");
	}
	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	/* Without semihosting there is nobody to tell: stop here. */
	for (;;) {
		__asm__ volatile("wfi");
	}
}

FUNC_NORETURN void port_halt(int status)
{
	__asm__ volatile("cpsid i" ::: "memory");
	z_arm_semihost_exit(status);
}
