// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: the bench subcommand's options, statistics, ratios
 * and printers, and a whole run against the fake.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_tool.h"
#include "internal.h"
#include "test.h"

#define ARGV(...)	((char *[]){ "bench", __VA_ARGS__, NULL })
#define ARGC(...)	((int)(sizeof((char *[]){ "bench", __VA_ARGS__ }) / \
			       sizeof(char *)))
#define CLI(...)	((const char *const[]){ "vmcursor", __VA_ARGS__, NULL })

void register_bench_replay_tests(void);	/* test_bench_replay.c */

/* Parse, capturing stderr; returns bench_parse_args()'s result. */
static int parse(int argc, char **argv, struct bench_opts *o, char **err)
{
	size_t len = 0;
	FILE *f = open_memstream(err, &len);
	int ret;

	bench_default_opts(o);
	ret = bench_parse_args(argc, argv, o, f);
	fclose(f);
	return ret;
}

DEFINE_TEST(bench_defaults)
{
	struct bench_opts o;
	char *err;

	EXPECT_U64(parse(1, (char *[]){ "bench", NULL }, &o, &err), 0);
	EXPECT_STR(err, "");
	EXPECT_U64(o.nr_pages, 3);
	EXPECT_U64(o.pages[0], 512);
	EXPECT_U64(o.pages[1], 32768);
	EXPECT_U64(o.pages[2], 262144);
	EXPECT_U64(o.nr_shifts, 2);
	EXPECT_U64(o.shifts[0], 12);
	EXPECT_U64(o.shifts[1], 21);
	EXPECT_U64(o.nr_batches, 3);
	EXPECT_U64(o.batches[2], 256);
	EXPECT_U64(o.reps, 5);
	EXPECT_U64(o.big_reps, 3);
	EXPECT_U64(o.curve, 64);
	EXPECT_U64(o.chunk, 0);
	EXPECT_U64(o.only, (1u << BX_COUNT) - 1);
	EXPECT(!o.json && !o.fake && !o.quiet && !o.device);
	free(err);
}

DEFINE_TEST(bench_options)
{
	struct bench_opts o;
	char *err;

	EXPECT_U64(parse(ARGC("-n", "512,4k", "--sizes=2m", "-r", "7",
			      "--big-reps", "2", "-b", "1,64", "--chunk", "1k",
			      "-k", "16", "--only", "kernel,ioctl", "--json",
			      "-q", "-d", "/dev/x", "--fake"),
			 ARGV("-n", "512,4k", "--sizes=2m", "-r", "7",
			      "--big-reps", "2", "-b", "1,64", "--chunk", "1k",
			      "-k", "16", "--only", "kernel,ioctl", "--json",
			      "-q", "-d", "/dev/x", "--fake"), &o, &err), 0);
	EXPECT_STR(err, "");
	EXPECT_U64(o.nr_pages, 2);
	EXPECT_U64(o.pages[1], 4096);
	EXPECT_U64(o.nr_shifts, 1);
	EXPECT_U64(o.shifts[0], 21);
	EXPECT_U64(o.reps, 7);
	EXPECT_U64(o.big_reps, 2);
	EXPECT_U64(o.nr_batches, 2);
	EXPECT_U64(o.batches[1], 64);
	EXPECT_U64(o.chunk, 1024);
	EXPECT_U64(o.curve, 16);
	EXPECT_U64(o.only, (1u << BX_KERNEL) | (1u << BX_IOCTL));
	EXPECT(o.json && o.quiet && o.fake);
	EXPECT_STR(o.device, "/dev/x");
	free(err);
	EXPECT_U64(parse(ARGC("--quick", "--skip", "scaling,profile"),
			 ARGV("--quick", "--skip", "scaling,profile"), &o, &err),
		   0);
	EXPECT_U64(o.nr_pages, 1);
	EXPECT_U64(o.reps, 1);
	EXPECT_U64(o.only & (1u << BX_SCALING), 0);
	EXPECT_U64(o.only & (1u << BX_PROFILE), 0);
	EXPECT(o.only & (1u << BX_FLOOR));
	free(err);
}

