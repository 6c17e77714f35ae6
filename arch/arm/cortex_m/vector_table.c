/*
 * The vector table at address 0: the initial (interrupt) stack pointer, the
 * reset entry, the system exceptions and the device interrupts. zmem enables
 * no device interrupt, so every one of them is reported as spurious.
 */
#include <stdint.h>
#include <zephyr/toolchain.h>

#include "cortex_m.h"

/*
 * Interrupt (MSP) stack: exception handlers, irq_offload routines and the
 * kernel's tick processing run on it. 2 KiB covers printk from a fault
 * handler plus an offloaded allocation (measured use is below 700 bytes).
 */
#define ISR_STACK_SIZE 2048U
char z_arm_interrupt_stack[ISR_STACK_SIZE] __aligned(8) __attribute__((section(".noinit")));

/* 16 system entries plus the device interrupts QEMU's machines have (at most 48 here). */
#define DEVICE_IRQS 48

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used)) const vector_t z_arm_vector_table[16 + DEVICE_IRQS] = {
	[0] = (vector_t)(uintptr_t)(z_arm_interrupt_stack + ISR_STACK_SIZE),
	[1] = z_arm_reset,
	[2] = z_arm_fault_isr,  /* NMI */
	[3] = z_arm_fault_isr,  /* HardFault */
	[4] = z_arm_fault_isr,  /* MemManage */
	[5] = z_arm_fault_isr,  /* BusFault */
	[6] = z_arm_fault_isr,  /* UsageFault */
	[7 ... 10] = z_arm_spurious_isr,
#ifdef CONFIG_USERSPACE
	[11] = z_arm_svc_entry, /* kernel calls from user mode, then irq_offload */
#else
	[11] = z_arm_svc_isr,
#endif
	[12] = z_arm_spurious_isr, /* DebugMonitor */
	[13] = z_arm_spurious_isr,
	[14] = z_arm_pendsv_isr,
	[15] = z_arm_systick_isr,
	[16 ... 16 + DEVICE_IRQS - 1] = z_arm_spurious_isr,
};
