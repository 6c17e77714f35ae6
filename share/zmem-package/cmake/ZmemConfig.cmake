# find_package(Zmem) with ZMEM_BASE (or Zmem_DIR) pointing at a zmem checkout.
get_filename_component(ZMEM_PACKAGE_BASE "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
include(${ZMEM_PACKAGE_BASE}/cmake/zephyr_app.cmake)
