/*
 * Kernel memory benchmark (issue 4), linked directly against the kernel, the
 * heap core and the POSIX port (no application build). See docs/bench_kernel.md.
 *
 * Inputs:  --mode=full (default) | smoke | callgrind.
 * Outputs: tables on stdout.
 *   full      every measurement; timed loops keep their best of many short runs.
 *   smoke     tiny counts, checks that every path works (ctest, label bench).
 *   callgrind 10,000 slab and floor pairs only, for
 *             `valgrind --tool=callgrind` and callgrind_costs.py.
 *
 * Measurements:
 *   1. A slab alloc+free pair against the floor: a bare intrusive free list
 *      (pop and push in their own non-inlined functions, as the slab's are).
 *      Slabs from K_MEM_SLAB_DEFINE (allocation bitmap) and from
 *      k_mem_slab_init() (check word). The port's lock is measured alone (a
 *      k_spin_lock/k_spin_unlock pair on an idle lock), so that the slab's own
 *      cost is the pair minus two lock pairs; callgrind gives it exactly.
 *   2. k_heap alloc+free throughput, 1 and 2 threads on one heap, against
 *      glibc malloc/free from the same threads: each thread keeps a ring of 64
 *      live blocks of 16-256 bytes and replaces one per step.
 *   3. Wake latency: from just before the free to the return of the blocked
 *      waiter's allocation (k_heap and slab); median and p99.
 * The baton build (kernel_mem_bench) runs one thread at a time; the SMP build
 * (kernel_mem_bench_smp) runs threads in parallel and takes a real spinlock;
 * kernel_mem_bench_nolock measures the slab compiled without its lock, and
 * kernel_mem_bench_trusting the same with CONFIG_MEM_SLAB_POINTER_VALIDATE=n
 * (see KMB_NOLOCK).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

void z_cstart(int (*app_main)(void));

#define NOIPA __attribute__((noipa))
#define SLAB_BLOCK 64
#define SLAB_BLOCKS 64

enum mode { MODE_FULL, MODE_SMOKE, MODE_CALLGRIND };
static enum mode mode = MODE_FULL;

static uint64_t now_ns(void)
{
	return port_uptime_ns();
}

/* ---- 1. slab pair against the floor --------------------------------------- */

#if defined(KMB_NOLOCK)
/*
 * kernel_mem_bench_nolock and _trusting compile the slab without its lock
 * (mem_slab_nolock.c): what is left is the slab's own code. Only the
 * single-threaded slab loops run in these builds.
 */
#if defined(CONFIG_MEM_SLAB_POINTER_VALIDATE)
#define LOCK_KIND "none (compiled out)"
#else
#define LOCK_KIND "none (compiled out), frees trusted"
#endif
#elif defined(CONFIG_SMP)
#define LOCK_KIND "SMP spinlock (IRQ mask + atomic)"
#else
#define LOCK_KIND "baton (IRQ mask)"
#endif

K_MEM_SLAB_DEFINE_STATIC(map_slab, SLAB_BLOCK, SLAB_BLOCKS, 8);
static struct k_mem_slab word_slab;
static char __aligned(8) word_slab_buf[SLAB_BLOCK * SLAB_BLOCKS];
static char __aligned(8) floor_buf[SLAB_BLOCK * SLAB_BLOCKS];
static void *floor_head;
static struct k_spinlock idle_lock;

NOIPA void *floor_alloc(void)
{
	void *p = floor_head;

	if (p != NULL) {
		floor_head = *(void **)p;
	}
	return p;
}

NOIPA void floor_free(void *p)
{
	*(void **)p = floor_head;
	floor_head = p;
}

/*
 * One wrapper pair per slab, so that callgrind_costs.py can attribute the
 * calls to k_mem_slab_alloc/free by caller.
 */
NOIPA void *map_alloc(void)
{
	void *p;

	(void)k_mem_slab_alloc(&map_slab, &p, K_NO_WAIT);
	return p;
}

NOIPA void map_free(void *p)
{
	k_mem_slab_free(&map_slab, p);
}

NOIPA void *word_alloc(void)
{
	void *p;

	(void)k_mem_slab_alloc(&word_slab, &p, K_NO_WAIT);
	return p;
}

