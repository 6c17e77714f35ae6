#ifndef KERNEL_MEM_TESTS_H_
#define KERNEL_MEM_TESTS_H_
#include "ztest_cmocka.h"

int run_kheap_tests(void);
int run_mempool_tests(void);
int run_slab_tests(void);

/* Generous upper bound for "returns soon after its deadline" (loaded CI, valgrind). */
#define SLACK_MS 3000

#endif
