/*
 * What user mode costs on the Cortex-M3 boards, in instructions, under QEMU
 * with -icount shift=0 (one guest instruction = 1 ns of virtual time).
 *
 * Method ("bulk" of ../../../docs/cortex_m.md): a thread reads the cycle
 * counter, runs an operation N times, reads it again, runs it 2N times,
 * reads it a third time; (T(2N) - T(N)) / N is the cost of one operation,
 * loop included, with every fixed cost (the counter reads, which are kernel
 * calls themselves in user mode) cancelled. Each timing is the minimum of
 * REPEATS runs, which drops the rare tick interrupt. Cycles become
 * instructions by 1e9 / CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC (40 on
 * mps2_an385, 80 on qemu_cortex_m3), so the result is exact to about
 * 80 / N = 0.04 instructions.
 *
 * Cases, each in supervisor and in user mode:
 * - a kernel call alone: k_sem_count_get() (the smallest), k_sem_give() on
 *   a semaphore at its limit (nobody waits, nothing changes);
 * - k_yield() with no other thread ready (no switch);
 * - k_yield() between two threads of one priority: each call switches
 *   (a window of N calls of one thread holds N of the other: 2N calls).
 *   Switch cost = (yield with a partner) - (yield alone). User pairs run in
 *   the same domain (the MPU's partition regions stay) and in two domains
 *   (six regions reloaded per switch).
 */
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/kobject.h>

#define N 1000
#define REPEATS 3
#define NS_PER_CYCLE (1000000000U / CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC)

enum op { OP_LOOP, OP_COUNT_GET, OP_SEM_GIVE, OP_YIELD, OPS };

static const char *const op_name[OPS] = { "empty loop", "k_sem_count_get", "k_sem_give (at limit)",
					  "k_yield" };

/* Results are written by user threads: a partition both domains hold. */
static uint64_t results[2][4] __aligned(64);
static uint8_t a_buf[32] __aligned(32), b_buf[32] __aligned(32);
K_MEM_PARTITION_DEFINE(res_part, results, sizeof(results), K_MEM_PARTITION_P_RW_U_RW);
K_MEM_PARTITION_DEFINE(a_part, a_buf, sizeof(a_buf), K_MEM_PARTITION_P_RW_U_RW);
K_MEM_PARTITION_DEFINE(b_part, b_buf, sizeof(b_buf), K_MEM_PARTITION_P_RW_U_RW);
static struct k_mem_domain dom_a, dom_b;

static struct k_sem sem;

static void run_op(enum op op, int n)
{
	for (int i = 0; i < n; i++) {
		switch (op) {
		case OP_COUNT_GET:
			(void)k_sem_count_get(&sem);
			break;
		case OP_SEM_GIVE:
			k_sem_give(&sem);
			break;
		case OP_YIELD:
			k_yield();
			break;
		default:
			__asm__ volatile("" ::: "memory");
			break;
		}
	}
}

/* p1: the operation, p2: where to put min T(N) and min T(2N) (cycles). */
static void measure(void *p1, void *p2, void *p3)
{
	enum op op = (enum op)(uintptr_t)p1;
	uint64_t *out = p2;
	uint64_t best1 = UINT64_MAX, best2 = UINT64_MAX;

	for (int r = 0; r < REPEATS; r++) {
		uint64_t t0 = k_cycle_get_64();
		uint64_t t1, t2;

		run_op(op, N);
		t1 = k_cycle_get_64();
		run_op(op, 2 * N);
		t2 = k_cycle_get_64();
		best1 = MIN(best1, t1 - t0);
		best2 = MIN(best2, t2 - t1);
	}
	if (out != NULL) {
		out[0] = best1;
		out[1] = best2;
	}
}

K_THREAD_STACK_DEFINE(stack_a, 1024);
K_THREAD_STACK_DEFINE(stack_b, 1024);
static struct k_thread thread_a, thread_b;

static k_tid_t start(struct k_thread *t, k_thread_stack_t *stack, enum op op, uint64_t *out,
		     uint32_t options, struct k_mem_domain *dom)
{
	k_tid_t tid = k_thread_create(t, stack, 1024, measure, (void *)(uintptr_t)op, out, NULL,
				      K_PRIO_PREEMPT(5), options, K_FOREVER);

#ifdef CONFIG_USERSPACE
	k_mem_domain_add_thread(dom, tid);
	k_thread_access_grant(tid, &sem);
#else
	ARG_UNUSED(dom);
#endif
	return tid;
}

