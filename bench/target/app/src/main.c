/*
 * Instructions per operation on the target (bench/target/run-target-bench).
 *
 * Under QEMU -icount shift=0 every guest instruction takes 1 ns, and SysTick
 * counts the core clock: on qemu_cortex_m3 switched to 200 MHz one count is
 * 5 instructions, on mps2_an385 (25 MHz) 40. A single reading is therefore
 * quantised; the exact count comes from running the same deterministic
 * program K times (K = instructions per count) with d = 0..K-1 extra NOPs
 * executed once before the measurements start (d comes from the semihosting
 * command line: -semihosting-config ...,arg=bench,arg=<d>). Every later
 * SysTick reading is then shifted by d, and summing an operation's K deltas gives its exact instruction count
 * (sum over d of floor((x + d) / K) is x over a full period). The host script
 * sums, subtracts the empty measurement and checks that the K runs made the
 * same allocations (same checksum).
 *
 * Workloads, each OPS random operations from a fixed seed (alloc when the
 * coin says so and there is room, else free a random live block):
 *   heap    sys_heap_alloc (8..256 bytes) / sys_heap_free on a 16 KiB heap
 *   slab    k_mem_slab_alloc(K_NO_WAIT) / k_mem_slab_free, 64 blocks of 32 bytes
 *   blocks  sys_mem_blocks_alloc(1) / sys_mem_blocks_free(1), 64 blocks of 32 bytes
 * and PEERS.md's target workload "random" (heap32): a 32 KiB heap, sizes
 * 8..512, alloc or free with even odds but alloc below 50 live blocks and
 * free above 150; 32 KiB is over-subscribed on purpose, so some allocations
 * fail, and their number is reported.
 * Output: one line per workload and kind: "<workload> <kind> <delta>,<delta>,..."
 * (SysTick counts), "count <workload> failed <n>", then "empty <delta>,..."
 * and "checksum <hex>"; heap32_100k counts the failures of the heap32 workload
 * over 100 000 untimed operations.
 */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/mem_blocks.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/zmem/port.h> /* arch_irq_lock: zmem has no irq_lock() yet */

#define OPS 2000
#define MAX_LIVE 64
#define PEERS_MIN_LIVE 50
#define PEERS_MAX_LIVE 150
#define PEERS_HEAP_BYTES 32768

#define REG(a) (*(volatile uint32_t *)(a))
#define SYST_CSR REG(0xE000E010)
#define SYST_RVR REG(0xE000E014)
#define SYST_CVR REG(0xE000E018)
#define LM3S_RCC REG(0x400FE060)

static uint32_t rng = 12345;
static uint32_t checksum;

static uint32_t next_rand(void)
{
	rng = rng * 1103515245U + 12345U;
	return rng >> 8;
}

/*
 * The heap32 workload draws from bench/heap's generator (splitmix64) with its
 * default seed, so its stream is exactly the host's "random" stream and the
 * host benchmark can cross-check the failure count (`heap_bench --heap=32768`).
 * (The LCG above is too weak for it: the bit its coin uses repeats every 512
 * draws, so the live count never explores the band.)
 */
#define PEERS_SEED 0x5eed2026U

static uint64_t rng64;

