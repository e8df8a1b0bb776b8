/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: the bench subcommand. The in-kernel measurements come
 * from VMC_IOC_BENCH; the ioctl-batch and mmap measurements are taken
 * here, timed from userspace. Every measurement becomes one row; the rows
 * print as a table or as one JSON object each, followed by the ratios the
 * performance targets are about.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_BENCH_TOOL_H
#define VMC_BENCH_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmcursor.h"

#define BENCH_MAX_LIST	8

/* Experiments, as bit numbers of bench_opts.only. */
enum bench_exp {
	BX_FLOOR,	/* PTE stores into preallocated tables */
	BX_KERNEL,	/* the cursor in-kernel, space not loaded */
	BX_WINDOW,	/* the cursor in-kernel, space loaded (real flushes) */
	BX_LINUX,	/* vmap, vm_map_ram, vmap_pfn in-kernel */
	BX_IOCTL,	/* the cursor through VMC_IOC_BATCH */
	BX_USER,	/* mmap(MAP_POPULATE) of a memfd, mprotect, munmap */
	BX_SCALING,	/* 1 vs 2 threads on disjoint 1 GiB regions */
	BX_CURVE,	/* unmap of k = 1..K pages, flush kind per k */
	BX_PROFILE,	/* sampled in-kernel profile */
	BX_COUNT,
};

extern const char *const bench_exp_names[BX_COUNT];

/**
 * struct bench_opts - what to measure
 * @pages: the N values
 * @shifts: page sizes, as shifts (12, 21)
 * @batches: ops per VMC_IOC_BATCH call
 * @reps: repetitions below @big pages
 * @big_reps: repetitions from @big pages on
 * @batch1_max: largest N measured with one op per ioctl (slow)
 * @chunk: pages per cursor in-kernel (0: one cursor for all N)
 * @curve: largest k of the flush curve
 * @only: bit mask of enum bench_exp to run
 * @quiet: no progress lines on stderr
 * @json, @fake, @device: the global options, also accepted after "bench"
 * @replay: instead of measuring, read the JSON lines of an earlier run
 * @previous: with @replay, an older run to compare with (before/after)
 * @plot: with @replay, a directory for the plots' data files
 */
struct bench_opts {
	uint64_t pages[BENCH_MAX_LIST];
	unsigned int nr_pages;
	unsigned int shifts[2];
	unsigned int nr_shifts;
	unsigned int batches[BENCH_MAX_LIST];
	unsigned int nr_batches;
	unsigned int reps;
	unsigned int big_reps;
	uint64_t big;
	uint64_t batch1_max;
	uint32_t chunk;
	unsigned int curve;
	unsigned int only;
	bool quiet;
	bool json;
	bool fake;
	const char *device;
	const char *replay;
	const char *previous;
	const char *plot;
};

/**
 * struct bench_row - one measurement
 * @exp: experiment ("floor", "kernel", "window", "linux", "ioctl", "user",
 *	"scaling", "curve")
 * @op: what was timed ("map", "protect", "unmap", "vmap", "mmap", ...)
 * @page_shift: 12 or 21
 * @n: pages per repetition (per thread for scaling; k for the curve)
 * @reps: repetitions (0: not measured, see @note)
 * @batch: ops per ioctl (ioctl rows), else 0
 * @threads: threads at once
 * @cursors: cursors (or ioctls) per repetition
 * @window: the space was loaded, so flushes executed
 * @windows: activation windows in the last repetition (0: not loaded);
 *	each dispatches its own flushes
 * @window_min: pages in the smallest of them
 * @separate: scaling regions in separate level-3 tables (512 GiB apart)
 * @pieces: 4 KiB leaves that are the pieces of 2 MiB frames, 512 each
 * @ns: min, q1, median, q3, max over repetitions, for all @n pages
 * @invlpg: INVLPGs per repetition
 * @full_flushes: full flushes per repetition
 * @ipis: flush IPIs per repetition
 * @table_pages: table pages after the map (0: not reported)
 * @table_pages_min: the fewest the layout allows
 * @create_max: longest cursor creation (ns) in the last repetition; with
 *	two threads it includes waiting for the other one's locks
 * @note: free text
 */
