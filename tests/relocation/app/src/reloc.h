/* Functions and data of the relocated files (see CMakeLists.txt). */
#ifndef RELOC_H_
#define RELOC_H_

#include <stdint.h>

/* reloc_sram.c: LOCATION SRAM (text, rodata, data, bss) */
uint32_t reloc_sram_checksum(const uint8_t *buf, uint32_t len);
uintptr_t reloc_sram_where(void);
extern uint32_t reloc_sram_counter;   /* .data, initial value 0x5eed */
extern uint32_t reloc_sram_zeroed[8]; /* .bss */
/* Calls back into flash (flash_square() in main.c): through a linker veneer. */
uint32_t reloc_sram_calls_flash(uint32_t x);
uint32_t flash_square(uint32_t x);

/* reloc_data.c: LOCATION SRAM_DATA */
extern int32_t reloc_data_table[4]; /* {3, 1, 4, 1} */
int32_t reloc_data_sum(void);

/* reloc_nocopy.c: LOCATION SRAM_TEXT NOCOPY */
uintptr_t reloc_nocopy_where(void);

/* reloc_ext.c: SDRAM on mps2_an385, SRAM_TEXT_DATA_BSS elsewhere */
uint32_t reloc_ext_fib(uint32_t n);
uintptr_t reloc_ext_where(void);
extern uint32_t reloc_ext_data[2]; /* {0xcafe, 0xf00d} */
extern uint32_t reloc_ext_bss[4];

/* The address of the instruction that reads it: where the code really runs. */
#define RELOC_HERE()                                                  \
	({                                                            \
		uintptr_t pc_;                                        \
		__asm__ volatile("mov %0, pc" : "=r"(pc_));           \
		pc_;                                                  \
	})

#endif
