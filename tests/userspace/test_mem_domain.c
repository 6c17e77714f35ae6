/*
 * Memory domains (kernel/mem_domain.c) against a scripted port: this file
 * implements the arch_mem_domain_*() hooks itself, counts the calls and
 * fails them on demand, so that every return code of the domain API and the
 * calls the port sees can be checked. Threads come from the real kernel and
 * POSIX port (arch/posix/user_mode.c is not linked).
 */
#include "../support/zmem_test.h"

#include <errno.h>
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

/* ---- the scripted port ---------------------------------------------------- */

#define PORT_MAX_PARTS 6 /* below CONFIG_MAX_DOMAIN_PARTITIONS (8): the port's limit wins */

static struct {
	int init, part_add, part_remove, thread_add, thread_remove, deinit;
	int fail_init, fail_part_add, fail_thread_add, fail_deinit, fail_check;
	uint32_t last_slot;
	struct k_thread *last_thread;
} port;

int arch_mem_domain_max_partitions_get(void)
{
	return PORT_MAX_PARTS;
}

int arch_mem_partition_check(const struct k_mem_partition *part)
{
	return (port.fail_check != 0 && part->attr == K_MEM_PARTITION_P_RX_U_RX) ? -EINVAL : 0;
}

int arch_mem_domain_init(struct k_mem_domain *domain)
{
	port.init++;
	return port.fail_init;
}

int arch_mem_domain_partition_add(struct k_mem_domain *domain, uint32_t partition_id)
{
	port.part_add++;
	port.last_slot = partition_id;
	/* The slot is already filled when the port hears of it. */
	assert_int_not_equal(domain->partitions[partition_id].size, 0);
	return port.fail_part_add;
}

int arch_mem_domain_partition_remove(struct k_mem_domain *domain, uint32_t partition_id)
{
	port.part_remove++;
	port.last_slot = partition_id;
	/* ... and still filled when it is told of the removal. */
	assert_int_not_equal(domain->partitions[partition_id].size, 0);
	return 0;
}

int arch_mem_domain_thread_add(struct k_thread *thread)
{
	port.thread_add++;
	port.last_thread = thread;
	assert_non_null(thread->mem_domain_info.mem_domain);
	return port.fail_thread_add;
}

int arch_mem_domain_thread_remove(struct k_thread *thread)
{
	port.thread_remove++;
	port.last_thread = thread;
	assert_non_null(thread->mem_domain_info.mem_domain);
	return 0;
}

int arch_mem_domain_deinit(struct k_mem_domain *domain)
{
	port.deinit++;
	return port.fail_deinit;
}

/* The flag <zephyr/syscall.h> reads inline on native_sim: never set here. */
_Thread_local volatile uint8_t z_posix_user_thread;

bool arch_is_user_context(void)
{
	return false;
}

uintptr_t arch_syscall_invoke(uintptr_t a1, uintptr_t a2, uintptr_t a3, uintptr_t a4,
			      uintptr_t a5, uintptr_t a6, uintptr_t id)
{
	fail_msg("no user mode in this test");
	return 0;
}

FUNC_NORETURN void arch_user_mode_enter(k_thread_entry_t entry, void *p1, void *p2, void *p3)
{
	fail_msg("no user mode in this test");
	for (;;) {
	}
}

/* ---- helpers --------------------------------------------------------------- */

#define PAGE 4096U

static uint8_t arena[16 * PAGE] __aligned(PAGE);

#define AT(page) ((uintptr_t)&arena[(page) * PAGE])

static struct k_mem_partition part(unsigned int page, unsigned int pages,
				   k_mem_partition_attr_t attr)
{
	struct k_mem_partition p = {AT(page), (size_t)pages * PAGE, attr};

	return p;
}

static struct k_mem_domain dom, dom2;

/* Field by field: the struct has padding on 64-bit hosts. */
static void assert_part_equal(const struct k_mem_partition *a, const struct k_mem_partition *b)
{
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->attr, b->attr);
}

static int used_slots(const struct k_mem_domain *d)
{
	int n = 0;

	for (int i = 0; i < CONFIG_MAX_DOMAIN_PARTITIONS; i++) {
		n += d->partitions[i].size != 0U ? 1 : 0;
	}
	return n;
}

static int members(struct k_mem_domain *d)
{
	int n = 0;

	for (struct z_dnode *x = d->mem_domain_q.next; x != &d->mem_domain_q; x = x->next) {
		n++;
	}
	return n;
}

