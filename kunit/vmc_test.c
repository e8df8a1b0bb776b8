// SPDX-License-Identifier: GPL-2.0
/*
 * Shared helpers for the vmcursor KUnit suites: a fresh space per test,
 * frames the test holds, a software walk of the real tree, a fingerprint
 * of the tree for "nothing changed" checks, and the invariant checker.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "vmc_test.h"

static DEFINE_MUTEX(vt_engine_mutex);
static bool vt_engine_ready;

/**
 * vt_suite_init() - suite .suite_init: set the module's engine up once
 * @suite: the suite
 *
 * The module compiles the engine in (kunit/engine/), and in 6.1 a
 * module's suites run before its init function, so the first suite sets
 * the engine up and module exit tears it down.
 *
 * Context: test kthread.
 * Return: 0 or a negative errno.
 */
int vt_suite_init(struct kunit_suite *suite)
{
	int err = 0;

	mutex_lock(&vt_engine_mutex);
	if (!vt_engine_ready) {
		err = vmc_engine_init();
		vt_engine_ready = !err;
	}
	mutex_unlock(&vt_engine_mutex);
	return err;
}

/**
 * vt_init() - suite .init: a fresh space and leak baselines
 * @test: the test
 *
 * Skips the case first if its suite is not selected (vt_select()).
 * Context: test kthread.
 * Return: 0 or a negative errno.
 */
int vt_init(struct kunit *test)
{
	struct vt_ctx *ctx;
	struct vmc_stats st = {};
	int err = vt_select(test);

	if (err)
		return err;
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->cursor = kunit_kzalloc(test, sizeof(*ctx->cursor), GFP_KERNEL);
	if (!ctx->cursor)
		return -ENOMEM;
	vmc_stats_read(NULL, &st);
	ctx->frames_before = st.out_frames;
	ctx->tables_before = st.out_table_pages;
	ctx->space = vmc_space_create(0, 0);
	if (IS_ERR(ctx->space))
		return PTR_ERR(ctx->space);
	xa_init(&ctx->held);
	test->priv = ctx;
	return 0;
}

/**
 * vt_exit() - suite .exit: tear down and check that nothing leaked
 * @test: the test
 *
 * Context: test kthread; no cursor alive.
 */
void vt_exit(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vmc_stats st = {};
	struct vmc_frame *frame;
	unsigned long i;

	if (!ctx || !ctx->space)
		return;
	vmc_space_drain(ctx->space);
	xa_for_each(&ctx->held, i, frame)
		vmc_frame_put(frame, 1);
	xa_destroy(&ctx->held);
	vmc_space_destroy(ctx->space);
	vmc_flush_deferred();
	vmc_stats_read(NULL, &st);
	KUNIT_EXPECT_EQ_MSG(test, st.out_frames, ctx->frames_before,
			    "frames leaked");
	KUNIT_EXPECT_EQ_MSG(test, st.out_table_pages, ctx->tables_before,
			    "table pages leaked");
}

/**
 * vt_frame() - allocate a frame the test holds one reference on
 * @test: the test
 * @order: 0 or 9
 *
 * Context: test kthread, no cursor alive.
 * Return: the frame (the test aborts on failure).
 */
struct vmc_frame *vt_frame(struct kunit *test, unsigned int order)
{
	struct vmc_frame *frame = vmc_frame_alloc(order, GFP_KERNEL);

	KUNIT_ASSERT_FALSE(test, IS_ERR(frame));
	KUNIT_ASSERT_EQ(test, xa_err(xa_store(&vt_ctx(test)->held,
					      page_to_pfn(frame->page), frame,
					      GFP_KERNEL)), 0);
	return frame;
}

/**
 * vt_frame_cache() - vt_frame() with a memory type
 * @test: the test
 * @order: 0 or 9
 * @cache: VMC_CACHE_*; WB when the CPU does not offer it for frames
 *
 * Context: test kthread, no cursor alive; sleeps (non-WB frames change
 * the kernel's own mapping of their pages).
 * Return: the frame (the test aborts on failure).
 */
struct vmc_frame *vt_frame_cache(struct kunit *test, unsigned int order,
				 u8 cache)
{
	struct vmc_frame_req req = {
		.order = order,
		.cache = vmc_frame_cache_modes() & BIT(cache) ? cache :
			 VMC_CACHE_WB,
		.gfp = GFP_KERNEL,
	};
	struct vmc_frame *frame = vmc_frame_create(NULL, &req);

	KUNIT_ASSERT_FALSE(test, IS_ERR(frame));
	KUNIT_ASSERT_EQ(test, xa_err(xa_store(&vt_ctx(test)->held,
					      page_to_pfn(frame->page), frame,
					      GFP_KERNEL)), 0);
	return frame;
}

