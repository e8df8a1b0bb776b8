// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor_errors: every condition on which OSTD panics is an errno here,
 * detected before anything is written: after a failed call the tree is
 * bit for bit the same (fingerprint), the cursor has not moved and every
 * reference count is unchanged. Allocation failures are injected.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include "vmc_test.h"

#define ERR_BASE	(8 * VT_1G)
#define PA_CAP		(0x40000000ULL)

static u32 err_make_global(u32 prop, const void *arg)
{
	return prop | VMC_PRIV_GLOBAL;
}

static u32 err_bad_cache(u32 prop, const void *arg)
{
	return (prop & ~VMC_PROP_CACHE_MASK) | (9u << VMC_PROP_CACHE_SHIFT);
}

static u32 err_to_cache(u32 prop, const void *arg)
{
	return (prop & ~VMC_PROP_CACHE_MASK) |
	       (*(const u32 *)arg << VMC_PROP_CACHE_SHIFT);
}

static u32 err_clear_w(u32 prop, const void *arg)
{
	return prop & ~VMC_PROP_W;
}

/*
 * Populate: a tracked 2 MiB leaf at ERR_BASE, 4 KiB leaves of a 4 KiB
 * frame behind it, and (with 1 GiB pages) an untracked 1 GiB leaf.
 */
static void err_populate(struct kunit *test, struct vmc_frame **big,
			 struct vmc_frame **small)
{
	struct vmc_cursor *c;

	*big = vt_frame(test, 9);
	*small = vt_frame(test, 0);
	c = vt_cursor(test, ERR_BASE, ERR_BASE + 2 * VT_1G);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, *big, 0, 2, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, *small, 0, 1, VT_RW), 0);
	if (vmc_level_supported(3)) {
		KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, ERR_BASE + VT_1G), 0);
		KUNIT_EXPECT_EQ(test, vt_map_pa(c, 3 * VT_1G, 3, VT_RW), 0);
	}
	vmc_cursor_destroy(c);
}

/* Run @expr in a cursor at @va; check errno, unchanged tree and va. */
#define ERR_EXPECT(test, start, end, va, err, expr)			\
	do {								\
		struct kunit *__t = (test);				\
		u64 __at = (va), __before, __after, __va;		\
		struct vmc_cursor *c = vt_cursor(__t, start, end);	\
		int __ret;						\
									\
		KUNIT_EXPECT_EQ(__t, vmc_cursor_jump(c, __at), 0);	\
		__before = vt_fingerprint(__t);				\
		__ret = (expr);						\
		WRITE_ONCE(vmc_test_fail_node_alloc, 0);		\
		__va = vmc_cursor_virt_addr(c);				\
		__after = vt_fingerprint(__t);				\
		vmc_cursor_destroy(c);					\
		KUNIT_EXPECT_EQ_MSG(__t, __ret, err, "%s", #expr);	\
		KUNIT_EXPECT_EQ_MSG(__t, __before, __after,		\
				    "%s changed the tree", #expr);	\
		KUNIT_EXPECT_EQ_MSG(__t, __va, __at,			\
				    "%s moved the cursor", #expr);	\
	} while (0)

/* Move the cursor to its end through an empty stretch, without writing. */
static int err_to_end(struct vmc_cursor *c)
{
	u64 found;

	return vmc_cursor_find_next(c, c->end - c->va, &found) ? -EIO : 0;
}

static void errors_cursor_args(struct kunit *test)
{
	struct vmc_protect_op clr = { .fn = err_clear_w };
	struct vmc_frame *big, *small;
	u64 s, e, n, r = ERR_BASE + 4 * VT_2M, empty = ERR_BASE + 3 * VT_2M;
	struct vmc_cursor *c;
	struct vmc_query q;
	u64 h;

	err_populate(test, &big, &small);
	/* query and map at va == end. */
	h = vt_fingerprint(test);
	c = vt_cursor(test, empty, r);
	KUNIT_EXPECT_EQ(test, err_to_end(c), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), r);
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), -ERANGE);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, 0, 1, VT_RW), -ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), r);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, vt_fingerprint(test), h);
	/* find_next/unmap/protect_next lengths; jump targets. */
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EINVAL,
		   vmc_cursor_find_next(c, VT_4K + 1, &s));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + VT_4K, -ERANGE,
		   vmc_cursor_find_next(c, 4 * VT_2M, &s));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EINVAL,
		   vmc_cursor_unmap(c, 100, &n));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + VT_2M, -ERANGE,
		   vmc_cursor_unmap(c, ~0ULL << 12, &n));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EINVAL,
		   vmc_cursor_protect_next(c, 8, &clr, &s, &e));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -ERANGE,
		   vmc_cursor_protect_next(c, 5 * VT_2M, &clr, &s, &e));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EINVAL,
		   vmc_cursor_jump(c, ERR_BASE + 1));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -ERANGE,
		   vmc_cursor_jump(c, r));
	ERR_EXPECT(test, ERR_BASE + VT_4K, r, ERR_BASE + VT_4K, -ERANGE,
		   vmc_cursor_jump(c, ERR_BASE));
	vt_check(test);
}

