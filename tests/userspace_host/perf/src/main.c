/*
 * Costs of page protection on native_sim (docs/userspace_host.md):
 * - one mprotect(2) of one page, the process pinned to one CPU;
 * - a thread switch (half a semaphore ping-pong) between two supervisor
 *   threads, between two user threads of one domain that touch nothing, and
 *   between user threads of two domains that each write one byte in each of
 *   their n partitions (n = 1, 4, 16) per turn: the incoming thread closes
 *   the other's n partitions and opens its own on first touch; and with 16
 *   partitions of which each turn touches one;
 * - one lazy open (the first touch of a closed partition of the thread's
 *   own domain: SIGSEGV, lookup, mprotect, retry), timed inside the thread.
 * Each measurement runs ROUNDS rounds or BUDGET_NS of wall time, whichever
 * ends first, so that the sanitizers and valgrind finish too. Run with
 * ZMEM_PAGE_PROT_EAGER=1 to measure the eager mode instead.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/kobject.h>

#include "posix_port.h"

#define PAGE 4096
#define NPARTS 16
#define ROUNDS 2000
#define BUDGET_NS 300000000LL

static uint8_t __aligned(PAGE) pages_a[NPARTS][PAGE];
static uint8_t __aligned(PAGE) pages_b[NPARTS][PAGE];
static uint8_t __aligned(PAGE) scratch[PAGE];
static struct k_mem_partition parts_a[NPARTS];
static struct k_mem_partition parts_b[NPARTS];
static struct k_mem_domain dom_a, dom_b;

K_SEM_DEFINE(sem_ping, 0, 1);
K_SEM_DEFINE(sem_pong, 0, 1);
K_THREAD_STACK_ARRAY_DEFINE(stacks, 2, 4096);
static struct k_thread threads[2];

/* Shared with the threads: plain globals, open to everyone (not partitions). */
static volatile int rounds_done;
static volatile int touch_n;
static volatile int64_t lazy_ns_sum;
static volatile int lazy_count;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void touch(uint8_t (*pages)[PAGE], int n, int round, bool timed)
{
	for (int i = 0; i < n; i++) {
		int64_t t0 = timed ? now_ns() : 0;

		pages[i][round % PAGE] = (uint8_t)round;
		if (timed) {
			lazy_ns_sum += now_ns() - t0;
			lazy_count++;
		}
	}
}

/* p1: its pages, p2: 1 for the pinger. */
static void player(void *p1, void *p2, void *p3)
{
	uint8_t (*pages)[PAGE] = p1;
	bool pinger = p2 != NULL;
	int64_t end = now_ns() + BUDGET_NS;

	for (int r = 0; r < ROUNDS; r++) {
		if (pinger) {
			touch(pages, touch_n, r, r > 0);
			k_sem_give(&sem_ping);
			k_sem_take(&sem_pong, K_FOREVER);
			rounds_done = r + 1;
			if (now_ns() > end) {
				touch_n = -1; /* tells the other to stop */
				k_sem_give(&sem_ping);
				return;
			}
		} else {
			k_sem_take(&sem_ping, K_FOREVER);
			if (touch_n < 0) {
				return;
			}
			touch(pages, touch_n, r, false);
			k_sem_give(&sem_pong);
		}
	}
	if (!pinger) {
		return;
	}
	touch_n = -1;
	k_sem_give(&sem_ping);
}

static void measure(const char *what, uint32_t options, struct k_mem_domain *da,
		    struct k_mem_domain *db, int n)
{
	struct posix_prot_stats s0, s1;
	int64_t t0, t1;
	uint64_t switches;

