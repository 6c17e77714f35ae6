/*
 * The ARMv7-M MPU for user mode (CONFIG_USERSPACE): the port's side of
 * memory domains (include/zephyr/zmem/port_userspace.h).
 *
 * Region map (8 regions; a higher number wins where regions overlap):
 *   0     code and read-only data, [0, 2^n) over the image's flash part:
 *         read and execute for everybody (programmed once at boot)
 *   1     the running user thread's stack: read/write, never execute
 *         (disabled while a supervisor thread runs)
 *   2..7  the running thread's memory domain, partition slot i in region
 *         2 + i (six partitions: arch_mem_domain_max_partitions_get())
 * Under CONFIG_MPU_STACK_GUARD region 7 is the running thread's stack guard
 * (mpu_guard.c; the highest region, so it wins over any partition that
 * overlaps it) and domains get regions 2..6: five partitions.
 * PRIVDEFENA keeps the default memory map for privileged code, so the
 * kernel, handlers and supervisor threads reach everything that no region
 * restricts; unprivileged code reaches only what the regions grant, and
 * anything else (kernel data, other stacks, other domains, devices) raises
 * MemManage.
 *
 * Each initialised domain owns a block of the 12 RBAR/RASR words of regions
 * 2..7, computed when a partition comes or goes, so a context switch only
 * stores them (one ldm/stm pair per two regions, through the RBAR/RASR
 * alias registers) and only when the incoming thread's domain differs from
 * the one loaded. Every word is checked when computed: the MPU silently
 * ignores a region whose base is not aligned to its size.
 */
#include <errno.h>
#include <string.h>
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/arch/arm/cortex_m/mpu.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

#define REGION_CODE 0U
#define REGION_STACK 1U
#define REGION_PART0 2U
#define MPU_REGIONS 8U
#ifdef CONFIG_MPU_STACK_GUARD
#define PART_REGIONS (CM_REGION_GUARD - REGION_PART0)
#else
#define PART_REGIONS (MPU_REGIONS - REGION_PART0)
#endif
#define PART_WORDS (2U * PART_REGIONS)

BUILD_ASSERT(PART_WORDS == (IS_ENABLED(CONFIG_MPU_STACK_GUARD) ? 10U : 12U),
	     "z_arm_mpu_load() stores the partition words in stm of four, four and four (two)");

/* AP field values (ARMv7-M PMSA): privileged / unprivileged rights. */
#define AP_NA_NA 0U
#define AP_RW_NA 1U
#define AP_RW_RO 2U
#define AP_RW_RW 3U
#define AP_RO_NA 5U
#define AP_RO_RO 6U
#define AP_NONE 0xFFU /* the rights cannot be expressed */

struct mpu_domain {
	uint32_t words[PART_WORDS]; /* RBAR, RASR of regions 2..7 */
	const struct k_mem_domain *owner;
};

static struct mpu_domain domain_pool[CONFIG_ARM_MPU_DOMAINS];

/* Partition regions disabled: a thread outside any domain (before the default one exists). */
static const uint32_t no_partitions[PART_WORDS] = {
	MPU_RBAR_VALID | 2U, 0U, MPU_RBAR_VALID | 3U, 0U, MPU_RBAR_VALID | 4U, 0U,
	MPU_RBAR_VALID | 5U, 0U, MPU_RBAR_VALID | 6U, 0U,
#ifndef CONFIG_MPU_STACK_GUARD
	MPU_RBAR_VALID | 7U, 0U,
#endif
};

/* What regions 2..7 and 1 hold now (the current thread's). */
static const uint32_t *loaded_partitions;
static bool stack_loaded;

/* The end of everything the image keeps in its code memory (linker script). */
extern char __zmem_rom_end[];

/*
 * AP for the read/write bits of a partition, indexed by
 * (U_W << 3) | (U_R << 2) | (P_W << 1) | P_R. Write implies read on this
 * MPU, and user rights never exceed privileged ones.
 */
static const uint8_t ap_of_rights[16] = {
	[0x0] = AP_NA_NA, [0x1] = AP_RO_NA, [0x3] = AP_RW_NA, [0x5] = AP_RO_RO,
	[0x7] = AP_RW_RO, [0xF] = AP_RW_RW, [0x2] = AP_NONE,  [0x4] = AP_NONE,
	[0x6] = AP_NONE,  [0x8] = AP_NONE,  [0x9] = AP_NONE,  [0xA] = AP_NONE,
	[0xB] = AP_NONE,  [0xC] = AP_NONE,  [0xD] = AP_NONE,  [0xE] = AP_NONE,
};

