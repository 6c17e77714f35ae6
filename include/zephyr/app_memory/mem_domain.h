/*
 * Memory partitions and memory domains (Zephyr's <zephyr/app_memory/mem_domain.h>).
 *
 * A partition is a memory range with access rights for supervisor (P_) and
 * user (U_) mode. A domain is a set of partitions; every thread belongs to
 * exactly one domain (k_mem_domain_default unless moved), and a user thread
 * may touch only its domain's partitions and its own stack. The kernel keeps
 * the books (kernel/mem_domain.c); the port enforces them (the MPU on the ARM
 * boards, page protection on native_sim). See docs/userspace.md.
 *
 * Without CONFIG_USERSPACE only the types and attribute macros exist, so that
 * code that defines partitions still compiles.
 */
#ifndef ZEPHYR_INCLUDE_APP_MEMORY_MEM_DOMAIN_H_
#define ZEPHYR_INCLUDE_APP_MEMORY_MEM_DOMAIN_H_

#include <stddef.h>
#include <stdint.h>
#include <zephyr/kernel_structs.h>
#include <zephyr/sys/iterable_sections.h>
#include <zephyr/sys/util.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef CONFIG_MAX_DOMAIN_PARTITIONS
#define CONFIG_MAX_DOMAIN_PARTITIONS 16
#endif

/*
 * Access rights, one portable encoding for every zmem port (Zephyr leaves the
 * type to the architecture and applications use only the macros below). Each
 * port translates it: MPU AP/XN bits on ARMv7-M, PROT_* bits on native_sim.
 */
typedef uint32_t k_mem_partition_attr_t;

#define Z_MEM_ATTR_P_R BIT(0)
#define Z_MEM_ATTR_P_W BIT(1)
#define Z_MEM_ATTR_P_X BIT(2)
#define Z_MEM_ATTR_U_R BIT(3)
#define Z_MEM_ATTR_U_W BIT(4)
#define Z_MEM_ATTR_U_X BIT(5)

#define K_MEM_PARTITION_P_NA_U_NA 0U
#define K_MEM_PARTITION_P_RW_U_RW (Z_MEM_ATTR_P_R | Z_MEM_ATTR_P_W | Z_MEM_ATTR_U_R | Z_MEM_ATTR_U_W)
#define K_MEM_PARTITION_P_RW_U_RO (Z_MEM_ATTR_P_R | Z_MEM_ATTR_P_W | Z_MEM_ATTR_U_R)
#define K_MEM_PARTITION_P_RW_U_NA (Z_MEM_ATTR_P_R | Z_MEM_ATTR_P_W)
#define K_MEM_PARTITION_P_RO_U_RO (Z_MEM_ATTR_P_R | Z_MEM_ATTR_U_R)
#define K_MEM_PARTITION_P_RO_U_NA (Z_MEM_ATTR_P_R)
#define K_MEM_PARTITION_P_RWX_U_RWX (K_MEM_PARTITION_P_RW_U_RW | Z_MEM_ATTR_P_X | Z_MEM_ATTR_U_X)
#define K_MEM_PARTITION_P_RWX_U_RX \
	(Z_MEM_ATTR_P_R | Z_MEM_ATTR_P_W | Z_MEM_ATTR_P_X | Z_MEM_ATTR_U_R | Z_MEM_ATTR_U_X)
#define K_MEM_PARTITION_P_RX_U_RX (Z_MEM_ATTR_P_R | Z_MEM_ATTR_P_X | Z_MEM_ATTR_U_R | Z_MEM_ATTR_U_X)

#define K_MEM_PARTITION_IS_WRITABLE(attr) (((attr) & (Z_MEM_ATTR_P_W | Z_MEM_ATTR_U_W)) != 0U)
#define K_MEM_PARTITION_IS_EXECUTABLE(attr) (((attr) & (Z_MEM_ATTR_P_X | Z_MEM_ATTR_U_X)) != 0U)

/* A memory range and its rights. size == 0 marks a free slot in a domain. */
struct k_mem_partition {
	uintptr_t start;
	size_t size;
	k_mem_partition_attr_t attr;
};

/*
 * Port-side per-domain state (for example the precomputed MPU region words);
 * the port defines its content in its own header, or leaves it empty.
 */
struct arch_mem_domain {
	uintptr_t data[2];
};

struct k_mem_domain {
	struct arch_mem_domain arch;
	/* Slot i is in use iff partitions[i].size != 0. */
	struct k_mem_partition partitions[CONFIG_MAX_DOMAIN_PARTITIONS];
	/* The member threads, linked through thread->mem_domain_info.node. */
	struct z_dnode mem_domain_q;
	/* Number of slots in use. */
	uint8_t num_partitions;
};