/**
 * vt_drop() - drop the test's reference on a frame from vt_frame()
 * @test: the test
 * @frame: the frame
 *
 * Context: any.
 */
void vt_drop(struct kunit *test, struct vmc_frame *frame)
{
	xa_erase(&vt_ctx(test)->held, page_to_pfn(frame->page));
	vmc_frame_put(frame, 1);
}

/**
 * vt_cursor() - create the test's scratch cursor over [@start, @end)
 * @test: the test
 * @start: range start
 * @end: range end
 *
 * Context: test kthread; no other cursor of the test alive.
 * Return: the cursor (the test aborts on failure).
 */
struct vmc_cursor *vt_cursor(struct kunit *test, u64 start, u64 end)
{
	struct vmc_cursor *c = vt_ctx(test)->cursor;

	KUNIT_ASSERT_EQ(test, vmc_cursor_create(c, vt_space(test), start, end), 0);
	return c;
}

/**
 * vt_map_frame() - map a piece of a tracked frame at the cursor
 * @c: the cursor
 * @frame: the frame
 * @offset: byte offset of the piece
 * @level: leaf level
 * @prop: property
 *
 * Context: while the cursor lives.
 * Return: as vmc_cursor_map().
 */
int vt_map_frame(struct vmc_cursor *c, struct vmc_frame *frame, u64 offset,
		 int level, u32 prop)
{
	struct vmc_item item = {
		.frame = frame,
		.pa = vmc_frame_pa(frame) + offset,
		.level = level,
		.prop = prop,
	};

	return vmc_cursor_map(c, &item);
}

/**
 * vt_map_pa() - map an untracked physical range at the cursor
 * @c: the cursor
 * @pa: physical address
 * @level: leaf level
 * @prop: property
 *
 * Context: while the cursor lives.
 * Return: as vmc_cursor_map().
 */
int vt_map_pa(struct vmc_cursor *c, u64 pa, int level, u32 prop)
{
	struct vmc_item item = { .pa = pa, .level = level, .prop = prop };

	return vmc_cursor_map(c, &item);
}

/**
 * vt_map_range() - OSTD's map_untracked: map [@va, @va + @len) to @pa
 *	with the largest leaves that alignment allows
 * @test: the test
 * @va: start, 4 KiB aligned
 * @pa: physical start, 4 KiB aligned
 * @len: length, 4 KiB aligned
 * @prop: property
 *
 * Context: test kthread; no cursor alive.
 */
void vt_map_range(struct kunit *test, u64 va, u64 pa, u64 len, u32 prop)
{
	struct vmc_cursor *c = vt_cursor(test, va, va + len);
	u64 off = 0;
	int err = 0;

	while (off < len && !err) {
		int level = VMC_MAX_LEAF_LEVEL;

		while (level > 1 && (!vmc_level_supported(level) ||
				     vmc_page_size(level) > len - off ||
				     (va + off) % vmc_page_size(level) ||
				     (pa + off) % vmc_page_size(level)))
			level--;
		err = vt_map_pa(c, pa + off, level, prop);
		off += vmc_page_size(level);
	}
	vmc_cursor_destroy(c);
	KUNIT_EXPECT_EQ(test, err, 0);
}

/**
 * vt_translate() - walk the real tree for @va
 * @space: the space
 * @va: address
 * @w: the translation
 *
 * Context: no other thread modifies the space.
 * Return: true if a leaf maps @va.
 */
bool vt_translate(struct vmc_space *space, u64 va, struct vt_walk *w)
{
	struct vmc_node *node = space->root;
	int level = space->nr_levels;
	struct vmc_pte_info info;

	for (;;) {
		u64 pte = vmc_pte_read(&node->ptes[vmc_pte_index(va, level)]);

		switch (vmc_pte_decode(pte, level, &info)) {
		case VMC_PTE_TABLE:
			node = vmc_node_from_pa(info.pa);
			level--;
			break;
		case VMC_PTE_LEAF:
			w->pa = info.pa + (va & (vmc_page_size(level) - 1));
			w->prop = info.prop;
			w->level = level;
			w->tracked = info.tracked;
			return true;
		default:
			return false;
		}
	}
}

/**
 * vt_expect_mapped() - expect @va to translate to @pa with @prop
 * @test: the test
 * @va: address
 * @pa: expected physical address
 * @prop: expected property, A and D ignored
 * @file: caller, for the failure message
 * @line: caller, for the failure message
 *
 * Context: no other thread modifies the space.
 */
