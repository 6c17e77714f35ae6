# qemu_cortex_m3: QEMU's lm3s6965evb (TI Stellaris LM3S6965), a Cortex-M3.
# The memory map below is the single description of the board's memory: the
# linker script and the relocation checks are generated from it.
#   FLASH  256 KiB at 0x00000000 (QEMU ignores writes to it)
#   SRAM    64 KiB at 0x20000000
set(ZMEM_ARM_CPU cortex-m3)
set(ZMEM_BOARD_MEMORY
  "FLASH 0x00000000 256K rx"
  "SRAM  0x20000000 64K  rwx")
set(ZMEM_ARM_CONSOLE pl011)
set(ZMEM_QEMU_MACHINE lm3s6965evb)
# -nographic puts UART0 on stdio (do not add -serial stdio as well).
set(ZMEM_QEMU_ARGS -nographic)
include(${ZMEM_BASE}/cmake/modules/zmem_arm.cmake)
