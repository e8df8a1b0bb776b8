/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 page-table format as data: geometry, entry bits, encoding and
 * decoding. Everything here is pure computation over struct vmc_pt_format,
 * which the arch layer fills from the CPU (arch_x86.c) and the native
 * tests fill from tables (4- and 5-level, with and without PAT, NX, SME),
 * so the same code runs in the kernel and in userspace. The cursor never
 * touches an entry's bits itself: it asks the functions below.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef _VMCURSOR_PTE_X86_H
#define _VMCURSOR_PTE_X86_H

#include <linux/types.h>
#include <linux/bits.h>
#include "ioctl.h"

#define VMC_MAX_LEVELS		5
#define VMC_MAX_LEAF_LEVEL	3
#define VMC_PTES_PER_NODE	512
#define VMC_PAGE_SHIFT		12
#define VMC_PAGE_SIZE		BIT_ULL(VMC_PAGE_SHIFT)

/*
 * Privileged property bits, above the uapi ones (ioctl.h VMC_PROP_*). The
 * ioctl interface always sets VMC_PRIV_USER and never VMC_PRIV_GLOBAL.
 */
#define VMC_PRIV_USER		BIT(16)
#define VMC_PRIV_GLOBAL		BIT(17)
#define VMC_PROP_VALID_MASK	(VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK | \
				 VMC_PRIV_USER | VMC_PRIV_GLOBAL)

/* Hardware bits (Intel SDM vol. 3 §4.5). */
#define VMC_PTE_P		BIT_ULL(0)
#define VMC_PTE_RW		BIT_ULL(1)
#define VMC_PTE_US		BIT_ULL(2)
#define VMC_PTE_PWT		BIT_ULL(3)
#define VMC_PTE_PCD		BIT_ULL(4)
#define VMC_PTE_A		BIT_ULL(5)
#define VMC_PTE_D		BIT_ULL(6)
#define VMC_PTE_PS		BIT_ULL(7)	/* PAT in a 4 KiB PTE */
#define VMC_PTE_PAT4K		BIT_ULL(7)
#define VMC_PTE_G		BIT_ULL(8)
#define VMC_PTE_PAT_LARGE	BIT_ULL(12)
#define VMC_PTE_NX		BIT_ULL(63)

/*
 * Software bits, ignored by the MMU in every entry we write (bits 52-58 are
 * "ignored" in leaves and tables; Linux 6.1 assigns none of 52-57).
 */
#define VMC_PTE_UNTRACKED	BIT_ULL(52)	/* leaf maps no vmc_frame */
#define VMC_PTE_NOACCESS	BIT_ULL(53)	/* leaf without R: P clear */
#define VMC_PTE_SW_NX		BIT_ULL(54)	/* !X on a CPU without NX */
#define VMC_PTE_IMPORTED	BIT_ULL(55)	/* leaf maps an imported frame */

/*
 * What a leaf maps: an untracked physical range (in-kernel callers), a
 * frame the module allocated (found from the page, see frame_meta.c), or
 * a frame imported from user memory (found in the import registry).
 */
enum vmc_leaf_kind {
	VMC_LEAF_UNTRACKED = 0,
	VMC_LEAF_FRAME = 1,
	VMC_LEAF_IMPORTED = 2,
};

#define VMC_PTE_CACHE_4K	(VMC_PTE_PWT | VMC_PTE_PCD | VMC_PTE_PAT4K)
#define VMC_TABLE_FLAGS		(VMC_PTE_P | VMC_PTE_RW | VMC_PTE_US | VMC_PTE_A)
/* Bits the MMU itself sets in a leaf. */
#define VMC_PTE_HW_SET		(VMC_PTE_A | VMC_PTE_D)

/* CR3: PCID in bits 0-11 when CR4.PCIDE is set. */
#define VMC_CR3_PCID_MASK	0xfffULL

/**
 * struct vmc_pt_format - what the format depends on, per CPU and kernel
 * @nr_levels: paging levels of new spaces, 4 or 5
 * @nx: the CPU has NX; otherwise !X is kept in a software bit
 * @gbpages: the CPU maps 1 GiB leaves
 * @pa_limit: 2^MAXPHYADDR, the first physical address the CPU cannot map
 * @me_mask: memory-encryption bits of RAM (AMD SME's C-bit), ORed into
 *	table entries, tracked leaves and CR3; 0 without SME
 * @cache_bits: PWT, PCD and PAT (in bit 7) of each VMC_CACHE_* mode in a
 *	4 KiB leaf, as the kernel's PAT programming assigns them
 * @cache_ok: modes that may be mapped: their effective memory type is the
 *	one asked for, and their encoding differs from every other mode's
 * @addr_mask: per level, the address bits of a leaf of that level
 *	(derived, so that decoding does no arithmetic)
 * @cache_of: the mode of each PAT/PCD/PWT combination (index
 *	vmc_cache_index()), -1 where none of @cache_ok is encoded so
 */
