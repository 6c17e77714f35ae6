/*
 * Page protection of user threads on native_sim (arch/posix/page_prot.c).
 *
 * Each scenario starts user threads that make one stray access each. The
 * application's fatal-error handler checks the port's report (the faulting
 * thread, the address, read or write, the partition or the stack it hit)
 * against what the scenario expects, and returns, so the kernel aborts only
 * that thread: main and the other threads go on. Scenarios without a fault
 * check that what a thread may touch never faults: lazy opens, kernel calls
 * that write user buffers, a partition added at run time, busy user threads
 * preempted by the tick, and supervisor access to everything, host system
 * calls included.
 *
 * Where faults cannot be caught (qemu-user: the port sends no signals) the
 * fault scenarios print SKIP and the others still run. Under valgrind the
 * NULL dereference is skipped: memcheck reports it as an error first.
 */
#define _GNU_SOURCE /* posix_port.h: sigjmp_buf, stack_t */
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/kobject.h>

#include "posix_port.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define PAGE 4096
#define STACK 4096
#define PRIO K_PRIO_PREEMPT(1)

static uint8_t __aligned(PAGE) a_data[2 * PAGE];   /* domain A, read-write */
static uint8_t __aligned(PAGE) b_data[PAGE];       /* domain B, read-write */
static uint8_t __aligned(PAGE) shared_ro[PAGE];    /* A and B, user read-only */
static uint8_t __aligned(PAGE) late_data[2 * PAGE]; /* joins B at run time, then leaves */
static uint8_t __aligned(PAGE) orphan_data[PAGE];  /* a partition in no domain */

K_MEM_PARTITION_DEFINE(a_part, a_data, sizeof(a_data), K_MEM_PARTITION_P_RW_U_RW);
K_MEM_PARTITION_DEFINE(b_part, b_data, sizeof(b_data), K_MEM_PARTITION_P_RW_U_RW);
K_MEM_PARTITION_DEFINE(ro_part, shared_ro, sizeof(shared_ro), K_MEM_PARTITION_P_RW_U_RO);
K_MEM_PARTITION_DEFINE(late_part, late_data, sizeof(late_data), K_MEM_PARTITION_P_RW_U_RW);
K_MEM_PARTITION_DEFINE(orphan_part, orphan_data, sizeof(orphan_data), K_MEM_PARTITION_P_RW_U_RW);

static struct k_mem_domain dom_a;
static struct k_mem_domain dom_b;

K_SEM_DEFINE(sem_go, 0, 1);
K_SEM_DEFINE(sem_done, 0, 1);
K_SEM_DEFINE(sem_ping, 0, 1);
K_SEM_DEFINE(sem_pong, 0, 1);

K_THREAD_STACK_ARRAY_DEFINE(stacks, 3, STACK);
static struct k_thread threads[3];

static bool enforced;
/* Where stray reads go: valgrind drops a load whose value is unused, volatile or not. */
static volatile uint8_t sink;
static int failures;
static int faults_seen;
static int faults_expected;

/* What the running scenario's fault must look like. */
static struct {
	const char *name;
	struct k_thread *thread;
	uintptr_t addr;
	int access;
	const void *part_start;         /* partition start, or NULL */
	const struct k_mem_domain *dom; /* its domain, or NULL for "in no domain" */
	struct k_thread *stack_of;      /* or the stack it hit */
	unsigned int reason;
} expect;

static void check(bool ok, const char *what)
{
	if (!ok) {
		printk("FAIL: %s: %s\n", expect.name, what);
		failures++;
	}
}

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	const struct posix_prot_fault *f = posix_prot_last_fault();

	ARG_UNUSED(esf);
	faults_seen++;
	check(reason == expect.reason, "fatal reason");
	check(k_current_get() == expect.thread, "faulting thread");
	if (reason == K_ERR_CPU_EXCEPTION) {
		check(f->thread == expect.thread, "report: thread");
		check(f->addr == expect.addr, "report: address");
		check(f->access == expect.access, "report: access");
		check(f->stack_of == expect.stack_of, "report: stack");
		check((f->partition != NULL ? (const void *)f->partition->start : NULL) ==
			      expect.part_start,
		      "report: partition");
		check(expect.part_start == NULL || f->domain == expect.dom, "report: domain");
		check(!f->pc_outside_app, "report: PC in app text");
	}
	printk("caught: %s by %s\n", expect.name, k_current_get()->name);
}

static k_tid_t user_thread2(int slot, const char *name, k_thread_entry_t entry,
			    struct k_mem_domain *dom, void *p1, void *p2)
{
	k_tid_t t = k_thread_create(&threads[slot], stacks[slot], STACK, entry, p1, p2, NULL,
				    PRIO, K_USER, K_FOREVER);

