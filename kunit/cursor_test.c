// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor_cursor: OSTD's page_table and vmspace test scenarios (section 9
 * of the reference), ported to vostd's replace semantics, plus the cases
 * its section 9.3 lists as missing.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include "vmc_test.h"

#define PA1	(0x40000000ULL)
#define PA2	(0x80000000ULL)

static u32 cursor_clear_w(u32 prop, const void *arg)
{
	return prop & ~VMC_PROP_W;
}

static u32 cursor_identity(u32 prop, const void *arg)
{
	return prop;
}

static int cursor_guard_level(struct kunit *test, u64 start, u64 end)
{
	struct vmc_cursor *c = vt_cursor(test, start, end);
	int level = c->guard_level;

	vmc_cursor_destroy(c);
	return level;
}

/* OSTD #4/#5/#8: range validation, range errors before alignment. */
static void cursor_range_check(struct kunit *test)
{
	struct vmc_space *s = vt_space(test);
	struct vmc_cursor *c = vt_ctx(test)->cursor;
	u64 top = s->va_end;

	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, 0, VT_4K), 0);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, 0, VT_4K + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, 1, VT_4K + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, 0, 0), -ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, VT_4K, 0), -ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, 0xffff800000000000ULL,
						0xffff800000010000ULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, (u64)page_offset_base,
						(u64)page_offset_base + VT_4K),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, top - 2048, top + 2048),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, top, top + VT_4K), -ERANGE);
	/* The top page of the user half is never managed. */
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, top - VT_4K, top + VT_4K),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, top - VT_4K, top), 0);
	vmc_cursor_destroy(c);
	/* Non-canonical: just above the user half. */
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, s, top + VT_4K,
						top + 2 * VT_4K), -ERANGE);
}

/* OSTD #6/#7: both ends of the user range. */
static void cursor_boundary_mappings(struct kunit *test)
{
	u64 top = vt_space(test)->va_end;
	struct vmc_cursor *c = vt_cursor(test, 0, VT_4K);

	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, VT_RW), 0);
	vmc_cursor_destroy(c);
	c = vt_cursor(test, top - VT_4K, top);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA2, 1, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), top);
	vmc_cursor_destroy(c);
	VT_EXPECT_MAPPED(test, 0, PA1, VT_RW);
	VT_EXPECT_MAPPED(test, 4095, PA1 + 4095, VT_RW);
	VT_EXPECT_MAPPED(test, top - VT_4K, PA2, VT_RW);
	VT_EXPECT_MAPPED(test, top - 1, PA2 + 4095, VT_RW);
	vt_check(test);
}

/* OSTD #9: every property survives a map and a walk. */
static void cursor_map_preserves_property(struct kunit *test)
{
	unsigned int n, cache, tested = 0;
	struct vmc_cursor *c;
	struct vt_walk w;

	for (n = 0; n < (VMC_PROP_FLAGS_MASK + 1) * VMC_NR_CACHE_MODES; n++) {
		u32 prop = VMC_PROP_MAKE(n & VMC_PROP_FLAGS_MASK,
					 n / (VMC_PROP_FLAGS_MASK + 1)) |
			   VMC_PRIV_USER;
		bool ok;

		cache = VMC_PROP_CACHE(prop);
		if (!(vmc_cache_modes() & BIT(cache)))
			continue;
		c = vt_cursor(test, VT_4K, 2 * VT_4K);
		KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, prop), 0);
		vmc_cursor_destroy(c);
		ok = vt_translate(vt_space(test), VT_4K + 100, &w);
		KUNIT_EXPECT_TRUE(test, ok);
		if (ok)
			KUNIT_EXPECT_EQ(test, w.prop, prop);
		tested++;
	}
	KUNIT_EXPECT_GE(test, tested, 64u);
	vt_check(test);
}

/* OSTD #14V/#25/vmspace #3V: map over a mapped slot replaces it. */
static void cursor_map_replaces(struct kunit *test)
{
	struct vmc_frame *a = vt_frame(test, 0), *b = vt_frame(test, 0);
	struct vmc_cursor *c = vt_cursor(test, VT_4K, 2 * VT_4K);
	struct vmc_stats before = {}, after = {};

	KUNIT_EXPECT_EQ(test, vt_map_frame(c, a, 0, 1, VT_RW), 0);
	vmc_cursor_destroy(c);
	vmc_stats_read(vt_space(test), &before);
	c = vt_cursor(test, VT_4K, 3 * VT_4K);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, b, 0, 1, VT_R), 0);
	vmc_cursor_destroy(c);
	vmc_stats_read(vt_space(test), &after);
	VT_EXPECT_MAPPED(test, VT_4K + 10, vmc_frame_pa(b) + 10, VT_R);
	/* The replaced frame's reference went with the dispatched flush. */
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(a), 1ULL);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(b), 2ULL);
	KUNIT_EXPECT_EQ(test, after.out_deferred_frees - before.out_deferred_frees,
			1ULL);
	vt_check(test);
}

