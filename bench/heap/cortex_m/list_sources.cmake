# Prints the heap core's source list, one path per line, for size.sh.
# Usage: cmake -DSOURCES_CMAKE=<lib/heap/sources.cmake> -P list_sources.cmake
# No CONFIG_ variable is set: the default configuration (no stats, no
# validate, no listeners), as in a minimal application.
include(${SOURCES_CMAKE})
foreach(src ${ZMEM_HEAP_SOURCES})
  message(NOTICE "${src}")
endforeach()
