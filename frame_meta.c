// SPDX-License-Identifier: GPL-2.0
/*
 * Frame and page-table-node metadata, after OSTD's MetaSlot: a 64-bit
 * reference count with the unused and overflow sentinels (it never wraps),
 * a usage type and, for table nodes, level, nr_children, lock and stray.
 *
 * A data frame's metadata hangs off page->private of its (head) page, so a
 * leaf's physical address leads back to it; the same holds for table nodes.
 * Frames imported from user memory cannot use page->private (the page
 * belongs to the process's memory map): their leaves carry a software
 * bit and lead to an import registry instead (frame_import.c).
 *
 * A frame has one memory type for its whole life (see ioctl.h): a UC or
 * WC frame's direct mapping is switched to that type when it is made and
 * back to WB before its pages are freed; that may sleep, so such frames
 * (and imported frames, whose unpinning may sleep) are freed from a work
 * item once their last reference is gone.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/llist.h>
#include "pt.h"

static struct kmem_cache *vmc_frame_cache;
static struct kmem_cache *vmc_node_cache;
atomic64_t vmc_frames_allocated;

static void vmc_free_dead_frames(struct work_struct *work);
static LLIST_HEAD(vmc_dead_frames);
static DECLARE_WORK(vmc_dead_frames_work, vmc_free_dead_frames);

#ifdef VMC_TESTING
int vmc_test_fail_node_alloc;

/* Countdown fault injection: 1 fails the next node allocation, -1 all. */
static bool vmc_test_node_alloc_fails(void)
{
	int n = READ_ONCE(vmc_test_fail_node_alloc);

	if (n < 0)
		return true;
	if (n == 0)
		return false;
	WRITE_ONCE(vmc_test_fail_node_alloc, n - 1);
	return n == 1;
}

/**
 * vmc_test_set_frame_ref() - force a frame's reference count (KUnit only)
 * @frame: the frame
 * @ref: the new count
 *
 * Lets tests reach the overflow sentinel without 2^63 mappings.
 * Precondition: the test restores the true count before the frame is put.
 * Context: any.
 */
void vmc_test_set_frame_ref(struct vmc_frame *frame, u64 ref)
{
	atomic64_set(&frame->ref, (s64)ref);
}
#else
static inline bool vmc_test_node_alloc_fails(void)
{
	return false;
}
#endif

/**
 * vmc_frame_charge() - count a frame's pages against its owner's limits
 * @owner: the space the frame will belong to, or NULL
 * @pages: 4 KiB pages of the frame
 * @limit: set to the limit that refused them (enum vmc_limit)
 *
 * The space's frame cap, then the module-wide cap and the opener's
 * RLIMIT_MEMLOCK (mem_acct.c).
 * Context: any; never sleeps.
 * Return: 0 or -ENOMEM.
 */
int vmc_frame_charge(struct vmc_space *owner, long pages, u8 *limit)
{
	long total;

	if (!owner)
		return 0;
	total = atomic_long_add_return(pages, &owner->frame_pages);
	if (owner->max_frame_pages && total > owner->max_frame_pages) {
		atomic_long_sub(pages, &owner->frame_pages);
		*limit = VMC_LIMIT_FRAMES;
		return -ENOMEM;
	}
	if (vmc_acct_charge(owner, pages, limit)) {
		atomic_long_sub(pages, &owner->frame_pages);
		return -ENOMEM;
	}
	return 0;
}

/**
 * vmc_frame_uncharge() - undo vmc_frame_charge()
 * @owner: the space, or NULL
 * @pages: 4 KiB pages
 *
 * Context: any; never sleeps.
 */
void vmc_frame_uncharge(struct vmc_space *owner, long pages)
{
	if (!owner)
		return;
	atomic_long_sub(pages, &owner->frame_pages);
	vmc_acct_uncharge(owner, pages);
}

/**
 * vmc_frame_setup() - fill in a new frame's metadata and take it live
 * @frame: zeroed metadata
 * @owner: the owning space (takes a reference on it), or NULL
 * @page: the (head) page
 * @order: 0, 9 or 18
 * @leaf: VMC_LEAF_FRAME or VMC_LEAF_IMPORTED
 * @cache: the frame's memory type, VMC_CACHE_*
 *
 * Context: any.
 */
