/* Relocated whole (LOCATION SRAM): code, its constant table, data and bss. */
#include "reloc.h"

static const uint32_t weights[4] = { 1, 3, 7, 13 };
uint32_t reloc_sram_counter = 0x5eed;
uint32_t reloc_sram_zeroed[8];

uint32_t reloc_sram_checksum(const uint8_t *buf, uint32_t len)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < len; i++) {
		sum = sum * 31U + buf[i] * weights[i % 4U];
	}
	reloc_sram_counter++;
	return sum;
}

#if defined(__arm__)
uintptr_t reloc_sram_where(void)
{
	return RELOC_HERE();
}
#else
uintptr_t reloc_sram_where(void)
{
	return (uintptr_t)reloc_sram_where;
}
#endif

uint32_t reloc_sram_calls_flash(uint32_t x)
{
	return flash_square(x) + 1U;
}
