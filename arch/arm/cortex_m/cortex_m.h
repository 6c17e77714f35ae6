/*
 * Cortex-M (ARMv7-M) system registers and the port's internal interface.
 * Private to arch/arm/cortex_m.
 */
#ifndef ZMEM_ARCH_ARM_CORTEX_M_H_
#define ZMEM_ARCH_ARM_CORTEX_M_H_

#include <stdint.h>
#include <zephyr/kernel_structs.h>
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
#define CFSR_MSTKERR (1U << 4)   /* MemManage while stacking the exception frame */
#define CFSR_MUNSTKERR (1U << 3) /* MemManage while unstacking it */
#define CFSR_IACCVIOL (1U << 0)  /* instruction fetch from a forbidden region */
#define SCB_ICSR_RETTOBASE (1U << 11) /* no other exception is active */

/* MPU (ARMv7-M PMSA). The three alias pairs after RBAR/RASR let one stm program four regions. */
#define MPU_TYPE CM_REG(0xE000ED90)
#define MPU_CTRL CM_REG(0xE000ED94)
#define MPU_RBAR CM_REG(0xE000ED9C)
#define MPU_RASR CM_REG(0xE000EDA0)
#define MPU_RBAR_ADDR 0xE000ED9CU
#define MPU_CTRL_ENABLE (1U << 0)
#define MPU_CTRL_PRIVDEFENA (1U << 2) /* privileged code keeps the default map */
#define MPU_RBAR_VALID (1U << 4)      /* this write also selects the region in bits 3:0 */
#define MPU_RASR_ENABLE (1U << 0)
#define MPU_RASR_SIZE(log2) (((log2) - 1U) << 1)
#define MPU_RASR_AP(ap) ((uint32_t)(ap) << 24)
#define MPU_RASR_XN (1U << 28)
/* Memory types: normal write-back RAM, normal write-through ROM, shareable device. */
#define MPU_RASR_RAM ((1U << 19) | (1U << 17) | (1U << 16)) /* TEX 001, C, B */
#define MPU_RASR_ROM (1U << 17)                             /* TEX 000, C */
#define MPU_RASR_DEVICE ((1U << 18) | (1U << 16))           /* TEX 000, S, B */

/* CONTROL: thread mode on PSP, privileged (kernel) or not (user). */
#define CONTROL_NPRIV (1U << 0)
#define CONTROL_SPSEL (1U << 1)
#define CONTROL_KERNEL CONTROL_SPSEL
#define CONTROL_USER (CONTROL_SPSEL | CONTROL_NPRIV)

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

static inline uint32_t cm_control(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, control" : "=r"(v));
	return v;
}

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

/* The frame the core pushes on exception entry. */
struct cm_hw_frame {
	uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
};

#define XPSR_THUMB (1U << 24)
#define XPSR_FRAME_PADDED (1U << 9) /* the core added a word to align the frame to 8 */

/*
 * User mode (CONFIG_USERSPACE, userspace.c and mpu.c). Only referenced under
 * IS_ENABLED(CONFIG_USERSPACE), so builds without it neither compile nor
 * link these.
 */
struct k_mem_domain;
void z_arm_mpu_init(void);
void z_arm_mpu_load(const struct k_mem_domain *domain, const uint32_t *stack_region);
void z_arm_svc_entry(void);
#ifdef CONFIG_USERSPACE
static inline bool cm_is_user_thread(const struct k_thread *t)
{
	return t->arch_user != NULL;
}
#else
static inline bool cm_is_user_thread(const struct k_thread *t)
{
	ARG_UNUSED(t);
	return false;
}
#endif
/*
 * The thread whose context the CPU holds (the current thread in thread
 * context). Unlike k_current_get(), usable while the kernel boots and from
 * any handler, at the cost of a call.
 */