static uint64_t next_rand64(void)
{
	uint64_t z = (rng64 += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi], as bench_rng_range(). */
static uint32_t rand64_range(uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(next_rand64() % ((uint64_t)hi - lo + 1U));
}

static inline uint32_t now(void)
{
	return SYST_CVR;
}

/* SysTick counts down, 24 bits. */
static inline uint16_t elapsed(uint32_t t0, uint32_t t1)
{
	return (uint16_t)((t0 - t1) & 0xFFFFFFU);
}

static uint16_t alloc_d[OPS], free_d[OPS];
static int n_alloc, n_free;

/* The 16 KiB workload uses the first half. */
static char heap_mem[PEERS_HEAP_BYTES] __aligned(8);
static struct sys_heap heap;
K_MEM_SLAB_DEFINE_STATIC(slab, 32, MAX_LIVE, 4);
SYS_MEM_BLOCKS_DEFINE_STATIC(blocks, 32, MAX_LIVE, 4);

enum workload { W_HEAP, W_SLAB, W_BLOCKS, W_HEAP_PEERS };

static void *do_alloc(enum workload w, size_t size)
{
	void *p = NULL;

	switch (w) {
	case W_HEAP:
		p = sys_heap_alloc(&heap, size);
		break;
	case W_SLAB:
		if (k_mem_slab_alloc(&slab, &p, K_NO_WAIT) != 0) {
			p = NULL;
		}
		break;
	case W_BLOCKS:
		if (sys_mem_blocks_alloc(&blocks, 1, &p) != 0) {
			p = NULL;
		}
		break;
	}
	return p;
}

static void do_free(enum workload w, void *p)
{
	switch (w) {
	case W_HEAP:
		sys_heap_free(&heap, p);
		break;
	case W_SLAB:
		k_mem_slab_free(&slab, p);
		break;
	case W_BLOCKS:
		(void)sys_mem_blocks_free(&blocks, 1, &p);
		break;
	}
}

static void print_deltas(const char *name, const char *kind, const uint16_t *d, int n)
{
	printk("%s %s ", name, kind);
	for (int i = 0; i < n; i++) {
		printk(i == 0 ? "%u" : ",%u", d[i]);
	}
	printk("\n");
}

/* Whether the next operation allocates, given n_live blocks. */
static bool next_is_alloc(enum workload w, int n_live)
{
	if (w == W_HEAP_PEERS) {
		/* As bench/heap's "random" stream: the coin only within the band. */
		if (n_live < PEERS_MIN_LIVE) {
			return true;
		}
		if (n_live > PEERS_MAX_LIVE) {
			return false;
		}
		return next_rand64() % 2U == 0U;
	}
	return (next_rand() & 1U) != 0U ? n_live < MAX_LIVE : n_live == 0;
}

static size_t next_size(enum workload w)
{
	if (w == W_HEAP_PEERS) {
		return rand64_range(8U, 512U);
	}
	return 8U + next_rand() % 249U;
}

static int next_victim(enum workload w, int n_live)
{
	if (w == W_HEAP_PEERS) {
		return (int)rand64_range(0U, (uint32_t)n_live - 1U);
	}
	return (int)(next_rand() % (uint32_t)n_live);
}

static __noinline void run(enum workload w, const char *name)
{
	void *live[PEERS_MAX_LIVE + 1];
	int n_live = 0;
	int failed = 0;
	/* The calls are measured through the same three-way switch as before
	 * heap32 existed: it is a sys_heap workload. */
	enum workload call = (w == W_HEAP_PEERS) ? W_HEAP : w;

	n_alloc = 0;
	n_free = 0;
	for (int i = 0; i < OPS; i++) {
		if (next_is_alloc(w, n_live)) {
			size_t size = next_size(w);
			uint32_t t0 = now();
			void *p = do_alloc(call, size);
			uint32_t t1 = now();

			alloc_d[n_alloc++] = elapsed(t0, t1);
			checksum = checksum * 31U + (uint32_t)(uintptr_t)p;
			if (p != NULL) {
				live[n_live++] = p;
			} else if (w == W_HEAP_PEERS) {
				/* The slot stays, as on the host: its free is skipped. */
				live[n_live++] = NULL;
				failed++;
			} else {
				failed++;
			}
		} else {
			int k = next_victim(w, n_live);
			void *p = live[k];
			uint32_t t0, t1;

			live[k] = live[--n_live];
			if (p == NULL) {
				continue;
			}
			t0 = now();
			do_free(call, p);
			t1 = now();
			free_d[n_free++] = elapsed(t0, t1);
		}
	}
	while (n_live > 0) {
		void *p = live[--n_live];

		if (p != NULL) {
			do_free(call, p);
		}
	}
	print_deltas(name, "alloc", alloc_d, n_alloc);
	print_deltas(name, "free", free_d, n_free);
	printk("count %s failed %d\n", name, failed);
}

/* PEERS.md's failure count on a longer stream, untimed: ops operations. */
static __noinline void count_failures(const char *name, int ops)
{
	void *live[PEERS_MAX_LIVE + 1];
	int n_live = 0;
	int failed = 0;

	sys_heap_init(&heap, heap_mem, PEERS_HEAP_BYTES);
	rng64 = PEERS_SEED;
	for (int i = 0; i < ops; i++) {
		if (next_is_alloc(W_HEAP_PEERS, n_live)) {
			void *p = sys_heap_alloc(&heap, next_size(W_HEAP_PEERS));

			failed += (p == NULL) ? 1 : 0;
			live[n_live++] = p;
		} else {
			int k = next_victim(W_HEAP_PEERS, n_live);

			if (live[k] != NULL) {
				sys_heap_free(&heap, live[k]);
			}
			live[k] = live[--n_live];
		}
	}
	checksum = checksum * 31U + (uint32_t)failed;
	printk("count %s failed %d\n", name, failed);
}

static __noinline void run_empty(void)
{
	for (int i = 0; i < OPS; i++) {
		uint32_t t0 = now();

		__asm__ volatile("" ::: "memory");
		uint32_t t1 = now();

		alloc_d[i] = elapsed(t0, t1);
	}
	print_deltas("empty", "op", alloc_d, OPS);
}

/* The run's shift d (0..39) from the semihosting command line. */
static int read_shift(void)
{
	static char cmdline[32];
	uint32_t block[2] = { (uint32_t)(uintptr_t)cmdline, sizeof(cmdline) };
	register uint32_t r0 __asm__("r0") = 0x15; /* SYS_GET_CMDLINE */
	register uint32_t *r1 __asm__("r1") = block;

	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	if (r0 != 0U) {
		return 0;
	}
	/* "<program> <d>": the last number on the line. */
	int d = 0;

	for (char *c = cmdline; *c != '\0'; c++) {
		d = (*c >= '0' && *c <= '9') ? d * 10 + (*c - '0') : 0;
	}
	return d;
}

#define NOP __asm__ volatile("nop")

/* Exactly d NOPs more than for d = 0 (a jump into a run of fall-through NOPs). */
static __noinline void shift(int d)
{
	switch (d) {
	case 39: NOP; __attribute__((fallthrough));
	case 38: NOP; __attribute__((fallthrough));
	case 37: NOP; __attribute__((fallthrough));
	case 36: NOP; __attribute__((fallthrough));
	case 35: NOP; __attribute__((fallthrough));
	case 34: NOP; __attribute__((fallthrough));
	case 33: NOP; __attribute__((fallthrough));
	case 32: NOP; __attribute__((fallthrough));
	case 31: NOP; __attribute__((fallthrough));
	case 30: NOP; __attribute__((fallthrough));
	case 29: NOP; __attribute__((fallthrough));
	case 28: NOP; __attribute__((fallthrough));
	case 27: NOP; __attribute__((fallthrough));
	case 26: NOP; __attribute__((fallthrough));
	case 25: NOP; __attribute__((fallthrough));
	case 24: NOP; __attribute__((fallthrough));
	case 23: NOP; __attribute__((fallthrough));
	case 22: NOP; __attribute__((fallthrough));
	case 21: NOP; __attribute__((fallthrough));
	case 20: NOP; __attribute__((fallthrough));
	case 19: NOP; __attribute__((fallthrough));
	case 18: NOP; __attribute__((fallthrough));
	case 17: NOP; __attribute__((fallthrough));
	case 16: NOP; __attribute__((fallthrough));
	case 15: NOP; __attribute__((fallthrough));
	case 14: NOP; __attribute__((fallthrough));
	case 13: NOP; __attribute__((fallthrough));
	case 12: NOP; __attribute__((fallthrough));
	case 11: NOP; __attribute__((fallthrough));
	case 10: NOP; __attribute__((fallthrough));
	case 9: NOP; __attribute__((fallthrough));
	case 8: NOP; __attribute__((fallthrough));
	case 7: NOP; __attribute__((fallthrough));
	case 6: NOP; __attribute__((fallthrough));
	case 5: NOP; __attribute__((fallthrough));
	case 4: NOP; __attribute__((fallthrough));
	case 3: NOP; __attribute__((fallthrough));
	case 2: NOP; __attribute__((fallthrough));
	case 1: NOP; __attribute__((fallthrough));
	default:
		break;
	}
}

int main(void)
{
	int d = read_shift();
	unsigned int key;

	/* No interrupt may land inside a measurement: mask, and stop the tick. */
	key = arch_irq_lock();
	if (IS_ENABLED(CONFIG_BOARD_QEMU_CORTEX_M3)) {
		/* SYSDIV = 0 with USESYSDIV: 200 MHz, one SysTick count per 5 instructions. */
		LM3S_RCC = (LM3S_RCC & ~(0xFU << 23)) | (1U << 22);
	}
	SYST_CSR = 0U;
	SYST_RVR = 0xFFFFFFU;
	SYST_CVR = 0U;
	SYST_CSR = 0x5U; /* enabled, core clock, no interrupt */
	shift(d);
	run_empty();
	sys_heap_init(&heap, heap_mem, 16384);
	run(W_HEAP, "heap");
	run(W_SLAB, "slab");
	run(W_BLOCKS, "blocks");
	sys_heap_init(&heap, heap_mem, PEERS_HEAP_BYTES);
	rng64 = PEERS_SEED;
	run(W_HEAP_PEERS, "heap32");
	count_failures("heap32_100k", 100000);
	printk("checksum %08x\n", (unsigned int)checksum);
	arch_irq_unlock(key);
	return 0;
}
