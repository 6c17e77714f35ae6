# Which checkout answered find_package(), and does the environment agree?
# Input: ZMEM_PACKAGE_BASE (this checkout), ZMEM_PACKAGE_ENV (ZEPHYR_BASE or
# ZMEM_BASE). Found through HINTS $ENV{...} the two agree. Found through CMake's
# package registry (`zmem export`), an unset variable is fine and a variable
# naming another directory is a one-line error with the fix.
set(zmem_env_base "$ENV{${ZMEM_PACKAGE_ENV}}")
if(zmem_env_base STREQUAL "")
  message(STATUS "zmem: ${ZMEM_PACKAGE_ENV} is not set; using ${ZMEM_PACKAGE_BASE} "
                 "(registered with `zmem export`)")
else()
  get_filename_component(zmem_env_real "${zmem_env_base}" REALPATH)
  get_filename_component(zmem_pkg_real "${ZMEM_PACKAGE_BASE}" REALPATH)
  if(NOT zmem_env_real STREQUAL zmem_pkg_real)
    message(FATAL_ERROR "zmem: ${ZMEM_PACKAGE_ENV}=${zmem_env_base} is not a zmem checkout; "
                        "set ${ZMEM_PACKAGE_ENV}=${ZMEM_PACKAGE_BASE}")
  endif()
endif()
