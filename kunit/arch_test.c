// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor_arch: what arch_x86.c read from the CPU and the kernel matches
 * them: paging depth, NX, 1 GiB pages, the cache bits of Linux's PAT
 * programming (and no mode whose bits select another type: WC with PAT
 * off), the kernel half of a new root (without the per-process LDT slot),
 * and the CR3 value a window loads (with the SME C-bit, as Linux's own).
 * Kernel only; the format itself is tested by vmcursor_pte.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <asm/pgtable_types.h>
#include <asm/tlbflush.h>
#include <asm/cpufeature.h>
#include <asm/memtype.h>
#include <linux/mem_encrypt.h>
#include "vmc_test.h"

static void arch_features_match_kernel(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmc_fmt.nr_levels, pgtable_l5_enabled() ? 5 : 4);
	KUNIT_EXPECT_EQ(test, vmc_fmt.nx, !!(__supported_pte_mask & _PAGE_NX));
	KUNIT_EXPECT_EQ(test, vmc_level_supported(3),
			boot_cpu_has(X86_FEATURE_GBPAGES));
	KUNIT_EXPECT_EQ(test, vmc_fmt.me_mask, (u64)sme_me_mask);
	KUNIT_EXPECT_EQ(test, vmc_max_paddr(), 1ULL << boot_cpu_data.x86_phys_bits);
}

/* Offered cache modes encode exactly as cachemode2protval() says. */
static void arch_cache_bits_follow_linux_pat(struct kunit *test)
{
	static const enum page_cache_mode pcm[VMC_NR_CACHE_MODES] = {
		[VMC_CACHE_WB] = _PAGE_CACHE_MODE_WB,
		[VMC_CACHE_WT] = _PAGE_CACHE_MODE_WT,
		[VMC_CACHE_WC] = _PAGE_CACHE_MODE_WC,
		[VMC_CACHE_UC] = _PAGE_CACHE_MODE_UC,
	};
	unsigned int cache;

	for (cache = 0; cache < VMC_NR_CACHE_MODES; cache++) {
		if (!(vmc_cache_modes() & BIT(cache)))
			continue;
		KUNIT_EXPECT_EQ(test, vmc_fmt.cache_bits[cache],
				(u64)cachemode2protval(pcm[cache]) &
				(_PAGE_PWT | _PAGE_PCD | _PAGE_PAT));
	}
	/*
	 * Where the kernel has no entry for a mode, it gives that mode the
	 * bits of UC- (with PAT off, or not programmed because MTRRs are
	 * off: WC): such a mode must not be offered, and every other must.
	 */
	for (cache = 0; cache < VMC_NR_CACHE_MODES; cache++) {
		bool fallback = cache != VMC_CACHE_UC &&
				cachemode2protval(pcm[cache]) ==
				cachemode2protval(_PAGE_CACHE_MODE_UC_MINUS);

		KUNIT_EXPECT_EQ(test, !!(vmc_cache_modes() & BIT(cache)), !fallback);
	}
	kunit_info(test, "PAT %s, cache modes %#x\n",
		   pat_enabled() ? "on" : "off", vmc_cache_modes());
}

/* The kernel half is the kernel's, but no slot that belongs to one process. */
static void arch_root_kernel_half(struct kunit *test)
{
	const u64 *kernel = __va(read_cr3_pa());
	struct vmc_space *space = vt_space(test);
	unsigned int i, ldt = pgd_index(LDT_BASE_ADDR), copied = 0;

	KUNIT_EXPECT_EQ(test, space->root->ptes[ldt], 0ULL);
	KUNIT_EXPECT_EQ(test, vmc_arch_root_private_slot(space), -1);
	for (i = VMC_PTES_PER_NODE / 2; i < VMC_PTES_PER_NODE; i++) {
		if (i == ldt)
			continue;
		KUNIT_EXPECT_EQ(test, space->root->ptes[i], kernel[i]);
		copied += !!kernel[i];
	}
	for (i = 0; i < VMC_PTES_PER_NODE / 2; i++)
		KUNIT_EXPECT_EQ(test, space->root->ptes[i], 0ULL);
	KUNIT_EXPECT_GT(test, copied, 0u);
	/* The checker refuses a root with the slot set. */
	space->root->ptes[ldt] = kernel[VMC_PTES_PER_NODE - 1];
	KUNIT_EXPECT_EQ(test, vmc_arch_root_private_slot(space), (int)ldt);
	space->root->ptes[ldt] = 0;
}

