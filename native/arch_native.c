// SPDX-License-Identifier: GPL-2.0
/*
 * The arch layer of the native build: a CPU described by a table (paging
 * depth, NX, 1 GiB pages, PAT layout, SME), and a software MMU for the
 * probe that walks the tables as the hardware does: permissions from the
 * leaf, A and D set with an atomic update, faults reported as -EFAULT.
 * There is no TLB, so a flush only counts what the hardware would execute.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include "pt.h"

/* cachemode2protval() of Linux with PAT on, and with PAT off. */
static const u64 vmc_bits_pat[VMC_NR_CACHE_MODES] = {
	[VMC_CACHE_WB] = 0,
	[VMC_CACHE_WT] = VMC_PTE_PAT4K | VMC_PTE_PCD | VMC_PTE_PWT,
	[VMC_CACHE_WC] = VMC_PTE_PWT,
	[VMC_CACHE_UC] = VMC_PTE_PCD | VMC_PTE_PWT,
};

static const u64 vmc_bits_nopat[VMC_NR_CACHE_MODES] = {
	[VMC_CACHE_WB] = 0,
	[VMC_CACHE_WT] = VMC_PTE_PWT,
	[VMC_CACHE_WC] = VMC_PTE_PCD,
	[VMC_CACHE_UC] = VMC_PTE_PCD | VMC_PTE_PWT,
};

static int vmc_cpu_levels = 4;
/* The space this thread's window has loaded, as CR3 would name it. */
static __thread struct vmc_space *vmc_native_loaded;
static enum vmc_native_cpu vmc_cpu = VMC_NATIVE_PAT;

/**
 * vmc_native_set_cpu() - choose the CPU of the next vmc_arch_init()
 * @nr_levels: 4 or 5
 * @cpu: its features
 *
 * Context: before vmc_engine_init(), or between spaces (the format is
 * global).
 */
void vmc_native_set_cpu(int nr_levels, enum vmc_native_cpu cpu)
{
	vmc_cpu_levels = nr_levels;
	vmc_cpu = cpu;
	vmc_arch_init();
}

/**
 * vmc_arch_init() - describe the chosen CPU in vmc_fmt
 *
 * Context: single-threaded set-up.
 * Return: 0.
 */
int vmc_arch_init(void)
{
	bool nopat = vmc_cpu == VMC_NATIVE_NOPAT, old = vmc_cpu == VMC_NATIVE_OLD;

	vmc_pt_format_init(&vmc_fmt, vmc_cpu_levels, !old, !old,
			   vmc_cpu == VMC_NATIVE_SME ? 46 : 52,
			   vmc_cpu == VMC_NATIVE_SME ? BIT_ULL(47) : 0,
			   nopat ? vmc_bits_nopat : vmc_bits_pat,
			   nopat ? VMC_PAT_RESET : VMC_PAT_LINUX);
	return 0;
}

/**
 * vmc_arch_exit() - undo vmc_arch_init()
 *
 * Context: single-threaded tear-down.
 */
void vmc_arch_exit(void)
{
}

/**
 * vmc_arch_features() - the VMC_FEAT_* bits of the pretended CPU
 *
 * Context: any.
 * Return: the bits.
 */
u64 vmc_arch_features(void)
{
	u64 f = vmc_fmt_features();

	if (vmc_cpu != VMC_NATIVE_NOPAT)
		f |= VMC_FEAT_PAT;
	return f;
}

/**
 * vmc_arch_space_init() - the CPU side of a new space
 * @space: the space
 *
 * Natively there is no kernel half to copy.
 * Context: any.
 * Return: 0.
 */
int vmc_arch_space_init(struct vmc_space *space)
{
	atomic_set(&space->arch.loaded, 0);
	return 0;
}

/**
 * vmc_arch_space_fini() - nothing to free natively
 * @space: the space
 *
 * Context: any.
 */
void vmc_arch_space_fini(struct vmc_space *space)
{
}

/**
 * vmc_arch_root_private_slot() - no per-process kernel slots natively
 * @space: the space
 *
 * Context: any.
 * Return: -1.
 */
int vmc_arch_root_private_slot(const struct vmc_space *space)
{
	return -1;
}

/**
 * vmc_arch_set_memtype() - natively there is no direct map to change
 * @page: the first page
 * @npages: how many
 * @cache: VMC_CACHE_*
 *
 * Context: any.
 * Return: 0.
 */
int vmc_arch_set_memtype(struct page *page, unsigned long npages, u8 cache)
{
	return 0;
}

/**
 * vmc_arch_flush() - count what the hardware would execute
 * @req: the flush
 *
 * As on the CPU, a flush of a space loaded nowhere executes nothing.
 * Context: any.
 */
void vmc_arch_flush(const struct vmc_flush_req *req)
{
	unsigned int i;
	u64 pages = 0;

	if (!atomic_read(&req->space->arch.loaded) || vmc_test_skip_flush)
		return;
	if (req->all) {
		vmc_stat_add(req->space, full_flushes, 1);
		return;
	}
	for (i = 0; i < req->nr_ops; i++)
		pages += VMC_OP_PAGES(req->ops[i]);
	vmc_stat_add(req->space, invlpg, pages);
}

/**
 * vmc_space_run() - run @fn with the space "loaded"
 * @space: the space
 * @fn: the access
 * @arg: passed to @fn
 *
 * Context: any.
 * Return: what @fn returned.
 */
int vmc_space_run(struct vmc_space *space,
		  int (*fn)(struct vmc_space *space, void *arg), void *arg)
{
	int ret;
	u64 t0 = local_clock();
	struct vmc_space *outer = vmc_native_loaded;

	atomic_inc(&space->arch.loaded);
	vmc_native_loaded = space;
	vmc_stat_add(space, activations, 1);
	ret = fn(space, arg);
	vmc_native_loaded = outer;
	atomic_dec(&space->arch.loaded);
	vmc_stat_max(space, max_window_ns, local_clock() - t0);
	return ret;
}

/**
 * vmc_arch_access() - the software MMU: one access within a page
 * @va: user virtual address
 * @buf: buffer of @len bytes
 * @len: bytes, not crossing a page
 * @write: copy @buf into the space instead of out of it
 *
 * As the hardware does: the leaf must be present, user and, for a write,
 * writable; A (and D on a write) are set with an atomic update.
 * Context: inside vmc_space_run().
 * Return: bytes not copied (all of them on a fault).
 */
size_t vmc_arch_access(u64 va, void *buf, size_t len, bool write)
{
	struct vmc_space *space = vmc_native_loaded;
	struct vmc_pte_info info;
	u64 *slot, old, new, pa;
	int level = vmc_pt_translate(space, va, &info, &slot);

	if (info.kind != VMC_PTE_LEAF || !(info.prop & VMC_PROP_R) ||
	    !(info.prop & VMC_PRIV_USER) || (write && !(info.prop & VMC_PROP_W)))
		return len;
	pa = info.pa + (va & (vmc_page_size(level) - 1));
	if (!vmc_native_pa_backed(pa, len))
		return len;
	old = READ_ONCE(*slot);
	do {
		new = old | VMC_PTE_A | (write ? VMC_PTE_D : 0);
	} while (new != old && !try_cmpxchg64(slot, &old, new));
	if (write)
		memcpy(__va(pa), buf, len);
	else
		memcpy(buf, __va(pa), len);
	return 0;
}
