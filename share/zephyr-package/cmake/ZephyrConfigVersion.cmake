# zmem implements Zephyr's memory-management API as of Zephyr 4.x; it answers
# find_package(Zephyr [<version>]) for any requested version up to 4.x.
set(PACKAGE_VERSION "4.1.0")
if(PACKAGE_FIND_VERSION_MAJOR AND PACKAGE_FIND_VERSION_MAJOR GREATER 4)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
