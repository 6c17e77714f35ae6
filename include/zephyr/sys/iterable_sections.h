/*
 * Iterable sections: objects of one type, defined in any translation unit,
 * gathered by the linker into one array that the kernel walks at boot.
 *
 * Every object of type `struct T` goes to the output section `zmem_it_T`.
 * Its name is a C identifier, so GNU ld defines __start_zmem_it_T and
 * __stop_zmem_it_T around it, both with the host's default linker script and
 * with zmem's generated MCU scripts (which KEEP() these sections).
 * Each object is given exactly the alignment of its type: without that, GCC
 * raises the alignment of large globals (to 32 bytes on x86-64) and the array
 * would have holes.
 */
#ifndef ZEPHYR_INCLUDE_SYS_ITERABLE_SECTIONS_H_
#define ZEPHYR_INCLUDE_SYS_ITERABLE_SECTIONS_H_

#include <zephyr/toolchain.h>

#define Z_IT_SECTION_NAME(struct_type) "zmem_it_" #struct_type
#define Z_IT_START(struct_type) _CONCAT(__start_zmem_it_, struct_type)
#define Z_IT_STOP(struct_type) _CONCAT(__stop_zmem_it_, struct_type)

#define Z_IT_ATTRS(struct_type)                                              \
	__attribute__((__section__(Z_IT_SECTION_NAME(struct_type)), __used__,  \
		       __aligned__(__alignof__(struct struct_type))))

/* Define `struct struct_type varname` as a member of its iterable section. */
#define STRUCT_SECTION_ITERABLE(struct_type, varname) \
	Z_IT_ATTRS(struct_type) struct struct_type varname

/* Same, for an object whose section is named after another type. */
#define STRUCT_SECTION_ITERABLE_ALTERNATE(secname, struct_type, varname)         \
	__attribute__((__section__(Z_IT_SECTION_NAME(secname)), __used__,         \
		       __aligned__(__alignof__(struct struct_type)))) struct struct_type varname

/* Declare the bounds; needed once per translation unit that iterates. */
#define STRUCT_SECTION_DECLARE(struct_type)                     \
	extern struct struct_type Z_IT_START(struct_type)[] __attribute__((weak)); \
	extern struct struct_type Z_IT_STOP(struct_type)[] __attribute__((weak))

/*
 * Loop over every object in the section. The bounds are weak, so a section
 * with no member iterates zero times instead of failing to link.
 */
#define STRUCT_SECTION_FOREACH(struct_type, iterator)                                  \
	STRUCT_SECTION_DECLARE(struct_type);                                           \
	for (struct struct_type *iterator = Z_IT_START(struct_type);                  \
	     iterator != NULL && iterator < Z_IT_STOP(struct_type); iterator++)

#define STRUCT_SECTION_COUNT(struct_type, dst)                                         \
	do {                                                                           \
		STRUCT_SECTION_DECLARE(struct_type);                                   \
		*(dst) = (int)(Z_IT_STOP(struct_type) - Z_IT_START(struct_type));      \
	} while (0)

#define STRUCT_SECTION_START(struct_type) Z_IT_START(struct_type)

#endif /* ZEPHYR_INCLUDE_SYS_ITERABLE_SECTIONS_H_ */