struct bench_row {
	char exp[12];
	char op[16];
	unsigned int page_shift;
	uint64_t n;
	unsigned int reps;
	unsigned int batch;
	unsigned int threads;
	unsigned int cursors;
	bool window;
	unsigned int windows;
	uint64_t window_min;
	bool separate;
	bool pieces;
	uint64_t ns[5];
	uint64_t invlpg;
	uint64_t full_flushes;
	uint64_t ipis;
	uint64_t table_pages;
	uint64_t table_pages_min;
	uint64_t create_max;
	char note[80];
};

enum { BENCH_MIN, BENCH_Q1, BENCH_MED, BENCH_Q3, BENCH_MAX };

struct bench_report {
	struct bench_row *rows;
	size_t nr;
	size_t cap;
	char *profile;
	uint32_t frame_meta;
	uint32_t node_meta;
	unsigned int failures;
};

/**
 * struct bench_ratio - one ratio of two measurements of the same run
 * @name: what it compares
 * @page_shift: page size of both
 * @n: N of both (0 when it does not apply)
 * @value: the ratio
 * @target: the target, or 0 for none
 * @at_least: the target is a lower bound (else an upper bound)
 * @detail: how it was computed
 */
struct bench_ratio {
	char name[48];
	unsigned int page_shift;
	uint64_t n;
	double value;
	double target;
	bool at_least;
	char detail[128];
};

void bench_default_opts(struct bench_opts *o);
/* Parse argv (argv[0] is "bench"); 0, or 2 after printing why on @err. */
int bench_parse_args(int argc, char **argv, struct bench_opts *o, FILE *err);
/* min, q1, median, q3, max (nearest rank, as the kernel); sorts @s. */
void bench_stats(uint64_t *s, unsigned int n, uint64_t out[5]);
void bench_add_row(struct bench_report *r, const struct bench_row *row);
void bench_report_free(struct bench_report *r);
/* Median ns per page (per page and thread for scaling); 0 if unmeasured. */
double bench_per_page(const struct bench_row *row);
size_t bench_ratios(const struct bench_report *r, struct bench_ratio *out,
		    size_t max);
void bench_print_text(FILE *out, const struct bench_report *r);
void bench_print_json(FILE *out, const struct bench_report *r);
/* Run everything @o asks for on @be; progress and errors go to @err. */
void bench_run(struct vmcl *be, const struct bench_opts *o,
	       struct bench_report *r, FILE *err);

/**
 * struct bench_change - one row of two runs, before and after
 * @row: the row of the new run
 * @before: its median ns per page in the old run
 * @after: the same in the new run
 * @verdict: -1 faster, 0 within noise, 1 slower: the runs' min..max
 *	ranges do not overlap and the medians differ by more than
 *	BENCH_NOISE
 */
struct bench_change {
	const struct bench_row *row;
	double before;
	double after;
	int verdict;
};

#define BENCH_NOISE	1.15

/* Read a report back from the JSON lines bench_print_json() wrote. */
int bench_load(FILE *in, struct bench_report *r, char *why, size_t len);
/* Each measured row of @now that @old has too; a malloc'ed array. */
size_t bench_compare(const struct bench_report *old,
		     const struct bench_report *now,
		     struct bench_change **out);
void bench_print_compare(FILE *out, const struct bench_report *old,
			 const struct bench_report *now, bool json);
/*
 * --replay: print the run read from o->replay (and before/after against
 * o->previous; plot data into o->plot); an exit status.
 */
int bench_replay(const struct bench_opts *o, bool json, FILE *out, FILE *err);
/* curve.dat and ratios.dat in @dir, for gnuplot; 0 or an errno. */
int bench_write_plot_data(const char *dir, const struct bench_report *r);

#endif /* VMC_BENCH_TOOL_H */