static unsigned int rights_index(k_mem_partition_attr_t a)
{
	return ((a & Z_MEM_ATTR_P_R) != 0U ? 1U : 0U) | ((a & Z_MEM_ATTR_P_W) != 0U ? 2U : 0U) |
	       ((a & Z_MEM_ATTR_U_R) != 0U ? 4U : 0U) | ((a & Z_MEM_ATTR_U_W) != 0U ? 8U : 0U);
}

/*
 * Execute is one bit (XN) for both privilege levels, and needs read access:
 * a side that can read gets execute exactly when the other side does.
 */
static bool exec_ok(k_mem_partition_attr_t a)
{
	bool p_x = (a & Z_MEM_ATTR_P_X) != 0U;
	bool u_x = (a & Z_MEM_ATTR_U_X) != 0U;

	if ((p_x && (a & Z_MEM_ATTR_P_R) == 0U) || (u_x && (a & Z_MEM_ATTR_U_R) == 0U)) {
		return false;
	}
	return p_x == u_x || (p_x ? (a & Z_MEM_ATTR_U_R) == 0U : (a & Z_MEM_ATTR_P_R) == 0U);
}

static bool region_ok(uintptr_t start, size_t size)
{
	return Z_ARM_MPU_SIZE_OK(size) && (start & (size - 1U)) == 0U;
}

static uint32_t size_field(size_t size)
{
	return MPU_RASR_SIZE(31U - (uint32_t)__builtin_clz((uint32_t)size));
}

/* Devices live at 0x40000000..0x5fffffff on both machines (and every Cortex-M). */
static uint32_t memory_type(uintptr_t start)
{
	return (start >= 0x40000000U && start < 0x60000000U) ? MPU_RASR_DEVICE : MPU_RASR_RAM;
}

int arch_mem_partition_check(const struct k_mem_partition *part)
{
	k_mem_partition_attr_t a = part->attr;

	if (!region_ok(part->start, part->size) ||
	    (a & ~(k_mem_partition_attr_t)0x3FU) != 0U ||
	    ap_of_rights[rights_index(a)] == AP_NONE || !exec_ok(a)) {
		return -EINVAL;
	}
	return 0;
}

/* Code and read-only data: region 0 lets every user thread read it, so kernel calls may too. */
bool arch_user_ro_range(const void *addr, size_t size)
{
	uintptr_t a = (uintptr_t)addr;
	uintptr_t end = (uintptr_t)__zmem_rom_end;

	return a < end && size <= end - a;
}

int arch_mem_domain_max_partitions_get(void)
{
	return MIN(CONFIG_MAX_DOMAIN_PARTITIONS, (int)PART_REGIONS);
}

static uint32_t *domain_words(const struct k_mem_domain *domain)
{
	return (uint32_t *)domain->arch.data[0];
}

/* Partition slot `slot` of `domain` into its region's words; -EINVAL if the MPU cannot. */
static int words_set(struct k_mem_domain *domain, uint32_t slot, bool enable)
{
	const struct k_mem_partition *p = &domain->partitions[slot];
	uint32_t *w = domain_words(domain) + 2U * slot;
	uint32_t region = REGION_PART0 + slot;

	if (slot >= PART_REGIONS || w == NULL) {
		return -EINVAL;
	}
	if (!enable) {
		w[0] = MPU_RBAR_VALID | region;
		w[1] = 0U;
		return 0;
	}
	if (arch_mem_partition_check(p) != 0) {
		return -EINVAL;
	}
	w[0] = (uint32_t)p->start | MPU_RBAR_VALID | region;
	w[1] = MPU_RASR_ENABLE | size_field(p->size) | memory_type(p->start) |
	       MPU_RASR_AP(ap_of_rights[rights_index(p->attr)]) |
	       (K_MEM_PARTITION_IS_EXECUTABLE(p->attr) ? 0U : MPU_RASR_XN);
	return 0;
}

/* The current thread belongs to `domain`: it must see the change before it next runs. */
static void reload_if_loaded(const struct k_mem_domain *domain)
{
	if (domain_words(domain) == loaded_partitions) {
		loaded_partitions = NULL;
		z_arm_user_switch_in(z_arm_running_thread());
		__asm__ volatile("isb" ::: "memory"); /* thread mode: no exception return to sync */
	}
}

int arch_mem_domain_init(struct k_mem_domain *domain)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(domain_pool); i++) {
		struct mpu_domain *d = &domain_pool[i];

		if (d->owner == NULL) {
			d->owner = domain;
			memcpy(d->words, no_partitions, sizeof(d->words));
			domain->arch.data[0] = (uintptr_t)d->words;
			return 0;
		}
	}
	return -ENOMEM;
}

int arch_mem_domain_partition_add(struct k_mem_domain *domain, uint32_t partition_id)
{
	int ret = words_set(domain, partition_id, true);

	if (ret == 0) {
		reload_if_loaded(domain);
	}
	return ret;
}

