// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: the bench subcommand (see bench.h and docs/benchmarks.md).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench_tool.h"
#include "cli.h"
#include "json.h"
#include "print.h"
#include "util.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB	0x0004U
#endif
#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB	(21U << 26)
#endif

const char *const bench_exp_names[BX_COUNT] = {
	[BX_FLOOR] = "floor", [BX_KERNEL] = "kernel", [BX_WINDOW] = "window",
	[BX_LINUX] = "linux", [BX_IOCTL] = "ioctl", [BX_USER] = "user",
	[BX_SCALING] = "scaling", [BX_CURVE] = "curve",
	[BX_PROFILE] = "profile",
};

static const char *const kernel_op_names[VMC_BOP_LAST] = {
	[VMC_BOP_STORE] = "store", [VMC_BOP_STORE_ALLOC] = "store+alloc",
	[VMC_BOP_MAP] = "map", [VMC_BOP_PROTECT] = "protect",
	[VMC_BOP_UNMAP] = "unmap", [VMC_BOP_UNMAP1] = "unmap1",
	[VMC_BOP_DRAIN] = "deferred-free", [VMC_BOP_VMAP] = "vmap",
	[VMC_BOP_VUNMAP] = "vunmap", [VMC_BOP_VM_MAP_RAM] = "vm_map_ram",
	[VMC_BOP_VM_UNMAP_RAM] = "vm_unmap_ram",
	[VMC_BOP_VMAP_PFN] = "vmap_pfn", [VMC_BOP_VUNMAP_PFN] = "vunmap_pfn",
	[VMC_BOP_REFILL] = "refill", [VMC_BOP_MAP_MANY] = "map_many",
	[VMC_BOP_PROTECT_RANGE] = "protect_range",
};

/* Frames the ioctl experiment maps round-robin (as the kernel's). */
#define IOCTL_FRAMES_4K		512
#define IOCTL_FRAMES_2M		8
#define BENCH_BASE		(1ULL << 39)
#define USER_MAX_4K		32768	/* 128 MiB memfd, mapped repeatedly */
#define SCALING_BYTES		(1ULL << 30)
#define PROFILE_MSG		(64 * 1024)
/* As the kernel: one untimed repetition first for small runs. */
#define WARMUP_BELOW		8192

/* Options */

void bench_default_opts(struct bench_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->pages[0] = 512;
	o->pages[1] = 32768;
	o->pages[2] = 262144;
	o->nr_pages = 3;
	o->shifts[0] = 12;
	o->shifts[1] = 21;
	o->nr_shifts = 2;
	o->batches[0] = 1;
	o->batches[1] = 16;
	o->batches[2] = 256;
	o->nr_batches = 3;
	o->reps = 5;
	o->big_reps = 3;
	o->big = 131072;
	o->batch1_max = 32768;
	o->curve = 64;
	o->only = (1u << BX_COUNT) - 1;
}

static int bench_usage(FILE *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bench_usage(FILE *err, const char *fmt, ...)
{
	va_list ap;

	fputs("vmcursor: bench: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputs("\nTry 'vmcursor help' for more information.\n", err);
	return EXIT_USAGE;
}

/* A decimal number with an optional k suffix (x 1024), in [lo, hi]. */
static bool parse_num(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno)
		return false;
	if (*end == 'k' || *end == 'K') {
		if (x > UINT64_MAX / 1024)
			return false;
		x *= 1024;
		end++;
	}
	if (*end || x < lo || x > hi)
		return false;
	*v = x;
	return true;
}

/* A comma-separated list of numbers; false on any bad element. */
static bool parse_list(const char *s, uint64_t lo, uint64_t hi, uint64_t *out,
		       unsigned int *nr)
{
	char buf[256], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	*nr = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*nr == BENCH_MAX_LIST || !parse_num(tok, lo, hi, &out[*nr]))
			return false;
		(*nr)++;
	}
	return *nr > 0;
}

static bool parse_sizes(const char *s, struct bench_opts *o)
{
	char buf[64], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	o->nr_shifts = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned int shift;

		if (!strcmp(tok, "4k"))
			shift = 12;
		else if (!strcmp(tok, "2m"))
			shift = 21;
		else
			return false;
		if (o->nr_shifts == 2 ||
		    (o->nr_shifts && o->shifts[0] == shift))
			return false;
		o->shifts[o->nr_shifts++] = shift;
	}
	return o->nr_shifts > 0;
}

static bool parse_only(const char *s, unsigned int *mask)
{
	char buf[256], *tok, *save = NULL;
	unsigned int i;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < BX_COUNT && strcmp(tok, bench_exp_names[i]); i++)
			;
		if (i == BX_COUNT)
			return false;
		*mask |= 1u << i;
	}
	return *mask != 0;
}

