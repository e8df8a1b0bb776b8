// SPDX-License-Identifier: GPL-2.0
/*
 * Paging geometry, x86-64 PTE encoding and address-space lifetime.
 *
 * The tables are live: they are loaded into CR3 and walked by the MMU, so
 * every bit means what the hardware and Linux's PAT programming say. Cache
 * bits come from Linux's cachemode2protval(); leaves are told from tables
 * by position (level 1) or PS (levels 2-3), never by a software bit 7.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/mem_encrypt.h>
#include <asm/pgtable_types.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>
#include "pt.h"

/* PCIDs 1-6 (and those | 0x800 under PTI) are Linux's; stay clear. */
#define VMC_PCID_BASE		0x400
#define VMC_NR_PCIDS		0x200

u8 vmc_nr_levels;
EXPORT_SYMBOL_GPL(vmc_nr_levels);

static bool vmc_has_nx;
static bool vmc_has_gbpages;
u64 vmc_pa_limit;			/* 1 << MAXPHYADDR */
EXPORT_SYMBOL_GPL(vmc_pa_limit);
static u64 vmc_cache_bits[VMC_NR_CACHE_MODES];	/* 4 KiB form */
static u32 vmc_cache_ok;		/* modes with distinct encodings */

static const enum page_cache_mode vmc_pcm[VMC_NR_CACHE_MODES] = {
	[VMC_CACHE_WB] = _PAGE_CACHE_MODE_WB,
	[VMC_CACHE_WT] = _PAGE_CACHE_MODE_WT,
	[VMC_CACHE_WC] = _PAGE_CACHE_MODE_WC,
	[VMC_CACHE_UC] = _PAGE_CACHE_MODE_UC,
};

/**
 * vmc_pt_init() - detect paging depth, NX, 1 GiB pages and PAT layout
 *
 * A cache mode is supported only when its PTE encoding differs from every
 * other mode's, so that decoding is exact (with PAT disabled WT and WC
 * both fall back to UC-, and are refused).
 *
 * Context: module init.
 * Return: 0.
 */
int vmc_pt_init(void)
{
	unsigned int i, j;

	vmc_nr_levels = pgtable_l5_enabled() ? 5 : 4;
	vmc_has_nx = !!(__supported_pte_mask & _PAGE_NX);
	vmc_has_gbpages = boot_cpu_has(X86_FEATURE_GBPAGES);
	vmc_pa_limit = 1ULL << boot_cpu_data.x86_phys_bits;
	for (i = 0; i < VMC_NR_CACHE_MODES; i++)
		vmc_cache_bits[i] = cachemode2protval(vmc_pcm[i]) &
				    VMC_PTE_CACHE_4K;
	vmc_cache_ok = 0;
	for (i = 0; i < VMC_NR_CACHE_MODES; i++) {
		bool distinct = true;

		for (j = 0; j < VMC_NR_CACHE_MODES; j++)
			if (j != i && vmc_cache_bits[j] == vmc_cache_bits[i])
				distinct = false;
		if (distinct)
			vmc_cache_ok |= 1u << i;
	}
	return 0;
}

/**
 * vmc_user_va_end() - end of the cursor-managed user range
 *
 * The user half of the root, minus its top page (as in OSTD), so that
 * every managed address is canonical and below the kernel's TASK_SIZE_MAX.
 *
 * Context: after vmc_pt_init().
 * Return: 2^47 - 4 KiB with 4-level paging, 2^56 - 4 KiB with 5-level.
 */
u64 vmc_user_va_end(void)
{
	return (1ULL << (vmc_level_shift(vmc_nr_levels) + 8)) - VMC_PAGE_SIZE;
}
EXPORT_SYMBOL_GPL(vmc_user_va_end);

/**
 * vmc_level_supported() - can a leaf of this level be mapped?
 * @level: leaf level
 *
 * Context: any.
 * Return: true for 1 and 2, and for 3 when the CPU has 1 GiB pages.
 */
bool vmc_level_supported(int level)
{
	return level == 1 || level == 2 ||
	       (level == VMC_MAX_LEAF_LEVEL && vmc_has_gbpages);
}
EXPORT_SYMBOL_GPL(vmc_level_supported);

