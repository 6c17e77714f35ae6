# The Zephyr CMake functions that applications commonly call, for an app whose
# only target is `app`. zephyr_* calls that add to "zephyr" apply to every
# zmem and app source through the zephyr_interface target.

function(zephyr_include_directories)
  target_include_directories(zephyr_interface INTERFACE ${ARGN})
endfunction()

function(zephyr_compile_definitions)
  target_compile_definitions(zephyr_interface INTERFACE ${ARGN})
endfunction()

function(zephyr_compile_options)
  target_compile_options(zephyr_interface INTERFACE ${ARGN})
endfunction()

function(zephyr_link_libraries)
  target_link_libraries(zephyr_interface INTERFACE ${ARGN})
endfunction()

# zephyr_sources() adds to the app image; zmem keeps a single user library.
function(zephyr_sources)
  target_sources(app PRIVATE ${ARGN})
endfunction()

function(zephyr_sources_ifdef feature)
  if(${feature})
    target_sources(app PRIVATE ${ARGN})
  endif()
endfunction()

function(target_sources_ifdef feature target scope)
  if(${feature})
    target_sources(${target} ${scope} ${ARGN})
  endif()
endfunction()

function(target_sources_ifndef feature target scope)
  if(NOT ${feature})
    target_sources(${target} ${scope} ${ARGN})
  endif()
endfunction()

function(zephyr_library_sources)
  target_sources(app PRIVATE ${ARGN})
endfunction()

function(zephyr_library_sources_ifdef feature)
  if(${feature})
    target_sources(app PRIVATE ${ARGN})
  endif()
endfunction()

function(zephyr_library_include_directories)
  target_include_directories(app PRIVATE ${ARGN})
endfunction()

function(zephyr_library_compile_definitions)
  target_compile_definitions(app PRIVATE ${ARGN})
endfunction()

function(zephyr_library_compile_options)
  target_compile_options(app PRIVATE ${ARGN})
endfunction()

include(zmem_code_relocate)