int bench_parse_args(int argc, char **argv, struct bench_opts *o, FILE *err)
{
	static const struct option opts[] = {
		{ "pages", required_argument, NULL, 'n' },
		{ "sizes", required_argument, NULL, 's' },
		{ "reps", required_argument, NULL, 'r' },
		{ "big-reps", required_argument, NULL, 'R' },
		{ "batches", required_argument, NULL, 'b' },
		{ "batch1-max", required_argument, NULL, 'B' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "curve", required_argument, NULL, 'k' },
		{ "only", required_argument, NULL, 'o' },
		{ "skip", required_argument, NULL, 'x' },
		{ "quick", no_argument, NULL, 'Q' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "fake", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t list[BENCH_MAX_LIST], v;
	unsigned int i, nr, mask;
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+n:s:r:b:c:k:o:qjd:", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (!parse_list(optarg, 1, VMC_BENCH_MAX_PAGES,
					o->pages, &o->nr_pages))
				return bench_usage(err, "bad --pages '%s' (1.."
						   "262144 each, at most 8)",
						   optarg);
			break;
		case 's':
			if (!parse_sizes(optarg, o))
				return bench_usage(err, "bad --sizes '%s' "
						   "(4k, 2m or 4k,2m)", optarg);
			break;
		case 'r':
		case 'R':
			if (!parse_num(optarg, 1, VMC_BENCH_MAX_REPS, &v))
				return bench_usage(err, "bad repetition count "
						   "'%s' (1..101)", optarg);
			*(opt == 'r' ? &o->reps : &o->big_reps) = v;
			break;
		case 'b':
			if (!parse_list(optarg, 1, VMC_MAX_BATCH_OPS, list, &nr))
				return bench_usage(err, "bad --batches '%s' "
						   "(1..4096 each)", optarg);
			for (i = 0; i < nr; i++)
				o->batches[i] = list[i];
			o->nr_batches = nr;
			break;
		case 'B':
			if (!parse_num(optarg, 0, VMC_BENCH_MAX_PAGES,
				       &o->batch1_max))
				return bench_usage(err, "bad --batch1-max '%s'",
						   optarg);
			break;
		case 'c':
			if (!parse_num(optarg, 0, VMC_BENCH_MAX_PAGES, &v))
				return bench_usage(err, "bad --chunk '%s' (0.."
						   "262144)", optarg);
			o->chunk = v;
			break;
		case 'k':
			if (!parse_num(optarg, 1, VMC_BENCH_MAX_CURVE, &v))
				return bench_usage(err, "bad --curve '%s' (1.."
						   "256)", optarg);
			o->curve = v;
			break;
		case 'o':
		case 'x':
			if (!parse_only(optarg, &mask))
				return bench_usage(err, "bad experiment list "
						   "'%s' (see 'vmcursor help')",
						   optarg);
			o->only = opt == 'o' ? mask : o->only & ~mask;
			break;
		case 'Q':
			o->pages[0] = 512;
			o->nr_pages = 1;
			o->reps = 1;
			o->big_reps = 1;
			o->curve = 8;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'F':
			o->fake = true;
			break;
		default:
			if (optopt && strchr("nsrRbBckoxd", optopt))
				return bench_usage(err, "option '%s' needs a "
						   "value", argv[optind - 1]);
			return bench_usage(err, "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bench_usage(err, "unexpected argument '%s'",
				   argv[optind]);
	return 0;
}

/* Statistics and rows */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void bench_stats(uint64_t *s, unsigned int n, uint64_t out[5])
{
	memset(out, 0, 5 * sizeof(*out));
	if (!n)
		return;
	qsort(s, n, sizeof(*s), cmp_u64);
	out[BENCH_MIN] = s[0];
	out[BENCH_Q1] = s[(n + 3) / 4 - 1];
	out[BENCH_MED] = n & 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	out[BENCH_Q3] = s[(3 * n + 3) / 4 - 1];
	out[BENCH_MAX] = s[n - 1];
}

void bench_add_row(struct bench_report *r, const struct bench_row *row)
{
	grow_array((void **)&r->rows, &r->cap, r->nr + 1, sizeof(*row));
	r->rows[r->nr++] = *row;
}

void bench_report_free(struct bench_report *r)
{
	free(r->rows);
	free(r->profile);
	memset(r, 0, sizeof(*r));
}

double bench_per_page(const struct bench_row *row)
{
	if (!row->reps || !row->n)
		return 0;
	return (double)row->ns[BENCH_MED] / ((double)row->n * row->threads);
}

static const struct bench_row *find_row(const struct bench_report *r,
					const char *exp, const char *op,
					unsigned int shift, uint64_t n,
					unsigned int batch, unsigned int threads,
					bool separate)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		const struct bench_row *w = &r->rows[i];

		if (!strcmp(w->exp, exp) && !strcmp(w->op, op) &&
		    w->page_shift == shift && w->n == n && w->batch == batch &&
		    w->threads == threads && w->separate == separate &&
		    w->reps)
			return w;
	}
	return NULL;
}

static const char *size_name(unsigned int shift)
{
	return shift == 12 ? "4k" : shift == 21 ? "2m" : "?";
}

/* Ratios */

static void add_ratio(struct bench_ratio *out, size_t max, size_t *nr,
		      const char *name, unsigned int shift, uint64_t n,
		      double value, double target, bool at_least,
		      const char *detail)
{
	struct bench_ratio *q;

	if (*nr >= max || !(value > 0))
		return;
	q = &out[(*nr)++];
	memset(q, 0, sizeof(*q));
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->page_shift = shift;
	q->n = n;
	q->value = value;
	q->target = target;
	q->at_least = at_least;
	snprintf(q->detail, sizeof(q->detail), "%s", detail);
}

/* The fastest Linux path per page for mapping N pages of this size. */
static const struct bench_row *best_linux_map(const struct bench_report *r,
					      unsigned int shift, uint64_t n)
{
	static const char *const cand[][2] = {
		{ "linux", "vmap" }, { "linux", "vm_map_ram" },
		{ "linux", "vmap_pfn" }, { "user", "mmap" },
	};
	const struct bench_row *best = NULL, *w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cand); i++) {
		w = find_row(r, cand[i][0], cand[i][1], shift, n, 0, 1, false);
		if (w && (!best || bench_per_page(w) < bench_per_page(best)))
			best = w;
	}
	return best;
}