	rounds_done = 0;
	touch_n = n;
	lazy_ns_sum = 0;
	lazy_count = 0;
	k_sem_reset(&sem_ping);
	k_sem_reset(&sem_pong);
	for (int i = 0; i < 2; i++) {
		k_thread_create(&threads[i], stacks[i], 4096, player, i == 0 ? pages_a : pages_b,
				i == 0 ? (void *)1 : NULL, NULL, K_PRIO_COOP(2), options,
				K_FOREVER);
		k_thread_access_grant(&threads[i], &sem_ping, &sem_pong);
	}
	if (da != NULL) {
		k_mem_domain_add_thread(da, &threads[0]);
		k_mem_domain_add_thread(db, &threads[1]);
	}
	posix_prot_stats_get(&s0);
	t0 = now_ns();
	k_thread_start(&threads[1]);
	k_thread_start(&threads[0]);
	k_thread_join(&threads[0], K_FOREVER);
	k_thread_join(&threads[1], K_FOREVER);
	t1 = now_ns();
	posix_prot_stats_get(&s1);
	switches = 2U * (uint64_t)rounds_done;
	printk("perf: %-44s %6lld ns/switch  %2u.%02u mprotect/switch  lazy opens %u.%02u/switch",
	       what, (long long)((t1 - t0) / (int64_t)switches),
	       (unsigned int)((s1.mprotects - s0.mprotects) / switches),
	       (unsigned int)((s1.mprotects - s0.mprotects) * 100U / switches % 100U),
	       (unsigned int)((s1.user_opens - s0.user_opens) / switches),
	       (unsigned int)((s1.user_opens - s0.user_opens) * 100U / switches % 100U));
	if (lazy_count > 0 && s1.user_opens > s0.user_opens) {
		printk("  first touch %lld ns", (long long)(lazy_ns_sum / lazy_count));
	}
	printk("  (%d rounds)\n", rounds_done);
}

static void mprotect_cost(void)
{
	int64_t t0 = now_ns();
	int n = 0;

	while (n < 20000 && now_ns() - t0 < BUDGET_NS) {
		(void)mprotect(scratch, PAGE, (n & 1) != 0 ? PROT_READ | PROT_WRITE : PROT_NONE);
		n++;
	}
	(void)mprotect(scratch, PAGE, PROT_READ | PROT_WRITE);
	printk("perf: mprotect of one page: %lld ns (%d calls)\n", (long long)((now_ns() - t0) / n),
	       n);
}

static void noop_user(void *p1, void *p2, void *p3)
{
}

int main(void)
{
	struct posix_prot_stats st;
	const char *why = NULL;
	bool on = posix_prot_enforced(&why);

	for (int i = 0; i < NPARTS; i++) {
		parts_a[i] = (struct k_mem_partition){ (uintptr_t)pages_a[i], PAGE,
						       K_MEM_PARTITION_P_RW_U_RW };
		parts_b[i] = (struct k_mem_partition){ (uintptr_t)pages_b[i], PAGE,
						       K_MEM_PARTITION_P_RW_U_RW };
	}
	k_mem_domain_init(&dom_a, 0, NULL);
	k_mem_domain_init(&dom_b, 0, NULL);
	/* One user thread turns protection on for good. */
	k_thread_create(&threads[0], stacks[0], 4096, noop_user, NULL, NULL, NULL, K_PRIO_COOP(2),
			K_USER, K_NO_WAIT);
	k_thread_join(&threads[0], K_FOREVER);
	posix_prot_stats_get(&st);
	printk("perf: page protection %s%s%s\n", on ? "on" : "off: ", on ? "" : why,
	       st.eager ? " (eager mode)" : "");

	mprotect_cost();
	measure("supervisor <-> supervisor", 0, NULL, NULL, 0);
	measure("user <-> user, one domain, no touch", K_USER, &dom_a, &dom_a, 0);
	for (int n = 1; n <= NPARTS; n *= 4) {
		char what[40];

		for (int i = 0; i < n; i++) {
			k_mem_domain_add_partition(&dom_a, &parts_a[i]);
			k_mem_domain_add_partition(&dom_b, &parts_b[i]);
		}
		snprintk(what, sizeof(what), "user A <-> user B, %d partition%s", n,
			 n > 1 ? "s" : "");
		measure(what, K_USER, &dom_a, &dom_b, n);
		if (n == NPARTS) {
			/* A big domain of which each turn uses one partition. */
			measure("user A <-> user B, 16 partitions, 1 touched", K_USER, &dom_a,
				&dom_b, 1);
		}
		for (int i = 0; i < n; i++) {
			k_mem_domain_remove_partition(&dom_a, &parts_a[i]);
			k_mem_domain_remove_partition(&dom_b, &parts_b[i]);
		}
	}
	printk("perf: done\n");
	return 0;
}