/**
 * vmc_prop_supported() - can a leaf with this property be mapped?
 * @prop: VMC_PROP_* flags, cache mode and VMC_PRIV_* bits
 *
 * Global leaves are refused: they would survive the CR3 switch back to
 * Linux's tables and leak the space into other address spaces.
 *
 * Context: any.
 * Return: true if @prop has no unknown bits, no VMC_PRIV_GLOBAL, and a
 * cache mode that encodes exactly on this CPU.
 */
bool vmc_prop_supported(u32 prop)
{
	u32 cache = VMC_PROP_CACHE(prop);

	if (prop & ~VMC_PROP_VALID_MASK || prop & VMC_PRIV_GLOBAL)
		return false;
	return cache < VMC_NR_CACHE_MODES && (vmc_cache_ok & (1u << cache));
}
EXPORT_SYMBOL_GPL(vmc_prop_supported);

/**
 * vmc_cache_modes() - cache modes this CPU's PAT layout encodes exactly
 *
 * Context: any.
 * Return: bitmap of VMC_CACHE_* values.
 */
u32 vmc_cache_modes(void)
{
	return vmc_cache_ok;
}
EXPORT_SYMBOL_GPL(vmc_cache_modes);

/**
 * vmc_max_paddr() - first physical address the CPU cannot map
 *
 * Context: any.
 * Return: 2^MAXPHYADDR.
 */
u64 vmc_max_paddr(void)
{
	return vmc_pa_limit;
}
EXPORT_SYMBOL_GPL(vmc_max_paddr);

static u64 vmc_pa_mask(int level)
{
	return (vmc_pa_limit - 1) & ~(vmc_page_size(level) - 1);
}

static u64 vmc_cache_to_pte(u32 mode, int level)
{
	u64 bits = vmc_cache_bits[mode];

	if (level == 1 || !(bits & VMC_PTE_PAT4K))
		return bits;
	return (bits & ~VMC_PTE_PAT4K) | VMC_PTE_PAT_LARGE;
}

static int vmc_pte_to_cache(u64 pte, int level)
{
	u64 bits = pte & (VMC_PTE_PWT | VMC_PTE_PCD);
	unsigned int i;

	if (level == 1)
		bits |= pte & VMC_PTE_PAT4K;
	else if (pte & VMC_PTE_PAT_LARGE)
		bits |= VMC_PTE_PAT4K;
	for (i = 0; i < VMC_NR_CACHE_MODES; i++)
		if ((vmc_cache_ok & (1u << i)) && vmc_cache_bits[i] == bits)
			return i;
	return -1;
}

/**
 * vmc_pte_leaf_bits() - every bit of a leaf entry except its address
 * @level: 1, 2 or 3
 * @prop: property; without VMC_PROP_R the entry is kept not-present and
 *	marked with a software bit (PROT_NONE: mapped, but the MMU refuses)
 * @tracked: the leaf maps a vmc_frame (RAM, so it gets the SME C-bit)
 *
 * A run of leaves with one property shares these bits: the cursor computes
 * them once and ORs in each address.
 * Precondition: @prop passes vmc_prop_supported() apart from
 * VMC_PRIV_GLOBAL, which is encoded as G.
 * Context: any.
 * Return: the bits.
 */
u64 vmc_pte_leaf_bits(int level, u32 prop, bool tracked)
{
	u64 pte = vmc_cache_to_pte(VMC_PROP_CACHE(prop), level);

	if (level > 1)
		pte |= VMC_PTE_PS;
	if (prop & VMC_PROP_W)
		pte |= VMC_PTE_RW;
	if (!(prop & VMC_PROP_X))
		pte |= vmc_has_nx ? VMC_PTE_NX : VMC_PTE_SW_NX;
	if (prop & VMC_PROP_A)
		pte |= VMC_PTE_A;
	if (prop & VMC_PROP_D)
		pte |= VMC_PTE_D;
	if (prop & VMC_PRIV_USER)
		pte |= VMC_PTE_US;
	if (prop & VMC_PRIV_GLOBAL)
		pte |= VMC_PTE_G;
	if (tracked)
		pte |= sme_me_mask;
	else
		pte |= VMC_PTE_UNTRACKED;
	pte |= (prop & VMC_PROP_R) ? VMC_PTE_P : VMC_PTE_NOACCESS;
	return pte;
}
EXPORT_SYMBOL_GPL(vmc_pte_leaf_bits);

