# mps2_an385: Arm MPS2 with the AN385 image under QEMU (mps2-an385), a
# Cortex-M3 with an 8-region MPU. The memory map below is the single
# description of the board's memory: the linker script and the relocation
# checks are generated from it.
#   FLASH  4 MiB SSRAM1 at 0x00000000 (code; writable in QEMU)
#   SRAM   4 MiB SSRAM2/3 at 0x20000000
#   SDRAM 16 MiB PSRAM at 0x21000000 (stands in for external SDRAM)
set(ZMEM_ARM_CPU cortex-m3)
set(ZMEM_BOARD_MEMORY
  "FLASH 0x00000000 4M  rx"
  "SRAM  0x20000000 4M  rwx"
  "SDRAM 0x21000000 16M rwx")
set(ZMEM_ARM_CONSOLE cmsdk)
set(ZMEM_QEMU_MACHINE mps2-an385)
set(ZMEM_QEMU_ARGS -display none -monitor none -serial stdio)
include(${ZMEM_BASE}/cmake/modules/zmem_arm.cmake)
