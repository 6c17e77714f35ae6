/*
 * The seed chapter's userspace example, runnable: a memory domain with a
 * partition, a user thread placed in it, a mutex and a semaphore granted to
 * it, a partition added at run time, and two stray accesses that the board
 * stops (the MPU on the Cortex-M boards, page protection on native_sim):
 * each one ends only the thread that made it.
 */
#include <string.h>
#include <zephyr/app_memory/app_memdomain.h>
#include <zephyr/kernel.h>

/* One 4096-byte page: a protectable unit on native_sim and an MPU region on Cortex-M. */
#define BUF_SIZE 4096

static uint8_t __aligned(BUF_SIZE) my_buffer[BUF_SIZE];
static uint8_t __aligned(BUF_SIZE) shared_buffer[BUF_SIZE];
static uint8_t __aligned(BUF_SIZE) secret_buffer[BUF_SIZE];

/* Memory partitions accessible to user threads */
K_MEM_PARTITION_DEFINE(my_partition, my_buffer, sizeof(my_buffer), K_MEM_PARTITION_P_RW_U_RW);
K_MEM_PARTITION_DEFINE(shared_partition, shared_buffer, sizeof(shared_buffer),
		       K_MEM_PARTITION_P_RW_U_RO);
/*
 * Another component's memory, in no domain of the user thread. On the MPU
 * boards any memory outside the thread's domain and stack is closed to it;
 * native_sim protects what it knows to be partitions and stacks, so the
 * buffer is declared as one.
 */
K_MEM_PARTITION_DEFINE(secret_partition, secret_buffer, sizeof(secret_buffer),
		       K_MEM_PARTITION_P_RW_U_RW);

/* Globals placed in a partition by the build (K_APP_DMEM / K_APP_BMEM). */
K_APPMEM_PARTITION_DEFINE(app_part);
K_APP_DMEM(app_part) static int lock_rounds = 3;
K_APP_BMEM(app_part) static int rounds_done;

K_MUTEX_DEFINE(my_mutex);
K_SEM_DEFINE(shared_ready, 0, 1);
K_SEM_DEFINE(not_granted, 1, 1);

struct k_mem_domain my_domain;

#define STACK_SIZE 2048
K_THREAD_STACK_DEFINE(user_stack, STACK_SIZE);
K_THREAD_STACK_DEFINE(user2_stack, STACK_SIZE);
static struct k_thread user_thread;
static struct k_thread user2_thread;

static int faults_seen;

/* Expected faults end the faulting thread only; anything else halts the system. */
void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	faults_seen++;
	printk("main: caught fatal error %u (%s) in thread %s\n", reason,
	       reason == K_ERR_CPU_EXCEPTION ? "memory protection fault" : "kernel oops",
	       k_thread_name_get(k_current_get()));
}

static void user_entry(void *p1, void *p2, void *p3)
{
	printk("user: running in user mode: %s\n", k_is_user_context() ? "yes" : "no");

	strcpy((char *)my_buffer, "written by the user thread");
	printk("user: my_buffer says \"%s\"\n", (const char *)my_buffer);

	for (int i = 0; i < lock_rounds; i++) {
		k_mutex_lock(&my_mutex, K_FOREVER);
		rounds_done++;
		k_mutex_unlock(&my_mutex);
	}
	printk("user: took the granted mutex %d times\n", rounds_done);

	k_sem_take(&shared_ready, K_FOREVER);
	printk("user: shared_buffer says \"%s\"\n", (const char *)shared_buffer);

	printk("user: writing to secret_buffer, outside my domain\n");
	secret_buffer[0] = 1;
	printk("user: FAIL: the stray write went through\n");
}

static void user2_entry(void *p1, void *p2, void *p3)
{
	printk("user2: taking a semaphore nobody granted me\n");
	(void)k_sem_take(&not_granted, K_NO_WAIT);
	printk("user2: FAIL: the kernel accepted it\n");
}

static k_tid_t start_user(struct k_thread *t, k_thread_stack_t *stack, k_thread_entry_t entry,
			  const char *name)
{
	k_tid_t tid = k_thread_create(t, stack, STACK_SIZE, entry, NULL, NULL, NULL, 5, K_USER,
				      K_FOREVER);

	k_thread_name_set(tid, name);
	return tid;
}

int main(void)
{
	struct k_mem_partition *parts[] = {&my_partition, &app_part};
	k_tid_t my_thread_id = start_user(&user_thread, user_stack, user_entry, "user");

	/* Add partition to a memory domain */
	if (k_mem_domain_init(&my_domain, ARRAY_SIZE(parts), parts) != 0 ||
	    k_mem_domain_add_thread(&my_domain, my_thread_id) != 0) {
		printk("main: FAIL: domain setup\n");
		return 1;
	}
	/* Grant kernel objects to the user thread */
	k_object_access_grant(&my_mutex, my_thread_id);
	k_object_access_grant(&shared_ready, my_thread_id);
	k_thread_start(my_thread_id);

	/* Grant memory to the user thread, while it runs */
	strcpy((char *)shared_buffer, "hello from main");
	if (k_mem_domain_add_partition(&my_domain, &shared_partition) != 0) {
		printk("main: FAIL: add_partition\n");
		return 1;
	}
	k_sem_give(&shared_ready);
	k_thread_join(my_thread_id, K_FOREVER);

	k_tid_t second = start_user(&user2_thread, user2_stack, user2_entry, "user2");

	k_mem_domain_add_thread(&my_domain, second);
	k_thread_start(second);
	k_thread_join(second, K_FOREVER);

	printk("main: %d faults stopped, secret_buffer[0] = %d\n", faults_seen, secret_buffer[0]);
	return faults_seen == 2 && secret_buffer[0] == 0 ? 0 : 1;
}
