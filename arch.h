/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boundary between the arch-neutral engine and the CPU: what needs the
 * real hardware (CR3, INVLPG, INVPCID, PCID, IPIs, the activation window,
 * the MMU probe, feature detection). The kernel implements it in
 * arch_x86.c; the native build in native/arch_native.c, with a software
 * MMU. The page-table format itself is data, in pte_x86.h.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_ARCH_H
#define _VMCURSOR_ARCH_H

#include <linux/types.h>

#ifdef VMC_NATIVE
#include "native/arch_native.h"
#else
#include "arch_x86.h"
#endif

struct vmc_space;

/*
 * A flush request: pending ranges, each a page-aligned start | (page
 * count - 1) in bits 0-11, or the whole space.
 */
struct vmc_flush_req {
	struct vmc_space *space;
	const u64 *ops;
	unsigned int nr_ops;
	bool all;
};

#define VMC_OP_PAGES(op)	(((op) & (VMC_PAGE_SIZE - 1)) + 1)
#define VMC_OP_VA(op)		((op) & ~(VMC_PAGE_SIZE - 1))
#define VMC_OP_MAX_PAGES	VMC_PAGE_SIZE

int vmc_arch_init(void);
u64 vmc_arch_features(void);
int vmc_arch_space_init(struct vmc_space *space);
void vmc_arch_space_fini(struct vmc_space *space);
void vmc_arch_flush(const struct vmc_flush_req *req);
int vmc_arch_root_private_slot(const struct vmc_space *space);
struct page;
int vmc_arch_set_memtype(struct page *page, unsigned long npages, u8 cache);
size_t vmc_arch_access(u64 va, void *buf, size_t len, bool write);
void vmc_arch_exit(void);

#endif /* _VMCURSOR_ARCH_H */