	k_thread_name_set(t, name);
	if (k_mem_domain_add_thread(dom, t) != 0) {
		printk("FAIL: cannot move %s into its domain\n", name);
		failures++;
	}
	k_thread_access_grant(t, &sem_go, &sem_done, &sem_ping, &sem_pong);
	return t;
}

static k_tid_t user_thread(int slot, const char *name, k_thread_entry_t entry,
			   struct k_mem_domain *dom, void *p1)
{
	return user_thread2(slot, name, entry, dom, p1, NULL);
}

static void expect_fault(const char *name, k_tid_t t, const void *addr, int access,
			 const void *part_start, const struct k_mem_domain *dom, k_tid_t stack_of)
{
	expect.name = name;
	expect.thread = t;
	expect.addr = (uintptr_t)addr;
	expect.access = access;
	expect.part_start = part_start;
	expect.dom = dom;
	expect.stack_of = stack_of;
	expect.reason = K_ERR_CPU_EXCEPTION;
	faults_expected++;
}

static void skip(const char *name)
{
	printk("SKIP: %s (faults cannot be caught on this host)\n", name);
}

static bool skip_faults(const char *name)
{
	if (!enforced) {
		skip(name);
	}
	return !enforced;
}

static void finish(const char *name, int faults_before, int faults_now)
{
	if (faults_seen != faults_before + faults_now) {
		printk("FAIL: %s: %d faults, expected %d\n", name, faults_seen - faults_before,
		       faults_now);
		failures++;
	} else {
		printk("PASS: %s\n", name);
	}
}

/* ---- scenario: a write to a read-only partition -------------------------- */

static void ro_writer(void *p1, void *p2, void *p3)
{
	volatile uint8_t *ro = shared_ro;

	a_data[0] = shared_ro[0] + 1U; /* both allowed: opened lazily */
	ro[1] = 1U;
	printk("FAIL: wrote a read-only partition\n");
}

/* ---- scenario: a read of another domain's partition ---------------------- */

static void cross_reader(void *p1, void *p2, void *p3)
{
	volatile uint8_t *a = a_data;

	b_data[0] = 1U;
	b_data[1] = a[5];
	printk("FAIL: read domain A from domain B\n");
}

/* ---- scenario: a write into another thread's stack ----------------------- */

static volatile int *victim_local;

static void stack_victim(void *p1, void *p2, void *p3)
{
	volatile int local = 1234;

	victim_local = &local;
	k_sem_give(&sem_go);
	k_sem_take(&sem_done, K_FOREVER);
	if (local != 1234) {
		printk("FAIL: the victim's stack changed\n");
	}
	a_data[PAGE] = 42U; /* still works after the attack */
}

static void stack_attacker(void *p1, void *p2, void *p3)
{
	*victim_local = 99;
	printk("FAIL: wrote another thread's stack\n");
}

/* ---- scenario: a NULL dereference ----------------------------------------- */

__attribute__((no_sanitize("undefined"))) static void null_user(void *p1, void *p2, void *p3)
{
	volatile int *volatile p = NULL;

	*p = 1;
	printk("FAIL: NULL write\n");
}

/* ---- scenario: a fault after waking from a blocking call ------------------ */

static void blocked_then_stray(void *p1, void *p2, void *p3)
{
	volatile uint8_t *b = b_data;

	a_data[2] = 1U;
	k_sem_take(&sem_go, K_FOREVER);
	a_data[3] = 1U;
	b[7] = 1U;
	printk("FAIL: wrote domain B from domain A\n");
}

/* ---- scenario: a static partition that no domain holds -------------------- */

static void orphan_reader(void *p1, void *p2, void *p3)
{
	volatile uint8_t *o = orphan_data;

	sink = o[100];
	printk("FAIL: read a partition of no domain\n");
}

/* ---- scenario: a partition added at run time, then removed ---------------- */

static void late_user(void *p1, void *p2, void *p3)
{
	volatile uint8_t *late = late_data;

	b_data[10] = 1U;
	k_sem_give(&sem_done);         /* "ready": main adds the partition now */
	k_sem_take(&sem_go, K_FOREVER);
	late[PAGE + 1] = 5U;           /* reachable now */
	k_sem_give(&sem_done);         /* main removes it now */
	k_sem_take(&sem_go, K_FOREVER);
	late[2] = 6U;
	printk("FAIL: wrote a removed partition\n");
}

/* ---- scenario: kernel calls touch what the caller may not ------------------ */

/* A plain global: not in any partition, so open to every thread (a documented limit). */
static volatile int syscall_user_done;

/* A semaphore inside domain B's partition, granted to a thread of domain A. */
#define SEM_IN_B ((struct k_sem *)&b_data[PAGE / 2])

