// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: the bench subcommand's options and rows (see bench_tool.h,
 * bench_int.h and docs/benchmarks.md).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bench_int.h"
#include "cli.h"
#include "util.h"

const char *const bench_exp_names[BX_COUNT] = {
	[BX_FLOOR] = "floor", [BX_KERNEL] = "kernel", [BX_WINDOW] = "window",
	[BX_LINUX] = "linux", [BX_IOCTL] = "ioctl", [BX_USER] = "user",
	[BX_SCALING] = "scaling", [BX_CURVE] = "curve",
	[BX_PROFILE] = "profile",
};

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
		{ "replay", required_argument, NULL, 'P' },
		{ "previous", required_argument, NULL, 'V' },
		{ "plot", required_argument, NULL, 'G' },
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
		case 'P':
			o->replay = optarg;
			break;
		case 'V':
			o->previous = optarg;
			break;
		case 'G':
			o->plot = optarg;
			break;
		default:
			if (optopt && strchr("nsrRbBckoxdPVG", optopt))
				return bench_usage(err, "option '%s' needs a "
						   "value", argv[optind - 1]);
			return bench_usage(err, "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bench_usage(err, "unexpected argument '%s'",
				   argv[optind]);
	if ((o->previous || o->plot) && !o->replay)
		return bench_usage(err, "--previous and --plot need --replay");
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

const struct bench_row *bench_find_row(const struct bench_report *r,
				       const char *exp, const char *op,
				       unsigned int shift, uint64_t n,
				       unsigned int batch, unsigned int threads,
				       unsigned int variant)
{
	bool separate = variant & BV_SEPARATE, pieces = variant & BV_PIECES;
	size_t i;

	for (i = 0; i < r->nr; i++) {
		const struct bench_row *w = &r->rows[i];

		if (!strcmp(w->exp, exp) && !strcmp(w->op, op) &&
		    w->page_shift == shift && w->n == n && w->batch == batch &&
		    w->threads == threads && w->separate == separate &&
		    w->pieces == pieces && w->reps)
			return w;
	}
	return NULL;
}

const char *bench_size_name(unsigned int shift)
{
	return shift == 12 ? "4k" : shift == 21 ? "2m" : "?";
}