int arch_mem_domain_partition_remove(struct k_mem_domain *domain, uint32_t partition_id)
{
	int ret = words_set(domain, partition_id, false);

	if (ret == 0) {
		reload_if_loaded(domain);
	}
	return ret;
}

int arch_mem_domain_thread_add(struct k_thread *thread)
{
	if (thread == z_arm_running_thread()) {
		z_arm_user_switch_in(thread);
		__asm__ volatile("isb" ::: "memory");
	}
	return 0;
}

int arch_mem_domain_thread_remove(struct k_thread *thread)
{
	ARG_UNUSED(thread); /* it runs with its next domain's regions from its next switch-in */
	return 0;
}

int arch_mem_domain_deinit(struct k_mem_domain *domain)
{
	struct mpu_domain *d;

	if (domain_words(domain) == NULL) {
		return -EINVAL;
	}
	d = CONTAINER_OF(domain_words(domain), struct mpu_domain, words[0]);
	if (d->words == loaded_partitions) {
		loaded_partitions = NULL; /* no member runs, so nobody needs them loaded */
	}
	d->owner = NULL;
	domain->arch.data[0] = 0U;
	return 0;
}

/*
 * Load `domain`'s partitions (none for NULL) and the user stack region
 * (`stack_region`: its RBAR and RASR words; NULL disables region 1).
 * Called masked: from PendSV, or from thread context with interrupts
 * locked. 2 + 12 stores (8 instructions) when the domain changes, 2
 * otherwise, none between supervisor threads of one domain.
 */
void z_arm_mpu_load(const struct k_mem_domain *domain, const uint32_t *stack_region)
{
	const uint32_t *w = (domain != NULL && domain_words(domain) != NULL) ? domain_words(domain)
									       : no_partitions;

	if (stack_region != NULL) {
		MPU_RBAR = stack_region[0];
		MPU_RASR = stack_region[1];
		stack_loaded = true;
	} else if (stack_loaded) {
		MPU_RBAR = MPU_RBAR_VALID | REGION_STACK;
		MPU_RASR = 0U;
		stack_loaded = false;
	} else if (w == loaded_partitions) {
		return; /* supervisor to supervisor in one domain: nothing to store */
	}
	if (w != loaded_partitions) {
		const uint32_t *src = w;

		loaded_partitions = w;
#ifdef CONFIG_MPU_STACK_GUARD
		__asm__ volatile("ldmia %0!, {r0-r3}\n\t"
				 "stmia %1, {r0-r3}\n\t"
				 "ldmia %0!, {r0-r3}\n\t"
				 "stmia %1, {r0-r3}\n\t"
				 "ldmia %0!, {r0-r1}\n\t"
				 "stmia %1, {r0-r1}"
				 : "+r"(src)
				 : "r"(MPU_RBAR_ADDR)
				 : "r0", "r1", "r2", "r3", "memory");
#else
		__asm__ volatile("ldmia %0!, {r0-r3}\n\t"
				 "stmia %1, {r0-r3}\n\t"
				 "ldmia %0!, {r0-r3}\n\t"
				 "stmia %1, {r0-r3}\n\t"
				 "ldmia %0!, {r0-r3}\n\t"
				 "stmia %1, {r0-r3}"
				 : "+r"(src)
				 : "r"(MPU_RBAR_ADDR)
				 : "r0", "r1", "r2", "r3", "memory");
#endif
	}
	__asm__ volatile("dsb" ::: "memory"); /* before the incoming thread's first access */
}

/*
 * Boot: region 0 over the code and read-only data, the others off, then
 * the MPU on with the default map for privileged code. Halts on a CPU
 * without the 8 regions this layout needs.
 */
void z_arm_mpu_init(void)
{
	uint32_t regions = (MPU_TYPE >> 8) & 0xFFU;
	uint32_t rom = Z_ARM_MPU_POW2((uint32_t)(uintptr_t)__zmem_rom_end);

	if (regions < MPU_REGIONS) {
		printk("zmem: USERSPACE needs an MPU with %u regions, this CPU has %u\n",
		       (unsigned int)MPU_REGIONS, (unsigned int)regions);
		port_halt(ZMEM_EXIT_FATAL);
	}
	MPU_CTRL = 0U;
	for (uint32_t r = 0; r < regions; r++) {
		MPU_RBAR = MPU_RBAR_VALID | r;
		MPU_RASR = 0U;
	}
	MPU_RBAR = 0U | MPU_RBAR_VALID | REGION_CODE;
	MPU_RASR = MPU_RASR_ENABLE | size_field(rom) | MPU_RASR_ROM | MPU_RASR_AP(AP_RO_RO);
	loaded_partitions = NULL;
	stack_loaded = false;
	z_arm_mpu_load(NULL, NULL);
	MPU_CTRL = MPU_CTRL_PRIVDEFENA | MPU_CTRL_ENABLE;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}
