// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzz target: an input is an operation sequence for the model-based
 * differential runner (kunit/model_run.c), which drives a fresh space
 * through cursor sessions and checks every call against the vostd model
 * (kunit/model.c): results, errnos, the cursor's va, the whole tree after
 * each call, the invariant checker and reference counts at the end. A
 * disagreement, an engine WARN, a leaked page or frame, or a sanitizer
 * report is a crash for libFuzzer.
 *
 * Input: byte 0 picks the pretended CPU (bit 0: 5-level paging; bits 1-2:
 * Linux's PAT layout, PAT off, SME, no NX and no 1 GiB pages); every later
 * byte feeds the runner's choices, each choice taking as few bytes as
 * its range needs (one for "a value below 100"), so that libFuzzer's
 * byte mutations are mutations of single decisions. A run lasts about
 * as many operations as its input has bytes for; past the input's end
 * the choices come from a PRNG seeded by the input, so every run is a
 * function of its input alone.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdint.h>
#include "model_run.h"
#include "native.h"
#include "fuzz.h"

/* Bytes an operation takes on average (measured: 5 to 9); the runs' cap. */
#define FUZZ_BYTES_PER_OP	6
#define FUZZ_MAX_OPS		4000
#define FUZZ_FULL_EVERY		64

/* The frames the runner maps: fewer than the KUnit suite's, zeroing is dear. */
#define FUZZ_4K_FRAMES		8
#define FUZZ_2M_FRAMES		2

/* Where cursor ranges are drawn from: as vmcursor_model's two windows. */
#define FUZZ_LOW_WINDOW		(510ULL << 30)

struct fuzz_stream {
	const u8 *p;
	size_t left;
	u64 rng;
};

static const u8 *fuzz_data;
static size_t fuzz_size;
const char *vmc_fuzz_input_name;

/* A value below @n from the input, little-endian, in as few bytes as fit. */
static u64 fuzz_draw(void *arg, u64 n)
{
	struct fuzz_stream *s = arg;
	unsigned int bytes = n <= (1ULL << 8) ? 1 : n <= (1ULL << 16) ? 2 :
			     n <= (1ULL << 24) ? 3 : 8;
	u64 v = 0, z;
	unsigned int i;

	if (s->left >= bytes) {
		for (i = 0; i < bytes; i++)
			v |= (u64)s->p[i] << (8 * i);
		s->p += bytes;
		s->left -= bytes;
		return v % n;
	}
	/* splitmix64, as the runner's own PRNG. */
	z = (s->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) % n;
}

/* FNV-1a: the seed of the PRNG that takes over past the input's end. */
static u64 fuzz_hash(const u8 *p, size_t n)
{
	u64 h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static bool fuzz_ok;

static void fuzz_case(struct kunit *test)
{
	struct vmc_space *space = vt_space(test);
	struct vmr_region rg[2];
	struct vmr_frames fr = {};
	struct fuzz_stream s = {
		.p = fuzz_data + 1,
		.left = fuzz_size - 1,
		.rng = fuzz_hash(fuzz_data, fuzz_size),
	};
	struct vmr_config cfg = {
		.mode = VMR_SOLO,
		.ops = max_t(unsigned long, 1,
			     min_t(unsigned long, s.left / FUZZ_BYTES_PER_OP,
				   FUZZ_MAX_OPS)),
		.regions = rg,
		.nr_regions = 2,
		.win_start = 0,
		.win_end = space->va_end,
		.frames = &fr,
		.full_every = FUZZ_FULL_EVERY,
		.draw = fuzz_draw,
		.draw_arg = &s,
	};
	struct vmr *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	rg[0].start = FUZZ_LOW_WINDOW;
	rg[0].end = FUZZ_LOW_WINDOW + 4 * VT_1G;
	rg[1].start = ALIGN_DOWN(space->va_end, VT_1G) - VT_1G;
	rg[1].end = space->va_end;
	vmr_frames_alloc(test, &fr, FUZZ_4K_FRAMES, FUZZ_2M_FRAMES);
	if (vmr_init(r, test, space, &cfg)) {
		vmr_fini(r);
		KUNIT_FAIL(test, "out of memory");
		return;
	}
	vmr_run(r);
	fuzz_ok = !r->failed;
	if (r->failed) {
		/* The runner's account: the last calls, the disagreement. */
		vmc_native_verbose = 1;
		vmr_log(r, "fuzz");
		KUNIT_FAIL(test, "%s", r->msg);
	}
	vmr_fini(r);
}

static struct kunit_case fuzz_kcase = { .run_case = fuzz_case, .name = "fuzz" };

static struct kunit_suite fuzz_suite = {
	.name = "native_fuzz",
	.suite_init = vt_suite_init,
	.init = vt_init,
	.exit = vt_exit,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cpus[] = { "pat", "nopat", "sme", "old" };
	static bool ready;
	struct kunit t = {};

	if (size < 2)
		return 0;
	if (!ready) {
		if (vt_suite_init(&fuzz_suite))
			abort();
		ready = true;
	}
	/* Between spaces the format may change (arch_native.c). */
	vmc_native_set_cpu(data[0] & 1 ? 5 : 4, (data[0] >> 1) & 3);
	fuzz_data = data;
	fuzz_size = size;
	fuzz_ok = false;
	if (vmc_kunit_exec_case(&fuzz_suite, &fuzz_kcase, &t) || !fuzz_ok) {
		fprintf(stderr, "fuzz: %s%s%zu-byte input, %d-level, cpu %s: %s\n",
			vmc_fuzz_input_name ? vmc_fuzz_input_name : "",
			vmc_fuzz_input_name ? ": " : "", size,
			data[0] & 1 ? 5 : 4, cpus[(data[0] >> 1) & 3],
			"the engine and the model disagree (report above)");
		abort();
	}
	return 0;
}
