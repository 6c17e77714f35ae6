/*
 * Relocation proof: every relocated function reports where it runs and
 * computes correctly; relocated .data holds its initial values and relocated
 * .bss reads zero. On a Cortex-M board the addresses must be inside the
 * target region (checked here and, from the ELF, by test_relocation.py).
 */
#include <zephyr/kernel.h>

#include "reloc.h"

#define SRAM_BASE 0x20000000U
#define SRAM_END (SRAM_BASE + CONFIG_SRAM_SIZE * 1024U)
#define SDRAM_BASE 0x21000000U
#define SDRAM_END (SDRAM_BASE + 0x1000000U)

static int failures;

/* Stays in flash: relocated code calls it across the 512 MiB gap. */
__noinline uint32_t flash_square(uint32_t x)
{
	return x * x;
}

static void check(const char *what, bool ok)
{
	printk("%s: %s\n", what, ok ? "ok" : "FAILED");
	failures += !ok;
}

static bool in(uintptr_t a, uint32_t lo, uint32_t hi)
{
	return !IS_ENABLED(CONFIG_ARM) || (a >= lo && a < hi);
}

int main(void)
{
	static const uint8_t msg[] = "relocation";
	uint32_t ext_lo = IS_ENABLED(RELOC_EXT_REGION_SDRAM) ? SDRAM_BASE : SRAM_BASE;
	uint32_t ext_hi = IS_ENABLED(RELOC_EXT_REGION_SDRAM) ? SDRAM_END : SRAM_END;
	uint32_t sum = 0;

	printk("relocation test on %s\n", CONFIG_BOARD);
	printk("reloc_sram_where runs at 0x%08lx\n", (unsigned long)reloc_sram_where());
	printk("reloc_nocopy_where runs at 0x%08lx\n", (unsigned long)reloc_nocopy_where());
	printk("reloc_ext_where runs at 0x%08lx\n", (unsigned long)reloc_ext_where());

	check("SRAM code runs in SRAM", in(reloc_sram_where(), SRAM_BASE, SRAM_END));
	check("NOCOPY code runs in SRAM", in(reloc_nocopy_where(), SRAM_BASE, SRAM_END));
	check("ext code runs in its region", in(reloc_ext_where(), ext_lo, ext_hi));

	for (uint32_t i = 0; i < sizeof(msg) - 1U; i++) {
		static const uint32_t w[4] = { 1, 3, 7, 13 };

		sum = sum * 31U + msg[i] * w[i % 4U];
	}
	check("SRAM .data initial value", reloc_sram_counter == 0x5eed);
	check("SRAM code computes", reloc_sram_checksum(msg, sizeof(msg) - 1U) == sum);
	check("SRAM .data is writable", reloc_sram_counter == 0x5eee);
	check("SRAM code calls flash code", reloc_sram_calls_flash(12) == 145U);
	check("SRAM_DATA initial values", reloc_data_sum() == 9 && reloc_data_table[2] == 4);
	check("SRAM_DATA in SRAM", in((uintptr_t)reloc_data_table, SRAM_BASE, SRAM_END));
	check("ext code computes", reloc_ext_fib(20) == 6765U);
	check("ext .data initial values",
	      reloc_ext_data[0] == 0xcafeU && reloc_ext_data[1] == 0xf00dU);
	check("ext .data in its region", in((uintptr_t)reloc_ext_data, ext_lo, ext_hi));

	bool zero = true;

	for (int i = 0; i < 8; i++) {
		zero = zero && reloc_sram_zeroed[i] == 0U;
	}
	for (int i = 0; i < 4; i++) {
		zero = zero && reloc_ext_bss[i] == 0U;
	}
	check("relocated .bss reads zero", zero);
	check("relocated .bss in its region",
	      in((uintptr_t)reloc_sram_zeroed, SRAM_BASE, SRAM_END) &&
		      in((uintptr_t)reloc_ext_bss, ext_lo, ext_hi));
	printk("relocation: %s\n", failures == 0 ? "all checks passed" : "FAILED");
	return failures;
}
