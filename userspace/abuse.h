/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor-abuse: what the suite's files share (abuse.c: the runner, the
 * helpers and the ABI v1 cases; abuse_v2.c: the ABI v2 cases; abuse_fuzz.c:
 * the structure-aware fuzzer; abuse_stall.c: the worst-case stall case).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_ABUSE_H
#define VMC_ABUSE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <vmcursor/ioctl.h>
#include "vmcursor.h"

#define PAGE		4096ull
#define SZ_2M		(2ull << 20)
#define SZ_1G		(1ull << 30)
#define SZ_512G		(1ull << 39)
#define KERNEL_VA	0xffff888000000000ull	/* the direct map */
#define KERNEL_TEXT	0xffffffff81000000ull
#define NONCANONICAL	0x8000000000000000ull
#define PARAMS		"/sys/module/vmcursor/parameters/"
#define DEBUGFS_STATS	"/sys/kernel/debug/vmcursor/stats"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define KSFT_SKIP	4	/* kselftest's exit status for "skipped" */
#define offsetofend(t, m) (offsetof(t, m) + sizeof(((t *)0)->m))

#define RW	(VMC_PROP_R | VMC_PROP_W)
#define RO	VMC_PROP_R

/* ---- options and global state (abuse.c) ---------------------------------- */

extern const char *g_dev;
extern uint64_t g_seed;
extern unsigned int g_iters;
extern unsigned int g_seconds;
extern struct vmc_info g_info;		/* of a fresh space, read at start */
extern char *g_none;	/* a PROT_NONE page: an unmapped user pointer */
extern char *g_ro;	/* a page toggled read-only around some calls */
extern char *g_edge;	/* a read-write page followed by a PROT_NONE one */
extern const char *g_cur;		/* the running case's name */
extern atomic_bool g_ok;		/* the running case has not failed */

/* The fuzzer's options (abuse_fuzz.c reads them). */
extern unsigned int g_fuzz_seconds;	/* time budget, 0: none */
extern unsigned long g_fuzz_ioctls;	/* stop after this many, 0: none */
extern unsigned int g_fuzz_procs;	/* worker processes */
extern unsigned int g_fuzz_threads;	/* threads per worker */

/* ---- cases and reporting ------------------------------------------------- */