struct k_thread *z_arm_running_thread(void);
/* A new thread (or main) starts as a supervisor thread. */
void z_arm_user_thread_init(struct k_thread *thread);
/* PendSV: program the MPU and CONTROL for `thread`, which runs next. */
void z_arm_user_switch_in(struct k_thread *thread);
/* `thread` is dead: give its user-mode slot back (no effect on a supervisor thread). */
void z_arm_user_release(struct k_thread *thread);
/* False when a user thread's saved stack pointer `sp` shows an overflow. */
bool z_arm_user_stack_ok(const struct k_thread *thread, uintptr_t sp);
/* The fault came from a user thread in user mode: print what it hit. */
void z_arm_user_fault_report(const struct cm_hw_frame *esf, uint32_t cfsr);
/* The fault being reported may abort its thread and go on (only this fault is active). */
void z_arm_fault_unwind_allow(bool ok);
/* From a fault handler: may it abort the faulting thread and go on? (once per report) */
bool z_arm_fault_unwind_ok(void);
/* Leave the fault handler for PendSV, which switches to the thread already chosen. */
FUNC_NORETURN void z_arm_fault_unwind(void);
/* The stack region that holds `addr`'s thread stack, for fault reports; NULL if none. */
struct k_thread *z_arm_user_stack_owner(uintptr_t addr);

/*
 * MPU stack guards (CONFIG_MPU_STACK_GUARD, mpu_guard.c): region 7, 32
 * bytes with no access and never executable, just below the running
 * thread's stack_info.start (the stack macros reserve and align it).
 * Region 7 is the highest, so the guard wins over any partition or user
 * stack region that overlaps it.
 */
#define CM_REGION_GUARD 7U
#define CM_GUARD_SIZE 32U
#define CM_GUARD_RASR (MPU_RASR_ENABLE | MPU_RASR_SIZE(5U) | MPU_RASR_XN | MPU_RASR_RAM)

/* Program `t`'s guard (2 stores); the caller orders it with dsb before `t` runs. */
static inline void cm_guard_load(const struct k_thread *t)
{
	uint32_t guard = (uint32_t)t->stack_info.start - CM_GUARD_SIZE;

	MPU_RBAR = guard | MPU_RBAR_VALID | CM_REGION_GUARD;
	MPU_RASR = CM_GUARD_RASR;
}

/* Boot: the MPU on with main's guard (after z_arm_mpu_init() under USERSPACE). */
void z_arm_mpu_guard_init(const struct k_thread *main_thread);
/*
 * `thread`'s stack object is [stack, stack + 32 + size) with the guard
 * first: point stack_info at the part above the guard (an object not
 * aligned to 32 loses up to 31 bytes so that the guard is aligned).
 */
void z_arm_guard_stack_set(struct k_thread *thread, uintptr_t stack, size_t size);
/*
 * From the fault handler: when the fault is the running thread's stack
 * running into its guard, report a stack overflow and raise
 * K_ERR_STACK_CHK_FAIL (returns only if it is not such a fault).
 */
void z_arm_guard_fault(const struct cm_hw_frame *esf, uint32_t exc_return, uint32_t cfsr);

/*
 * main's stack (reset.c). Under MPU_STACK_GUARD it starts with the 32-byte
 * guard; under USERSPACE too and a power-of-two CONFIG_MAIN_STACK_SIZE the
 * guard is carved out of the block (so one region still covers the stack
 * and main may enter user mode), otherwise it comes on top.
 */
#if defined(CONFIG_MPU_STACK_GUARD) && defined(CONFIG_USERSPACE)
#define CM_MAIN_STACK_POW2                                                                        \
	(CONFIG_MAIN_STACK_SIZE >= 64 &&                                                          \
	 (CONFIG_MAIN_STACK_SIZE & (CONFIG_MAIN_STACK_SIZE - 1)) == 0)
#else
#define CM_MAIN_STACK_POW2 0
#endif
#if defined(CONFIG_MPU_STACK_GUARD) && !CM_MAIN_STACK_POW2
#define CM_MAIN_STACK_LEN (CONFIG_MAIN_STACK_SIZE + 32)
#else
#define CM_MAIN_STACK_LEN CONFIG_MAIN_STACK_SIZE
#endif

#endif /* ZMEM_ARCH_ARM_CORTEX_M_H_ */
