// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor-abuse's stall case (tests/guest/stall.sh): the longest time
 * the module keeps interrupts or preemption off, under the worst tree the
 * default caps allow and the worst op mixes.
 *
 * The tree: tens of thousands of empty level-1 tables (a 4 KiB leaf mapped
 * and unmapped at every 2 MiB, which leaves its table: unmap removes only
 * tables its range covers), up to the space's table-page cap, then a dense
 * region of 4 KiB and 2 MiB leaves above them. The mixes: one batch of
 * 4096 ops alternating FIND_NEXT over the whole range and JUMP 0 (resumed
 * where out_nr_done says until all ran, or a time limit); a DUMP of it
 * all; CHECK; 1 MiB probes (an activation window per page); four threads
 * on the one descriptor on the guest's two CPUs (those walks, maps,
 * protects and splits of the dense region, DUMP and CHECK); and last the
 * huge UNMAP of everything, whose deferred frees run after one flush.
 *
 * Then VMC_IOC_STATS of the space and VMC_IOC_STATS_GLOBAL report the
 * maxima: the space's longest activation window (interrupts off) and
 * longest flush dispatch (preemption off) must stay under 10 ms, and its
 * longest stretch a cursor ran without offering the CPU under 20 ms; the
 * module's, over every test of the boot, under 100 ms (MODULE_LIMIT_NS).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "abuse.h"

#define STALL_LIMIT_NS	(10ull * 1000 * 1000)
/*
 * Without full preemption a cursor's stretch between reschedule offers is
 * one no other task gets the CPU in. Measured: 1-2 ms on the stock guest,
 * 7 ms on the debug one (an offer every 4096 entries gave 22 and 82 ms).
 */
#define NOSCHED_LIMIT_NS	(20ull * 1000 * 1000)
/*
 * The module-wide maxima span every earlier test of the boot (the fuzzer's
 * tens of thousands of windows among them), and under TCG any time the
 * host took a vCPU away counts as the guest's: the bounds above are for
 * this case's own space; module-wide, only stalls of a kind the issue saw
 * (seconds) fail.
 */
#define MODULE_LIMIT_NS		(100ull * 1000 * 1000)
#define DENSE_BASE	(1ull << 40)		/* 1 TiB: above the empty tables */
#define WALK_SECONDS	30			/* the 4096-op batch, at most */
#define THREAD_SECONDS	15

struct stall {
	struct vmcl *vm;
	uint32_t h4, h2;
	uint64_t empty;		/* empty level-1 tables built */
	atomic_bool stop;
	atomic_ulong iters[4];
};

/* Run @n ops, resuming after out_nr_done, until all ran or @secs passed. */
static uint32_t run_resumed(struct vmcl *vm, struct vmc_op *ops, uint32_t n,
			    unsigned int secs, unsigned int *batches)
{
	struct vmc_op_result *res = xcalloc(n, sizeof(*res));
	uint64_t t_end = now_ns() + secs * 1000000000ull;
	uint32_t at = 0, done;
	int err;

	*batches = 0;
	while (at < n && now_ns() < t_end) {
		err = batch(vm, 0, g_info.out_va_end, 0, ops + at, n - at, res, &done);
		(*batches)++;
		if (err) {
			diag("batch of %u ops: %s", n - at, ename(err));
			break;
		}
		if (!done) {
			diag("a batch ran no op");
			break;
		}
		for (uint32_t i = 0; i < done; i++)
			if (res[i].error) {
				diag("op %u (code %u): %s", at + i, ops[at + i].code,
				     ename(-res[i].error));
				at = n;
				break;
			}
		at += done;
	}
	free(res);
	return at > n ? n : at;
}

/*
 * Empty level-1 tables at every 2 MiB from 0, @want of them or up to the
 * cap. Batches stop after VMC_BATCH_MAX_NS: resume at out_nr_done.
 */
