/*
 * User threads on the board: a K_USER thread uses a semaphore it was
 * granted, prints, and writes a partition of its domain; three others are
 * stopped by the kernel's checks (a semaphore never granted, a buffer
 * outside their memory, k_malloc), each with a one-line report and an oops.
 * The application's fatal-error handler returns, so the kernel aborts only
 * the faulting thread and main goes on. The exit status is 0 only if no
 * user thread got past a refused call.
 */
#include <string.h>
#include <zephyr/kernel.h>

K_SEM_DEFINE(granted_sem, 0, 1);
K_SEM_DEFINE(secret_sem, 0, 1);

/* Not in any partition: user threads may not touch it. */
static char private_buf[32];

/* The domain's one partition: a page, as native_sim requires. */
static uint8_t shared_area[4096] __aligned(4096);
K_MEM_PARTITION_DEFINE(shared_part, shared_area, sizeof(shared_area), K_MEM_PARTITION_P_RW_U_RW);
static struct k_mem_domain app_domain;

/* Set by a user thread that got past a call the kernel should have stopped. */
#define PAST_REFUSAL (*(volatile uint32_t *)&shared_area[0])

K_THREAD_STACK_DEFINE(user_stack, 4096);
static struct k_thread user_thread;
static unsigned int faults;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	faults++;
	printk("app fatal handler: reason %u; the faulting thread is aborted\n", reason);
}

static void good_user(void *p1, void *p2, void *p3)
{
	char line[160];
	size_t n = 0;

	printk("user: in user mode: %s\n", k_is_user_context() ? "yes" : "no");
	k_sem_give(&granted_sem);
	printk("user: took granted_sem back: %d\n", k_sem_take(&granted_sem, K_NO_WAIT));
	strcpy((char *)&shared_area[64], "written by a user thread");
	printk("user: shared partition holds '%s'\n", (char *)&shared_area[64]);
	/* Longer than one formatting chunk (128 bytes): printed in two kernel calls. */
	while (n + 10 < sizeof(line) - 10) {
		memcpy(&line[n], "0123456789", 10);
		n += 10;
	}
	line[n] = '\0';
	printk("user: long line: %s\n", line);
}

static void ungranted_sem_user(void *p1, void *p2, void *p3)
{
	k_sem_give(&secret_sem);
	PAST_REFUSAL = 1;
}

static void bad_buffer_user(void *p1, void *p2, void *p3)
{
	(void)k_thread_name_copy(k_current_get(), private_buf, 8);
	PAST_REFUSAL = 2;
}

static void malloc_user(void *p1, void *p2, void *p3)
{
	void *p = k_malloc(16);

	ARG_UNUSED(p);
	PAST_REFUSAL = 3;
}

static void run_user(const char *name, k_thread_entry_t entry)
{
	k_thread_create(&user_thread, user_stack, K_THREAD_STACK_SIZEOF(user_stack), entry, NULL,
			NULL, NULL, K_PRIO_PREEMPT(1), K_USER, K_FOREVER);
	k_thread_name_set(&user_thread, name);
	k_object_access_grant(&granted_sem, &user_thread);
	k_thread_start(&user_thread);
	k_thread_join(&user_thread, K_FOREVER);
	printk("main: %s done, faults so far %u\n", name, faults);
}

int main(void)
{
	struct k_mem_partition *parts[] = {&shared_part};
	int ret;

	printk("userspace test on %s\n", CONFIG_BOARD);
	ret = k_mem_domain_init(&app_domain, ARRAY_SIZE(parts), parts);
	if (ret == 0) {
		/* The user threads main creates inherit its domain. */
		ret = k_mem_domain_add_thread(&app_domain, k_current_get());
	}
	if (ret != 0) {
		printk("main: domain setup failed: %d\n", ret);
		return 1;
	}
	run_user("good", good_user);
	run_user("ungranted", ungranted_sem_user);
	run_user("bad_buffer", bad_buffer_user);
	run_user("malloc", malloc_user);
	/* Supervisor mode still has everything. */
	void *p = k_malloc(16);

	k_free(p);
	if (faults != 3 || PAST_REFUSAL != 0 || p == NULL) {
		printk("userspace: FAILED (faults %u, got past refusal %u)\n", faults,
		       (unsigned int)PAST_REFUSAL);
		return 1;
	}
	printk("userspace: all checks passed\n");
	return 0;
}