NOIPA void word_free(void *p)
{
	k_mem_slab_free(&word_slab, p);
}

NOIPA void lock_pair(void)
{
	k_spinlock_key_t key = k_spin_lock(&idle_lock);

	k_spin_unlock(&idle_lock, key);
}

/* Each loop is its own function, so callgrind can attribute the calls. */
NOIPA int floor_loop(long pairs)
{
	for (long i = 0; i < pairs; i++) {
		void *p = floor_alloc();

		if (p == NULL) {
			return -1;
		}
		floor_free(p);
	}
	return 0;
}

NOIPA int map_slab_loop(long pairs)
{
	for (long i = 0; i < pairs; i++) {
		void *p = map_alloc();

		if (p == NULL) {
			return -1;
		}
		map_free(p);
	}
	return 0;
}

NOIPA int word_slab_loop(long pairs)
{
	for (long i = 0; i < pairs; i++) {
		void *p = word_alloc();

		if (p == NULL) {
			return -1;
		}
		word_free(p);
	}
	return 0;
}

NOIPA int lock_loop(long pairs)
{
	for (long i = 0; i < pairs; i++) {
		lock_pair();
	}
	return 0;
}

/* Nanoseconds per iteration of one run of `loop`. */
static double run_ns(int (*loop)(long), long n)
{
	uint64_t t0 = now_ns();

	if (loop(n) != 0) {
		printf("FAIL: a loop ran out of blocks\n");
		exit(1);
	}
	return (double)(now_ns() - t0) / (double)n;
}

static void slab_setup(void)
{
	floor_head = NULL;
	for (int i = SLAB_BLOCKS - 1; i >= 0; i--) {
		floor_free(floor_buf + (size_t)i * SLAB_BLOCK);
	}
	if (k_mem_slab_init(&word_slab, word_slab_buf, SLAB_BLOCK, SLAB_BLOCKS) != 0) {
		printf("FAIL: k_mem_slab_init\n");
		exit(1);
	}
}

/*
 * The loops take turns, and each keeps its best run: on a shared, loaded host
 * the minimum of many short runs is the stable figure (a preempted run only
 * ever gets slower), and taking turns exposes all loops to the same load.
 */
static void bench_slab(long pairs, int runs)
{
	double fl = 1e30;
	double map = 1e30;
	double word = 1e30;
	double lock = 1e30;

	for (int r = 0; r < runs; r++) {
		fl = MIN(fl, run_ns(floor_loop, pairs));
		map = MIN(map, run_ns(map_slab_loop, pairs));
		word = MIN(word, run_ns(word_slab_loop, pairs));
		lock = MIN(lock, run_ns(lock_loop, pairs));
	}
	printf("\n1. slab alloc+free pair, lock: %s (%ld pairs, best of %d), ns per pair\n",
	       LOCK_KIND, pairs, runs);
	printf("  %-40s %8.2f\n", "floor: intrusive free list", fl);
	printf("  %-40s %8.2f  %5.2fx floor\n", "k_mem_slab, DEFINE (bitmap)", map, map / fl);
	printf("  %-40s %8.2f  %5.2fx floor\n", "k_mem_slab, init (check word)", word, word / fl);
	printf("  %-40s %8.2f\n", "lock pair alone (k_spin_lock+unlock)", lock);
}

/* ---- 2. k_heap throughput against glibc ----------------------------------- */

#define RING 64
#define SIZES 1024
#define TP_THREADS 2

K_HEAP_DEFINE(tp_heap, 96 * 1024);
static uint16_t sizes[SIZES];

struct tp_job {
	void *(*alloc)(size_t n);
	void (*free)(void *p);
	long steps;
	uint64_t start;
	uint64_t end;
	int failed;
};

static void *kh_alloc(size_t n)
{
	return k_heap_alloc(&tp_heap, n, K_NO_WAIT);
}

static void kh_free(void *p)
{
	k_heap_free(&tp_heap, p);
}