/* protect_next's new property is checked before the split. */
static void errors_protect_property(struct kunit *test)
{
	struct vmc_protect_op glob = { .fn = err_make_global };
	struct vmc_protect_op cache = { .fn = err_bad_cache };
	struct vmc_frame *big, *small;
	u64 s, e, r = ERR_BASE + 4 * VT_2M;

	err_populate(test, &big, &small);
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + 5 * VT_4K, -EOPNOTSUPP,
		   vmc_cursor_protect_next(c, VT_4K, &glob, &s, &e));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + VT_4K, -EOPNOTSUPP,
		   vmc_cursor_protect_next(c, 2 * VT_2M, &cache, &s, &e));
	vt_check(test);
}

static void errors_map_args(struct kunit *test)
{
	struct vmc_frame *big, *small, *f4k;
	u64 r = ERR_BASE + 4 * VT_2M, maxpa = vmc_max_paddr();

	err_populate(test, &big, &small);
	f4k = vt_frame(test, 0);
	/* Levels 0, 4 and (without 1 GiB pages) 3. */
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EOPNOTSUPP,
		   vt_map_pa(c, 0, 0, VT_RW));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EOPNOTSUPP,
		   vt_map_pa(c, 0, 4, VT_RW));
	if (!vmc_level_supported(3))
		ERR_EXPECT(test, 0, VT_1G, 0, -EOPNOTSUPP,
			   vt_map_pa(c, 0, 3, VT_RW));
	/* va not aligned to the leaf; leaf larger than what is left. */
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + VT_4K, -EINVAL,
		   vt_map_pa(c, 0, 2, VT_RW));
	ERR_EXPECT(test, ERR_BASE, r - VT_4K, ERR_BASE + 3 * VT_2M, -ERANGE,
		   vt_map_pa(c, 0, 2, VT_RW));
	/* Physical address misaligned, or beyond MAXPHYADDR. */
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EINVAL,
		   vt_map_pa(c, VT_4K, 2, VT_RW));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -ERANGE,
		   vt_map_pa(c, maxpa, 1, VT_RW));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -ERANGE,
		   vt_map_pa(c, maxpa + VT_2M, 2, VT_RW));
	/* Properties: global, unknown bits, unknown cache mode. */
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EOPNOTSUPP,
		   vt_map_pa(c, 0, 1, VT_RW | VMC_PRIV_GLOBAL));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EOPNOTSUPP,
		   vt_map_pa(c, 0, 1, VT_RW | BIT(24)));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EOPNOTSUPP,
		   vt_map_pa(c, 0, 1, VT_RW | (6u << VMC_PROP_CACHE_SHIFT)));
	/* A tracked leaf outside its frame. */
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -ERANGE,
		   vt_map_frame(c, f4k, VT_4K, 1, VT_RW));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + VT_2M, -ERANGE,
		   vt_map_frame(c, big, VT_2M, 1, VT_RW));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + VT_2M, -ERANGE,
		   vt_map_frame(c, big, -VT_4K, 1, VT_RW));
	vt_check(test);
}

