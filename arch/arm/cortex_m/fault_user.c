/*
 * Faults of user threads (CONFIG_USERSPACE): what the stray access hit,
 * and how the fault handler hands the CPU on once the kernel has aborted
 * the thread.
 *
 * A user thread in user mode holds no kernel lock and is in no kernel
 * structure half-way, so when the application's fatal-error handler
 * returns, aborting it and going on is safe. The abort ends in
 * arch_switch_exit() inside the fault handler; z_arm_fault_unwind()
 * (fault_unwind.c) then leaves the handler as if it returned, straight into
 * the pending PendSV, which switches to the thread the kernel chose. A fault in privileged code
 * (the kernel, a supervisor thread, a user thread inside a kernel call)
 * keeps the old rule: the port halts if the handler returns.
 */
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

extern char __zmem_rom_end[];
extern char __zmem_sram_start[], __zmem_sram_end[];

/*
 * Load or store, from the Thumb encoding at `pc` (a MemManage data fault is
 * precise: the stacked PC is the faulting instruction). NULL when the
 * instruction is not a load or a store.
 */
static const char *access_kind(uintptr_t pc)
{
	uint32_t hw = *(const uint16_t *)(pc & ~1U);
	uint32_t top5 = hw >> 11;

	if (top5 >= 0x1DU) { /* 32-bit: load/store single (F8xx-F9xx) or multiple/dual (E8xx-E9xx) */
		if ((hw & 0xFE00U) == 0xF800U || (hw & 0xFE00U) == 0xE800U) {
			return (hw & 0x0010U) != 0U ? "read" : "write";
		}
		return NULL;
	}
	switch (hw >> 12) {
	case 0x5: /* register offset: STR, STRH, STRB, then the loads */
		return ((hw >> 9) & 7U) <= 2U ? "write" : "read";
	case 0x6: /* immediate offset (word, byte, halfword), SP-relative; bit 11 = load */
	case 0x7:
	case 0x8:
	case 0x9:
	case 0xC: /* STM / LDM */
		return (hw & 0x0800U) != 0U ? "read" : "write";
	case 0x4:
		return (hw & 0xF800U) == 0x4800U ? "read" : NULL; /* LDR literal */
	case 0xB:
		if ((hw & 0xFE00U) == 0xB400U) {
			return "write"; /* PUSH */
		}
		return (hw & 0xFE00U) == 0xBC00U ? "read" : NULL; /* POP */
	default:
		return NULL;
	}
}

/* An access this far below a user stack is taken for an overflow (a frame of 64 words). */
#define STACK_SLACK 256U

/* What `addr` is, from `t`'s point of view. */
static void describe(const struct k_thread *t, uintptr_t addr)
{
	const struct k_mem_domain *domain = NULL;
	const struct k_mem_partition *p = z_mem_partition_find(addr, &domain);
	const struct k_thread *owner;

	if (addr < t->stack_info.start && t->stack_info.start - addr <= STACK_SLACK) {
		printk("just below its own stack: a stack overflow\n");
	} else if (p != NULL) {
		printk("partition 0x%08x+%u (attr 0x%02x) ", (unsigned int)p->start,
		       (unsigned int)p->size, (unsigned int)p->attr);
		if (domain == NULL) {
			printk("in no domain\n");
		} else {
			printk("of %s domain %p\n",
			       domain == t->mem_domain_info.mem_domain ? "its own" : "another",
			       (const void *)domain);
		}
	} else if ((owner = z_arm_user_stack_owner(addr)) != NULL) {
		printk("stack of %s %p (%s)\n", owner == t ? "itself," : "thread", (const void *)owner,
		       owner->name);
	} else if (addr >= (uintptr_t)__zmem_sram_start && addr < (uintptr_t)__zmem_sram_end) {
		printk("kernel memory\n");
	} else if (addr < (uintptr_t)__zmem_rom_end) {
		printk("code and read-only data\n");
	} else {
		printk("nothing the thread may use\n");
	}
}

void z_arm_user_fault_report(const struct cm_hw_frame *esf, uint32_t cfsr)
{
	struct k_thread *t = z_arm_running_thread();
	/* After a stacking error the frame (and so the PC) is not there to read. */
	bool framed = (cfsr & CFSR_MSTKERR) == 0U;
	const char *kind = framed ? access_kind(esf->pc) : NULL;

	printk("  user thread %p (%s) ", (void *)t, t->name);
	if ((cfsr & CFSR_MMARVALID) != 0U) {
		uintptr_t addr = SCB_MMFAR;

		printk("%s 0x%08x", kind != NULL ? kind : "access to", (unsigned int)addr);
		if (framed) {
			printk(" at PC 0x%08x", (unsigned int)esf->pc);
		}
		printk(": ");
		describe(t, addr);
	} else if (framed && (cfsr & CFSR_IACCVIOL) != 0U) {
		printk("jumped to 0x%08x: ", (unsigned int)esf->pc);
		describe(t, esf->pc);
	} else if (framed) {
		printk("faulted at PC 0x%08x\n", (unsigned int)esf->pc);
	} else {
		printk("faulted\n");
	}
	if (!framed) {
		printk("  no room for the exception frame at 0x%08x: the PC above is not valid\n",
		       (unsigned int)(uintptr_t)esf);
	}
	/* Sticky bits: clear them so that the next fault reports only its own. */
	SCB_CFSR = cfsr;
	SCB_HFSR = SCB_HFSR;
	/* Only this fault is active (it came from thread mode): its handler can be left for good. */
	z_arm_fault_unwind_allow((SCB_ICSR & SCB_ICSR_RETTOBASE) != 0U);
}
