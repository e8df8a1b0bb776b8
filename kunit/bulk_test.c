// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor_bulk: the bulk operations are exactly their per-item forms.
 *
 * Two spaces (twins) are built identically, each with its own frames.
 * Then one gets vmc_cursor_map_many() (or vmc_cursor_protect_range()) and
 * the other the same work as vmc_cursor_map() calls (or protect_next calls
 * until none is found); the errno, the count, the cursor position, every
 * leaf (level, frame and offset, property) and every frame's reference
 * count must agree. Scenarios are random from fixed seeds and include
 * replaced mappings, huge leaves split at the edges, invalid items and
 * reference counts at their maximum.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/prandom.h>
#include <linux/slab.h>
#include "vmc_test.h"

#define BULK_BASE	(5 * VT_1G)
#define BULK_SPAN	(8 * VT_2M)
#define BULK_2M		6		/* 2 MiB frames per twin */
#define BULK_4K		24		/* 4 KiB frames per twin */
#define BULK_NF		(BULK_2M + BULK_4K)
#define BULK_MAX_ITEMS	1400
#define BULK_MAX_LEAVES	8192
#define BULK_ROUNDS	60

struct bulk_leaf {
	u64 va;
	u64 where;	/* offset in the frame, or pa if untracked */
	u32 prop;
	int level;
	int frame;	/* index in the twin's frames, -1 if untracked */
};

struct bulk {
	struct kunit *test;
	struct rnd_state rnd;
	struct vmc_space *space[2];
	struct vmc_frame *frame[2][BULK_NF];
	struct vmc_cursor *c;
	struct vmc_item *items[2];
	struct bulk_leaf *leaves[2];
	unsigned int nr_leaves[2];
	u64 ops;
};

static u32 bulk_rand(struct bulk *b, u32 n)
{
	return prandom_u32_state(&b->rnd) % n;
}

static int bulk_frame_index(struct bulk *b, int t, struct vmc_frame *f)
{
	int i;

	for (i = 0; i < BULK_NF; i++)
		if (b->frame[t][i] == f)
			return i;
	return -2;
}

static void bulk_collect(struct bulk *b, int t, struct vmc_node *node,
			 int level, u64 base)
{
	unsigned int i, n = level == vmc_fmt.nr_levels ? VMC_PTES_PER_NODE / 2 :
			    VMC_PTES_PER_NODE;
	struct vmc_pte_info info;

	for (i = 0; i < n; i++) {
		u64 va = base + ((u64)i << vmc_level_shift(level));
		struct bulk_leaf *l;

		switch (vmc_pte_decode(node->ptes[i], level, &info)) {
		case VMC_PTE_TABLE:
			bulk_collect(b, t, vmc_node_from_pa(info.pa), level - 1,
				     va);
			break;
		case VMC_PTE_LEAF:
			if (b->nr_leaves[t] == BULK_MAX_LEAVES)
				break;
			l = &b->leaves[t][b->nr_leaves[t]++];
			l->va = va;
			l->level = level;
			l->prop = info.prop;
			l->frame = -1;
			l->where = info.pa;
			if (info.tracked) {
				struct vmc_frame *f = vmc_frame_from_pa(info.pa);

				l->frame = bulk_frame_index(b, t, f);
				l->where = info.pa - vmc_frame_pa(f);
			}
			break;
		default:
			break;
		}
	}
}

