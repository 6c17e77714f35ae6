# Cross toolchain and run command for the Cortex-M boards. A board's
# board.cmake sets the variables below and then include()s this file; it runs
# before project(), so the compiler is chosen before CMake probes it.
#
# Inputs (from board.cmake):
#   ZMEM_ARM_CPU         -mcpu value (cortex-m3)
#   ZMEM_BOARD_MEMORY    the board's memory regions, one "NAME ORIGIN LENGTH ATTRS"
#                        string each (LENGTH with K/M suffix, ATTRS as in a
#                        MEMORY command). The first is where code and the vector
#                        table go, the one named SRAM takes data, bss and stacks.
#   ZMEM_ARM_CONSOLE     pl011 | cmsdk (UART0 driver)
#   ZMEM_QEMU_MACHINE    qemu-system-arm -M value
#   ZMEM_QEMU_ARGS       machine-specific arguments (console, semihosting)
# Outputs: ZMEM_ARCH, ZMEM_IMAGE_SUFFIX, ZMEM_RUN_WRAPPER, ZMEM_RUN_COMMAND,
# and the CMake toolchain variables.
include_guard(GLOBAL)

set(ZMEM_ARCH arm)
set(ZMEM_IMAGE_SUFFIX .elf)
# Generated at configure time (linker.ld) and build time (the fragments).
set(ZMEM_ARM_LINKER_SCRIPT ${ZEPHYR_BINARY_DIR}/linker.ld)
set(ZMEM_ARM_FRAGMENT_DIR ${ZEPHYR_BINARY_DIR}/linker)

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
find_program(ZMEM_ARM_GCC arm-none-eabi-gcc)
if(NOT ZMEM_ARM_GCC)
  message(FATAL_ERROR "zmem: BOARD=${BOARD} needs arm-none-eabi-gcc: "
                      "apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi")
endif()
get_filename_component(zmem_arm_bindir ${ZMEM_ARM_GCC} DIRECTORY)
set(CMAKE_C_COMPILER ${ZMEM_ARM_GCC})
set(CMAKE_AR ${zmem_arm_bindir}/arm-none-eabi-ar CACHE FILEPATH "" FORCE)
set(CMAKE_RANLIB ${zmem_arm_bindir}/arm-none-eabi-ranlib CACHE FILEPATH "" FORCE)
set(ZMEM_ARM_READELF ${zmem_arm_bindir}/arm-none-eabi-readelf)
set(ZMEM_ARM_NM ${zmem_arm_bindir}/arm-none-eabi-nm)
set(ZMEM_ARM_SIZE ${zmem_arm_bindir}/arm-none-eabi-size)
# The compiler cannot link a test program without our linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "-mcpu=${ZMEM_ARM_CPU} -mthumb -mfloat-abi=soft")

# `run`: QEMU under `timeout` (a hung guest never exits by itself). QEMU's exit
# status is main()'s return value (semihosting SYS_EXIT_EXTENDED); 124 means the
# guest ran out of time.
set(ZMEM_RUN_TIMEOUT 300 CACHE STRING "Seconds after which `run` stops QEMU")
set(ZMEM_QEMU_EXTRA_ARGS "" CACHE STRING
    "Extra qemu-system-arm arguments for `run` (e.g. -icount shift=0,sleep=off)")
find_program(ZMEM_QEMU_ARM qemu-system-arm)
if(NOT ZMEM_QEMU_ARM)
  set(ZMEM_QEMU_ARM qemu-system-arm)
endif()
set(ZMEM_RUN_WRAPPER "")
set(ZMEM_RUN_COMMAND timeout ${ZMEM_RUN_TIMEOUT} ${ZMEM_QEMU_ARM} -M ${ZMEM_QEMU_MACHINE}
    ${ZMEM_QEMU_ARGS} -semihosting-config enable=on,target=native ${ZMEM_QEMU_EXTRA_ARGS}
    -kernel)

# The image links every zmem layer whole (zmem_image.cmake); CMake's Generic
# platform does not define WHOLE_ARCHIVE, GNU ld supports it.
set(CMAKE_C_LINK_LIBRARY_USING_WHOLE_ARCHIVE
    "LINKER:--whole-archive" "<LINK_ITEM>" "LINKER:--no-whole-archive")
set(CMAKE_C_LINK_LIBRARY_USING_WHOLE_ARCHIVE_SUPPORTED TRUE)