DEFINE_TEST(bench_option_errors)
{
	static const struct {
		const char *opt, *val, *msg;
	} bad[] = {
		{ "--pages", "0", "bad --pages '0'" },
		{ "--pages", "262145", "bad --pages" },
		{ "--pages", "1,2,3,4,5,6,7,8,9", "at most 8" },
		{ "--pages", "12x", "bad --pages" },
		{ "--sizes", "1g", "bad --sizes '1g'" },
		{ "--sizes", "4k,4k", "bad --sizes" },
		{ "--reps", "0", "bad repetition count '0'" },
		{ "--reps", "102", "(1..101)" },
		{ "--batches", "4097", "bad --batches" },
		{ "--curve", "257", "bad --curve" },
		{ "--only", "kernel,bogus", "bad experiment list" },
		{ "--previous", "old.json", "--previous and --plot need "
		  "--replay" },
		{ "--plot", "dir", "--previous and --plot need --replay" },
	};
	struct bench_opts o;
	size_t i;
	char *err;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_U64(parse(3, ARGV((char *)bad[i].opt, (char *)bad[i].val),
				 &o, &err), 2);
		EXPECT_CONTAINS(err, bad[i].msg);
		EXPECT_CONTAINS(err, "Try 'vmcursor help'");
		free(err);
	}
	EXPECT_U64(parse(2, ARGV("--frob"), &o, &err), 2);
	EXPECT_CONTAINS(err, "unknown option '--frob'");
	free(err);
	EXPECT_U64(parse(2, ARGV("--reps"), &o, &err), 2);
	EXPECT_CONTAINS(err, "option '--reps' needs a value");
	free(err);
	EXPECT_U64(parse(2, ARGV("extra"), &o, &err), 2);
	EXPECT_CONTAINS(err, "unexpected argument 'extra'");
	free(err);
}

DEFINE_TEST(bench_statistics)
{
	uint64_t odd[] = { 50, 10, 40, 20, 30 }, even[] = { 4, 1, 3, 2 };
	uint64_t one[] = { 7 }, out[5];

	bench_stats(odd, 5, out);
	EXPECT_U64(out[BENCH_MIN], 10);
	EXPECT_U64(out[BENCH_Q1], 20);
	EXPECT_U64(out[BENCH_MED], 30);
	EXPECT_U64(out[BENCH_Q3], 40);
	EXPECT_U64(out[BENCH_MAX], 50);
	bench_stats(even, 4, out);
	EXPECT_U64(out[BENCH_MED], 2);	/* (2 + 3) / 2, rounded down */
	EXPECT_U64(out[BENCH_Q1], 1);
	EXPECT_U64(out[BENCH_Q3], 3);
	bench_stats(one, 1, out);
	EXPECT_U64(out[BENCH_MIN], 7);
	EXPECT_U64(out[BENCH_MAX], 7);
	bench_stats(one, 0, out);
	EXPECT_U64(out[BENCH_MED], 0);
}

static void row(struct bench_report *r, const char *exp, const char *op,
		uint64_t n, uint64_t median_ns, unsigned int batch,
		unsigned int threads, bool separate)
{
	struct bench_row w;

	memset(&w, 0, sizeof(w));
	snprintf(w.exp, sizeof(w.exp), "%s", exp);
	snprintf(w.op, sizeof(w.op), "%s", op);
	w.page_shift = 12;
	w.n = n;
	w.reps = 3;
	w.batch = batch;
	w.threads = threads;
	w.separate = separate;
	w.cursors = 1;
	w.ns[BENCH_MIN] = median_ns - 1;
	w.ns[BENCH_Q1] = median_ns;
	w.ns[BENCH_MED] = median_ns;
	w.ns[BENCH_Q3] = median_ns;
	w.ns[BENCH_MAX] = median_ns + 1;
	bench_add_row(r, &w);
}

