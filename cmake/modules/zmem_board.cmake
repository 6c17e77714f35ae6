# Chooses the board and reads its description.
# Input: BOARD (cache/command line), $ENV{BOARD}. Default: native_sim.
# Output: BOARD, BOARD_DIR, and whatever boards/<BOARD>/board.cmake sets:
#   ZMEM_ARCH          posix | arm
#   ZMEM_IMAGE_SUFFIX  .exe | .elf
#   ZMEM_RUN_COMMAND   command list that runs the image (the image path is appended)

if(NOT DEFINED BOARD OR BOARD STREQUAL "")
  if(DEFINED ENV{BOARD} AND NOT "$ENV{BOARD}" STREQUAL "")
    set(BOARD $ENV{BOARD})
  else()
    set(BOARD native_sim)
  endif()
endif()

# A build directory belongs to one board, as in Zephyr.
if(DEFINED CACHED_BOARD AND NOT CACHED_BOARD STREQUAL BOARD)
  message(FATAL_ERROR "zmem: this build directory was configured for BOARD=${CACHED_BOARD}, "
                      "not ${BOARD}: use a new build directory (or `zmem build -p`).")
endif()
set(CACHED_BOARD ${BOARD} CACHE STRING "Board this build directory is configured for" FORCE)

set(BOARD_DIR ${ZMEM_BASE}/boards/${BOARD})
if(NOT EXISTS ${BOARD_DIR}/board.cmake)
  file(GLOB board_files RELATIVE ${ZMEM_BASE}/boards ${ZMEM_BASE}/boards/*/board.cmake)
  set(known "")
  foreach(f ${board_files})
    get_filename_component(d ${f} DIRECTORY)
    list(APPEND known ${d})
  endforeach()
  list(SORT known)
  string(REPLACE ";" ", " known "${known}")
  message(FATAL_ERROR "zmem: unknown BOARD '${BOARD}'; boards: ${known} (e.g. -DBOARD=native_sim)")
endif()

include(${BOARD_DIR}/board.cmake)
message(STATUS "zmem: board ${BOARD} (${ZMEM_ARCH})")
