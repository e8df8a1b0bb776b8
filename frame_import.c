// SPDX-License-Identifier: GPL-2.0
/*
 * Frames made of the caller's own memory (VMC_IOC_FRAME_IMPORT), as VFIO
 * and RDMA pin user memory for a device: the pages are pinned long-term
 * and writable, charged like allocated frames, and unpinned when the
 * frame's last reference goes (after the flush covering its last leaf).
 *
 * The page belongs to the process's memory map, so its page->private is
 * not ours: leaves of an imported frame carry VMC_PTE_IMPORTED, and the
 * frame is found in a registry keyed by page frame number, one xarray per
 * frame size. A page belongs to at most one imported frame at a time, so
 * the registry answers exactly.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <linux/mutex.h>
#include "pt.h"

#define VMC_IMPORT_CHUNK	512

static const unsigned int vmc_import_orders[] = { 0, 9, 18 };
static struct xarray vmc_imports[ARRAY_SIZE(vmc_import_orders)];
static DEFINE_MUTEX(vmc_import_mutex);	/* overlap check and insertion */

static int vmc_import_class(unsigned int order)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmc_import_orders); i++)
		if (vmc_import_orders[i] == order)
			return i;
	return -1;
}

/**
 * vmc_import_init() - set the registry up
 *
 * Context: engine init.
 */
void vmc_import_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmc_imports); i++)
		xa_init(&vmc_imports[i]);
}

/**
 * vmc_import_lookup() - the imported frame that contains @pa
 * @pa: an address inside a leaf marked VMC_PTE_IMPORTED
 *
 * Precondition: the frame is referenced (by that leaf).
 * Context: any.
 * Return: the frame.
 */
struct vmc_frame *vmc_import_lookup(u64 pa)
{
	unsigned long pfn = pa >> PAGE_SHIFT;
	struct vmc_frame *frame;
	int i;

	for (i = ARRAY_SIZE(vmc_imports) - 1; i >= 0; i--) {
		frame = xa_load(&vmc_imports[i], pfn >> vmc_import_orders[i]);
		if (frame)
			return frame;
	}
	VMC_WARN_ON(1);
	return NULL;
}

/* Does any registered frame share a page with [pfn, pfn + 2^order)? */
static bool vmc_import_overlaps(unsigned long pfn, unsigned int order)
{
	unsigned long last = pfn + (1UL << order) - 1, idx;
	unsigned int i, o;

	for (i = 0; i < ARRAY_SIZE(vmc_imports); i++) {
		o = vmc_import_orders[i];
		if (o >= order) {
			if (xa_load(&vmc_imports[i], pfn >> o))
				return true;
			continue;
		}
		idx = pfn >> o;
		if (xa_find(&vmc_imports[i], &idx, last >> o, XA_PRESENT))
			return true;
	}
	return false;
}

/* Pin [uaddr, +2^order pages); they must be one aligned physical run. */
static int vmc_import_pin(u64 uaddr, unsigned int order, unsigned long *pfn)
{
	unsigned long npages = 1UL << order, done = 0, i;
	struct page **pages;
	int got, err = 0;

	pages = kvmalloc_array(min_t(unsigned long, npages, VMC_IMPORT_CHUNK),
			       sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	while (done < npages) {
		int n = min_t(unsigned long, npages - done, VMC_IMPORT_CHUNK);

		got = pin_user_pages_fast(uaddr + done * PAGE_SIZE, n,
					  FOLL_WRITE | FOLL_LONGTERM, pages);
		if (got <= 0) {
			err = got ? got : -EFAULT;
			break;
		}
		if (!done)
			*pfn = page_to_pfn(pages[0]);
		for (i = 0; i < got; i++)
			if (page_to_pfn(pages[i]) != *pfn + done + i)
				err = -EINVAL;
		if (!done && (*pfn & (npages - 1)))
			err = -EINVAL;
		if (err) {
			unpin_user_pages(pages, got);
			break;
		}
		done += got;
		if (got < n) {
			err = -EFAULT;
			break;
		}
		cond_resched();
	}
	kvfree(pages);
	if (err && done)
		unpin_user_page_range_dirty_lock(pfn_to_page(*pfn), done, false);
	return err;
}

/**
 * vmc_frame_import() - make the calling process's memory a frame
 * @owner: the space whose limits it counts against
 * @uaddr: start of the memory, aligned to the frame size
 * @order: 0, 9 or 18 (4 KiB, 2 MiB, 1 GiB)
 * @limit: with -ENOMEM, set to the limit that refused (enum vmc_limit)
 *
 * Postcondition: the pages are pinned and registered; the frame has one
 * reference, owned by the caller, and is WB (user memory is).
 * Context: process context, in the process whose memory it is; sleeps.
 * Return: the frame, or ERR_PTR(): -EOPNOTSUPP (order), -EINVAL (not
 * aligned, or not one physically contiguous aligned page of the size),
 * -EFAULT (not mapped or not writable), -EBUSY (a page already belongs
 * to an imported frame), -ENOMEM.
 */
struct vmc_frame *vmc_frame_import(struct vmc_space *owner, u64 uaddr,
				   unsigned int order, u8 *limit)
{
	int class = vmc_import_class(order);
	struct vmc_frame *frame;
	unsigned long pfn = 0;
	int err;

	*limit = VMC_LIMIT_NONE;
	if (class < 0)
		return ERR_PTR(-EOPNOTSUPP);
	if (uaddr & ((PAGE_SIZE << order) - 1))
		return ERR_PTR(-EINVAL);
	if (vmc_frame_charge(owner, 1L << order, limit))
		return ERR_PTR(-ENOMEM);
	*limit = VMC_LIMIT_KERNEL;
	frame = vmc_frame_meta_alloc(GFP_KERNEL_ACCOUNT);
	err = -ENOMEM;
	if (!frame)
		goto err_charge;
	err = vmc_import_pin(uaddr, order, &pfn);
	if (err)
		goto err_meta;
	mutex_lock(&vmc_import_mutex);
	err = vmc_import_overlaps(pfn, order) ? -EBUSY :
	      xa_err(xa_store(&vmc_imports[class], pfn >> order, frame,
			      GFP_KERNEL));
	mutex_unlock(&vmc_import_mutex);
	if (err)
		goto err_pin;
	*limit = VMC_LIMIT_NONE;
	vmc_frame_setup(frame, owner, pfn_to_page(pfn), order,
			VMC_LEAF_IMPORTED, VMC_CACHE_WB);
	return frame;

err_pin:
	unpin_user_page_range_dirty_lock(pfn_to_page(pfn), 1UL << order, false);
err_meta:
	vmc_frame_meta_free(frame);
err_charge:
	if (err != -ENOMEM)
		*limit = VMC_LIMIT_NONE;
	vmc_frame_uncharge(owner, 1L << order);
	return ERR_PTR(err);
}

/**
 * vmc_frame_unimport() - unregister and unpin a dead imported frame
 * @frame: an imported frame whose last reference is gone
 *
 * The pages are marked dirty: the space may have written them.
 * Context: process context; may sleep.
 */
void vmc_frame_unimport(struct vmc_frame *frame)
{
	int class = vmc_import_class(frame->order);
	unsigned long pfn = page_to_pfn(frame->page);

	mutex_lock(&vmc_import_mutex);
	xa_erase(&vmc_imports[class], pfn >> frame->order);
	mutex_unlock(&vmc_import_mutex);
	unpin_user_page_range_dirty_lock(frame->page, 1UL << frame->order, true);
}
