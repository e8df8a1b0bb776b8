// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor_pte: the x86-64 format as data. Entry encoding round-trips
 * exactly at every level, uses the hardware's bits, follows the PAT layout
 * the format was given, and refuses cache modes whose bits select another
 * memory type (PAT off); the SME C-bit goes into tables, tracked leaves
 * and CR3. Arch-neutral: it runs natively on several pretended CPUs; the
 * comparison with the running kernel is in arch_test.c.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include "vmc_test.h"

/* A physical address aligned for every leaf size, below MAXPHYADDR. */
static u64 pte_test_pa(void)
{
	return ALIGN_DOWN(vmc_max_paddr() - 2 * VT_1G, VT_1G);
}

static void pte_zero_is_absent(struct kunit *test)
{
	struct vmc_pte_info info;
	int level;

	for (level = 1; level <= vmc_fmt.nr_levels; level++)
		KUNIT_EXPECT_EQ(test, vmc_pte_decode(0, level, &info),
				VMC_PTE_ABSENT);
}

/* Every level x flag subset x cache mode x USER/GLOBAL x tracked. */
#define PTE_COMBOS	(VMC_MAX_LEAF_LEVEL * (VMC_PROP_FLAGS_MASK + 1) * \
			 VMC_NR_CACHE_MODES * 4 * 2)

static void pte_leaf_roundtrip(struct kunit *test)
{
	u64 pa = pte_test_pa();
	struct vmc_pte_info info;
	unsigned int i, n = 0;

	for (i = 0; i < PTE_COMBOS; i++) {
		unsigned int v = i, tracked = v % 2, priv, cache, flags;
		int level;
		u32 prop;
		u64 pte;

		v /= 2;
		priv = v % 4;
		v /= 4;
		cache = v % VMC_NR_CACHE_MODES;
		v /= VMC_NR_CACHE_MODES;
		flags = v % (VMC_PROP_FLAGS_MASK + 1);
		level = 1 + v / (VMC_PROP_FLAGS_MASK + 1);
		if (!(vmc_cache_modes() & (1u << cache)))
			continue;
		prop = VMC_PROP_MAKE(flags, cache) |
		       (priv & 1 ? VMC_PRIV_USER : 0) |
		       (priv & 2 ? VMC_PRIV_GLOBAL : 0);
		pte = vmc_pte_encode_leaf(pa, level, prop, tracked);
		KUNIT_EXPECT_EQ(test, vmc_pte_decode(pte, level, &info),
				VMC_PTE_LEAF);
		KUNIT_EXPECT_EQ(test, info.pa, pa);
		KUNIT_EXPECT_EQ(test, info.prop, prop);
		KUNIT_EXPECT_EQ(test, info.tracked, (bool)tracked);
		/* Re-encoding the decoded entry gives the same bits. */
		KUNIT_EXPECT_EQ(test, vmc_pte_encode_leaf(info.pa, level,
							  info.prop,
							  info.tracked), pte);
		n++;
	}
	kunit_info(test, "%u leaf encodings round-tripped\n", n);
	KUNIT_EXPECT_GE(test, n, 3u * 32 * 2 * 4 * 2);
}

static void pte_leaf_hardware_bits(struct kunit *test)
{
	u64 pa = pte_test_pa();
	u64 nx = vmc_fmt.nx ? VMC_PTE_NX : 0;
	u64 pte;

	/* A 4 KiB read-write user leaf: P, RW, US; no PS; NX unless X. */
	pte = vmc_pte_encode_leaf(pa, 1, VT_RW, true);
	KUNIT_EXPECT_EQ(test, pte & (VMC_PTE_P | VMC_PTE_RW | VMC_PTE_US |
				     VMC_PTE_PS | VMC_PTE_G),
			VMC_PTE_P | VMC_PTE_RW | VMC_PTE_US);
	if (nx)
		KUNIT_EXPECT_TRUE(test, pte & VMC_PTE_NX);
	pte = vmc_pte_encode_leaf(pa, 1, VT_RW | VMC_PROP_X, true);
	KUNIT_EXPECT_FALSE(test, pte & (VMC_PTE_NX | VMC_PTE_SW_NX));
	/* Huge leaves carry PS; PROT_NONE leaves are not present. */
	pte = vmc_pte_encode_leaf(pa, 2, VT_R, false);
	KUNIT_EXPECT_TRUE(test, pte & VMC_PTE_PS);
	KUNIT_EXPECT_TRUE(test, pte & VMC_PTE_P);
	KUNIT_EXPECT_FALSE(test, pte & VMC_PTE_RW);
	pte = vmc_pte_encode_leaf(pa, 2, VMC_PROP_W | VMC_PRIV_USER, false);
	KUNIT_EXPECT_FALSE(test, pte & VMC_PTE_P);
	/* Global only when asked. */
	KUNIT_EXPECT_TRUE(test, vmc_pte_encode_leaf(pa, 1, VT_R | VMC_PRIV_GLOBAL,
						    true) & VMC_PTE_G);
}

