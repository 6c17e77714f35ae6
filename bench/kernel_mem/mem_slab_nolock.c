/*
 * kernel/mem_slab.c with the lock compiled out, for the "own code" rows of the
 * slab benchmark: k_spin_lock()/k_spin_unlock() call arch_irq_lock() and
 * arch_irq_unlock(), which become constants here, so nothing of the lock is
 * left, not even the register saves that a call forces. Only this translation
 * unit is affected; the port and the rest of the kernel keep their real lock.
 */
#include <zephyr/zmem/port.h>

#define arch_irq_lock()    0U
#define arch_irq_unlock(k) ((void)(k))

#include "../../kernel/mem_slab.c"
