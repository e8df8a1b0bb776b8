/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: what the bench subcommand's files share (bench.c: options
 * and rows; bench_ratio.c: the targets; bench_print.c: output;
 * bench_run.c: the in-kernel and mmap experiments; bench_ioctl.c and
 * bench_range.c: the device's batches of per-leaf and range ops;
 * bench_load.c: reading a run back; bench_compare.c: before/after and
 * plot data).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_BENCH_INT_H
#define VMC_BENCH_INT_H

#include "bench_tool.h"

/* Where every experiment's region starts: 512 GiB, as in the kernel. */
#define BENCH_BASE		(1ULL << 39)
#define SCALING_BYTES		(1ULL << 30)
/* As the kernel: one untimed repetition first for small runs. */
#define WARMUP_BELOW		8192

/* Variants of a row, for bench_find_row(). */
#define BV_SEPARATE		(1u << 0)
#define BV_PIECES		(1u << 1)

#define BENCH_MAX_RATIOS	256

/**
 * struct bench_ctx - one bench run
 * @be: the device (or the fake)
 * @o: the options
 * @r: the report being filled
 * @err: progress and error messages
 */
struct bench_ctx {
	struct vmcl *be;
	const struct bench_opts *o;
	struct bench_report *r;
	FILE *err;
};

const struct bench_row *bench_find_row(const struct bench_report *r,
				       const char *exp, const char *op,
				       unsigned int shift, uint64_t n,
				       unsigned int batch, unsigned int threads,
				       unsigned int variant);
const char *bench_size_name(unsigned int shift);
bool bench_ratio_meets(const struct bench_ratio *q);

/* bench_run.c, for bench_ioctl.c */
uint64_t bench_now_ns(void);
void bench_progress(struct bench_ctx *x, const char *what, unsigned int shift,
		    uint64_t n, unsigned int reps);
void bench_fail(struct bench_ctx *x, const char *what, unsigned int shift,
		uint64_t n, int err);
void bench_base_row(struct bench_row *w, const char *exp, const char *op,
		    unsigned int shift, uint64_t n);

/* bench_ioctl.c */
int bench_ioctl_stats(struct bench_ctx *x, struct vmc_stats *s);
/* The invariant checker: 0 when consistent and nothing is mapped. */
int bench_check_empty(struct bench_ctx *x);
int bench_ioctl_exp(struct bench_ctx *x, unsigned int shift, uint64_t n,
		    unsigned int reps);

/* bench_range.c */
int bench_range_exp(struct bench_ctx *x, unsigned int shift, uint64_t n,
		    unsigned int reps);

#endif /* VMC_BENCH_INT_H */
