/* A second object placing globals in the same partition. */
#include "parts.h"

K_APP_BMEM(part_a) char a_other_buf[40];
K_APP_DMEM(part_a) int a_other_init = -7;