void vmc_frame_setup(struct vmc_frame *frame, struct vmc_space *owner,
		     struct page *page, unsigned int order, u8 leaf, u8 cache)
{
	if (owner) {
		vmc_space_get(owner);
		atomic_long_inc(&owner->nr_frames);
	}
	frame->owner = owner;
	frame->page = page;
	frame->order = order;
	frame->kind = leaf;
	frame->cache = cache;
	frame->usage = VMC_USAGE_FRAME;
	atomic64_set(&frame->ref, 1);
	atomic64_inc(&vmc_frames_allocated);
}

/**
 * vmc_frame_meta_alloc() - zeroed metadata for a frame
 * @gfp: allocation flags
 *
 * Context: may sleep if @gfp allows.
 * Return: the metadata, or NULL.
 */
struct vmc_frame *vmc_frame_meta_alloc(gfp_t gfp)
{
	return kmem_cache_zalloc(vmc_frame_cache, gfp);
}

/**
 * vmc_frame_meta_free() - free metadata that never went live
 * @frame: from vmc_frame_meta_alloc()
 *
 * Context: any.
 */
void vmc_frame_meta_free(struct vmc_frame *frame)
{
	kmem_cache_free(vmc_frame_cache, frame);
}

/**
 * vmc_frame_create() - allocate a zeroed frame with a memory type
 * @owner: the space whose limits the frame counts against until it is
 *	freed (it holds a reference on it), or NULL for in-kernel frames
 * @req: order (0 or 9), cache (VMC_CACHE_WB, _UC or _WC), gfp; on -ENOMEM
 *	@req->limit says which limit refused
 *
 * Postcondition: the frame's reference count is 1, owned by the caller;
 * its memory is zero; for UC and WC the kernel's direct mapping of it has
 * that memory type, so no mapping of another type exists.
 * Context: process context; may sleep if @req->gfp allows (UC and WC
 * always sleep).
 * Return: the frame, ERR_PTR(-EOPNOTSUPP) for another order or type, or
 * ERR_PTR(-ENOMEM).
 */
struct vmc_frame *vmc_frame_create(struct vmc_space *owner,
				   struct vmc_frame_req *req)
{
	unsigned int order = req->order;
	struct vmc_frame *frame;
	struct page *page;

	req->limit = VMC_LIMIT_NONE;
	if (order != 0 && order != 9)
		return ERR_PTR(-EOPNOTSUPP);
	if (req->cache >= VMC_NR_CACHE_MODES ||
	    !(vmc_frame_cache_modes() & BIT(req->cache)))
		return ERR_PTR(-EOPNOTSUPP);
	if (vmc_frame_charge(owner, 1L << order, &req->limit))
		return ERR_PTR(-ENOMEM);
	req->limit = VMC_LIMIT_KERNEL;
	frame = vmc_frame_meta_alloc(req->gfp);
	if (!frame)
		goto err_charge;
	page = alloc_pages(req->gfp | __GFP_ZERO | __GFP_NOWARN |
			   (order ? __GFP_COMP : 0), order);
	if (!page)
		goto err_meta;
	if (req->cache != VMC_CACHE_WB &&
	    vmc_arch_set_memtype(page, 1UL << order, req->cache))
		goto err_page;
	req->limit = VMC_LIMIT_NONE;
	set_page_private(page, (unsigned long)frame);
	vmc_frame_setup(frame, owner, page, order, VMC_LEAF_FRAME, req->cache);
	return frame;

err_page:
	__free_pages(page, order);
err_meta:
	vmc_frame_meta_free(frame);
err_charge:
	vmc_frame_uncharge(owner, 1L << order);
	return ERR_PTR(-ENOMEM);
}

