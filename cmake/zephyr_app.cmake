# zmem's application build: what find_package(Zephyr) / find_package(Zmem) runs.
#
# Inputs (Zephyr's names):
#   BOARD              -DBOARD=, else $ENV{BOARD}, else native_sim
#   CONF_FILE          -DCONF_FILE= replaces <app>/prj.conf (list, merged in order)
#   EXTRA_CONF_FILE    -DEXTRA_CONF_FILE= fragments merged after it
#   CONFIG_<X>         -DCONFIG_X=value, merged last
#   ZMEM_SANITIZE      address | thread: host-board sanitizers for the image
# Outputs in the build directory:
#   zephyr/.config, zephyr/include/generated/zephyr/autoconf.h
#   zephyr/zephyr.exe (native_sim) or zephyr/zephyr.elf (MCU boards)
#   targets: app (the user's library), run, menuconfig, guiconfig
cmake_minimum_required(VERSION 3.20)
include_guard(GLOBAL)

set(ZEPHYR_BASE ${ZMEM_PACKAGE_BASE})
set(ZMEM_BASE ${ZMEM_PACKAGE_BASE})
set(ENV{ZEPHYR_BASE} ${ZEPHYR_BASE})
set(APPLICATION_SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
set(APPLICATION_BINARY_DIR ${CMAKE_CURRENT_BINARY_DIR})
set(ZEPHYR_BINARY_DIR ${CMAKE_CURRENT_BINARY_DIR}/zephyr)
set(ZMEM_GENERATED_INCLUDE_DIR ${ZEPHYR_BINARY_DIR}/include/generated)
set(AUTOCONF_H ${ZMEM_GENERATED_INCLUDE_DIR}/zephyr/autoconf.h)
set(DOTCONFIG ${ZEPHYR_BINARY_DIR}/.config)

list(APPEND CMAKE_MODULE_PATH ${ZMEM_BASE}/cmake/modules)
include(zmem_board)        # BOARD, board.cmake, toolchain selection
project(Zephyr-Kernel VERSION 4.1.0 LANGUAGES C)
include(zmem_kconfig)      # .config, autoconf.h, CONFIG_ CMake variables
include(zmem_extensions)   # zephyr_* CMake functions apps call
include(zmem_image)        # zephyr_interface, zmem libraries, app, final image, run