static int setup(void **state)
{
	memset(&port, 0, sizeof(port));
	/* Main goes back to the default domain; dom and dom2 start empty. */
	assert_int_equal(k_mem_domain_add_thread(&k_mem_domain_default, k_current_get()), 0);
	memset(&port, 0, sizeof(port));
	return 0;
}

/* ---- k_mem_domain_init ------------------------------------------------------ */

static void test_init_args(void **state)
{
	struct k_mem_partition a = part(0, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition *parts[PORT_MAX_PARTS + 1];

	for (int i = 0; i < PORT_MAX_PARTS + 1; i++) {
		parts[i] = &a;
	}
	assert_int_equal(k_mem_domain_init(NULL, 0, NULL), -EINVAL);
	assert_int_equal(k_mem_domain_init(&dom, 1, NULL), -EINVAL);
	/* More than the port allows, even though the array has room (8). */
	assert_int_equal(k_mem_domain_init(&dom, PORT_MAX_PARTS + 1, parts), -EINVAL);
	assert_int_equal(port.init, 0);
	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
	assert_int_equal(dom.num_partitions, 0);
	assert_int_equal(port.init, 1);
}

static void test_init_slots_in_order(void **state)
{
	struct k_mem_partition a = part(0, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition b = part(2, 2, K_MEM_PARTITION_P_RO_U_RO);
	struct k_mem_partition *parts[] = {&a, &b};

	assert_int_equal(k_mem_domain_init(&dom, 2, parts), 0);
	assert_int_equal(dom.num_partitions, 2);
	assert_part_equal(&dom.partitions[0], &a);
	assert_part_equal(&dom.partitions[1], &b);
	assert_int_equal(port.part_add, 2);
	assert_int_equal(members(&dom), 0);
}

static void test_init_bad_partition_leaves_prefix(void **state)
{
	struct k_mem_partition a = part(0, 2, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition b = part(1, 2, K_MEM_PARTITION_P_RW_U_RW); /* overlaps a */
	struct k_mem_partition c = part(4, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition *parts[] = {&a, &b, &c};
	struct k_mem_partition *with_null[] = {&a, NULL};

	assert_int_equal(k_mem_domain_init(&dom, 3, parts), -EINVAL);
	assert_int_equal(dom.num_partitions, 1);
	assert_int_equal(used_slots(&dom), 1);
	assert_int_equal(k_mem_domain_init(&dom, 2, with_null), -EINVAL);
	assert_int_equal(dom.num_partitions, 1);
}

static void test_init_port_failure_is_enomem(void **state)
{
	port.fail_init = -EIO;
	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), -ENOMEM);
	port.fail_init = 0;
}

/* ---- k_mem_domain_add_partition ---------------------------------------------- */

static void test_add_partition_errors(void **state)
{
	struct k_mem_partition ok = part(0, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition empty = part(3, 0, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition wraps = {UINTPTR_MAX - PAGE + 1U, 2U * PAGE,
					K_MEM_PARTITION_P_RW_U_RW};
	struct k_mem_partition to_end = {UINTPTR_MAX - PAGE + 1U, PAGE, K_MEM_PARTITION_P_RW_U_RW};
	struct k_mem_partition wx = part(5, 1, K_MEM_PARTITION_P_RWX_U_RWX);
	struct k_mem_partition rx = part(6, 1, K_MEM_PARTITION_P_RX_U_RX);

	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
	assert_int_equal(k_mem_domain_add_partition(NULL, &ok), -EINVAL);
	assert_int_equal(k_mem_domain_add_partition(&dom, NULL), -EINVAL);
	assert_int_equal(k_mem_domain_add_partition(&dom, &empty), -EINVAL);
	assert_int_equal(k_mem_domain_add_partition(&dom, &wraps), -EINVAL);
	/* Ending exactly at the top of the address space wraps to 0: Zephyr refuses it too. */
	assert_int_equal(k_mem_domain_add_partition(&dom, &to_end), -EINVAL);
#ifdef CONFIG_EXECUTE_XOR_WRITE
	assert_int_equal(k_mem_domain_add_partition(&dom, &wx), -EINVAL);
#else
	assert_int_equal(k_mem_domain_add_partition(&dom, &wx), 0);
#endif
	/* The port's own rule. */
	port.fail_check = 1;
	assert_int_equal(k_mem_domain_add_partition(&dom, &rx), -EINVAL);
	port.fail_check = 0;
	assert_int_equal(k_mem_domain_add_partition(&dom, &rx), 0);
	assert_int_equal(k_mem_domain_add_partition(&dom, &ok), 0);
}

static void test_add_partition_overlaps(void **state)
{
	struct k_mem_partition a = part(4, 2, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition same = a;
	struct k_mem_partition left = part(3, 2, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition right = part(5, 2, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition inside = {AT(4) + 64U, 64U, K_MEM_PARTITION_P_RW_U_RW};
	struct k_mem_partition around = part(3, 4, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition below = part(3, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition above = part(6, 1, K_MEM_PARTITION_P_RW_U_RW);

	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
	assert_int_equal(k_mem_domain_add_partition(&dom, &a), 0);
	assert_int_equal(k_mem_domain_add_partition(&dom, &same), -EINVAL);
	assert_int_equal(k_mem_domain_add_partition(&dom, &left), -EINVAL);
	assert_int_equal(k_mem_domain_add_partition(&dom, &right), -EINVAL);
	assert_int_equal(k_mem_domain_add_partition(&dom, &inside), -EINVAL);
	assert_int_equal(k_mem_domain_add_partition(&dom, &around), -EINVAL);
	/* Touching is not overlapping. */
	assert_int_equal(k_mem_domain_add_partition(&dom, &below), 0);
	assert_int_equal(k_mem_domain_add_partition(&dom, &above), 0);
	assert_int_equal(dom.num_partitions, 3);
}

static void test_add_partition_enospc_at_port_limit(void **state)
{
	struct k_mem_partition p[PORT_MAX_PARTS + 1];

	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
	for (int i = 0; i < PORT_MAX_PARTS + 1; i++) {
		p[i] = part((unsigned int)i, 1, K_MEM_PARTITION_P_RW_U_RW);
	}
	for (int i = 0; i < PORT_MAX_PARTS; i++) {
		assert_int_equal(k_mem_domain_add_partition(&dom, &p[i]), 0);
		assert_int_equal(port.last_slot, i);
	}
	assert_int_equal(k_mem_domain_add_partition(&dom, &p[PORT_MAX_PARTS]), -ENOSPC);
	assert_int_equal(dom.num_partitions, PORT_MAX_PARTS);
	/* Slots 6 and 7 of the array stay unused: the port has 6 regions. */
	assert_int_equal(dom.partitions[PORT_MAX_PARTS].size, 0);
}

static void test_hole_reuse_and_overlap_above_hole(void **state)
{
	struct k_mem_partition a = part(0, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition b = part(1, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition c = part(2, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition d = part(8, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition over_c = {AT(2) + 128U, 128U, K_MEM_PARTITION_P_RW_U_RW};
	struct k_mem_partition *parts[] = {&a, &b, &c};

	assert_int_equal(k_mem_domain_init(&dom, 3, parts), 0);
	assert_int_equal(k_mem_domain_remove_partition(&dom, &a), 0);
	assert_int_equal(k_mem_domain_remove_partition(&dom, &b), 0);
	assert_int_equal(dom.num_partitions, 1);
	/*
	 * Upstream compares only the first num_partitions (1) slots, so c in
	 * slot 2 would escape; zmem checks every used slot.
	 */
	assert_int_equal(k_mem_domain_add_partition(&dom, &over_c), -EINVAL);
	/* The first hole is reused. */
	assert_int_equal(k_mem_domain_add_partition(&dom, &d), 0);
	assert_int_equal(port.last_slot, 0);
	assert_part_equal(&dom.partitions[0], &d);
	assert_int_equal(k_mem_domain_add_partition(&dom, &b), 0);
	assert_int_equal(port.last_slot, 1);
	assert_int_equal(dom.num_partitions, 3);
}

static void test_add_partition_port_refusal_frees_slot(void **state)
{
	struct k_mem_partition a = part(0, 1, K_MEM_PARTITION_P_RW_U_RW);

	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
	port.fail_part_add = -ENOMEM;
	assert_int_equal(k_mem_domain_add_partition(&dom, &a), -ENOMEM);
	port.fail_part_add = 0;
	assert_int_equal(dom.num_partitions, 0);
	assert_int_equal(used_slots(&dom), 0);
	assert_int_equal(k_mem_domain_add_partition(&dom, &a), 0);
}

/* ---- k_mem_domain_remove_partition --------------------------------------------- */

static void test_remove_partition(void **state)
{
	struct k_mem_partition a = part(0, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition b = part(1, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition b_ro = part(1, 1, K_MEM_PARTITION_P_RO_U_RO);
	struct k_mem_partition b_big = part(1, 2, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition zero = {0, 0, 0};
	struct k_mem_partition *parts[] = {&a, &b};

	assert_int_equal(k_mem_domain_init(&dom, 2, parts), 0);
	assert_int_equal(k_mem_domain_remove_partition(NULL, &a), -EINVAL);
	assert_int_equal(k_mem_domain_remove_partition(&dom, NULL), -EINVAL);
	assert_int_equal(k_mem_domain_remove_partition(&dom, &b_big), -ENOENT);
	/* A free slot is {0, 0}: it never matches, so the count cannot underflow. */
	assert_int_equal(k_mem_domain_remove_partition(&dom, &zero), -ENOENT);
	/* Start and size match; attr is not compared. */
	assert_int_equal(k_mem_domain_remove_partition(&dom, &b_ro), 0);
	assert_int_equal(port.part_remove, 1);
	assert_int_equal(port.last_slot, 1);
	assert_int_equal(dom.num_partitions, 1);
	assert_int_equal(dom.partitions[1].size, 0);
	assert_int_equal(k_mem_domain_remove_partition(&dom, &b), -ENOENT);
	assert_int_equal(k_mem_domain_remove_partition(&dom, &a), 0);
	assert_int_equal(dom.num_partitions, 0);
}

/* ---- threads ------------------------------------------------------------------ */

static K_THREAD_STACK_DEFINE(stack, 4096);
static struct k_thread thread;

static void noop(void *p1, void *p2, void *p3)
{
}

static void test_add_thread(void **state)
{
	struct k_thread *me = k_current_get();

	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
	assert_int_equal(k_mem_domain_init(&dom2, 0, NULL), 0);
	assert_int_equal(k_mem_domain_add_thread(NULL, me), -EINVAL);
	assert_int_equal(k_mem_domain_add_thread(&dom, NULL), -EINVAL);
	assert_ptr_equal(me->mem_domain_info.mem_domain, &k_mem_domain_default);
	assert_int_equal(k_mem_domain_add_thread(&dom, me), 0);
	assert_ptr_equal(me->mem_domain_info.mem_domain, &dom);
	assert_int_equal(port.thread_remove, 1);
	assert_int_equal(port.thread_add, 1);
	assert_int_equal(members(&dom), 1);
	/* Already there: a no-op that tells the port nothing. */
	assert_int_equal(k_mem_domain_add_thread(&dom, me), 0);
	assert_int_equal(port.thread_add, 1);
	assert_int_equal(port.thread_remove, 1);
	assert_int_equal(k_mem_domain_add_thread(&dom2, me), 0);
	assert_int_equal(members(&dom), 0);
	assert_int_equal(members(&dom2), 1);
	/* The port's error comes back. */
	port.fail_thread_add = -EIO;
	assert_int_equal(k_mem_domain_add_thread(&dom, me), -EIO);
	port.fail_thread_add = 0;
}

static void test_new_thread_inherits_and_exit_leaves(void **state)
{
	struct k_thread *me = k_current_get();
	int defaults = members(&k_mem_domain_default);

	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
	assert_int_equal(k_mem_domain_add_thread(&dom, me), 0);
	k_thread_create(&thread, stack, K_THREAD_STACK_SIZEOF(stack), noop, NULL, NULL, NULL,
			K_PRIO_PREEMPT(1), 0, K_FOREVER);
	assert_ptr_equal(thread.mem_domain_info.mem_domain, &dom);
	assert_int_equal(members(&dom), 2);
	k_thread_start(&thread);
	assert_int_equal(k_thread_join(&thread, K_FOREVER), 0);
	assert_null(thread.mem_domain_info.mem_domain);
	assert_int_equal(members(&dom), 1);
	/* An aborted thread leaves too (here: never started). */
	k_thread_create(&thread, stack, K_THREAD_STACK_SIZEOF(stack), noop, NULL, NULL, NULL,
			K_PRIO_PREEMPT(1), 0, K_FOREVER);
	assert_int_equal(members(&dom), 2);
	k_thread_abort(&thread);
	assert_int_equal(members(&dom), 1);
	assert_int_equal(members(&k_mem_domain_default), defaults - 1);
}

/* ---- k_mem_domain_deinit ---------------------------------------------------------- */

static void test_deinit(void **state)
{
	struct k_thread *me = k_current_get();

#ifdef CONFIG_ARCH_MEM_DOMAIN_SUPPORTS_DEINIT
	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
	assert_int_equal(k_mem_domain_deinit(NULL), -EINVAL);
	assert_int_equal(k_mem_domain_deinit(&k_mem_domain_default), -EINVAL);
	assert_int_equal(k_mem_domain_add_thread(&dom, me), 0);
	assert_int_equal(k_mem_domain_deinit(&dom), -EBUSY);
	assert_int_equal(port.deinit, 0);
	assert_int_equal(k_mem_domain_add_thread(&k_mem_domain_default, me), 0);
	port.fail_deinit = -EIO;
	assert_int_equal(k_mem_domain_deinit(&dom), -ENOMEM);
	port.fail_deinit = 0;
	assert_int_equal(k_mem_domain_deinit(&dom), 0);
	assert_int_equal(port.deinit, 2);
	/* It may be initialised again. */
	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
#else
	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
	assert_int_equal(k_mem_domain_deinit(&dom), -ENOTSUP);
	assert_int_equal(k_mem_domain_deinit(NULL), -ENOTSUP);
	(void)me;
#endif
}

/* ---- k_mem_domain_inherit_thread_partitions ---------------------------------------- */

static void test_inherit(void **state)
{
	struct k_thread *me = k_current_get();
	struct k_mem_partition a = part(0, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition b = part(2, 1, K_MEM_PARTITION_P_RO_U_RO);
	struct k_mem_partition c = part(4, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition over_b = {AT(2) + 256U, 256U, K_MEM_PARTITION_P_RW_U_RW};
	struct k_mem_partition fill[PORT_MAX_PARTS];
	struct k_mem_partition *src_parts[] = {&a, &b};

	assert_int_equal(k_mem_domain_inherit_thread_partitions(NULL, me), -EINVAL);
	assert_int_equal(k_mem_domain_init(&dom, 2, src_parts), 0);
	assert_int_equal(k_mem_domain_inherit_thread_partitions(&dom2, NULL), -EINVAL);
	assert_int_equal(k_mem_domain_add_thread(&dom, me), 0);

	/* Overlap: -EINVAL, and nothing was added. */
	assert_int_equal(k_mem_domain_init(&dom2, 0, NULL), 0);
	assert_int_equal(k_mem_domain_add_partition(&dom2, &over_b), 0);
	port.part_add = 0;
	assert_int_equal(k_mem_domain_inherit_thread_partitions(&dom2, me), -EINVAL);
	assert_int_equal(dom2.num_partitions, 1);
	assert_int_equal(port.part_add, 0);

	/* One free slot for two partitions: -ENOSPC, nothing added. */
	assert_int_equal(k_mem_domain_init(&dom2, 0, NULL), 0);
	for (int i = 0; i < PORT_MAX_PARTS - 1; i++) {
		fill[i] = part(8U + (unsigned int)i, 1, K_MEM_PARTITION_P_RW_U_RW);
		assert_int_equal(k_mem_domain_add_partition(&dom2, &fill[i]), 0);
	}
	assert_int_equal(k_mem_domain_inherit_thread_partitions(&dom2, me), -ENOSPC);
	assert_int_equal(dom2.num_partitions, PORT_MAX_PARTS - 1);

	/* Success: both copied, into the free slots (one hole first). */
	assert_int_equal(k_mem_domain_init(&dom2, 0, NULL), 0);
	assert_int_equal(k_mem_domain_add_partition(&dom2, &c), 0);
	assert_int_equal(k_mem_domain_inherit_thread_partitions(&dom2, me), 0);
	assert_int_equal(dom2.num_partitions, 3);
	assert_part_equal(&dom2.partitions[1], &a);
	assert_part_equal(&dom2.partitions[2], &b);
	/* The thread's own domain is untouched. */
	assert_int_equal(dom.num_partitions, 2);
	/* Inheriting into the thread's own domain overlaps itself. */
	assert_int_equal(k_mem_domain_inherit_thread_partitions(&dom, me), -EINVAL);
}

/* ---- queries ------------------------------------------------------------------------- */

static void test_user_range_ok(void **state)
{
	struct k_thread *me = k_current_get();
	struct k_mem_partition rw = part(0, 2, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition ro = part(2, 1, K_MEM_PARTITION_P_RW_U_RO);
	struct k_mem_partition na = part(3, 1, K_MEM_PARTITION_P_RW_U_NA);
	struct k_mem_partition *parts[] = {&rw, &ro, &na};
	struct _thread_stack_info saved = me->stack_info;

	assert_int_equal(k_mem_domain_init(&dom, 3, parts), 0);
	assert_int_equal(k_mem_domain_add_thread(&dom, me), 0);
	assert_true(z_user_range_ok((void *)AT(0), 2 * PAGE, true));
	assert_true(z_user_range_ok((void *)(AT(1) + 100U), 10, false));
	assert_false(z_user_range_ok((void *)AT(0), 2 * PAGE + 1U, false));
	assert_true(z_user_range_ok((void *)AT(2), PAGE, false));
	assert_false(z_user_range_ok((void *)AT(2), PAGE, true));
	assert_false(z_user_range_ok((void *)AT(3), 1, false));
	/* Adjacent partitions do not combine: one partition must hold it all. */
	assert_false(z_user_range_ok((void *)(AT(2) - 8U), 16, false));
	assert_false(z_user_range_ok((void *)(UINTPTR_MAX - 3U), 8, false));
	assert_true(z_user_range_ok((void *)AT(7), 0, true));
	assert_false(z_user_range_ok((void *)AT(7), 1, false));
	/* The thread's own stack, read and write. */
	me->stack_info.start = AT(7);
	me->stack_info.size = PAGE;
	assert_true(z_user_range_ok((void *)(AT(7) + 8U), 64, true));
	assert_false(z_user_range_ok((void *)(AT(7) + PAGE - 8U), 16, true));
	me->stack_info = saved;
}

static void test_partition_find(void **state)
{
	struct k_thread *me = k_current_get();
	struct k_mem_partition a = part(0, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition b = part(4, 1, K_MEM_PARTITION_P_RW_U_RW);
	struct k_mem_partition *pa[] = {&a}, *pb[] = {&b};
	const struct k_mem_domain *where;
	const struct k_mem_partition *p;

	assert_int_equal(k_mem_domain_init(&dom, 1, pa), 0);
	assert_int_equal(k_mem_domain_init(&dom2, 1, pb), 0);
	assert_int_equal(k_mem_domain_add_thread(&dom, me), 0);
	p = z_mem_partition_find(AT(0) + 5U, &where);
	assert_non_null(p);
	assert_ptr_equal(where, &dom);
	assert_int_equal(p->start, AT(0));
	/* Another domain's partition is found too. */
	p = z_mem_partition_find(AT(4) + PAGE - 1U, &where);
	assert_non_null(p);
	assert_ptr_equal(where, &dom2);
	assert_null(z_mem_partition_find(AT(5), &where));
	assert_null(z_mem_partition_find(AT(1), NULL));
}

static void test_every_thread_in_one_domain(void **state)
{
	struct k_thread *me = k_current_get();

	/* Main and idle start in the default domain; nobody is in two lists. */
	assert_ptr_equal(me->mem_domain_info.mem_domain, &k_mem_domain_default);
	assert_true(members(&k_mem_domain_default) >= 2);
	assert_int_equal(k_mem_domain_init(&dom, 0, NULL), 0);
	assert_int_equal(k_mem_domain_add_thread(&dom, me), 0);
	assert_int_equal(members(&dom), 1);
	assert_ptr_equal(dom.mem_domain_q.next, &me->mem_domain_info.node);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_every_thread_in_one_domain, setup),
		cmocka_unit_test_setup(test_init_args, setup),
		cmocka_unit_test_setup(test_init_slots_in_order, setup),
		cmocka_unit_test_setup(test_init_bad_partition_leaves_prefix, setup),
		cmocka_unit_test_setup(test_init_port_failure_is_enomem, setup),
		cmocka_unit_test_setup(test_add_partition_errors, setup),
		cmocka_unit_test_setup(test_add_partition_overlaps, setup),
		cmocka_unit_test_setup(test_add_partition_enospc_at_port_limit, setup),
		cmocka_unit_test_setup(test_hole_reuse_and_overlap_above_hole, setup),
		cmocka_unit_test_setup(test_add_partition_port_refusal_frees_slot, setup),
		cmocka_unit_test_setup(test_remove_partition, setup),
		cmocka_unit_test_setup(test_add_thread, setup),
		cmocka_unit_test_setup(test_new_thread_inherits_and_exit_leaves, setup),
		cmocka_unit_test_setup(test_deinit, setup),
		cmocka_unit_test_setup(test_inherit, setup),
		cmocka_unit_test_setup(test_user_range_ok, setup),
		cmocka_unit_test_setup(test_partition_find, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
