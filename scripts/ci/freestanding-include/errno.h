/* Error numbers the cores return (newlib's values). Only the codes, no errno. */
#ifndef ZMEM_FREESTANDING_ERRNO_H_
#define ZMEM_FREESTANDING_ERRNO_H_
#define ENOENT 2
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EINVAL 22
#define ENOSPC 28
#define ENOTSUP 134
#define EOVERFLOW 139
#endif