/**
 * vmc_pte_encode_leaf() - encode a leaf entry
 * @pa: physical address, aligned to the leaf size and below 2^MAXPHYADDR
 * @level: 1, 2 or 3
 * @prop: property (see vmc_pte_leaf_bits())
 * @tracked: the leaf maps a vmc_frame
 *
 * Precondition: as vmc_pte_leaf_bits().
 * Postcondition: vmc_pte_decode() at @level gives back @pa, @prop and
 * @tracked exactly.
 * Context: any.
 * Return: the entry.
 */
u64 vmc_pte_encode_leaf(u64 pa, int level, u32 prop, bool tracked)
{
	return pa | vmc_pte_leaf_bits(level, prop, tracked);
}
EXPORT_SYMBOL_GPL(vmc_pte_encode_leaf);

/**
 * vmc_pte_encode_table() - encode an entry pointing to a child table
 * @child_pa: the child table's physical address (4 KiB aligned)
 *
 * Table entries are user-accessible and writable so that the leaf alone
 * decides; A is preset so the MMU never has to write it.
 *
 * Context: any.
 * Return: the entry.
 */
u64 vmc_pte_encode_table(u64 child_pa)
{
	return child_pa | sme_me_mask | VMC_TABLE_FLAGS;
}
EXPORT_SYMBOL_GPL(vmc_pte_encode_table);

/**
 * vmc_pte_table_pa() - child-table address held in a table entry
 * @pte: a table entry
 *
 * Context: any.
 * Return: the physical address.
 */
u64 vmc_pte_table_pa(u64 pte)
{
	return pte & vmc_pa_mask(1);
}
EXPORT_SYMBOL_GPL(vmc_pte_table_pa);

static enum vmc_pte_kind vmc_decode_table(u64 pte, int level,
					  struct vmc_pte_info *out)
{
	if (level == 1 || (pte & ~(vmc_pa_mask(1) | sme_me_mask)) !=
	    VMC_TABLE_FLAGS)
		return VMC_PTE_INVALID;
	out->pa = pte & vmc_pa_mask(1);
	out->kind = VMC_PTE_TABLE;
	return VMC_PTE_TABLE;
}

static enum vmc_pte_kind vmc_decode_leaf(u64 pte, int level,
					 struct vmc_pte_info *out)
{
	u64 known = vmc_pa_mask(level) | VMC_PTE_P | VMC_PTE_RW | VMC_PTE_US |
		    VMC_PTE_PWT | VMC_PTE_PCD | VMC_PTE_A | VMC_PTE_D |
		    VMC_PTE_G | VMC_PTE_UNTRACKED | VMC_PTE_NOACCESS |
		    (vmc_has_nx ? VMC_PTE_NX : VMC_PTE_SW_NX);
	int cache = vmc_pte_to_cache(pte, level);
	bool tracked = !(pte & VMC_PTE_UNTRACKED);
	u32 prop = 0;

	known |= level == 1 ? VMC_PTE_PAT4K : VMC_PTE_PS | VMC_PTE_PAT_LARGE;
	if (tracked)
		known |= sme_me_mask;
	if (level > VMC_MAX_LEAF_LEVEL || cache < 0 || (pte & ~known))
		return VMC_PTE_INVALID;
	if (level > 1 && !(pte & VMC_PTE_PS))
		return VMC_PTE_INVALID;
	if (pte & VMC_PTE_P)
		prop |= VMC_PROP_R;
	if (pte & VMC_PTE_RW)
		prop |= VMC_PROP_W;
	if (!(pte & (VMC_PTE_NX | VMC_PTE_SW_NX)))
		prop |= VMC_PROP_X;
	if (pte & VMC_PTE_A)
		prop |= VMC_PROP_A;
	if (pte & VMC_PTE_D)
		prop |= VMC_PROP_D;
	if (pte & VMC_PTE_US)
		prop |= VMC_PRIV_USER;
	if (pte & VMC_PTE_G)
		prop |= VMC_PRIV_GLOBAL;
	out->kind = VMC_PTE_LEAF;
	out->pa = pte & vmc_pa_mask(level);
	out->prop = prop | ((u32)cache << VMC_PROP_CACHE_SHIFT);
	out->tracked = tracked;
	return VMC_PTE_LEAF;
}

/**
 * vmc_pte_decode() - decode an entry of a node at @level
 * @pte: the raw entry
 * @level: the level of the node holding it
 * @out: the decoded entry
 *
 * An entry that vmc_pte_encode_leaf() or vmc_pte_encode_table() cannot
 * have produced (unknown bits, a leaf above level 3, an undecodable cache
 * mode, a not-present entry without the PROT_NONE marker) is
 * VMC_PTE_INVALID, which the invariant checker reports.
 *
 * Context: any.
 * Return: the kind, also stored in @out->kind.
 */
