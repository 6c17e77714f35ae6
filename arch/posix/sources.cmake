# Source lists for host builds that link the kernel and the POSIX port
# directly (unit tests): include() this file, then add
#   ${ZMEM_KERNEL_THREAD_SOURCES} ${ZMEM_POSIX_PORT_SOURCES}
# to a zmem_unit_test's SOURCES and `Threads::Threads` to its LIBS.
# Inputs: none. Outputs: the variables (absolute paths).
get_filename_component(_zmem_root ${CMAKE_CURRENT_LIST_DIR}/../.. ABSOLUTE)
set(ZMEM_POSIX_PORT_SOURCES
  ${_zmem_root}/arch/posix/port.c
  ${_zmem_root}/arch/posix/irq.c
  ${_zmem_root}/arch/posix/thread.c
  ${_zmem_root}/arch/posix/user_mode.c)
set(ZMEM_KERNEL_THREAD_SOURCES
  ${_zmem_root}/kernel/fatal.c
  ${_zmem_root}/kernel/init.c
  ${_zmem_root}/kernel/mutex.c
  ${_zmem_root}/kernel/sched.c
  ${_zmem_root}/kernel/sem.c
  ${_zmem_root}/kernel/sleep.c
  ${_zmem_root}/kernel/thread.c
  ${_zmem_root}/kernel/timeout.c
  ${_zmem_root}/kernel/uptime.c)
# Add these too for a test built with CONFIG_USERSPACE=y (user_mode.c is in
# ZMEM_POSIX_PORT_SOURCES and compiles to nothing without it).
set(ZMEM_KERNEL_USER_SOURCES
  ${_zmem_root}/kernel/kobject.c
  ${_zmem_root}/kernel/mem_domain.c
  ${_zmem_root}/kernel/syscall.c
  ${_zmem_root}/kernel/userspace.c)
# Page protection of user threads (empty without CONFIG_USERSPACE).
list(APPEND ZMEM_POSIX_PORT_SOURCES ${_zmem_root}/arch/posix/page_prot.c)
