# The image: zephyr_interface (what every source sees), the zmem layers as
# libraries, the user's `app` library, and the final executable, plus the
# run / menuconfig / guiconfig targets.

set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)

# Everything compiled for the image, zmem and app alike, sees autoconf.h.
add_library(zephyr_interface INTERFACE)
target_include_directories(zephyr_interface INTERFACE
  ${ZMEM_BASE}/include ${ZMEM_GENERATED_INCLUDE_DIR})
target_compile_definitions(zephyr_interface INTERFACE __ZEPHYR__=1 __ZMEM__=1)
target_compile_options(zephyr_interface INTERFACE
  -imacros ${AUTOCONF_H} -ffunction-sections -fdata-sections -g)
target_link_options(zephyr_interface INTERFACE -Wl,--gc-sections)
# CONFIG_*_OPTIMIZATIONS (Kconfig.build), -Os unless the app chose otherwise.
if(CONFIG_SPEED_OPTIMIZATIONS)
  set(ZMEM_OPTIMIZATION_FLAG -O2)
elseif(CONFIG_DEBUG_OPTIMIZATIONS)
  set(ZMEM_OPTIMIZATION_FLAG -Og)
elseif(CONFIG_NO_OPTIMIZATIONS)
  set(ZMEM_OPTIMIZATION_FLAG -O0)
else()
  set(ZMEM_OPTIMIZATION_FLAG -Os)
endif()
target_compile_options(zephyr_interface INTERFACE ${ZMEM_OPTIMIZATION_FLAG})
include(zmem_sanitize)

# K_HEAP_MEM_POOL_SIZE: the system heap's size. CONFIG_HEAP_MEM_POOL_SIZE,
# raised to the sum of every CONFIG_HEAP_MEM_POOL_ADD_SIZE_* unless
# CONFIG_HEAP_MEM_POOL_IGNORE_MIN; 0 means no system heap (k_malloc and
# friends are then not built, so using them fails at link time, as in Zephyr).
set(heap_pool_size 0)
if(DEFINED CONFIG_HEAP_MEM_POOL_SIZE)
  set(heap_pool_size ${CONFIG_HEAP_MEM_POOL_SIZE})
endif()
if(NOT CONFIG_HEAP_MEM_POOL_IGNORE_MIN)
  set(heap_pool_floor 0)
  get_cmake_property(all_vars VARIABLES)
  foreach(var ${all_vars})
    if(var MATCHES "^CONFIG_HEAP_MEM_POOL_ADD_SIZE_" AND "${${var}}" MATCHES "^[0-9]+$")
      math(EXPR heap_pool_floor "${heap_pool_floor} + ${${var}}")
    endif()
  endforeach()
  if(heap_pool_floor GREATER heap_pool_size)
    set(heap_pool_size ${heap_pool_floor})
  endif()
endif()
target_compile_definitions(zephyr_interface INTERFACE K_HEAP_MEM_POOL_SIZE=${heap_pool_size})

# The layers, each its own target (see docs/architecture.md).
add_subdirectory(${ZMEM_BASE}/lib ${ZEPHYR_BINARY_DIR}/lib)
add_subdirectory(${ZMEM_BASE}/kernel ${ZEPHYR_BINARY_DIR}/kernel)
add_subdirectory(${ZMEM_BASE}/arch/${ZMEM_ARCH} ${ZEPHYR_BINARY_DIR}/arch)

# The application: a library the user fills with target_sources(app ...).
add_library(app STATIC)
target_link_libraries(app PUBLIC zephyr_interface)
set_target_properties(app PROPERTIES C_EXTENSIONS ON)

# The image links every layer whole, so that objects reached only through
# iterable sections (K_HEAP_DEFINE, SYS_INIT...) are kept; --gc-sections then
# drops what nothing uses.
add_executable(zephyr_final ${ZMEM_ARCH_ENTRY_SOURCES})
set_target_properties(zephyr_final PROPERTIES
  OUTPUT_NAME zephyr SUFFIX ${ZMEM_IMAGE_SUFFIX}
  RUNTIME_OUTPUT_DIRECTORY ${ZEPHYR_BINARY_DIR})
target_link_libraries(zephyr_final PRIVATE zephyr_interface
  "$<LINK_LIBRARY:WHOLE_ARCHIVE,app,zmem_kernel,zmem_arch,zmem_cores>")
target_link_options(zephyr_final PRIVATE ${ZMEM_ARCH_LINK_OPTIONS})
set(ZMEM_IMAGE ${ZEPHYR_BINARY_DIR}/zephyr${ZMEM_IMAGE_SUFFIX})

# K_APPMEM_PARTITION_DEFINE regions on native_sim (the ARM boards lay them out
# in their own linker script).
if(CONFIG_USERSPACE AND ZMEM_ARCH STREQUAL "posix")
  include(zmem_host_app_smem)
endif()

# `run` exits with the image's status (nonzero when main() returned nonzero).
add_custom_target(run
  COMMAND ${ZMEM_RUN_WRAPPER} ${ZMEM_RUN_COMMAND} ${ZMEM_IMAGE}
  DEPENDS zephyr_final
  WORKING_DIRECTORY ${APPLICATION_BINARY_DIR}
  USES_TERMINAL VERBATIM)

foreach(tool menuconfig guiconfig)
  add_custom_target(${tool}
    COMMAND ${CMAKE_COMMAND} -E env KCONFIG_CONFIG=${DOTCONFIG}
            ${ZMEM_KCONFIG_PYTHON} ${ZMEM_BASE}/scripts/kconfig/${tool}.py
            --kconfig ${ZMEM_BASE}/Kconfig --srctree ${ZMEM_BASE} ${kconfig_env}
            --config ${DOTCONFIG}
    WORKING_DIRECTORY ${APPLICATION_BINARY_DIR}
    USES_TERMINAL VERBATIM)
endforeach()