void vt_expect_mapped(struct kunit *test, u64 va, u64 pa, u32 prop,
		      const char *file, int line)
{
	struct vt_walk w;

	if (!vt_translate(vt_space(test), va, &w)) {
		KUNIT_FAIL(test, "%s:%d: va %#llx unmapped", file, line, va);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, w.pa, pa, "%s:%d: va %#llx", file, line, va);
	KUNIT_EXPECT_EQ_MSG(test, w.prop & ~(VMC_PROP_A | VMC_PROP_D), prop,
			    "%s:%d: va %#llx", file, line, va);
}

/**
 * vt_expect_unmapped() - expect no translation for @va
 * @test: the test
 * @va: address
 * @file: caller, for the failure message
 * @line: caller, for the failure message
 *
 * Context: no other thread modifies the space.
 */
void vt_expect_unmapped(struct kunit *test, u64 va, const char *file,
			int line)
{
	struct vt_walk w;

	if (vt_translate(vt_space(test), va, &w))
		KUNIT_FAIL(test, "%s:%d: va %#llx mapped to %#llx", file, line,
			   va, w.pa);
}

static u64 vt_fnv(u64 h, u64 v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8) {
		h ^= v & 0xff;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static u64 vt_hash_node(struct vmc_node *node, u64 h, unsigned int n)
{
	struct vmc_pte_info info;
	unsigned int i;

	h = vt_fnv(h, node->level);
	h = vt_fnv(h, atomic_read(&node->nr_children));
	h = vt_fnv(h, node->stray);
	for (i = 0; i < n; i++) {
		u64 pte = vmc_pte_read(&node->ptes[i]);

		h = vt_fnv(h, pte);
		if (vmc_pte_decode(pte, node->level, &info) == VMC_PTE_TABLE)
			h = vt_hash_node(vmc_node_from_pa(info.pa), h,
					 VMC_PTES_PER_NODE);
	}
	return h;
}

/**
 * vt_fingerprint() - hash of the whole tree and the held frames' counts
 * @test: the test
 *
 * Equal fingerprints before and after a failed call show that it left
 * the tree bit for bit as it was, and every reference count too.
 * Context: no other thread modifies the space.
 * Return: the hash.
 */
u64 vt_fingerprint(struct kunit *test)
{
	struct vmc_space *space = vt_space(test);
	u64 h = vt_hash_node(space->root, 0xcbf29ce484222325ULL,
			     VMC_PTES_PER_NODE / 2);
	struct vmc_frame *frame;
	unsigned long i;

	xa_for_each(&vt_ctx(test)->held, i, frame)
		h = vt_fnv(h, vmc_frame_refcount(frame));
	return h;
}

static void vt_run_check(struct kunit *test, bool drained)
{
	struct vmc_check_report rep = { .msg_len = 512, .show_pa = true };
	char *msg = kzalloc(rep.msg_len, GFP_KERNEL);

	rep.msg = msg;
	if (drained)
		vmc_space_drain(vt_space(test));
	KUNIT_EXPECT_EQ(test, vmc_space_check_quiesced(vt_space(test),
						       &vt_ctx(test)->held,
						       &rep, drained), 0);
	KUNIT_EXPECT_EQ_MSG(test, rep.violations, 0ULL, "%s", msg ? msg : "");
	kfree(msg);
}

/**
 * vt_check() - run the full invariant checker, reference counts included
 * @test: the test
 *
 * Context: test kthread; no cursor alive.
 */
void vt_check(struct kunit *test)
{
	vt_run_check(test, true);
}

/**
 * vt_check_structure() - the checker without waiting for deferred frees
 * @test: the test
 *
 * Context: test kthread; no cursor alive.
 */
void vt_check_structure(struct kunit *test)
{
	vt_run_check(test, false);
}

/**
 * vt_table_pages() - table pages in the tree (root included)
 * @test: the test
 *
 * Context: test kthread; no cursor alive; waits for deferred frees.
 * Return: the count.
 */
u64 vt_table_pages(struct kunit *test)
{
	struct vmc_space *space = vt_space(test);

	vmc_space_drain(space);
	return atomic_long_read(&space->table_pages) - space->nr_spare;
}

/**
 * vt_max_user_1g() - the highest 1 GiB-aligned block of the user range
 * @test: the test
 *
 * Context: any.
 * Return: its address.
 */
u64 vt_max_user_1g(struct kunit *test)
{
	return ALIGN_DOWN(vt_space(test)->va_end - VT_1G, VT_1G);
}

#ifndef VMC_NATIVE
static int __init vt_module_init(void)
{
	return 0;
}

static void __exit vt_module_exit(void)
{
	if (vt_engine_ready)
		vmc_engine_exit();
}

module_init(vt_module_init);
module_exit(vt_module_exit);
#endif

MODULE_DESCRIPTION("KUnit suites for vmcursor");
MODULE_LICENSE("GPL");
