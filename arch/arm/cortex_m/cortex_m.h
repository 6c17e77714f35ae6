/*
 * Cortex-M (ARMv7-M) system registers and the port's internal interface.
 * Private to arch/arm/cortex_m.
 */
#ifndef ZMEM_ARCH_ARM_CORTEX_M_H_
#define ZMEM_ARCH_ARM_CORTEX_M_H_

#include <stdint.h>
#include <zephyr/toolchain.h>
#include <zephyr/zmem/port.h>

#define CM_REG(addr) (*(volatile uint32_t *)(addr))

/* System control block */
#define SCB_ICSR CM_REG(0xE000ED04)
#define SCB_ICSR_PENDSVSET (1U << 28)
#define SCB_ICSR_PENDSTSET (1U << 26)
#define SCB_VTOR CM_REG(0xE000ED08)
#define SCB_CCR CM_REG(0xE000ED14)
#define SCB_SHPR2 CM_REG(0xE000ED1C) /* SVCall priority in bits 31:24 */
#define SCB_SHPR3 CM_REG(0xE000ED20) /* SysTick 31:24, PendSV 23:16 */
#define SCB_SHCSR CM_REG(0xE000ED24)
#define SCB_SHCSR_FAULTS_ENA ((1U << 16) | (1U << 17) | (1U << 18)) /* Mem, Bus, Usage */
#define SCB_CFSR CM_REG(0xE000ED28)
#define SCB_HFSR CM_REG(0xE000ED2C)
#define SCB_MMFAR CM_REG(0xE000ED34)
#define SCB_BFAR CM_REG(0xE000ED38)
#define CFSR_MMARVALID (1U << 7)
#define CFSR_BFARVALID (1U << 15)

/* SysTick */
#define SYST_CSR CM_REG(0xE000E010)
#define SYST_RVR CM_REG(0xE000E014)
#define SYST_CVR CM_REG(0xE000E018)
#define SYST_CSR_ENABLE (1U << 0)
#define SYST_CSR_TICKINT (1U << 1)
#define SYST_CSR_CLKSOURCE_CPU (1U << 2)

/*
 * Exception priorities (upper bits significant: QEMU's lm3s6965 implements 3).
 * SVCall (irq_offload) stays above the lock level so that it can be raised
 * with interrupts locked; PendSV is the lowest so that a context switch only
 * ever interrupts thread mode.
 */
#define CM_PRIO_SVC 0x00U
#define CM_PRIO_SYSTICK 0x40U
#define CM_PRIO_PENDSV 0xE0U
/* BASEPRI while locked: masks SysTick and PendSV (priority >= 0x40). */
#define CM_LOCK_LEVEL Z_ARM_LOCK_LEVEL

static inline uint32_t cm_ipsr(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, ipsr" : "=r"(v));
	return v & 0x1FFU;
}

/* Implemented by the port's files. */
void z_arm_clock_init(void);
void z_arm_console_init(void);
FUNC_NORETURN void z_arm_semihost_exit(int status);
void z_arm_systick_isr(void);
void z_arm_svc_isr(void);
void z_arm_pendsv_isr(void);
void z_arm_fault_isr(void);
void z_arm_spurious_isr(void);
void z_arm_reset(void);

extern char z_arm_interrupt_stack[];

#endif /* ZMEM_ARCH_ARM_CORTEX_M_H_ */
