/* Must fail to compile: 24 is not a power of two (tests/lib/mem_blocks/CMakeLists.txt). */
#include <zephyr/sys/mem_blocks.h>

SYS_MEM_BLOCKS_DEFINE(bad_pool, 24, 4, 8);
