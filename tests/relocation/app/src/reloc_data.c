/* Only the data moves (LOCATION SRAM_DATA); the code stays in flash. */
#include "reloc.h"

int32_t reloc_data_table[4] = { 3, 1, 4, 1 };

int32_t reloc_data_sum(void)
{
	return reloc_data_table[0] + reloc_data_table[1] + reloc_data_table[2] +
	       reloc_data_table[3];
}
