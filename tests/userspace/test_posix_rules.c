/*
 * native_sim's partition rules (arch/posix/user_mode.c) seen through
 * k_mem_domain_add_partition(): start and size multiples of 4096, and with
 * CONFIG_ZMEM_USERSPACE_MPU_RULES also the ARMv7-M MPU's (a power of two,
 * start aligned to the size).
 */
#include "../support/zmem_test.h"

#include <errno.h>
#include <zephyr/kernel.h>

#define PAGE 4096U

static uint8_t arena[16 * PAGE] __aligned(8 * PAGE);
static struct k_mem_domain dom;

static int add(uintptr_t offset, size_t size)
{
	struct k_mem_partition p = {(uintptr_t)arena + offset, size, K_MEM_PARTITION_P_RW_U_RW};
	int ret;

	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
	ret = k_mem_domain_add_partition(&dom, &p);
	(void)k_mem_domain_deinit(&dom);
	return ret;
}

static void test_page_rules(void **state)
{
	assert_int_equal(add(0, PAGE), 0);
	assert_int_equal(add(2 * PAGE, 2 * PAGE), 0);
	assert_int_equal(add(32, PAGE), -EINVAL);
	assert_int_equal(add(0, PAGE + 32U), -EINVAL);
	assert_int_equal(add(0, 32), -EINVAL);
}

static void test_mpu_rules(void **state)
{
#ifdef CONFIG_ZMEM_USERSPACE_MPU_RULES
	assert_int_equal(add(0, 8 * PAGE), 0);
	assert_int_equal(add(2 * PAGE, 2 * PAGE), 0);
	assert_int_equal(add(0, 3 * PAGE), -EINVAL);   /* not a power of two */
	assert_int_equal(add(PAGE, 2 * PAGE), -EINVAL); /* start not aligned to the size */
#else
	assert_int_equal(add(0, 3 * PAGE), 0);
	assert_int_equal(add(PAGE, 2 * PAGE), 0);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_rules),
		cmocka_unit_test(test_mpu_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
