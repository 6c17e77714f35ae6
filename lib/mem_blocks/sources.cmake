# zmem memory blocks core sources (sys_mem_blocks, lib/mem_blocks).
# Input: CONFIG_* CMake variables in scope ("y" or unset), as imported from .config.
# Output: ZMEM_MEM_BLOCKS_SOURCES, a list of absolute paths; empty unless
# CONFIG_SYS_MEM_BLOCKS is set. The locked public API is kernel/mem_blocks.c (zmem_kernel).
set(ZMEM_MEM_BLOCKS_DIR ${CMAKE_CURRENT_LIST_DIR})
set(ZMEM_MEM_BLOCKS_SOURCES)
if(CONFIG_SYS_MEM_BLOCKS)
  list(APPEND ZMEM_MEM_BLOCKS_SOURCES
    ${ZMEM_MEM_BLOCKS_DIR}/mem_blocks.c
    ${ZMEM_MEM_BLOCKS_DIR}/mem_blocks_bitmap.c
    ${ZMEM_MEM_BLOCKS_DIR}/mem_blocks_validate.c)
  if(CONFIG_SYS_MEM_BLOCKS_RUNTIME_STATS)
    list(APPEND ZMEM_MEM_BLOCKS_SOURCES ${ZMEM_MEM_BLOCKS_DIR}/mem_blocks_stats.c)
  endif()
endif()
