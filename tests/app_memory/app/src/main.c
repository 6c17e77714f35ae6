/*
 * Application memory partitions: layout checks at run time. Each check prints
 * one line; a failure prints "FAIL" and makes main() return 1.
 */
#include <zephyr/app_memory/app_memdomain.h>
#include <zephyr/kernel.h>

#include "parts.h"

K_APPMEM_PARTITION_DEFINE(part_a);
K_APPMEM_PARTITION_DEFINE(part_empty);
K_APPMEM_PARTITION_DEFINE(part_b);

K_APP_DMEM(part_a) int a_counter = 42;
K_APP_DMEM(part_a) uint32_t a_table[4] = {1U, 2U, 3U, 4U};
K_APP_BMEM(part_a) char a_buf[300];
K_APP_BMEM(part_a) uint64_t a_wide;

/* Bigger than one 4096-byte page: the region spans two. */
K_APP_BMEM(part_b) uint8_t b_big[5000];
K_APP_DMEM(part_b) uint16_t b_marker = 0xbeefU;

static int failures;

static void check(bool ok, const char *what)
{
	printk("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok) {
		failures++;
	}
}

static bool inside(const struct k_mem_partition *p, const void *obj, size_t size)
{
	uintptr_t a = (uintptr_t)obj;

	return a >= p->start && a + size <= p->start + p->size;
}

/* What the port needs: 4096-byte pages on native_sim, an MPU region elsewhere. */
static bool protectable(const struct k_mem_partition *p)
{
	if (IS_ENABLED(CONFIG_ARCH_POSIX)) {
		return p->size != 0U && p->size % 4096U == 0U && p->start % 4096U == 0U;
	}
	return p->size >= 32U && (p->size & (p->size - 1U)) == 0U && p->start % p->size == 0U;
}

static bool all_zero(const void *buf, size_t size)
{
	const unsigned char *b = buf;

	for (size_t i = 0; i < size; i++) {
		if (b[i] != 0U) {
			return false;
		}
	}
	return true;
}

static bool disjoint(const struct k_mem_partition *x, const struct k_mem_partition *y)
{
	return x->start + x->size <= y->start || y->start + y->size <= x->start;
}

int main(void)
{
	check(protectable(&part_a), "part_a is one protectable region");
	check(protectable(&part_b), "part_b is one protectable region");
	check(protectable(&part_empty), "an empty partition still links as a region");
	check(part_a.attr == K_MEM_PARTITION_P_RW_U_RW, "user read/write rights");
	check(inside(&part_a, &a_counter, sizeof(a_counter)) &&
		      inside(&part_a, a_table, sizeof(a_table)) &&
		      inside(&part_a, a_buf, sizeof(a_buf)) &&
		      inside(&part_a, &a_wide, sizeof(a_wide)),
	      "part_a holds its globals");
	check(inside(&part_a, a_other_buf, sizeof(a_other_buf)) &&
		      inside(&part_a, &a_other_init, sizeof(a_other_init)),
	      "part_a holds the globals of a second object");
	check(inside(&part_b, b_big, sizeof(b_big)) && inside(&part_b, &b_marker, 2),
	      "part_b holds its 5000-byte buffer");
	check(a_counter == 42 && a_table[3] == 4U && a_other_init == -7 && b_marker == 0xbeefU,
	      "K_APP_DMEM globals have their initial values");
	check(all_zero(a_buf, sizeof(a_buf)) && all_zero(&a_wide, sizeof(a_wide)) &&
		      all_zero(a_other_buf, sizeof(a_other_buf)) && all_zero(b_big, sizeof(b_big)),
	      "K_APP_BMEM globals are zero");
	check((uintptr_t)&a_wide % 8U == 0U, "alignment of a 64-bit global is kept");
	check(disjoint(&part_a, &part_b) && disjoint(&part_a, &part_empty) &&
		      disjoint(&part_b, &part_empty),
	      "partitions do not overlap");
	a_counter++;
	a_buf[299] = 'x';
	check(a_counter == 43 && a_buf[299] == 'x', "partition memory is writable");

	struct k_mem_domain dom;
	struct k_mem_partition *parts[] = {&part_a, &part_b};

	check(k_mem_domain_init(&dom, ARRAY_SIZE(parts), parts) == 0,
	      "a domain takes both partitions");
	check(k_mem_domain_add_partition(&dom, &part_empty) == 0, "and the empty one");

	printk("app_memory: %d failure(s)\n", failures);
	return failures == 0 ? 0 : 1;
}
