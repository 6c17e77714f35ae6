/*
 * Per-subsystem heaps: each subsystem allocates from its own k_heap, so a
 * subsystem that exhausts its heap (here a burst of network packets) makes
 * only its own allocations fail; the others keep allocating. For contrast the
 * same burst on one shared heap of the combined size starves the sensors.
 */
#include <zephyr/kernel.h>

#define NET_HEAP_SIZE 2048
#define SENSOR_HEAP_SIZE 1024
#define LOG_HEAP_SIZE 512

#define PACKET_SIZE 256
#define MAX_PACKETS 16 /* more than any heap here can hold: 3584 / 256 = 14 */
#define READING_SIZE 48
#define READINGS 8
#define LOG_LINE_SIZE 80
#define LOG_LINES 4

K_HEAP_DEFINE(net_heap, NET_HEAP_SIZE);
K_HEAP_DEFINE(sensor_heap, SENSOR_HEAP_SIZE);
K_HEAP_DEFINE(log_heap, LOG_HEAP_SIZE);
K_HEAP_DEFINE(shared_heap, NET_HEAP_SIZE + SENSOR_HEAP_SIZE + LOG_HEAP_SIZE);

struct subsystem {
	const char *name;
	struct k_heap *heap;
};

static const struct subsystem subsystems[] = {
	{"network", &net_heap},
	{"sensors", &sensor_heap},
	{"logging", &log_heap},
};

static void print_stats(const char *name, struct k_heap *heap)
{
	struct sys_memory_stats st;

	sys_heap_runtime_stats_get(&heap->heap, &st);
	printk("  %-8s allocated %4zu, free %4zu, peak %4zu\n", name, st.allocated_bytes,
	       st.free_bytes, st.max_allocated_bytes);
}

static void print_all_stats(const char *when)
{
	printk("per-heap stats %s:\n", when);
	for (size_t i = 0; i < ARRAY_SIZE(subsystems); i++) {
		print_stats(subsystems[i].name, subsystems[i].heap);
	}
}

/* Allocate up to `max` blocks of `size` bytes without waiting; returns how many succeeded. */
static int alloc_burst(struct k_heap *heap, size_t size, void **blocks, int max)
{
	int n = 0;

	while (n < max && (blocks[n] = k_heap_alloc(heap, size, K_NO_WAIT)) != NULL) {
		n++;
	}
	return n;
}

static void free_all(struct k_heap *heap, void **blocks, int n)
{
	for (int i = 0; i < n; i++) {
		k_heap_free(heap, blocks[i]);
	}
}

/* Returns the number of unexpected results. */
static int separate_heaps(void)
{
	void *packets[MAX_PACKETS];
	void *readings[READINGS];
	void *lines[LOG_LINES];
	int failures = 0;

	printk("[separate heaps] network %d, sensors %d, logging %d bytes\n", NET_HEAP_SIZE,
	       SENSOR_HEAP_SIZE, LOG_HEAP_SIZE);

	int n_packets = alloc_burst(&net_heap, PACKET_SIZE, packets, MAX_PACKETS);
	bool net_full = k_heap_alloc(&net_heap, PACKET_SIZE, K_NO_WAIT) == NULL;

	printk("network: burst of %d-byte packets: %d allocated, then one failed\n",
	       PACKET_SIZE, n_packets);
	printk("network: one more packet (K_NO_WAIT): %s\n", net_full ? "NULL" : "a block");
	failures += !net_full || n_packets == MAX_PACKETS;

	int n_readings = alloc_burst(&sensor_heap, READING_SIZE, readings, READINGS);
	int n_lines = alloc_burst(&log_heap, LOG_LINE_SIZE, lines, LOG_LINES);

	printk("sensors: %d of %d readings allocated while the network heap is full\n",
	       n_readings, READINGS);
	printk("logging: %d of %d lines allocated while the network heap is full\n", n_lines,
	       LOG_LINES);
	failures += n_readings != READINGS || n_lines != LOG_LINES;
	print_all_stats("with the network heap full");

	/* Recovery: the network stack drops half its packets; it can allocate again. */
	int kept = n_packets / 2;

	free_all(&net_heap, packets + kept, n_packets - kept);
	packets[kept] = k_heap_alloc(&net_heap, PACKET_SIZE, K_NO_WAIT);
	printk("network: after freeing %d packets, a new packet: %s\n", n_packets - kept,
	       packets[kept] != NULL ? "ok" : "NULL");
	failures += packets[kept] == NULL;
	kept += packets[kept] != NULL;

	free_all(&net_heap, packets, kept);
	free_all(&sensor_heap, readings, n_readings);
	free_all(&log_heap, lines, n_lines);
	print_all_stats("after freeing everything");
	for (size_t i = 0; i < ARRAY_SIZE(subsystems); i++) {
		struct sys_memory_stats st;

		sys_heap_runtime_stats_get(&subsystems[i].heap->heap, &st);
		failures += st.allocated_bytes != 0;
	}
	return failures;
}

/* The same burst on one heap shared by every subsystem. Returns the number of surprises. */
static int shared_heap_demo(void)
{
	void *packets[MAX_PACKETS];
	void *readings[READINGS];

	printk("[one shared heap] %d bytes for all three\n",
	       NET_HEAP_SIZE + SENSOR_HEAP_SIZE + LOG_HEAP_SIZE);

	int n_packets = alloc_burst(&shared_heap, PACKET_SIZE, packets, MAX_PACKETS);
	int n_readings = alloc_burst(&shared_heap, READING_SIZE, readings, READINGS);

	printk("network: burst of %d-byte packets: %d allocated\n", PACKET_SIZE, n_packets);
	printk("sensors: %d of %d readings allocated: %s\n", n_readings, READINGS,
	       n_readings < READINGS ? "starved by the network burst" : "not starved");
	free_all(&shared_heap, readings, n_readings);
	free_all(&shared_heap, packets, n_packets);
	return n_readings == READINGS || n_packets == MAX_PACKETS;
}

int main(void)
{
	int failures = separate_heaps();

	failures += shared_heap_demo();
	printk("subsystem_heaps %s\n", failures == 0 ? "done" : "FAILED");
	return failures;
}
