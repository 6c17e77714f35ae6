/*
 * User mode under the MPU on the Cortex-M3 boards (mps2_an385 and
 * qemu_cortex_m3): user threads run unprivileged, reach their domain's
 * partitions and their own stack only, and call the kernel through svc.
 *
 * main (supervisor) runs one user thread per case, in order, and joins it.
 * A case that must fault ends in the port's report (MemManage, or "bad
 * system call" for a refused svc) and the kernel's fatal-error path; the
 * handler below returns, so only that thread is aborted, and main counts
 * the faults. The expected output lists every report in order.
 *
 * Memory: domain A holds rw_part (user read/write) and ro_part (user
 * read-only); domain B holds b_part. late_part joins domain A at run time
 * and leaves again. Buffers are 256 bytes aligned to 256: one MPU region
 * each.
 */
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/kobject.h>
#include <zephyr/zmem/port.h>

#define PART 256

static uint8_t rw_buf[PART] __aligned(PART);
static uint8_t ro_buf[PART] __aligned(PART);
static uint8_t b_buf[PART] __aligned(PART);
static uint8_t late_buf[PART] __aligned(PART);

K_MEM_PARTITION_DEFINE(rw_part, rw_buf, sizeof(rw_buf), K_MEM_PARTITION_P_RW_U_RW);
K_MEM_PARTITION_DEFINE(ro_part, ro_buf, sizeof(ro_buf), K_MEM_PARTITION_P_RW_U_RO);
K_MEM_PARTITION_DEFINE(b_part, b_buf, sizeof(b_buf), K_MEM_PARTITION_P_RW_U_RW);
K_MEM_PARTITION_DEFINE(late_part, late_buf, sizeof(late_buf), K_MEM_PARTITION_P_RW_U_RW);

static struct k_mem_domain dom_a, dom_b, dom_c;

/* The port's partition rules: 8 slices of 32 bytes, and partitions it must refuse. */
static uint8_t small_buf[PART] __aligned(PART);
static struct k_mem_partition slices[8];
static struct k_mem_partition misaligned = { (uintptr_t)&small_buf[16], 32,
					     K_MEM_PARTITION_P_RW_U_RW };
static struct k_mem_partition not_pow2 = { (uintptr_t)small_buf, 96, K_MEM_PARTITION_P_RW_U_RW };
static struct k_mem_partition user_above_priv = { (uintptr_t)small_buf, 32,
						  K_MEM_PARTITION_P_RO_U_NA | Z_MEM_ATTR_U_R |
							  Z_MEM_ATTR_U_W };

/* Kernel objects: user threads get `granted` (and `step`, `go`), never `secret`. */
static struct k_sem granted, secret, step, go;

static volatile int faults;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	faults++;
	printk("fatal error %u handled: the thread is aborted\n", reason);
}

K_THREAD_STACK_DEFINE(user_stack, 1024);
K_THREAD_STACK_DEFINE(peer_stack, 1024);
static struct k_thread user_thread, peer_thread;

enum step {
	RW_OK,         /* its partitions, its stack, printk, a granted semaphore */
	RO_WRITE,      /* write to a read-only partition */
	OTHER_DOMAIN,  /* read domain B's partition */
	OTHER_STACK,   /* write into the peer thread's stack */
	KERNEL_DATA,   /* read a semaphore's memory directly */
	LATE_PART,     /* a partition added at run time, then removed */
	UNGRANTED,     /* k_sem_give() on an object never granted */
	BAD_SVC,       /* svc #0 (irq_offload's number) from user mode */
	EXEC_DATA,     /* jump into a read/write partition (never executable) */
	BKPT,          /* semihosting's bkpt: a HardFault in user mode */
	OVERFLOW,      /* run off the bottom of its own stack */
	ENTER,         /* a supervisor thread drops to user mode itself */
	PING,          /* switches between user threads of two domains */
	STEPS
};

/* 64 bytes of frame per level, and nothing the compiler can fold away. */
static int recurse(int depth)
{
	volatile uint8_t frame[48];

	frame[depth % 48] = (uint8_t)depth;
	return depth > 100 ? frame[0] : recurse(depth + 1) + frame[depth % 48];
}