static void syscall_user(void *p1, void *p2, void *p3)
{
	char *name = (char *)&a_data[PAGE + 64];
	volatile uint8_t *b = b_data;
	int ret;

	ret = k_thread_name_copy(k_current_get(), name, 32);
	if (ret != 0 || strcmp(name, "syscall_user") != 0) {
		printk("FAIL: k_thread_name_copy into a partition: %d\n", ret);
	}
	name[0] = 'S';
	/* The kernel opens B's page for the call and closes it again on the way out. */
	k_sem_give(SEM_IN_B);
	syscall_user_done = 1;
	sink = b[0];
	printk("FAIL: read domain B after a kernel call opened it\n");
}

/* ---- scenario: busy user threads and ping-pong across domains ------------- */

#define PINGS 500

static void pinger(void *p1, void *p2, void *p3)
{
	for (int i = 0; i < PINGS; i++) {
		a_data[100] = (uint8_t)i;
		k_sem_give(&sem_ping);
		k_sem_take(&sem_pong, K_FOREVER);
		if (a_data[100] != (uint8_t)i) {
			printk("FAIL: ping %d saw %u\n", i, a_data[100]);
			return;
		}
	}
}

static void ponger(void *p1, void *p2, void *p3)
{
	for (int i = 0; i < PINGS; i++) {
		k_sem_take(&sem_ping, K_FOREVER);
		b_data[100] = (uint8_t)i;
		k_sem_give(&sem_pong);
	}
}

/* Spins on its partition for `p2` ms: preempted by the tick (slices of 1 ms). */
static void spinner(void *p1, void *p2, void *p3)
{
	volatile uint8_t *mine = p1;
	int64_t end = k_uptime_get() + (intptr_t)p2;
	uint32_t n = 0U;

	while (k_uptime_get() < end) {
		mine[n % 512U] = (uint8_t)n;
		if (mine[n % 512U] != (uint8_t)n) {
			printk("FAIL: spinner lost a write\n");
			return;
		}
		n++;
	}
}

static void run_thread(k_tid_t t)
{
	k_thread_start(t);
	k_thread_join(t, K_FOREVER);
}

/*
 * The plain scenario: a new user thread of `dom` makes one stray access and is the only one
 * to end. The report must name `part` of domain `owner` (NULL, NULL: no partition).
 */
static void one_stray_access(const char *name, const char *thread_name, k_thread_entry_t entry,
			     struct k_mem_domain *dom, const void *addr, int access,
			     const void *part, const struct k_mem_domain *owner)
{
	int before = faults_seen;
	k_tid_t t;

	if (skip_faults(name)) {
		return;
	}
	t = user_thread(0, thread_name, entry, dom, NULL);
	expect_fault(name, t, addr, access, part, owner, NULL);
	run_thread(t);
	finish(name, before, 1);
}

