# Optional sanitizers for host-board images (used by zmem's CI to run the
# samples under ASan+UBSan and TSan). Input: ZMEM_SANITIZE. Output: flags on
# zephyr_interface.
set(ZMEM_SANITIZE "" CACHE STRING "Host image sanitizer: address, thread or empty")
if(ZMEM_SANITIZE AND NOT ZMEM_ARCH STREQUAL "posix")
  message(FATAL_ERROR "zmem: ZMEM_SANITIZE works only on native_sim, not on ${BOARD}")
endif()
if(ZMEM_SANITIZE STREQUAL "address")
  target_compile_options(zephyr_interface INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(zephyr_interface INTERFACE -fsanitize=address,undefined)
elseif(ZMEM_SANITIZE STREQUAL "thread")
  target_compile_options(zephyr_interface INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(zephyr_interface INTERFACE -fsanitize=thread)
elseif(NOT ZMEM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "zmem: ZMEM_SANITIZE must be address, thread or empty")
endif()
