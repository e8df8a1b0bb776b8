// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: the bench report as a table or as JSON lines.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bench_int.h"
#include "json.h"
#include "util.h"

static void row_note(const struct bench_row *w, char *buf, size_t len)
{
	char wait[64] = "", loaded[64] = "";
	const char *parts[5] = {
		loaded,
		w->separate ? "regions 512 GiB apart" : "",
		w->pieces ? "4k pieces of 2m frames" : "",
		wait,
		w->note,
	};
	size_t i, used = 0;

	/* Each window flushes on its own: say when there were several. */
	if (w->window && w->windows > 1)
		snprintf(loaded, sizeof(loaded), "space loaded, %u windows "
			 "(smallest %" PRIu64 " pages)", w->windows, w->window_min);
	else if (w->window)
		snprintf(loaded, sizeof(loaded), "space loaded");
	/* Two threads: how long a cursor creation waited at worst. */
	if (w->threads > 1 && w->create_max)
		snprintf(wait, sizeof(wait), "slowest cursor creation %.3f ms",
			 w->create_max / 1e6);
	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		if (!parts[i][0] || used >= len)
			continue;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? "; " : "", parts[i]);
	}
}

static void text_row(FILE *out, const struct bench_row *w)
{
	char note[224], tables[48] = "", op[40];

	row_note(w, note, sizeof(note));
	if (w->batch)
		snprintf(op, sizeof(op), "%s x%u", w->op, w->batch);
	else if (w->pieces)
		snprintf(op, sizeof(op), "%s (2m)", w->op);
	else if (w->threads > 1)
		snprintf(op, sizeof(op), "%s %ut", w->op, w->threads);
	else
		snprintf(op, sizeof(op), "%s", w->op);
	if (w->table_pages)
		snprintf(tables, sizeof(tables), "%" PRIu64 "/%" PRIu64,
			 w->table_pages, w->table_pages_min);
	if (!w->reps) {
		fprintf(out, "%-8s %-16s %-4s %7" PRIu64 "  %-58s %s\n", w->exp,
			op, bench_size_name(w->page_shift), w->n, "n/a", note);
		return;
	}
	fprintf(out, "%-8s %-16s %-4s %7" PRIu64 " %4u %10.1f %11.3f "
		"%9.3f..%-9.3f %8" PRIu64 " %5" PRIu64 " %11s %s\n",
		w->exp, op, bench_size_name(w->page_shift), w->n, w->reps,
		bench_per_page(w), w->ns[BENCH_MED] / 1e6,
		w->ns[BENCH_MIN] / 1e6, w->ns[BENCH_MAX] / 1e6, w->invlpg,
		w->full_flushes, tables, note);
}

static void text_curve(FILE *out, const struct bench_report *r)
{
	const struct bench_row *refill;
	bool head = false;
	size_t i;

	for (i = 0; i < r->nr; i++) {
		const struct bench_row *w = &r->rows[i];

		if (strcmp(w->exp, "curve") || strcmp(w->op, "unmap"))
			continue;
		if (!head) {
			fprintf(out, "\nFlush cost curve: unmap of k contiguous "
				"%s pages, space loaded (median of %u)\n"
				"   k   unmap ns   ns/page  invlpg  full  "
				"refill ns (64 pages touched after)\n",
				bench_size_name(w->page_shift), w->reps);
			head = true;
		}
		refill = i + 1 < r->nr && !strcmp(r->rows[i + 1].op, "refill") ?
			 &r->rows[i + 1] : NULL;
		fprintf(out, "%4" PRIu64 " %10" PRIu64 " %9.1f %7" PRIu64
			" %5" PRIu64 " %10" PRIu64 "\n", w->n, w->ns[BENCH_MED],
			bench_per_page(w), w->invlpg, w->full_flushes,
			refill ? refill->ns[BENCH_MED] : 0);
	}
}

void bench_print_text(FILE *out, const struct bench_report *r)
{
	struct bench_ratio q[BENCH_MAX_RATIOS];
	size_t i, nq;

	fprintf(out, "%-8s %-16s %-4s %7s %4s %10s %11s %20s %8s %5s %11s %s\n",
		"exp", "op", "size", "N", "reps", "ns/page", "median ms",
		"min..max ms", "invlpg", "full", "tables", "notes");
	for (i = 0; i < r->nr; i++)
		if (strcmp(r->rows[i].exp, "curve"))
			text_row(out, &r->rows[i]);
	text_curve(out, r);
	nq = bench_ratios(r, q, ARRAY_SIZE(q));
	if (nq)
		fprintf(out, "\nRatios (same run) against the targets\n"
			"%-38s %-4s %7s %9s %10s  %s\n", "ratio", "size", "N",
			"value", "target", "from");
	for (i = 0; i < nq; i++) {
		char n[24] = "-", target[24] = "-";

		if (q[i].n)
			snprintf(n, sizeof(n), "%" PRIu64, q[i].n);
		if (q[i].target)
			snprintf(target, sizeof(target), "%s %.2f %s",
				 q[i].at_least ? ">=" : "<=", q[i].target,
				 bench_ratio_meets(&q[i]) ? "met" : "missed");
		fprintf(out, "%-38s %-4s %7s %9.2f %10s  %s\n", q[i].name,
			bench_size_name(q[i].page_shift), n, q[i].value, target,
			q[i].detail);
	}
	if (r->profile)
		fprintf(out, "\nProfile (in-kernel, sampled)\n%s", r->profile);
	fprintf(out, "\nTimes are ns of the guest's clock; under QEMU TCG they "
		"measure the emulator, so compare ratios, not absolutes.\n");
}

