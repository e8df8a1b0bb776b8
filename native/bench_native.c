// SPDX-License-Identifier: GPL-2.0
/*
 * The cursor's costs on the host CPU: the engine built natively at -O2,
 * without sanitizers, contracts (VMC_DEBUG) or test hooks, timed as the
 * in-kernel CURSOR and FLOOR experiments time it (bench/bench_cursor.c,
 * on bench/bench_work.c): N leaves over a region at 512 GiB, frames reused
 * round-robin (512 of 4 KiB, or 8 of 2 MiB), one cursor over the whole
 * region, and
 *
 *   map            vmc_cursor_map() per leaf
 *   map_many       one vmc_cursor_map_many() of all N
 *   map_run        one vmc_cursor_map_run() per 2 MiB frame (4k of 2m
 *                  only: the leaves of a run share one frame)
 *   protect_next   vmc_cursor_protect_next() until it finds nothing (-w),
 *                  each range issued to the flusher, one dispatch
 *   protect_range  one vmc_cursor_protect_range() (-w), one flush range
 *   unmap          one vmc_cursor_unmap() of the region: whole tables are
 *                  detached, their leaves released later
 *   drain          vmc_space_drain() after it: the deferred frees (the
 *                  tables, the leaves' frame references)
 *   store          the floor: N 8-byte stores of leaf values into table
 *                  pages allocated beforehand
 *
 * for 4 KiB leaves, 2 MiB leaves, and 4 KiB leaves that are the 512
 * pieces of one 2 MiB frame after another (a user mapping a buffer).
 * Each figure is ns per leaf over REPS repetitions, median and minimum,
 * and the median's ratio to the floor's median for the same leaf size.
 *
 *   vmcursor-bench-native [--levels 4|5] [--pages N] [--reps R]
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pt.h"

#define BENCH_BASE	BIT_ULL(39)
#define BENCH_PROP	(VMC_PROP_R | VMC_PROP_W | VMC_PRIV_USER)
#define BENCH_MAX_REPS	101

enum bench_kind { BENCH_4K, BENCH_2M, BENCH_PIECES, BENCH_NR_KINDS };
enum bench_op {
	OP_STORE, OP_MAP, OP_MAP_MANY, OP_MAP_RUN, OP_PROTECT,
	OP_PROTECT_RANGE, OP_UNMAP, OP_DRAIN, OP_NR,
};

static const char *const kind_name[BENCH_NR_KINDS] = {
	"4k", "2m", "4k of 2m",
};
static const char *const op_name[OP_NR] = {
	"store (floor)", "map", "map_many", "map_run", "protect_next",
	"protect_range", "unmap", "drain",
};

struct bench {
	enum bench_kind kind;
	int level;
	unsigned int shift;
	u64 n;
	unsigned int reps;
	struct vmc_space *space;
	struct vmc_cursor c;
	struct vmc_frame **frames;
	unsigned int nr_frames;
	struct vmc_item *items;
	u64 ns[OP_NR][BENCH_MAX_REPS];
	bool done[OP_NR];
};

static void die(const char *what)
{
	fprintf(stderr, "vmcursor-bench-native: %s\n", what);
	exit(1);
}

static u32 bench_clear_w(u32 prop, const void *arg)
{
	return prop & ~VMC_PROP_W;
}

static u64 bench_end(const struct bench *b)
{
	return BENCH_BASE + (b->n << b->shift);
}

/* The items, as the kernel's benchmark maps them; pieces: one frame per 512. */
static void bench_setup(struct bench *b)
{
	unsigned int order = b->kind == BENCH_4K ? 0 : 9, i;
	u64 k;

	b->level = b->kind == BENCH_2M ? 2 : 1;
	b->shift = b->kind == BENCH_2M ? 21 : 12;
	b->nr_frames = order ? 8 : 512;
	b->frames = calloc(b->nr_frames, sizeof(*b->frames));
	b->items = calloc(b->n, sizeof(*b->items));
	if (!b->frames || !b->items)
		die("out of memory");
	for (i = 0; i < b->nr_frames; i++) {
		b->frames[i] = vmc_frame_alloc(order, GFP_KERNEL);
		if (IS_ERR(b->frames[i]))
			die("no frame");
	}
	for (k = 0; k < b->n; k++) {
		struct vmc_item *it = &b->items[k];

		if (b->kind == BENCH_PIECES) {
			it->frame = b->frames[(k / VMC_PTES_PER_NODE) % b->nr_frames];
			it->pa = vmc_frame_pa(it->frame) +
				 (k % VMC_PTES_PER_NODE) * VMC_PAGE_SIZE;
		} else {
			it->frame = b->frames[k % b->nr_frames];
			it->pa = vmc_frame_pa(it->frame);
		}
		it->level = b->level;
		it->prop = BENCH_PROP;
	}
	b->space = vmc_space_create(0, 0);
	if (IS_ERR(b->space))
		die("no space");
}