/* Cache bits are the format's: the 4 KiB form at level 1, PAT in bit 12. */
static void pte_cache_bits_follow_format(struct kunit *test)
{
	u64 mask4k = VMC_PTE_CACHE_4K;
	u64 mask_large = VMC_PTE_PWT | VMC_PTE_PCD | VMC_PTE_PAT_LARGE;
	u64 pa = pte_test_pa();
	unsigned int cache;

	KUNIT_EXPECT_TRUE(test, vmc_cache_modes() & BIT(VMC_CACHE_WB));
	KUNIT_EXPECT_TRUE(test, vmc_cache_modes() & BIT(VMC_CACHE_UC));
	for (cache = 0; cache < VMC_NR_CACHE_MODES; cache++) {
		u64 want = vmc_fmt.cache_bits[cache];
		u64 want_large = (want & ~VMC_PTE_PAT4K) |
				 (want & VMC_PTE_PAT4K ? VMC_PTE_PAT_LARGE : 0);
		u32 prop = VT_R | (cache << VMC_PROP_CACHE_SHIFT);

		if (!(vmc_cache_modes() & BIT(cache)))
			continue;
		KUNIT_EXPECT_EQ(test, vmc_pte_encode_leaf(pa, 1, prop, true) &
				mask4k, want);
		KUNIT_EXPECT_EQ(test, vmc_pte_encode_leaf(pa, 2, prop, true) &
				mask_large, want_large);
		KUNIT_EXPECT_EQ(test, vmc_pte_encode_leaf(pa, 3, prop, true) &
				mask_large, want_large);
	}
	kunit_info(test, "cache modes supported: %#x\n", vmc_cache_modes());
}

/* Linux's cachemode2protval() with PAT on, and with PAT off. */
static const u64 pte_bits_pat[VMC_NR_CACHE_MODES] = {
	[VMC_CACHE_WB] = 0,
	[VMC_CACHE_WT] = VMC_PTE_PAT4K | VMC_PTE_PCD | VMC_PTE_PWT,
	[VMC_CACHE_WC] = VMC_PTE_PWT,
	[VMC_CACHE_UC] = VMC_PTE_PCD | VMC_PTE_PWT,
};

static const u64 pte_bits_nopat[VMC_NR_CACHE_MODES] = {
	[VMC_CACHE_WB] = 0,
	[VMC_CACHE_WT] = VMC_PTE_PWT,
	[VMC_CACHE_WC] = VMC_PTE_PCD,	/* no WC entry: falls back to UC- */
	[VMC_CACHE_UC] = VMC_PTE_PCD | VMC_PTE_PWT,
};

/*
 * A mode is offered only when its bits select the type it names: with PAT
 * off the kernel gives WC the bits of UC-, and WC must be refused, even
 * though the four encodings are distinct.
 */