/* Both twins have the same leaves and reference counts. */
static bool bulk_same(struct bulk *b)
{
	struct kunit *test = b->test;
	unsigned int i;
	int t;

	for (t = 0; t < 2; t++) {
		b->nr_leaves[t] = 0;
		bulk_collect(b, t, b->space[t]->root, vmc_fmt.nr_levels, 0);
	}
	/* Replaced and unmapped subtrees hold references until drained. */
	for (t = 0; t < 2; t++) {
		struct vmc_check_report rep = {};

		vmc_space_drain(b->space[t]);
		KUNIT_EXPECT_EQ(test, vmc_space_check_quiesced(b->space[t], NULL,
							       &rep, false), 0);
		KUNIT_EXPECT_EQ(test, rep.violations, 0ULL);
	}
	KUNIT_EXPECT_LT(test, b->nr_leaves[0], BULK_MAX_LEAVES);
	KUNIT_EXPECT_EQ(test, b->nr_leaves[0], b->nr_leaves[1]);
	if (b->nr_leaves[0] != b->nr_leaves[1])
		return false;
	for (i = 0; i < b->nr_leaves[0]; i++) {
		if (!memcmp(&b->leaves[0][i], &b->leaves[1][i],
			    sizeof(struct bulk_leaf)))
			continue;
		KUNIT_FAIL(test, "leaf %u: va %#llx/%#llx level %d/%d frame %d/%d",
			   i, b->leaves[0][i].va, b->leaves[1][i].va,
			   b->leaves[0][i].level, b->leaves[1][i].level,
			   b->leaves[0][i].frame, b->leaves[1][i].frame);
		KUNIT_FAIL(test, "leaf %u: where %#llx/%#llx prop %#x/%#x", i,
			   b->leaves[0][i].where, b->leaves[1][i].where,
			   b->leaves[0][i].prop, b->leaves[1][i].prop);
		return false;
	}
	for (i = 0; i < BULK_NF; i++) {
		if (vmc_frame_refcount(b->frame[0][i]) ==
		    vmc_frame_refcount(b->frame[1][i]))
			continue;
		KUNIT_FAIL(test, "frame %u: refcount %llu vs %llu", i,
			   vmc_frame_refcount(b->frame[0][i]),
			   vmc_frame_refcount(b->frame[1][i]));
		return false;
	}
	return true;
}

static const u32 bulk_props[] = {
	VT_RW, VT_R, VT_RW | VMC_PROP_X, VMC_PRIV_USER,
	VT_R | (VMC_CACHE_UC << VMC_PROP_CACHE_SHIFT),
};

/* The twin's copy of an item: the same piece of the twin frame. */
static void bulk_twin_item(struct bulk *b, const struct vmc_item *it,
			   struct vmc_item *twin)
{
	int f;

	*twin = *it;
	if (!it->frame)
		return;
	f = bulk_frame_index(b, 0, it->frame);
	twin->frame = b->frame[1][f];
	twin->pa = it->pa - vmc_frame_pa(it->frame) + vmc_frame_pa(twin->frame);
}

/* A random item for the slot at @va of @level. */
static void bulk_item(struct bulk *b, u64 va, int level, u32 prop, int kind,
		      struct vmc_item *it)
{
	u64 size = vmc_page_size(level);
	struct vmc_frame *f;

	it->level = level;
	it->prop = prop;
	it->frame = NULL;
	switch (kind) {
	case 0:		/* successive pieces of 2 MiB frames */
		f = b->frame[0][(va / VT_2M) % BULK_2M];
		it->frame = f;
		it->pa = vmc_frame_pa(f) + (level == 1 ? va % VT_2M : 0);
		break;
	case 1:		/* a 4 KiB frame, or a 2 MiB one for a 2 MiB leaf */
		f = b->frame[0][level == 1 ? BULK_2M + bulk_rand(b, BULK_4K) :
					     bulk_rand(b, BULK_2M)];
		it->frame = f;
		it->pa = vmc_frame_pa(f);
		break;
	default:	/* untracked */
		it->pa = (64 * VT_1G) + (va - BULK_BASE) / size * size;
		break;
	}
}

/* Break one item so that it fails with a known errno. */
static void bulk_spoil(struct bulk *b, struct vmc_item *it)
{
	switch (bulk_rand(b, 4)) {
	case 0:
		it->pa += VT_4K / 2;		/* misaligned: EINVAL */
		break;
	case 1:
		it->prop |= VMC_PRIV_GLOBAL;	/* EOPNOTSUPP */
		break;
	case 2:
		it->level = 4;			/* EOPNOTSUPP */
		break;
	default:
		if (it->frame)			/* outside the frame: ERANGE */
			it->pa = vmc_frame_pa(it->frame) -
				 vmc_page_size(it->level);
		else
			it->pa = vmc_max_paddr();
		break;
	}
}