/* OSTD #15: a 2 MiB leaf at a 4 KiB-aligned address. */
static void cursor_unaligned_map(struct kunit *test)
{
	struct vmc_cursor *c = vt_cursor(test, VT_4K, VT_2M + VT_4K);

	KUNIT_EXPECT_EQ(test, vt_map_pa(c, 0, 2, VT_RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), VT_4K);
	vmc_cursor_destroy(c);
	c = vt_ctx(test)->cursor;
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, vt_space(test), VT_4K + 512,
						2 * VT_4K + 512), -EINVAL);
	vt_check(test);
}

/* OSTD #16: jump, then query what is there. */
static void cursor_jump(struct kunit *test)
{
	struct vmc_cursor *c;
	struct vmc_query q;

	c = vt_cursor(test, 7 * VT_4K, 8 * VT_4K);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, VT_RW), 0);
	vmc_cursor_destroy(c);
	c = vt_cursor(test, VT_1G, VT_1G + VT_4K);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA2, 1, VT_RW), 0);
	vmc_cursor_destroy(c);

	c = vt_cursor(test, 0, VT_1G + VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), 0ULL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	KUNIT_EXPECT_FALSE(test, q.mapped);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, 7 * VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), 7 * VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	KUNIT_EXPECT_TRUE(test, q.mapped);
	KUNIT_EXPECT_EQ(test, q.start, 7 * VT_4K);
	KUNIT_EXPECT_EQ(test, q.end, 8 * VT_4K);
	KUNIT_EXPECT_EQ(test, q.item.pa, PA1);
	KUNIT_EXPECT_EQ(test, q.item.prop, VT_RW);
	KUNIT_EXPECT_EQ(test, (int)q.item.level, 1);
	vmc_query_release(&q);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_1G), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	KUNIT_EXPECT_EQ(test, q.item.pa, PA2);
	vmc_cursor_destroy(c);
}

/* OSTD #17: a 2 MiB leaf mapped, queried from its middle and from the end. */
static void cursor_jump_from_end_query_huge_middle(struct kunit *test)
{
	struct vmc_cursor *c = vt_cursor(test, 0, 4 * VT_2M / 2);
	struct vmc_query q;

	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_2M), 0);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, 0, 2, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), 2 * VT_2M);
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), -ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, 0), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	KUNIT_EXPECT_FALSE(test, q.mapped);
	KUNIT_EXPECT_TRUE(test, q.start <= 0 && q.end > 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, 3 * VT_2M / 2), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	KUNIT_EXPECT_TRUE(test, q.mapped);
	KUNIT_EXPECT_EQ(test, q.start, VT_2M);
	KUNIT_EXPECT_EQ(test, q.end, 2 * VT_2M);
	KUNIT_EXPECT_EQ(test, (int)q.level, 2);
	vmc_cursor_destroy(c);
}

/* OSTD #18/#19: jumps after the cursor reached its end, also at the top. */
static void cursor_jump_from_end(struct kunit *test)
{
	u64 top = vt_space(test)->va_end;
	struct vmc_cursor *c = vt_cursor(test, VT_2M - VT_4K, VT_2M);

	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), VT_2M);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_2M - VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), VT_2M - VT_4K);
	vmc_cursor_destroy(c);

	c = vt_cursor(test, top - VT_2M, top);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA2, 1, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), top - VT_2M + VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, top - VT_2M / 2), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, top - 2 * VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), top - 2 * VT_4K);
	vmc_cursor_destroy(c);
}

/* Section 9.3: jump errors, and jumping back after reaching the end. */
static void cursor_jump_errors(struct kunit *test)
{
	struct vmc_cursor *c = vt_cursor(test, VT_2M, 2 * VT_2M);
	u64 count;

	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, 2 * VT_2M), -ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_2M - VT_4K), -ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_2M + 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), VT_2M);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_2M, &count), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), 2 * VT_2M);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_2M + VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), VT_2M + VT_4K);
	vmc_cursor_destroy(c);
}

/* OSTD #20: find_next finds the next mapping and moves there. */
static void cursor_find_next(struct kunit *test)
{
	struct vmc_cursor *c;
	u64 found = 0;

	c = vt_cursor(test, 7 * VT_4K, 8 * VT_4K);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, VT_RW), 0);
	vmc_cursor_destroy(c);
	c = vt_cursor(test, VT_1G, VT_1G + VT_4K);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA2, 1, VT_RW), 0);
	vmc_cursor_destroy(c);

	c = vt_cursor(test, 0, VT_1G + VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, 8 * VT_4K, &found), 1);
	KUNIT_EXPECT_EQ(test, found, 7 * VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), 7 * VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, 8 * VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, VT_1G - 7 * VT_4K, &found), 1);
	KUNIT_EXPECT_EQ(test, found, VT_1G);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), VT_1G);
	/* len 0 finds nothing and leaves the cursor. */
	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, 0, &found), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), VT_1G);
	vmc_cursor_destroy(c);
}

/* OSTD #21: a search past the barrier stops at the barrier end. */
static void cursor_find_next_keeps_va_at_barrier(struct kunit *test)
{
	struct vmc_cursor *c = vt_cursor(test, 2 * VT_2M, 2 * VT_2M + VT_4K);
	u64 found;

	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, VT_RW), 0);
	vmc_cursor_destroy(c);
	c = vt_cursor(test, VT_2M - VT_4K, VT_2M + VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, 2 * VT_4K, &found), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), VT_2M + VT_4K);
	vmc_cursor_destroy(c);
}

