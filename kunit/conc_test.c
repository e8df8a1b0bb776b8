// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor_concurrency: cursors on several CPUs at once.
 *
 * - Disjoint: one kthread per CPU, each with its own 1 GiB window and its
 *   own model, checked after every call; afterwards every window is
 *   compared with the tree again and the full checker and the frames'
 *   counts (shared frames: the sum over all models) run.
 * - Overlapping: the kthreads share four 1 GiB windows. Each records its
 *   calls and results, with a session number taken while its cursor is
 *   alive; replaying whole sessions in number order through one model
 *   must reproduce every recorded result and the final tree, and no two
 *   cursors with overlapping ranges may have been alive at once.
 * - Pairs: an overlapping cursor waits until the first is destroyed; a
 *   cursor in a different subtree is created while the first is alive.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include "model_run.h"

#define CONC_MAX_THREADS	4
#define CONC_OPS		2500
#define CONC_DISJOINT_BASE	(520ULL << 30)
#define CONC_SHARED_BASE	(530ULL << 30)
#define CONC_SHARED_BLOCKS	4
#define CONC_PAIR_BASE		(540ULL << 30)

struct conc_worker {
	struct vmr r;
	struct completion *go;
	struct completion done;
};

static unsigned int conc_nr_threads(void)
{
	return clamp(num_online_cpus(), 2U, (unsigned int)CONC_MAX_THREADS);
}

/* The @i-th online CPU, round robin. */
static int conc_cpu(unsigned int i)
{
	unsigned int n = i % num_online_cpus();
	int cpu;

	for_each_online_cpu(cpu)
		if (!n--)
			return cpu;
	return cpumask_first(cpu_online_mask);
}

static int conc_worker_fn(void *arg)
{
	struct conc_worker *w = arg;

	wait_for_completion(w->go);
	vmr_run(&w->r);
	kthread_complete_and_exit(&w->done, 0);
}

/* Start one kthread per worker, bound round robin, and wait for all. */
static void conc_run(struct kunit *test, struct conc_worker *ws,
		     unsigned int nr)
{
	DECLARE_COMPLETION_ONSTACK(go);
	unsigned int i, started;

	for (started = 0; started < nr; started++) {
		struct conc_worker *w = &ws[started];
		struct task_struct *t;

		w->go = &go;
		init_completion(&w->done);
		t = kthread_create(conc_worker_fn, w, "vmc_conc/%u", started);
		if (IS_ERR(t)) {
			KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(t));
			break;
		}
		kthread_bind(t, conc_cpu(started));
		wake_up_process(t);
	}
	complete_all(&go);
	for (i = 0; i < started; i++)
		wait_for_completion(&ws[i].done);
	for (i = started; i < nr; i++)
		ws[i].r.failed = true;
}

static struct conc_worker *conc_workers(struct kunit *test, unsigned int nr,
					struct vmr_frames **fr)
{
	struct conc_worker *ws = kunit_kcalloc(test, nr, sizeof(*ws), GFP_KERNEL);

