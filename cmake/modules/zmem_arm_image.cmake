# Image support for the Cortex-M boards, included by arch/arm/CMakeLists.txt
# (after Kconfig): the linker script generated from the board's memory map,
# zephyr_code_relocate() for these boards, and the build-time step that turns
# the compiled objects' section names into linker-script fragments.
#
# Inputs: ZMEM_BOARD_MEMORY (board.cmake), ZEPHYR_BINARY_DIR, BOARD.
# Outputs: ${ZMEM_ARM_LINKER_SCRIPT} (zmem_arm.cmake names it), the fragments
#          under ${ZMEM_ARM_FRAGMENT_DIR} at build time, zephyr_code_relocate().
include_guard(GLOBAL)

# "NAME ORIGIN LENGTH ATTRS" strings -> region names, first (code) region.
function(zmem_arm_board_regions out_names)
  set(names "")
  foreach(entry ${ZMEM_BOARD_MEMORY})
    string(REGEX REPLACE "[ \t]+" ";" fields "${entry}")
    list(GET fields 0 name)
    list(APPEND names ${name})
  endforeach()
  set(${out_names} ${names} PARENT_SCOPE)
endfunction()

function(zmem_arm_generate_linker_script out_file)
  set(memory "")
  set(have_sram OFF)
  foreach(entry ${ZMEM_BOARD_MEMORY})
    string(REGEX REPLACE "[ \t]+" ";" fields "${entry}")
    list(LENGTH fields n)
    if(NOT n EQUAL 4)
      message(FATAL_ERROR "zmem: boards/${BOARD}/board.cmake: memory entry '${entry}' is not "
                          "\"NAME ORIGIN LENGTH ATTRS\"")
    endif()
    list(GET fields 0 name)
    list(GET fields 1 origin)
    list(GET fields 2 length)
    list(GET fields 3 attrs)
    if(name STREQUAL "SRAM")
      set(have_sram ON)
      set(sram_length ${length})
    endif()
    string(APPEND memory "\t${name} (${attrs}) : ORIGIN = ${origin}, LENGTH = ${length}\n")
  endforeach()
  if(NOT have_sram)
    message(FATAL_ERROR "zmem: boards/${BOARD}/board.cmake: no SRAM region in ZMEM_BOARD_MEMORY")
  endif()
  # CONFIG_SRAM_SIZE (KiB, Zephyr's symbol, from Kconfig.defconfig) must agree with the map.
  if(DEFINED CONFIG_SRAM_SIZE AND sram_length MATCHES "^([0-9]+)([KM]?)$")
    set(kib ${CMAKE_MATCH_1})
    if(CMAKE_MATCH_2 STREQUAL "M")
      math(EXPR kib "${kib} * 1024")
    elseif(CMAKE_MATCH_2 STREQUAL "")
      math(EXPR kib "${kib} / 1024")
    endif()
    if(NOT kib EQUAL CONFIG_SRAM_SIZE)
      message(FATAL_ERROR "zmem: CONFIG_SRAM_SIZE=${CONFIG_SRAM_SIZE} (KiB) but "
                          "boards/${BOARD}/board.cmake gives SRAM ${sram_length}")
    endif()
  endif()
  zmem_arm_board_regions(names)
  list(GET names 0 ZMEM_LD_CODE)
  string(STRIP "${memory}" ZMEM_LD_MEMORY)
  set(ZMEM_LD_MEMORY "\t${ZMEM_LD_MEMORY}")
  set(ZMEM_LD_FRAGMENTS ${ZMEM_ARM_FRAGMENT_DIR})
  configure_file(${ZMEM_BASE}/arch/arm/cortex_m/linker.ld.in ${out_file} @ONLY)
endfunction()

zmem_arm_generate_linker_script(${ZMEM_ARM_LINKER_SCRIPT})
set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${ZMEM_BASE}/arch/arm/cortex_m/linker.ld.in ${BOARD_DIR}/board.cmake)