static void ratios_for(const struct bench_report *r, unsigned int shift,
		       uint64_t n, struct bench_ratio *out, size_t max,
		       size_t *nr)
{
	static const char *const ops[] = { "map", "protect", "unmap1" };
	const struct bench_row *vm = find_row(r, "kernel", "map", shift, n, 0, 1,
					      false);
	const struct bench_row *w, *b;
	char d[96];
	size_t i;

	b = best_linux_map(r, shift, n);
	if (vm && b) {
		snprintf(d, sizeof(d), "%s %s %.1f ns/page / kernel map %.1f",
			 b->exp, b->op, bench_per_page(b), bench_per_page(vm));
		add_ratio(out, max, nr, "map: best Linux / vmcursor", shift, n,
			  bench_per_page(b) / bench_per_page(vm),
			  shift == 12 ? 2 : 0, true, d);
	}
	w = find_row(r, "floor", "store", shift, n, 0, 1, false);
	if (vm && w) {
		snprintf(d, sizeof(d), "kernel map %.1f / store %.2f ns/page",
			 bench_per_page(vm), bench_per_page(w));
		add_ratio(out, max, nr, "map: vmcursor / store floor", shift, n,
			  bench_per_page(vm) / bench_per_page(w),
			  shift == 12 ? 3 : 0, false, d);
	}
	/* The bulk operations, against the same targets. */
	vm = find_row(r, "kernel", "map_many", shift, n, 0, 1, false);
	if (vm && b) {
		snprintf(d, sizeof(d), "%s %s %.1f ns/page / map_many %.1f",
			 b->exp, b->op, bench_per_page(b), bench_per_page(vm));
		add_ratio(out, max, nr, "map_many: best Linux / vmcursor",
			  shift, n, bench_per_page(b) / bench_per_page(vm),
			  shift == 12 ? 2 : 0, true, d);
	}
	w = find_row(r, "floor", "store", shift, n, 0, 1, false);
	if (vm && w) {
		snprintf(d, sizeof(d), "map_many %.1f / store %.2f ns/page",
			 bench_per_page(vm), bench_per_page(w));
		add_ratio(out, max, nr, "map_many: vmcursor / store floor",
			  shift, n, bench_per_page(vm) / bench_per_page(w),
			  shift == 12 ? 3 : 0, false, d);
	}
	vm = find_row(r, "window", "protect_range", shift, n, 0, 1, false);
	w = find_row(r, "user", "mprotect", shift, n, 0, 1, false);
	if (vm && w) {
		snprintf(d, sizeof(d), "mprotect %.1f / window protect_range "
			 "%.1f ns/page", bench_per_page(w), bench_per_page(vm));
		add_ratio(out, max, nr, "protect_range: mprotect / vmcursor",
			  shift, n, bench_per_page(w) / bench_per_page(vm), 2,
			  true, d);
	}
	vm = find_row(r, "window", "unmap", shift, n, 0, 1, false);
	w = find_row(r, "user", "munmap", shift, n, 0, 1, false);
	if (vm && w) {
		snprintf(d, sizeof(d), "munmap %.1f / window unmap %.1f ns/page",
			 bench_per_page(w), bench_per_page(vm));
		add_ratio(out, max, nr, "unmap: munmap / vmcursor", shift, n,
			  bench_per_page(w) / bench_per_page(vm), 2, true, d);
	}
	b = find_row(r, "kernel", "deferred-free", shift, n, 0, 1, false);
	if (vm && w && b) {
		snprintf(d, sizeof(d), "munmap %.1f / (unmap %.1f + deferred "
			 "free %.1f) ns/page", bench_per_page(w),
			 bench_per_page(vm), bench_per_page(b));
		add_ratio(out, max, nr, "unmap+free: munmap / vmcursor", shift,
			  n, bench_per_page(w) /
			  (bench_per_page(vm) + bench_per_page(b)), 0, true, d);
	}
	vm = find_row(r, "window", "protect", shift, n, 0, 1, false);
	w = find_row(r, "user", "mprotect", shift, n, 0, 1, false);
	if (vm && w) {
		snprintf(d, sizeof(d), "mprotect %.1f / window protect %.1f "
			 "ns/page", bench_per_page(w), bench_per_page(vm));
		add_ratio(out, max, nr, "protect: mprotect / vmcursor", shift,
			  n, bench_per_page(w) / bench_per_page(vm), 2, true, d);
	}
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		char name[48];

		vm = find_row(r, "kernel", ops[i], shift, n, 0, 1, false);
		w = find_row(r, "ioctl", ops[i], shift, n, 256, 1, false);
		if (!vm || !w)
			continue;
		snprintf(name, sizeof(name), "%s: ioctl x256 / in-kernel", ops[i]);
		snprintf(d, sizeof(d), "%.1f / %.1f ns per op",
			 bench_per_page(w), bench_per_page(vm));
		add_ratio(out, max, nr, name, shift, n,
			  bench_per_page(w) / bench_per_page(vm), 1.3, false, d);
	}
	vm = find_row(r, "kernel", "map", shift, n, 0, 1, false);
	if (vm && vm->table_pages && vm->table_pages_min) {
		snprintf(d, sizeof(d), "%" PRIu64 " table pages, minimum %" PRIu64
			 " (8 KiB root counts 2)", vm->table_pages,
			 vm->table_pages_min);
		add_ratio(out, max, nr, "tables: used / minimum", shift, n,
			  (double)vm->table_pages / vm->table_pages_min, 1.01,
			  false, d);
	}
}

