// SPDX-License-Identifier: GPL-2.0
/*
 * The invariant checker: walks a space's real tree and checks what vostd's
 * invariants (and vmcursor's decisions) promise about it.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/xarray.h>
#include <linux/mutex.h>
#include "pt.h"

struct vmc_checker {
	struct vmc_space *space;
	struct vmc_check_report *rep;
	struct xarray holders;		/* frame (head pfn) -> leaves */
	u64 reachable_pages;
	int err;
};

static __printf(2, 3) void vmc_violation(struct vmc_checker *ck,
					 const char *fmt, ...)
{
	struct vmc_check_report *rep = ck->rep;
	va_list args;

	int need;

	rep->violations++;
	if (!rep->msg || !rep->msg_len)
		return;
	va_start(args, fmt);
	need = vsnprintf(rep->msg + rep->msg_used, rep->msg_len - rep->msg_used,
			 fmt, args);
	va_end(args);
	if (rep->msg_used + need >= rep->msg_len) {
		rep->truncated = true;
		rep->msg_used = rep->msg_len - 1;
	} else {
		rep->msg_used += need;
	}
}

/*
 * Holders are counted per frame, keyed by the metadata's address (frames
 * are at least 8-byte aligned objects): imported frames have no
 * page->private to find them by.
 */
static unsigned long vmc_check_key(const struct vmc_frame *frame)
{
	return (unsigned long)frame >> 3;
}

static struct vmc_frame *vmc_check_frame(unsigned long key)
{
	return (struct vmc_frame *)(key << 3);
}

/* Physical addresses and raw entries only for CAP_SYS_ADMIN callers. */
static u64 vmc_check_pa(const struct vmc_checker *ck, u64 pa)
{
	return ck->rep->show_pa ? pa : 0;
}

/* Count one leaf holder of @frame. */
static void vmc_check_hold(struct vmc_checker *ck, struct vmc_frame *frame)
{
	unsigned long key = vmc_check_key(frame);
	void *old = xa_load(&ck->holders, key);
	unsigned long n = old ? xa_to_value(old) : 0;

	if (!n)
		ck->rep->frames++;
	if (xa_err(xa_store(&ck->holders, key, xa_mk_value(n + 1), GFP_KERNEL)))
		ck->err = -ENOMEM;
}

static void vmc_check_leaf(struct vmc_checker *ck,
			   const struct vmc_pte_info *info, int level, u64 va)
{
	struct vmc_frame *frame;
	u64 ref, fpa, size = vmc_page_size(level);

	ck->rep->mappings++;
	if (!vmc_level_supported(level))
		vmc_violation(ck, "%#llx: level-%d leaf unsupported\n", va, level);
	if (!vmc_prop_supported(info->prop))
		vmc_violation(ck, "%#llx: property %#x unsupported\n", va,
			      info->prop);
	if (!info->tracked)
		return;
	frame = vmc_frame_of(info);
	if (!frame || frame->usage != VMC_USAGE_FRAME) {
		vmc_violation(ck, "%#llx: pa %#llx is not a frame\n", va,
			      vmc_check_pa(ck, info->pa));
		return;
	}
	fpa = vmc_frame_pa(frame);
	if (info->pa < fpa || info->pa - fpa + size > vmc_frame_size(frame))
		vmc_violation(ck, "%#llx: leaf outside its frame\n", va);
	if (frame->kind != info->leaf)
		vmc_violation(ck, "%#llx: leaf kind %u, frame kind %u\n", va,
			      info->leaf, frame->kind);
	if (frame->cache != VMC_PROP_CACHE(info->prop))
		vmc_violation(ck, "%#llx: cache mode %u, the frame's is %u\n", va,
			      VMC_PROP_CACHE(info->prop), frame->cache);
	ref = vmc_frame_refcount(frame);
	if (!ref || ref > VMC_REF_MAX)
		vmc_violation(ck, "%#llx: frame refcount %#llx\n", va, ref);
	vmc_check_hold(ck, frame);
}

static void vmc_check_node(struct vmc_checker *ck, struct vmc_node *node,
			   int level, u64 base)
{
	unsigned int i, n = level == ck->space->nr_levels ?
			    VMC_PTES_PER_NODE / 2 : VMC_PTES_PER_NODE;
	struct vmc_pte_info info;
	unsigned int present = 0;

	ck->reachable_pages += 1 << node->order;
	ck->rep->table_pages += 1 << node->order;
	if (node->usage != VMC_USAGE_PTNODE || node->level != level ||
	    node->stray || node->space != ck->space ||
	    atomic64_read(&node->ref) != 1)
		vmc_violation(ck, "%#llx: node level %u/%d stray %d ref %lld\n",
			      base, node->level, level, node->stray,
			      atomic64_read(&node->ref));
	for (i = 0; i < n; i++) {
		u64 pte = vmc_pte_read(&node->ptes[i]);
		u64 va = base + ((u64)i << vmc_level_shift(level));

		switch (vmc_pte_decode(pte, level, &info)) {
		case VMC_PTE_ABSENT:
			continue;
		case VMC_PTE_TABLE:
			vmc_check_node(ck, vmc_node_from_pa(info.pa), level - 1, va);
			break;
		case VMC_PTE_LEAF:
			vmc_check_leaf(ck, &info, level, va);
			break;
		default:
			vmc_violation(ck, "%#llx: level-%d entry %#llx undecodable\n",
				      va, level, vmc_check_pa(ck, pte));
			break;
		}
		present++;
	}
	if (present != atomic_read(&node->nr_children))
		vmc_violation(ck, "%#llx: level-%d node has %u entries, nr_children %d\n",
			      base, level, present,
			      atomic_read(&node->nr_children));
	cond_resched();
}

