# Shared by the stress_mem_* apps: the same sources, one configuration each.
find_library(CMOCKA_LIBRARY cmocka REQUIRED)
set(stress_src ${CMAKE_CURRENT_LIST_DIR})
target_sources(app PRIVATE
  ${stress_src}/main.c ${stress_src}/stress.c ${stress_src}/stress_handoff.c
  ${stress_src}/stress_slab.c ${stress_src}/stress_kheap.c ${stress_src}/stress_sys_heap.c
  ${stress_src}/stress_mem_blocks.c ${stress_src}/stress_regressions.c ${stress_src}/../common/ztest_cmocka.c)
target_include_directories(app PRIVATE ${stress_src} ${stress_src}/../common)
target_link_libraries(app PRIVATE ${CMOCKA_LIBRARY})