/*
 * Define partition `name` over [start, start + size) with rights `attr`. The
 * port's alignment rules are checked when the partition joins a domain
 * (-EINVAL), and at build time where the port can (the ARM MPU boards check
 * that a constant size is a power of two of at least 32). The definition
 * also lands in the iterable section `k_mem_partition`, so that a port can
 * close every statically defined partition to user threads at boot, whether
 * or not a domain holds it.
 */
#ifndef Z_ARCH_MEM_PARTITION_ALIGN_CHECK
#define Z_ARCH_MEM_PARTITION_ALIGN_CHECK(start, size)
#endif
#define K_MEM_PARTITION_DEFINE(name, start, size, attr)                                          \
	Z_ARCH_MEM_PARTITION_ALIGN_CHECK(start, size);                                            \
	STRUCT_SECTION_ITERABLE(k_mem_partition, name) = {(uintptr_t)(start), (size), (attr)}

#ifdef CONFIG_USERSPACE

/* The domain of every thread that was not moved; holds the libc partition if any. */
extern struct k_mem_domain k_mem_domain_default;

/*
 * Every call below: thread context, supervisor mode only (from user mode it
 * is a kernel oops naming the call), serialised by one kernel lock; the
 * port hears of every change through its arch_mem_domain_*() hooks.
 */

/**
 * Initialise `domain` with `num_parts` partitions from `parts` (partition i in
 * slot i). Returns 0; -EINVAL for a NULL domain, num_parts > 0 with NULL
 * parts, more partitions than the port allows
 * (arch_mem_domain_max_partitions_get()), or a partition that fails the
 * checks of k_mem_domain_add_partition() (the domain then holds the ones
 * before it); -ENOMEM when the port cannot set it up. O(num_parts *
 * CONFIG_MAX_DOMAIN_PARTITIONS). Initialising a domain that has member
 * threads is undefined; after k_mem_domain_deinit() it is allowed.
 */
int k_mem_domain_init(struct k_mem_domain *domain, uint8_t num_parts,
		      struct k_mem_partition *parts[]);

/**
 * Add `part` to `domain` in its first free slot; member threads gain access
 * at once. Returns 0; -EINVAL for NULL arguments, size 0, a range that wraps
 * (or ends exactly at the top of the address space), an overlap with any
 * partition of the domain, both writable and executable with
 * CONFIG_EXECUTE_XOR_WRITE, or the port's alignment rules; -ENOSPC when no
 * slot is free; the port's error (the partition is then not added).
 * O(CONFIG_MAX_DOMAIN_PARTITIONS).
 */
int k_mem_domain_add_partition(struct k_mem_domain *domain, struct k_mem_partition *part);

/**
 * Remove the partition of `domain` with the same start and size as `part`
 * (attr is not compared; a free slot never matches); member threads lose
 * access at once. Returns 0, or the port's error (the slot is freed anyway);
 * -EINVAL for NULL arguments; -ENOENT when no slot matches.
 * O(CONFIG_MAX_DOMAIN_PARTITIONS).
 */
int k_mem_domain_remove_partition(struct k_mem_domain *domain, struct k_mem_partition *part);

/**
 * Move `thread` from its domain into `domain` (a no-op returning 0 if it is
 * there already). Returns 0, -EINVAL for NULL arguments, or the port's error.
 * O(1).
 */
int k_mem_domain_add_thread(struct k_mem_domain *domain, k_tid_t thread);

/**
 * Forget `domain` (it may be initialised again). Returns 0; -ENOTSUP without
 * CONFIG_ARCH_MEM_DOMAIN_SUPPORTS_DEINIT (USERSPACE selects it on every zmem
 * port); -EINVAL for NULL or k_mem_domain_default; -EBUSY while threads are
 * members; -ENOMEM when the port fails.
 */
int k_mem_domain_deinit(struct k_mem_domain *domain);

/**
 * Add all partitions of `thread`'s domain to `domain`, all or nothing.
 * Returns 0; -EINVAL for NULL arguments or an overlap (also with each
 * other: inheriting into the thread's own domain fails); -ENOSPC when they
 * do not all fit; the port's error. O(CONFIG_MAX_DOMAIN_PARTITIONS^2).
 */
int k_mem_domain_inherit_thread_partitions(struct k_mem_domain *domain, k_tid_t thread);

#endif /* CONFIG_USERSPACE */

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_APP_MEMORY_MEM_DOMAIN_H_ */