static void tp_worker(void *p1, void *p2, void *p3)
{
	struct tp_job *job = p1;
	uintptr_t salt = (uintptr_t)p2;
	void *ring[RING];

	for (int i = 0; i < RING; i++) {
		ring[i] = job->alloc(sizes[(i + salt) % SIZES]);
	}
	job->start = now_ns();
	for (long i = 0; i < job->steps; i++) {
		unsigned int s = (unsigned int)i % RING;

		job->free(ring[s]);
		ring[s] = job->alloc(sizes[(i + salt) % SIZES]);
		if (ring[s] == NULL) {
			job->failed = 1;
			break;
		}
	}
	job->end = now_ns();
	for (int i = 0; i < RING; i++) {
		job->free(ring[i]);
	}
}

static K_THREAD_STACK_ARRAY_DEFINE(tp_stacks, TP_THREADS, 16384);
static struct k_thread tp_threads[TP_THREADS];

/* Million alloc+free pairs per second with `n` threads on one allocator. */
static double throughput(void *(*alloc)(size_t), void (*fr)(void *), int n, long steps)
{
	struct tp_job jobs[TP_THREADS];
	uint64_t start = UINT64_MAX;
	uint64_t end = 0;

	for (int i = 0; i < n; i++) {
		jobs[i] = (struct tp_job){.alloc = alloc, .free = fr, .steps = steps};
		k_thread_create(&tp_threads[i], tp_stacks[i], K_THREAD_STACK_SIZEOF(tp_stacks[i]),
				tp_worker, &jobs[i], (void *)(uintptr_t)(i * 331), NULL, 5, 0,
				K_FOREVER);
	}
	for (int i = 0; i < n; i++) {
		k_thread_start(&tp_threads[i]);
	}
	for (int i = 0; i < n; i++) {
		k_thread_join(&tp_threads[i], K_FOREVER);
		if (jobs[i].failed) {
			printf("FAIL: throughput run out of memory\n");
			exit(1);
		}
		start = MIN(start, jobs[i].start);
		end = MAX(end, jobs[i].end);
	}
	return (double)steps * n / ((double)(end - start) / 1e3);
}

static void bench_throughput(long steps, int runs)
{
	uint32_t seed = 12345;

	for (int i = 0; i < SIZES; i++) {
		seed = seed * 1103515245U + 12345U;
		sizes[i] = (uint16_t)(16U + (seed >> 16) % 241U);
	}
	printf("\n2. alloc+free throughput, ring of %d live blocks of 16-256 B per thread, "
	       "%ld steps per thread, best of %d (M pairs/s, all threads together)\n",
	       RING, steps, runs);
	for (int n = 1; n <= TP_THREADS; n++) {
		double kh = 0;
		double gl = 0;

		for (int r = 0; r < runs; r++) {
			kh = MAX(kh, throughput(kh_alloc, kh_free, n, steps));
			gl = MAX(gl, throughput(malloc, free, n, steps));
		}
		printf("  %d thread%s: k_heap %7.2f   glibc %7.2f   k_heap/glibc %5.2f\n", n,
		       n > 1 ? "s" : " ", kh, gl, kh / gl);
	}
	if (!sys_heap_validate(&tp_heap.heap)) {
		printf("FAIL: tp_heap does not validate\n");
		exit(1);
	}
}

/* ---- 3. wake latency ------------------------------------------------------ */

#define UNIT_HEAP_BYTES 2048
#define UNIT_BIG 1200 /* only one fits */

K_HEAP_DEFINE(unit_heap, UNIT_HEAP_BYTES);
K_MEM_SLAB_DEFINE_STATIC(unit_slab, 64, 1, 8);
K_SEM_DEFINE(go, 0, 1);
K_SEM_DEFINE(done, 0, 1);

static struct k_thread waiter_thread;
static K_THREAD_STACK_DEFINE(waiter_stack, 16384);
static volatile uint64_t free_at;
static uint64_t *lat;
static int lat_n;
static bool use_slab;

static void waiter(void *p1, void *p2, void *p3)
{
	for (int i = 0; i < lat_n; i++) {
		void *p;

		k_sem_take(&go, K_FOREVER);
		if (use_slab) {
			(void)k_mem_slab_alloc(&unit_slab, &p, K_FOREVER);
		} else {
			p = k_heap_alloc(&unit_heap, UNIT_BIG, K_FOREVER);
		}
		lat[i] = now_ns() - free_at;
		if (use_slab) {
			k_mem_slab_free(&unit_slab, p);
		} else {
			k_heap_free(&unit_heap, p);
		}
		k_sem_give(&done);
	}
}