/* A report in which every ratio can be computed. */
static void sample_report(struct bench_report *r)
{
	memset(r, 0, sizeof(*r));
	row(r, "floor", "store", 1000, 2000, 0, 1, false);	/* 2 ns */
	row(r, "kernel", "map", 1000, 50000, 0, 1, false);	/* 50 ns */
	r->rows[r->nr - 1].table_pages = 10;
	r->rows[r->nr - 1].table_pages_min = 8;
	row(r, "kernel", "protect", 1000, 100000, 0, 1, false);
	row(r, "kernel", "unmap1", 1000, 200000, 0, 1, false);
	row(r, "window", "unmap", 1000, 10000, 0, 1, false);
	r->rows[r->nr - 1].window = true;
	r->rows[r->nr - 1].windows = 2;
	r->rows[r->nr - 1].window_min = 256;
	r->rows[r->nr - 1].full_flushes = 2;
	row(r, "window", "protect", 1000, 100000, 0, 1, false);
	row(r, "linux", "vmap", 1000, 300000, 0, 1, false);	/* 300 ns */
	row(r, "linux", "vm_map_ram", 1000, 150000, 0, 1, false);
	row(r, "user", "mmap", 1000, 400000, 0, 1, false);
	row(r, "user", "mprotect", 1000, 300000, 0, 1, false);
	row(r, "user", "munmap", 1000, 50000, 0, 1, false);
	row(r, "ioctl", "map", 1000, 60000, 256, 1, false);	/* 60 ns */
	row(r, "kernel", "map_many", 1000, 20000, 0, 1, false);	/* 20 ns */
	row(r, "kernel", "map_run", 1000, 5000, 0, 1, false);	/* 5 ns */
	r->rows[r->nr - 1].pieces = true;
	row(r, "ioctl", "map_range", 1000, 8000, 0, 1, false);	/* 8 ns */
	r->rows[r->nr - 1].pieces = true;
	row(r, "kernel", "protect_range", 1000, 10000, 0, 1, false);
	row(r, "ioctl", "protect_range", 1000, 11000, 0, 1, false);
	row(r, "scaling", "store", 262144, 1000000, 0, 1, false);
	row(r, "scaling", "store", 262144, 1000000, 0, 2, false);
	row(r, "scaling", "map", 262144, 1000000, 0, 1, false);
	row(r, "scaling", "map", 262144, 1250000, 0, 2, false);
	row(r, "scaling", "map", 262144, 2000000, 0, 2, true);
	row(r, "curve", "unmap", 1, 900, 0, 1, false);
	r->rows[r->nr - 1].invlpg = 1;
	row(r, "curve", "refill", 64, 3000, 0, 1, false);
	r->frame_meta = 32;
	r->node_meta = 112;
}

static const struct bench_ratio *ratio(const struct bench_ratio *q, size_t n,
				       const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(q[i].name, name))
			return &q[i];
	return NULL;
}

DEFINE_TEST(bench_ratio_values)
{
	struct bench_report r;
	struct bench_ratio q[64];
	const struct bench_ratio *x;
	size_t n;

	sample_report(&r);
	n = bench_ratios(&r, q, 64);
	x = ratio(q, n, "map: best Linux / vmcursor");
	EXPECT(x && x->value == 3.0 && x->target == 2 && x->at_least);
	EXPECT(x && strstr(x->detail, "vm_map_ram"));
	x = ratio(q, n, "map: vmcursor / store floor");
	EXPECT(x && x->value == 25.0 && x->target == 3 && !x->at_least);
	x = ratio(q, n, "unmap: munmap / vmcursor");
	EXPECT(x && x->value == 5.0);
	x = ratio(q, n, "protect: mprotect / vmcursor");
	EXPECT(x && x->value == 3.0);
	x = ratio(q, n, "map: ioctl x256 / in-kernel");
	EXPECT(x && x->value > 1.19 && x->value < 1.21 && x->target == 1.5);
	/* Issue 13's: the bulk maps, the range ops, the device path. */
	x = ratio(q, n, "map_many: vm_map_ram / vmcursor");
	EXPECT(x && x->value == 7.5 && x->target == 1 && x->at_least);
	x = ratio(q, n, "map_many: vmcursor / store floor");
	EXPECT(x && x->value == 10 && x->target == 10 && !x->at_least);
	x = ratio(q, n, "map_run: vmcursor / store floor");
	EXPECT(x && x->value == 2.5);
	EXPECT(x && strstr(x->detail, "kernel map_run 5.0 / floor store"));
	x = ratio(q, n, "map_range: mmap / device");
	EXPECT(x && x->value == 50 && x->target == 2);
	x = ratio(q, n, "map_range: ioctl / in-kernel");
	EXPECT(x && x->value == 1.6 && x->target == 1.2);
	x = ratio(q, n, "protect_range: ioctl / in-kernel");
	EXPECT(x && x->value > 1.09 && x->value < 1.11);
	x = ratio(q, n, "protect_range: mprotect / device");
	EXPECT(x && x->value > 27.2 && x->value < 27.3);
	/* Speedup over the control's: 1.6 / 2.0 (adjacent), 1.0 / 2.0. */
	x = ratio(q, n, "2-thread map / control");
	EXPECT(x && x->value == 0.8 && x->target == 0.9);
	EXPECT(!ratio(q, n, "2-thread map / control (separate)"));
	/* No map_frames row, no map_range of 2 MiB leaves: no ratio. */
	EXPECT(!ratio(q, n, "map_frames: ioctl / in-kernel"));
	x = ratio(q, n, "tables: used / minimum");
	EXPECT(x && x->value == 1.25);
	x = ratio(q, n, "2-thread speedup: map");
	EXPECT(x && x->value == 1.6 && x->n == 0);
	x = ratio(q, n, "2-thread speedup: map (separate)");
	EXPECT(x && x->value == 1.0);
	x = ratio(q, n, "frame metadata bytes");
	EXPECT(x && x->value == 32 && x->target == 32);
	/* Nothing to compare with: no ratio. */
	EXPECT(!ratio(q, n, "protect: ioctl x256 / in-kernel"));
	bench_report_free(&r);
}