static void scaling_ratios(const struct bench_report *r, unsigned int shift,
			   struct bench_ratio *out, size_t max, size_t *nr)
{
	static const char *const ops[] = { "map", "protect", "unmap", "store" };
	size_t i, sep;

	for (sep = 0; sep < 2; sep++) {
		for (i = 0; i < ARRAY_SIZE(ops); i++) {
			const struct bench_row *one, *two;
			char name[48], d[96];

			two = find_row(r, "scaling", ops[i], shift,
				       SCALING_BYTES >> shift, 0, 2, sep);
			one = find_row(r, "scaling", ops[i], shift,
				       SCALING_BYTES >> shift, 0, 1, false);
			if (!one || !two)
				continue;
			snprintf(name, sizeof(name), "2-thread speedup: %s%s",
				 i == 3 ? "store control" : ops[i],
				 sep ? " (separate)" : "");
			snprintf(d, sizeof(d), "2 x %.1f ms (1 thread) / %.1f ms "
				 "(2 threads)", one->ns[BENCH_MED] / 1e6,
				 two->ns[BENCH_MED] / 1e6);
			add_ratio(out, max, nr, name, shift, 0,
				  2.0 * one->ns[BENCH_MED] / two->ns[BENCH_MED],
				  1.7, true, d);
		}
	}
}

size_t bench_ratios(const struct bench_report *r, struct bench_ratio *out,
		    size_t max)
{
	static const unsigned int shifts[] = { 12, 21 };
	uint64_t seen[64];
	size_t nr = 0, nseen = 0, i, j, s;

	for (s = 0; s < ARRAY_SIZE(shifts); s++) {
		nseen = 0;
		for (i = 0; i < r->nr; i++) {
			const struct bench_row *w = &r->rows[i];

			if (w->page_shift != shifts[s] || strcmp(w->exp, "kernel"))
				continue;
			for (j = 0; j < nseen && seen[j] != w->n; j++)
				;
			if (j < nseen || nseen == ARRAY_SIZE(seen))
				continue;
			seen[nseen++] = w->n;
			ratios_for(r, shifts[s], w->n, out, max, &nr);
		}
		scaling_ratios(r, shifts[s], out, max, &nr);
	}
	if (r->frame_meta) {
		char d[96];

		snprintf(d, sizeof(d), "sizeof(struct vmc_frame); table page "
			 "metadata %u bytes", r->node_meta);
		add_ratio(out, max, &nr, "frame metadata bytes", 12, 0,
			  r->frame_meta, 32, false, d);
	}
	return nr;
}

static bool ratio_meets(const struct bench_ratio *q)
{
	return q->at_least ? q->value >= q->target : q->value <= q->target;
}

/* Printing */

