/*
 * A user-mode fault with the kernel's default fatal-error handler: as on
 * Zephyr, the system halts (native_sim exits with status 3) after the report.
 */
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/kernel.h>

static uint8_t __aligned(4096) table[4096];
K_MEM_PARTITION_DEFINE(table_part, table, sizeof(table), K_MEM_PARTITION_P_RW_U_RO);

static struct k_mem_domain dom;
K_THREAD_STACK_DEFINE(stack, 4096);
static struct k_thread thread;

static void user_entry(void *p1, void *p2, void *p3)
{
	volatile uint8_t *t = table;

	printk("user thread reads %u, then writes\n", t[0]);
	t[0] = 1U;
	printk("not reached\n");
}

int main(void)
{
	struct k_mem_partition *parts[] = { &table_part };
	k_tid_t t;

	k_mem_domain_init(&dom, 1, parts);
	t = k_thread_create(&thread, stack, K_THREAD_STACK_SIZEOF(stack), user_entry, NULL, NULL,
			    NULL, K_PRIO_PREEMPT(1), K_USER, K_FOREVER);
	k_thread_name_set(t, "writer");
	k_mem_domain_add_thread(&dom, t);
	k_thread_start(t);
	k_thread_join(t, K_FOREVER);
	printk("not reached either\n");
	return 0;
}
