// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space lifetime: a space owns a root table, counts its table
 * pages and frames against its caps, and lives until its last reference
 * (deferred frees and owned frames hold one) goes.
 *
 * The root is allocated as an order-1 page, so it is 8 KiB aligned and bit
 * 12 of its physical address is clear: with PTI, the entry code switches
 * CR3 to the kernel table by clearing bit 12, which must then still name
 * our root.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include "pt.h"

static void vmc_space_free_work(struct work_struct *work)
{
	struct vmc_space *space = container_of(work, struct vmc_space,
					       release_work);

	vmc_arch_space_fini(space);
	vmc_acct_detach(space);
	kfree(space);
}

/* The arch layer's fini may sleep, and the last put may come from a flush. */
static void vmc_space_release(struct kref *ref)
{
	struct vmc_space *space = container_of(ref, struct vmc_space, ref);

	INIT_WORK(&space->release_work, vmc_space_free_work);
	vmc_queue_work(&space->release_work);
}

/**
 * vmc_space_get() - take a reference on a space's memory
 * @space: the space
 *
 * Context: any.
 */
void vmc_space_get(struct vmc_space *space)
{
	kref_get(&space->ref);
}

/**
 * vmc_space_put() - drop a reference taken by vmc_space_get()
 * @space: the space
 *
 * Context: any; the last put frees the structure.
 */
void vmc_space_put(struct vmc_space *space)
{
	kref_put(&space->ref, vmc_space_release);
}

/**
 * vmc_user_va_end() - end of the cursor-managed user range
 *
 * The user half of the root, minus its top page (as in OSTD), so that
 * every managed address is canonical and below the kernel's TASK_SIZE_MAX.
 *
 * Context: after the arch layer is initialised.
 * Return: 2^47 - 4 KiB with 4-level paging, 2^56 - 4 KiB with 5-level.
 */
u64 vmc_user_va_end(void)
{
	return vmc_levels_va_end(vmc_fmt.nr_levels);
}

/**
 * vmc_space_create() - create an empty address space
 * @max_table_pages: cap on table pages (root included), 0 for none
 * @max_frame_pages: cap on 4 KiB pages of frames owned by the space
 *	(vmc_frame_alloc_owned()), 0 for none
 *
 * Postcondition: the root's user half (entries 0-255) is empty; the arch
 * layer filled its kernel half (vmc_arch_space_init()), so the root can be
 * loaded into CR3.
 * Context: process context; may sleep.
 * Return: the space, or ERR_PTR(-ENOMEM).
 */
struct vmc_space *vmc_space_create(long max_table_pages,
				   long max_frame_pages)
{
	static atomic_t next_id;
	struct vmc_space *space;
	u8 limit;

	space = kzalloc(sizeof(*space), GFP_KERNEL_ACCOUNT);
	if (!space)
		return ERR_PTR(-ENOMEM);
	vmc_range_init(space);
	kref_init(&space->ref);
	space->id = atomic_inc_return(&next_id);
	spin_lock_init(&space->spare_lock);
	space->nr_levels = vmc_fmt.nr_levels;
	space->va_end = vmc_levels_va_end(space->nr_levels);
	space->max_table_pages = max_table_pages;
	space->max_frame_pages = max_frame_pages;
	space->root = vmc_node_alloc(space, space->nr_levels,
				     GFP_KERNEL_ACCOUNT, &limit);
	if (!space->root)
		goto err_free;
	if (vmc_arch_space_init(space))
		goto err_root;
	return space;

err_root:
	vmc_node_free(space->root);
err_free:
	kfree(space);
	return ERR_PTR(-ENOMEM);
}

/**
 * vmc_space_destroy() - tear an address space down
 * @space: the space
 *
 * Precondition: no cursor exists on @space and no CPU has it loaded.
 * Postcondition: every table page is freed and every frame reference its
 * leaves held is dropped; deferred frees still in flight finish on their
 * own and drop the last reference on the structure.
 * Context: process context; may sleep.
 */
void vmc_space_destroy(struct vmc_space *space)
{
	struct vmc_node *root = space->root;
	u64 tables = 0;
	unsigned int i;

	for (i = 0; i < VMC_PTES_PER_NODE / 2; i++) {
		if (vmc_pte_kind_of(root->ptes[i], root->level) ==
		    VMC_PTE_TABLE)
			vmc_subtree_free(vmc_pte_child(root->ptes[i]), &tables);
		root->ptes[i] = 0;
	}
	vmc_node_free(root);
	while (space->spare) {
		struct vmc_node *node = space->spare;

		space->spare = node->next;
		vmc_node_free(node);
	}
	space->nr_spare = 0;
	vmc_space_put(space);
}

/**
 * vmc_engine_init() - set up everything the engine needs
 *
 * The CPU's format, the metadata caches and the deferred-free workqueue.
 *
 * Context: module init (the test module: its first suite's init).
 * Return: 0 or -ENOMEM.
 */
int vmc_engine_init(void)
{
	int err = vmc_arch_init();

	if (err)
		return err;
	vmc_import_init();
	err = vmc_meta_init();
	if (err)
		goto err_arch;
	err = vmc_tlb_init();
	if (err)
		goto err_meta;
	return 0;

err_meta:
	vmc_meta_exit();
err_arch:
	vmc_arch_exit();
	return err;
}

/**
 * vmc_engine_exit() - undo vmc_engine_init()
 *
 * Precondition: every space, frame and node has been freed.
 * Context: module exit.
 */
void vmc_engine_exit(void)
{
	vmc_tlb_exit();
	vmc_meta_exit();
	vmc_arch_exit();
}
