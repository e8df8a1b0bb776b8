// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 page-table format: encoding and decoding of entries, from the
 * parameters in struct vmc_pt_format. No CPU access here: arch_x86.c reads
 * the CPU and the kernel's PAT programming into vmc_fmt, and the native
 * tests build formats from tables, so this file runs in both homes.
 *
 * The tables are live: they are loaded into CR3 and walked by the MMU, so
 * every bit means what the hardware and the kernel's PAT programming say.
 * Leaves are told from tables by position (level 1) or PS (levels 2-3),
 * never by a software bit 7.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/string.h>
#include "pte_x86.h"

struct vmc_pt_format vmc_fmt;

/* PAT memory types (SDM vol. 3 §11.12.3), indexed by VMC_CACHE_* mode. */
static const u8 vmc_pat_type[VMC_NR_CACHE_MODES] = {
	[VMC_CACHE_WB] = 6,
	[VMC_CACHE_WT] = 4,
	[VMC_CACHE_WC] = 1,
	[VMC_CACHE_UC] = 0,
};

/**
 * vmc_pat_effective() - which cache modes get the memory type they name
 * @cache_bits: the 4 KiB-leaf PWT/PCD/PAT bits of each VMC_CACHE_* mode
 * @pat: the PAT MSR: eight 8-bit memory types, selected by
 *	PAT << 2 | PCD << 1 | PWT
 *
 * Context: any.
 * Return: bitmap of the VMC_CACHE_* modes whose bits select their type.
 */
u32 vmc_pat_effective(const u64 cache_bits[VMC_NR_CACHE_MODES], u64 pat)
{
	u32 ok = 0;
	unsigned int i, idx;

	for (i = 0; i < VMC_NR_CACHE_MODES; i++) {
		idx = (cache_bits[i] & VMC_PTE_PWT ? 1 : 0) |
		      (cache_bits[i] & VMC_PTE_PCD ? 2 : 0) |
		      (cache_bits[i] & VMC_PTE_PAT4K ? 4 : 0);
		if (((pat >> (8 * idx)) & 7) == vmc_pat_type[i])
			ok |= 1u << i;
	}
	return ok;
}

/* PWT, PCD and PAT (bit 7) of a 4 KiB leaf as a 3-bit index. */
static unsigned int vmc_cache_index(u64 bits)
{
	return (bits & VMC_PTE_PWT ? 1 : 0) | (bits & VMC_PTE_PCD ? 2 : 0) |
	       (bits & VMC_PTE_PAT4K ? 4 : 0);
}

/**
 * vmc_pt_format_init() - describe the format of a CPU and kernel
 * @f: the format to fill
 * @nr_levels: paging levels, 4 or 5
 * @nx: the CPU has NX
 * @gbpages: the CPU maps 1 GiB leaves
 * @phys_bits: MAXPHYADDR
 * @me_mask: memory-encryption bits for RAM (0 without SME)
 * @cache_bits: the 4 KiB-leaf PWT/PCD/PAT bits the kernel assigns to each
 *	VMC_CACHE_* mode (cachemode2protval())
 * @pat: the PAT MSR, which says what memory type each combination of
 *	those bits selects (the power-on value when the kernel left PAT off)
 *
 * A mode may be mapped only when its bits select the memory type asked
 * for (with PAT off, the bits the kernel gives WC select UC-) and differ
 * from every other mode's, so that decoding is exact and what query
 * reports is what the hardware does.
 *
 * Context: any; call before the format is used.
 */
void vmc_pt_format_init(struct vmc_pt_format *f, u8 nr_levels, bool nx,
			bool gbpages, unsigned int phys_bits, u64 me_mask,
			const u64 cache_bits[VMC_NR_CACHE_MODES], u64 pat)
{
	u32 cache_effective = vmc_pat_effective(cache_bits, pat);
	unsigned int i, j;

	memset(f, 0, sizeof(*f));
	f->nr_levels = nr_levels;
	f->nx = nx;
	f->gbpages = gbpages;
	f->pa_limit = 1ULL << phys_bits;
	f->me_mask = me_mask;
	for (i = 0; i < VMC_NR_CACHE_MODES; i++)
		f->cache_bits[i] = cache_bits[i] & VMC_PTE_CACHE_4K;
	for (i = 0; i < VMC_NR_CACHE_MODES; i++) {
		bool distinct = true;

		for (j = 0; j < VMC_NR_CACHE_MODES; j++)
			if (j != i && f->cache_bits[j] == f->cache_bits[i])
				distinct = false;
		if (distinct && (cache_effective & (1u << i)))
			f->cache_ok |= 1u << i;
	}
	for (i = 1; i <= VMC_MAX_LEVELS; i++)
		f->addr_mask[i] = (f->pa_limit - 1) & ~(vmc_page_size(i) - 1);
	memset(f->cache_of, -1, sizeof(f->cache_of));
	for (i = 0; i < VMC_NR_CACHE_MODES; i++)
		if (f->cache_ok & (1u << i))
			f->cache_of[vmc_cache_index(f->cache_bits[i])] = i;
}

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
	       (level == VMC_MAX_LEAF_LEVEL && vmc_fmt.gbpages);
}