/* OSTD #22: a length past the remaining range is refused, overflow-safe. */
static void cursor_find_next_rejects_long_len(struct kunit *test)
{
	struct vmc_cursor *c = vt_cursor(test, 0, VT_1G + VT_4K);
	u64 found;

	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_1G), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, 0ULL - VT_1G, &found),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, 2 * VT_4K, &found),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, 100, &found), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), VT_1G);
	vmc_cursor_destroy(c);
}

/* Section 9.3: inside a huge leaf find_next reports the current va. */
static void cursor_find_next_inside_huge(struct kunit *test)
{
	struct vmc_cursor *c = vt_cursor(test, VT_2M, 2 * VT_2M);
	u64 found;

	KUNIT_EXPECT_EQ(test, vt_map_pa(c, 0, 2, VT_RW), 0);
	vmc_cursor_destroy(c);
	c = vt_cursor(test, VT_2M + 5 * VT_4K, VT_2M + 9 * VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, VT_4K, &found), 1);
	KUNIT_EXPECT_EQ(test, found, VT_2M + 5 * VT_4K);
	vmc_cursor_destroy(c);
	/* A leaf that starts in range but ends past it is still reported. */
	c = vt_cursor(test, 0, VT_2M + VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, VT_2M + VT_4K, &found), 1);
	KUNIT_EXPECT_EQ(test, found, VT_2M);
	vmc_cursor_destroy(c);
}

/* Section 9.3: none paths leave end <= va <= barrier end. */
static void cursor_none_paths_position(struct kunit *test)
{
	struct vmc_protect_op id = { .fn = cursor_identity };
	struct vmc_cursor *c = vt_cursor(test, 0, 4 * VT_1G);
	u64 found, count, s, e;

	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, VT_4K, &found), 0);
	KUNIT_EXPECT_GE(test, vmc_cursor_virt_addr(c), VT_4K);
	KUNIT_EXPECT_LE(test, vmc_cursor_virt_addr(c), 4 * VT_1G);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_1G), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 0ULL);
	KUNIT_EXPECT_GE(test, vmc_cursor_virt_addr(c), VT_1G + VT_4K);
	KUNIT_EXPECT_LE(test, vmc_cursor_virt_addr(c), 4 * VT_1G);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, 2 * VT_1G), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_protect_next(c, VT_2M, &id, &s, &e), 0);
	KUNIT_EXPECT_GE(test, vmc_cursor_virt_addr(c), 2 * VT_1G + VT_2M);
	KUNIT_EXPECT_LE(test, vmc_cursor_virt_addr(c), 4 * VT_1G);
	vmc_cursor_destroy(c);
}

/* OSTD #23/#24: unmap one leaf; unmap a range taking a whole subtree. */
static void cursor_unmap_leaf_and_subtree(struct kunit *test)
{
	struct vmc_cursor *c = vt_cursor(test, VT_4K, 2 * VT_4K);
	u64 count = 0, tables;

	KUNIT_EXPECT_EQ(test, vt_map_pa(c, 100 * VT_4K, 1, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 1ULL);
	vmc_cursor_destroy(c);
	VT_EXPECT_UNMAPPED(test, VT_4K);

	c = vt_cursor(test, 513 * VT_4K, 514 * VT_4K);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, 100 * VT_4K, 1, VT_RW), 0);
	vmc_cursor_destroy(c);
	tables = vt_table_pages(test);
	c = vt_cursor(test, 0, VT_1G);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_1G, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 1ULL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), VT_1G);
	vmc_cursor_destroy(c);
	/* Both level-1 nodes and the level-2 node under the 1 GiB entry. */
	KUNIT_EXPECT_EQ(test, vt_table_pages(test), tables - 3);
	VT_EXPECT_UNMAPPED(test, 513 * VT_4K);
	vt_check(test);
}

/* OSTD #26, scaled: 4 KiB leaves (offsets not 2 MiB-congruent). */
static void cursor_mixed_granularity_map_unmap(struct kunit *test)
{
	const u64 first = 13245, npages = 2 * 512 + 300, shift = 11010;
	u64 va = first * VT_4K, pa = (first - shift) * VT_4K, i, count = 0;
	u64 hole = (first + 211) * VT_4K;
	struct vmc_cursor *c;
	struct vt_walk w;

	vt_map_range(test, va, pa, npages * VT_4K, VT_RW);
	for (i = 0; i < npages; i += 13)
		VT_EXPECT_MAPPED(test, va + i * VT_4K + 7, pa + i * VT_4K + 7,
				 VT_RW);
	KUNIT_EXPECT_TRUE(test, vt_translate(vt_space(test), va, &w) &&
			  w.level == 1);
	c = vt_cursor(test, hole, hole + VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &count), 0);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, count, 1ULL);
	VT_EXPECT_UNMAPPED(test, hole);
	VT_EXPECT_UNMAPPED(test, hole + VT_4K - 1);
	VT_EXPECT_MAPPED(test, hole - 1, pa + (hole - va) - 1, VT_RW);
	VT_EXPECT_MAPPED(test, hole + VT_4K, pa + (hole - va) + VT_4K, VT_RW);
	vt_check(test);
}