static void build_empty(struct stall *s, uint64_t want)
{
	struct vmc_op *ops = xcalloc(VMC_MAX_BATCH_OPS, sizeof(*ops));
	struct vmc_op_result *res = xcalloc(VMC_MAX_BATCH_OPS, sizeof(*res));
	uint64_t i = 0;
	unsigned int stuck = 0;
	bool capped = false;

	while (i < want && !capped) {
		uint32_t k, n = 0, at = 0, done;

		for (k = 0; k < VMC_MAX_BATCH_OPS / 4 && i + k < want; k++) {
			ops[n++] = op_jump((i + k) * SZ_2M);
			ops[n++] = op_map(s->h4, 0, RO, 1);
			ops[n++] = op_jump((i + k) * SZ_2M);
			ops[n++] = op_unmap(PAGE);
		}
		while (at < n && !capped) {
			if (batch(s->vm, 0, g_info.out_va_end, 0, ops + at, n - at, res, &done) ||
			    !done) {
				diag("building empty tables: a batch failed at table %" PRIu64,
				     i + at / 4);
				goto out;
			}
			if (done < 4 && !(at & 3) && done != n - at && ++stuck > 1000) {
				diag("building empty tables: no progress");
				goto out;
			}
			for (k = 0; k < done; k++) {
				if (!res[k].error)
					continue;
				if (res[k].error != -ENOMEM) {
					diag("building empty tables: op %u: %s", at + k,
					     ename(-res[k].error));
					goto out;
				}
				note("the cap was reached at table %" PRIu64, i + (at + k) / 4);
				capped = true;
				break;
			}
			/*
			 * A new batch starts a new cursor at 0: resume at the
			 * start of a group, with its jump.
			 */
			at = (at + done) & ~3u;
		}
		i += n / 4;
	}
out:
	s->empty = i;
	free(ops);
	free(res);
}

/* 4096 4 KiB leaves and 16 2 MiB leaves at DENSE_BASE. */
static bool build_dense(struct stall *s)
{
	struct vmc_op ops[4] = {
		op_jump(DENSE_BASE),
		{ .code = VMC_OP_MAP_RANGE, .handle = s->h2, .len = SZ_2M,
		  .prop = RW, .level = 1 },
	};
	struct vmc_op_result res[4];
	uint32_t done, i;

	for (i = 0; i < 8; i++) {
		ops[0] = op_jump(DENSE_BASE + i * SZ_2M);
		if (batch(s->vm, 0, g_info.out_va_end, 0, ops, 2, res, &done) ||
		    done != 2 || res[1].error) {
			diag("dense region: map_range failed");
			return false;
		}
	}
	for (i = 0; i < 16; i++)
		if (map_at(s->vm, DENSE_BASE + (8 + i) * SZ_2M, s->h2, 0, RW, 2)) {
			diag("dense region: 2m map failed");
			return false;
		}
	return true;
}

static void *walker(void *p)
{
	struct stall *s = p;
	struct vmc_op ops[64];
	unsigned int i, b;

	for (i = 0; i < 64; i += 2) {
		ops[i] = op_find(g_info.out_va_end);
		ops[i + 1] = op_jump(0);
	}
	while (!atomic_load(&s->stop)) {
		run_resumed(s->vm, ops, 64, 5, &b);
		atomic_fetch_add(&s->iters[0], 1);
	}
	return NULL;
}

/* Maps, protects and splits in the dense region. */
static void *churner(void *p)
{
	struct stall *s = p;
	uint64_t seed = g_seed + 77;

	while (!atomic_load(&s->stop)) {
		uint64_t va = DENSE_BASE + rnd_below(&seed, 24) * SZ_2M;
		struct vmc_op ops[8] = {
			op_jump(va), op_protect(SZ_2M, VMC_CHANGE_CLEAR, VMC_PROP_W),
			op_jump(va + PAGE * rnd_below(&seed, 512)), op_unmap(PAGE),
			op_jump(va),
			{ .code = VMC_OP_PROTECT_RANGE, .len = SZ_2M,
			  .change = VMC_CHANGE_ADD, .prop = VMC_PROP_W },
			op_jump(va),
			{ .code = VMC_OP_MAP_RANGE, .handle = s->h2, .len = SZ_2M,
			  .prop = RW, .level = 1 },
		};
		struct vmc_op_result res[8];
		uint32_t done, i;

		if (batch(s->vm, 0, g_info.out_va_end, 0, ops, 8, res, &done)) {
			diag("churner: batch failed");
			break;
		}
		for (i = 0; i < done; i++)
			if (res[i].error) {
				diag("churner: op %u: %s", i, ename(-res[i].error));
				return NULL;
			}
		if (rnd_below(&seed, 4) == 0) {
			static char buf[VMC_MAX_PROBE_LEN];

			if (probe(s->vm, DENSE_BASE, buf, sizeof(buf), false, NULL))
				diag("churner: 1 MiB probe failed");
		}
		atomic_fetch_add(&s->iters[1], 1);
	}
	return NULL;
}

