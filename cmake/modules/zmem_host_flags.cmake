# Flags shared by every host build of zmem's own tests and benchmarks.
# Inputs: ZMEM_SANITIZE, ZMEM_M32, ZMEM_WERROR. Output: global compile/link flags.

add_compile_options(-Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter -g)
if(ZMEM_WERROR)
  add_compile_options(-Werror)
endif()

if(ZMEM_M32)
  add_compile_options(-m32)
  add_link_options(-m32)
  find_program(ZMEM_QEMU_I386 qemu-i386 REQUIRED)
  # The running kernel may not execute i386 binaries; ctest runs them through qemu-user.
  set(CMAKE_CROSSCOMPILING_EMULATOR ${ZMEM_QEMU_I386})
endif()

if(ZMEM_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
elseif(ZMEM_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT ZMEM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "ZMEM_SANITIZE must be address, thread or empty, not '${ZMEM_SANITIZE}'")
endif()
