# find_package(Zmem) with ZMEM_BASE (or Zmem_DIR, or after `zmem export`)
# pointing at a zmem checkout.
get_filename_component(ZMEM_PACKAGE_BASE "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(ZMEM_PACKAGE_ENV ZMEM_BASE)
include(${ZMEM_PACKAGE_BASE}/cmake/zmem_package_check.cmake)
include(${ZMEM_PACKAGE_BASE}/cmake/zephyr_app.cmake)
