# zephyr_code_relocate(FILES <files...> | LIBRARY <target>
#                      LOCATION <REGION>[_TEXT|_RODATA|_DATA|_BSS...] [NOCOPY] [NOKEEP]
#                      [PHDR <phdr>] [FILTER <regex>])
#
# Argument checking is shared by every board. On native_sim there are no
# linker regions to move code into: the call is accepted and reported as a
# no-op at configure time. MCU boards that implement relocation define
# zmem_board_code_relocate() in their board support and receive the parsed call.

function(zephyr_code_relocate)
  # Legacy form: zephyr_code_relocate(<file> <location>).
  if(ARGC EQUAL 2 AND NOT ARGV0 MATCHES "^(FILES|LIBRARY|LOCATION)$")
    message(DEPRECATION "zephyr_code_relocate(<file> <location>) is deprecated: "
                        "use zephyr_code_relocate(FILES <file> LOCATION <location>)")
    zephyr_code_relocate(FILES ${ARGV0} LOCATION ${ARGV1})
    return()
  endif()
  cmake_parse_arguments(CR "NOCOPY;NOKEEP" "LOCATION;LIBRARY;PHDR;FILTER" "FILES" ${ARGN})
  if(CR_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "zephyr_code_relocate: unexpected arguments: ${CR_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT CR_LOCATION)
    message(FATAL_ERROR "zephyr_code_relocate: LOCATION <region> is required")
  endif()
  if((CR_FILES AND CR_LIBRARY) OR (NOT CR_FILES AND NOT CR_LIBRARY))
    message(FATAL_ERROR "zephyr_code_relocate: give exactly one of FILES or LIBRARY")
  endif()
  if(COMMAND zmem_board_code_relocate)
    zmem_board_code_relocate(${ARGN})
  elseif(NOT CONFIG_CODE_DATA_RELOCATION)
    message(FATAL_ERROR "zephyr_code_relocate: set CONFIG_CODE_DATA_RELOCATION=y in prj.conf")
  else()
    message(STATUS "zephyr_code_relocate(${CR_FILES}${CR_LIBRARY} -> ${CR_LOCATION}): "
                   "no-op on ${BOARD}, which has no separate linker regions")
  endif()
endfunction()
