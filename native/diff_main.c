// SPDX-License-Identifier: GPL-2.0
/*
 * The randomized model-based differential test at native speed: the same
 * runner as the vmcursor_model KUnit suite (kunit/model_run.c), each seed
 * driving a fresh space through OPS cursor operations compared with the
 * executable vostd model after every one, the full invariant checker every
 * FULL operations. Ends with "native: N operations, M divergences".
 *
 *   vmcursor-diff [--levels 4|5] [--cpu pat|nopat|sme|old] [--seeds K]
 *                 [--seed S] [--ops OPS] [--full FULL] [--seconds T]
 *
 * --seed S runs seeds S, S+1, ...; a failure names the seed that replays
 * it. --seconds stops starting new seeds after T seconds.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model_run.h"
#include "native.h"

static struct kunit_case diff_case;
static u64 diff_seed;
static unsigned long diff_ops = 100000, diff_full = 25000, diff_done;
static bool diff_ok;

static void diff_run(struct kunit *test)
{
	diff_ok = model_run_one(test, diff_seed, diff_ops, diff_full);
}

static struct kunit_suite diff_suite = {
	.name = "native_diff",
	.suite_init = vt_suite_init,
	.init = vt_init,
	.exit = vt_exit,
};

int main(int argc, char **argv)
{
	static const char *const cpus[] = { "pat", "nopat", "sme", "old" };
	enum vmc_native_cpu cpu = VMC_NATIVE_PAT;
	unsigned long seeds = 10, i, divergences = 0;
	int levels = 5, j;
	u64 seed = 0x5eed0000, t0, limit = 0;

	for (j = 1; j < argc; j++) {
		const char *a = argv[j], *v = j + 1 < argc ? argv[j + 1] : NULL;

		if (!v)
			goto usage;
		if (!strcmp(a, "--levels"))
			levels = atoi(v);
		else if (!strcmp(a, "--seeds"))
			seeds = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--seed"))
			seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--ops"))
			diff_ops = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--full"))
			diff_full = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--seconds"))
			limit = strtoull(v, NULL, 0) * NSEC_PER_SEC;
		else if (!strcmp(a, "--cpu")) {
			for (cpu = 0; cpu < 4 && strcmp(v, cpus[cpu]); cpu++)
				;
			if (cpu == 4)
				goto usage;
		} else
			goto usage;
		j++;
	}
	if ((levels != 4 && levels != 5) || !diff_ops || !diff_full)
		goto usage;
	if (getenv("VMC_VERBOSE"))
		vmc_native_verbose = 1;
	vmc_native_set_cpu(levels, cpu);
	if (vt_suite_init(&diff_suite))
		return 1;
	diff_case.run_case = diff_run;
	diff_case.name = "model";
	printf("KTAP version 1\n# native differential: %d-level, cpu %s, %lu seeds x %lu ops\n1..%lu\n",
	       levels, cpus[cpu], seeds, diff_ops, seeds);
	t0 = ktime_get_ns();
	for (i = 0; i < seeds; i++) {
		if (limit && ktime_get_ns() - t0 > limit) {
			printf("ok %lu seed %#llx # SKIP time budget spent\n", i + 1,
			       seed + i);
			continue;
		}
		diff_seed = seed + i;
		diff_ok = false;
		if (vmc_kunit_run_case(&diff_suite, &diff_case, (int)i + 1) ||
		    !diff_ok) {
			divergences++;
			printf("# replay: %s --levels %d --cpu %s --seed %#llx --seeds 1 --ops %lu\n",
			       argv[0], levels, cpus[cpu], diff_seed, diff_ops);
		}
		diff_done += diff_ops;
	}
	printf("# %d-level: %lu operations in %llu ms\n", levels, diff_done,
	       (ktime_get_ns() - t0) / NSEC_PER_MSEC);
	printf("native: %lu operations, %lu divergences\n", diff_done, divergences);
	return divergences ? 1 : 0;
usage:
	fprintf(stderr, "usage: %s [--levels 4|5] [--cpu pat|nopat|sme|old] [--seeds K] [--seed S] [--ops N] [--full N] [--seconds T]\n",
		argv[0]);
	return 2;
}