/**
 * vmc_prop_supported() - can a leaf with this property be mapped?
 * @prop: VMC_PROP_* flags, cache mode and VMC_PRIV_* bits
 *
 * Global leaves are refused: they would survive the CR3 switch back to
 * Linux's tables and leak the space into other address spaces.
 *
 * Context: any.
 * Return: true if @prop has no unknown bits, no VMC_PRIV_GLOBAL, and a
 * cache mode in vmc_cache_modes().
 */
bool vmc_prop_supported(u32 prop)
{
	u32 cache = VMC_PROP_CACHE(prop);

	if (prop & ~VMC_PROP_VALID_MASK || prop & VMC_PRIV_GLOBAL)
		return false;
	return cache < VMC_NR_CACHE_MODES && (vmc_fmt.cache_ok & (1u << cache));
}

/**
 * vmc_fmt_features() - the VMC_FEAT_* bits the running format decides
 *
 * Paging depth, 1 GiB leaves, NX and SME come from the format; the arch
 * adds what only the CPU and kernel know (PCID, INVPCID, SMAP, PTI, PAT).
 * Context: any, after vmc_pt_format_init().
 * Return: VMC_FEAT_LA57, VMC_FEAT_1G, VMC_FEAT_NX, VMC_FEAT_SME as they apply.
 */
u64 vmc_fmt_features(void)
{
	u64 f = 0;

	if (vmc_fmt.nr_levels == 5)
		f |= VMC_FEAT_LA57;
	if (vmc_fmt.gbpages)
		f |= VMC_FEAT_1G;
	if (vmc_fmt.nx)
		f |= VMC_FEAT_NX;
	if (vmc_fmt.me_mask)
		f |= VMC_FEAT_SME;
	return f;
}

/**
 * vmc_cache_modes() - cache modes that may be mapped
 *
 * Context: any.
 * Return: bitmap of VMC_CACHE_* values (see vmc_pt_format_init()).
 */
u32 vmc_cache_modes(void)
{
	return vmc_fmt.cache_ok;
}

/**
 * vmc_max_paddr() - first physical address the CPU cannot map
 *
 * Context: any.
 * Return: 2^MAXPHYADDR.
 */
u64 vmc_max_paddr(void)
{
	return vmc_fmt.pa_limit;
}

static u64 vmc_cache_to_pte(u32 mode, int level)
{
	u64 bits = vmc_fmt.cache_bits[mode];

	if (level == 1 || !(bits & VMC_PTE_PAT4K))
		return bits;
	return (bits & ~VMC_PTE_PAT4K) | VMC_PTE_PAT_LARGE;
}

static int vmc_pte_to_cache(u64 pte, int level)
{
	u64 bits = pte & (VMC_PTE_PWT | VMC_PTE_PCD);

	if (level == 1)
		bits |= pte & VMC_PTE_PAT4K;
	else if (pte & VMC_PTE_PAT_LARGE)
		bits |= VMC_PTE_PAT4K;
	return vmc_fmt.cache_of[vmc_cache_index(bits)];
}

/**
 * vmc_pte_leaf_bits() - every bit of a leaf entry except its address
 * @level: 1, 2 or 3
 * @prop: property; without VMC_PROP_R the entry is kept not-present and
 *	marked with a software bit (PROT_NONE: mapped, but the MMU refuses)
 * @leaf: enum vmc_leaf_kind: a frame (RAM, so it gets the SME C-bit; an
 *	imported one is marked so), or an untracked range (marked so)
 *
 * A run of leaves with one property shares these bits: the cursor computes
 * them once and adds each address with vmc_pte_leaf().
 * Precondition: @prop passes vmc_prop_supported() apart from
 * VMC_PRIV_GLOBAL, which is encoded as G.
 * Context: any.
 * Return: the bits.
 */
u64 vmc_pte_leaf_bits(int level, u32 prop, unsigned int leaf)
{
	u64 pte = vmc_cache_to_pte(VMC_PROP_CACHE(prop), level);

	if (level > 1)
		pte |= VMC_PTE_PS;
	if (prop & VMC_PROP_W)
		pte |= VMC_PTE_RW;
	if (!(prop & VMC_PROP_X))
		pte |= vmc_fmt.nx ? VMC_PTE_NX : VMC_PTE_SW_NX;
	if (prop & VMC_PROP_A)
		pte |= VMC_PTE_A;
	if (prop & VMC_PROP_D)
		pte |= VMC_PTE_D;
	if (prop & VMC_PRIV_USER)
		pte |= VMC_PTE_US;
	if (prop & VMC_PRIV_GLOBAL)
		pte |= VMC_PTE_G;
	if (leaf == VMC_LEAF_UNTRACKED)
		pte |= VMC_PTE_UNTRACKED;
	else
		pte |= vmc_fmt.me_mask;
	if (leaf == VMC_LEAF_IMPORTED)
		pte |= VMC_PTE_IMPORTED;
	pte |= (prop & VMC_PROP_R) ? VMC_PTE_P : VMC_PTE_NOACCESS;
	return pte;
}