static void cursor_protect_range(struct kunit *test, u64 start, u64 end,
				 const struct vmc_protect_op *op)
{
	struct vmc_cursor *c = vt_cursor(test, start, end);
	u64 s, e;
	int ret, n = 0;

	while ((ret = vmc_cursor_protect_next(c, end - vmc_cursor_virt_addr(c),
					      op, &s, &e)) > 0 && n++ < 4096) {
		KUNIT_EXPECT_GE(test, s, start);
		KUNIT_EXPECT_LE(test, e, end);
		vmc_flusher_issue_range(vmc_cursor_flusher(c), s, e);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	vmc_cursor_destroy(c);
}

/* OSTD #27: 2 MiB leaves, then a protect splitting the first of them. */
static void cursor_mixed_granularity_protect_query(struct kunit *test)
{
	const u64 first = 261632, last = 524802;
	u64 va = first * VT_4K, pa = va - VT_2M, len = (last - first) * VT_4K;
	struct vmc_protect_op op = { .fn = cursor_clear_w };
	u64 p = va + 18 * VT_4K;
	struct vt_walk w;
	u64 off, huge = 0;

	vt_map_range(test, va, pa, len, VT_RW);
	for (off = 0; off < len; off += vmc_page_size(w.level)) {
		if (!vt_translate(vt_space(test), va + off, &w))
			break;
		huge += w.level == 2;
	}
	KUNIT_EXPECT_EQ(test, off, len);
	KUNIT_EXPECT_EQ(test, huge, 514ULL);
	cursor_protect_range(test, p, p + 2 * VT_4K, &op);
	VT_EXPECT_MAPPED(test, p - VT_4K, pa + 17 * VT_4K, VT_RW);
	VT_EXPECT_MAPPED(test, p, pa + 18 * VT_4K, VT_R);
	VT_EXPECT_MAPPED(test, p + VT_4K, pa + 19 * VT_4K, VT_R);
	VT_EXPECT_MAPPED(test, p + 2 * VT_4K, pa + 20 * VT_4K, VT_RW);
	KUNIT_EXPECT_TRUE(test, vt_translate(vt_space(test), p, &w) &&
			  w.level == 1);
	KUNIT_EXPECT_TRUE(test, vt_translate(vt_space(test), va + VT_2M, &w) &&
			  w.level == 2);
	vt_check(test);
}

/* OSTD #28: 4 KiB leaves, protect pages 18 and 19. */
static void cursor_base_protect_query(struct kunit *test)
{
	struct vmc_protect_op op = { .fn = cursor_clear_w };
	u64 i;

	vt_map_range(test, VT_4K, 0, 999 * VT_4K, VT_RW);
	cursor_protect_range(test, 18 * VT_4K, 20 * VT_4K, &op);
	for (i = 1; i < 1000; i++)
		VT_EXPECT_MAPPED(test, i * VT_4K, (i - 1) * VT_4K,
				 i == 18 || i == 19 ? VT_R : VT_RW);
	vt_check(test);
}

/* OSTD #29/#30 and vmspace #10. */
static void cursor_protect_next_basics(struct kunit *test)
{
	struct vmc_protect_op op = { .fn = cursor_clear_w };
	struct vmc_cursor *c = vt_cursor(test, VT_4K, 2 * VT_4K);
	u64 s = 0, e = 0;

	KUNIT_EXPECT_EQ(test, vmc_cursor_protect_next(c, VT_4K, &op, &s, &e), 0);
	vmc_cursor_destroy(c);
	c = vt_cursor(test, VT_4K, 2 * VT_4K);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, 2 * VT_4K, 1, VT_RW), 0);
	vmc_cursor_destroy(c);
	c = vt_cursor(test, VT_4K, 3 * VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_protect_next(c, 2 * VT_4K, &op, &s, &e), 1);
	KUNIT_EXPECT_EQ(test, s, VT_4K);
	KUNIT_EXPECT_EQ(test, e, 2 * VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), 2 * VT_4K);
	vmc_cursor_destroy(c);
	VT_EXPECT_MAPPED(test, VT_4K, 2 * VT_4K, VT_R);
}

