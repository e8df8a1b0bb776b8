// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the vmcursor KUnit suites natively: every suite registered by the
 * kunit/ files linked in (all but vmcursor_tlb and vmcursor_arch, which
 * need the CPU), on one pretended CPU, with flat KTAP output
 * ("ok N suite.case").
 *
 *   vmcursor-kunit [--levels 4|5] [--cpu pat|nopat|sme|old] [--suite NAME]...
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kunit/test.h>
#include "pt.h"
#include "native.h"

static bool selected(const char *name, char **only, int nr_only)
{
	int i;

	/* These two need the real CPU and MMU. */
	if (!nr_only)
		return strcmp(name, "vmcursor_tlb") && strcmp(name, "vmcursor_arch");
	for (i = 0; i < nr_only; i++)
		if (!strcmp(name, only[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const char *const cpus[] = { "pat", "nopat", "sme", "old" };
	enum vmc_native_cpu cpu = VMC_NATIVE_PAT;
	int levels = 5, i, j, n = 0, failed = 0, nr_only = 0;
	char *only[VMC_KUNIT_MAX_SUITES];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--levels") && i + 1 < argc) {
			levels = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--cpu") && i + 1 < argc) {
			for (j = 0; j < 4 && strcmp(argv[i + 1], cpus[j]); j++)
				;
			if (j == 4)
				goto usage;
			cpu = j;
			i++;
		} else if (!strcmp(argv[i], "--suite") && i + 1 < argc &&
			   nr_only < VMC_KUNIT_MAX_SUITES) {
			only[nr_only++] = argv[++i];
		} else {
			goto usage;
		}
	}
	if (levels != 4 && levels != 5)
		goto usage;
	if (getenv("VMC_VERBOSE"))
		vmc_native_verbose = 1;
	vmc_native_set_cpu(levels, cpu);
	for (i = 0; i < vmc_kunit_nr_suites; i++)
		if (selected(vmc_kunit_suites[i]->name, only, nr_only))
			for (j = 0; vmc_kunit_suites[i]->test_cases[j].run_case; j++)
				n++;
	printf("KTAP version 1\n# native KUnit: %d-level paging, cpu %s\n1..%d\n",
	       levels, cpus[cpu], n);
	n = 0;
	for (i = 0; i < vmc_kunit_nr_suites; i++) {
		struct kunit_suite *s = vmc_kunit_suites[i];

		if (!selected(s->name, only, nr_only))
			continue;
		if (s->suite_init && s->suite_init(s)) {
			printf("# %s: suite_init failed\n", s->name);
			return 1;
		}
		for (j = 0; s->test_cases[j].run_case; j++)
			failed += vmc_kunit_run_case(s, &s->test_cases[j], ++n);
		if (s->suite_exit)
			s->suite_exit(s);
	}
	return failed ? 1 : 0;
usage:
	fprintf(stderr, "usage: %s [--levels 4|5] [--cpu pat|nopat|sme|old] [--suite NAME]...\n",
		argv[0]);
	return 2;
}