static void user_main(void *p1, void *p2, void *p3)
{
	enum step s = (enum step)(uintptr_t)p1;

	switch (s) {
	case RW_OK: {
		uint8_t local[16];

		rw_buf[0] = 0x5a;
		rw_buf[PART - 1] = (uint8_t)(ro_buf[0] + 1);
		local[3] = rw_buf[0];
		printk("user: rw %02x ro %02x stack %02x user %d\n", rw_buf[0], ro_buf[0],
		       local[3], k_is_user_context());
		/* A string literal (flash) and a name copied to its own stack. */
		printk("user: renamed %d, ", k_thread_name_set(NULL, "user-rw"));
		printk("name %d %s\n", k_thread_name_copy(k_current_get(), (char *)local, 8),
		       (char *)local);
		k_sem_give(&granted);
		break;
	}
	case RO_WRITE:
		printk("user: writing the read-only partition\n");
		ro_buf[8] = 1;
		break;
	case OTHER_DOMAIN:
		printk("user: reading domain B\n");
		(void)*(volatile uint8_t *)&b_buf[4];
		break;
	case OTHER_STACK:
		printk("user: writing the peer's stack\n");
		*(volatile uint32_t *)(K_THREAD_STACK_BUFFER(peer_stack) + 512) = 0xbad;
		break;
	case KERNEL_DATA:
		printk("user: reading a semaphore's memory\n");
		(void)*(volatile unsigned int *)&granted.count;
		break;
	case LATE_PART:
		late_buf[1] = 7;
		printk("user: late partition written\n");
		k_sem_give(&step);
		k_sem_take(&go, K_FOREVER);
		printk("user: writing the removed partition\n");
		late_buf[2] = 8;
		break;
	case UNGRANTED:
		printk("user: giving an ungranted semaphore\n");
		k_sem_give(&secret);
		break;
	case BAD_SVC:
		printk("user: svc #0\n");
		__asm__ volatile("svc #0" ::: "memory");
		break;
	case EXEC_DATA:
		printk("user: jumping into a data partition\n");
		rw_buf[0] = 0x70; /* bx lr, were it executed */
		rw_buf[1] = 0x47;
		((void (*)(void))((uintptr_t)rw_buf | 1U))();
		break;
	case BKPT:
		printk("user: bkpt\n");
		__asm__ volatile("bkpt 0xab" ::: "memory");
		break;
	case OVERFLOW:
		printk("user: recursing %d\n", recurse(0));
		break;
	case ENTER:
		printk("user: entered by itself, user %d\n", k_is_user_context());
		break;
	default:
		break;
	}
	printk("user: step %d done\n", (int)s);
}

/* PING: two user threads of two domains hand a token back and forth. */
#define ROUNDS 20

static void ping(void *p1, void *p2, void *p3)
{
	uint8_t *mine = p1;

	for (int i = 0; i < ROUNDS; i++) {
		mine[0] = (uint8_t)i;
		k_sem_give(&step);
		k_sem_take(&go, K_FOREVER);
		if (mine[0] != (uint8_t)i) {
			printk("user: lost my data\n");
		}
	}
	printk("user: ping done\n");
}

static void pong(void *p1, void *p2, void *p3)
{
	uint8_t *mine = p1;

	for (int i = 0; i < ROUNDS; i++) {
		k_sem_take(&step, K_FOREVER);
		mine[0] = (uint8_t)(100 + i);
		k_sem_give(&go);
	}
	printk("user: pong done, %d rounds\n", ROUNDS);
}

/* The peer: a user thread of domain B that waits, so its stack is live. */
static void peer(void *p1, void *p2, void *p3)
{
	k_sem_take(&go, K_FOREVER);
}

/* ENTER: starts as a supervisor thread, then enters user mode for good. */
static void supervisor_then_user(void *p1, void *p2, void *p3)
{
	printk("supervisor: user %d, entering user mode\n", k_is_user_context());
	k_thread_user_mode_enter(user_main, p1, p2, p3);
}