/* Holders are packed as leaves | references held elsewhere << 32. */
#define VMC_EXTRA_SHIFT	32

static int vmc_check_add_extra(struct vmc_checker *ck, struct xarray *extra)
{
	unsigned long index, key;
	void *entry;

	xa_for_each(extra, index, entry) {
		struct vmc_frame *frame = entry;
		void *old;

		key = vmc_check_key(frame);
		old = xa_load(&ck->holders, key);
		if (xa_err(xa_store(&ck->holders, key,
				    xa_mk_value((old ? xa_to_value(old) : 0) +
						(1UL << VMC_EXTRA_SHIFT)),
				    GFP_KERNEL)))
			return -ENOMEM;
	}
	return 0;
}

static void vmc_check_refs(struct vmc_checker *ck)
{
	unsigned long key;
	void *entry;

	xa_for_each(&ck->holders, key, entry) {
		struct vmc_frame *frame = vmc_check_frame(key);
		unsigned long v = xa_to_value(entry);
		u64 want = (v & (BIT(VMC_EXTRA_SHIFT) - 1)) + (v >> VMC_EXTRA_SHIFT);

		if (vmc_frame_refcount(frame) != want)
			vmc_violation(ck, "frame %#llx (handle %u): refcount %llu, holders %llu\n",
				      vmc_check_pa(ck, vmc_frame_pa(frame)),
				      frame->handle, vmc_frame_refcount(frame),
				      want);
	}
}

/**
 * vmc_space_check_quiesced() - vmc_space_check() for a caller that has
 *	already excluded every cursor
 * @space: the space
 * @extra: as for vmc_space_check()
 * @rep: as for vmc_space_check()
 * @drained: deferred frees have completed, so reference counts and the
 *	table-page total can be compared too; otherwise those two checks
 *	are skipped
 *
 * Precondition: no cursor of @space exists and none is created during the
 * call (a single-threaded test, or a claim on the whole managed range).
 * Context: process context; may sleep.
 * Return: as vmc_space_check().
 */
int vmc_space_check_quiesced(struct vmc_space *space, struct xarray *extra,
			     struct vmc_check_report *rep, bool drained)
{
	struct vmc_checker ck = { .space = space, .rep = rep };
	long allocated;
	int slot;

	rep->violations = 0;
	rep->mappings = 0;
	rep->table_pages = 0;
	rep->frames = 0;
	rep->msg_used = 0;
	rep->truncated = false;
	if (rep->msg && rep->msg_len)
		rep->msg[0] = '\0';
	xa_init(&ck.holders);
	vmc_check_node(&ck, space->root, space->nr_levels, 0);
	slot = vmc_arch_root_private_slot(space);
	if (slot >= 0)
		vmc_violation(&ck, "root: kernel entry %d belongs to one process\n",
			      slot);
	if (drained) {
		if (extra && !ck.err)
			ck.err = vmc_check_add_extra(&ck, extra);
		vmc_check_refs(&ck);
		allocated = atomic_long_read(&space->table_pages) -
			    READ_ONCE(space->nr_spare);
		if (ck.reachable_pages != allocated)
			vmc_violation(&ck, "%llu table pages reachable, %ld allocated\n",
				      ck.reachable_pages, allocated);
	}
	xa_destroy(&ck.holders);
	return ck.err;
}

/**
 * vmc_space_check() - check a space's tree against its invariants
 * @space: the space
 * @extra: references held outside the tree, or NULL: each entry is a
 *	struct vmc_frame on which the entry holds one reference (the file's
 *	handle table); these frames are checked even when nothing maps them
 * @rep: the report; @rep->msg and @rep->msg_len are inputs
 *
 * Checked: every entry decodes; each node's nr_children equals its
 * present entries, its level is its parent's minus one, it is neither
 * stray and belongs to @space; leaves sit at supported levels
 * with supported properties, aligned (the encoding holds no stray address
 * bits) and, when tracked, inside a live frame; every frame's reference
 * count equals its leaves plus its @extra entries; the root's kernel half
 * holds no per-process entry (the PTI LDT remap); and the table pages
 * reachable from the root are all the space has allocated, spare nodes
 * aside (no orphans).
 * Precondition: the calling thread holds no cursor of @space, and @extra
 * does not change during the call.
 * Postcondition: the tree is unchanged.
 * Locking: claims the whole managed range (range_lock.c), so it waits for
 * every cursor to finish and keeps new ones out; then waits for deferred
 * frees.
 * Context: process context; sleeps.
 * Return: 0; -ENOMEM if the bookkeeping could not be allocated (the
 * report is then incomplete); -EINTR if a fatal signal arrived while it
 * waited for the cursors.
 */
int vmc_space_check(struct vmc_space *space, struct xarray *extra,
		    struct vmc_check_report *rep)
{
	struct vmc_range all;
	int err = vmc_range_lock(space, &all, 0, space->va_end);

	if (err)
		return err;
	vmc_space_drain(space);
	err = vmc_space_check_quiesced(space, extra, rep, true);
	vmc_range_unlock(space, &all);
	return err;
}
