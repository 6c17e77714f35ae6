# Host (native_sim) runs of Zephyr-style apps for zmem's own test build.
#
# zmem_host_app_test(<name> <app-dir> LABEL <label> [TIMEOUT s] [ARGS check-sample args...]
#                    [CMAKE_ARGS app configure args...])
#   adds the ctest <name>: scripts/ci/check-sample builds the app out of tree,
#   exactly as a user would, runs it and matches its expected_output.txt. The
#   variant of zmem's own build carries over: ZMEM_SANITIZE builds the app with
#   the same sanitizer, ZMEM_VALGRIND runs it under memcheck (definite leaks only).
find_package(Python3 COMPONENTS Interpreter REQUIRED)

function(zmem_host_app_test name app)
  cmake_parse_arguments(H "" "LABEL;TIMEOUT" "ARGS;CMAKE_ARGS" ${ARGN})
  if(NOT H_TIMEOUT)
    set(H_TIMEOUT 300)
  endif()
  set(args ${app} ${CMAKE_CURRENT_BINARY_DIR}/${name} --timeout ${H_TIMEOUT} ${H_ARGS})
  if(ZMEM_VALGRIND)
    list(APPEND args --wrapper "valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --quiet")
  endif()
  list(APPEND args -- ${H_CMAKE_ARGS})
  if(ZMEM_SANITIZE)
    list(APPEND args -DZMEM_SANITIZE=${ZMEM_SANITIZE})
  endif()
  add_test(NAME ${name} COMMAND ${Python3_EXECUTABLE} ${ZMEM_BASE}/scripts/ci/check-sample ${args})
  math(EXPR ctest_timeout "${H_TIMEOUT} + 300")
  set_tests_properties(${name} PROPERTIES LABELS ${H_LABEL} TIMEOUT ${ctest_timeout})
endfunction()
