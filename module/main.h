/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AXVM_MAIN_H
#define AXVM_MAIN_H

/* The release, shared with axvmctl --version (see Makefile). */
#ifndef AXVM_VERSION
#define AXVM_VERSION "0.1.0"
#endif

long axvm_dev_check_extension(unsigned long cap);
long axvm_system_ioctl(unsigned int cmd, unsigned long arg);

#endif /* AXVM_MAIN_H */
