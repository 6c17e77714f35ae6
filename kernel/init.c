/*
 * Boot: the sequence every port's entry point calls once the C runtime is
 * up (.data copied, .bss zeroed, relocations applied).
 */
#include <limits.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "include/ksched.h"

static const char *const level_names[Z_INIT_LEVEL_COUNT] = {
	"EARLY", "PRE_KERNEL_1", "PRE_KERNEL_2", "POST_KERNEL", "APPLICATION",
};

/* Smallest priority above `after` among entries of `level`; INT_MAX if none. */
static int next_priority(enum z_init_level level, int after)
{
	int best = INT_MAX;

	STRUCT_SECTION_FOREACH(init_entry, e) {
		if (e->level == level && e->priority > after && e->priority < best) {
			best = e->priority;
		}
	}
	return best;
}

/*
 * Entries are few (tens), so a quadratic walk by priority beats keeping a
 * sorted copy; entries of equal priority run in section order, which the
 * compiler and linker choose.
 */
void z_sys_init_run_level(enum z_init_level level)
{
	for (int prio = next_priority(level, INT_MIN); prio != INT_MAX;
	     prio = next_priority(level, prio)) {
		STRUCT_SECTION_FOREACH(init_entry, e) {
			if (e->level != level || e->priority != prio) {
				continue;
			}
			int ret = e->init_fn();

			if (ret != 0) {
				printk("init: %s (%s) failed: %d\n", e->name, level_names[level],
				       ret);
			}
		}
	}
}

/*
 * Bring the kernel up on the calling context, which becomes the main thread
 * (priority CONFIG_MAIN_THREAD_PRIORITY, named "main", essential while main()
 * runs), run the SYS_INIT levels, start the K_THREAD_DEFINE threads, run
 * main(), and end the whole run with its return value, whatever other
 * threads still exist.
 */
FUNC_NORETURN void z_cstart(int (*app_main)(void))
{
	z_sched_init();
	for (int level = 0; level < Z_INIT_LEVEL_COUNT; level++) {
		z_sys_init_run_level((enum z_init_level)level);
	}
	z_init_static_threads();
	port_halt(app_main());
}