static void pte_pat_effective_types(struct kunit *test)
{
	u32 all = BIT(VMC_NR_CACHE_MODES) - 1;
	struct vmc_pt_format saved = vmc_fmt;

	KUNIT_EXPECT_EQ(test, vmc_pat_effective(pte_bits_pat, VMC_PAT_LINUX), all);
	KUNIT_EXPECT_EQ(test, vmc_pat_effective(pte_bits_nopat, VMC_PAT_RESET),
			all & ~BIT(VMC_CACHE_WC));
	/* Linux's bits under a PAT MSR still at its power-on value. */
	KUNIT_EXPECT_EQ(test, vmc_pat_effective(pte_bits_pat, VMC_PAT_RESET),
			BIT(VMC_CACHE_WB) | BIT(VMC_CACHE_UC));
	vmc_pt_format_init(&vmc_fmt, saved.nr_levels, true, true, 46, 0,
			   pte_bits_nopat, VMC_PAT_RESET);
	KUNIT_EXPECT_FALSE(test, vmc_prop_supported(VT_R | VMC_PROP_MAKE(0, VMC_CACHE_WC)));
	KUNIT_EXPECT_TRUE(test, vmc_prop_supported(VT_R | VMC_PROP_MAKE(0, VMC_CACHE_WT)));
	KUNIT_EXPECT_TRUE(test, vmc_prop_supported(VT_R | VMC_PROP_MAKE(0, VMC_CACHE_UC)));
	/* A leaf with WC's bits decodes as nothing the format offers. */
	{
		struct vmc_pte_info info;
		u64 pte = VMC_PTE_P | VMC_PTE_PCD | VMC_PTE_UNTRACKED;

		KUNIT_EXPECT_EQ(test, vmc_pte_decode(pte, 1, &info), VMC_PTE_INVALID);
	}
	vmc_fmt = saved;
}

/* With SME, RAM is addressed with the C-bit: tables, tracked leaves, CR3. */
static void pte_sme_cbit(struct kunit *test)
{
	struct vmc_pt_format saved = vmc_fmt;
	u64 c = BIT_ULL(47), pa = 0x12345000ULL, root = 0x40000000ULL;
	struct vmc_pte_info info;

	vmc_pt_format_init(&vmc_fmt, saved.nr_levels, true, true, 46, c,
			   pte_bits_pat, VMC_PAT_LINUX);
	KUNIT_EXPECT_EQ(test, vmc_pte_cr3(root, 0x401), root | c | 0x401);
	KUNIT_EXPECT_EQ(test, vmc_pte_encode_table(pa) & c, c);
	KUNIT_EXPECT_EQ(test, vmc_pte_table_pa(vmc_pte_encode_table(pa)), pa);
	KUNIT_EXPECT_EQ(test, vmc_pte_encode_leaf(pa, 1, VT_RW, true) & c, c);
	KUNIT_EXPECT_EQ(test, vmc_pte_encode_leaf(pa, 1, VT_RW, false) & c, 0ULL);
	KUNIT_EXPECT_EQ(test, vmc_pte_decode(vmc_pte_encode_leaf(pa, 1, VT_RW, true),
					     1, &info), VMC_PTE_LEAF);
	KUNIT_EXPECT_EQ(test, info.pa, pa);
	/* An untracked leaf must not carry it: decoding refuses. */
	KUNIT_EXPECT_EQ(test, vmc_pte_decode(vmc_pte_encode_leaf(pa, 1, VT_RW, false) | c,
					     1, &info), VMC_PTE_INVALID);
	vmc_fmt = saved;
	/* Without SME, CR3 is the address and the PCID. */
	if (!vmc_fmt.me_mask)
		KUNIT_EXPECT_EQ(test, vmc_pte_cr3(root, 0x5ff), root | 0x5ff);
}

static void pte_table_roundtrip(struct kunit *test)
{
	u64 pa = pte_test_pa() + 5 * VT_4K;
	struct vmc_pte_info info;
	int level;

	for (level = 2; level <= vmc_fmt.nr_levels; level++) {
		u64 pte = vmc_pte_encode_table(pa);

		KUNIT_EXPECT_EQ(test, vmc_pte_decode(pte, level, &info),
				VMC_PTE_TABLE);
		KUNIT_EXPECT_EQ(test, info.pa, pa);
		KUNIT_EXPECT_EQ(test, vmc_pte_table_pa(pte), pa);
		KUNIT_EXPECT_FALSE(test, pte & VMC_PTE_PS);
	}
	/* At level 1 position decides: every present entry is a leaf. */
	KUNIT_EXPECT_NE(test, vmc_pte_decode(vmc_pte_encode_table(pa), 1, &info),
			VMC_PTE_TABLE);
}