enum vmc_pte_kind vmc_pte_decode(u64 pte, int level, struct vmc_pte_info *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = VMC_PTE_INVALID;
	if (!pte) {
		out->kind = VMC_PTE_ABSENT;
		return VMC_PTE_ABSENT;
	}
	if (!(pte & VMC_PTE_P)) {
		if (!(pte & VMC_PTE_NOACCESS))
			return VMC_PTE_INVALID;
		return vmc_decode_leaf(pte, level, out);
	}
	if (pte & VMC_PTE_NOACCESS)
		return VMC_PTE_INVALID;
	if (level == 1 || (level <= VMC_MAX_LEAF_LEVEL && (pte & VMC_PTE_PS)))
		return vmc_decode_leaf(pte, level, out);
	return vmc_decode_table(pte, level, out);
}
EXPORT_SYMBOL_GPL(vmc_pte_decode);

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
			if (pte & VMC_PTE_UNTRACKED)
				break;
			/* Neighbouring leaves often share a frame: one put. */
			frame = vmc_frame_from_pa(pte & vmc_pa_mask(node->level));
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

static void vmc_space_free_work(struct work_struct *work)
{
	struct vmc_space *space = container_of(work, struct vmc_space,
					       release_work);

	percpu_free_rwsem(&space->quiesce);
	free_cpumask_var(space->active_cpus);
	kfree(space);
}

/* percpu_free_rwsem() may sleep, and the last put may come from a flush. */
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
EXPORT_SYMBOL_GPL(vmc_space_get);

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
EXPORT_SYMBOL_GPL(vmc_space_put);

/**
 * vmc_space_create() - create an empty address space
 * @max_table_pages: cap on table pages (root included), 0 for none
 * @max_frame_pages: cap on 4 KiB pages of frames owned by the space
 *	(vmc_frame_alloc_owned()), 0 for none
 *
 * Postcondition: the root's user half (entries 0-255) is empty and its
 * kernel half is a copy of the current top-level table's, so the root can
 * be loaded into CR3. x86-64 preallocates the kernel's top-level entries
 * at boot, so the copy never goes stale.
 * Context: process context; may sleep.
 * Return: the space, or ERR_PTR(-ENOMEM).
 */
struct vmc_space *vmc_space_create(long max_table_pages,
				   long max_frame_pages)
{
	static atomic_t next_id;
	struct vmc_space *space;
	const u64 *kernel_root;

	space = kzalloc(sizeof(*space), GFP_KERNEL_ACCOUNT);
	if (!space)
		return ERR_PTR(-ENOMEM);
	if (!zalloc_cpumask_var(&space->active_cpus, GFP_KERNEL))
		goto err_free;
	if (percpu_init_rwsem(&space->quiesce))
		goto err_mask;
	kref_init(&space->ref);
	spin_lock_init(&space->spare_lock);
	space->nr_levels = vmc_nr_levels;
	space->va_end = vmc_user_va_end();
	space->max_table_pages = max_table_pages;
	space->max_frame_pages = max_frame_pages;
	space->pcid = VMC_PCID_BASE +
		      (atomic_inc_return(&next_id) % VMC_NR_PCIDS);
	space->root = vmc_node_alloc(space, space->nr_levels,
				     GFP_KERNEL_ACCOUNT);
	if (!space->root)
		goto err_sem;
	kernel_root = __va(read_cr3_pa());
	memcpy(space->root->ptes + VMC_PTES_PER_NODE / 2,
	       kernel_root + VMC_PTES_PER_NODE / 2,
	       VMC_PTES_PER_NODE / 2 * sizeof(u64));
	return space;

err_sem:
	percpu_free_rwsem(&space->quiesce);
err_mask:
	free_cpumask_var(space->active_cpus);
err_free:
	kfree(space);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_GPL(vmc_space_create);

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
	struct vmc_pte_info info;
	unsigned int i;

	for (i = 0; i < VMC_PTES_PER_NODE / 2; i++) {
		if (vmc_pte_decode(root->ptes[i], root->level, &info) ==
		    VMC_PTE_TABLE)
			vmc_subtree_free(vmc_node_from_pa(info.pa));
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
EXPORT_SYMBOL_GPL(vmc_space_destroy);
