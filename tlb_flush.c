// SPDX-License-Identifier: GPL-2.0
/*
 * The TLB flusher, after OSTD's TlbFlusher: each cursor batches the
 * flushes its changes need, with the frame references and detached
 * subtrees that may be released only once the flush has completed, and
 * dispatches them through the arch layer (arch_x86.c). Batching, release
 * and deferred freeing are arch-neutral.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "pt.h"
#include "vmc_trace.h"

static unsigned int flush_ceiling = 32;
module_param(flush_ceiling, uint, 0644);
MODULE_PARM_DESC(flush_ceiling,
		 "Pending pages at which a batch becomes one full flush (default 32, 0: always full)");

struct vmc_space_stats vmc_global_stats;
atomic_long_t vmc_global_table_pages;
static struct workqueue_struct *vmc_wq;

#ifdef VMC_TESTING
bool vmc_test_skip_flush;
#endif

#define VMC_CHUNK_RELEASES \
	((PAGE_SIZE - sizeof(void *) - sizeof(unsigned long)) / \
	 sizeof(struct vmc_release))

struct vmc_release_chunk {
	struct vmc_release_chunk *next;
	unsigned long nr;
	struct vmc_release rel[VMC_CHUNK_RELEASES];
};

/**
 * vmc_flusher_init() - start an empty flush batch
 * @f: the flusher
 * @space: the space it flushes
 *
 * Context: any.
 */
void vmc_flusher_init(struct vmc_flusher *f, struct vmc_space *space)
{
	memset(f, 0, sizeof(*f));
	f->space = space;
}

/**
 * vmc_flusher_pending() - does the batch hold anything to dispatch?
 * @f: the flusher
 *
 * Context: any.
 * Return: true if flushes or releases are pending.
 */
bool vmc_flusher_pending(const struct vmc_flusher *f)
{
	return f->nr_ops || f->flush_all || f->nr_inline || f->chunks ||
	       f->nodes;
}

static void vmc_flusher_add(struct vmc_flusher *f, u64 va, u64 npages)
{
	u64 *last;

	if (f->flush_all)
		return;
	if (npages >= flush_ceiling || f->nr_pages + npages >= flush_ceiling)
		goto all;
	if (f->nr_ops) {
		last = &f->ops[f->nr_ops - 1];
		if (VMC_OP_VA(*last) + VMC_OP_PAGES(*last) * PAGE_SIZE == va &&
		    VMC_OP_PAGES(*last) + npages <= VMC_OP_MAX_PAGES) {
			*last += npages;
			f->nr_pages += npages;
			return;
		}
	}
	if (f->nr_ops == VMC_FLUSH_SLOTS)
		goto all;
	f->ops[f->nr_ops++] = va | (npages - 1);
	f->nr_pages += npages;
	return;
all:
	f->flush_all = true;
	f->nr_ops = 0;
	f->nr_pages = 0;
}

static struct vmc_release *vmc_last_release(struct vmc_flusher *f)
{
	if (f->chunks)
		return &f->chunks->rel[f->chunks->nr - 1];
	return f->nr_inline ? &f->inline_rel[f->nr_inline - 1] : NULL;
}

/* Keep one reference on @frame until the pending flush has completed. */
static void vmc_flusher_hold(struct vmc_flusher *f, struct vmc_frame *frame)
{
	struct vmc_release *last = vmc_last_release(f);
	struct vmc_release_chunk *chunk;

	if (last && last->frame == frame) {
		last->count++;
		return;
	}
	if (f->nr_inline < VMC_INLINE_RELEASES) {
		f->inline_rel[f->nr_inline].frame = frame;
		f->inline_rel[f->nr_inline++].count = 1;
		return;
	}
	chunk = f->chunks;
	if (!chunk || chunk->nr == VMC_CHUNK_RELEASES) {
		chunk = kmalloc(sizeof(*chunk), GFP_NOWAIT | __GFP_NOWARN);
		if (!chunk) {
			/* No room to defer: flush now, then release. */
			vmc_flusher_dispatch(f);
			vmc_frame_put(frame, 1);
			vmc_stat_add(f->space, deferred_frees, 1);
			return;
		}
		chunk->next = f->chunks;
		chunk->nr = 0;
		f->chunks = chunk;
	}
	chunk->rel[chunk->nr].frame = frame;
	chunk->rel[chunk->nr++].count = 1;
}

