/*
 * 64-bit atomics for ARMv7-M, which has no 64-bit exclusive load/store:
 * GCC calls these libatomic entry points, which newlib does not provide.
 * The CPU is single-core, so masking interrupts (BASEPRI) makes each
 * operation atomic. The asm labels give the functions libatomic's names
 * without redeclaring GCC's builtins.
 */
#include <stdbool.h>
#include <stdint.h>
#include <zephyr/zmem/port.h>

#define DEF(name) __asm__(#name) __attribute__((used))

uint64_t zmem_atomic_load_8(const volatile void *p, int order) DEF(__atomic_load_8);
void zmem_atomic_store_8(volatile void *p, uint64_t v, int order) DEF(__atomic_store_8);
uint64_t zmem_atomic_exchange_8(volatile void *p, uint64_t v, int order)
	DEF(__atomic_exchange_8);
bool zmem_atomic_compare_exchange_8(volatile void *p, void *expected, uint64_t desired,
				    bool weak, int success, int failure)
	DEF(__atomic_compare_exchange_8);
uint64_t zmem_atomic_fetch_add_8(volatile void *p, uint64_t v, int order)
	DEF(__atomic_fetch_add_8);
uint64_t zmem_atomic_fetch_sub_8(volatile void *p, uint64_t v, int order)
	DEF(__atomic_fetch_sub_8);
uint64_t zmem_atomic_fetch_and_8(volatile void *p, uint64_t v, int order)
	DEF(__atomic_fetch_and_8);
uint64_t zmem_atomic_fetch_or_8(volatile void *p, uint64_t v, int order)
	DEF(__atomic_fetch_or_8);

uint64_t zmem_atomic_load_8(const volatile void *p, int order)
{
	unsigned int key = arch_irq_lock();
	uint64_t v = *(const volatile uint64_t *)p;

	(void)order;
	arch_irq_unlock(key);
	return v;
}

void zmem_atomic_store_8(volatile void *p, uint64_t v, int order)
{
	unsigned int key = arch_irq_lock();

	(void)order;
	*(volatile uint64_t *)p = v;
	arch_irq_unlock(key);
}

uint64_t zmem_atomic_exchange_8(volatile void *p, uint64_t v, int order)
{
	unsigned int key = arch_irq_lock();
	uint64_t old = *(volatile uint64_t *)p;

	(void)order;
	*(volatile uint64_t *)p = v;
	arch_irq_unlock(key);
	return old;
}

bool zmem_atomic_compare_exchange_8(volatile void *p, void *expected, uint64_t desired,
				    bool weak, int success, int failure)
{
	unsigned int key = arch_irq_lock();
	uint64_t cur = *(volatile uint64_t *)p;
	bool ok = cur == *(uint64_t *)expected;

	(void)weak;
	(void)success;
	(void)failure;
	if (ok) {
		*(volatile uint64_t *)p = desired;
	} else {
		*(uint64_t *)expected = cur;
	}
	arch_irq_unlock(key);
	return ok;
}

#define FETCH_OP(name, op)                                                      \
	uint64_t zmem_atomic_fetch_##name##_8(volatile void *p, uint64_t v, int order) \
	{                                                                       \
		unsigned int key = arch_irq_lock();                             \
		uint64_t old = *(volatile uint64_t *)p;                         \
                                                                                \
		(void)order;                                                    \
		*(volatile uint64_t *)p = old op v;                             \
		arch_irq_unlock(key);                                           \
		return old;                                                     \
	}

FETCH_OP(add, +)
FETCH_OP(sub, -)
FETCH_OP(and, &)
FETCH_OP(or, |)
