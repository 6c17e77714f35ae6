#ifndef APP_MEMORY_PARTS_H_
#define APP_MEMORY_PARTS_H_

#include <stdint.h>
#include <zephyr/app_memory/app_memdomain.h>

/* Defined in main.c; other.c adds globals to part_a from a second object. */
extern struct k_mem_partition part_a;
extern int a_counter;
extern uint32_t a_table[4];
extern char a_buf[300];
extern uint64_t a_wide;
extern char a_other_buf[40];
extern int a_other_init;

#endif