	*fr = kunit_kzalloc(test, sizeof(**fr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ws);
	KUNIT_ASSERT_NOT_NULL(test, *fr);
	vmr_frames_alloc(test, *fr, 16, VMR_MAX_2M);
	return ws;
}

static void conc_fini(struct conc_worker *ws, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		vmr_fini(&ws[i].r);
}

/*
 * Every worker on the console; to KUnit (512 bytes of log per case) one
 * line, and the first failure. True if none failed.
 */
static bool conc_report(struct kunit *test, struct conc_worker *ws,
			unsigned int nr, const char *what)
{
	unsigned long ops = 0;
	struct vmr *bad = NULL;
	unsigned int i;
	char name[32];
	u64 ms = 0;

	for (i = 0; i < nr; i++) {
		snprintf(name, sizeof(name), "%s/%u", what, i);
		vmr_log(&ws[i].r, name);
		ops += ws[i].r.ops;
		ms = max(ms, ws[i].r.ns / NSEC_PER_MSEC);
		if (ws[i].r.failed && !bad)
			bad = &ws[i].r;
	}
	kunit_info(test, "%s: %u threads, %lu ops, %llu ms\n", what, nr, ops, ms);
	if (bad)
		KUNIT_FAIL(test, "%s/%ld: seed %llu, op %lu: %.150s", what,
			   (long)(container_of(bad, struct conc_worker, r) - ws),
			   bad->cfg.seed, bad->ops, bad->msg);
	return !bad;
}

/* The checker over the whole space; it must find @mappings leaves. */
static void conc_check_space(struct kunit *test, u64 mappings)
{
	struct vmc_check_report rep = { .msg_len = 256 };
	char *msg = kunit_kzalloc(test, rep.msg_len, GFP_KERNEL);

	rep.msg = msg;
	KUNIT_EXPECT_EQ(test, vmc_space_check(vt_space(test), &vt_ctx(test)->held,
					      &rep), 0);
	KUNIT_EXPECT_EQ_MSG(test, rep.violations, 0ULL, "%s", msg ? msg : "");
	KUNIT_EXPECT_EQ(test, rep.mappings, mappings);
}

static void conc_disjoint(struct kunit *test)
{
	struct vmc_space *space = vt_space(test);
	unsigned int i, nr = conc_nr_threads();
	const struct vmm *models[CONC_MAX_THREADS];
	struct vmr_region *rg = kunit_kcalloc(test, nr, sizeof(*rg), GFP_KERNEL);
	struct vmr_frames *fr;
	struct conc_worker *ws = conc_workers(test, nr, &fr);
	u64 mappings = 0;

	KUNIT_ASSERT_NOT_NULL(test, rg);
	for (i = 0; i < nr; i++) {
		struct vmr_config cfg = {
			.mode = VMR_REGION,
			.seed = 0xd15c0000 + i,
			.ops = CONC_OPS,
			.regions = &rg[i],
			.nr_regions = 1,
			.frames = fr,
		};

		rg[i].start = CONC_DISJOINT_BASE + i * VT_1G;
		rg[i].end = rg[i].start + VT_1G;
		cfg.win_start = rg[i].start;
		cfg.win_end = rg[i].end;
		if (vmr_init(&ws[i].r, test, space, &cfg)) {
			KUNIT_FAIL(test, "out of memory");
			goto out;
		}
	}
	kunit_info(test, "seeds %#x + thread\n", 0xd15c0000);
	conc_run(test, ws, nr);
	if (!conc_report(test, ws, nr, "disjoint"))
		goto out;
	/* Every window again, now that all threads are done. */
	for (i = 0; i < nr; i++) {
		models[i] = &ws[i].r.model;
		mappings += models[i]->nr;
		vmr_compare(&ws[0].r, models[i], rg[i].start, rg[i].end);
	}
	conc_check_space(test, mappings);
	vmr_check_refs(&ws[0].r, models, nr);
	if (ws[0].r.failed)
		KUNIT_FAIL(test, "after the run: %s", ws[0].r.msg);
out:
	conc_fini(ws, nr);
}

static void conc_overlap(struct kunit *test)
{
	struct vmc_space *space = vt_space(test);
	unsigned int i, nr = conc_nr_threads();
	struct vmr *logs[CONC_MAX_THREADS];
	struct vmr_region *rg = kunit_kcalloc(test, CONC_SHARED_BLOCKS,
					      sizeof(*rg), GFP_KERNEL);
	struct vmm *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	atomic64_t seq = ATOMIC64_INIT(0);
	unsigned long concurrent;
	struct vmr_frames *fr;
	struct conc_worker *ws = conc_workers(test, nr, &fr);
	const struct vmm *final = m;

	KUNIT_ASSERT_NOT_NULL(test, rg);
	KUNIT_ASSERT_NOT_NULL(test, m);
	/* Whole-block cursors then leave the other blocks' subtrees free. */
	for (i = 0; i < CONC_SHARED_BLOCKS; i++) {
		rg[i].start = CONC_SHARED_BASE + i * VT_1G;
		rg[i].end = rg[i].start + VT_1G;
	}
	vmm_init(m, space->va_end);
	for (i = 0; i < nr; i++) {
		struct vmr_config cfg = {
			.mode = VMR_RECORD,
			.seed = 0x0ee1a900 + i,
			.ops = CONC_OPS,
			.regions = rg,
			.nr_regions = CONC_SHARED_BLOCKS,
			.win_start = rg[0].start,
			.win_end = rg[CONC_SHARED_BLOCKS - 1].end,
			.frames = fr,
			.seq = &seq,
		};

		logs[i] = &ws[i].r;
		if (vmr_init(&ws[i].r, test, space, &cfg)) {
			KUNIT_FAIL(test, "out of memory");
			goto out;
		}
	}
	kunit_info(test, "seeds %#x + thread\n", 0x0ee1a900);
	conc_run(test, ws, nr);
	if (!conc_report(test, ws, nr, "overlap"))
		goto out;
	if (vmr_check_serial(&ws[0].r, logs, nr, &concurrent) &&
	    vmr_replay(&ws[0].r, logs, nr, m)) {
		kunit_info(test, "%llu sessions replayed; %lu pairs of disjoint cursors were alive together\n",
			   (u64)atomic64_read(&seq), concurrent);
		vmr_compare(&ws[0].r, m, rg[0].start,
			    rg[CONC_SHARED_BLOCKS - 1].end);
		conc_check_space(test, m->nr);
		vmr_check_refs(&ws[0].r, &final, 1);
	}
	if (ws[0].r.failed)
		KUNIT_FAIL(test, "replay: %s", ws[0].r.msg);
out:
	vmm_free(m);
	conc_fini(ws, nr);
}

/*
 * Two cursors on two CPUs: A is created first; B tries while A is alive.
 * With overlapping ranges B's creation must return only after A began
 * to be destroyed; in disjoint subtrees B must be created while A lives.
 */
struct conc_pair {
	struct vmc_space *space;
	struct vmc_cursor *ca;
	struct vmc_cursor *cb;
	u64 a_start;
	u64 a_end;
	u64 b_start;
	u64 b_end;
	bool overlap;
	struct completion a_ready;
	struct completion a_done;
	struct completion b_done;
	atomic_t b_trying;
	atomic_t b_created;
	atomic_t a_releasing;
	int a_err;
	int b_err;
	bool a_saw_trying;
	bool a_saw_b;
	bool b_saw_release;
};

/* Spin (the cursor is an atomic section) until @v is set or @ms pass. */
static bool conc_wait_flag(atomic_t *v, unsigned int ms)
{
	u64 deadline = ktime_get_ns() + (u64)ms * NSEC_PER_MSEC;

	while (!atomic_read_acquire(v) && ktime_get_ns() < deadline)
		cpu_relax();
	return atomic_read_acquire(v);
}

static int conc_holder(void *arg)
{
	struct conc_pair *p = arg;

	p->a_err = vmc_cursor_create(p->ca, p->space, p->a_start, p->a_end);
	complete(&p->a_ready);
	if (p->a_err)
		kthread_complete_and_exit(&p->a_done, 0);
	p->a_saw_trying = conc_wait_flag(&p->b_trying, 10000);
	/* Give B time to spin on A's locks, or to get its own cursor. */
	if (p->overlap)
		mdelay(100);
	p->a_saw_b = conc_wait_flag(&p->b_created, p->overlap ? 0 : 5000);
	atomic_set_release(&p->a_releasing, 1);
	vmc_cursor_destroy(p->ca);
	kthread_complete_and_exit(&p->a_done, 0);
}

static int conc_contender(void *arg)
{
	struct conc_pair *p = arg;

	p->b_err = -ETIMEDOUT;
	if (!wait_for_completion_timeout(&p->a_ready, 10 * HZ) || p->a_err)
		kthread_complete_and_exit(&p->b_done, 0);
	atomic_set_release(&p->b_trying, 1);
	p->b_err = vmc_cursor_create(p->cb, p->space, p->b_start, p->b_end);
	if (!p->b_err) {
		p->b_saw_release = atomic_read_acquire(&p->a_releasing);
		atomic_set_release(&p->b_created, 1);
		vmc_cursor_destroy(p->cb);
	}
	kthread_complete_and_exit(&p->b_done, 0);
}

static void conc_start_on(struct kunit *test, int (*fn)(void *),
			  struct conc_pair *p, int cpu, struct completion *done)
{
	struct task_struct *t = kthread_create(fn, p, "vmc_pair/%d", cpu);

