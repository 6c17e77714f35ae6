# zmem heap engine sources.
# Input: CONFIG_* CMake variables in scope ("y" or a number, unset when off), as imported
# from .config. Output: ZMEM_HEAP_SOURCES, a list of absolute paths (the core, then each
# optional feature whose symbol is on), like zephyr_library_sources_ifdef().
set(ZMEM_HEAP_DIR ${CMAKE_CURRENT_LIST_DIR})
set(ZMEM_HEAP_SOURCES
  ${ZMEM_HEAP_DIR}/heap.c
  ${ZMEM_HEAP_DIR}/heap_aligned.c
  ${ZMEM_HEAP_DIR}/heap_realloc.c
  ${ZMEM_HEAP_DIR}/heap_largest.c
)
if(CONFIG_SYS_HEAP_VALIDATE)
  list(APPEND ZMEM_HEAP_SOURCES ${ZMEM_HEAP_DIR}/heap_validate.c)
endif()
if(CONFIG_SYS_HEAP_RUNTIME_STATS)
  list(APPEND ZMEM_HEAP_SOURCES ${ZMEM_HEAP_DIR}/heap_stats.c)
endif()
if(CONFIG_SYS_HEAP_INFO)
  list(APPEND ZMEM_HEAP_SOURCES ${ZMEM_HEAP_DIR}/heap_info.c)
endif()
if(CONFIG_SYS_HEAP_STRESS)
  list(APPEND ZMEM_HEAP_SOURCES ${ZMEM_HEAP_DIR}/heap_stress.c)
endif()
if(CONFIG_HEAP_LISTENER)
  list(APPEND ZMEM_HEAP_SOURCES ${ZMEM_HEAP_DIR}/heap_listener.c)
endif()
if(CONFIG_SYS_HEAP_TRACE)
  list(APPEND ZMEM_HEAP_SOURCES ${ZMEM_HEAP_DIR}/heap_trace.c)
endif()
if(CONFIG_MULTI_HEAP)
  list(APPEND ZMEM_HEAP_SOURCES ${ZMEM_HEAP_DIR}/multi_heap.c)
endif()
if(DEFINED CONFIG_SYS_HEAP_ARRAY_SIZE AND CONFIG_SYS_HEAP_ARRAY_SIZE GREATER 0)
  list(APPEND ZMEM_HEAP_SOURCES ${ZMEM_HEAP_DIR}/heap_array.c)
endif()