static void json_row(FILE *out, const struct bench_row *w)
{
	static const char *const stat[] = { "min", "q1", "median", "q3", "max" };
	struct json j;
	size_t i;

	json_init(&j, out);
	json_begin_object(&j);
	json_kv_string(&j, "kind", "measurement");
	json_kv_string(&j, "experiment", w->exp);
	json_kv_string(&j, "op", w->op);
	json_kv_string(&j, "page_size", bench_size_name(w->page_shift));
	json_kv_u64(&j, "n", w->n);
	json_kv_u64(&j, "reps", w->reps);
	json_kv_u64(&j, "batch", w->batch);
	json_kv_u64(&j, "threads", w->threads);
	json_kv_u64(&j, "cursors", w->cursors);
	json_kv_bool(&j, "loaded", w->window);
	if (w->windows) {
		json_kv_u64(&j, "windows", w->windows);
		json_kv_u64(&j, "window_min", w->window_min);
	}
	json_kv_bool(&j, "separate", w->separate);
	json_kv_bool(&j, "pieces", w->pieces);
	if (w->reps) {
		json_kv_double(&j, "ns_per_page", bench_per_page(w), 2);
		json_key(&j, "ns");
		json_begin_object(&j);
		for (i = 0; i < 5; i++)
			json_kv_u64(&j, stat[i], w->ns[i]);
		json_end_object(&j);
	} else {
		json_kv_null(&j, "ns_per_page");
		json_kv_null(&j, "ns");
	}
	json_kv_u64(&j, "invlpg", w->invlpg);
	json_kv_u64(&j, "full_flushes", w->full_flushes);
	json_kv_u64(&j, "ipis", w->ipis);
	if (w->table_pages) {
		json_kv_u64(&j, "table_pages", w->table_pages);
		json_kv_u64(&j, "table_pages_min", w->table_pages_min);
	}
	if (w->create_max)
		json_kv_u64(&j, "create_ns_max", w->create_max);
	if (w->note[0])
		json_kv_string(&j, "note", w->note);
	json_end_object(&j);
	fputc('\n', out);
}

void bench_print_json(FILE *out, const struct bench_report *r)
{
	struct bench_ratio q[BENCH_MAX_RATIOS];
	struct json j;
	size_t i, nq;

	/* What a replay needs that no row holds. */
	json_init(&j, out);
	json_begin_object(&j);
	json_kv_string(&j, "kind", "run");
	json_kv_u64(&j, "frame_meta", r->frame_meta);
	json_kv_u64(&j, "node_meta", r->node_meta);
	json_kv_u64(&j, "failures", r->failures);
	json_end_object(&j);
	fputc('\n', out);
	for (i = 0; i < r->nr; i++)
		json_row(out, &r->rows[i]);
	nq = bench_ratios(r, q, ARRAY_SIZE(q));
	for (i = 0; i < nq; i++) {
		json_init(&j, out);
		json_begin_object(&j);
		json_kv_string(&j, "kind", "ratio");
		json_kv_string(&j, "name", q[i].name);
		json_kv_string(&j, "page_size", bench_size_name(q[i].page_shift));
		if (q[i].n)
			json_kv_u64(&j, "n", q[i].n);
		else
			json_kv_null(&j, "n");
		json_kv_double(&j, "value", q[i].value, 3);
		if (q[i].target) {
			json_kv_string(&j, "target_kind",
				       q[i].at_least ? "at_least" : "at_most");
			json_kv_double(&j, "target", q[i].target, 2);
			json_kv_bool(&j, "met", bench_ratio_meets(&q[i]));
		}
		json_kv_string(&j, "from", q[i].detail);
		json_end_object(&j);
		fputc('\n', out);
	}
	if (r->profile) {
		json_init(&j, out);
		json_begin_object(&j);
		json_kv_string(&j, "kind", "profile");
		json_kv_string(&j, "text", r->profile);
		json_end_object(&j);
		fputc('\n', out);
	}
}