/**
 * vmc_frame_alloc() - allocate a zeroed, reference-counted WB data frame
 * @order: 0 (4 KiB) or 9 (2 MiB)
 * @gfp: allocation flags (GFP_KERNEL_ACCOUNT for user-driven allocations)
 *
 * Precondition: @order is 0 or 9.
 * Postcondition: the frame's reference count is 1, owned by the caller;
 * its memory is zero.
 * Context: may sleep if @gfp allows.
 * Return: the frame, ERR_PTR(-EOPNOTSUPP) for another order, or
 * ERR_PTR(-ENOMEM).
 */
struct vmc_frame *vmc_frame_alloc(unsigned int order, gfp_t gfp)
{
	return vmc_frame_alloc_owned(NULL, order, gfp);
}

/**
 * vmc_frame_alloc_owned() - allocate a WB frame charged to a space
 * @owner: the space whose limits the frame counts against until it is
 *	freed, or NULL
 * @order: 0 (4 KiB) or 9 (2 MiB)
 * @gfp: allocation flags
 *
 * Precondition: @order is 0 or 9.
 * Postcondition: as vmc_frame_alloc(); the frame also holds a reference
 * on @owner, so the quota outlives the frame.
 * Context: may sleep if @gfp allows.
 * Return: the frame, ERR_PTR(-EOPNOTSUPP) for another order, or
 * ERR_PTR(-ENOMEM) on allocation failure or an exhausted limit.
 */
struct vmc_frame *vmc_frame_alloc_owned(struct vmc_space *owner,
					unsigned int order, gfp_t gfp)
{
	struct vmc_frame_req req = { .order = order, .gfp = gfp };

	return vmc_frame_create(owner, &req);
}

/**
 * vmc_frame_cache_modes() - memory types a frame may be created with
 *
 * WB always; UC and WC where the format offers them (their bits select
 * that type). Never WT: set_memory_wt() is not exported, so the kernel's
 * own mapping of the frame could not be made to match.
 *
 * Context: any.
 * Return: bitmap of VMC_CACHE_* values.
 */
u32 vmc_frame_cache_modes(void)
{
	return vmc_cache_modes() & (BIT(VMC_CACHE_WB) | BIT(VMC_CACHE_UC) |
				    BIT(VMC_CACHE_WC));
}

/**
 * vmc_frame_get() - take @n references on a frame
 * @frame: a frame in use
 * @n: number of references, at least 1
 *
 * Precondition: the caller holds a reference, or a lock that keeps one in
 * place (a leaf under a locked node).
 * Postcondition: on success the count grew by @n; on failure it is
 * unchanged.
 * Context: any; never sleeps.
 * Return: 0, -EOVERFLOW if the count would pass VMC_REF_MAX, or -EINVAL if
 * the frame is not in use (count 0 or a sentinel).
 */
int vmc_frame_get(struct vmc_frame *frame, unsigned long n)
{
	s64 old = atomic64_read(&frame->ref);
	u64 cur;

	do {
		cur = (u64)old;
		if (cur == 0 || cur >= VMC_REF_UNIQUE)
			return -EINVAL;
		if (cur > VMC_REF_MAX || n > VMC_REF_MAX - cur)
			return -EOVERFLOW;
	} while (!atomic64_try_cmpxchg(&frame->ref, &old, (s64)(cur + n)));
	return 0;
}

/**
 * vmc_frame_put() - drop @n references; free the frame with the last one
 * @frame: the frame
 * @n: number of references the caller holds and gives up
 *
 * Precondition: the caller holds @n references.
 * Postcondition: when the count reaches zero the frame's pages return to
 * the buddy allocator and the metadata is freed (count VMC_REF_UNUSED).
 * Context: any; never sleeps.
 */
void vmc_frame_put(struct vmc_frame *frame, unsigned long n)
{
	s64 old = atomic64_fetch_sub_release(n, &frame->ref);

	if (WARN_ON_ONCE((u64)old < n || (u64)old > VMC_REF_MAX))
		return;
	if ((u64)old != n)
		return;
	smp_acquire__after_ctrl_dep();
	frame->usage = VMC_USAGE_FREE;
	/* Switching memory types back and unpinning may sleep: later. */
	if (frame->cache != VMC_CACHE_WB || frame->kind == VMC_LEAF_IMPORTED) {
		if (llist_add(&frame->dead, &vmc_dead_frames))
			vmc_queue_work(&vmc_dead_frames_work);
		return;
	}
	set_page_private(frame->page, 0);
	__free_pages(frame->page, frame->order);
	vmc_frame_release_meta(frame);
}