/**
 * vmc_pte_encode_leaf() - encode a leaf entry
 * @pa: physical address, aligned to the leaf size and below 2^MAXPHYADDR
 * @level: 1, 2 or 3
 * @prop: property (see vmc_pte_leaf_bits())
 * @leaf: enum vmc_leaf_kind
 *
 * Precondition: as vmc_pte_leaf_bits().
 * Postcondition: vmc_pte_decode() at @level gives back @pa, @prop and
 * @leaf exactly.
 * Context: any.
 * Return: the entry.
 */
u64 vmc_pte_encode_leaf(u64 pa, int level, u32 prop, unsigned int leaf)
{
	return vmc_pte_leaf(pa, vmc_pte_leaf_bits(level, prop, leaf));
}

/**
 * vmc_pte_encode_table() - encode an entry pointing to a child table
 * @child_pa: the child table's physical address (4 KiB aligned)
 *
 * Table entries are user-accessible and writable so that the leaf alone
 * decides; A is preset so the MMU never has to write it. Tables are RAM,
 * so they carry the memory-encryption bit.
 *
 * Context: any.
 * Return: the entry.
 */
u64 vmc_pte_encode_table(u64 child_pa)
{
	return child_pa | vmc_fmt.me_mask | VMC_TABLE_FLAGS;
}

/**
 * vmc_pte_table_pa() - child-table address held in a table entry
 * @pte: a table entry
 *
 * Context: any.
 * Return: the physical address.
 */
u64 vmc_pte_table_pa(u64 pte)
{
	return pte & vmc_pte_addr_mask(1);
}

/**
 * vmc_pte_cr3() - the CR3 value that loads a root table
 * @root_pa: physical address of the root (8 KiB aligned)
 * @pcid: the PCID to run under, or 0 when CR4.PCIDE is clear
 *
 * As the kernel builds its own CR3 (build_cr3()): the root is RAM, so with
 * SME its address carries the C-bit, or the MMU would walk ciphertext.
 * No NOFLUSH bit: loading the space must drop what an earlier load left.
 *
 * Context: any.
 * Return: the value for CR3.
 */
u64 vmc_pte_cr3(u64 root_pa, u16 pcid)
{
	return root_pa | vmc_fmt.me_mask | (pcid & VMC_CR3_PCID_MASK);
}

static enum vmc_pte_kind vmc_decode_table(u64 pte, int level,
					  struct vmc_pte_info *out)
{
	u64 addr = vmc_pte_addr_mask(1);

	if (level == 1 || (pte & ~(addr | vmc_fmt.me_mask)) != VMC_TABLE_FLAGS)
		return VMC_PTE_INVALID;
	out->pa = pte & addr;
	out->kind = VMC_PTE_TABLE;
	return VMC_PTE_TABLE;
}

static u32 vmc_leaf_prop(u64 pte)
{
	u32 prop = 0;

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
	return prop;
}

static enum vmc_pte_kind vmc_decode_leaf(u64 pte, int level,
					 struct vmc_pte_info *out)
{
	u64 known = vmc_pte_addr_mask(level) | VMC_PTE_P | VMC_PTE_RW |
		    VMC_PTE_US | VMC_PTE_PWT | VMC_PTE_PCD | VMC_PTE_A |
		    VMC_PTE_D | VMC_PTE_G | VMC_PTE_UNTRACKED |
		    VMC_PTE_NOACCESS |
		    (vmc_fmt.nx ? VMC_PTE_NX : VMC_PTE_SW_NX);
	int cache = vmc_pte_to_cache(pte, level);
	bool tracked = vmc_pte_tracked(pte);

	known |= level == 1 ? VMC_PTE_PAT4K : VMC_PTE_PS | VMC_PTE_PAT_LARGE;
	if (tracked)
		known |= vmc_fmt.me_mask | VMC_PTE_IMPORTED;
	if (level > VMC_MAX_LEAF_LEVEL || cache < 0 || (pte & ~known))
		return VMC_PTE_INVALID;
	if (level > 1 && !(pte & VMC_PTE_PS))
		return VMC_PTE_INVALID;
	out->kind = VMC_PTE_LEAF;
	out->pa = pte & vmc_pte_addr_mask(level);
	out->prop = vmc_leaf_prop(pte) | ((u32)cache << VMC_PROP_CACHE_SHIFT);
	out->tracked = tracked;
	out->leaf = !tracked ? VMC_LEAF_UNTRACKED :
		    vmc_pte_imported(pte) ? VMC_LEAF_IMPORTED : VMC_LEAF_FRAME;
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