/* Section 9.3: a partially covered huge leaf; the identity op. */
static void cursor_protect_splits_huge(struct kunit *test)
{
	struct vmc_protect_op op = { .fn = cursor_clear_w };
	struct vmc_protect_op id = { .fn = cursor_identity };
	struct vmc_cursor *c = vt_cursor(test, VT_2M, 2 * VT_2M);
	u64 s = 0, e = 0, h1, h2;

	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 2, VT_RW), 0);
	vmc_cursor_destroy(c);
	c = vt_cursor(test, VT_2M + 3 * VT_4K, VT_2M + 9 * VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_protect_next(c, 6 * VT_4K, &op, &s, &e), 1);
	KUNIT_EXPECT_EQ(test, s, VT_2M + 3 * VT_4K);
	KUNIT_EXPECT_EQ(test, e, VT_2M + 4 * VT_4K);
	vmc_cursor_destroy(c);
	VT_EXPECT_MAPPED(test, VT_2M + 2 * VT_4K, PA1 + 2 * VT_4K, VT_RW);
	VT_EXPECT_MAPPED(test, VT_2M + 3 * VT_4K, PA1 + 3 * VT_4K, VT_R);
	VT_EXPECT_MAPPED(test, VT_2M + 4 * VT_4K, PA1 + 4 * VT_4K, VT_RW);

	h1 = vt_fingerprint(test);
	c = vt_cursor(test, VT_2M, 2 * VT_2M);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_2M + 4 * VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_protect_next(c, VT_4K, &id, &s, &e), 1);
	KUNIT_EXPECT_EQ(test, s, VT_2M + 4 * VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), VT_2M + 5 * VT_4K);
	vmc_cursor_destroy(c);
	h2 = vt_fingerprint(test);
	KUNIT_EXPECT_EQ(test, h1, h2);
	vt_check(test);
}

/* Vmspace #1/#2/#4/#6: creation, map/unmap, unmap twice, flush all. */
static void cursor_vmspace_basics(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 0);
	struct vmc_cursor *c = vt_cursor(test, 0, VT_4K);
	struct vmc_query q;
	u64 count;

	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	KUNIT_EXPECT_FALSE(test, q.mapped);
	/* The root's absent entry, clipped to the range: one 4 KiB block. */
	KUNIT_EXPECT_EQ(test, q.start, 0ULL);
	KUNIT_EXPECT_EQ(test, q.end, VT_4K);
	KUNIT_EXPECT_EQ(test, (int)q.level, 1);
	vmc_cursor_destroy(c);

	c = vt_cursor(test, VT_4K, 2 * VT_4K);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, f, 0, 1, VT_R), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	KUNIT_EXPECT_TRUE(test, q.mapped);
	KUNIT_EXPECT_PTR_EQ(test, q.item.frame, f);
	KUNIT_EXPECT_EQ(test, q.item.prop, VT_R);
	vmc_query_release(&q);
	vmc_flusher_issue_all(vmc_cursor_flusher(c));
	vmc_flusher_dispatch(vmc_cursor_flusher(c));
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	KUNIT_EXPECT_TRUE(test, q.mapped);
	vmc_query_release(&q);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 1ULL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 0ULL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	KUNIT_EXPECT_FALSE(test, q.mapped);
	vmc_cursor_destroy(c);
	vt_check(test);
}

/* Vmspace #8/#11/#12 and the query/map range rules of section 9.3. */
static void cursor_argument_errors(struct kunit *test)
{
	struct vmc_protect_op op = { .fn = cursor_clear_w };
	struct vmc_cursor *c = vt_ctx(test)->cursor;
	u64 s, e, count;

	c = vt_cursor(test, 0x5000, 0x6000);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, vmc_cursor_create(c, vt_space(test), 0x5800,
						0x6800), -EINVAL);
	c = vt_cursor(test, 0xA000, 0xB000);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, 0x800, &count), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmc_cursor_protect_next(c, 0x2000, &op, &s, &e),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), 0xB000ULL);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, VT_RW), -ERANGE);
	vmc_cursor_destroy(c);
}

/* Section 9.3: map exactly at the end of the range; one past fails. */
static void cursor_map_at_range_end(struct kunit *test)
{
	struct vmc_cursor *c = vt_cursor(test, 0, 3 * VT_2M);

	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, 2 * VT_2M), 0);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, 0, 2, VT_RW), 0);
	vmc_cursor_destroy(c);
	c = vt_cursor(test, 0, 3 * VT_2M - VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, 2 * VT_2M), 0);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, 0, 2, VT_RW), -ERANGE);
	vmc_cursor_destroy(c);
}

/*
 * The guard is the lowest existing node that covers the range: on an empty
 * tree the root (creation creates nothing), and once the nodes exist the
 * level OSTD's protocol gives, raised by decision (f): a cursor over
 * exactly one aligned 2 MiB or 1 GiB block can map a leaf of that size.
 */
static void cursor_guard_levels(struct kunit *test)
{
	static const u64 at[] = { 0, VT_4K, VT_2M, VT_2M - VT_4K, VT_1G,
				  VT_1G + VT_2M };
	struct vmc_cursor *c;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, cursor_guard_level(test, VT_4K, 2 * VT_4K),
			vmc_fmt.nr_levels);
	/* Create every node the ranges below go through. */
	c = vt_cursor(test, 0, 2 * VT_1G);
	for (i = 0; i < ARRAY_SIZE(at); i++) {
		KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, at[i]), 0);
		KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, VT_RW), 0);
	}
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, cursor_guard_level(test, VT_4K, 2 * VT_4K), 1);
	KUNIT_EXPECT_EQ(test, cursor_guard_level(test, 0, 2 * VT_2M), 2);
	KUNIT_EXPECT_EQ(test, cursor_guard_level(test, VT_2M, 2 * VT_2M), 2);
	KUNIT_EXPECT_EQ(test, cursor_guard_level(test, VT_2M - VT_4K,
						 VT_2M + VT_4K), 2);
	KUNIT_EXPECT_EQ(test, cursor_guard_level(test, VT_1G, VT_1G + VT_2M), 2);
	KUNIT_EXPECT_EQ(test, cursor_guard_level(test, 0, VT_1G), 3);
	KUNIT_EXPECT_EQ(test, cursor_guard_level(test, 0, VT_1G + VT_4K), 3);
	KUNIT_EXPECT_EQ(test, cursor_guard_level(test, 0, vt_space(test)->va_end),
			vmc_fmt.nr_levels);
}

