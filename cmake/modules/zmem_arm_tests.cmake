# QEMU runs of Zephyr-style apps for zmem's own test build (tests/*/CMakeLists.txt).
#
# zmem_qemu_app_test(<name> <app-dir> [BOARDS b...] [TIMEOUT s] [ARGS check-sample args...])
#   adds one ctest per board (default: every QEMU board), named <name>_<board>,
#   labelled `qemu`: scripts/ci/check-sample builds the app out of tree for the
#   board and runs it under QEMU with -icount shift=0,sleep=off (each guest
#   instruction is 1 ns of virtual time and idle time is skipped, so timeouts
#   are fast and deterministic), under `timeout`; pass/fail is QEMU's exit
#   status plus the app's expected_output.txt.
# Only the plain host build registers them: sanitizer, valgrind and 32-bit
# variants test the host, and the cross toolchain and QEMU must be installed.
# Included by several test directories: variables are per directory, so no
# include_guard (the function definition is simply repeated).

set(ZMEM_QEMU_BOARDS qemu_cortex_m3 mps2_an385)
find_program(ZMEM_QEMU_SYSTEM_ARM qemu-system-arm)
find_program(ZMEM_ARM_NONE_EABI_GCC arm-none-eabi-gcc)
find_package(Python3 COMPONENTS Interpreter REQUIRED)

set(ZMEM_QEMU_TESTS_ENABLED ON)
if(ZMEM_SANITIZE OR ZMEM_VALGRIND OR ZMEM_M32)
  set(ZMEM_QEMU_TESTS_ENABLED OFF)
elseif(NOT ZMEM_QEMU_SYSTEM_ARM OR NOT ZMEM_ARM_NONE_EABI_GCC)
  set(ZMEM_QEMU_TESTS_ENABLED OFF)
  get_property(told GLOBAL PROPERTY ZMEM_QEMU_TESTS_TOLD)
  set_property(GLOBAL PROPERTY ZMEM_QEMU_TESTS_TOLD ON)
endif()
if(NOT ZMEM_QEMU_TESTS_ENABLED AND NOT told AND NOT (ZMEM_SANITIZE OR ZMEM_VALGRIND OR ZMEM_M32))
  message(STATUS "zmem: qemu-system-arm or arm-none-eabi-gcc missing: QEMU board tests skipped "
                 "(scripts/run-tests installs them)")
endif()

function(zmem_qemu_app_test name app)
  cmake_parse_arguments(Q "" "TIMEOUT" "BOARDS;ARGS" ${ARGN})
  if(NOT ZMEM_QEMU_TESTS_ENABLED)
    return()
  endif()
  if(NOT Q_BOARDS)
    set(Q_BOARDS ${ZMEM_QEMU_BOARDS})
  endif()
  if(NOT Q_TIMEOUT)
    set(Q_TIMEOUT 60)
  endif()
  foreach(board ${Q_BOARDS})
    add_test(NAME ${name}_${board}
      COMMAND ${Python3_EXECUTABLE} ${ZMEM_BASE}/scripts/ci/check-sample
              ${app} ${CMAKE_CURRENT_BINARY_DIR}/${name}_${board} --board ${board}
              --timeout ${Q_TIMEOUT} --qemu-args "-icount shift=0,sleep=off" ${Q_ARGS})
    math(EXPR ctest_timeout "${Q_TIMEOUT} + 240")
    set_tests_properties(${name}_${board} PROPERTIES LABELS qemu TIMEOUT ${ctest_timeout})
  endforeach()
endfunction()
