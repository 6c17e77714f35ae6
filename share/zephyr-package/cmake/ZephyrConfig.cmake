# find_package(Zephyr) lands here when ZEPHYR_BASE points at a zmem checkout
# (or through CMake's package registry after `zmem export`). Everything else
# happens in zmem's application build.
get_filename_component(ZMEM_PACKAGE_BASE "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(ZMEM_PACKAGE_ENV ZEPHYR_BASE)
include(${ZMEM_PACKAGE_BASE}/cmake/zmem_package_check.cmake)
include(${ZMEM_PACKAGE_BASE}/cmake/zephyr_app.cmake)
