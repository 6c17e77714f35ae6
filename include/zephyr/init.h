/*
 * SYS_INIT: functions the kernel runs before main(), by level, then by
 * priority (lower first); entries of equal priority run in an unspecified
 * order, as in Zephyr. Levels, in order: EARLY,
 * PRE_KERNEL_1, PRE_KERNEL_2, POST_KERNEL, APPLICATION. Statically defined
 * kernel objects (K_HEAP_DEFINE, K_MEM_SLAB_DEFINE, ...) are ready by the end
 * of PRE_KERNEL_1.
 */
#ifndef ZEPHYR_INCLUDE_INIT_H_
#define ZEPHYR_INCLUDE_INIT_H_

#include <zephyr/sys/iterable_sections.h>
#include <zephyr/toolchain.h>

enum z_init_level {
	Z_INIT_LEVEL_EARLY,
	Z_INIT_LEVEL_PRE_KERNEL_1,
	Z_INIT_LEVEL_PRE_KERNEL_2,
	Z_INIT_LEVEL_POST_KERNEL,
	Z_INIT_LEVEL_APPLICATION,
	Z_INIT_LEVEL_COUNT,
};

struct init_entry {
	int (*init_fn)(void);
	const char *name;
	unsigned char level;
	short priority;
};

/* Runs every entry of `level`; a failing entry is reported and skipped. */
void z_sys_init_run_level(enum z_init_level level);

#define SYS_INIT(init_fn, level, prio) SYS_INIT_NAMED(init_fn, init_fn, level, prio)

#define SYS_INIT_NAMED(name_, init_fn_, level_, prio)                              \
	static const STRUCT_SECTION_ITERABLE(init_entry, _CONCAT(__init_, name_)) = { \
		.init_fn = (init_fn_),                                             \
		.name = #name_,                                                    \
		.level = Z_INIT_LEVEL_##level_,                                    \
		.priority = (prio),                                                \
	}

#endif /* ZEPHYR_INCLUDE_INIT_H_ */
