/* Kernel memory services: k_heap, the system heap and memory slabs. */
#include "tests.h"

int main(void)
{
	int failed = run_kheap_tests() + run_mempool_tests() + run_slab_tests();

	if (failed == 0) {
		printk("kernel_mem: all groups passed\n");
	}
	return failed == 0 ? 0 : 1;
}
