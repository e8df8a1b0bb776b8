// SPDX-License-Identifier: GPL-2.0
/*
 * VMC_IOC_BENCH's PROFILE: where the cursor loop spends its time. A
 * sampling profiler on this CPU (an hrtimer) during each cursor operation
 * over N leaves, reported by function and by address, then the building
 * blocks' times per call; all as the run's text report.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/hash.h>
#include <linux/hrtimer.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <asm/irq_regs.h>
#include "bench/bench_int.h"

/* Sampling period and distinct addresses kept. */
#define VMC_PROF_PERIOD_US	50
#define VMC_PROF_SLOTS		2048
#define VMC_PROF_TOP		14
#define VMC_PROF_HOT		16
/* The building blocks: calls per run, and runs (the best one counts). */
#define VMC_MICRO_LOOPS		BIT(14)
#define VMC_MICRO_RUNS		9

/* Append to the run's text report (cut at its end). */
static __printf(2, 3) void vmc_bench_say(struct vmc_bench_run *r,
					 const char *fmt, ...)
{
	va_list args;
	int need;

	if (!r->msg || r->msg_used + 1 >= r->msg_len)
		return;
	va_start(args, fmt);
	need = vsnprintf(r->msg + r->msg_used, r->msg_len - r->msg_used, fmt,
			 args);
	va_end(args);
	r->msg_used = min_t(size_t, r->msg_used + need, r->msg_len - 1);
}

/**
 * struct vmc_prof - a sampling profiler on one CPU
 * @timer: fires every VMC_PROF_PERIOD_NS on this CPU, in hard irq context
 * @ip: interrupted kernel addresses (open addressing)
 * @count: samples per address
 * @samples: samples taken
 * @lost: samples whose address did not fit in @ip
 */
struct vmc_prof {
	struct hrtimer timer;
	unsigned long ip[VMC_PROF_SLOTS];
	u32 count[VMC_PROF_SLOTS];
	u32 samples;
	u32 lost;
};

static void vmc_prof_add(struct vmc_prof *p, unsigned long ip)
{
	unsigned int i, h = hash_long(ip, ilog2(VMC_PROF_SLOTS));

	p->samples++;
	for (i = 0; i < VMC_PROF_SLOTS; i++, h = (h + 1) % VMC_PROF_SLOTS) {
		if (p->ip[h] == ip || !p->ip[h]) {
			p->ip[h] = ip;
			p->count[h]++;
			return;
		}
	}
	p->lost++;
}

static enum hrtimer_restart vmc_prof_tick(struct hrtimer *timer)
{
	struct vmc_prof *p = container_of(timer, struct vmc_prof, timer);
	struct pt_regs *regs = get_irq_regs();

