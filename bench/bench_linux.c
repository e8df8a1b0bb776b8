// SPDX-License-Identifier: GPL-2.0
/*
 * VMC_IOC_BENCH's LINUX baselines: Linux's own kernel mapping primitives,
 * vmap/vunmap, vm_map_ram/vm_unmap_ram and vmap_pfn, over N pages, timed
 * in the same boot as the cursor so that their ratios compare.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "bench/bench_int.h"

static void vmc_bench_time_ptr(struct vmc_bench_run *r, unsigned int slot,
			       unsigned int rep, u64 t)
{
	vmc_bench_record(r, slot, rep, vmc_bench_now() - t, NULL, NULL);
}

#if IS_ENABLED(CONFIG_VMAP_PFN)
/*
 * vmap_pfn() is apply_to_page_range() on init_mm, the exported per-PTE
 * walker. It refuses RAM, so it maps page frames past the end of memory,
 * uncached, never touched.
 */
static int vmc_bench_vmap_pfn(struct vmc_bench_run *r, unsigned int rep,
			      unsigned long *pfns, unsigned int n)
{
	void *addr;
	u64 t;

	t = vmc_bench_now();
	addr = vmap_pfn(pfns, n, pgprot_noncached(PAGE_KERNEL));
	vmc_bench_time_ptr(r, 4, rep, t);
	if (!addr)
		return -ENOMEM;
	t = vmc_bench_now();
	vunmap(addr);
	vmc_bench_time_ptr(r, 5, rep, t);
	return 0;
}

static unsigned long *vmc_bench_pfns(unsigned int n)
{
	unsigned long first = PHYS_PFN(vmc_max_paddr()) / 2, *pfns;
	unsigned int i;

	if (first + n > PHYS_PFN(vmc_max_paddr()))
		return NULL;
	pfns = kvcalloc(n, sizeof(*pfns), GFP_KERNEL);
	for (i = 0; pfns && i < n; i++) {
		pfns[i] = first + i;
		if (pfn_valid(pfns[i])) {
			kvfree(pfns);
			return NULL;
		}
	}
	return pfns;
}
#else
static int vmc_bench_vmap_pfn(struct vmc_bench_run *r, unsigned int rep,
			      unsigned long *pfns, unsigned int n)
{
	return 0;
}

static unsigned long *vmc_bench_pfns(unsigned int n)
{
	return NULL;
}
#endif

/**
 * vmc_bench_linux() - LINUX: vmap, vm_map_ram and vmap_pfn of N pages
 * @r: the run
 *
 * Each mapping and its unmapping are timed apart. What cannot be measured
 * (vmap of more pages than there is RAM, vmap_pfn without
 * CONFIG_VMAP_PFN or free page frames past memory) reports no
 * repetitions.
 * Context: process context; sleeps.
 * Return: 0 or a negative errno.
 */
int vmc_bench_linux(struct vmc_bench_run *r)
{
	const struct vmc_bench *req = r->req;
	unsigned int i, rep, n = req->nr_pages;
	bool vmap_ok = n <= totalram_pages();
	unsigned long *pfns = NULL;
	struct vmc_bench_work w = {};
	struct page **pages;
	void *addr;
	int err;
	u64 t;

	err = vmc_bench_get_frames(&w, VMC_PAGE_SHIFT);
	if (err)
		return err;
	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		pages[i] = w.frames[i % w.nr_frames]->page;
	pfns = vmc_bench_pfns(n);
	vmc_bench_slot(r, 0, VMC_BOP_VMAP, 0, n);
	vmc_bench_slot(r, 1, VMC_BOP_VUNMAP, 0, n);
	vmc_bench_slot(r, 2, VMC_BOP_VM_MAP_RAM, 0, n);
	vmc_bench_slot(r, 3, VMC_BOP_VM_UNMAP_RAM, 0, n);
	vmc_bench_slot(r, 4, VMC_BOP_VMAP_PFN, 0, n);
	vmc_bench_slot(r, 5, VMC_BOP_VUNMAP_PFN, 0, n);
	for (rep = 0; rep < req->reps && !err; rep++) {
		/* vmap() refuses more pages than there is RAM. */
		if (vmap_ok) {
			t = vmc_bench_now();
			addr = vmap(pages, n, VM_MAP, PAGE_KERNEL);
			vmc_bench_time_ptr(r, 0, rep, t);
			if (!addr) {
				err = -ENOMEM;
				break;
			}
			t = vmc_bench_now();
			vunmap(addr);
			vmc_bench_time_ptr(r, 1, rep, t);
		}
		t = vmc_bench_now();
		addr = vm_map_ram(pages, n, NUMA_NO_NODE);
		vmc_bench_time_ptr(r, 2, rep, t);
		if (!addr) {
			err = -ENOMEM;
			break;
		}
		t = vmc_bench_now();
		vm_unmap_ram(addr, n);
		vmc_bench_time_ptr(r, 3, rep, t);
		if (pfns)
			err = vmc_bench_vmap_pfn(r, rep, pfns, n);
		err = err ?: vmc_bench_check_signal();
	}
	/* Results that could not be measured report no repetitions. */
	for (i = 0; i < 6; i++)
		if ((i < 2 && !vmap_ok) || (i >= 4 && !pfns))
			r->res[i].reps = 0;
out:
	kvfree(pfns);
	kvfree(pages);
	vmc_bench_put_frames(&w);
	return err;
}