/* Thread state is guarded by the scheduler's lock (kernel/include/ksched.h). */
extern struct k_spinlock _sched_spinlock;

static bool waiter_pending(void)
{
	k_spinlock_key_t key = k_spin_lock(&_sched_spinlock);
	bool pending = (waiter_thread.base.thread_state & _THREAD_PENDING) != 0U;

	k_spin_unlock(&_sched_spinlock, key);
	return pending;
}

static void wait_until_pending(void)
{
	while (!waiter_pending()) {
		k_yield();
		arch_spin_relax();
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void wake_latency(bool slab, int n)
{
	use_slab = slab;
	lat_n = n;
	/* The waiter is more urgent, so in baton mode the free switches to it at once. */
	k_thread_create(&waiter_thread, waiter_stack, K_THREAD_STACK_SIZEOF(waiter_stack), waiter,
			NULL, NULL, NULL, 1, 0, K_NO_WAIT);
	for (int i = 0; i < n; i++) {
		void *p;

		if (slab) {
			(void)k_mem_slab_alloc(&unit_slab, &p, K_NO_WAIT);
		} else {
			p = k_heap_alloc(&unit_heap, UNIT_BIG, K_NO_WAIT);
		}
		if (p == NULL) {
			printf("FAIL: the unit is not free\n");
			exit(1);
		}
		k_sem_give(&go);
		wait_until_pending();
		free_at = now_ns();
		if (slab) {
			k_mem_slab_free(&unit_slab, p);
		} else {
			k_heap_free(&unit_heap, p);
		}
		k_sem_take(&done, K_FOREVER);
	}
	k_thread_join(&waiter_thread, K_FOREVER);
	qsort(lat, (size_t)n, sizeof(lat[0]), cmp_u64);
	printf("  %-8s median %8.2f us   p99 %8.2f us   max %8.2f us\n", slab ? "slab" : "k_heap",
	       (double)lat[n / 2] / 1e3, (double)lat[(size_t)n * 99 / 100] / 1e3,
	       (double)lat[n - 1] / 1e3);
}

static void bench_wake(int n)
{
	lat = calloc((size_t)n, sizeof(*lat));
	printf("\n3. wake latency, free -> blocked waiter's return (%d wake-ups each)\n", n);
	k_thread_priority_set(k_current_get(), 5);
	wake_latency(false, n);
	wake_latency(true, n);
	k_thread_priority_set(k_current_get(), CONFIG_MAIN_THREAD_PRIORITY);
	free(lat);
}

/* ---- main ------------------------------------------------------------------ */

static int bench_main(void)
{
	slab_setup();
	if (mode == MODE_CALLGRIND) {
		/* Only the loops callgrind_costs.py reads. */
		return floor_loop(10000) | map_slab_loop(10000) | word_slab_loop(10000) |
		       lock_loop(10000);
	}
	printf("kernel_mem_bench (%s build)\n", IS_ENABLED(CONFIG_SMP) ? "SMP"
		: IS_ENABLED(KMB_NOLOCK) ? "nolock" : "baton");
#if defined(KMB_NOLOCK)
	bench_slab(mode == MODE_SMOKE ? 1000 : 1000 * 1000, mode == MODE_SMOKE ? 1 : 41);
	printf("done\n");
	return 0;
#endif
	if (mode == MODE_SMOKE) {
		bench_slab(1000, 1);
		bench_throughput(1000, 1);
		bench_wake(50);
	} else {
		bench_slab(1000 * 1000, 41);
		bench_throughput(500 * 1000, 9);
		bench_wake(20000);
	}
	printf("done\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "--mode=full";

	if (strcmp(m, "--mode=smoke") == 0) {
		mode = MODE_SMOKE;
	} else if (strcmp(m, "--mode=callgrind") == 0) {
		mode = MODE_CALLGRIND;
	} else if (strcmp(m, "--mode=full") != 0) {
		fprintf(stderr, "usage: %s [--mode=full|smoke|callgrind]\n", argv[0]);
		return 2;
	}
	z_cstart(bench_main);
	return 0;
}
