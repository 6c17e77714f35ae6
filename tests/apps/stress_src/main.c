/* Kernel memory stress (issue 4): one cmocka group per object type. */
#include "stress.h"

int main(void)
{
	int failed = run_stress_handoff() + run_stress_slab() + run_stress_kheap() +
		     run_stress_sys_heap() + run_stress_mem_blocks() +
		     run_stress_regressions();

	printk("stress (%s): %s\n", IS_ENABLED(CONFIG_SMP) ? "smp" : "baton",
	       failed == 0 ? "all groups passed" : "FAILED");
	return failed == 0 ? 0 : 1;
}
