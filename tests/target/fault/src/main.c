/*
 * The Cortex-M fault path: a thread named "faulty" faults, the port prints
 * the fault (kind, CFSR, MMFAR, PC, LR, thread) and the run ends with
 * ZMEM_EXIT_FATAL (3).
 *   mps2_an385: a write to an MPU region without access: MemManage,
 *     CFSR 0x82 (DACCVIOL | MMARVALID), MMFAR = the address.
 *   qemu_cortex_m3 (which has the same MPU): an undefined instruction with
 *     UsageFault disabled, so it escalates to HardFault (HFSR FORCED) and
 *     CFSR still says UNDEFINSTR. One board each keeps both paths tested.
 * Cortex-M boards only.
 */
#include <zephyr/kernel.h>

#define REG(a) (*(volatile uint32_t *)(a))
#define SHCSR REG(0xE000ED24)
#define MPU_CTRL REG(0xE000ED94)
#define MPU_RNR REG(0xE000ED98)
#define MPU_RBAR REG(0xE000ED9C)
#define MPU_RASR REG(0xE000EDA0)

#define FORBIDDEN 0x20100000U

static void mpu_fault(void)
{
	/* Region 0: 32 bytes (SIZE field 4), AP = 000 (no access), enabled. */
	MPU_RNR = 0U;
	MPU_RBAR = FORBIDDEN;
	MPU_RASR = (4U << 1) | 1U;
	MPU_CTRL = (1U << 2) | 1U; /* PRIVDEFENA | ENABLE */
	__asm__ volatile("dsb\n\tisb" ::: "memory");
	REG(FORBIDDEN) = 0xdeadbeefU;
}

static void undefined_instruction(void)
{
	SHCSR &= ~(1U << 18); /* USGFAULTENA off: escalate to HardFault */
	__asm__ volatile("dsb\n\tisb\n\tudf #0" ::: "memory");
}

static void faulty(void *p1, void *p2, void *p3)
{
	if (IS_ENABLED(CONFIG_BOARD_MPS2_AN385)) {
		printk("fault test on %s: write to an MPU no-access region at 0x%08x\n",
		       CONFIG_BOARD, FORBIDDEN);
		mpu_fault();
	} else {
		printk("fault test on %s: undefined instruction, UsageFault disabled\n",
		       CONFIG_BOARD);
		undefined_instruction();
	}
	printk("not reached\n");
}

K_THREAD_STACK_DEFINE(faulty_stack, 1024);
static struct k_thread faulty_thread;

int main(void)
{
	k_tid_t t = k_thread_create(&faulty_thread, faulty_stack,
				    K_THREAD_STACK_SIZEOF(faulty_stack), faulty, NULL, NULL, NULL,
				    K_PRIO_PREEMPT(1), 0, K_FOREVER);

	k_thread_name_set(t, "faulty");
	k_thread_start(t);
	k_thread_join(t, K_FOREVER);
	printk("not reached either\n");
	return 0;
}
