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
