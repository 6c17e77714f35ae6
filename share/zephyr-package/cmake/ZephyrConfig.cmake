# find_package(Zephyr) lands here when ZEPHYR_BASE points at a zmem checkout.
# Everything else happens in zmem's application build.
get_filename_component(ZMEM_PACKAGE_BASE "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
include(${ZMEM_PACKAGE_BASE}/cmake/zephyr_app.cmake)
