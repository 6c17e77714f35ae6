# Kconfig for an application build, merged in Zephyr's order:
#   1. boards/<BOARD>/<BOARD>_defconfig
#   2. CONF_FILE if given, else <app>/prj.conf; then <app>/boards/<BOARD>.conf if present
#   3. EXTRA_CONF_FILE (list)
#   4. -DCONFIG_X=value on the cmake command line
# Outputs: ${DOTCONFIG}, ${AUTOCONF_H}, and every symbol as a CMake variable
# (CONFIG_X = y / number / string; unset symbols stay undefined).
# If the inputs are unchanged since the last run, the existing .config is the
# only input, so that edits made with menuconfig survive re-configuration.

set(ZMEM_KCONFIG_SCRIPT ${ZMEM_BASE}/scripts/kconfig/kconfig.py CACHE FILEPATH
    "Kconfig merge script (tests may override)")

# Debian's python3-kconfiglib lives in /usr/bin/python3's path; the first
# python3 on PATH may be another interpreter without it.
if(NOT ZMEM_KCONFIG_PYTHON)
  find_program(path_python3 python3)
  foreach(candidate /usr/bin/python3 ${path_python3})
    if(EXISTS ${candidate})
      execute_process(COMMAND ${candidate} -c "import kconfiglib"
                      RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
      if(rc EQUAL 0)
        set(ZMEM_KCONFIG_PYTHON ${candidate} CACHE FILEPATH "Python with kconfiglib")
        break()
      endif()
    endif()
  endforeach()
  if(NOT ZMEM_KCONFIG_PYTHON)
    message(FATAL_ERROR "zmem: no python3 can import kconfiglib: "
                        "install it with `apt-get install python3-kconfiglib`")
  endif()
endif()

function(zmem_resolve_conf_files out_var)
  set(result "")
  foreach(f ${ARGN})
    if(NOT IS_ABSOLUTE ${f})
      set(f ${APPLICATION_SOURCE_DIR}/${f})
    endif()
    if(NOT EXISTS ${f})
      message(FATAL_ERROR "zmem: configuration file not found: ${f}")
    endif()
    list(APPEND result ${f})
  endforeach()
  set(${out_var} ${result} PARENT_SCOPE)
endfunction()

set(conf_inputs "")
if(EXISTS ${BOARD_DIR}/${BOARD}_defconfig)
  list(APPEND conf_inputs ${BOARD_DIR}/${BOARD}_defconfig)
endif()
if(DEFINED CONF_FILE AND NOT CONF_FILE STREQUAL "")
  string(REPLACE " " ";" conf_file_list "${CONF_FILE}")
  zmem_resolve_conf_files(app_confs ${conf_file_list})
  list(APPEND conf_inputs ${app_confs})
elseif(EXISTS ${APPLICATION_SOURCE_DIR}/prj.conf)
  list(APPEND conf_inputs ${APPLICATION_SOURCE_DIR}/prj.conf)
endif()
if(EXISTS ${APPLICATION_SOURCE_DIR}/boards/${BOARD}.conf)
  list(APPEND conf_inputs ${APPLICATION_SOURCE_DIR}/boards/${BOARD}.conf)
endif()
if(DEFINED EXTRA_CONF_FILE AND NOT EXTRA_CONF_FILE STREQUAL "")
  string(REPLACE " " ";" extra_list "${EXTRA_CONF_FILE}")
  zmem_resolve_conf_files(extra_confs ${extra_list})
  list(APPEND conf_inputs ${extra_confs})
endif()

# Command-line assignments are the cache entries named CONFIG_*.
get_cmake_property(cache_vars CACHE_VARIABLES)
set(cli_sets "")
foreach(var ${cache_vars})
  if(var MATCHES "^CONFIG_")
    list(APPEND cli_sets "--set" "${var}=${${var}}")
  endif()
endforeach()

if(CMAKE_SIZEOF_VOID_P EQUAL 8)
  set(zmem_64bit y)
else()
  set(zmem_64bit n)
endif()
set(kconfig_env --env BOARD=${BOARD} --env ARCH=${ZMEM_ARCH} --env ZMEM_64BIT=${zmem_64bit}
    --env BOARD_DIR=${BOARD_DIR})

# Every Kconfig file of the tree: a change to one re-runs CMake and, through
# the fingerprint, restarts the merge from the inputs (new defaults appear).
file(GLOB kconfig_files ${ZMEM_BASE}/Kconfig*)
foreach(dir kernel lib arch boards subsys)
  file(GLOB_RECURSE dir_kconfigs ${ZMEM_BASE}/${dir}/Kconfig* ${ZMEM_BASE}/${dir}/*_defconfig)
  list(APPEND kconfig_files ${dir_kconfigs})
endforeach()

# Fingerprint of everything that feeds the merge.
set(fingerprint "${cli_sets};${kconfig_env}")
foreach(f ${conf_inputs} ${kconfig_files})
  file(SHA256 ${f} h)
  string(APPEND fingerprint ";${f}=${h}")
endforeach()
string(SHA256 fingerprint "${fingerprint}")
set(fingerprint_file ${ZEPHYR_BINARY_DIR}/.config.inputs)
set(merge_inputs ${conf_inputs})
if(EXISTS ${DOTCONFIG} AND EXISTS ${fingerprint_file})
  file(READ ${fingerprint_file} old_fingerprint)
  if(old_fingerprint STREQUAL fingerprint)
    set(merge_inputs ${DOTCONFIG})
    set(cli_sets "")
  endif()
endif()

set(config_in_args "")
foreach(f ${merge_inputs})
  list(APPEND config_in_args --config-in ${f})
endforeach()

set(ZMEM_KCONFIG_CMAKE ${ZEPHYR_BINARY_DIR}/kconfig_values.cmake)
set(ZMEM_KCONFIG_COMMAND
    ${ZMEM_KCONFIG_PYTHON} ${ZMEM_KCONFIG_SCRIPT}
    --kconfig ${ZMEM_BASE}/Kconfig --srctree ${ZMEM_BASE}
    ${kconfig_env})
file(MAKE_DIRECTORY ${ZMEM_GENERATED_INCLUDE_DIR}/zephyr)
execute_process(
  COMMAND ${ZMEM_KCONFIG_COMMAND} ${config_in_args} ${cli_sets}
          --out-config ${DOTCONFIG} --out-header ${AUTOCONF_H} --out-cmake ${ZMEM_KCONFIG_CMAKE}
  RESULT_VARIABLE kconfig_rc)
if(NOT kconfig_rc EQUAL 0)
  file(REMOVE ${fingerprint_file})
  message(FATAL_ERROR "zmem: configuration failed; fix the Kconfig error(s) printed above.")
endif()
file(WRITE ${fingerprint_file} "${fingerprint}")
include(${ZMEM_KCONFIG_CMAKE})

# Re-run CMake when an input, the .config (menuconfig) or a Kconfig file changes.
set_property(DIRECTORY ${APPLICATION_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${conf_inputs} ${DOTCONFIG} ${kconfig_files})
