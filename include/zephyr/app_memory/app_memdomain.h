/*
 * Application memory partitions (Zephyr's <zephyr/app_memory/app_memdomain.h>).
 *
 *   K_APPMEM_PARTITION_DEFINE(my_part);
 *   K_APP_DMEM(my_part) int counter = 5;      initialised, in my_part
 *   K_APP_BMEM(my_part) char buf[100];        zeroed at boot, in my_part
 *
 * The build gathers each partition's globals into one region that the port
 * can protect: aligned and padded to 4096 bytes on native_sim, to a power of
 * two of at least 32 bytes on the ARM MPU boards (scripts/relocate/app_smem.py
 * writes the linker-script fragment from the compiled objects' sections).
 * `my_part` is a struct k_mem_partition with user read/write rights, ready for
 * k_mem_domain_add_partition(). Without CONFIG_USERSPACE the globals stay in
 * .data / .bss and the partition is not defined, as in Zephyr.
 */
#ifndef ZEPHYR_INCLUDE_APP_MEMORY_APP_MEMDOMAIN_H_
#define ZEPHYR_INCLUDE_APP_MEMORY_APP_MEMDOMAIN_H_

#include <stddef.h>
#include <stdint.h>
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/sys/iterable_sections.h>
#include <zephyr/toolchain.h>

#ifdef CONFIG_USERSPACE

#define K_APP_DMEM_SECTION(id) "data_smem_" STRINGIFY(id) "_data"
#define K_APP_BMEM_SECTION(id) "data_smem_" STRINGIFY(id) "_bss"

/* Place the global that follows in partition `id` (initialised / zeroed). */
#define K_APP_DMEM(id) __attribute__((section(K_APP_DMEM_SECTION(id))))
#define K_APP_BMEM(id) __attribute__((section(K_APP_BMEM_SECTION(id))))

/*
 * The linker script defines, per partition: _part_start and _part_size (the
 * whole aligned region), _bss_start and _bss_size (the zeroed part). Sizes
 * are absolute symbols: their address is the value.
 *
 * The empty `data_smem_<name>_data` section emitted here makes the partition
 * visible to the fragment generator even when no global is placed in it, so
 * that an unused partition still links (as an empty, minimum-size region).
 */
#define K_APPMEM_PARTITION_DEFINE(name)                                                           \
	extern char z_data_smem_##name##_part_start[];                                            \
	extern char z_data_smem_##name##_part_size[];                                             \
	extern char z_data_smem_##name##_bss_start[];                                             \
	extern char z_data_smem_##name##_bss_size[];                                              \
	__asm__(".pushsection " K_APP_DMEM_SECTION(name) ",\"aw\"\n\t.popsection");               \
	STRUCT_SECTION_ITERABLE(k_mem_partition, name) = {                                        \
		(uintptr_t)z_data_smem_##name##_part_start,                                       \
		(size_t)(uintptr_t)z_data_smem_##name##_part_size, K_MEM_PARTITION_P_RW_U_RW}

#else /* !CONFIG_USERSPACE */

#define K_APP_DMEM_SECTION(id) ".data"
#define K_APP_BMEM_SECTION(id) ".bss"
#define K_APP_DMEM(id)
#define K_APP_BMEM(id)
#define K_APPMEM_PARTITION_DEFINE(name)

#endif /* CONFIG_USERSPACE */

#endif /* ZEPHYR_INCLUDE_APP_MEMORY_APP_MEMDOMAIN_H_ */