/* Map @n items from @va on both twins: bulk on 0, one by one on 1. */
static void bulk_map_both(struct bulk *b, u64 va, u64 end, unsigned long n)
{
	struct kunit *test = b->test;
	unsigned long done[2] = {}, i;
	u64 pos[2];
	int err[2], t;

	for (i = 0; i < n; i++)
		bulk_twin_item(b, &b->items[0][i], &b->items[1][i]);
	for (t = 0; t < 2; t++) {
		struct vmc_cursor *c = b->c;
		u64 from = ALIGN_DOWN(va, VT_2M);

		KUNIT_ASSERT_EQ(test, vmc_cursor_create(c, b->space[t], from,
							end), 0);
		err[t] = vmc_cursor_jump(c, va);
		if (!err[t] && !t)
			err[t] = vmc_cursor_map_many(c, b->items[0], n, &done[0]);
		for (i = 0; !err[t] && t && i < n; i++) {
			err[t] = vmc_cursor_map(c, &b->items[1][i]);
			done[1] += !err[t];
		}
		pos[t] = vmc_cursor_virt_addr(c);
		vmc_cursor_destroy(c);
	}
	KUNIT_EXPECT_EQ(test, err[0], err[1]);
	KUNIT_EXPECT_EQ(test, done[0], done[1]);
	KUNIT_EXPECT_EQ(test, pos[0], pos[1]);
	b->ops += n;
}

static void bulk_random_map(struct bulk *b)
{
	int level = bulk_rand(b, 4) ? 1 : 2, kind = bulk_rand(b, 3);
	u64 size = vmc_page_size(level), va, end = BULK_BASE + BULK_SPAN;
	u32 prop = bulk_props[bulk_rand(b, ARRAY_SIZE(bulk_props))];
	unsigned long n, i, max;

	va = BULK_BASE + ALIGN_DOWN((u64)bulk_rand(b, BULK_SPAN), size);
	max = min_t(u64, (end - va) / size + 2, BULK_MAX_ITEMS);
	n = 1 + bulk_rand(b, max);
	for (i = 0; i < n; i++) {
		if (i && !bulk_rand(b, 97))
			prop = bulk_props[bulk_rand(b, ARRAY_SIZE(bulk_props))];
		bulk_item(b, va + i * size, level, prop, kind,
			  &b->items[0][i]);
	}
	if (!bulk_rand(b, 5))
		bulk_spoil(b, &b->items[0][bulk_rand(b, n)]);
	/* Sometimes the range ends early: the tail fails with ERANGE. */
	if (!bulk_rand(b, 6))
		end = min(end, va + size * (1 + bulk_rand(b, n)));
	bulk_map_both(b, va, end, n);
}

static u32 bulk_op_clear_w(u32 prop, const void *arg)
{
	return prop & ~VMC_PROP_W;
}

static u32 bulk_op_add_xd(u32 prop, const void *arg)
{
	return prop | VMC_PROP_X | VMC_PROP_D;
}

static u32 bulk_op_wc(u32 prop, const void *arg)
{
	return (prop & ~VMC_PROP_CACHE_MASK) |
	       (VMC_CACHE_WC << VMC_PROP_CACHE_SHIFT);
}

static u32 bulk_op_same(u32 prop, const void *arg)
{
	return prop;
}

/* Unsupported for executable leaves: the range stops there. */
static u32 bulk_op_global_if_x(u32 prop, const void *arg)
{
	return prop & VMC_PROP_X ? prop | VMC_PRIV_GLOBAL : prop ^ VMC_PROP_A;
}

static const struct vmc_protect_op bulk_protect_ops[] = {
	{ .fn = bulk_op_clear_w }, { .fn = bulk_op_add_xd },
	{ .fn = bulk_op_wc }, { .fn = bulk_op_same },
	{ .fn = bulk_op_global_if_x },
};