/* Reference counts at their maximum: map, split and query all refuse. */
static void errors_refcount_overflow(struct kunit *test)
{
	struct vmc_frame *big, *small;
	struct vmc_query q;
	u64 r = ERR_BASE + 4 * VT_2M, n, ref_big, ref_small;

	err_populate(test, &big, &small);
	ref_big = vmc_frame_refcount(big);
	ref_small = vmc_frame_refcount(small);
	vmc_test_set_frame_ref(small, VMC_REF_MAX);
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + 2 * VT_2M, -EOVERFLOW,
		   vt_map_frame(c, small, 0, 1, VT_RW));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + VT_2M, -EOVERFLOW,
		   vmc_cursor_query(c, &q));
	vmc_test_set_frame_ref(small, ref_small);
	/* Splitting the 2 MiB leaf needs 511 more references. */
	vmc_test_set_frame_ref(big, VMC_REF_MAX - 510);
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + VT_4K, -EOVERFLOW,
		   vmc_cursor_unmap(c, VT_4K, &n));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EOVERFLOW,
		   vt_map_frame(c, small, 0, 1, VT_RW));
	vmc_test_set_frame_ref(big, ref_big);
	vt_check(test);
}

/*
 * An unmap that splits two tracked 2 MiB leaves, one at each edge, when the
 * second frame cannot take its 511 references: the first frame's, taken
 * already, are given back, and nothing changes.
 */
static void errors_second_split_overflow(struct kunit *test)
{
	struct vmc_frame *a = vt_frame(test, 9), *b = vt_frame(test, 9);
	struct vmc_cursor *c = vt_cursor(test, ERR_BASE, ERR_BASE + 2 * VT_2M);
	u64 r = ERR_BASE + 2 * VT_2M, n, ref_a, ref_b;

	KUNIT_EXPECT_EQ(test, vt_map_frame(c, a, 0, 2, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, b, 0, 2, VT_RW), 0);
	vmc_cursor_destroy(c);
	ref_a = vmc_frame_refcount(a);
	ref_b = vmc_frame_refcount(b);
	vmc_test_set_frame_ref(b, VMC_REF_MAX - 510);
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + VT_2M - VT_4K, -EOVERFLOW,
		   vmc_cursor_unmap(c, 2 * VT_4K, &n));
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(a), ref_a);
	vmc_test_set_frame_ref(b, ref_b);
	vt_check(test);
}

/* A frame whose metadata is not a data frame's is refused, as invalid. */
static void errors_map_not_a_frame(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 0);
	u64 r = ERR_BASE + VT_2M;

	f->usage = VMC_USAGE_FREE;
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE, -EINVAL,
		   vt_map_frame(c, f, 0, 1, VT_RW));
	f->usage = VMC_USAGE_FRAME;
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 1ULL);
	vt_check(test);
}

/* Empty the cursor's pool and the spares; make node allocations fail. */
static int err_nomem(struct vmc_cursor *c, int fail)
{
	vmc_test_cursor_drop_pool(c);
	vmc_test_drop_spare(c->space);
	WRITE_ONCE(vmc_test_fail_node_alloc, fail);
	return 0;
}

/* Injected node-allocation failures: map, unmap, protect. */
static void errors_alloc_failure(struct kunit *test)
{
	struct vmc_protect_op clr = { .fn = err_clear_w };
	struct vmc_cursor *c = vt_ctx(test)->cursor;
	struct vmc_frame *big, *small;
	u64 r = ERR_BASE + 4 * VT_2M, n, s, e, tables, h;

	err_populate(test, &big, &small);
	tables = vt_table_pages(test);
	h = vt_fingerprint(test);
	/*
	 * Creation allocates nothing, so it works without memory; a map in
	 * a fresh part of the space needs nodes: with none to be had (or
	 * the second of several failing) it fails and publishes none.
	 */
	for (n = 0; n < 2; n++) {
		vmc_test_drop_spare(vt_space(test));
		WRITE_ONCE(vmc_test_fail_node_alloc, n ? 2 : -1);
		KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, vt_space(test), 64 * VT_1G,
							64 * VT_1G + VT_4K), 0);
		KUNIT_EXPECT_EQ(test, vt_map_pa(c, 0, 1, VT_RW), -ENOMEM);
		KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), 64 * VT_1G);
		vmc_cursor_destroy(c);
	}
	WRITE_ONCE(vmc_test_fail_node_alloc, 0);
	KUNIT_EXPECT_EQ(test, vt_table_pages(test), tables);
	KUNIT_EXPECT_EQ(test, vt_fingerprint(test), h);

	/* Each op once the cursor's preallocated nodes are gone. */
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + 2 * VT_2M, -ENOMEM,
		   err_nomem(c, -1) ?: vt_map_pa(c, 0, 1, VT_RW));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + VT_4K, -ENOMEM,
		   err_nomem(c, -1) ?: vt_map_pa(c, 0, 1, VT_RW));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + VT_4K, -ENOMEM,
		   err_nomem(c, -1) ?: vmc_cursor_unmap(c, VT_4K, &n));
	ERR_EXPECT(test, ERR_BASE, r, ERR_BASE + 3 * VT_4K, -ENOMEM,
		   err_nomem(c, -1) ?:
		   vmc_cursor_protect_next(c, VT_4K, &clr, &s, &e));
	/* The second of two nodes fails: the first is never published. */
	if (vmc_level_supported(3)) {
		u64 g = ERR_BASE + VT_1G;

		ERR_EXPECT(test, g, g + VT_1G, g + VT_4K, -ENOMEM,
			   err_nomem(c, 2) ?: vmc_cursor_unmap(c, VT_4K, &n));
	}
	WRITE_ONCE(vmc_test_fail_node_alloc, 0);
	KUNIT_EXPECT_EQ(test, vt_table_pages(test), tables);
	vt_check(test);

	/* With memory back, the same operation succeeds. */
	c = vt_cursor(test, ERR_BASE, r);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, ERR_BASE + VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 1ULL);
	vmc_cursor_destroy(c);
	vt_check(test);
}