static void cursor_map_exact_block(struct kunit *test)
{
	struct vmc_cursor *c = vt_cursor(test, VT_2M, 2 * VT_2M);
	u64 top1g = vt_max_user_1g(test);

	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 2, VT_RW), 0);
	vmc_cursor_destroy(c);
	VT_EXPECT_MAPPED(test, VT_2M + 12345, PA1 + 12345, VT_RW);
	if (!vmc_level_supported(3)) {
		kunit_skip(test, "CPU without 1 GiB pages (pdpe1gb)");
		return;
	}
	c = vt_cursor(test, VT_1G, 2 * VT_1G);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA2, 3, VT_RW), 0);
	vmc_cursor_destroy(c);
	/* The highest 1 GiB block of the user range, 4- or 5-level. */
	c = vt_cursor(test, top1g, top1g + VT_1G);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 3, VT_R), 0);
	vmc_cursor_destroy(c);
	VT_EXPECT_MAPPED(test, VT_1G + VT_2M + 5, PA2 + VT_2M + 5, VT_RW);
	VT_EXPECT_MAPPED(test, top1g + VT_1G - 1, PA1 + VT_1G - 1, VT_R);
	vt_check(test);
}

/* Section 9.3 + decision (e): unmap splitting a tracked 2 MiB leaf at both
 * ends and an untracked 1 GiB leaf, with counts and positions.
 */
static void cursor_unmap_splits_both_edges(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 9);
	struct vmc_cursor *c = vt_cursor(test, 4 * VT_2M, 5 * VT_2M);
	u64 count = 0, ref_split, base = 4 * VT_2M;

	KUNIT_EXPECT_EQ(test, vt_map_frame(c, f, 0, 2, VT_RW), 0);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 2ULL);
	c = vt_cursor(test, base + 10 * VT_4K, base + 20 * VT_4K);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, 10 * VT_4K, &count), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_virt_addr(c), base + 20 * VT_4K);
	ref_split = vmc_frame_refcount(f);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, count, 10ULL);
	KUNIT_EXPECT_EQ(test, ref_split, 1ULL + 512 - 10);
	VT_EXPECT_MAPPED(test, base + 9 * VT_4K, vmc_frame_pa(f) + 9 * VT_4K, VT_RW);
	VT_EXPECT_UNMAPPED(test, base + 10 * VT_4K);
	VT_EXPECT_UNMAPPED(test, base + 20 * VT_4K - 1);
	VT_EXPECT_MAPPED(test, base + 20 * VT_4K, vmc_frame_pa(f) + 20 * VT_4K,
			 VT_RW);
	vt_check(test);

	if (!vmc_level_supported(3)) {
		kunit_skip(test, "CPU without 1 GiB pages (pdpe1gb)");
		return;
	}
	c = vt_cursor(test, 2 * VT_1G, 3 * VT_1G);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA2, 3, VT_RW), 0);
	vmc_cursor_destroy(c);
	c = vt_cursor(test, 2 * VT_1G + VT_2M + VT_4K, 2 * VT_1G + 3 * VT_2M);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, 2 * VT_2M - VT_4K, &count), 0);
	vmc_cursor_destroy(c);
	/* 511 4 KiB pieces and one 2 MiB piece. */
	KUNIT_EXPECT_EQ(test, count, 512ULL);
	VT_EXPECT_MAPPED(test, 2 * VT_1G + VT_2M, PA2 + VT_2M, VT_RW);
	VT_EXPECT_UNMAPPED(test, 2 * VT_1G + VT_2M + VT_4K);
	VT_EXPECT_MAPPED(test, 2 * VT_1G + 3 * VT_2M, PA2 + 3 * VT_2M, VT_RW);
	vt_check(test);
}

/* Section 9.3: unmap removes empty table nodes (count 0, after a flush). */
static void cursor_unmap_empty_nodes(struct kunit *test)
{
	struct vmc_cursor *c = vt_cursor(test, VT_4K, 2 * VT_4K);
	struct vmc_stats before = {}, after = {};
	u64 count = 1, tables;

	/* Unmapping a 4 KiB leaf leaves its level-1 node, empty. */
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 1ULL);
	vmc_cursor_destroy(c);
	tables = vt_table_pages(test);
	vmc_stats_read(vt_space(test), &before);
	c = vt_cursor(test, 0, VT_2M);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_2M, &count), 0);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, count, 0ULL);
	KUNIT_EXPECT_EQ(test, vt_table_pages(test), tables - 1);
	vmc_stats_read(vt_space(test), &after);
	KUNIT_EXPECT_EQ(test, after.out_deferred_frees - before.out_deferred_frees,
			1ULL);
	vt_check(test);
}

