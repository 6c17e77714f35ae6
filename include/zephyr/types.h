#ifndef ZEPHYR_INCLUDE_TYPES_H_
#define ZEPHYR_INCLUDE_TYPES_H_

#include <stddef.h>
#include <stdint.h>

typedef int32_t s32_t;
typedef uint32_t u32_t;

#endif /* ZEPHYR_INCLUDE_TYPES_H_ */
