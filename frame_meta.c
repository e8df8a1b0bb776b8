// SPDX-License-Identifier: GPL-2.0
/*
 * Frame and page-table-node metadata, after OSTD's MetaSlot: a 64-bit
 * reference count with the unused and overflow sentinels (it never wraps),
 * a usage type and, for table nodes, level, nr_children, lock and stray.
 *
 * A data frame's metadata hangs off page->private of its (head) page, so a
 * leaf's physical address leads back to it; the same holds for table nodes.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include "pt.h"

static struct kmem_cache *vmc_frame_cache;
static struct kmem_cache *vmc_node_cache;
atomic64_t vmc_frames_allocated;

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
 * vmc_frame_alloc() - allocate a zeroed, reference-counted data frame
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
 * vmc_frame_alloc_owned() - allocate a frame charged to a space's quota
 * @owner: the space whose max_frame_pages quota the frame counts against
 *	until it is freed, or NULL
 * @order: 0 (4 KiB) or 9 (2 MiB)
 * @gfp: allocation flags
 *
 * Precondition: @order is 0 or 9.
 * Postcondition: as vmc_frame_alloc(); the frame also holds a reference
 * on @owner, so the quota outlives the frame.
 * Context: may sleep if @gfp allows.
 * Return: the frame, ERR_PTR(-EOPNOTSUPP) for another order, or
 * ERR_PTR(-ENOMEM) on allocation failure or an exhausted quota.
 */
struct vmc_frame *vmc_frame_alloc_owned(struct vmc_space *owner,
					unsigned int order, gfp_t gfp)
{
	struct vmc_frame *frame;
	struct page *page;
	long pages;

	if (order != 0 && order != 9)
		return ERR_PTR(-EOPNOTSUPP);
	if (owner) {
		pages = atomic_long_add_return(1L << order, &owner->frame_pages);
		if (owner->max_frame_pages && pages > owner->max_frame_pages) {
			atomic_long_sub(1L << order, &owner->frame_pages);
			return ERR_PTR(-ENOMEM);
		}
	}
	frame = kmem_cache_zalloc(vmc_frame_cache, gfp);
	if (!frame)
		goto err_quota;
	page = alloc_pages(gfp | __GFP_ZERO | __GFP_NOWARN |
			   (order ? __GFP_COMP : 0), order);
	if (!page) {
		kmem_cache_free(vmc_frame_cache, frame);
		goto err_quota;
	}
	if (owner) {
		vmc_space_get(owner);
		atomic_long_inc(&owner->nr_frames);
	}
	frame->owner = owner;
	frame->page = page;
	frame->order = order;
	frame->usage = VMC_USAGE_FRAME;
	atomic64_set(&frame->ref, 1);
	set_page_private(page, (unsigned long)frame);
	atomic64_inc(&vmc_frames_allocated);
	return frame;

err_quota:
	if (owner)
		atomic_long_sub(1L << order, &owner->frame_pages);
	return ERR_PTR(-ENOMEM);
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
	set_page_private(frame->page, 0);
	__free_pages(frame->page, frame->order);
	atomic64_set(&frame->ref, (s64)VMC_REF_UNUSED);
	frame->usage = VMC_USAGE_FREE;
	if (frame->owner) {
		atomic_long_dec(&frame->owner->nr_frames);
		atomic_long_sub(1L << frame->order, &frame->owner->frame_pages);
		vmc_space_put(frame->owner);
	}
	kmem_cache_free(vmc_frame_cache, frame);
	atomic64_dec(&vmc_frames_allocated);
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
 * vmc_frame_from_pa() - find the frame that contains a physical address
 * @pa: an address inside a tracked leaf
 *
 * Precondition: @pa lies in a frame from vmc_frame_alloc() that is still
 * referenced (for example by a leaf under a locked node).
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
 * @gfp: allocation flags; GFP_NOWAIT under cursor locks
 *
 * Postcondition: the node is unlocked, not stray, with no children and a
 * reference count of 1.
 * Context: may sleep if @gfp allows.
 * Return: the node, or NULL on allocation failure or when the space's
 * table-page cap is reached.
 */
struct vmc_node *vmc_node_alloc(struct vmc_space *space, int level, gfp_t gfp)
{
	unsigned int order = level == space->nr_levels ? 1 : 0;
	long pages = atomic_long_add_return(1 << order, &space->table_pages);
	struct vmc_node *node = NULL;
	struct page *page;

	if (space->max_table_pages && pages > space->max_table_pages)
		goto err_count;
	if (vmc_test_node_alloc_fails())
		goto err_count;
	node = kmem_cache_zalloc(vmc_node_cache, gfp);
	if (!node)
		goto err_count;
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
