/*
 * Boot-time setup, the clock and the tick on SysTick.
 *
 * SysTick counts core cycles (CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC) down from
 * CYCLES_PER_TICK - 1 and interrupts at every wrap. The handler adds one
 * period to cycle_base; a reader adds the elapsed part of the current period.
 * Uptime starts at port_init(). SysTick runs from port_init() on, so the clock
 * works before the kernel starts the tick; the handler calls the kernel only
 * once arch_tick_start() has run.
 */
#include <zephyr/kernel.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

#define CYCLES_PER_TICK (CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC / CONFIG_SYS_CLOCK_TICKS_PER_SEC)
#define NSEC_PER_SEC 1000000000ULL

BUILD_ASSERT(CYCLES_PER_TICK >= 100U && CYCLES_PER_TICK <= 0x1000000U,
	     "SysTick reload must fit 24 bits and leave the handler time to run");

static volatile uint64_t cycle_base;
/* Periods completed: cycle_base / CYCLES_PER_TICK, kept so that no reader divides. */
static volatile uint64_t tick_count;
static volatile bool tick_started;
static bool port_ready;

void port_init(void)
{
	if (port_ready) {
		return;
	}
	port_ready = true;
	SCB_SHPR2 = CM_PRIO_SVC << 24;
	SCB_SHPR3 = (CM_PRIO_SYSTICK << 24) | (CM_PRIO_PENDSV << 16);
	SCB_SHCSR |= SCB_SHCSR_FAULTS_ENA;
	SCB_CCR |= 1U << 4; /* DIV_0_TRP: integer division by zero is a UsageFault */
	z_arm_console_init();
	SYST_RVR = CYCLES_PER_TICK - 1U;
	SYST_CVR = 0U;
	SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE_CPU;
}

static uint64_t uptime_cycles(void)
{
	unsigned int key = arch_irq_lock();
	uint64_t base = cycle_base;
	uint32_t val = SYST_CVR;

	/*
	 * A wrap whose interrupt has not run yet (we are masked, or in a
	 * higher-priority handler): the counter restarted, so read it again
	 * after the wrap and count the period here.
	 */
	if ((SCB_ICSR & SCB_ICSR_PENDSTSET) != 0U) {
		val = SYST_CVR;
		base += CYCLES_PER_TICK;
	}
	arch_irq_unlock(key);
	return base + (CYCLES_PER_TICK - 1U - val);
}

/*
 * One SysTick period is one kernel tick, and uptime starts at a period
 * boundary, so whole ticks are the periods completed: the handler's count,
 * plus one for a wrap whose interrupt has not run yet (as uptime_cycles()).
 */
uint64_t port_uptime_ticks(void)
{
#if CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC % CONFIG_SYS_CLOCK_TICKS_PER_SEC == 0
	unsigned int key = arch_irq_lock();
	uint64_t ticks = tick_count;

	if ((SCB_ICSR & SCB_ICSR_PENDSTSET) != 0U) {
		ticks++;
	}
	arch_irq_unlock(key);
	return ticks;
#else
	/* The period is not a whole tick: derive ticks from the time. */
	return z_port_ns_to_ticks(port_uptime_ns());
#endif
}

uint64_t port_uptime_ns(void)
{
	uint64_t c = uptime_cycles();

	return (c / CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC) * NSEC_PER_SEC +
	       (c % CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC) * NSEC_PER_SEC /
		       CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC;
}

/* With interrupts unmasked WFI sleeps until the next tick; masked, it would not wake. */
void port_sleep_until_ns(uint64_t deadline_ns)
{
	uint32_t basepri;

	__asm__ volatile("mrs %0, basepri" : "=r"(basepri));
	while (port_uptime_ns() < deadline_ns) {
		if (basepri == 0U) {
			__asm__ volatile("wfi");
		}
	}
}

void port_busy_wait_us(uint32_t usec)
{
	uint64_t end = port_uptime_ns() + (uint64_t)usec * 1000U;

	while (port_uptime_ns() < end) {
	}
}

void arch_tick_start(void)
{
	tick_started = true;
}

void z_arm_systick_isr(void)
{
	unsigned int key = arch_irq_lock();

	cycle_base += CYCLES_PER_TICK;
	tick_count++;
	arch_irq_unlock(key);
	if (tick_started) {
		z_clock_isr();
		key = arch_irq_lock();
		z_isr_exit();
		arch_irq_unlock(key);
	}
}