/**
 * vmc_frame_release_meta() - the last step of freeing a frame
 * @frame: a frame whose memory is already freed or unpinned
 *
 * Postcondition: the owner's counts drop, its reference is put, the
 * metadata is freed.
 * Context: any.
 */
void vmc_frame_release_meta(struct vmc_frame *frame)
{
	if (frame->owner) {
		atomic_long_dec(&frame->owner->nr_frames);
		vmc_frame_uncharge(frame->owner, 1L << frame->order);
		vmc_space_put(frame->owner);
	}
	kmem_cache_free(vmc_frame_cache, frame);
	atomic64_dec(&vmc_frames_allocated);
}

/* Free frames that had to wait for process context. */
static void vmc_free_dead_frames(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&vmc_dead_frames);
	struct vmc_frame *frame, *next;

	llist_for_each_entry_safe(frame, next, list, dead) {
		if (frame->kind == VMC_LEAF_IMPORTED) {
			vmc_frame_unimport(frame);
		} else {
			vmc_arch_set_memtype(frame->page, 1UL << frame->order,
					     VMC_CACHE_WB);
			set_page_private(frame->page, 0);
			__free_pages(frame->page, frame->order);
		}
		vmc_frame_release_meta(frame);
		cond_resched();
	}
}

/**
 * vmc_frame_refcount() - read a frame's reference count
 * @frame: the frame
 *
 * Context: any. The value may be stale unless the caller excludes updates.
 * Return: the count.
 */
u64 vmc_frame_refcount(const struct vmc_frame *frame)
{
	return (u64)atomic64_read(&frame->ref);
}

/**
 * vmc_frame_pa() - physical address of a frame
 * @frame: the frame
 *
 * Context: any.
 * Return: the physical address of its first byte.
 */
u64 vmc_frame_pa(const struct vmc_frame *frame)
{
	return page_to_phys(frame->page);
}

/**
 * vmc_frame_size() - size of a frame in bytes
 * @frame: the frame
 *
 * Context: any.
 * Return: 4 KiB or 2 MiB.
 */
u64 vmc_frame_size(const struct vmc_frame *frame)
{
	return PAGE_SIZE << frame->order;
}

/**
 * vmc_frame_kaddr() - kernel direct-map address of a byte of a frame
 * @frame: the frame
 * @offset: byte offset, below vmc_frame_size()
 *
 * Context: any.
 * Return: the address, through which tests compare what the MMU wrote.
 */
void *vmc_frame_kaddr(const struct vmc_frame *frame, u64 offset)
{
	return page_address(frame->page) + offset;
}

/**
 * vmc_frame_from_leaf() - the frame a tracked leaf maps
 * @pte: a tracked leaf entry
 * @level: its level
 *
 * Precondition: the leaf is in a tree the caller may read (its frame is
 * referenced by it).
 * Context: any.
 * Return: the frame.
 */
struct vmc_frame *vmc_frame_from_leaf(u64 pte, int level)
{
	u64 pa = vmc_pte_leaf_pa(pte, level);

	return vmc_pte_imported(pte) ? vmc_import_lookup(pa) :
				       vmc_frame_from_pa(pa);
}

/**
 * vmc_frame_from_pa() - find the allocated frame that contains an address
 * @pa: an address inside a leaf of an allocated (not imported) frame
 *
 * Precondition: @pa lies in a frame from vmc_frame_create() that is still
 * referenced (for example by a leaf the caller may read).
 * Context: any.
 * Return: the frame.
 */
struct vmc_frame *vmc_frame_from_pa(u64 pa)
{
	struct page *page = compound_head(pfn_to_page(pa >> PAGE_SHIFT));

	return (struct vmc_frame *)page_private(page);
}