static char *capture(void (*fn)(FILE *, const struct bench_report *),
		     const struct bench_report *r)
{
	size_t len = 0;
	char *s = NULL;
	FILE *f = open_memstream(&s, &len);

	fn(f, r);
	fclose(f);
	return s;
}

DEFINE_TEST(bench_text_output)
{
	struct bench_report r;
	char *s;

	sample_report(&r);
	s = capture(bench_print_text, &r);
	EXPECT_CONTAINS(s, "exp      op               size       N reps    "
			"ns/page");
	EXPECT_CONTAINS(s, "kernel   map              4k      1000    3       "
			"50.0       0.050");
	EXPECT_CONTAINS(s, "     10/8 ");
	EXPECT_CONTAINS(s, "ioctl    map x256 ");
	EXPECT_CONTAINS(s, "scaling  map 2t ");
	EXPECT_CONTAINS(s, "space loaded, 2 windows (smallest 256 pages)");
	EXPECT_CONTAINS(s, "regions 512 GiB apart");
	EXPECT_CONTAINS(s, "Flush cost curve");
	EXPECT_CONTAINS(s, "   1        900     900.0       1     0       3000");
	EXPECT_CONTAINS(s, "map: best Linux / vmcursor             4k      1000"
			"      3.00 >= 2.00 met");
	EXPECT_CONTAINS(s, "map: vmcursor / store floor            4k      1000"
			"     25.00 <= 3.00 missed");
	EXPECT_CONTAINS(s, "measure the emulator");
	/* The curve is not in the main table. */
	EXPECT_NOT_CONTAINS(s, "curve    unmap");
	free(s);
	bench_report_free(&r);
}

DEFINE_TEST(bench_json_output)
{
	struct bench_report r;
	struct bench_row w;
	char *s;

	sample_report(&r);
	memset(&w, 0, sizeof(w));
	strcpy(w.exp, "linux");
	strcpy(w.op, "vmap");
	w.page_shift = 12;
	w.n = 262144;
	strcpy(w.note, "vmap() refuses \"more\" pages than RAM");
	bench_add_row(&r, &w);
	r.profile = strdup("map 4k: 1 ms\n  50.0%  vmc_cursor_map\n");
	s = capture(bench_print_json, &r);
	EXPECT(json_check_lines(s) == NULL);
	EXPECT_CONTAINS(s, "{\"kind\": \"measurement\", \"experiment\": "
			"\"kernel\", \"op\": \"map\", \"page_size\": \"4k\", "
			"\"n\": 1000, \"reps\": 3, \"batch\": 0");
	EXPECT_CONTAINS(s, "\"ns_per_page\": 50.00, \"ns\": {\"min\": 49999, "
			"\"q1\": 50000, \"median\": 50000, \"q3\": 50000, "
			"\"max\": 50001}");
	EXPECT_CONTAINS(s, "\"table_pages\": 10, \"table_pages_min\": 8");
	EXPECT_CONTAINS(s, "\"loaded\": true, \"windows\": 2, "
			"\"window_min\": 256, \"separate\"");
	EXPECT_CONTAINS(s, "\"loaded\": false, \"separate\"");
	EXPECT_CONTAINS(s, "\"ns_per_page\": null, \"ns\": null");
	EXPECT_CONTAINS(s, "refuses \\\"more\\\" pages");
	EXPECT_CONTAINS(s, "{\"kind\": \"ratio\", \"name\": \"map: best Linux "
			"/ vmcursor\", \"page_size\": \"4k\", \"n\": 1000, "
			"\"value\": 3.000, \"target_kind\": \"at_least\", "
			"\"target\": 2.00, \"met\": true");
	EXPECT_CONTAINS(s, "\"name\": \"2-thread speedup: map\", \"page_size\":"
			" \"4k\", \"n\": null");
	EXPECT_CONTAINS(s, "{\"kind\": \"profile\", \"text\": \"map 4k: 1 ms\\n");
	free(s);
	bench_report_free(&r);
}

