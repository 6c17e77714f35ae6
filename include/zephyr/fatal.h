/*
 * Fatal errors (Zephyr's <zephyr/fatal.h>).
 *
 * k_panic(), k_oops() and failed assertions end in z_fatal_error(), which
 * prints the reason and the source location, then calls
 * k_sys_fatal_error_handler(). zmem's default handler halts the system: on
 * native_sim the process exits with status ZMEM_EXIT_FATAL. Applications and
 * test harnesses may define their own handler (the default is weak); if it
 * returns, the faulting thread is aborted, as in Zephyr.
 */
#ifndef ZEPHYR_INCLUDE_FATAL_H_
#define ZEPHYR_INCLUDE_FATAL_H_

#include <zephyr/fatal_types.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Process exit status of a native_sim image that halted on a fatal error. */
#define ZMEM_EXIT_FATAL 3

/* Opaque exception frame; zmem's ports pass NULL or their own frame. */
struct arch_esf;
typedef struct arch_esf z_arch_esf_t;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf);
FUNC_NORETURN void k_fatal_halt(unsigned int reason);
void z_fatal_error(unsigned int reason, const struct arch_esf *esf);
void z_fatal_error_at(unsigned int reason, const char *file, unsigned int line);
const char *z_fatal_reason_to_str(unsigned int reason);

#define k_panic() z_fatal_error_at(K_ERR_KERNEL_PANIC, __FILE__, __LINE__)
#define k_oops() z_fatal_error_at(K_ERR_KERNEL_OOPS, __FILE__, __LINE__)

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_FATAL_H_ */