/**
 * vmc_flusher_issue_page() - queue the flush of one page's translation
 * @f: the flusher
 * @va: an address in the page (one INVLPG also drops a huge leaf)
 * @frame: a frame reference to release once the flush has completed, or
 *	NULL; the caller gives that reference up
 *
 * Postcondition: the page joins the batch; when the batch reaches
 * flush_ceiling pages (or its op slots run out) it becomes a full flush.
 * Context: any; never sleeps (if no memory is left to defer @frame, the
 * batch is dispatched on the spot).
 */
void vmc_flusher_issue_page(struct vmc_flusher *f, u64 va,
			    struct vmc_frame *frame)
{
	vmc_flusher_add(f, va & PAGE_MASK, 1);
	if (frame)
		vmc_flusher_hold(f, frame);
}

/**
 * vmc_flusher_issue_range() - queue the flush of [@start, @end)
 * @f: the flusher
 * @start: page-aligned start
 * @end: page-aligned end, above @start
 *
 * Postcondition: as vmc_flusher_issue_page(); a range of flush_ceiling
 * pages or more becomes a full flush at once.
 * Context: any.
 */
void vmc_flusher_issue_range(struct vmc_flusher *f, u64 start, u64 end)
{
	u64 npages = (end - start) >> PAGE_SHIFT;

	if (WARN_ON_ONCE(!npages || (start | end) & ~PAGE_MASK))
		return;
	if (npages > VMC_OP_MAX_PAGES)
		vmc_flusher_issue_all(f);
	else
		vmc_flusher_add(f, start, npages);
}

/**
 * vmc_flusher_issue_all() - make the batch a full flush of the space
 * @f: the flusher
 *
 * Context: any.
 */
void vmc_flusher_issue_all(struct vmc_flusher *f)
{
	f->flush_all = true;
	f->nr_ops = 0;
	f->nr_pages = 0;
}

/**
 * vmc_flusher_retire_subtree() - queue a detached subtree for freeing
 * @f: the flusher
 * @start: start of the range the subtree mapped
 * @end: end of that range
 * @node: the detached subtree's root, already marked stray and unlocked
 *
 * Postcondition: the range's flush is queued; after it has completed and
 * an RCU grace period has passed, the subtree's nodes are freed and its
 * leaves' frame references dropped.
 * Context: any.
 */
void vmc_flusher_retire_subtree(struct vmc_flusher *f, u64 start, u64 end,
				struct vmc_node *node)
{
	vmc_flusher_issue_range(f, start, end);
	node->next = f->nodes;
	f->nodes = node;
}

static void vmc_subtree_work(struct work_struct *work)
{
	struct vmc_node *node = container_of(to_rcu_work(work),
					     struct vmc_node, rwork);
	struct vmc_space *space = node->space;
	u64 tables = 0, n = vmc_subtree_free(node, &tables);

	trace_vmcursor_deferred_free(space->id, n - tables, tables);
	vmc_stat_add(space, deferred_frees, n);
	atomic_dec(&space->pending_frees);
	vmc_space_put(space);
}

static void vmc_release_all(struct vmc_flusher *f)
{
	struct vmc_release_chunk *chunk;
	unsigned long released = 0;
	struct vmc_node *node;
	unsigned int i;

	for (i = 0; i < f->nr_inline; i++) {
		vmc_frame_put(f->inline_rel[i].frame, f->inline_rel[i].count);
		released += f->inline_rel[i].count;
	}
	f->nr_inline = 0;
	while ((chunk = f->chunks)) {
		for (i = 0; i < chunk->nr; i++) {
			vmc_frame_put(chunk->rel[i].frame, chunk->rel[i].count);
			released += chunk->rel[i].count;
		}
		f->chunks = chunk->next;
		kfree(chunk);
	}
	if (released) {
		vmc_stat_add(f->space, deferred_frees, released);
		trace_vmcursor_deferred_free(f->space->id, released, 0);
	}
	while ((node = f->nodes)) {
		f->nodes = node->next;
		vmc_space_get(node->space);
		atomic_inc(&node->space->pending_frees);
		INIT_RCU_WORK(&node->rwork, vmc_subtree_work);
		queue_rcu_work(vmc_wq, &node->rwork);
	}
}

