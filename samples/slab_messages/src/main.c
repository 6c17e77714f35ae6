/*
 * Message passing between threads with a memory slab.
 *
 * A producer allocates fixed-size messages from a slab of MSG_BLOCKS blocks,
 * fills them and hands the pointers to a consumer through a small ring
 * guarded by a counting semaphore; the consumer checks each message, adds it
 * to a checksum and frees the block. The producer is more urgent than the
 * consumer, so it runs ahead until the slab is empty and then blocks in
 * k_mem_slab_alloc(K_FOREVER); each free by the consumer hands its block
 * straight to the waiting producer. The slab is the only flow control: at
 * most MSG_BLOCKS messages are ever in flight, so a ring of RING_SLOTS >
 * MSG_BLOCKS pointers never overflows.
 *
 * Single-CPU scheduling makes every number printed here deterministic.
 */
#include <zephyr/kernel.h>

#define MSG_BLOCKS 4
#define MSG_COUNT 32
#define RING_SLOTS 8 /* a power of two above MSG_BLOCKS */
#define PAYLOAD_LEN 56

#define PRODUCER_PRIO K_PRIO_PREEMPT(1)
#define CONSUMER_PRIO K_PRIO_PREEMPT(2) /* less urgent: the producer runs ahead */
#define STACK_SIZE 2048

BUILD_ASSERT(RING_SLOTS > MSG_BLOCKS, "the ring must hold every message in flight");
BUILD_ASSERT((RING_SLOTS & (RING_SLOTS - 1)) == 0, "ring index wraps with a mask");

struct message {
	uint32_t seq;
	uint32_t len;
	uint8_t payload[PAYLOAD_LEN];
};

K_MEM_SLAB_DEFINE(msg_slab, sizeof(struct message), MSG_BLOCKS, 4);

/*
 * Single-producer, single-consumer ring: only the producer writes `head`
 * and the slots, only the consumer reads them and writes `tail`. The
 * semaphore counts filled slots; its give/take orders the slot write before
 * the read.
 */
static struct message *ring[RING_SLOTS];
static unsigned int ring_head;
static unsigned int ring_tail;
K_SEM_DEFINE(ring_filled, 0, RING_SLOTS);

static void ring_put(struct message *msg)
{
	ring[ring_head++ & (RING_SLOTS - 1)] = msg;
	k_sem_give(&ring_filled);
}

static struct message *ring_get(void)
{
	(void)k_sem_take(&ring_filled, K_FOREVER);
	return ring[ring_tail++ & (RING_SLOTS - 1)];
}

/*
 * Results, each written by one thread; read by main() after joining it (and
 * `received` by the producer once, after the consumer's free woke it).
 */
static uint32_t sent_sum, received_sum;
static unsigned int sent, received, out_of_order, stalls;

/* 32-bit checksum of a message: order-sensitive over its bytes. */
static uint32_t msg_checksum(const struct message *msg)
{
	uint32_t sum = msg->seq * 2654435761U;

	for (uint32_t i = 0; i < msg->len; i++) {
		sum = (sum << 5) + sum + msg->payload[i];
	}
	return sum;
}

static void producer(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);

	for (uint32_t seq = 0; seq < MSG_COUNT; seq++) {
		void *block;

		if (k_mem_slab_alloc(&msg_slab, &block, K_NO_WAIT) != 0) {
			/* Empty: wait until the consumer frees a block. */
			if (stalls++ == 0) {
				printk("producer: slab empty after %u messages, waiting in "
				       "k_mem_slab_alloc(K_FOREVER)\n", sent);
			}
			(void)k_mem_slab_alloc(&msg_slab, &block, K_FOREVER);
			if (stalls == 1) {
				/* The consumer's k_mem_slab_free() preempted it. */
				printk("producer: woken after the consumer freed message %u; "
				       "slab used %u of %u (the block was handed over)\n",
				       received - 1, k_mem_slab_num_used_get(&msg_slab),
				       MSG_BLOCKS);
			}
		}
		struct message *msg = block;

		msg->seq = seq;
		msg->len = 8 + seq % (PAYLOAD_LEN - 8);
		for (uint32_t i = 0; i < msg->len; i++) {
			msg->payload[i] = (uint8_t)(seq * 7 + i);
		}
		sent_sum += msg_checksum(msg);
		sent++;
		ring_put(msg);
	}
}

static void consumer(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);

	while (received < MSG_COUNT) {
		struct message *msg = ring_get();

		out_of_order += msg->seq != received;
		received_sum += msg_checksum(msg);
		received++;
		k_mem_slab_free(&msg_slab, msg);
	}
}

static struct k_thread producer_thread, consumer_thread;
K_THREAD_STACK_DEFINE(producer_stack, STACK_SIZE);
K_THREAD_STACK_DEFINE(consumer_stack, STACK_SIZE);

int main(void)
{
	printk("slab_messages: %d messages of %zu bytes through a slab of %u blocks\n", MSG_COUNT,
	       sizeof(struct message), MSG_BLOCKS);

	/* Both are less urgent than main(): neither runs before main() joins. */
	k_thread_create(&consumer_thread, consumer_stack, K_THREAD_STACK_SIZEOF(consumer_stack),
			consumer, NULL, NULL, NULL, CONSUMER_PRIO, 0, K_NO_WAIT);
	k_thread_create(&producer_thread, producer_stack, K_THREAD_STACK_SIZEOF(producer_stack),
			producer, NULL, NULL, NULL, PRODUCER_PRIO, 0, K_NO_WAIT);
	(void)k_thread_join(&producer_thread, K_FOREVER);
	(void)k_thread_join(&consumer_thread, K_FOREVER);

	bool ok = sent == MSG_COUNT && received == MSG_COUNT && out_of_order == 0 &&
		  sent_sum == received_sum && k_mem_slab_num_used_get(&msg_slab) == 0;

	printk("sent %u, received %u, out of order %u\n", sent, received, out_of_order);
	printk("checksum sent 0x%08x, received 0x%08x: %s\n", sent_sum, received_sum,
	       sent_sum == received_sum ? "match" : "MISMATCH");
	printk("producer waited for a free block %u times\n", stalls);
	printk("slab: peak used %u of %u, used now %u\n", k_mem_slab_max_used_get(&msg_slab),
	       MSG_BLOCKS, k_mem_slab_num_used_get(&msg_slab));
	printk("slab_messages %s\n", ok ? "done" : "FAILED");
	return ok ? 0 : 1;
}