DEFINE_TEST(bench_fake_kernel_contract)
{
	struct vmc_bench_result res[12];
	struct vmc_bench b;

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.experiment = VMC_BENCH_CURSOR;
	b.page_shift = 12;
	b.nr_pages = 512;
	b.reps = 3;
	b.results = (uintptr_t)res;
	b.result_size = sizeof(res[0]);
	b.max_results = 2;
	EXPECT_U64(vmcl__fake_bench(&b), ENOSPC);
	EXPECT_U64(b.out_nr_results, 9);
	b.max_results = 12;
	EXPECT_U64(vmcl__fake_bench(&b), 0);
	EXPECT_U64(res[0].op, VMC_BOP_MAP);
	EXPECT_U64(res[4].op, VMC_BOP_UNMAP1);
	EXPECT_U64(res[5].op, VMC_BOP_MAP_MANY);
	EXPECT_U64(res[5].flags, 0);
	EXPECT_U64(res[6].op, VMC_BOP_PROTECT_RANGE);
	/* 4 KiB leaves: map_run and map_many of 2 MiB frames' pieces. */
	EXPECT_U64(res[7].op, VMC_BOP_MAP_RUN);
	EXPECT_U64(res[7].flags, VMC_BRES_PIECES);
	EXPECT_U64(res[8].op, VMC_BOP_MAP_MANY);
	EXPECT_U64(res[8].flags, VMC_BRES_PIECES);
	EXPECT_U64(res[0].reps, 3);
	/* 2 MiB leaves: map_run maps one leaf per frame, no pieces. */
	b.page_shift = 21;
	EXPECT_U64(vmcl__fake_bench(&b), 0);
	EXPECT_U64(b.out_nr_results, 8);
	EXPECT_U64(res[7].op, VMC_BOP_MAP_RUN);
	EXPECT_U64(res[7].flags, 0);
	b.experiment = VMC_BENCH_PROFILE;
	b.page_shift = 12;
	b.reps = 1;
	EXPECT_U64(vmcl__fake_bench(&b), 0);
	EXPECT_U64(b.out_nr_results, 7);
	EXPECT_U64(res[4].op, VMC_BOP_MAP_RUN);
	EXPECT_U64(res[6].op, VMC_BOP_UNMAP1);
	EXPECT_U64(res[4].flags, VMC_BRES_PIECES);
	b.experiment = VMC_BENCH_LINUX;
	b.page_shift = 21;
	EXPECT_U64(vmcl__fake_bench(&b), EOPNOTSUPP);
	b.page_shift = 12;
	b.nr_pages = 262145;
	EXPECT_U64(vmcl__fake_bench(&b), E2BIG);
}