/*
 * Section 9.3 says OSTD's cursor creation allocates nodes, read-only use
 * included. Here only writes do: creation, query, find_next and jump
 * leave the tree as they found it; a map creates exactly its path.
 */
static void cursor_read_only_leaves_tree(struct kunit *test)
{
	u64 before = vt_table_pages(test), hash = vt_fingerprint(test), found;
	struct vmc_cursor *c = vt_cursor(test, VT_1G + VT_4K, VT_1G + 2 * VT_4K);
	struct vmc_query q;

	KUNIT_EXPECT_EQ(test, vmc_cursor_query(c, &q), 0);
	KUNIT_EXPECT_FALSE(test, q.mapped);
	KUNIT_EXPECT_EQ(test, vmc_cursor_find_next(c, VT_4K, &found), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_1G + VT_4K), 0);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, vt_table_pages(test), before);
	KUNIT_EXPECT_EQ(test, vt_fingerprint(test), hash);
	c = vt_cursor(test, VT_1G + VT_4K, VT_1G + 2 * VT_4K);
	KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, VT_RW), 0);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, vt_table_pages(test), before + vmc_fmt.nr_levels - 1);
	vt_check(test);
}

/* Section 9.3: replacing a huge leaf, an empty node and a subtree. */
static void cursor_map_replaces_every_kind(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 0), *g = vt_frame(test, 9);
	struct vmc_cursor *c;
	u64 tables, count;

	/* A 2 MiB leaf replaced by a 4 KiB leaf inside it: split first. */
	c = vt_cursor(test, VT_2M, 2 * VT_2M);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, g, 0, 2, VT_RW), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, VT_2M + VT_4K), 0);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, f, 0, 1, VT_R), 0);
	vmc_cursor_destroy(c);
	VT_EXPECT_MAPPED(test, VT_2M, vmc_frame_pa(g), VT_RW);
	VT_EXPECT_MAPPED(test, VT_2M + VT_4K, vmc_frame_pa(f), VT_R);
	VT_EXPECT_MAPPED(test, VT_2M + 2 * VT_4K, vmc_frame_pa(g) + 2 * VT_4K,
			 VT_RW);
	vt_check(test);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(g), 1ULL + 511);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 2ULL);

	/* The populated subtree replaced by one 2 MiB leaf. */
	tables = vt_table_pages(test);
	c = vt_cursor(test, VT_2M, 2 * VT_2M);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, g, 0, 2, VT_R), 0);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, vt_table_pages(test), tables - 1);
	vt_check(test);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(g), 2ULL);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 1ULL);

	/* An empty node (left by an unmap) replaced by a 2 MiB leaf. */
	c = vt_cursor(test, 3 * VT_2M, 3 * VT_2M + VT_4K);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, f, 0, 1, VT_R), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, 3 * VT_2M), 0);
	KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &count), 0);
	vmc_cursor_destroy(c);
	tables = vt_table_pages(test);
	c = vt_cursor(test, 3 * VT_2M, 4 * VT_2M);
	KUNIT_EXPECT_EQ(test, vt_map_frame(c, g, 0, 2, VT_R), 0);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, vt_table_pages(test), tables - 1);
	VT_EXPECT_MAPPED(test, 3 * VT_2M + 5, vmc_frame_pa(g) + 5, VT_R);
	vt_check(test);
}

/*
 * Which tables unmap removes depends on the range alone, not on where the
 * cursor happened to stand: after "map 4 KiB at 0, jump 0", unmapping the
 * 2 MiB block removes its level-1 table just as a fresh cursor does.
 */
static void cursor_unmap_outcome_by_range(struct kunit *test)
{
	struct vmc_cursor *c;
	u64 count, fresh = 0, walked = 0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		u64 base = pass * VT_1G;

		c = vt_cursor(test, base, base + VT_2M);
		KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA1, 1, VT_RW), 0);
		if (pass) {
			/* The cursor now stands in the level-1 table. */
			KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, base), 0);
			KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_2M, &count), 0);
			vmc_cursor_destroy(c);
		} else {
			vmc_cursor_destroy(c);
			c = vt_cursor(test, base, base + VT_2M);
			KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_2M, &count), 0);
			vmc_cursor_destroy(c);
		}
		KUNIT_EXPECT_EQ(test, count, 1ULL);
		if (pass)
			walked = vt_table_pages(test);
		else
			fresh = vt_table_pages(test);
	}
	/* The second pass added one level-2 table, nothing else stayed. */
	KUNIT_EXPECT_EQ(test, walked, fresh + 1);
}

/*
 * Nodes a cursor reserved and did not use go to the space's spare list
 * when it is destroyed, at most 2 * VMC_MAX_LEVELS of them (VMC_MAX_SPARE
 * in cursor.c); the rest are freed. An unmap of 4 KiB inside a 1 GiB leaf
 * reserves for splits at both edges (four nodes) and uses two; six such
 * cursors alive at once in one thread leave twelve, two too many.
 */
