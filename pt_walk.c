// SPDX-License-Identifier: GPL-2.0
/*
 * Walks of the page-table tree that are not cursor operations: the locked
 * depth-first traversals of the locking protocol, detaching and freeing
 * subtrees, and a software translation (what the MMU would do) for the
 * checker, the tests and the native build's MMU.
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
 * vmc_dfs_lock() - lock the table nodes below a locked node, in order
 * @node: a node the caller has locked
 * @base: the first address @node maps
 * @start: start of the range
 * @end: end of the range (exclusive)
 *
 * Locks every table node below @node that intersects [@start, @end),
 * pre-order, left to right: the global acquisition order that keeps
 * cursors free of deadlock.
 * Context: preemption disabled, in an RCU read-side critical section.
 */
void vmc_dfs_lock(struct vmc_node *node, u64 base, u64 start, u64 end)
{
	unsigned int shift = vmc_level_shift(node->level);
	unsigned int i, first, last;

	if (node->level == 1)
		return;
	first = (start - base) >> shift;
	last = (end - 1 - base) >> shift;
	for (i = first; i <= last; i++) {
		u64 pte = node->ptes[i];
		u64 cbase = base + ((u64)i << shift);
		struct vmc_node *child;

		if (vmc_pte_kind_of(pte, node->level) != VMC_PTE_TABLE)
			continue;
		child = vmc_pte_child(pte);
		vmc_node_lock(child);
		vmc_dfs_lock(child, cbase, max(start, cbase),
			     min(end, cbase + (1ULL << shift)));
	}
}

/**
 * vmc_dfs_unlock() - release what vmc_dfs_lock() took, and @node itself
 * @node: the node vmc_dfs_lock() started from
 * @base: the first address @node maps
 * @start: start of the range
 * @end: end of the range (exclusive)
 *
 * Unlocks in exactly the reverse order of vmc_dfs_lock(), over the
 * current tree (nodes created since are locked and released too; nodes
 * detached since were released when they were detached).
 * Context: as vmc_dfs_lock().
 */
void vmc_dfs_unlock(struct vmc_node *node, u64 base, u64 start, u64 end)
{
	unsigned int shift = vmc_level_shift(node->level);
	int i, first, last;

	if (node->level > 1) {
		first = (start - base) >> shift;
		last = (end - 1 - base) >> shift;
		for (i = last; i >= first; i--) {
			u64 pte = node->ptes[i];
			u64 cbase = base + ((u64)i << shift);

			if (vmc_pte_kind_of(pte, node->level) != VMC_PTE_TABLE)
				continue;
			vmc_dfs_unlock(vmc_pte_child(pte), cbase,
				       max(start, cbase),
				       min(end, cbase + (1ULL << shift)));
		}
	}
	vmc_node_unlock(node);
}

/**
 * vmc_subtree_detach() - mark a detached subtree stray and unlock it
 * @node: the root of a subtree just removed from the tree, every node of
 *	it locked by the caller
 * @steps: incremented by the entries visited
 *
 * Context: as vmc_dfs_lock().
 * Return: the number of leaves (mappings) in the subtree.
 */
u64 vmc_subtree_detach(struct vmc_node *node, u64 *steps)
{
	u64 leaves = 0, pte;
	unsigned int i;

	/* Every entry of a level-1 node is a leaf: nr_children counts them. */
	if (node->level == 1) {
		leaves = node->nr_children;
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
	vmc_node_unlock(node);
	return leaves;
}

/**
 * vmc_subtree_free() - free a detached subtree and release what it maps
 * @node: the subtree's root; no walker may reach it any more (detached,
 *	TLB flushed and past an RCU grace period, or the space is dying)
 *
 * Postcondition: every node of the subtree is freed and every tracked
 * leaf's frame reference dropped.
 * Context: process context; may sleep (it yields between nodes).
 * Return: table pages freed plus frame references dropped.
 */
u64 vmc_subtree_free(struct vmc_node *node)
{
	struct vmc_frame *run = NULL, *frame;
	unsigned long run_len = 0;
	u64 released = 1, pte;
	unsigned int i;

	for (i = 0; i < VMC_PTES_PER_NODE; i++) {
		pte = node->ptes[i];
		switch (vmc_pte_kind_of(pte, node->level)) {
		case VMC_PTE_TABLE:
			released += vmc_subtree_free(vmc_pte_child(pte));
			break;
		case VMC_PTE_LEAF:
			if (!vmc_pte_tracked(pte))
				break;
			/* Neighbouring leaves often share a frame: one put. */
			frame = vmc_frame_from_pa(vmc_pte_leaf_pa(pte, node->level));
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
	cond_resched();
	return released;
}