static int arch_read_cr3(struct vmc_space *space, void *arg)
{
	*(u64 *)arg = __read_cr3();
	return 0;
}

/* A window loads the root as Linux loads its own: __sme_pa() and a PCID. */
static void arch_window_cr3(struct kunit *test)
{
	struct vmc_space *space = vt_space(test);
	u64 root = vmc_node_pa(space->root), cr3 = 0;

	KUNIT_EXPECT_EQ(test, vmc_space_run(space, arch_read_cr3, &cr3), 0);
	KUNIT_EXPECT_EQ(test, cr3 & ~VMC_CR3_PCID_MASK, root | sme_me_mask);
	KUNIT_EXPECT_EQ(test, cr3 & BIT_ULL(12), 0ULL);
	KUNIT_EXPECT_EQ(test, vmc_pte_cr3(root, 0x4a5),
			(u64)(root | sme_me_mask | 0x4a5));
}

/* The PWT/PCD/PAT bits of the kernel's own mapping of @addr. */
static u64 arch_direct_map_cache_bits(void *addr)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)addr, &level);
	u64 v = pte ? pte_val(*pte) : 0;

	if (level != PG_LEVEL_4K)
		v = (v & ~_PAGE_PAT_LARGE) | (v & _PAGE_PAT_LARGE ? _PAGE_PAT : 0);
	return v & (_PAGE_PWT | _PAGE_PCD | _PAGE_PAT);
}

/*
 * A UC or WC frame's pages are mapped by the kernel with that type too,
 * so no page ever has two; and WB again once the frame is freed.
 */
static void arch_frame_memtype_direct_map(struct kunit *test)
{
	static const u8 modes[] = { VMC_CACHE_UC, VMC_CACHE_WC };
	/* The kernel maps RAM uncached as UC- (set_memory_uc()). */
	static const enum page_cache_mode pcm[] = { _PAGE_CACHE_MODE_UC_MINUS,
						    _PAGE_CACHE_MODE_WC };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		struct vmc_frame_req req = {
			.order = i ? 9 : 0,
			.cache = modes[i],
			.gfp = GFP_KERNEL,
		};
		struct vmc_frame *f;
		void *addr;

		if (!(vmc_frame_cache_modes() & BIT(modes[i]))) {
			kunit_info(test, "cache mode %u not offered\n", modes[i]);
			continue;
		}
		f = vmc_frame_create(NULL, &req);
		KUNIT_ASSERT_FALSE(test, IS_ERR(f));
		addr = vmc_frame_kaddr(f, 0);
		KUNIT_EXPECT_EQ(test, arch_direct_map_cache_bits(addr),
				(u64)cachemode2protval(pcm[i]) &
				(_PAGE_PWT | _PAGE_PCD | _PAGE_PAT));
		KUNIT_EXPECT_EQ(test, arch_direct_map_cache_bits(addr +
						vmc_frame_size(f) - 1),
				(u64)cachemode2protval(pcm[i]) &
				(_PAGE_PWT | _PAGE_PCD | _PAGE_PAT));
		vmc_frame_put(f, 1);
		vmc_flush_deferred();
		KUNIT_EXPECT_EQ(test, arch_direct_map_cache_bits(addr), 0ULL);
	}
	/* WT would need set_memory_wt(), which modules cannot call. */
	KUNIT_EXPECT_FALSE(test, vmc_frame_cache_modes() & BIT(VMC_CACHE_WT));
}

static struct kunit_case arch_cases[] = {
	KUNIT_CASE(arch_features_match_kernel),
	KUNIT_CASE(arch_cache_bits_follow_linux_pat),
	KUNIT_CASE(arch_root_kernel_half),
	KUNIT_CASE(arch_window_cr3),
	KUNIT_CASE(arch_frame_memtype_direct_map),
	{}
};

static struct kunit_suite arch_suite = {
	.name = "vmcursor_arch",
	.suite_init = vt_suite_init,
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = arch_cases,
};

kunit_test_suite(arch_suite);
