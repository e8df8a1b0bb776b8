// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor_model: the randomized model-based differential test.
 *
 * Each case drives one space with a fixed seed through at least
 * MODEL_OPS cursor operations (map, unmap, protect_next, find_next,
 * query, peek, jump, invalid-argument variants and injected -ENOMEM and
 * -EOVERFLOW failures) in random cursor sessions, and checks every call
 * against the executable model of vostd's view (model.c): the return
 * value and errno, the outputs, the cursor's va, the whole mapping set of
 * the real tree with its structure, and that failed and read-only calls
 * leave the tree bit for bit unchanged. After every session the invariant
 * checker runs; every MODEL_FULL_EVERY operations and at the end, the
 * full checker and every frame's reference count against the model.
 *
 * The universe is two windows: 4 GiB across the 512 GiB boundary (so
 * cursors have guards at every level up to 4) and the top 2 GiB of the
 * user half (so ranges meet its end). Addresses cluster on both sides of
 * 1 GiB and 2 MiB boundaries.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include "model_run.h"

#define MODEL_OPS		20000
#define MODEL_FULL_EVERY	2500
#define MODEL_LOW_WINDOW	(510ULL << 30)

/**
 * model_run_one() - one randomized differential run on the test's space
 * @test: the test (vt_init() done)
 * @seed: PRNG seed; the same seed replays the same run
 * @ops: cursor operations to run
 * @full_every: run the full checker every this many operations
 *
 * Context: test thread.
 * Return: true if the run matched the model throughout.
 */
bool model_run_one(struct kunit *test, u64 seed, unsigned long ops,
		   unsigned long full_every)
{
	bool ok;

	struct vmc_space *space = vt_space(test);
	struct vmr_region *rg = kunit_kcalloc(test, 2, sizeof(*rg), GFP_KERNEL);
	struct vmr_frames *fr = kunit_kzalloc(test, sizeof(*fr), GFP_KERNEL);
	struct vmr *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct vmr_config cfg = {
		.mode = VMR_SOLO,
		.seed = seed,
		.ops = ops,
		.regions = rg,
		.nr_regions = 2,
		.win_start = 0,
		.win_end = space->va_end,
		.frames = fr,
		.full_every = full_every,
	};

	KUNIT_ASSERT_NOT_NULL(test, rg);
	KUNIT_ASSERT_NOT_NULL(test, fr);
	KUNIT_ASSERT_NOT_NULL(test, r);
	rg[0].start = MODEL_LOW_WINDOW;
	rg[0].end = MODEL_LOW_WINDOW + 4 * VT_1G;
	rg[1].start = ALIGN_DOWN(space->va_end, VT_1G) - VT_1G;
	rg[1].end = space->va_end;
	vmr_frames_alloc(test, fr, VMR_MAX_4K, VMR_MAX_2M);
	kunit_info(test, "seed %llu: %d-level paging, 1 GiB leaves %s\n", seed,
		   space->nr_levels, vmc_level_supported(3) ? "on" : "off");
	if (vmr_init(r, test, space, &cfg)) {
		vmr_fini(r);
		KUNIT_FAIL(test, "out of memory");
		return false;
	}
	vmr_run(r);
	vmr_report(r, "model");
	ok = !r->failed;
	vmr_fini(r);
	return ok;
}

static void model_run_seed(struct kunit *test, u64 seed)
{
	model_run_one(test, seed, MODEL_OPS, MODEL_FULL_EVERY);
}

/* Fixed seeds: a failure report names the seed that replays it. */
static void model_seed_1(struct kunit *test)
{
	model_run_seed(test, 0x5eed0001);
}

static void model_seed_2(struct kunit *test)
{
	model_run_seed(test, 0xc0ffee42);
}

static void model_seed_3(struct kunit *test)
{
	model_run_seed(test, 20260901);
}

static struct kunit_case model_cases[] = {
	KUNIT_CASE(model_seed_1),
	KUNIT_CASE(model_seed_2),
	KUNIT_CASE(model_seed_3),
	{}
};

static struct kunit_suite model_suite = {
	.name = "vmcursor_model",
	.suite_init = vt_suite_init,
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = model_cases,
};

kunit_test_suite(model_suite);
