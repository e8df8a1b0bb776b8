// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor_native_race: the paths a cursor takes when another CPU changes
 * an entry between its read and its compare-and-exchange. In the kernel
 * they are reached by chance, if at all; natively the shim calls a hook
 * before each such exchange (vmc_native_cas_hook, native/include/shim.h),
 * and these cases use it to make the interleaving happen right there,
 * once, as the other party would: a cursor over the neighbouring range
 * installing the shared table first, or the MMU setting A and D in the
 * leaf being split or protected. Native only: the kernel has no such hook.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include "../kunit/vmc_test.h"

#define RACE_BASE	(8 * VT_1G)

/**
 * struct race - one interleaving, armed for one exchange
 * @test: the test
 * @slot: the entry whose exchange triggers it
 * @run: what the other party does there
 * @fired: it happened
 * @mask: for race_mmu(): the bits the MMU sets
 * @va: for race_neighbour(): where the other cursor maps
 */
struct race {
	struct kunit *test;
	u64 *slot;
	void (*run)(struct race *r);
	bool fired;
	u64 mask;
	u64 va;
};

static struct race *race_armed;

static void race_hook(u64 *slot)
{
	struct race *r = race_armed;

	if (!r || slot != r->slot)
		return;
	/* Once: the other party's own exchanges must not trigger it again. */
	race_armed = NULL;
	WRITE_ONCE(vmc_native_cas_hook, NULL);
	r->fired = true;
	r->run(r);
}

static void race_arm(struct race *r)
{
	race_armed = r;
	WRITE_ONCE(vmc_native_cas_hook, race_hook);
}

static void race_disarm(void)
{
	race_armed = NULL;
	WRITE_ONCE(vmc_native_cas_hook, NULL);
}

/* The MMU sets A and D in the entry, atomically, as the hardware does. */
static void race_mmu(struct race *r)
{
	__atomic_fetch_or(r->slot, r->mask, __ATOMIC_SEQ_CST);
}

/* A cursor over the next 4 KiB maps a leaf there, creating the path. */
static void race_neighbour(struct race *r)
{
	struct vmc_cursor *c = kunit_kzalloc(r->test, sizeof(*c), GFP_KERNEL);

	if (!c || vmc_cursor_create(c, vt_space(r->test), r->va,
				    r->va + VT_4K)) {
		KUNIT_FAIL(r->test, "no cursor over the neighbouring range");
		return;
	}
	KUNIT_EXPECT_EQ(r->test, vt_map_pa(c, 0x40000000ULL, 1, VT_RW), 0);
	vmc_cursor_destroy(c);
}

/* The slot of the leaf mapping @va (the caller's cursor excludes others). */
static u64 *race_leaf_slot(struct kunit *test, u64 va)
{
	struct vmc_pte_info info;
	u64 *slot = NULL;

	vmc_pt_translate(vt_space(test), va, &info, &slot);
	KUNIT_EXPECT_EQ(test, info.kind, VMC_PTE_LEAF);
	return slot;
}

static u32 race_clear_w(u32 prop, const void *arg)
{
	return prop & ~VMC_PROP_W;
}

static u32 race_add_a(u32 prop, const void *arg)
{
	return prop | VMC_PROP_A;
}

/*
 * Two cursors over neighbouring 4 KiB share every absent table above the
 * leaves: the other one installs the top table first, so ours gives its
 * node back to its pool and goes down the winner's.
 */
static void race_install_lost(struct kunit *test)
{
	struct vmc_space *space = vt_space(test);
	struct race r = {
		.test = test,
		.slot = &space->root->ptes[vmc_pte_index(RACE_BASE,
							 space->nr_levels)],
		.run = race_neighbour,
		.va = RACE_BASE + VT_4K,
	};
	u64 tables = vt_table_pages(test);
	struct vmc_cursor *c = vt_cursor(test, RACE_BASE, RACE_BASE + VT_4K);

	race_arm(&r);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, 0x80000000ULL, 1, VT_RW), 0);
	race_disarm();
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_TRUE(test, r.fired);
	VT_EXPECT_MAPPED(test, RACE_BASE, 0x80000000ULL, VT_RW);
	VT_EXPECT_MAPPED(test, RACE_BASE + VT_4K, 0x40000000ULL, VT_RW);
	/* One path, the winner's; the loser's nodes are spare now. */
	KUNIT_EXPECT_EQ(test, vt_table_pages(test),
			tables + vmc_fmt.nr_levels - 1);
	vt_check(test);
}

/*
 * The MMU sets A and D in a 2 MiB leaf while an unmap splits it: the
 * split's exchange fails, the pieces are made again from the new entry,
 * and they keep A and D.
 */