static void *dumper(void *p)
{
	struct stall *s = p;
	struct vmc_mapping *m = xcalloc(VMC_MAX_DUMP_ENTRIES, sizeof(*m));

	while (!atomic_load(&s->stop)) {
		struct vmc_dump d = {
			.size = sizeof(d), .entries = (uintptr_t)m,
			.max_entries = VMC_MAX_DUMP_ENTRIES, .entry_size = sizeof(*m),
		};

		if (xio(s->vm, VMC_IOC_DUMP, &d)) {
			diag("dumper: DUMP failed");
			break;
		}
		atomic_fetch_add(&s->iters[2], 1);
	}
	free(m);
	return NULL;
}

static void *checker(void *p)
{
	struct stall *s = p;

	while (!atomic_load(&s->stop)) {
		if (!check_clean(s->vm, "while the other threads run"))
			break;
		atomic_fetch_add(&s->iters[3], 1);
	}
	return NULL;
}

/* Which maxima of the space the phase just run raised, and to what. */
static void phase(struct stall *s, const char *what, struct vmc_stats *prev)
{
	struct vmc_stats st;

	if (stats(s->vm, false, &st)) {
		diag("STATS after %s failed", what);
		return;
	}
	if (st.out_max_window_ns > prev->out_max_window_ns ||
	    st.out_max_dispatch_ns > prev->out_max_dispatch_ns ||
	    st.out_max_nosched_ns > prev->out_max_nosched_ns)
		note("  after %s, the space's maxima: window %.3f ms, dispatch %.3f ms, nosched %.3f ms",
		     what, (double)st.out_max_window_ns / 1e6,
		     (double)st.out_max_dispatch_ns / 1e6,
		     (double)st.out_max_nosched_ns / 1e6);
	*prev = st;
}

static void report(const char *what, const struct vmc_stats *st,
		   uint64_t limit, uint64_t nosched_limit)
{
	note("%s: max_window_ns %llu (interrupts off), max_dispatch_ns %llu (preemption off), max_nosched_ns %llu (no reschedule offer)",
	     what, (unsigned long long)st->out_max_window_ns,
	     (unsigned long long)st->out_max_dispatch_ns,
	     (unsigned long long)st->out_max_nosched_ns);
	if (st->out_max_window_ns >= limit)
		diag("%s: an activation window kept interrupts off for %.2f ms (limit %.0f ms)",
		     what, (double)st->out_max_window_ns / 1e6, (double)limit / 1e6);
	if (st->out_max_dispatch_ns >= limit)
		diag("%s: a flush dispatch kept preemption off for %.2f ms (limit %.0f ms)",
		     what, (double)st->out_max_dispatch_ns / 1e6, (double)limit / 1e6);
	if (st->out_max_nosched_ns >= nosched_limit)
		diag("%s: a cursor ran %.2f ms without offering the CPU (limit %.0f ms)",
		     what, (double)st->out_max_nosched_ns / 1e6,
		     (double)nosched_limit / 1e6);
}

