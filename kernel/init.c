/*
 * Boot: the sequence every port's entry point calls once the C runtime is
 * up (.data copied, .bss zeroed, relocations applied).
 */
#include <limits.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

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

/* Bring the kernel up, run main(), and end the run with its return value. */
FUNC_NORETURN void z_cstart(int (*app_main)(void))
{
	port_init();
	for (int level = 0; level < Z_INIT_LEVEL_COUNT; level++) {
		z_sys_init_run_level((enum z_init_level)level);
	}
	port_halt(app_main());
}