static void row_note(const struct bench_row *w, char *buf, size_t len)
{
	char wait[64] = "";
	const char *parts[4] = {
		w->window ? "space loaded" : "",
		w->separate ? "regions 512 GiB apart" : "",
		wait,
		w->note,
	};
	size_t i, used = 0;

	/* Two threads: how long a cursor creation waited at worst. */
	if (w->threads > 1 && w->create_max)
		snprintf(wait, sizeof(wait), "slowest cursor creation %.3f ms",
			 w->create_max / 1e6);
	buf[0] = 0;
	for (i = 0; i < 4; i++) {
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
	else if (w->threads > 1)
		snprintf(op, sizeof(op), "%s %ut", w->op, w->threads);
	else
		snprintf(op, sizeof(op), "%s", w->op);
	if (w->table_pages)
		snprintf(tables, sizeof(tables), "%" PRIu64 "/%" PRIu64,
			 w->table_pages, w->table_pages_min);
	if (!w->reps) {
		fprintf(out, "%-8s %-16s %-4s %7" PRIu64 "  %-58s %s\n", w->exp,
			op, size_name(w->page_shift), w->n, "n/a", note);
		return;
	}
	fprintf(out, "%-8s %-16s %-4s %7" PRIu64 " %4u %10.1f %11.3f "
		"%9.3f..%-9.3f %8" PRIu64 " %5" PRIu64 " %11s %s\n",
		w->exp, op, size_name(w->page_shift), w->n, w->reps,
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
				size_name(w->page_shift), w->reps);
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
	struct bench_ratio q[128];
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
				 ratio_meets(&q[i]) ? "met" : "missed");
		fprintf(out, "%-38s %-4s %7s %9.2f %10s  %s\n", q[i].name,
			size_name(q[i].page_shift), n, q[i].value, target,
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
	json_kv_string(&j, "page_size", size_name(w->page_shift));
	json_kv_u64(&j, "n", w->n);
	json_kv_u64(&j, "reps", w->reps);
	json_kv_u64(&j, "batch", w->batch);
	json_kv_u64(&j, "threads", w->threads);
	json_kv_u64(&j, "cursors", w->cursors);
	json_kv_bool(&j, "loaded", w->window);
	json_kv_bool(&j, "separate", w->separate);
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
	struct bench_ratio q[128];
	struct json j;
	size_t i, nq;

	for (i = 0; i < r->nr; i++)
		json_row(out, &r->rows[i]);
	nq = bench_ratios(r, q, ARRAY_SIZE(q));
	for (i = 0; i < nq; i++) {
		json_init(&j, out);
		json_begin_object(&j);
		json_kv_string(&j, "kind", "ratio");
		json_kv_string(&j, "name", q[i].name);
		json_kv_string(&j, "page_size", size_name(q[i].page_shift));
		if (q[i].n)
			json_kv_u64(&j, "n", q[i].n);
		else
			json_kv_null(&j, "n");
		json_kv_double(&j, "value", q[i].value, 3);
		if (q[i].target) {
			json_kv_string(&j, "target_kind",
				       q[i].at_least ? "at_least" : "at_most");
			json_kv_double(&j, "target", q[i].target, 2);
			json_kv_bool(&j, "met", ratio_meets(&q[i]));
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

/* Running */

struct bench_ctx {
	struct vmcl *be;
	const struct bench_opts *o;
	struct bench_report *r;
	FILE *err;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static unsigned int reps_for(const struct bench_opts *o, uint64_t n)
{
	return n >= o->big ? o->big_reps : o->reps;
}

static void progress(struct bench_ctx *x, const char *what, unsigned int shift,
		     uint64_t n, unsigned int reps)
{
	if (!x->o->quiet)
		fprintf(x->err, "bench: %-8s %s N=%-7" PRIu64 " %u rep%s\n", what,
			size_name(shift), n, reps, reps == 1 ? "" : "s");
}

static void fail(struct bench_ctx *x, const char *what, unsigned int shift,
		 uint64_t n, int err)
{
	char ebuf[ERRNO_BUF];

	errno_text(err, ebuf);
	fprintf(x->err, "vmcursor: bench: %s %s N=%" PRIu64 ": %s (%s)%s\n",
		what, size_name(shift), n, strerror(err), ebuf,
		err == EPERM ? " - VMC_IOC_BENCH needs CAP_SYS_ADMIN" :
		err == ENOTTY ? " - does the module have VMC_IOC_BENCH?" : "");
	x->r->failures++;
}

static void base_row(struct bench_row *w, const char *exp, const char *op,
		     unsigned int shift, uint64_t n)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->exp, sizeof(w->exp), "%s", exp);
	snprintf(w->op, sizeof(w->op), "%s", op);
	w->page_shift = shift;
	w->n = n;
	w->threads = 1;
	w->cursors = 1;
}

static const char *kernel_label(uint32_t experiment)
{
	switch (experiment) {
	case VMC_BENCH_FLOOR:
		return "floor";
	case VMC_BENCH_WINDOW:
		return "window";
	case VMC_BENCH_LINUX:
		return "linux";
	case VMC_BENCH_SCALING:
		return "scaling";
	case VMC_BENCH_CURVE:
		return "curve";
	default:
		return "kernel";
	}
}

static void kernel_note(const struct vmc_bench_result *res, char *note,
			size_t len)
{
	switch (res->op) {
	case VMC_BOP_STORE:
		snprintf(note, len, "memory-write floor");
		break;
	case VMC_BOP_DRAIN:
		snprintf(note, len, "after unmap: RCU grace period + frees");
		break;
	case VMC_BOP_VMAP:
	case VMC_BOP_VUNMAP:
		if (!res->reps)
			snprintf(note, len, "vmap() refuses more pages than RAM");
		else if (res->op == VMC_BOP_VUNMAP)
			snprintf(note, len, "TLB flush lazy (batched purge)");
		break;
	case VMC_BOP_VM_UNMAP_RAM:
	case VMC_BOP_VUNMAP_PFN:
		if (res->reps)
			snprintf(note, len, "TLB flush lazy (batched purge)");
		else
			snprintf(note, len, "vmap_pfn unavailable");
		break;
	case VMC_BOP_VMAP_PFN:
		snprintf(note, len, res->reps ? "apply_to_page_range, non-RAM "
			 "pfns" : "vmap_pfn unavailable");
		break;
	default:
		break;
	}
}

/* One VMC_IOC_BENCH call; its results become rows. */
static int kernel_exp(struct bench_ctx *x, uint32_t experiment,
		      unsigned int shift, uint64_t n, unsigned int reps,
		      unsigned int threads, uint32_t flags)
{
	const char *label = kernel_label(experiment);
	struct vmc_bench_result *res;
	struct vmc_bench b;
	char *msg = NULL;
	unsigned int i;
	int err;

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.flags = flags;
	b.experiment = experiment;
	b.page_shift = shift;
	b.nr_pages = n;
	b.reps = reps;
	b.chunk = x->o->chunk;
	b.threads = threads;
	b.max_results = 2 * VMC_BENCH_MAX_CURVE;
	b.result_size = sizeof(*res);
	res = xcalloc(b.max_results, sizeof(*res));
	b.results = (uintptr_t)res;
	if (experiment == VMC_BENCH_PROFILE) {
		msg = xcalloc(1, PROFILE_MSG);
		b.msg = (uintptr_t)msg;
		b.msg_len = PROFILE_MSG;
	}
	err = -vmcl_ioctl_bench(x->be, &b);
	if (err) {
		fail(x, experiment == VMC_BENCH_PROFILE ? "profile" : label,
		     shift, n, err);
		goto out;
	}
	x->r->frame_meta = b.out_frame_meta;
	x->r->node_meta = b.out_node_meta;
	for (i = 0; i < b.out_nr_results && i < b.max_results; i++) {
		const struct vmc_bench_result *s = &res[i];
		struct bench_row w;

		base_row(&w, label, s->op < VMC_BOP_LAST && kernel_op_names[s->op] ?
			 kernel_op_names[s->op] : "?", s->page_shift, s->nr_pages);
		w.reps = s->reps;
		w.threads = s->threads ? s->threads : 1;
		w.cursors = s->cursors;
		w.window = s->flags & VMC_BRES_WINDOW;
		w.separate = s->flags & VMC_BRES_SEPARATE;
		w.ns[BENCH_MIN] = s->ns_min;
		w.ns[BENCH_Q1] = s->ns_q1;
		w.ns[BENCH_MED] = s->ns_median;
		w.ns[BENCH_Q3] = s->ns_q3;
		w.ns[BENCH_MAX] = s->ns_max;
		w.invlpg = s->invlpg;
		w.full_flushes = s->full_flushes;
		w.ipis = s->ipis;
		w.table_pages = s->table_pages;
		w.table_pages_min = s->table_pages_min;
		w.create_max = s->create_ns_max;
		kernel_note(s, w.note, sizeof(w.note));
		if (experiment == VMC_BENCH_SCALING && s->op == VMC_BOP_STORE)
			snprintf(w.note, sizeof(w.note), "control: 64 x N stores "
				 "into private tables, nothing shared");
		if (experiment == VMC_BENCH_PROFILE)
			continue;
		bench_add_row(x->r, &w);
	}
	if (msg && b.out_msg_len) {
		free(x->r->profile);
		x->r->profile = xstrndup(msg, b.out_msg_len);
	}
out:
	free(msg);
	free(res);
	return err;
}

/* ioctl batches: the same operations through VMC_IOC_BATCH */

enum ioctl_kind { IK_MAP, IK_PROTECT, IK_UNMAP1, IK_UNMAP_ALL, IK_COUNT };

static const char *const ioctl_op_names[IK_COUNT] = {
	"map", "protect", "unmap1", "unmap",
};

struct ioctl_run {
	uint32_t *handles;
	unsigned int nr_handles;
	unsigned int shift;
	struct vmc_op *ops;
	struct vmc_op_result *res;
	unsigned int calls;
};

static void ioctl_fill(struct ioctl_run *k, enum ioctl_kind kind, uint64_t first,
		       unsigned int nb)
{
	uint64_t ps = 1ULL << k->shift;
	unsigned int j;

	memset(k->ops, 0, nb * sizeof(*k->ops));
	for (j = 0; j < nb; j++) {
		struct vmc_op *op = &k->ops[j];

		switch (kind) {
		case IK_MAP:
			op->code = VMC_OP_MAP;
			op->handle = k->handles[(first + j) % k->nr_handles];
			op->prop = VMC_PROP_R | VMC_PROP_W;
			op->level = k->shift == 12 ? 1 : 2;
			break;
		case IK_PROTECT:
			op->code = VMC_OP_PROTECT_NEXT;
			op->len = (uint64_t)(nb - j) * ps;
			op->change = VMC_CHANGE_CLEAR;
			op->prop = VMC_PROP_W;
			break;
		case IK_UNMAP1:
			op->code = VMC_OP_UNMAP;
			op->len = ps;
			break;
		default:
			op->code = VMC_OP_UNMAP;
			op->len = (uint64_t)nb * ps;
			break;
		}
	}
}

/* All N pages, @per ops per call (IK_UNMAP_ALL: one op per call). */
static int ioctl_pass(struct bench_ctx *x, struct ioctl_run *k,
		      enum ioctl_kind kind, uint64_t n, unsigned int per)
{
	uint64_t ps = 1ULL << k->shift, i;
	unsigned int nb, j;
	int err;

	k->calls = 0;
	for (i = 0; i < n; i += nb) {
		struct vmc_batch b;

		nb = n - i < per ? n - i : per;
		ioctl_fill(k, kind, i, kind == IK_UNMAP_ALL ? 1 : nb);
		if (kind == IK_UNMAP_ALL)
			k->ops[0].len = (uint64_t)nb * ps;
		memset(&b, 0, sizeof(b));
		b.size = sizeof(b);
		b.start = BENCH_BASE + i * ps;
		b.end = b.start + nb * ps;
		b.ops = (uintptr_t)k->ops;
		b.results = (uintptr_t)k->res;
		b.nr_ops = kind == IK_UNMAP_ALL ? 1 : nb;
		b.op_size = sizeof(*k->ops);
		b.result_size = sizeof(*k->res);
		err = -vmcl_ioctl_batch(x->be, &b);
		if (err)
			return err;
		k->calls++;
		for (j = 0; j < b.nr_ops; j++)
			if (j >= b.out_nr_done || k->res[j].error)
				return j < b.out_nr_done ? -k->res[j].error : EIO;
	}
	return 0;
}

/*
 * Unmap everything (empty tables included), then run the invariant checker,
 * which also waits for the deferred frees and checks that every frame is
 * back to its handle's one reference.
 */
static int ioctl_reset(struct bench_ctx *x, struct ioctl_run *k, uint64_t n)
{
	struct vmc_check c;
	int err;

	err = ioctl_pass(x, k, IK_UNMAP_ALL, n, VMC_BENCH_MAX_PAGES);
	if (err)
		return err;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	err = -vmcl_ioctl_check(x->be, &c);
	if (!err && (c.out_violations || c.out_mappings))
		err = EUCLEAN;
	return err;
}

static int ioctl_stats(struct bench_ctx *x, struct vmc_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	return -vmcl_ioctl_stats(x->be, s);
}

static int ioctl_batch_size(struct bench_ctx *x, struct ioctl_run *k,
			    uint64_t n, unsigned int batch, unsigned int reps)
{
	static const enum ioctl_kind kinds[] = { IK_MAP, IK_PROTECT, IK_UNMAP1 };
	uint64_t *samples = xcalloc((size_t)reps * 3, sizeof(*samples));
	struct bench_row rows[3];
	unsigned int rep, i, warm = n < WARMUP_BELOW;
	int err = 0;

	for (i = 0; i < 3; i++) {
		base_row(&rows[i], "ioctl", ioctl_op_names[kinds[i]], k->shift, n);
		rows[i].batch = batch;
	}
	for (rep = 0; rep < reps + warm && !err; rep++) {
		for (i = 0; i < 3 && !err; i++) {
			struct vmc_stats s0, s1;
			uint64_t t;

			err = ioctl_stats(x, &s0);
			t = now_ns();
			err = err ?: ioctl_pass(x, k, kinds[i], n, batch);
			t = now_ns() - t;
			err = err ?: ioctl_stats(x, &s1);
			if (err)
				break;
			if (rep >= warm)
				samples[i * reps + rep - warm] = t;
			rows[i].cursors = k->calls;
			rows[i].invlpg = s1.out_invlpg - s0.out_invlpg;
			rows[i].full_flushes = s1.out_full_flushes -
					       s0.out_full_flushes;
			rows[i].ipis = s1.out_ipis - s0.out_ipis;
		}
		err = err ?: ioctl_reset(x, k, n);
	}
	for (i = 0; i < 3 && !err; i++) {
		rows[i].reps = reps;
		bench_stats(&samples[i * reps], reps, rows[i].ns);
		snprintf(rows[i].note, sizeof(rows[i].note),
			 "%u ioctls, timed in userspace", rows[i].cursors);
		bench_add_row(x->r, &rows[i]);
	}
	free(samples);
	return err;
}

static int ioctl_exp(struct bench_ctx *x, unsigned int shift, uint64_t n,
		     unsigned int reps)
{
	struct ioctl_run k;
	unsigned int i, maxb = 1;
	int err = 0;

	memset(&k, 0, sizeof(k));
	k.shift = shift;
	k.nr_handles = shift == 12 ? IOCTL_FRAMES_4K : IOCTL_FRAMES_2M;
	k.handles = xcalloc(k.nr_handles, sizeof(*k.handles));
	for (i = 0; i < x->o->nr_batches; i++)
		maxb = x->o->batches[i] > maxb ? x->o->batches[i] : maxb;
	k.ops = xcalloc(maxb, sizeof(*k.ops));
	k.res = xcalloc(maxb, sizeof(*k.res));
	for (i = 0; i < k.nr_handles && !err; i++) {
		struct vmc_frame_alloc a;

		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.order = shift == 12 ? VMC_FRAME_4K : VMC_FRAME_2M;
		err = -vmcl_ioctl_frame_alloc(x->be, &a);
		k.handles[i] = a.out_handle;
	}
	for (i = 0; i < x->o->nr_batches && !err; i++) {
		unsigned int batch = x->o->batches[i];
		struct bench_row w;

		if (batch == 1 && n > x->o->batch1_max) {
			base_row(&w, "ioctl", "map", shift, n);
			w.batch = 1;
			snprintf(w.note, sizeof(w.note), "skipped: N > "
				 "--batch1-max %" PRIu64, x->o->batch1_max);
			bench_add_row(x->r, &w);
			continue;
		}
		progress(x, "ioctl", shift, n, reps);
		err = ioctl_batch_size(x, &k, n, batch, reps);
	}
	if (err)
		fail(x, "ioctl", shift, n, err);
	for (i = 0; i < k.nr_handles; i++) {
		struct vmc_frame_drop d;

		if (!k.handles[i])
			continue;
		memset(&d, 0, sizeof(d));
		d.size = sizeof(d);
		d.handle = k.handles[i];
		vmcl_ioctl_frame_drop(x->be, &d);
	}
	free(k.handles);
	free(k.ops);
	free(k.res);
	return err;
}

/* Linux from userspace: mmap(MAP_POPULATE) of a populated memfd */

static long free_huge_pages(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/"
			"free_hugepages", "r");
	long v = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%ld", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

static void user_unavailable(struct bench_ctx *x, unsigned int shift,
			     uint64_t n, const char *why)
{
	static const char *const ops[] = { "mmap", "mprotect", "munmap" };
	struct bench_row w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		base_row(&w, "user", ops[i], shift, n);
		snprintf(w.note, sizeof(w.note), "%s", why);
		bench_add_row(x->r, &w);
	}
}

/* One repetition: the three calls timed into t[0..2]. */
static int user_rep(int fd, unsigned int shift, uint64_t n, uint64_t per,
		    uint64_t t[3], unsigned int *calls)
{
	uint64_t ps = 1ULL << shift, len = n * ps, off, s;
	char *res, *base;
	int err = 0;

	res = mmap(NULL, len + ps, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return errno;
	base = (char *)(((uintptr_t)res + ps - 1) & ~(uintptr_t)(ps - 1));
	*calls = 0;
	s = now_ns();
	for (off = 0; off < n && !err; off += per) {
		uint64_t m = n - off < per ? n - off : per;

		if (mmap(base + off * ps, m * ps, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd, 0) ==
		    MAP_FAILED)
			err = errno;
		(*calls)++;
	}
	t[0] = now_ns() - s;
	s = now_ns();
	if (!err && mprotect(base, len, PROT_READ))
		err = errno;
	t[1] = now_ns() - s;
	s = now_ns();
	if (munmap(base, len) && !err)
		err = errno;
	t[2] = now_ns() - s;
	if (base > res)
		munmap(res, base - res);
	munmap(base + len, res + len + ps - (base + len));
	return err;
}

static int user_exp(struct bench_ctx *x, unsigned int shift, uint64_t n,
		    unsigned int reps)
{
	static const char *const ops[] = { "mmap", "mprotect", "munmap" };
	uint64_t ps = 1ULL << shift, per, *samples, t[3];
	unsigned int rep, i, calls = 0, warm = n < WARMUP_BELOW;
	int fd, err = 0;

	if (shift == 12) {
		per = n < USER_MAX_4K ? n : USER_MAX_4K;
		fd = memfd_create("vmcursor-bench", 0);
	} else {
		per = free_huge_pages();
		per = per > 64 ? 64 : per;
		per = n < per ? n : per;
		if (!per) {
			user_unavailable(x, shift, n, "no free 2 MiB huge pages "
					 "(set vm.nr_hugepages)");
			return 0;
		}
		fd = memfd_create("vmcursor-bench", MFD_HUGETLB | MFD_HUGE_2MB);
	}
	if (fd < 0) {
		user_unavailable(x, shift, n, "memfd_create failed");
		return 0;
	}
	if (ftruncate(fd, per * ps) || fallocate(fd, 0, 0, per * ps)) {
		err = errno;
		close(fd);
		fail(x, "user", shift, n, err);
		return err;
	}
	samples = xcalloc((size_t)reps * 3, sizeof(*samples));
	progress(x, "user", shift, n, reps);
	for (rep = 0; rep < reps + warm && !err; rep++) {
		err = user_rep(fd, shift, n, per, t, &calls);
		for (i = 0; rep >= warm && i < 3; i++)
			samples[i * reps + rep - warm] = t[i];
	}
	close(fd);
	for (i = 0; i < 3 && !err; i++) {
		struct bench_row w;

		base_row(&w, "user", ops[i], shift, n);
		w.reps = reps;
		w.cursors = i ? 1 : calls;
		bench_stats(&samples[i * reps], reps, w.ns);
		if (!i)
			snprintf(w.note, sizeof(w.note), "memfd of %" PRIu64
				 " %s pages, %u mmaps%s", per, size_name(shift),
				 calls, shift == 21 ? " (hugetlb)" : "");
		bench_add_row(x->r, &w);
	}
	if (err)
		fail(x, "user", shift, n, err);
	free(samples);
	return err;
}

static bool want(const struct bench_opts *o, enum bench_exp e)
{
	return o->only & (1u << e);
}

static void run_size(struct bench_ctx *x, unsigned int shift, uint64_t n)
{
	unsigned int reps = reps_for(x->o, n);

	if (want(x->o, BX_FLOOR)) {
		progress(x, "floor", shift, n, reps);
		kernel_exp(x, VMC_BENCH_FLOOR, shift, n, reps, 0, 0);
	}
	if (want(x->o, BX_KERNEL)) {
		progress(x, "kernel", shift, n, reps);
		kernel_exp(x, VMC_BENCH_CURSOR, shift, n, reps, 0, 0);
	}
	if (want(x->o, BX_WINDOW)) {
		progress(x, "window", shift, n, reps);
		kernel_exp(x, VMC_BENCH_WINDOW, shift, n, reps, 0, 0);
	}
	if (want(x->o, BX_LINUX) && shift == 12) {
		progress(x, "linux", shift, n, reps);
		kernel_exp(x, VMC_BENCH_LINUX, shift, n, reps, 0, 0);
	}
	if (want(x->o, BX_IOCTL))
		ioctl_exp(x, shift, n, reps);
	if (want(x->o, BX_USER))
		user_exp(x, shift, n, reps);
}

void bench_run(struct vmcl *be, const struct bench_opts *o,
	       struct bench_report *r, FILE *err)
{
	struct bench_ctx x = { .be = be, .o = o, .r = r, .err = err };
	uint64_t maxn = 0, n;
	unsigned int s, i;

	for (i = 0; i < o->nr_pages; i++)
		maxn = o->pages[i] > maxn ? o->pages[i] : maxn;
	for (s = 0; s < o->nr_shifts; s++)
		for (i = 0; i < o->nr_pages; i++)
			run_size(&x, o->shifts[s], o->pages[i]);
	/*
	 * 1 GiB per thread: 262144 4k leaves. (With 2m leaves it would be 512
	 * leaves, well under a millisecond: thread start-up would dominate.)
	 */
	if (want(o, BX_SCALING)) {
		n = SCALING_BYTES >> 12;
		progress(&x, "scaling", 12, n, reps_for(o, n));
		if (!kernel_exp(&x, VMC_BENCH_SCALING, 12, n, reps_for(o, n), 1,
				0)) {
			kernel_exp(&x, VMC_BENCH_SCALING, 12, n, reps_for(o, n),
				   2, 0);
			kernel_exp(&x, VMC_BENCH_SCALING, 12, n, reps_for(o, n),
				   2, VMC_BENCH_SEPARATE);
		}
	}
	if (want(o, BX_CURVE)) {
		progress(&x, "curve", 12, o->curve, o->reps);
		kernel_exp(&x, VMC_BENCH_CURVE, 12, o->curve, o->reps, 0, 0);
	}
	if (want(o, BX_PROFILE) && maxn) {
		progress(&x, "profile", 12, maxn, 1);
		kernel_exp(&x, VMC_BENCH_PROFILE, 12, maxn, 1, 0, 0);
	}
}
