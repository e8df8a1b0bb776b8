// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: what is done with a run read back: before/after against
 * the run before it, and the data files of the plots (`make bench` draws
 * them with gnuplot).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bench_int.h"
#include "cli.h"
#include "json.h"
#include "util.h"

static const char *const verdict_names[] = { "faster", "same", "slower" };

/*
 * Slower only when the runs' ranges do not overlap and the medians differ
 * by more than BENCH_NOISE: under TCG on a shared host one repetition in a
 * few is off by far more than a real change would be.
 */
static int verdict(const struct bench_row *old, const struct bench_row *now)
{
	double ratio = (double)now->ns[BENCH_MED] / old->ns[BENCH_MED];

	if (ratio > BENCH_NOISE && now->ns[BENCH_MIN] > old->ns[BENCH_MAX])
		return 1;
	if (ratio < 1 / BENCH_NOISE && now->ns[BENCH_MAX] < old->ns[BENCH_MIN])
		return -1;
	return 0;
}

size_t bench_compare(const struct bench_report *old,
		     const struct bench_report *now, struct bench_change **out)
{
	size_t i, nr = 0;

	*out = xcalloc(now->nr + 1, sizeof(**out));
	for (i = 0; i < now->nr; i++) {
		const struct bench_row *w = &now->rows[i], *o;
		struct bench_change *c = &(*out)[nr];

		/* The curve has its own plot; 128 rows of it would drown these. */
		if (!w->reps || !strcmp(w->exp, "curve"))
			continue;
		o = bench_find_row(old, w->exp, w->op, w->page_shift, w->n,
				   w->batch, w->threads,
				   (w->separate ? BV_SEPARATE : 0) |
				   (w->pieces ? BV_PIECES : 0));
		if (!o || !o->ns[BENCH_MED])
			continue;
		c->row = w;
		c->before = bench_per_page(o);
		c->after = bench_per_page(w);
		c->verdict = verdict(o, w);
		nr++;
	}
	return nr;
}

static void op_label(const struct bench_row *w, char *buf, size_t len)
{
	if (w->batch)
		snprintf(buf, len, "%s x%u", w->op, w->batch);
	else if (w->pieces)
		snprintf(buf, len, "%s (2m)", w->op);
	else if (w->threads > 1)
		snprintf(buf, len, "%s %ut%s", w->op, w->threads,
			 w->separate ? " sep" : "");
	else
		snprintf(buf, len, "%s", w->op);
}

static void compare_json(FILE *out, const struct bench_change *c)
{
	const struct bench_row *w = c->row;
	struct json j;

	json_init(&j, out);
	json_begin_object(&j);
	json_kv_string(&j, "kind", "compare");
	json_kv_string(&j, "experiment", w->exp);
	json_kv_string(&j, "op", w->op);
	json_kv_string(&j, "page_size", bench_size_name(w->page_shift));
	json_kv_u64(&j, "n", w->n);
	json_kv_u64(&j, "batch", w->batch);
	json_kv_u64(&j, "threads", w->threads);
	json_kv_bool(&j, "separate", w->separate);
	json_kv_bool(&j, "pieces", w->pieces);
	json_kv_double(&j, "before", c->before, 2);
	json_kv_double(&j, "after", c->after, 2);
	json_kv_double(&j, "ratio", c->after / c->before, 3);
	json_kv_string(&j, "verdict", verdict_names[c->verdict + 1]);
	json_end_object(&j);
	fputc('\n', out);
}

static void compare_summary(FILE *out, const unsigned int count[3], bool json)
{
	struct json j;

	if (!json) {
		fprintf(out, "%u faster, %u within noise, %u slower; nothing "
			"slower than before: %s\n", count[0], count[1],
			count[2], count[2] ? "missed" : "met");
		return;
	}
	json_init(&j, out);
	json_begin_object(&j);
	json_kv_string(&j, "kind", "compare_summary");
	json_kv_u64(&j, "faster", count[0]);
	json_kv_u64(&j, "same", count[1]);
	json_kv_u64(&j, "slower", count[2]);
	json_kv_bool(&j, "met", !count[2]);
	json_end_object(&j);
	fputc('\n', out);
}

