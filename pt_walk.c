// SPDX-License-Identifier: GPL-2.0
/*
 * Walks of the page-table tree that are not cursor operations: detaching
 * and freeing subtrees, and a software translation (what the MMU would do)
 * for the tests and the native build's MMU.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include "pt.h"

/**
 * vmc_pt_translate() - walk the tree for @va as the MMU would
 * @space: the space
 * @va: an address in the managed range
 * @info: the decoded entry where the walk stopped
 * @slot: if not NULL, set to that entry's address
 *
 * Context: the caller excludes concurrent changes of the walked path (a
 * cursor over @va, or a quiesced space).
 * Return: the level of the entry where the walk stopped: a leaf, an absent
 * entry or an undecodable one (@info->kind says which).
 */
int vmc_pt_translate(struct vmc_space *space, u64 va,
		     struct vmc_pte_info *info, u64 **slot)
{
	struct vmc_node *node = space->root;
	int level = space->nr_levels;
	u64 *p;

	for (;;) {
		p = &node->ptes[vmc_pte_index(va, level)];
		if (vmc_pte_decode(vmc_pte_read(p), level, info) !=
		    VMC_PTE_TABLE)
			break;
		node = vmc_node_from_pa(info->pa);
		level--;
	}
	if (slot)
		*slot = p;
	return level;
}

/**
 * vmc_subtree_detach() - mark a subtree just removed from the tree stray
 * @node: its root; the subtree lay inside the caller's claimed range, so
 *	no other cursor can be in it
 * @steps: incremented by the entries visited
 *
 * Context: the cursor that removed it.
 * Return: the number of leaves (mappings) in the subtree.
 */
u64 vmc_subtree_detach(struct vmc_node *node, u64 *steps)
{
	u64 leaves = 0, pte;
	unsigned int i;

	/* Every entry of a level-1 node is a leaf: nr_children counts them. */
	if (node->level == 1) {
		leaves = atomic_read(&node->nr_children);
		goto out;
	}
	for (i = 0; i < VMC_PTES_PER_NODE; i++) {
		pte = node->ptes[i];
		switch (vmc_pte_kind_of(pte, node->level)) {
		case VMC_PTE_TABLE:
			leaves += vmc_subtree_detach(vmc_pte_child(pte), steps);
			break;
		case VMC_PTE_LEAF:
			leaves++;
			break;
		default:
			break;
		}
	}
	*steps += VMC_PTES_PER_NODE;
out:
	node->stray = true;
	return leaves;
}

/**
 * vmc_subtree_free() - free a detached subtree and release what it maps
 * @node: the subtree's root; no walker may reach it any more (detached,
 *	TLB flushed and past an RCU grace period, or the space is dying)
 * @tables: incremented by the table pages freed
 *
 * Postcondition: every node of the subtree is freed and every tracked
 * leaf's frame reference dropped.
 * Context: process context; may sleep (it yields between nodes).
 * Return: table pages freed plus frame references dropped.
 */
u64 vmc_subtree_free(struct vmc_node *node, u64 *tables)
{
	struct vmc_frame *run = NULL, *frame;
	unsigned long run_len = 0;
	u64 released = 1, pte;
	unsigned int i;

	for (i = 0; i < VMC_PTES_PER_NODE; i++) {
		pte = node->ptes[i];
		switch (vmc_pte_kind_of(pte, node->level)) {
		case VMC_PTE_TABLE:
			released += vmc_subtree_free(vmc_pte_child(pte), tables);
			break;
		case VMC_PTE_LEAF:
			if (!vmc_pte_tracked(pte))
				break;
			/* Neighbouring leaves often share a frame: one put. */
			frame = vmc_frame_from_leaf(pte, node->level);
			if (frame != run) {
				if (run)
					vmc_frame_put(run, run_len);
				run = frame;
				run_len = 0;
			}
			run_len++;
			released++;
			break;
		default:
			break;
		}
	}
	if (run)
		vmc_frame_put(run, run_len);
	vmc_node_free(node);
	(*tables)++;
	cond_resched();
	return released;
}