static k_tid_t start_user(struct k_thread *t, k_thread_stack_t *stack, size_t size,
			  k_thread_entry_t entry, void *p1, struct k_mem_domain *dom,
			  const char *name)
{
	bool enter = (enum step)(uintptr_t)p1 == ENTER && entry == user_main;
	k_tid_t tid = k_thread_create(t, stack, size, enter ? supervisor_then_user : entry, p1,
				      NULL, NULL, K_PRIO_PREEMPT(1), enter ? 0 : K_USER,
				      K_FOREVER);

	k_thread_name_set(tid, name);
	k_mem_domain_add_thread(dom, tid);
	k_thread_access_grant(tid, &granted, &step, &go);
	k_thread_start(tid);
	return tid;
}

static void run_step(enum step s)
{
	k_tid_t t;

	if (s == OTHER_STACK) {
		start_user(&peer_thread, peer_stack, K_THREAD_STACK_SIZEOF(peer_stack), peer, NULL,
			   &dom_b, "peer");
	}
	t = start_user(&user_thread, user_stack, K_THREAD_STACK_SIZEOF(user_stack), user_main,
		       (void *)(uintptr_t)s, &dom_a, "user");
	if (s == RW_OK) {
		printk("main: granted semaphore taken: %d\n", k_sem_take(&granted, K_MSEC(100)));
	}
	if (s == LATE_PART) {
		k_sem_take(&step, K_FOREVER);
		printk("main: removing the late partition: %d\n",
		       k_mem_domain_remove_partition(&dom_a, &late_part));
		k_sem_give(&go);
	}
	k_thread_join(t, K_FOREVER);
	if (s == OTHER_STACK) {
		k_sem_give(&go);
		k_thread_join(&peer_thread, K_FOREVER);
	}
	printk("main: step %d joined, faults %d\n", (int)s, faults);
}

static void run_ping(void)
{
	k_tid_t a = start_user(&user_thread, user_stack, K_THREAD_STACK_SIZEOF(user_stack), ping,
			       rw_buf, &dom_a, "ping");
	k_tid_t b = start_user(&peer_thread, peer_stack, K_THREAD_STACK_SIZEOF(peer_stack), pong,
			       b_buf, &dom_b, "pong");

	k_thread_join(a, K_FOREVER);
	k_thread_join(b, K_FOREVER);
	printk("main: ping-pong joined, faults %d\n", faults);
}

int main(void)
{
	struct k_mem_partition *a_parts[] = { &rw_part, &ro_part };
	struct k_mem_partition *b_parts[] = { &b_part };
	int ret;

	ro_buf[0] = 0x11;
	k_sem_init(&granted, 0, 1);
	k_sem_init(&secret, 0, 1);
	k_sem_init(&step, 0, 1);
	k_sem_init(&go, 0, 1);
	ret = k_mem_domain_init(&dom_a, ARRAY_SIZE(a_parts), a_parts);
	ret |= k_mem_domain_init(&dom_b, ARRAY_SIZE(b_parts), b_parts);
	printk("user_mpu on %s: domains %d, max partitions %d, main user %d\n", CONFIG_BOARD,
	       ret, arch_mem_domain_max_partitions_get(), k_is_user_context());
	ret = k_mem_domain_init(&dom_c, 0, NULL);
	for (int i = 0; i < 7; i++) {
		slices[i] = (struct k_mem_partition){ (uintptr_t)&small_buf[32 * i], 32,
						      K_MEM_PARTITION_P_RW_U_RW };
		ret += k_mem_domain_add_partition(&dom_c, &slices[i]) != 0 ? 1000 : 0;
		if (i == 5) {
			printk("main: six 32-byte partitions: %d\n", ret);
		}
	}
	printk("main: refused: 7th %d, misaligned %d, 96 bytes %d, user above supervisor %d\n",
	       ret == 1000 ? -ENOSPC : ret, k_mem_domain_add_partition(&dom_b, &misaligned),
	       k_mem_domain_add_partition(&dom_b, &not_pow2),
	       k_mem_domain_add_partition(&dom_b, &user_above_priv));
	for (enum step s = RW_OK; s < PING; s++) {
		if (s == LATE_PART) {
			printk("main: adding the late partition: %d\n",
			       k_mem_domain_add_partition(&dom_a, &late_part));
		}
		run_step(s);
	}
	run_ping();
	printk("main: %d faults, done\n", faults);
	return faults == 10 ? 0 : 1;
}