static void bench_teardown(struct bench *b)
{
	unsigned int i;

	vmc_space_drain(b->space);
	vmc_space_destroy(b->space);
	for (i = 0; i < b->nr_frames; i++)
		vmc_frame_put(b->frames[i], 1);
	free(b->frames);
	free(b->items);
}

/* One operation over the region with a fresh cursor; its time in ns. */
static u64 bench_op(struct bench *b, enum bench_op op)
{
	struct vmc_protect_op clr = { .fn = bench_clear_w };
	struct vmc_flusher *f = vmc_cursor_flusher(&b->c);
	u64 t, i, s, e, count;
	unsigned long done;
	int err = 0;

	if (vmc_cursor_create(&b->c, b->space, BENCH_BASE, bench_end(b)))
		die("no cursor");
	t = ktime_get_ns();
	switch (op) {
	case OP_MAP:
		for (i = 0; i < b->n && !err; i++)
			err = vmc_cursor_map(&b->c, &b->items[i]);
		break;
	case OP_MAP_MANY:
		err = vmc_cursor_map_many(&b->c, b->items, b->n, &done);
		break;
	case OP_MAP_RUN:
		for (i = 0; i < b->n && !err; i += VMC_PTES_PER_NODE)
			err = vmc_cursor_map_run(&b->c, &b->items[i],
						 min_t(u64, b->n - i,
						       VMC_PTES_PER_NODE),
						 &done);
		break;
	case OP_PROTECT:
		while ((err = vmc_cursor_protect_next(&b->c,
				bench_end(b) - vmc_cursor_virt_addr(&b->c),
				&clr, &s, &e)) > 0)
			vmc_flusher_issue_range(f, s, e);
		vmc_flusher_dispatch(f);
		break;
	case OP_PROTECT_RANGE:
		err = vmc_cursor_protect_range(&b->c, b->n << b->shift, &clr,
					       &count);
		vmc_flusher_issue_range(f, BENCH_BASE, bench_end(b));
		vmc_flusher_dispatch(f);
		break;
	default:
		err = vmc_cursor_unmap(&b->c, b->n << b->shift, &count);
		break;
	}
	t = ktime_get_ns() - t;
	vmc_cursor_destroy(&b->c);
	if (err)
		die("a cursor operation failed");
	return t;
}

/* The deferred frees an unmap left; its time in ns. */
static u64 bench_drain(struct bench *b)
{
	u64 t = ktime_get_ns();

	vmc_space_drain(b->space);
	return ktime_get_ns() - t;
}

/* An unmap, then its deferred frees, untimed. */
static void bench_clear(struct bench *b)
{
	bench_op(b, OP_UNMAP);
	bench_drain(b);
}

/* The floor: N leaf values stored into tables allocated beforehand. */
static u64 bench_store(struct bench *b)
{
	u64 nt = DIV_ROUND_UP(b->n, VMC_PTES_PER_NODE), t, k, j, left;
	u64 v = vmc_pte_encode_leaf(BIT_ULL(32), b->level, BENCH_PROP, true);
	u64 step = 1ULL << b->shift;
	struct page **pages = calloc(nt, sizeof(*pages));
	u64 **tabs = calloc(nt, sizeof(*tabs));

	if (!pages || !tabs)
		die("out of memory");
	for (k = 0; k < nt; k++) {
		pages[k] = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
		if (!pages[k])
			die("out of memory");
		tabs[k] = page_address(pages[k]);
	}
	t = ktime_get_ns();
	for (k = 0, left = b->n; left; k++) {
		u64 m = min_t(u64, left, VMC_PTES_PER_NODE);

		for (j = 0; j < m; j++, v += step)
			WRITE_ONCE(tabs[k][j], v);
		left -= m;
	}
	t = ktime_get_ns() - t;
	for (k = 0; k < nt; k++)
		__free_pages(pages[k], 0);
	free(pages);
	free(tabs);
	return t;
}