	if (IS_ERR(t)) {
		KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(t));
		complete(done);
		return;
	}
	kthread_bind(t, cpu);
	wake_up_process(t);
}

/* Make the nodes down to each cursor's guard exist beforehand. */
static void conc_prepare(struct kunit *test, struct conc_pair *p)
{
	vmc_cursor_destroy(vt_cursor(test, p->a_start, p->a_end));
	vmc_cursor_destroy(vt_cursor(test, p->b_start, p->b_end));
}

static void conc_pair_run(struct kunit *test, u64 a_off, u64 a_len,
			  u64 b_off, u64 b_len, bool overlap)
{
	struct conc_pair *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->ca = kunit_kzalloc(test, sizeof(*p->ca), GFP_KERNEL);
	p->cb = kunit_kzalloc(test, sizeof(*p->cb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p->ca);
	KUNIT_ASSERT_NOT_NULL(test, p->cb);
	p->space = vt_space(test);
	p->a_start = CONC_PAIR_BASE + a_off;
	p->a_end = p->a_start + a_len;
	p->b_start = CONC_PAIR_BASE + b_off;
	p->b_end = p->b_start + b_len;
	p->overlap = overlap;
	init_completion(&p->a_ready);
	init_completion(&p->a_done);
	init_completion(&p->b_done);
	conc_prepare(test, p);
	conc_start_on(test, conc_holder, p, conc_cpu(0), &p->a_done);
	conc_start_on(test, conc_contender, p, conc_cpu(1), &p->b_done);
	wait_for_completion(&p->a_done);
	wait_for_completion(&p->b_done);
	KUNIT_EXPECT_EQ(test, p->a_err, 0);
	KUNIT_EXPECT_EQ(test, p->b_err, 0);
	KUNIT_EXPECT_TRUE_MSG(test, p->a_saw_trying,
			      "B never tried while A was alive");
	if (overlap) {
		KUNIT_EXPECT_FALSE_MSG(test, p->a_saw_b,
				       "[%#llx, %#llx) created while [%#llx, %#llx) lived",
				       p->b_start, p->b_end, p->a_start, p->a_end);
		KUNIT_EXPECT_TRUE(test, p->b_saw_release);
	} else {
		KUNIT_EXPECT_TRUE_MSG(test, p->a_saw_b,
				      "[%#llx, %#llx) waited for [%#llx, %#llx)",
				      p->b_start, p->b_end, p->a_start, p->a_end);
		KUNIT_EXPECT_FALSE(test, p->b_saw_release);
	}
	vt_check_structure(test);
}

static void conc_serialize(struct kunit *test)
{
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	/* The same range; a partial overlap; a 4 KiB range inside 1 GiB. */
	conc_pair_run(test, 0, VT_2M, 0, VT_2M, true);
	conc_pair_run(test, 0, VT_2M, VT_2M / 2, VT_2M, true);
	conc_pair_run(test, 0, VT_1G, VT_1G / 2, VT_4K, true);
}

static void conc_parallel(struct kunit *test)
{
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	/* Different level-1 subtrees; different level-2 subtrees. */
	conc_pair_run(test, 0, VT_2M / 2, VT_2M, VT_2M / 2, false);
	conc_pair_run(test, 0, VT_1G - VT_4K, VT_1G, VT_1G - VT_4K, false);
}

static struct kunit_case conc_cases[] = {
	KUNIT_CASE(conc_serialize),
	KUNIT_CASE(conc_parallel),
	KUNIT_CASE(conc_disjoint),
	KUNIT_CASE(conc_overlap),
	{}
};

static struct kunit_suite conc_suite = {
	.name = "vmcursor_concurrency",
	.suite_init = vt_suite_init,
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = conc_cases,
};

kunit_test_suite(conc_suite);
