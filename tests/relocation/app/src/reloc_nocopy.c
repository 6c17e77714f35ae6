/*
 * LOCATION SRAM_TEXT NOCOPY: linked to run from SRAM, but startup copies
 * nothing: the loader (QEMU's -kernel) puts it there, as external memory
 * would be loaded by something else.
 */
#include "reloc.h"

#if defined(__arm__)
uintptr_t reloc_nocopy_where(void)
{
	return RELOC_HERE();
}
#else
uintptr_t reloc_nocopy_where(void)
{
	return (uintptr_t)reloc_nocopy_where;
}
#endif