static void bulk_random_protect(struct bulk *b)
{
	const struct vmc_protect_op *op =
		&bulk_protect_ops[bulk_rand(b, ARRAY_SIZE(bulk_protect_ops))];
	u64 va = BULK_BASE + ALIGN_DOWN((u64)bulk_rand(b, BULK_SPAN), VT_4K);
	u64 end = BULK_BASE + BULK_SPAN, count[2] = {}, pos[2], s, e;
	u64 len = ALIGN_DOWN((u64)bulk_rand(b, end - va + 1), VT_4K);
	struct kunit *test = b->test;
	int err[2], t, ret;

	if (op->fn == bulk_op_wc &&
	    !(vmc_cache_modes() & BIT(VMC_CACHE_WC)))
		op = &bulk_protect_ops[0];
	for (t = 0; t < 2; t++) {
		struct vmc_cursor *c = b->c;
		u64 from = ALIGN_DOWN(va, VT_2M);

		KUNIT_ASSERT_EQ(test, vmc_cursor_create(c, b->space[t], from,
							end), 0);
		err[t] = vmc_cursor_jump(c, va);
		if (!err[t] && !t)
			err[t] = vmc_cursor_protect_range(c, len, op, &count[0]);
		while (!err[t] && t) {
			ret = vmc_cursor_protect_next(c, va + len -
						      vmc_cursor_virt_addr(c),
						      op, &s, &e);
			if (ret <= 0) {
				err[t] = ret;
				break;
			}
			count[1]++;
		}
		pos[t] = vmc_cursor_virt_addr(c);
		vmc_cursor_destroy(c);
	}
	KUNIT_EXPECT_EQ(test, err[0], err[1]);
	KUNIT_EXPECT_EQ(test, count[0], count[1]);
	/* After none is found the position is only bounded (by spec). */
	if (err[0])
		KUNIT_EXPECT_EQ(test, pos[0], pos[1]);
	else
		KUNIT_EXPECT_TRUE(test, pos[0] >= va + len && pos[1] >= va + len);
	b->ops += count[0];
}

/* Unmap the same range on both twins (a scenario step, not under test). */
static void bulk_random_unmap(struct bulk *b)
{
	u64 va = BULK_BASE + ALIGN_DOWN((u64)bulk_rand(b, BULK_SPAN), VT_4K);
	u64 len = ALIGN_DOWN((u64)bulk_rand(b, BULK_BASE + BULK_SPAN - va + 1),
			     VT_4K), n;
	int t;

	for (t = 0; t < 2; t++) {
		int err = vmc_cursor_create(b->c, b->space[t], va,
					    va + len + VT_4K);

		KUNIT_ASSERT_EQ(b->test, err, 0);
		KUNIT_EXPECT_EQ(b->test, vmc_cursor_unmap(b->c, len, &n), 0);
		vmc_cursor_destroy(b->c);
	}
}

static void bulk_setup(struct kunit *test, struct bulk *b, u32 seed)
{
	int t, i;

	b->test = test;
	prandom_seed_state(&b->rnd, seed);
	b->c = vt_ctx(test)->cursor;
	for (t = 0; t < 2; t++) {
		b->space[t] = vmc_space_create(0, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR(b->space[t]));
		b->items[t] = kunit_kcalloc(test, BULK_MAX_ITEMS,
					    sizeof(struct vmc_item), GFP_KERNEL);
		b->leaves[t] = kunit_kcalloc(test, BULK_MAX_LEAVES,
					     sizeof(struct bulk_leaf),
					     GFP_KERNEL);
		KUNIT_ASSERT_TRUE(test, b->items[t] && b->leaves[t]);
		for (i = 0; i < BULK_NF; i++)
			b->frame[t][i] = vt_frame(test, i < BULK_2M ? 9 : 0);
	}
}

static void bulk_teardown(struct bulk *b)
{
	int t;

	for (t = 0; t < 2; t++) {
		vmc_space_drain(b->space[t]);
		vmc_space_destroy(b->space[t]);
	}
}