#define CURSOR_SPARE_MAX	(2 * VMC_MAX_LEVELS)
#define CURSOR_SPARE_CURSORS	6

static void cursor_spare_nodes_capped(struct kunit *test)
{
	struct vmc_space *space = vt_space(test);
	struct vmc_cursor *cs, *c;
	u64 base, count, before;
	int i, alive;

	if (!vmc_level_supported(3)) {
		kunit_skip(test, "CPU without 1 GiB pages (pdpe1gb)");
		return;
	}
	cs = kunit_kcalloc(test, CURSOR_SPARE_CURSORS, sizeof(*cs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cs);
	for (i = 0; i < CURSOR_SPARE_CURSORS; i++) {
		c = vt_cursor(test, (8 + i) * VT_1G, (9 + i) * VT_1G);
		KUNIT_EXPECT_EQ(test, vt_map_pa(c, PA2, 3, VT_RW), 0);
		vmc_cursor_destroy(c);
	}
	vmc_test_drop_spare(space);
	before = atomic_long_read(&space->table_pages);
	for (alive = 0; alive < CURSOR_SPARE_CURSORS; alive++) {
		c = &cs[alive];
		base = (8 + alive) * VT_1G;
		if (vmc_cursor_create(c, space, base, base + VT_1G)) {
			KUNIT_FAIL(test, "no cursor over [%#llx, +1G)", base);
			break;
		}
		KUNIT_EXPECT_EQ(test, vmc_cursor_jump(c, base + VT_2M + VT_4K), 0);
		KUNIT_EXPECT_EQ(test, vmc_cursor_unmap(c, VT_4K, &count), 0);
		KUNIT_EXPECT_EQ(test, count, 1ULL);
	}
	KUNIT_EXPECT_EQ(test, atomic_long_read(&space->table_pages),
			before + 4 * alive);
	for (i = 0; i < alive; i++)
		vmc_cursor_destroy(&cs[i]);
	KUNIT_EXPECT_EQ(test, READ_ONCE(space->nr_spare), CURSOR_SPARE_MAX);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&space->table_pages),
			before + 2 * CURSOR_SPARE_CURSORS + CURSOR_SPARE_MAX);
	vt_check(test);
}

/* Section 9.3: a cursor dropped with undispatched flushes releases them. */
static void cursor_destroy_dispatches(struct kunit *test)
{
	struct vmc_frame *f = vt_frame(test, 0);
	struct vmc_cursor *c = vt_cursor(test, 0, VT_4K);
	u64 held;

	KUNIT_ASSERT_EQ(test, vmc_frame_get(f, 1), 0);
	vmc_flusher_issue_page(vmc_cursor_flusher(c), 0, f);
	held = vmc_frame_refcount(f);
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, held, 2ULL);
	KUNIT_EXPECT_EQ(test, vmc_frame_refcount(f), 1ULL);
}

static struct kunit_case cursor_cases[] = {
	KUNIT_CASE(cursor_range_check),
	KUNIT_CASE(cursor_boundary_mappings),
	KUNIT_CASE(cursor_map_preserves_property),
	KUNIT_CASE(cursor_map_replaces),
	KUNIT_CASE(cursor_unaligned_map),
	KUNIT_CASE(cursor_jump),
	KUNIT_CASE(cursor_jump_from_end_query_huge_middle),
	KUNIT_CASE(cursor_jump_from_end),
	KUNIT_CASE(cursor_jump_errors),
	KUNIT_CASE(cursor_find_next),
	KUNIT_CASE(cursor_find_next_keeps_va_at_barrier),
	KUNIT_CASE(cursor_find_next_rejects_long_len),
	KUNIT_CASE(cursor_find_next_inside_huge),
	KUNIT_CASE(cursor_none_paths_position),
	KUNIT_CASE(cursor_unmap_leaf_and_subtree),
	KUNIT_CASE(cursor_mixed_granularity_map_unmap),
	KUNIT_CASE(cursor_mixed_granularity_protect_query),
	KUNIT_CASE(cursor_base_protect_query),
	KUNIT_CASE(cursor_protect_next_basics),
	KUNIT_CASE(cursor_protect_splits_huge),
	KUNIT_CASE(cursor_vmspace_basics),
	KUNIT_CASE(cursor_argument_errors),
	KUNIT_CASE(cursor_map_at_range_end),
	KUNIT_CASE(cursor_guard_levels),
	KUNIT_CASE(cursor_map_exact_block),
	KUNIT_CASE(cursor_unmap_splits_both_edges),
	KUNIT_CASE(cursor_unmap_empty_nodes),
	KUNIT_CASE(cursor_read_only_leaves_tree),
	KUNIT_CASE(cursor_map_replaces_every_kind),
	KUNIT_CASE(cursor_spare_nodes_capped),
	KUNIT_CASE(cursor_destroy_dispatches),
	KUNIT_CASE(cursor_unmap_outcome_by_range),
	{}
};

static struct kunit_suite cursor_suite = {
	.name = "vmcursor_cursor",
	.suite_init = vt_suite_init,
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = cursor_cases,
};

kunit_test_suite(cursor_suite);