int main(void)
{
	struct k_mem_partition *parts_a[] = { &a_part, &ro_part };
	struct k_mem_partition *parts_b[] = { &b_part, &ro_part };
	const char *why = NULL;
	struct posix_prot_stats st0, st1;
	int before = 0;
	k_tid_t t, v;

	enforced = posix_prot_enforced(&why);
	printk("userspace_host: page protection %s%s%s\n", enforced ? "on" : "off (",
	       enforced ? "" : why, enforced ? "" : ")");
	if (k_mem_domain_init(&dom_a, ARRAY_SIZE(parts_a), parts_a) != 0 ||
	    k_mem_domain_init(&dom_b, ARRAY_SIZE(parts_b), parts_b) != 0) {
		printk("FAIL: domains\n");
		return 1;
	}

	one_stray_access("ro_write", "ro_writer", ro_writer, &dom_a, &shared_ro[1], PROT_WRITE,
			 shared_ro, &dom_a);
	one_stray_access("cross_domain_read", "cross_reader", cross_reader, &dom_b, &a_data[5],
			 PROT_READ, a_data, &dom_a);

	before = faults_seen;
	if (!skip_faults("stack_write")) {
		v = user_thread(1, "stack_victim", stack_victim, &dom_a, NULL);
		k_thread_start(v);
		k_sem_take(&sem_go, K_FOREVER);
		t = user_thread(0, "stack_attacker", stack_attacker, &dom_b, NULL);
		expect_fault("stack_write", t, (const void *)victim_local, PROT_WRITE, NULL, NULL,
			     v);
		run_thread(t);
		k_sem_give(&sem_done);
		k_thread_join(v, K_FOREVER);
		check(a_data[PAGE] == 42U, "the victim went on");
		finish("stack_write", before, 1);
	}

	if (RUNNING_ON_VALGRIND) {
		printk("SKIP: null_deref (memcheck reports it as an error first)\n");
	} else {
		one_stray_access("null_deref", "null_user", null_user, &dom_a, NULL, PROT_WRITE,
				 NULL, NULL);
	}

	before = faults_seen;
	if (!skip_faults("fault_after_blocking")) {
		t = user_thread(0, "blocked_stray", blocked_then_stray, &dom_a, NULL);
		expect_fault("fault_after_blocking", t, &b_data[7], PROT_WRITE, b_data, &dom_b,
			     NULL);
		k_thread_start(t);
		k_sleep(K_MSEC(5)); /* it blocks; main runs; the tick comes and goes */
		k_sem_give(&sem_go);
		k_thread_join(t, K_FOREVER);
		check(a_data[3] == 1U, "wrote its own partition after waking");
		finish("fault_after_blocking", before, 1);
	}

	one_stray_access("partition_in_no_domain", "orphan_reader", orphan_reader, &dom_a,
			 &orphan_data[100], PROT_READ, orphan_data, NULL);

	before = faults_seen;
	t = user_thread(0, "late_user", late_user, &dom_b, NULL);
	k_thread_start(t);
	k_sem_take(&sem_done, K_FOREVER);
	if (k_mem_domain_add_partition(&dom_b, &late_part) != 0) {
		printk("FAIL: add late partition\n");
		failures++;
	}
	k_sem_give(&sem_go);
	k_sem_take(&sem_done, K_FOREVER);
	check(late_data[PAGE + 1] == 5U, "wrote the partition added at run time");
	if (k_mem_domain_remove_partition(&dom_b, &late_part) != 0) {
		printk("FAIL: remove late partition\n");
		failures++;
	}
	if (enforced) {
		expect_fault("partition_removed", t, &late_data[2], PROT_WRITE, late_data, NULL,
			     NULL);
		k_sem_give(&sem_go);
		k_thread_join(t, K_FOREVER);
		finish("partition_added_then_removed", before, 1);
	} else {
		k_thread_abort(t);
		skip("partition_added_then_removed");
	}

	before = faults_seen;
	t = user_thread(0, "syscall_user", syscall_user, &dom_a, NULL);
	k_sem_init(SEM_IN_B, 0, 1);
	k_object_access_grant(SEM_IN_B, t);
	posix_prot_stats_get(&st0);
	if (enforced) {
		expect_fault("kernel_call_then_stray", t, &b_data[0], PROT_READ, b_data, &dom_b,
			     NULL);
		run_thread(t);
		posix_prot_stats_get(&st1);
		check(st1.kernel_opens > st0.kernel_opens || st1.eager,
		      "the kernel call opened B's page");
		finish("kernel_call_opens_then_closes", before, 1);
	} else {
		k_thread_abort(t);
		skip("kernel_call_opens_then_closes");
	}
	check(syscall_user_done == 1 || !enforced, "the kernel call returned");
	check(k_sem_count_get(SEM_IN_B) == (enforced ? 1U : 0U), "the kernel call gave");

	before = faults_seen;
	memset(a_data, 0, sizeof(a_data));
	memset(b_data, 0, sizeof(b_data));
	t = user_thread(0, "pinger", pinger, &dom_a, NULL);
	v = user_thread(1, "ponger", ponger, &dom_b, NULL);
	k_thread_start(v);
	k_thread_start(t);
	k_thread_join(t, K_FOREVER);
	k_thread_join(v, K_FOREVER);
	check(a_data[100] == (uint8_t)(PINGS - 1) && b_data[100] == (uint8_t)(PINGS - 1),
	      "ping-pong");
	t = user_thread2(0, "spin_a", spinner, &dom_a, a_data, (void *)(intptr_t)100);
	v = user_thread2(1, "spin_b", spinner, &dom_b, b_data, (void *)(intptr_t)100);
	k_thread_start(t);
	k_thread_start(v);
	k_thread_join(t, K_FOREVER);
	k_thread_join(v, K_FOREVER);
	finish("switching_without_false_faults", before, 0);

	/* main is a supervisor thread: everything is open to it, to host system calls too. */
	before = faults_seen;
	shared_ro[0] = 1U;
	orphan_data[0] = 1U;
	late_data[0] = 1U;
	check(clock_gettime(CLOCK_MONOTONIC, (struct timespec *)&b_data[PAGE / 2]) == 0,
	      "a host system call writes a partition");
	finish("supervisor_sees_everything", before, 0);

	if (failures != 0 || faults_seen != faults_expected) {
		printk("userspace_host: FAILED (%d failures, %d of %d faults)\n", failures,
		       faults_seen, faults_expected);
		return 1;
	}
	printk("userspace_host: all scenarios passed (%d faults caught)\n", faults_seen);
	return 0;
}
