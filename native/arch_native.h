/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What native/arch_native.c keeps in each space, and the knobs the native
 * tests turn.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_ARCH_NATIVE_H
#define _VMCURSOR_ARCH_NATIVE_H

#include <linux/atomic.h>

/**
 * struct vmc_arch_space - the CPU side of a space, natively
 * @loaded: windows (vmc_space_run()) open on the space right now
 */
struct vmc_arch_space {
	atomic_t loaded;
};

/* The CPU the native build pretends to be. */
enum vmc_native_cpu {
	VMC_NATIVE_PAT,		/* Linux's PAT layout, NX, 1 GiB pages */
	VMC_NATIVE_NOPAT,	/* PAT off: WC falls back to UC- */
	VMC_NATIVE_SME,		/* as PAT, with an SME C-bit (bit 47) */
	VMC_NATIVE_OLD,		/* no NX, no 1 GiB pages */
};

void vmc_native_set_cpu(int nr_levels, enum vmc_native_cpu cpu);
long vmc_native_pages_in_use(void);
void vmc_native_fail_alloc_after(long n);

#endif /* _VMCURSOR_ARCH_NATIVE_H */
