/* SDRAM on mps2_an385 (code, data, bss), SRAM_TEXT_DATA_BSS elsewhere. */
#include "reloc.h"

uint32_t reloc_ext_data[2] = { 0xcafe, 0xf00d };
uint32_t reloc_ext_bss[4];

uint32_t reloc_ext_fib(uint32_t n)
{
	uint32_t a = 0, b = 1;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t t = a + b;

		a = b;
		b = t;
	}
	return a;
}

#if defined(__arm__)
uintptr_t reloc_ext_where(void)
{
	return RELOC_HERE();
}
#else
uintptr_t reloc_ext_where(void)
{
	return (uintptr_t)reloc_ext_where;
}
#endif