/**
 * vmc_node_alloc() - allocate a zeroed table node for a space
 * @space: the owning space; counts against its table-page cap
 * @level: node level; the root (level == @space->nr_levels) gets an
 *	8 KiB-aligned order-1 allocation so that CR3 bit 12 stays clear
 * @gfp: allocation flags; GFP_NOWAIT inside an activation window
 * @limit: set to the limit that refused it (enum vmc_limit) on failure
 *
 * Postcondition: the node is not stray, with no children and a reference
 * count of 1; its page counts against the space's table-page cap, the
 * module-wide cap and the opener's RLIMIT_MEMLOCK until it is freed.
 * Context: may sleep if @gfp allows.
 * Return: the node, or NULL.
 */
struct vmc_node *vmc_node_alloc(struct vmc_space *space, int level, gfp_t gfp,
				u8 *limit)
{
	unsigned int order = level == space->nr_levels ? 1 : 0;
	long pages = atomic_long_add_return(1 << order, &space->table_pages);
	struct vmc_node *node = NULL;
	struct page *page;

	*limit = VMC_LIMIT_TABLES;
	if (space->max_table_pages && pages > space->max_table_pages)
		goto err_count;
	*limit = VMC_LIMIT_KERNEL;
	if (vmc_test_node_alloc_fails())
		goto err_count;
	if (vmc_acct_charge(space, 1 << order, limit))
		goto err_count;
	node = kmem_cache_zalloc(vmc_node_cache, gfp);
	if (!node)
		goto err_charge;
	page = alloc_pages(gfp | __GFP_ZERO | __GFP_NOWARN, order);
	if (!page)
		goto err_node;
	node->page = page;
	node->ptes = page_address(page);
	node->order = order;
	node->level = level;
	node->usage = VMC_USAGE_PTNODE;
	node->space = space;
	atomic64_set(&node->ref, 1);
	set_page_private(page, (unsigned long)node);
	atomic_long_add(1 << order, &vmc_global_table_pages);
	return node;

err_node:
	kmem_cache_free(vmc_node_cache, node);
err_charge:
	*limit = VMC_LIMIT_KERNEL;
	vmc_acct_uncharge(space, 1 << order);
err_count:
	atomic_long_sub(1 << order, &space->table_pages);
	return NULL;
}

/**
 * vmc_node_free() - free a table node and its page
 * @node: a node no walker can reach any more (detached and past an RCU
 *	grace period, or never published)
 *
 * Postcondition: the page is back in the buddy allocator, the metadata is
 * freed and the space's table-page count dropped.
 * Context: any; never sleeps.
 */
void vmc_node_free(struct vmc_node *node)
{
	unsigned int order = node->order;

	atomic_long_sub(1 << order, &node->space->table_pages);
	atomic_long_sub(1 << order, &vmc_global_table_pages);
	vmc_acct_uncharge(node->space, 1 << order);
	set_page_private(node->page, 0);
	__free_pages(node->page, order);
	atomic64_set(&node->ref, (s64)VMC_REF_UNUSED);
	node->usage = VMC_USAGE_FREE;
	kmem_cache_free(vmc_node_cache, node);
}

/**
 * vmc_meta_init() - create the metadata caches
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int vmc_meta_init(void)
{
	/* Per module: the test and benchmark modules have their own engine. */
	vmc_frame_cache = kmem_cache_create(KBUILD_MODNAME "_frame",
					    sizeof(struct vmc_frame), 0, 0,
					    NULL);
	vmc_node_cache = kmem_cache_create(KBUILD_MODNAME "_node",
					   sizeof(struct vmc_node), 0, 0, NULL);
	if (!vmc_frame_cache || !vmc_node_cache) {
		vmc_meta_exit();
		return -ENOMEM;
	}
	return 0;
}

/**
 * vmc_meta_exit() - destroy the metadata caches
 *
 * Precondition: every frame and node has been freed.
 * Context: module exit.
 */
void vmc_meta_exit(void)
{
	kmem_cache_destroy(vmc_node_cache);
	kmem_cache_destroy(vmc_frame_cache);
}
