// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: a bench run read back from its JSON lines, the
 * before/after comparison of two runs, and the plots' data files.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench_int.h"
#include "test.h"

#define CLI(...)	((const char *const[]){ "vmcursor", __VA_ARGS__, NULL })

void register_bench_replay_tests(void);

static struct bench_row *add(struct bench_report *r, const char *exp,
			     const char *op, uint64_t n, uint64_t lo,
			     uint64_t med, uint64_t hi)
{
	struct bench_row w;

	bench_base_row(&w, exp, op, 12, n);
	w.reps = 3;
	w.ns[BENCH_MIN] = lo;
	w.ns[BENCH_Q1] = lo;
	w.ns[BENCH_MED] = med;
	w.ns[BENCH_Q3] = hi;
	w.ns[BENCH_MAX] = hi;
	bench_add_row(r, &w);
	return &r->rows[r->nr - 1];
}

static char *capture_json(const struct bench_report *r)
{
	size_t len = 0;
	char *s = NULL;
	FILE *f = open_memstream(&s, &len);

	bench_print_json(f, r);
	fclose(f);
	return s;
}

static int load_text(const char *text, struct bench_report *r, char *why)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err = bench_load(f, r, why, 128);

	fclose(f);
	return err;
}

/* Every field a row has, and what no row holds, survive the round trip. */
DEFINE_TEST(bench_load_round_trip)
{
	struct bench_report a = { 0 }, b;
	struct bench_row *w;
	char why[128] = "", *s, *t;
	size_t i;

	w = add(&a, "kernel", "map_run", 512, 900, 1000, 1100);
	w->pieces = true;
	w->table_pages = 6;
	w->table_pages_min = 5;
	w = add(&a, "scaling", "map", 262144, 5, 6, 7);
	w->threads = 2;
	w->separate = true;
	w->create_max = 1234;
	w = add(&a, "window", "unmap1", 512, 1, 2, 3);
	w->window = true;
	w->windows = 3;
	w->window_min = 128;
	w->invlpg = 512;
	w->full_flushes = 1;
	w->ipis = 2;
	w->cursors = 4;
	w = add(&a, "ioctl", "map", 512, 10, 20, 30);
	w->batch = 256;
	snprintf(w->note, sizeof(w->note), "quote \" tab \t caf\xc3\xa9");
	w = add(&a, "linux", "vmap", 262144, 0, 0, 0);
	w->reps = 0;
	a.frame_meta = 32;
	a.node_meta = 112;
	a.failures = 1;
	a.profile = strdup("map 4k: 1 ms\n  50.0%  vmc_cursor_map\n");
	s = capture_json(&a);
	EXPECT_U64(load_text(s, &b, why), 0);
	EXPECT_STR(why, "");
	EXPECT_U64(b.nr, a.nr);
	for (i = 0; i < a.nr && i < b.nr; i++)
		EXPECT(!memcmp(&a.rows[i], &b.rows[i], sizeof(a.rows[i])));
	EXPECT_U64(b.frame_meta, 32);
	EXPECT_U64(b.node_meta, 112);
	EXPECT_U64(b.failures, 1);
	EXPECT_STR(b.profile, a.profile);
	/* So the table, ratios included, prints the same from either. */
	t = capture_json(&b);
	EXPECT_STR(t, s);
	free(s);
	free(t);
	bench_report_free(&a);
	bench_report_free(&b);
}