# Called by zephyr_code_relocate() (cmake/modules/zmem_code_relocate.cmake)
# once the arguments are checked. Unknown regions fail here, at configure time.
function(zmem_board_code_relocate)
  cmake_parse_arguments(CR "NOCOPY;NOKEEP" "LOCATION;LIBRARY;PHDR;FILTER" "FILES" ${ARGN})
  if(NOT CONFIG_CODE_DATA_RELOCATION)
    message(FATAL_ERROR "zephyr_code_relocate: set CONFIG_CODE_DATA_RELOCATION=y in prj.conf")
  endif()
  if(CR_PHDR OR CR_FILTER)
    message(FATAL_ERROR "zephyr_code_relocate: PHDR and FILTER are not supported by zmem")
  endif()
  zmem_arm_board_regions(regions)
  set(region ${CR_LOCATION})
  while(region MATCHES "^(.+)_(TEXT|RODATA|DATA|BSS)$")
    set(region ${CMAKE_MATCH_1})
  endwhile()
  if(NOT region IN_LIST regions)
    string(REPLACE ";" ", " listed "${regions}")
    message(FATAL_ERROR "zephyr_code_relocate: LOCATION ${CR_LOCATION}: board ${BOARD} has no "
                        "memory region '${region}'; its regions are: ${listed}")
  endif()
  set(copy COPY)
  if(CR_NOCOPY)
    set(copy NOCOPY)
  endif()
  set(keep KEEP)
  if(CR_NOKEEP)
    set(keep NOKEEP)
  endif()
  if(CR_LIBRARY)
    set(line "${CR_LOCATION}|${copy}|${keep}|LIBRARY|$<TARGET_FILE:${CR_LIBRARY}>")
    set_property(GLOBAL APPEND PROPERTY ZMEM_RELOCATE_LIBRARIES ${CR_LIBRARY})
  else()
    set(files "")
    foreach(f ${CR_FILES})
      if(NOT f MATCHES "^\\$<" AND NOT IS_ABSOLUTE "${f}")
        set(f ${CMAKE_CURRENT_SOURCE_DIR}/${f})
      endif()
      list(APPEND files "${f}")
    endforeach()
    string(REPLACE ";" "\\;" files "${files}")
    set(line "${CR_LOCATION}|${copy}|${keep}|FILES|${files}")
  endif()
  set_property(GLOBAL APPEND PROPERTY ZMEM_RELOCATE_REQUESTS "${line}")
  message(STATUS "zephyr_code_relocate: ${CR_FILES}${CR_LIBRARY} -> ${CR_LOCATION} "
                 "(${copy}, ${keep})")
endfunction()

# End of the application's CMakeLists.txt: every target and every relocation
# request exists now.
function(zmem_arm_finalize_image)
  get_property(requests GLOBAL PROPERTY ZMEM_RELOCATE_REQUESTS)
  set(content "")
  foreach(r IN LISTS requests)
    string(APPEND content "${r}\n")
  endforeach()
  set(requests_file ${ZEPHYR_BINARY_DIR}/relocate_requests.txt)
  file(GENERATE OUTPUT ${requests_file} CONTENT "${content}")

  set(libs app zmem_kernel zmem_arch zmem_cores)
  get_property(extra_libs GLOBAL PROPERTY ZMEM_RELOCATE_LIBRARIES)
  list(APPEND libs ${extra_libs})
  list(REMOVE_DUPLICATES libs)
  set(archive_args "")
  foreach(lib ${libs})
    list(APPEND archive_args --archive $<TARGET_FILE:${lib}>)
  endforeach()
  zmem_arm_board_regions(regions)
  string(REPLACE ";" " " regions "${regions}")
  set(d ${ZMEM_ARM_FRAGMENT_DIR})
  set(fragments ${d}/reloc_sections.ld ${d}/iterable_rom.ld ${d}/iterable_ram.ld
                ${d}/app_smem.ld ${d}/copy_table.ld ${d}/zero_table.ld)
  add_custom_command(
    OUTPUT ${fragments} ${d}/relocation.txt
    COMMAND ${ZMEM_KCONFIG_PYTHON} ${ZMEM_BASE}/scripts/relocate/gen_sections.py
            --readelf ${ZMEM_ARM_READELF} ${archive_args} --requests ${requests_file}
            --regions "${regions}" --out-dir ${d}
    DEPENDS ${libs} ${requests_file} ${ZMEM_BASE}/scripts/relocate/gen_sections.py
            ${ZMEM_BASE}/scripts/relocate/app_smem.py
    COMMENT "Generating linker-script fragments from the objects' sections"
    VERBATIM)
  add_custom_target(zmem_linker_fragments DEPENDS ${fragments})
  add_dependencies(zephyr_final zmem_linker_fragments)
  set_property(TARGET zephyr_final APPEND PROPERTY LINK_DEPENDS
               ${ZMEM_ARM_LINKER_SCRIPT} ${fragments})
endfunction()
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL zmem_arm_finalize_image)

# The run command, one argument per line, for scripts/ci/check-sample (the
# `run` target runs the same command).
string(REPLACE ";" "\n" run_lines "${ZMEM_RUN_COMMAND};${ZEPHYR_BINARY_DIR}/zephyr${ZMEM_IMAGE_SUFFIX}")
file(WRITE ${ZEPHYR_BINARY_DIR}/run_command.txt "${run_lines}\n")
