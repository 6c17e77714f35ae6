# native_sim with CONFIG_USERSPACE: application memory partitions
# (K_APPMEM_PARTITION_DEFINE). After the libraries are compiled, and before
# the link, scripts/relocate/app_smem.py reads their data_smem_* sections and
# writes a linker script that the host link adds to its default one (INSERT
# AFTER .data): one page-aligned region per partition. The Cortex-M boards do
# the same inside gen_sections.py (cmake/modules/zmem_arm_image.cmake).
include_guard(GLOBAL)

find_program(ZMEM_HOST_READELF NAMES readelf REQUIRED)
set(app_smem_ld ${ZEPHYR_BINARY_DIR}/linker/app_smem_host.ld)
set(app_smem_args "")
foreach(lib app zmem_kernel zmem_arch zmem_cores)
  list(APPEND app_smem_args --archive $<TARGET_FILE:${lib}>)
endforeach()
add_custom_command(
  OUTPUT ${app_smem_ld}
  COMMAND ${ZMEM_KCONFIG_PYTHON} ${ZMEM_BASE}/scripts/relocate/app_smem.py
          --readelf ${ZMEM_HOST_READELF} ${app_smem_args} --out ${app_smem_ld}
  DEPENDS app zmem_kernel zmem_arch zmem_cores ${ZMEM_BASE}/scripts/relocate/app_smem.py
  COMMENT "Generating the application memory partitions' linker script"
  VERBATIM)
add_custom_target(zmem_app_smem DEPENDS ${app_smem_ld})
add_dependencies(zephyr_final zmem_app_smem)
target_link_options(zephyr_final PRIVATE -Wl,-T,${app_smem_ld})
set_property(TARGET zephyr_final APPEND PROPERTY LINK_DEPENDS ${app_smem_ld})