DEFINE_TEST(bench_load_errors)
{
	static const char *const bad[][2] = {
		{ "{\"kind\": \"run\"}\n{\"kind\": \"measurement\",}\n",
		  "line 2: expected a key" },
		{ "{\"kind\": \"measurement\", \"n\": 1} x\n",
		  "line 1: text after the object" },
		{ "{\"kind\": \"measurement\", \"note\": \"abc\n",
		  "line 1: unterminated string" },
		{ "{\"kind\": \"measurement\", \"note\": \"\\q\"}\n",
		  "line 1: bad escape" },
		{ "{\"kind\": \"measurement\", \"n\": tru}\n",
		  "line 1: bad value" },
		{ "[1]\n", "line 1: expected an object" },
		{ "{\"kind\": \"ratio\", \"value\": 2.5}\n\n", "no measurement" },
	};
	struct bench_report r;
	char why[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		EXPECT(load_text(bad[i][0], &r, why) != 0);
		EXPECT_STR(why, bad[i][1]);
		bench_report_free(&r);
	}
	/* Unknown kinds and fields are skipped; escapes are decoded. */
	EXPECT_U64(load_text("{\"kind\": \"future\", \"x\": 1}\n"
			     "{\"kind\": \"measurement\", \"experiment\": "
			     "\"kernel\", \"op\": \"map\", \"page_size\": "
			     "\"2m\", \"n\": 8, \"reps\": 1, \"new\": null, "
			     "\"note\": \"a\\u00e9\\n\\\"b\"}\n", &r, why), 0);
	EXPECT_U64(r.nr, 1);
	EXPECT_U64(r.rows[0].page_shift, 21);
	EXPECT_U64(r.rows[0].n, 8);
	EXPECT_U64(r.rows[0].threads, 1);
	EXPECT_STR(r.rows[0].note, "a\xc3\xa9\n\"b");
	bench_report_free(&r);
}

static const struct bench_change *change_of(const struct bench_change *c,
					    size_t nr, const char *op)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(c[i].row->op, op))
			return &c[i];
	return NULL;
}

DEFINE_TEST(bench_compare_verdicts)
{
	struct bench_report old = { 0 }, now = { 0 };
	const struct bench_change *x;
	struct bench_change *c;
	size_t nr, len = 0;
	char *s = NULL;
	FILE *f;

	add(&old, "kernel", "map", 100, 900, 1000, 1100);
	add(&now, "kernel", "map", 100, 1300, 1400, 1500);	/* slower */
	add(&old, "kernel", "protect", 100, 900, 1000, 1100);
	add(&now, "kernel", "protect", 100, 500, 600, 700);	/* faster */
	add(&old, "kernel", "unmap", 100, 900, 1000, 2000);
	add(&now, "kernel", "unmap", 100, 1300, 1400, 1500);	/* overlap */
	add(&old, "kernel", "unmap1", 100, 900, 1000, 1000);
	add(&now, "kernel", "unmap1", 100, 1100, 1100, 1100);	/* 1.1x */
	add(&now, "kernel", "map_run", 100, 1, 2, 3);		/* new */
	add(&old, "curve", "unmap", 1, 1, 1, 1);
	add(&now, "curve", "unmap", 1, 9, 9, 9);		/* not shown */
	nr = bench_compare(&old, &now, &c);
	EXPECT_U64(nr, 4);
	x = change_of(c, nr, "map");
	EXPECT(x && x->verdict == 1 && x->before == 10 && x->after == 14);
	x = change_of(c, nr, "protect");
	EXPECT(x && x->verdict == -1);
	x = change_of(c, nr, "unmap");
	EXPECT(x && x->verdict == 0);
	x = change_of(c, nr, "unmap1");
	EXPECT(x && x->verdict == 0);
	free(c);
	f = open_memstream(&s, &len);
	bench_print_compare(f, &old, &now, false);
	fclose(f);
	EXPECT_CONTAINS(s, "kernel   map               4k       100        10.0"
			"        14.0    1.40  slower\n");
	EXPECT_CONTAINS(s, "1 faster, 2 within noise, 1 slower; nothing slower "
			"than before: missed\n");
	free(s);
	f = open_memstream(&s, &len);
	bench_print_compare(f, &old, &now, true);
	fclose(f);
	EXPECT(json_check_lines(s) == NULL);
	EXPECT_CONTAINS(s, "\"before\": 10.00, \"after\": 6.00, \"ratio\": "
			"0.600, \"verdict\": \"faster\"}");
	EXPECT_CONTAINS(s, "{\"kind\": \"compare_summary\", \"faster\": 1, "
			"\"same\": 2, \"slower\": 1, \"met\": false}");
	free(s);
	bench_report_free(&old);
	bench_report_free(&now);
}