struct vmc_pt_format {
	u8 nr_levels;
	bool nx;
	bool gbpages;
	u64 pa_limit;
	u64 me_mask;
	u64 cache_bits[VMC_NR_CACHE_MODES];
	u32 cache_ok;
	u64 addr_mask[VMC_MAX_LEVELS + 1];
	s8 cache_of[8];
};

/* The running CPU's format; set once by vmc_pt_format_init(). */
extern struct vmc_pt_format vmc_fmt;

void vmc_pt_format_init(struct vmc_pt_format *f, u8 nr_levels, bool nx,
			bool gbpages, unsigned int phys_bits, u64 me_mask,
			const u64 cache_bits[VMC_NR_CACHE_MODES], u64 pat);
u32 vmc_pat_effective(const u64 cache_bits[VMC_NR_CACHE_MODES], u64 pat);

/* PAT MSR values: Linux's layout with PAT on, and the power-on default. */
#define VMC_PAT_LINUX		0x0407050600070106ULL
#define VMC_PAT_RESET		0x0007040600070406ULL

static inline unsigned int vmc_level_shift(int level)
{
	return VMC_PAGE_SHIFT + 9 * (level - 1);
}

static inline u64 vmc_page_size(int level)
{
	return 1ULL << vmc_level_shift(level);
}

static inline unsigned int vmc_pte_index(u64 va, int level)
{
	return (va >> vmc_level_shift(level)) & (VMC_PTES_PER_NODE - 1);
}

/* End of the user half of a root of @nr_levels, minus its top page. */
static inline u64 vmc_levels_va_end(int nr_levels)
{
	return (1ULL << (vmc_level_shift(nr_levels) + 8)) - VMC_PAGE_SIZE;
}

enum vmc_pte_kind {
	VMC_PTE_ABSENT,
	VMC_PTE_TABLE,
	VMC_PTE_LEAF,
	VMC_PTE_INVALID,
};

/**
 * struct vmc_pte_info - a decoded entry
 * @kind: enum vmc_pte_kind
 * @pa: leaf or child-table physical address
 * @prop: leaf property (VMC_PROP_* and VMC_PRIV_* bits)
 * @tracked: leaf maps a vmc_frame (allocated or imported)
 * @leaf: enum vmc_leaf_kind of a leaf
 */
struct vmc_pte_info {
	enum vmc_pte_kind kind;
	u64 pa;
	u32 prop;
	bool tracked;
	u8 leaf;
};

bool vmc_level_supported(int level);
bool vmc_prop_supported(u32 prop);
u32 vmc_cache_modes(void);
u64 vmc_fmt_features(void);
u64 vmc_max_paddr(void);
u64 vmc_pte_leaf_bits(int level, u32 prop, unsigned int leaf);
u64 vmc_pte_encode_leaf(u64 pa, int level, u32 prop, unsigned int leaf);
u64 vmc_pte_encode_table(u64 child_pa);
u64 vmc_pte_table_pa(u64 pte);
enum vmc_pte_kind vmc_pte_decode(u64 pte, int level, struct vmc_pte_info *out);
u64 vmc_pte_cr3(u64 root_pa, u16 pcid);

/*
 * The kind of an entry the cursor itself wrote, without validating it (the
 * invariant checker validates with vmc_pte_decode()): hot paths only need
 * to tell absent, table and leaf apart. A not-present leaf keeps PS at
 * levels 2-3 (it is encoded as if present), and no leaf exists above 3.
 */
static inline enum vmc_pte_kind vmc_pte_kind_of(u64 pte, int level)
{
	if (!pte)
		return VMC_PTE_ABSENT;
	if (level == 1 || (level <= VMC_MAX_LEAF_LEVEL && (pte & VMC_PTE_PS)))
		return VMC_PTE_LEAF;
	return VMC_PTE_TABLE;
}

/* The address bits of a leaf of @level. */
static inline u64 vmc_pte_addr_mask(int level)
{
	return vmc_fmt.addr_mask[level];
}

/* The address of a leaf entry of the given level (no validation). */
static inline u64 vmc_pte_leaf_pa(u64 pte, int level)
{
	return pte & vmc_pte_addr_mask(level);
}

/* Everything of a leaf but its address: what a run of leaves shares. */
static inline u64 vmc_pte_attr(u64 pte, int level)
{
	return pte & ~vmc_pte_addr_mask(level);
}

/* A leaf from an address and attributes from vmc_pte_leaf_bits(). */
static inline u64 vmc_pte_leaf(u64 pa, u64 attr)
{
	return pa | attr;
}

/* Does this leaf map a reference-counted frame? */
static inline bool vmc_pte_tracked(u64 leaf)
{
	return !(leaf & VMC_PTE_UNTRACKED);
}

/* Does this leaf map an imported frame (found in the import registry)? */
static inline bool vmc_pte_imported(u64 leaf)
{
	return leaf & VMC_PTE_IMPORTED;
}

/* The bits the MMU set in a leaf since it was read as @old. */
static inline u64 vmc_pte_hw_delta(u64 old, u64 now)
{
	return (old ^ now) & VMC_PTE_HW_SET;
}

#endif /* _VMCURSOR_PTE_X86_H */