static void race_split_ad(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 9);
	struct vmc_cursor *c = vt_cursor(test, RACE_BASE, RACE_BASE + VT_2M);
	struct race r = { .test = test, .run = race_mmu,
			  .mask = VMC_PTE_A | VMC_PTE_D };
	struct vt_walk w;
	u64 count = 0;

	KUNIT_EXPECT_EQ(test, vt_map_frame(c, f, 0, 2, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, RACE_BASE), 0);
	r.slot = race_leaf_slot(test, RACE_BASE);
	race_arm(&r);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &count), 0);
	race_disarm();
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_TRUE(test, r.fired);
	KUNIT_EXPECT_EQ(test, count, 1ULL);
	VT_EXPECT_UNMAPPED(test, RACE_BASE);
	KUNIT_EXPECT_TRUE(test, vt_translate(vt_space(test), RACE_BASE + VT_4K,
					     &w));
	KUNIT_EXPECT_EQ(test, w.level, 1);
	KUNIT_EXPECT_EQ(test, w.prop & (VMC_PROP_A | VMC_PROP_D),
			VMC_PROP_A | VMC_PROP_D);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 1ULL + 511);
	vt_check(test);
}

/*
 * The MMU sets A and D while protect rewrites a leaf: the fast exchange
 * fails and the general path recomputes the property from the new entry,
 * keeping the MMU's bits.
 */
static void race_protect_ad(struct kunit *test)
{
	struct vmc_protect_op clr = { .fn = race_clear_w };
	struct vmc_frame *f = vt_frame(test, 0);
	struct vmc_cursor *c = vt_cursor(test, RACE_BASE, RACE_BASE + VT_4K);
	struct race r = { .test = test, .run = race_mmu,
			  .mask = VMC_PTE_A | VMC_PTE_D };
	struct vmc_stats st = {};
	u64 s = 0, e = 0;

	KUNIT_EXPECT_EQ(test, vt_map_frame(c, f, 0, 1, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, RACE_BASE), 0);
	r.slot = race_leaf_slot(test, RACE_BASE);
	race_arm(&r);
	KUNIT_EXPECT_EQ(test, vmc_cursor_protect_next(c, VT_4K, &clr, &s, &e), 1);
	race_disarm();
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_TRUE(test, r.fired);
	KUNIT_EXPECT_EQ(test, s, RACE_BASE);
	KUNIT_EXPECT_EQ(test, e, RACE_BASE + VT_4K);
	VT_EXPECT_MAPPED(test, RACE_BASE, vmc_frame_pa(f), VT_R);
	KUNIT_EXPECT_EQ(test, *r.slot & (VMC_PTE_A | VMC_PTE_D | VMC_PTE_RW),
			VMC_PTE_A | VMC_PTE_D);
	vmc_stats_read(vt_space(test), &st);
	KUNIT_EXPECT_EQ(test, st.out_protects, 1ULL);
	vt_check(test);
}

/*
 * The change protect was about to make (set A) is made by the MMU first:
 * the general path finds nothing left to change and writes nothing.
 */
static void race_protect_made_by_mmu(struct kunit *test)
{
	struct vmc_protect_op add_a = { .fn = race_add_a };
	struct vmc_frame *f = vt_frame(test, 0);
	struct vmc_cursor *c = vt_cursor(test, RACE_BASE, RACE_BASE + VT_4K);
	struct race r = { .test = test, .run = race_mmu, .mask = VMC_PTE_A };
	struct vmc_stats st = {};
	u64 s, e, pte;

	KUNIT_EXPECT_EQ(test, vt_map_frame(c, f, 0, 1, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, RACE_BASE), 0);
	r.slot = race_leaf_slot(test, RACE_BASE);
	race_arm(&r);
	KUNIT_EXPECT_EQ(test, vmc_cursor_protect_next(c, VT_4K, &add_a, &s, &e),
			1);
	race_disarm();
	pte = READ_ONCE(*r.slot);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_TRUE(test, r.fired);
	KUNIT_EXPECT_EQ(test, pte & (VMC_PTE_A | VMC_PTE_D), VMC_PTE_A);
	vmc_stats_read(vt_space(test), &st);
	KUNIT_EXPECT_EQ(test, st.out_protects, 0ULL);
	vt_check(test);
}

static struct kunit_case race_cases[] = {
	KUNIT_CASE(race_install_lost),
	KUNIT_CASE(race_split_ad),
	KUNIT_CASE(race_protect_ad),
	KUNIT_CASE(race_protect_made_by_mmu),
	{}
};

static struct kunit_suite race_suite = {
	.name = "vmcursor_native_race",
	.suite_init = vt_suite_init,
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = race_cases,
};

kunit_test_suite(race_suite);