void add_case(void (*fn)(const void *), const void *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A failed expectation: print why and fail the current case. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Information that does not fail the case. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Skip the current case with a reason (KTAP "# SKIP reason"), unless it
 * has already failed: a skip never hides a failure.
 */
void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *ename(int e);
bool want(const char *what, int got, int exp);
bool want_in(const char *what, int got, const int *set, size_t n);
bool want_u64(const char *what, uint64_t got, uint64_t exp);

/* The cases of the other files, registered by abuse.c's build_cases(). */
void abuse_v2_cases(void);
void abuse_fuzz_cases(void);
void abuse_stall_cases(void);

/* ---- helpers ------------------------------------------------------------- */

int xio(struct vmcl *vm, unsigned long req, const void *arg);
struct vmcl *vopen(void);
void *xcalloc(size_t n, size_t size);
void *map_pages(size_t n, int prot);
void set_ro(bool ro);
uint64_t now_ns(void);
uint64_t rnd(uint64_t *s);
uint64_t rnd_below(uint64_t *s, uint64_t n);

int frame_alloc(struct vmcl *vm, uint32_t order, uint32_t *handle);
int frame_drop(struct vmcl *vm, uint32_t handle);
int batch(struct vmcl *vm, uint64_t start, uint64_t end, uint32_t flags,
	  const struct vmc_op *ops, uint32_t n, struct vmc_op_result *res,
	  uint32_t *done);
int probe(struct vmcl *vm, uint64_t va, void *buf, uint64_t len, bool write,
	  uint64_t *done);
int stats(struct vmcl *vm, bool global, struct vmc_stats *st);
bool check_clean(struct vmcl *vm, const char *when);

struct vmc_op op_va(void);
struct vmc_op op_query(void);
struct vmc_op op_flush(void);
struct vmc_op op_jump(uint64_t va);
struct vmc_op op_find(uint64_t len);
struct vmc_op op_unmap(uint64_t len);
struct vmc_op op_map(uint32_t handle, uint64_t offset, uint32_t prop,
		     uint32_t level);
struct vmc_op op_protect(uint64_t len, uint32_t change, uint32_t prop);

int map_at(struct vmcl *vm, uint64_t va, uint32_t handle, uint64_t offset,
	   uint32_t prop, uint32_t level);
int unmap_at(struct vmcl *vm, uint64_t va, uint64_t len);

/* ---- snapshots: "nothing changed" ----------------------------------------- */

struct snap {
	struct vmc_check chk;
	struct vmc_stats st;
	struct vmc_mapping *maps;
	size_t nmaps;
	bool valid;
};

/* What snap_same() compares besides the mappings and frame counts. */
#define SNAP_TABLES	(1u << 0)	/* the checker's table-page count */
#define SNAP_NO_AD	(1u << 1)	/* ignore the accessed and dirty bits */

bool snap_take(struct vmcl *vm, struct snap *s, const char *when);
void snap_free(struct snap *s);
bool snap_same(const char *what, const struct snap *a, const struct snap *b,
	       unsigned int how);

/*
 * The populated space most cases start from (handles in struct pop):
 *   0x000000  h4 rw 4k (A, D set by a probe write of "abuse")
 *   0x001000  h4 r  4k
 *   0x002000  hz -  4k (no access)
 *   0x200000  h2 rw 2m
 *   0x600000  h2+0x1000 r-x 4k
 *   0x601000  hx rw 4k, whose handle is dropped
 */
struct pop {
	uint32_t h4, h2, hz, hx;
};

bool populate(struct vmcl *vm, struct pop *p);
struct vmcl *open_populated(struct pop *p);
bool fails_cleanly(struct vmcl *vm, const char *what, unsigned long req,
		   const void *arg, int exp, unsigned int how);
void fill_results(struct vmc_op_result *res, size_t n);
bool results_not_run(const struct vmc_op_result *res, size_t n);

/*
 * Run one op after a jump to @at in a batch over [0, 16m); it must fail
 * with @exp, leave the cursor at @at and change nothing.
 */
void op_fails(struct vmcl *vm, const char *what, uint64_t at, struct vmc_op op,
	      int exp);

bool param_read(const char *name, char *val, size_t len);
bool param_write(const char *name, const char *val);

/* ---- the module-wide counters --------------------------------------------- */

/* /sys/kernel/debug/vmcursor/stats, by line name ("frames", "pinned_pages") */
struct dbg_stats {
	long long v[24];
	bool ok;
};

bool dbg_read(struct dbg_stats *d);
long long dbg_get(const struct dbg_stats *d, const char *name);
/*
 * Wait (up to @ms) until the debugfs frames, table_pages and pinned_pages
 * equal those of @base: deferred frees run after their flushes. Returns
 * true when they do; *@last gets the final reading.
 */
bool dbg_wait_back(const struct dbg_stats *base, unsigned int ms,
		   struct dbg_stats *last);

/*
 * Before each case: wait (up to 2 s) for the frames, table pages and
 * pinned pages of earlier cases to be freed (deferred frees, unpinning).
 */
void settle(void);

/* VmPin of /proc/self/status in kB, or -1. */
long vmpin_kb(void);

/* ---- processes and capabilities ------------------------------------------ */

/* Drop capability @cap (CAP_*) from the effective set: 0 or an errno. */
int cap_drop(int cap);
/*
 * Run @fn(@arg) in a child process: its diag() lines print under the
 * current case, and the case fails if the child's did. Returns true if
 * the child passed.
 */
bool in_child(void (*fn)(void *), void *arg);

#endif /* VMC_ABUSE_H */