/*
 * At the table-page cap the space stays usable: read-only cursors and
 * unmaps that split nothing need no node; only what creates one fails,
 * naming the cap.
 */
static void errors_table_cap(struct kunit *test)
{
	struct vmc_space *s = vmc_space_create(0, 0);
	struct vmc_cursor *c = vt_ctx(test)->cursor;
	struct vmc_query q;
	u64 n, found;

	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	KUNIT_ASSERT_EQ(test, vmc_cursor_create(c, s, 0, VT_2M), 0);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA_CAP, 1, VT_RW), 0);
	vmc_cursor_destroy(c);
	vmc_test_drop_spare(s);
	/* Cap at what the tree holds now. */
	s->max_table_pages = atomic_long_read(&s->table_pages);
	KUNIT_ASSERT_EQ(test, vmc_cursor_create(c, s, 5 * VT_1G,
						5 * VT_1G + VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, VT_4K, &found), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, 5 * VT_1G), 0);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA_CAP, 1, VT_RW), -ENOMEM);
	KUNIT_EXPECT_EQ(test, c->limit, VMC_LIMIT_TABLES);
	vmc_cursor_destroy(c);
	KUNIT_ASSERT_EQ(test, vmc_cursor_create(c, s, 0, VT_2M), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 1ULL);
	vmc_cursor_destroy(c);
	vmc_space_destroy(s);
}

/* A frame has one memory type: map and protect refuse another. */
static void errors_frame_memtype(struct kunit *test)
{
	struct vmc_frame *uc = vt_frame_cache(test, 0, VMC_CACHE_UC);
	u32 other = uc->cache == VMC_CACHE_UC ? VMC_CACHE_WB : VMC_CACHE_UC;
	struct vmc_protect_op op = { .fn = err_to_cache, .arg = &other };
	struct vmc_cursor *c;
	u64 s, e;

	c = vt_cursor(test, ERR_BASE, ERR_BASE + VT_2M);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, uc, 0, 1, VT_RW |
					   (other << VMC_PROP_CACHE_SHIFT)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), ERR_BASE);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, uc, 0, 1, VT_RW |
					   ((u32)uc->cache << VMC_PROP_CACHE_SHIFT)),
			0);
	vmc_cursor_destroy(c);
	ERR_EXPECT(test, ERR_BASE, ERR_BASE + VT_2M, ERR_BASE, -EINVAL,
		   vmc_cursor_protect_next(c, VT_4K, &op, &s, &e));
	vt_check(test);
}

static struct kunit_case errors_cases[] = {
	KUNIT_CASE(errors_cursor_args),
	KUNIT_CASE(errors_protect_property),
	KUNIT_CASE(errors_map_args),
	KUNIT_CASE(errors_refcount_overflow),
	KUNIT_CASE(errors_second_split_overflow),
	KUNIT_CASE(errors_map_not_a_frame),
	KUNIT_CASE(errors_alloc_failure),
	KUNIT_CASE(errors_table_cap),
	KUNIT_CASE(errors_frame_memtype),
	{}
};

static struct kunit_suite errors_suite = {
	.name = "vmcursor_errors",
	.suite_init = vt_suite_init,
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = errors_cases,
};

kunit_test_suite(errors_suite);