static void case_stall(const void *arg)
{
	static void *(*const fns[4])(void *) = { walker, churner, dumper, checker };
	struct stall s = { 0 };
	struct vmc_info info = { .size = sizeof(info) };
	struct vmc_check c = { .size = sizeof(c) };
	struct vmc_stats st, prev = { 0 };
	struct vmc_op *ops = xcalloc(VMC_MAX_BATCH_OPS, sizeof(*ops));
	pthread_t tid[4];
	uint64_t t0, tables;
	unsigned int i, batches;
	uint32_t done;

	(void)arg;
	s.vm = vopen();
	if (!s.vm)
		goto out;
	if (!want("info", xio(s.vm, VMC_IOC_INFO, &info), 0) ||
	    !want("alloc 4k", frame_alloc(s.vm, VMC_FRAME_4K, &s.h4), 0) ||
	    !want("alloc 2m", frame_alloc(s.vm, VMC_FRAME_2M, &s.h2), 0))
		goto close;
	/*
	 * Each empty table takes a page; every 512 of them one more above;
	 * keep 64 pages for the dense region and the threads' splits.
	 */
	tables = info.out_max_table_pages > 200 ?
	       (info.out_max_table_pages - 64) * 512 / 513 - 16 : 0;
	t0 = now_ns();
	build_empty(&s, tables);
	if (!build_dense(&s))
		goto close;
	if (!want("check", xio(s.vm, VMC_IOC_CHECK, &c), 0))
		goto close;
	phase(&s, "building the tree", &prev);
	note("tree: %" PRIu64 " empty level-1 tables and a dense region; %llu table pages (cap %llu), %llu mappings; built in %.1f s",
	     s.empty, (unsigned long long)c.out_table_pages,
	     (unsigned long long)info.out_max_table_pages,
	     (unsigned long long)c.out_mappings, (double)(now_ns() - t0) / 1e9);

	/* One batch of 4096 ops: FIND_NEXT over everything, JUMP 0. */
	for (i = 0; i < VMC_MAX_BATCH_OPS; i += 2) {
		ops[i] = op_find(g_info.out_va_end);
		ops[i + 1] = op_jump(0);
	}
	t0 = now_ns();
	done = run_resumed(s.vm, ops, VMC_MAX_BATCH_OPS, WALK_SECONDS, &batches);
	note("4096 ops of FIND_NEXT over the whole range and JUMP 0: %u ran in %u batches (resumed at out_nr_done), %.1f s",
	     done, batches, (double)(now_ns() - t0) / 1e9);
	phase(&s, "the FIND_NEXT/JUMP batch", &prev);

	t0 = now_ns();
	{
		struct vmc_mapping *m = xcalloc(VMC_MAX_DUMP_ENTRIES, sizeof(*m));
		struct vmc_dump d = {
			.size = sizeof(d), .entries = (uintptr_t)m,
			.max_entries = VMC_MAX_DUMP_ENTRIES, .entry_size = sizeof(*m),
		};

		want("DUMP of it all", xio(s.vm, VMC_IOC_DUMP, &d), 0);
		free(m);
	}
	phase(&s, "DUMP", &prev);
	check_clean(s.vm, "of the worst tree");
	phase(&s, "CHECK", &prev);
	note("DUMP and CHECK: %.1f s", (double)(now_ns() - t0) / 1e9);

	/* Four threads on the one descriptor, two CPUs. */
	for (i = 0; i < 4; i++)
		if (pthread_create(&tid[i], NULL, fns[i], &s)) {
			diag("pthread_create failed");
			atomic_store(&s.stop, true);
			while (i--)
				pthread_join(tid[i], NULL);
			goto close;
		}
	sleep(THREAD_SECONDS);
	atomic_store(&s.stop, true);
	for (i = 0; i < 4; i++)
		pthread_join(tid[i], NULL);
	note("four threads for %u s: walker %lu, churner %lu, dumper %lu, checker %lu rounds",
	     THREAD_SECONDS, atomic_load(&s.iters[0]), atomic_load(&s.iters[1]),
	     atomic_load(&s.iters[2]), atomic_load(&s.iters[3]));
	phase(&s, "four threads", &prev);

	/* The huge unmap: every table goes, after one flush. */
	t0 = now_ns();
	ops[0] = op_unmap(g_info.out_va_end);
	{
		struct vmc_op_result res;

		if (batch(s.vm, 0, g_info.out_va_end, 0, ops, 1, &res, &done) || res.error)
			diag("the huge unmap failed: %s", ename(-res.error));
		else
			note("the huge unmap removed %llu mappings in %.1f s",
			     (unsigned long long)res.count, (double)(now_ns() - t0) / 1e9);
	}
	phase(&s, "the huge unmap", &prev);
	check_clean(s.vm, "after the huge unmap");
	if (want("STATS of the space", stats(s.vm, false, &st), 0))
		report("space", &st, STALL_LIMIT_NS, NOSCHED_LIMIT_NS);
	if (want("STATS_GLOBAL", stats(s.vm, true, &st), 0))
		report("module, every test of this boot", &st, MODULE_LIMIT_NS,
		       MODULE_LIMIT_NS);
close:
	vmcl_close(s.vm);
out:
	free(ops);
}

void abuse_stall_cases(void)
{
	add_case(case_stall, NULL, "stall.worst_case");
}