void bench_print_compare(FILE *out, const struct bench_report *old,
			 const struct bench_report *now, bool json)
{
	unsigned int count[3] = { 0 };
	struct bench_change *c;
	size_t i, nr = bench_compare(old, now, &c);
	char op[40];

	if (!json)
		fprintf(out, "\nBefore/after: median ns per page (per op for "
			"ioctl rows), previous run / this run\n%-8s %-17s "
			"%-4s %7s %11s %11s %7s  %s\n", "exp", "op", "size",
			"N", "before", "after", "after/", "verdict");
	for (i = 0; i < nr; i++) {
		count[c[i].verdict + 1]++;
		if (json) {
			compare_json(out, &c[i]);
			continue;
		}
		op_label(c[i].row, op, sizeof(op));
		fprintf(out, "%-8s %-17s %-4s %7" PRIu64 " %11.1f %11.1f %7.2f  "
			"%s\n", c[i].row->exp, op,
			bench_size_name(c[i].row->page_shift), c[i].row->n,
			c[i].before, c[i].after, c[i].after / c[i].before,
			verdict_names[c[i].verdict + 1]);
	}
	compare_summary(out, count, json);
	free(c);
}

static FILE *plot_file(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fopen(path, "w");
}

/* k, unmap ns, ns per page, INVLPGs, full flushes, refill ns. */
static void plot_curve(FILE *f, const struct bench_report *r)
{
	size_t i;

	fprintf(f, "# k unmap_ns ns_per_page invlpg full refill_ns\n");
	for (i = 0; i < r->nr; i++) {
		const struct bench_row *w = &r->rows[i], *refill;

		if (strcmp(w->exp, "curve") || strcmp(w->op, "unmap"))
			continue;
		refill = i + 1 < r->nr && !strcmp(r->rows[i + 1].op, "refill") ?
			 &r->rows[i + 1] : NULL;
		fprintf(f, "%" PRIu64 " %" PRIu64 " %.1f %" PRIu64 " %" PRIu64
			" %" PRIu64 "\n", w->n, w->ns[BENCH_MED],
			bench_per_page(w), w->invlpg, w->full_flushes,
			refill ? refill->ns[BENCH_MED] : 0);
	}
}

/*
 * The ratios that have a target: label, value, target, met, and the
 * score, how many times the target it reaches (>= 1: met), whichever way
 * the target points.
 */
static void plot_ratios(FILE *f, const struct bench_report *r)
{
	struct bench_ratio q[BENCH_MAX_RATIOS];
	size_t i, nq = bench_ratios(r, q, ARRAY_SIZE(q));

	fprintf(f, "# label value target met score\n");
	for (i = 0; i < nq; i++) {
		char n[24] = "";

		if (!q[i].target)
			continue;
		if (q[i].n)
			snprintf(n, sizeof(n), " N=%" PRIu64, q[i].n);
		fprintf(f, "\"%s %s%s\" %.4g %.4g %d %.4g\n", q[i].name,
			bench_size_name(q[i].page_shift), n, q[i].value,
			q[i].target, bench_ratio_meets(&q[i]),
			q[i].at_least ? q[i].value / q[i].target :
			q[i].target / q[i].value);
	}
}

int bench_write_plot_data(const char *dir, const struct bench_report *r)
{
	FILE *c = plot_file(dir, "curve.dat"), *q = plot_file(dir, "ratios.dat");
	int err = c && q ? 0 : errno;

	if (c)
		plot_curve(c, r);
	if (q)
		plot_ratios(q, r);
	if ((c && fclose(c)) || (q && fclose(q)))
		err = err ?: errno;
	return err;
}

static int load_file(const char *path, struct bench_report *r, FILE *err)
{
	FILE *f = fopen(path, "r");
	char why[128];
	int e;

	if (!f) {
		e = errno;
		fprintf(err, "vmcursor: bench: %s: %s\n", path, strerror(e));
		return e;
	}
	e = bench_load(f, r, why, sizeof(why));
	fclose(f);
	if (e)
		fprintf(err, "vmcursor: bench: %s: %s\n", path, why);
	return e;
}

int bench_replay(const struct bench_opts *o, bool json, FILE *out, FILE *err)
{
	struct bench_report now, old = { 0 };
	int e = load_file(o->replay, &now, err);

	if (e)
		return EXIT_FAILED;
	if (o->previous)
		e = load_file(o->previous, &old, err);
	if (json)
		bench_print_json(out, &now);
	else
		bench_print_text(out, &now);
	if (o->previous && !e)
		bench_print_compare(out, &old, &now, json);
	if (o->plot && bench_write_plot_data(o->plot, &now)) {
		fprintf(err, "vmcursor: bench: cannot write the plot data in "
			"%s: %s\n", o->plot, strerror(errno));
		e = EIO;
	}
	bench_report_free(&old);
	e = e || now.failures ? EXIT_FAILED : EXIT_OK;
	bench_report_free(&now);
	return e;
}