/**
 * vmc_flusher_dispatch() - perform the pending flushes, then release
 * @f: the flusher
 *
 * Postconditions: every CPU that had the space loaded when the flushes
 * were issued has dropped the flushed translations (this CPU directly,
 * the others through a waited-for IPI); the frame references carried by
 * the batch are released; detached subtrees are queued for freeing after
 * an RCU grace period. The batch is empty.
 * Context: any, with interrupts enabled; inside a window of the same space
 * (interrupts off) only when no other CPU has the space loaded.
 */
void vmc_flusher_dispatch(struct vmc_flusher *f)
{
	if (!vmc_flusher_pending(f))
		return;
	if (f->nr_ops || f->flush_all) {
		struct vmc_flush_req req = {
			.space = f->space,
			.ops = f->ops,
			.nr_ops = f->nr_ops,
			.all = f->flush_all,
		};

		vmc_arch_flush(&req);
	}
	vmc_release_all(f);
	f->nr_ops = 0;
	f->nr_pages = 0;
	f->flush_all = false;
}

/**
 * vmc_space_drain() - wait until the space's deferred frees have finished
 * @space: the space
 *
 * Postcondition: every subtree the space's cursors detached before the
 * call has been freed.
 * Context: process context; sleeps.
 */
void vmc_space_drain(struct vmc_space *space)
{
	might_sleep();
	while (atomic_read(&space->pending_frees)) {
		rcu_barrier();
		flush_workqueue(vmc_wq);
	}
}

/**
 * vmc_flush_deferred() - wait for every deferred free queued so far
 *
 * Subtree frees, frames freed from process context (non-WB and imported
 * ones) and spaces' final frees.
 * Context: process context; sleeps.
 */
void vmc_flush_deferred(void)
{
	rcu_barrier();
	flush_workqueue(vmc_wq);
}

/**
 * vmc_stats_read() - copy counters into the uapi structure
 * @space: the space, or NULL for the module-wide totals
 * @out: filled in, except out_frames for a space (the caller knows those)
 *
 * Context: any.
 */
void vmc_stats_read(const struct vmc_space *space, struct vmc_stats *out)
{
	const struct vmc_space_stats *st = space ? &space->stats :
						   &vmc_global_stats;

	out->out_invlpg = atomic64_read(&st->invlpg);
	out->out_full_flushes = atomic64_read(&st->full_flushes);
	out->out_invpcid = atomic64_read(&st->invpcid);
	out->out_ipis = atomic64_read(&st->ipis);
	out->out_deferred_frees = atomic64_read(&st->deferred_frees);
	out->out_maps = atomic64_read(&st->maps);
	out->out_unmapped = atomic64_read(&st->unmapped);
	out->out_protects = atomic64_read(&st->protects);
	out->out_splits = atomic64_read(&st->splits);
	out->out_activations = atomic64_read(&st->activations);
	out->out_max_window_ns = atomic64_read(&st->max_window_ns);
	out->out_max_dispatch_ns = atomic64_read(&st->max_dispatch_ns);
	out->out_max_nosched_ns = atomic64_read(&st->max_nosched_ns);
	if (space) {
		out->out_table_pages = atomic_long_read(&space->table_pages);
	} else {
		out->out_table_pages = atomic_long_read(&vmc_global_table_pages);
		out->out_frames = atomic64_read(&vmc_frames_allocated);
	}
}

/**
 * vmc_queue_work() - run @work on the module's workqueue
 * @work: the work; module exit waits for it
 *
 * Context: any.
 */
void vmc_queue_work(struct work_struct *work)
{
	queue_work(vmc_wq, work);
}

/**
 * vmc_tlb_init() - create the deferred-free workqueue
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int vmc_tlb_init(void)
{
	vmc_wq = alloc_workqueue(KBUILD_MODNAME, WQ_UNBOUND, 0);
	return vmc_wq ? 0 : -ENOMEM;
}

/**
 * vmc_tlb_exit() - wait for deferred frees and destroy the workqueue
 *
 * Context: module exit.
 */
void vmc_tlb_exit(void)
{
	rcu_barrier();
	destroy_workqueue(vmc_wq);
}