static void bulk_run(struct kunit *test, u32 seed, bool protect)
{
	struct bulk *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	int round;

	KUNIT_ASSERT_NOT_NULL(test, b);
	bulk_setup(test, b, seed);
	for (round = 0; round < BULK_ROUNDS; round++) {
		switch (bulk_rand(b, 6)) {
		case 0:
			bulk_random_unmap(b);
			break;
		case 1:
		case 2:
			if (protect) {
				bulk_random_protect(b);
				break;
			}
			fallthrough;
		default:
			bulk_random_map(b);
			break;
		}
		if (!bulk_same(b)) {
			kunit_info(test, "seed %u diverged at round %d\n", seed,
				   round);
			break;
		}
	}
	kunit_info(test, "seed %u: %d rounds, %llu items or leaves\n", seed,
		   round, b->ops);
	bulk_teardown(b);
	vt_check(test);
}

static void bulk_map_many_equivalent(struct kunit *test)
{
	bulk_run(test, 1, false);
	bulk_run(test, 2, false);
}

static void bulk_protect_range_equivalent(struct kunit *test)
{
	bulk_run(test, 3, true);
	bulk_run(test, 4, true);
}

/* The twins near VMC_REF_MAX: map_many takes as many as fit, as map does. */
static void bulk_map_many_refcount_limit(struct kunit *test)
{
	struct bulk *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	int fi = (BULK_BASE / VT_2M) % BULK_2M, t;
	u64 before[2];
	unsigned long i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	bulk_setup(test, b, 5);
	for (i = 0; i < 40; i++)
		bulk_item(b, BULK_BASE + i * VT_4K, 1, VT_RW, 0,
			  &b->items[0][i]);
	KUNIT_ASSERT_PTR_EQ(test, b->items[0][0].frame, b->frame[0][fi]);
	for (t = 0; t < 2; t++) {
		before[t] = vmc_frame_refcount(b->frame[t][fi]);
		vmc_test_set_frame_ref(b->frame[t][fi], VMC_REF_MAX - 13);
	}
	bulk_map_both(b, BULK_BASE, BULK_BASE + BULK_SPAN, 40);
	for (t = 0; t < 2; t++) {
		KUNIT_EXPECT_EQ(test, vmc_frame_refcount(b->frame[t][fi]),
				VMC_REF_MAX);
		vmc_test_set_frame_ref(b->frame[t][fi], before[t] + 13);
	}
	KUNIT_EXPECT_TRUE(test, bulk_same(b));
	bulk_teardown(b);
	vt_check(test);
}

/*
 * map_run over a 2 MiB frame as 4 KiB leaves, across a level-1 and a
 * level-2 table boundary, one leaf past the frame: the 512 inside are
 * mapped with one reference each, the 513th fails -ERANGE with nothing
 * changed, and the cursor stands after the last leaf mapped.
 */
static void bulk_map_run_frame_edge(struct kunit *test)
{
	struct vmc_frame *g = vt_frame(test, 9);
	u64 start = VT_1G - 256 * VT_4K, refs = vmc_frame_refcount(g);
	struct vmc_item first = {
		.frame = g, .pa = vmc_frame_pa(g), .level = 1, .prop = VT_RW,
	};
	struct vmc_cursor *c = vt_cursor(test, start, start + 2 * VT_2M);
	unsigned long done;

	KUNIT_EXPECT_EQ(test, vmc_cursor_map_run(c, &first, 513, &done),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, done, 512UL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), start + VT_2M);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(g), refs + 512);
	VT_EXPECT_MAPPED(test, start + 5 * VT_4K + 7,
			 vmc_frame_pa(g) + 5 * VT_4K + 7, VT_RW);
	VT_EXPECT_MAPPED(test, start + 511 * VT_4K, vmc_frame_pa(g) + 511 * VT_4K,
			 VT_RW);
	vt_check(test);
}

static struct kunit_case bulk_cases[] = {
	KUNIT_CASE(bulk_map_many_equivalent),
	KUNIT_CASE(bulk_protect_range_equivalent),
	KUNIT_CASE(bulk_map_many_refcount_limit),
	KUNIT_CASE(bulk_map_run_frame_edge),
	{}
};

static struct kunit_suite bulk_suite = {
	.name = "vmcursor_bulk",
	.suite_init = vt_suite_init,
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = bulk_cases,
};

kunit_test_suite(bulk_suite);
