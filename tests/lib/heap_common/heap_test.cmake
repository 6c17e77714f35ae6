# zmem_heap_test(<name> SOURCES <test sources...> CONFIGS CONFIG_X=y ... [LABELS ...] [TIMEOUT s])
#
# One cmocka test over the heap engine built in one configuration: CONFIGS become both the
# forced CONFIG_ header (zmem_unit_test) and CMake variables, with which
# lib/heap/sources.cmake picks the engine's sources, as an application build does. The
# engine's private header directory is on the include path for white-box checks.
function(zmem_heap_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;CONFIGS;LABELS" ${ARGN})
  foreach(assignment ${T_CONFIGS})
    if(assignment MATCHES "^(CONFIG_[A-Za-z0-9_]+)=(.*)$" AND NOT CMAKE_MATCH_2 STREQUAL "n")
      set(${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
    endif()
  endforeach()
  include(${ZMEM_BASE}/lib/heap/sources.cmake)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  zmem_unit_test(${name}
    SOURCES ${T_SOURCES} ${ZMEM_HEAP_SOURCES}
    CONFIGS ${T_CONFIGS}
    LABELS heap ${T_LABELS}
    TIMEOUT ${T_TIMEOUT})
  target_include_directories(${name} PRIVATE ${ZMEM_BASE}/lib/heap)
endfunction()