/* Tenths of an instruction per operation, over `ops` operations. */
static unsigned int per_op_x10(const uint64_t *t, unsigned int ops)
{
	return (unsigned int)(((t[1] - t[0]) * NS_PER_CYCLE * 10U + ops / 2U) / ops);
}

/* One case: `op` on one thread, or on two of one priority (`pair`). */
static unsigned int run_case(enum op op, bool user, bool pair, bool two_domains)
{
	uint32_t options = user ? K_USER : 0; /* ignored without USERSPACE */

	start(&thread_a, stack_a, op, results[0], options, &dom_a);
	if (pair) {
		start(&thread_b, stack_b, op, NULL, options, two_domains ? &dom_b : &dom_a);
	}
	k_thread_start(&thread_a);
	if (pair) {
		k_thread_start(&thread_b);
	}
	k_thread_join(&thread_a, K_FOREVER);
	if (pair) {
		k_thread_join(&thread_b, K_FOREVER);
	}
	/* With a partner, each window holds N calls of each thread. */
	return per_op_x10(results[0], pair ? 2U * N : N);
}

static void show(const char *what, unsigned int x10)
{
	printk("%-44s %5u.%u\n", what, x10 / 10U, x10 % 10U);
}

static void show_diff(const char *what, unsigned int a, unsigned int b)
{
	int d = (int)a - (int)b;

	printk("%-44s %s%3d.%d\n", what, d < 0 ? "-" : " ", (d < 0 ? -d : d) / 10, (d < 0 ? -d : d) % 10);
}

int main(void)
{
	struct k_mem_partition *a_parts[] = { &res_part, &a_part };
	struct k_mem_partition *b_parts[] = { &res_part, &b_part };
	unsigned int sup[OPS], usr[OPS], sw_sup, sw_same, sw_two;

	k_sem_init(&sem, 1, 1);
#ifdef CONFIG_USERSPACE
	if (k_mem_domain_init(&dom_a, 2, a_parts) != 0 || k_mem_domain_init(&dom_b, 2, b_parts) != 0) {
		printk("domain init failed\n");
		return 1;
	}
#else
	ARG_UNUSED(a_parts);
	ARG_UNUSED(b_parts);
#endif
	printk("user_arm bench on %s, USERSPACE %s: instructions per operation (N = %d, %u per "
	       "cycle)\n", CONFIG_BOARD, IS_ENABLED(CONFIG_USERSPACE) ? "y" : "n", N, NS_PER_CYCLE);
	for (enum op op = OP_LOOP; op < OPS; op++) {
		sup[op] = run_case(op, false, false, false);
		printk("%s:\n", op_name[op]);
		show("  supervisor thread", sup[op]);
		if (IS_ENABLED(CONFIG_USERSPACE)) {
			usr[op] = run_case(op, true, false, false);
			show("  user thread", usr[op]);
			show_diff("  user - supervisor (trap and return)", usr[op], sup[op]);
		}
	}
	sw_sup = run_case(OP_YIELD, false, true, false);
	if (!IS_ENABLED(CONFIG_USERSPACE)) {
		printk("k_yield to a thread of the same priority (one switch per call):\n");
		show("  two supervisor threads", sw_sup);
		show_diff("context switch alone, supervisor -> supervisor", sw_sup, sup[OP_YIELD]);
		printk("done\n");
		return 0;
	}
	sw_same = run_case(OP_YIELD, true, true, false);
	sw_two = run_case(OP_YIELD, true, true, true);
	printk("k_yield to a thread of the same priority (one switch per call):\n");
	show("  two supervisor threads", sw_sup);
	show("  two user threads, one domain", sw_same);
	show("  two user threads, two domains", sw_two);
	printk("context switch alone (yield with a partner - yield alone):\n");
	show_diff("  supervisor -> supervisor", sw_sup, sup[OP_YIELD]);
	show_diff("  user -> user, one domain", sw_same, usr[OP_YIELD]);
	show_diff("  user -> user, two domains", sw_two, usr[OP_YIELD]);
	printk("done\n");
	return 0;
}
