/*
 * Reset: copy and zero RAM as the linker script's tables say (.data, .bss,
 * the iterable sections, every zephyr_code_relocate() section), move the
 * running context to its own main-thread stack (PSP) so that exceptions use
 * the interrupt stack (MSP), run static constructors, then boot the kernel,
 * which runs the SYS_INIT levels and main() and halts with main's value.
 */
#include <stdint.h>
#include <zephyr/toolchain.h>
#include <zephyr/zmem/port.h>

#include "cortex_m.h"

struct copy_entry {
	uint32_t *dst;
	const uint32_t *src;
	uint32_t bytes;
};

struct zero_entry {
	uint32_t *dst;
	uint32_t bytes;
};

extern const struct copy_entry __zmem_copy_table_start[], __zmem_copy_table_end[];
extern const struct zero_entry __zmem_zero_table_start[], __zmem_zero_table_end[];

typedef void (*init_fn_t)(void);
extern init_fn_t __preinit_array_start[], __preinit_array_end[];
extern init_fn_t __init_array_start[], __init_array_end[];

int main(void);
FUNC_NORETURN void z_cstart(int (*app_main)(void));

/*
 * The main thread's stack; the kernel adopts this context as "main". Under
 * USERSPACE a power-of-two size (1024 by default) also aligns it to its
 * size, so that one MPU region covers it and main may enter user mode.
 */
#if defined(CONFIG_MPU_STACK_GUARD)
/* The guard first (cortex_m.h): aligned to 32, or to the power-of-two block under USERSPACE. */
#define MAIN_STACK_ALIGN (CM_MAIN_STACK_POW2 ? CONFIG_MAIN_STACK_SIZE : 32)
#elif defined(CONFIG_USERSPACE)
#include <zephyr/arch/arm/cortex_m/mpu.h>
#define MAIN_STACK_ALIGN                                                                          \
	(Z_ARM_MPU_SIZE_OK(CONFIG_MAIN_STACK_SIZE) ? CONFIG_MAIN_STACK_SIZE : 8)
#else
#define MAIN_STACK_ALIGN 8
#endif
char z_arm_main_stack[CM_MAIN_STACK_LEN] __aligned(MAIN_STACK_ALIGN)
	__attribute__((section(".noinit")));

/*
 * Word loops: runs before .data and .bss are valid, so it must not call
 * anything that might use them. Every table size is a multiple of 4 (the
 * linker script aligns both ends of each section).
 */
void z_arm_init_memory(void)
{
	for (const struct copy_entry *c = __zmem_copy_table_start; c < __zmem_copy_table_end; c++) {
		uint32_t *dst = c->dst;
		const uint32_t *src = c->src;

		if (dst == src) {
			continue; /* loaded where it runs */
		}
		for (uint32_t n = c->bytes / 4U; n != 0U; n--) {
			*dst++ = *src++;
		}
	}
	for (const struct zero_entry *z = __zmem_zero_table_start; z < __zmem_zero_table_end; z++) {
		uint32_t *dst = z->dst;

		for (uint32_t n = z->bytes / 4U; n != 0U; n--) {
			*dst++ = 0U;
		}
	}
}

FUNC_NORETURN void z_arm_start(void)
{
	port_init();
	for (init_fn_t *f = __preinit_array_start; f < __preinit_array_end; f++) {
		(*f)();
	}
	for (init_fn_t *f = __init_array_start; f < __init_array_end; f++) {
		(*f)();
	}
	z_cstart(main);
}

/* The top of the main stack, 8-byte aligned as AAPCS wants at a call. */
#define MAIN_STACK_TOP_EXPR "z_arm_main_stack + " STRINGIFY(CM_MAIN_STACK_LEN)

__attribute__((naked, noreturn)) void z_arm_reset(void)
{
	__asm__ volatile("cpsid i\n\t"
			 "bl z_arm_init_memory\n\t"
			 "ldr r0, =" MAIN_STACK_TOP_EXPR "\n\t"
			 "bic r0, r0, #7\n\t"
			 "msr psp, r0\n\t"
			 "movs r0, #2\n\t" /* CONTROL.SPSEL: thread mode uses PSP */
			 "msr control, r0\n\t"
			 "isb\n\t"
			 "cpsie i\n\t"
			 "b z_arm_start\n\t"
			 ".ltorg");
}