static void pte_invalid_entries(struct kunit *test)
{
	u64 pa = pte_test_pa();
	struct vmc_pte_info info;
	u64 leaf = vmc_pte_encode_leaf(pa, 1, VT_RW, true);

	/* Not present without the PROT_NONE marker. */
	KUNIT_EXPECT_EQ(test, vmc_pte_decode(leaf & ~VMC_PTE_P, 1, &info),
			VMC_PTE_INVALID);
	/* A Linux software bit we never set. */
	KUNIT_EXPECT_EQ(test, vmc_pte_decode(leaf | BIT_ULL(9), 1, &info),
			VMC_PTE_INVALID);
	/* PS at level 4 is reserved; no leaf above level 3. */
	KUNIT_EXPECT_EQ(test, vmc_pte_decode(vmc_pte_encode_table(pa) |
					     VMC_PTE_PS, 4, &info),
			VMC_PTE_INVALID);
	KUNIT_EXPECT_EQ(test, vmc_pte_decode(vmc_pte_encode_leaf(pa, 3, VMC_PRIV_USER,
								 false), 4, &info),
			VMC_PTE_INVALID);
	/* A 2 MiB leaf with address bits below 2 MiB. */
	KUNIT_EXPECT_EQ(test, vmc_pte_decode(vmc_pte_encode_leaf(pa, 2, VT_R, true) |
					     (VT_4K << 2), 2, &info),
			VMC_PTE_INVALID);
}

static void pte_prop_support(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmc_prop_supported(VT_RW));
	KUNIT_EXPECT_TRUE(test, vmc_prop_supported(VMC_PRIV_USER));
	KUNIT_EXPECT_FALSE(test, vmc_prop_supported(VT_RW | VMC_PRIV_GLOBAL));
	KUNIT_EXPECT_FALSE(test, vmc_prop_supported(VT_RW | BIT(20)));
	KUNIT_EXPECT_FALSE(test, vmc_prop_supported(VT_RW | (7u << VMC_PROP_CACHE_SHIFT)));
	KUNIT_EXPECT_TRUE(test, vmc_level_supported(1));
	KUNIT_EXPECT_TRUE(test, vmc_level_supported(2));
	KUNIT_EXPECT_FALSE(test, vmc_level_supported(0));
	KUNIT_EXPECT_FALSE(test, vmc_level_supported(4));
	KUNIT_EXPECT_EQ(test, vmc_level_supported(3), vmc_fmt.gbpages);
}

static void pte_geometry(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmc_fmt.nr_levels == 4 || vmc_fmt.nr_levels == 5);
	KUNIT_EXPECT_EQ(test, vmc_user_va_end(),
			(vmc_fmt.nr_levels == 5 ? 1ULL << 56 : 1ULL << 47) - VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_page_size(1), VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_page_size(2), VT_2M);
	KUNIT_EXPECT_EQ(test, vmc_page_size(3), VT_1G);
	KUNIT_EXPECT_EQ(test, vmc_pte_index(0x7fffffffe000ULL, 1), 510u);
	KUNIT_EXPECT_EQ(test, vmc_pte_index(VT_1G + VT_2M, 2), 1u);
	kunit_info(test, "%d-level paging\n", vmc_fmt.nr_levels);
}

static struct kunit_case pte_cases[] = {
	KUNIT_CASE(pte_geometry),
	KUNIT_CASE(pte_zero_is_absent),
	KUNIT_CASE(pte_leaf_roundtrip),
	KUNIT_CASE(pte_leaf_hardware_bits),
	KUNIT_CASE(pte_cache_bits_follow_format),
	KUNIT_CASE(pte_pat_effective_types),
	KUNIT_CASE(pte_sme_cbit),
	KUNIT_CASE(pte_table_roundtrip),
	KUNIT_CASE(pte_invalid_entries),
	KUNIT_CASE(pte_prop_support),
	{}
};

static struct kunit_suite pte_suite = {
	.name = "vmcursor_pte",
	.suite_init = vt_suite_init,
	.init = vt_select,
	.test_cases = pte_cases,
};

kunit_test_suite(pte_suite);