static void bench_run(struct bench *b)
{
	unsigned int r;

	bench_setup(b);
	/* One untimed round: the arena's pages and the caches warm up. */
	bench_op(b, OP_MAP_MANY);
	bench_clear(b);
	for (r = 0; r < b->reps; r++) {
		b->ns[OP_STORE][r] = bench_store(b);
		if (b->kind == BENCH_PIECES) {
			b->ns[OP_MAP][r] = bench_op(b, OP_MAP);
			bench_clear(b);
			b->ns[OP_MAP_MANY][r] = bench_op(b, OP_MAP_MANY);
			bench_clear(b);
			b->ns[OP_MAP_RUN][r] = bench_op(b, OP_MAP_RUN);
			bench_clear(b);
			continue;
		}
		b->ns[OP_MAP][r] = bench_op(b, OP_MAP);
		b->ns[OP_PROTECT][r] = bench_op(b, OP_PROTECT);
		b->ns[OP_UNMAP][r] = bench_op(b, OP_UNMAP);
		b->ns[OP_DRAIN][r] = bench_drain(b);
		b->ns[OP_MAP_MANY][r] = bench_op(b, OP_MAP_MANY);
		b->ns[OP_PROTECT_RANGE][r] = bench_op(b, OP_PROTECT_RANGE);
		bench_clear(b);
	}
	b->done[OP_STORE] = b->done[OP_MAP] = b->done[OP_MAP_MANY] = true;
	b->done[OP_MAP_RUN] = b->kind == BENCH_PIECES;
	b->done[OP_PROTECT] = b->done[OP_PROTECT_RANGE] = b->done[OP_UNMAP] =
		b->done[OP_DRAIN] = b->kind != BENCH_PIECES;
	bench_teardown(b);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static double per_leaf(const struct bench *b, u64 ns)
{
	return (double)ns / (double)b->n;
}

static void bench_print(struct bench *b)
{
	double floor_med;
	unsigned int op;

	for (op = 0; op < OP_NR; op++)
		qsort(b->ns[op], b->reps, sizeof(u64), cmp_u64);
	floor_med = per_leaf(b, b->ns[OP_STORE][b->reps / 2]);
	for (op = 0; op < OP_NR; op++) {
		double med, min;

		if (!b->done[op])
			continue;
		med = per_leaf(b, b->ns[op][b->reps / 2]);
		min = per_leaf(b, b->ns[op][0]);
		printf("| %-8s | %-13s | %8.2f | %8.2f | %7.2f |\n",
		       kind_name[b->kind], op_name[op], med, min,
		       med / floor_med);
	}
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, len, "unknown CPU");
	while (f && fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && v) {
			snprintf(buf, len, "%s", v + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	static struct bench b;
	unsigned long pages = 262144, reps = 11;
	int levels = 4, i;
	char cpu[128];

	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			goto usage;
		if (!strcmp(argv[i], "--levels"))
			levels = atoi(v);
		else if (!strcmp(argv[i], "--pages"))
			pages = strtoul(v, NULL, 0);
		else if (!strcmp(argv[i], "--reps"))
			reps = strtoul(v, NULL, 0);
		else
			goto usage;
		i++;
	}
	if ((levels != 4 && levels != 5) || !pages || pages % 512 ||
	    pages > (1UL << 24) || !reps || reps > BENCH_MAX_REPS)
		goto usage;
	vmc_native_set_cpu(levels, VMC_NATIVE_PAT);
	if (vmc_engine_init())
		die("engine set-up failed");
	cpu_model(cpu, sizeof(cpu));
	printf("vmcursor native benchmarks: %s; %d-level paging; %lu leaves, %lu repetitions\n",
	       cpu, levels, pages, reps);
	printf("ns per leaf, median and minimum; x floor = median / the store floor's median\n\n");
	printf("| leaves   | operation     |   median |      min | x floor |\n");
	printf("|----------|---------------|---------:|---------:|--------:|\n");
	for (i = 0; i < BENCH_NR_KINDS; i++) {
		memset(&b, 0, sizeof(b));
		b.kind = i;
		b.n = pages;
		b.reps = reps;
		bench_run(&b);
		bench_print(&b);
	}
	return 0;
usage:
	fprintf(stderr, "usage: %s [--levels 4|5] [--pages N (a multiple of 512)] [--reps R (1..%d)]\n",
		argv[0], BENCH_MAX_REPS);
	return 2;
}