	if (regs && !user_mode(regs))
		vmc_prof_add(p, instruction_pointer(regs));
	hrtimer_forward_now(timer, ns_to_ktime(VMC_PROF_PERIOD_US * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

/* The hottest addresses, for addr2line on the .ko (consumes @p). */
static void vmc_prof_hot(struct vmc_bench_run *r, struct vmc_prof *p)
{
	unsigned int i, j, best;

	vmc_bench_say(r, "  hottest addresses:\n");
	for (i = 0; i < VMC_PROF_HOT; i++) {
		for (j = 0, best = 0; j < VMC_PROF_SLOTS; j++)
			if (p->count[j] > p->count[best])
				best = j;
		if (!p->count[best])
			break;
		vmc_bench_say(r, "  %5u.%u%%  %pS\n",
			      p->count[best] * 100 / p->samples,
			      p->count[best] * 1000 / p->samples % 10,
			      (void *)p->ip[best]);
		p->count[best] = 0;
	}
}

struct vmc_prof_sym {
	char name[KSYM_NAME_LEN + 32];
	u32 count;
};

static int vmc_prof_cmp(const void *a, const void *b)
{
	const struct vmc_prof_sym *x = a, *y = b;

	return x->count > y->count ? -1 : x->count < y->count;
}

/* Merge the addresses by function and report the heaviest ones. */
static void vmc_prof_report(struct vmc_bench_run *r, struct vmc_prof *p,
			    const char *what, u64 ns)
{
	unsigned int i, j, nr = 0, other = 0;
	struct vmc_prof_sym *syms;

	vmc_bench_say(r, "%s: %llu ms, %u samples (every %u us, timer interrupt)\n",
		      what, ns / NSEC_PER_MSEC, p->samples, VMC_PROF_PERIOD_US);
	if (!p->samples)
		return;
	syms = kvcalloc(VMC_PROF_SLOTS, sizeof(*syms), GFP_KERNEL);
	if (!syms)
		return;
	for (i = 0; i < VMC_PROF_SLOTS; i++) {
		char name[sizeof(syms->name)];

		if (!p->count[i])
			continue;
		sprint_symbol_no_offset(name, p->ip[i]);
		for (j = 0; j < nr && strcmp(syms[j].name, name); j++)
			;
		if (j == nr)
			strscpy(syms[nr++].name, name, sizeof(name));
		syms[j].count += p->count[i];
	}
	sort(syms, nr, sizeof(*syms), vmc_prof_cmp, NULL);
	for (i = 0; i < nr; i++) {
		if (i >= VMC_PROF_TOP) {
			other += syms[i].count;
			continue;
		}
		vmc_bench_say(r, "  %5u.%u%%  %s\n",
			      syms[i].count * 100 / p->samples,
			      syms[i].count * 1000 / p->samples % 10,
			      syms[i].name);
	}
	if (other || p->lost)
		vmc_bench_say(r, "  %5u.%u%%  (other functions)\n",
			      (other + p->lost) * 100 / p->samples,
			      (other + p->lost) * 1000 / p->samples % 10);
	kvfree(syms);
	vmc_prof_hot(r, p);
}

static int vmc_prof_run(struct vmc_bench_run *r, struct vmc_prof *p,
			unsigned int slot, struct vmc_bench_work *w,
			vmc_bench_fn fn, const char *what)
{
	int err;

	memset(p->ip, 0, sizeof(p->ip));
	memset(p->count, 0, sizeof(p->count));
	p->samples = 0;
	p->lost = 0;
	hrtimer_start(&p->timer, ns_to_ktime(VMC_PROF_PERIOD_US * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED);
	err = vmc_bench_timed(r, slot, 0, w, fn, false);
	hrtimer_cancel(&p->timer);
	if (!err)
		vmc_prof_report(r, p, what, r->samples[(size_t)slot * r->req->reps]);
	return err;
}

/*
 * The range ops: map_many of distinct frames, map_run of 2 MiB frames,
 * protect_range over what map_run mapped; then one-page unmaps of it.
 */
static int vmc_prof_bulk(struct vmc_bench_run *r, struct vmc_prof *p,
			 struct vmc_bench_work *w, const char *size)
{
	char what[64];
	int err;

	vmc_space_drain(w->space);
	snprintf(what, sizeof(what), "map_many %s N=%llu", size, w->n);
	err = vmc_prof_run(r, p, 3, w, vmc_bench_map_many_fn, what) ?:
	      vmc_bench_chunks(w, vmc_bench_unmap_fn, false);
	if (err)
		return err;
	vmc_space_drain(w->space);
	snprintf(what, sizeof(what), "map_run %s%s N=%llu", size,
		 w->pieces ? " of 2m" : "", w->n);
	err = vmc_prof_run(r, p, 4, w, vmc_bench_map_run_fn, what);
	if (err)
		return err;
	snprintf(what, sizeof(what), "protect_range -w %s N=%llu", size, w->n);
	err = vmc_prof_run(r, p, 5, w, vmc_bench_protect_range_fn, what);
	if (err)
		return err;
	snprintf(what, sizeof(what), "unmap1 %s N=%llu", size, w->n);
	err = vmc_prof_run(r, p, 6, w, vmc_bench_unmap1_fn, what);
	vmc_space_drain(w->space);
	return err;
}

/* ns per call of the cursor's building blocks, for the report. */
static void vmc_bench_micro(struct vmc_bench_run *r, struct vmc_bench_work *w)
{
	struct vmc_frame *f = w->frames[0];
	u64 *tab = (u64 *)get_zeroed_page(GFP_KERNEL);
	struct vmc_flusher *fl = kmalloc(sizeof(*fl), GFP_KERNEL);
	atomic64_t ctr[2] = { ATOMIC64_INIT(0), ATOMIC64_INIT(0) };
	u64 cyc;
	struct vmc_pte_info info;
	u64 t, best, acc = 0, pte, tpte;
	unsigned int i, k;

	if (!tab || !fl) {
		free_page((unsigned long)tab);
		kfree(fl);
		return;
	}
	vmc_flusher_init(fl, w->space);
	/* Cursor life cycle, timed apart: it may sleep, so no macro. */
	for (k = 0, cyc = U64_MAX; k < VMC_MICRO_RUNS; k++) {
		t = vmc_bench_now();
		for (i = 0; i < VMC_MICRO_LOOPS / 16; i++) {
			if (vmc_cursor_create(w->c, w->space, w->base,
					      w->base + PAGE_SIZE))
				break;
			vmc_cursor_destroy(w->c);
		}
		cyc = min(cyc, (vmc_bench_now() - t) * 16);
	}
	pte = vmc_pte_encode_leaf(w->pas[0], w->level, VMC_BENCH_PROP, true);
	tpte = vmc_pte_encode_table(vmc_frame_pa(f));
	vmc_bench_say(r, "building blocks (ns per call, best of %u runs of %u calls):\n",
		      VMC_MICRO_RUNS, (unsigned int)VMC_MICRO_LOOPS);
#define VMC_MICRO(label, body) do {					\
		for (k = 0, best = U64_MAX; k < VMC_MICRO_RUNS; k++) {	\
			t = vmc_bench_now();				\
			for (i = 0; i < VMC_MICRO_LOOPS; i++) {		\
				body;					\
			}						\
			best = min(best, vmc_bench_now() - t);		\
		}							\
		vmc_bench_say(r, "  %6llu.%02llu  %s\n",		\
			      best / VMC_MICRO_LOOPS,			\
			      best * 100 / VMC_MICRO_LOOPS % 100, label);	\
	} while (0)
	VMC_MICRO("8-byte store (WRITE_ONCE)",
		  WRITE_ONCE(tab[i & 511], pte + i));
	VMC_MICRO("xchg of a PTE slot (map's store)",
		  acc += xchg(&tab[i & 511], pte + i));
	VMC_MICRO("vmc_pte_encode_leaf",
		  acc += vmc_pte_encode_leaf(w->pas[0], w->level,
					     VMC_BENCH_PROP, true));
	VMC_MICRO("vmc_pte_decode (leaf)",
		  acc += vmc_pte_decode(pte, w->level, &info));
	VMC_MICRO("vmc_pte_decode (table entry)",
		  acc += vmc_pte_decode(tpte, 3, &info));
	VMC_MICRO("vmc_frame_get + vmc_frame_put",
		  vmc_frame_get(f, 1); vmc_frame_put(f, 1));
	VMC_MICRO("vmc_frame_from_pa",
		  acc += (unsigned long)vmc_frame_from_pa(w->pas[0]));
	VMC_MICRO("2 atomic64_add (one vmc_stat_add)",
		  atomic64_add(1, &ctr[0]); atomic64_add(1, &ctr[1]));
	VMC_MICRO("vmc_prop_supported + vmc_level_supported",
		  acc += vmc_prop_supported(VMC_BENCH_PROP) +
			 vmc_level_supported(w->level));
	VMC_MICRO("vmc_max_paddr + vmc_frame_size + vmc_frame_pa",
		  acc += vmc_max_paddr() + vmc_frame_size(f) + vmc_frame_pa(f));
	VMC_MICRO("vmc_flusher_issue_range (one page, batch full)",
		  vmc_flusher_issue_range(fl, w->base, w->base + PAGE_SIZE));
	vmc_bench_say(r, "  %6llu.%02llu  %s\n", cyc / VMC_MICRO_LOOPS,
		      cyc * 100 / VMC_MICRO_LOOPS % 100,
		      "vmc_cursor_create + vmc_cursor_destroy (one page)");
#undef VMC_MICRO
	vmc_bench_say(r, "  (checksum %llu)\n", acc & 1);
	vmc_flusher_issue_all(fl);
	vmc_flusher_dispatch(fl);
	kfree(fl);
	free_page((unsigned long)tab);
}

/**
 * vmc_bench_profile() - PROFILE: where the cursor loop spends its time
 * @r: the run; one repetition, its text report in @r->msg
 *
 * Each cursor operation over N leaves once, sampled, then the building
 * blocks (vmc_bench_micro()).
 * Context: process context; sleeps.
 * Return: 0 or a negative errno.
 */
int vmc_bench_profile(struct vmc_bench_run *r)
{
	const char *size = r->req->page_shift == VMC_PAGE_SHIFT ? "4k" : "2m";
	struct vmc_bench_work w;
	struct vmc_prof *p;
	char what[64];
	int err;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = vmc_bench_setup(r, &w);
	if (!err)
		err = vmc_bench_get_runs(&w);
	if (err) {
		vmc_bench_teardown(&w);
		kfree(p);
		return err;
	}
	vmc_bench_slot(r, 0, VMC_BOP_MAP, 0, w.n);
	vmc_bench_slot(r, 1, VMC_BOP_PROTECT, 0, w.n);
	vmc_bench_slot(r, 2, VMC_BOP_UNMAP, 0, w.n);
	vmc_bench_slot(r, 3, VMC_BOP_MAP_MANY, 0, w.n);
	vmc_bench_slot(r, 4, VMC_BOP_MAP_RUN,
		       w.level == 1 ? VMC_BRES_PIECES : 0, w.n);
	vmc_bench_slot(r, 5, VMC_BOP_PROTECT_RANGE, 0, w.n);
	vmc_bench_slot(r, 6, VMC_BOP_UNMAP1, 0, w.n);
	/* The timer is pinned: keep the profiled thread on its CPU. */
	migrate_disable();
	hrtimer_init(&p->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	p->timer.function = vmc_prof_tick;
	snprintf(what, sizeof(what), "map %s N=%llu", size, w.n);
	err = vmc_prof_run(r, p, 0, &w, vmc_bench_map_fn, what);
	if (!err) {
		vmc_bench_note_tables(r, 0, &w);
		snprintf(what, sizeof(what), "protect_next -w %s N=%llu", size, w.n);
		err = vmc_prof_run(r, p, 1, &w, vmc_bench_protect_fn, what);
	}
	if (!err) {
		snprintf(what, sizeof(what), "unmap %s N=%llu", size, w.n);
		err = vmc_prof_run(r, p, 2, &w, vmc_bench_unmap_fn, what);
	}
	if (!err)
		err = vmc_prof_bulk(r, p, &w, size);
	migrate_enable();
	if (!err)
		vmc_bench_micro(r, &w);
	vmc_bench_teardown(&w);
	kfree(p);
	return err;
}