DEFINE_TEST(bench_cli_fake_run)
{
	char *out, *err;

	EXPECT_U64(run_cli(CLI("--fake", "bench", "--quick", "-q", "--skip",
			       "user,scaling"), &out, &err), 0);
	EXPECT_STR(err, "");
	EXPECT_CONTAINS(out, "floor    store            4k       512    1");
	EXPECT_CONTAINS(out, "kernel   map              2m       512");
	EXPECT_CONTAINS(out, "ioctl    map x256         4k       512    1");
	EXPECT_CONTAINS(out, "linux    vmap             4k");
	EXPECT_NOT_CONTAINS(out, "linux    vmap             2m");
	EXPECT_CONTAINS(out, "Flush cost curve");
	EXPECT_CONTAINS(out, "fake profile");
	EXPECT_CONTAINS(out, "map: ioctl x256 / in-kernel");
	/* The range ops, in-kernel and through the device. */
	EXPECT_CONTAINS(out, "kernel   map_run (2m)     4k       512    1");
	EXPECT_CONTAINS(out, "kernel   map_many (2m)    4k       512    1");
	EXPECT_CONTAINS(out, "kernel   map_run          2m       512    1");
	EXPECT_CONTAINS(out, "ioctl    map_range (2m)   4k       512    1");
	EXPECT_CONTAINS(out, "ioctl    map_frames (2m)  4k       512    1");
	EXPECT_CONTAINS(out, "ioctl    protect_range    2m       512    1");
	EXPECT_CONTAINS(out, "ioctl    map_range        2m       512    1");
	EXPECT_CONTAINS(out, "1 ioctls, 512 ops, timed in userspace");
	EXPECT_CONTAINS(out, "map_range: ioctl / in-kernel           4k");
	EXPECT_CONTAINS(out, "protect_range: ioctl / in-kernel       2m");
	free(out);
	free(err);
	/* Options after the command, JSON, progress on stderr. */
	EXPECT_U64(run_cli(CLI("bench", "--fake", "--json", "--only",
			       "kernel,ioctl,user", "-n", "512", "-r", "2",
			       "-s", "4k", "-b", "16"), &out, &err), 0);
	EXPECT(json_check_lines(out) == NULL);
	EXPECT_CONTAINS(out, "\"experiment\": \"ioctl\", \"op\": \"unmap1\", "
			"\"page_size\": \"4k\", \"n\": 512, \"reps\": 2, "
			"\"batch\": 16, \"threads\": 1, \"cursors\": 32");
	EXPECT_CONTAINS(out, "\"experiment\": \"user\", \"op\": \"munmap\"");
	EXPECT_NOT_CONTAINS(out, "\"windows\"");
	EXPECT_CONTAINS(err, "bench: kernel   4k N=512     2 reps\n");
	free(out);
	free(err);
}

DEFINE_TEST(bench_cli_failure)
{
	struct bench_report r = { 0 };
	struct vmcl *be = fake_new();
	struct bench_opts o;
	size_t len = 0;
	char *err = NULL;
	FILE *f = open_memstream(&err, &len);

	/* A failing measurement is reported; the others still run. */
	bench_default_opts(&o);
	o.nr_pages = 1;
	o.nr_shifts = 1;
	o.reps = 1;
	o.quiet = true;
	o.only = (1u << BX_FLOOR) | (1u << BX_KERNEL);
	vmcl_fake_fail_next(be, VMC_CMD_BENCH, EPERM);
	bench_run(be, &o, &r, f);
	fclose(f);
	EXPECT_U64(r.failures, 1);
	EXPECT_CONTAINS(err, "vmcursor: bench: floor 4k N=512: Operation not "
			"permitted (EPERM) - VMC_IOC_BENCH needs CAP_SYS_ADMIN");
	EXPECT_U64(vmcl_fake_calls(be, VMC_CMD_BENCH), 2);
	EXPECT(r.nr == 9 && !strcmp(r.rows[0].exp, "kernel"));
	bench_report_free(&r);
	vmcl_close(be);
	free(err);
}

DEFINE_TEST(bench_cli_scaling)
{
	char *out, *err;

	/* Scaling is 4k only: 1 GiB per thread. */
	EXPECT_U64(run_cli(CLI("--fake", "bench", "-q", "--only", "scaling",
			       "-s", "2m", "--big-reps", "1"), &out, &err), 0);
	EXPECT_CONTAINS(out, "scaling  map 2t           4k    262144    1");
	EXPECT_CONTAINS(out, "scaling  store 2t         4k    262144    1");
	EXPECT_CONTAINS(out, "control: 64 x N stores");
	EXPECT_CONTAINS(out, "2-thread speedup: store control (separate)");
	free(out);
	free(err);
}

void register_bench_tests(void)
{
	TEST(bench_defaults);
	TEST(bench_options);
	TEST(bench_option_errors);
	TEST(bench_statistics);
	TEST(bench_ratio_values);
	TEST(bench_text_output);
	TEST(bench_json_output);
	TEST(bench_fake_kernel_contract);
	TEST(bench_cli_fake_run);
	TEST(bench_cli_failure);
	TEST(bench_cli_scaling);
	register_bench_replay_tests();
}