static char *slurp(const char *dir, const char *name)
{
	char path[256], *s = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return strdup("");
	if (getdelim(&s, &len, 0, f) < 0) {
		free(s);
		s = strdup("");
	}
	fclose(f);
	unlink(path);
	return s;
}

DEFINE_TEST(bench_plot_data)
{
	char dir[] = "/tmp/vmc-bench-plot-XXXXXX", *s;
	struct bench_report r = { 0 };
	struct bench_row *w;

	EXPECT(mkdtemp(dir) != NULL);
	add(&r, "floor", "store", 1000, 2000, 2000, 2000);
	add(&r, "kernel", "map", 1000, 25000, 25000, 25000);
	w = add(&r, "curve", "unmap", 1, 800, 900, 1000);
	w->invlpg = 1;
	add(&r, "curve", "refill", 64, 3000, 3000, 3000);
	w = add(&r, "curve", "unmap", 40, 8000, 9000, 10000);
	w->full_flushes = 1;
	EXPECT_U64(bench_write_plot_data(dir, &r), 0);
	s = slurp(dir, "curve.dat");
	EXPECT_STR(s, "# k unmap_ns ns_per_page invlpg full refill_ns\n"
		   "1 900 900.0 1 0 3000\n40 9000 225.0 0 1 0\n");
	free(s);
	/* Only ratios with a target; score = times the target reached. */
	s = slurp(dir, "ratios.dat");
	EXPECT_STR(s, "# label value target met score\n\"map: vmcursor / "
		   "store floor 4k N=1000\" 12.5 3 0 0.24\n");
	free(s);
	rmdir(dir);
	EXPECT(bench_write_plot_data("/nonexistent/dir", &r) == ENOENT);
	bench_report_free(&r);
}

DEFINE_TEST(bench_cli_replay)
{
	char path[] = "/tmp/vmc-bench-run-XXXXXX", *out, *err;
	int fd = mkstemp(path);
	FILE *f;

	EXPECT(fd >= 0);
	EXPECT_U64(run_cli(CLI("--fake", "bench", "--json", "-q", "--only",
			       "floor,kernel,ioctl", "-n", "512", "-r", "1"),
			   &out, &err), 0);
	f = fdopen(fd, "w");
	fputs(out, f);
	fclose(f);
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("bench", "--replay", path, "--previous", path),
			   &out, &err), 0);
	EXPECT_STR(err, "");
	EXPECT_CONTAINS(out, "kernel   map_run (2m)     4k       512    1");
	EXPECT_CONTAINS(out, "map_range: ioctl / in-kernel");
	EXPECT_CONTAINS(out, "Before/after: median ns per page");
	EXPECT_CONTAINS(out, "nothing slower than before: met");
	free(out);
	free(err);
	EXPECT_U64(run_cli(CLI("bench", "--replay", path, "--json"), &out, &err),
		   0);
	EXPECT(json_check_lines(out) == NULL);
	EXPECT_CONTAINS(out, "{\"kind\": \"run\", \"frame_meta\": 32");
	free(out);
	free(err);
	unlink(path);
	EXPECT_U64(run_cli(CLI("bench", "--replay", path), &out, &err), 1);
	EXPECT_CONTAINS(err, "vmcursor: bench: /tmp/vmc-bench-run-");
	EXPECT_CONTAINS(err, ": No such file or directory");
	free(out);
	free(err);
}

void register_bench_replay_tests(void)
{
	TEST(bench_load_round_trip);
	TEST(bench_load_errors);
	TEST(bench_compare_verdicts);
	TEST(bench_plot_data);
	TEST(bench_cli_replay);
}
