// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table cursor, after OSTD's CursorMut as verified by vostd.
 *
 * A cursor claims its range [start, end) in the space's range lock
 * (range_lock.c) for its whole life, sleeping while an overlapping cursor
 * holds it, and then walks the tree without node locks: entries whose
 * span lies inside the range are its alone, and the entries it shares
 * with other cursors only ever go from absent to table or from huge leaf
 * to table, by compare-and-exchange. The cursor runs preemptible and
 * offers to reschedule as it goes, so no input keeps a CPU busy for long.
 * Nodes are created only by operations that write (a read-only cursor
 * leaves the tree as it found it), and freed only after the TLB flush.
 *
 * Where OSTD panics, every operation here returns an errno instead, and
 * checks it (or reserves what it needs) before the first write, so that a
 * failed call leaves the tree, the cursor and every reference count as
 * they were.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include "pt.h"
#include "vmc_trace.h"

/*
 * Inside an activation window (an in-kernel caller working with
 * interrupts off) allocation must neither sleep nor warn.
 */
#define VMC_GFP_ATOMIC	(GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT)

/* Entries a cursor visits between offers to reschedule. */
#define VMC_YIELD_STEPS	256
/* Steps after which a walk's time without rescheduling is measured. */
#define VMC_MEASURE_STEPS	128
/*
 * Work that visits few entries still costs time: an op's fixed cost (a
 * jump's descent, a flush dispatch) and a new table page (allocated,
 * zeroed, charged) count as this many entries toward the next offer.
 */
#define VMC_OP_STEPS		16
#define VMC_NODE_STEPS		64

static gfp_t vmc_gfp(void)
{
	return irqs_disabled() ? VMC_GFP_ATOMIC :
	       GFP_KERNEL_ACCOUNT | __GFP_NOWARN;
}

/* This task's context switches: each one is an offer the CPU took. */
static unsigned long vmc_switches(void)
{
	return current->nvcsw + current->nivcsw;
}

static void vmc_run_start(struct vmc_cursor *c, u64 now)
{
	c->run_since = now;
	c->run_switches = vmc_switches();
}

/*
 * Record the stretch since run_since, unless the task was switched out
 * meanwhile (it slept, or gave the CPU at a might_sleep()): then the
 * stretch ended there, and its time is not the cursor's.
 */
static void vmc_run_end(struct vmc_cursor *c, u64 now)
{
	if (vmc_switches() == c->run_switches)
		vmc_stat_max(c->space, max_nosched_ns, now - c->run_since);
}

/*
 * Long walks stay polite on kernels without preemption: every
 * VMC_YIELD_STEPS entries the cursor offers the CPU (not inside a window).
 */
static void vmc_cursor_yield(struct vmc_cursor *c)
{
	u64 now;

	if (likely(c->steps < c->yield_at))
		return;
	now = local_clock();
	if (!c->run_since) {
		/* A long walk: from here on its stretches are timed. */
		vmc_run_start(c, now);
		c->yield_at = c->steps + VMC_YIELD_STEPS - VMC_MEASURE_STEPS;
		return;
	}
	c->yield_at = c->steps + VMC_YIELD_STEPS;
	if (irqs_disabled())
		return;
	vmc_run_end(c, now);
	cond_resched();
	vmc_run_start(c, local_clock());
}

struct vmc_saved_pos {
	u64 va;
	int level;
	struct vmc_node *path[VMC_MAX_LEVELS];
};

static u64 *vmc_cur_slot(struct vmc_cursor *c)
{
	return &c->path[c->level - 1]->ptes[vmc_pte_index(c->va, c->level)];
}

static u64 vmc_cur_start(const struct vmc_cursor *c)
{
	return ALIGN_DOWN(c->va, vmc_page_size(c->level));
}

static void vmc_push(struct vmc_cursor *c, struct vmc_node *child)
{
	c->steps++;
	c->level--;
	c->path[c->level - 1] = child;
	VMC_WARN_ON(child->level != c->level || child->stray);
}

static void vmc_pop(struct vmc_cursor *c)
{
	c->path[c->level - 1] = NULL;
	c->level++;
}

/*
 * Move to the next entry at the current level, popping out of finished
 * nodes but never above the guard, so va may land past the barrier end.
 */
static void vmc_move_forward(struct vmc_cursor *c)
{
	u64 next = vmc_cur_start(c) + vmc_page_size(c->level);

	c->steps++;
	while (c->level < c->guard_level && vmc_pte_index(next, c->level) == 0)
		vmc_pop(c);
	c->va = next;
	vmc_cursor_yield(c);
}

static void vmc_save_pos(const struct vmc_cursor *c, struct vmc_saved_pos *p)
{
	p->va = c->va;
	p->level = c->level;
	memcpy(p->path, c->path, sizeof(p->path));
}

static void vmc_restore_pos(struct vmc_cursor *c, const struct vmc_saved_pos *p)
{
	c->va = p->va;
	c->level = p->level;
	memcpy(c->path, p->path, sizeof(c->path));
}

/* Spare nodes kept per space: enough for two cursors' creation. */
#define VMC_MAX_SPARE	(2 * VMC_MAX_LEVELS)

static void vmc_pool_push(struct vmc_cursor *c, struct vmc_node *node)
{
	node->next = c->pool;
	c->pool = node;
	c->nr_pool++;
}

static int vmc_pool_reserve(struct vmc_cursor *c, unsigned int n, gfp_t gfp)
{
	struct vmc_space *space = c->space;
	unsigned int fresh = 0;

	if (c->nr_pool < n && READ_ONCE(space->nr_spare)) {
		spin_lock(&space->spare_lock);
		while (c->nr_pool < n && space->spare) {
			struct vmc_node *node = space->spare;

			space->spare = node->next;
			WRITE_ONCE(space->nr_spare, space->nr_spare - 1);
			vmc_pool_push(c, node);
		}
		spin_unlock(&space->spare_lock);
	}
	while (c->nr_pool < n) {
		struct vmc_node *node = vmc_node_alloc(space, 1, gfp, &c->limit);

		if (!node)
			goto undo;
		vmc_pool_push(c, node);
		fresh++;
		c->steps += VMC_NODE_STEPS;
	}
	return 0;

undo:
	/*
	 * An op that fails changes nothing, not even what its opener is
	 * charged: this call's nodes go, not to the spares.
	 */
	while (fresh--) {
		struct vmc_node *node = c->pool;

		c->pool = node->next;
		c->nr_pool--;
		vmc_node_free(node);
	}
	return -ENOMEM;
}

/* Take a zeroed node from the pool; the plan reserved it. */
static struct vmc_node *vmc_pool_take(struct vmc_cursor *c, int level)
{
	struct vmc_node *node = c->pool;

	VMC_WARN_ON(!node);
	c->pool = node->next;
	c->nr_pool--;
	node->next = NULL;
	node->level = level;
	return node;
}

/* A node that lost a race to be published goes back, zeroed again. */
static void vmc_pool_give_back(struct vmc_cursor *c, struct vmc_node *node)
{
	memset(node->ptes, 0, VMC_PTES_PER_NODE * sizeof(u64));
	atomic_set(&node->nr_children, 0);
	vmc_pool_push(c, node);
}

/* Unused pool nodes are still zeroed: keep a few for the next cursor. */
static void vmc_pool_release(struct vmc_cursor *c)
{
	struct vmc_space *space = c->space;

	spin_lock(&space->spare_lock);
	while (c->pool && space->nr_spare < VMC_MAX_SPARE) {
		struct vmc_node *node = c->pool;

		c->pool = node->next;
		node->next = space->spare;
		space->spare = node;
		WRITE_ONCE(space->nr_spare, space->nr_spare + 1);
	}
	spin_unlock(&space->spare_lock);
	while (c->pool) {
		struct vmc_node *node = c->pool;

		c->pool = node->next;
		vmc_node_free(node);
	}
	c->nr_pool = 0;
}

#ifdef VMC_TESTING
/**
 * vmc_test_cursor_drop_pool() - free a cursor's preallocated nodes (KUnit)
 * @c: the cursor
 *
 * Lets tests make the next node allocation happen, so that injected
 * allocation failures are reached.
 * Context: while the cursor lives.
 */
void vmc_test_cursor_drop_pool(struct vmc_cursor *c)
{
	while (c->pool) {
		struct vmc_node *node = c->pool;

		c->pool = node->next;
		vmc_node_free(node);
	}
	c->nr_pool = 0;
}

/**
 * vmc_test_drop_spare() - free a space's spare nodes (KUnit)
 * @space: the space
 *
 * Lets tests make cursor creation allocate.
 * Context: no cursor of @space alive.
 */
void vmc_test_drop_spare(struct vmc_space *space)
{
	spin_lock(&space->spare_lock);
	while (space->spare) {
		struct vmc_node *node = space->spare;

		space->spare = node->next;
		WRITE_ONCE(space->nr_spare, space->nr_spare - 1);
		vmc_node_free(node);
	}
	spin_unlock(&space->spare_lock);
}
#endif

/*
 * Install a new, zeroed child in the absent @slot of @parent. The slot's
 * span may stick out of the cursor's range, so another cursor may install
 * one first: then ours goes back to the pool and theirs is used.
 */
static struct vmc_node *vmc_install_child(struct vmc_cursor *c,
					  struct vmc_node *parent, u64 *slot,
					  struct vmc_node *child)
{
	u64 old = 0;

	/* A full barrier: walkers see the child zeroed (vmc_pte_read()). */
	if (try_cmpxchg64(slot, &old, vmc_pte_encode_table(vmc_node_pa(child)))) {
		atomic_inc(&parent->nr_children);
		return child;
	}
	vmc_pool_give_back(c, child);
	VMC_WARN_ON(vmc_pte_kind_of(old, parent->level) != VMC_PTE_TABLE);
	return vmc_pte_child(old);
}

/*
 * The guard: the lowest existing node that covers the whole range, found
 * without creating anything (OSTD creates the missing nodes down to its
 * guard; here only an operation that writes creates nodes, so a
 * read-only cursor leaves the tree as it found it). Decision (f): the
 * descent stops at a node where the range is exactly one entry of level
 * <= 3, so a cursor over one aligned 2 MiB or 1 GiB block can map it.
 */
static void vmc_find_guard(struct vmc_cursor *c)
{
	struct vmc_node *node = c->space->root;
	int level = c->space->nr_levels;
	u64 last = c->end - 1, pte;

	while (level > 1) {
		unsigned int idx = vmc_pte_index(c->start, level);
		u64 span = vmc_page_size(level);

		if (idx != vmc_pte_index(last, level))
			break;
		if (level <= VMC_MAX_LEAF_LEVEL && IS_ALIGNED(c->start, span) &&
		    c->end - c->start == span)
			break;
		pte = vmc_pte_read(&node->ptes[idx]);
		if (vmc_pte_kind_of(pte, level) != VMC_PTE_TABLE)
			break;
		node = vmc_pte_child(pte);
		level--;
	}
	c->guard_level = level;
	c->level = level;
	c->path[level - 1] = node;
}

/*
 * The cursor's invariants, at every exit of an exported operation (test
 * builds only): start <= va <= end; level <= guard_level; the path is
 * complete from the guard down to level and nothing below it; while va is
 * in the range, each path node is the one its parent's entry for va
 * names, at the right level, live, with 0..512 children.
 */
static void vmc_cursor_check(const struct vmc_cursor *c)
{
#ifdef VMC_DEBUG
	int l;

	VMC_WARN_ON(c->va < c->start || c->va > c->end);
	VMC_WARN_ON(c->level < 1 || c->level > c->guard_level);
	for (l = 1; l <= VMC_MAX_LEVELS; l++) {
		const struct vmc_node *n = c->path[l - 1];

		if (l < c->level || l > c->guard_level) {
			VMC_WARN_ON(n);
			continue;
		}
		if (VMC_WARN_ON(!n))
			return;
		VMC_WARN_ON(n->level != l || n->stray ||
			    n->usage != VMC_USAGE_PTNODE);
		VMC_WARN_ON(atomic_read(&n->nr_children) < 0 ||
			    atomic_read(&n->nr_children) > VMC_PTES_PER_NODE);
		if (l < c->guard_level && c->va < c->end) {
			const u64 *slot = &c->path[l]->ptes[vmc_pte_index(c->va, l + 1)];

			VMC_WARN_ON(vmc_pte_child(vmc_pte_read(slot)) != n);
		}
	}
#endif
}

/* Widen [*@ls, *@le) over the huge leaf that maps @va, if there is one. */
static void vmc_widen_over_leaf(struct vmc_cursor *c, u64 va, u64 *ls, u64 *le)
{
	struct vmc_pte_info info;
	int level = vmc_pt_translate(c->space, va, &info, NULL);
	u64 size = vmc_page_size(level), s = ALIGN_DOWN(va, size);

	if (info.kind != VMC_PTE_LEAF || level == 1)
		return;
	*ls = min(*ls, s);
	*le = max(*le, s + size);
}

/*
 * Claim the range, widened over a huge leaf that straddles either edge:
 * query reports such a leaf whole, so no other cursor may split it while
 * this one lives (OSTD gets the same by locking the node that holds it).
 * No straddling leaf can appear later, since only this cursor writes
 * inside its range, so one check under the claim settles it.
 */
static int vmc_cursor_claim(struct vmc_cursor *c)
{
	u64 ls = c->start, le = c->end;
	int err;

	for (;;) {
		err = vmc_range_lock(c->space, &c->range, ls, le);
		if (err)
			return err;
		vmc_widen_over_leaf(c, c->start, &ls, &le);
		vmc_widen_over_leaf(c, c->end - 1, &ls, &le);
		if (ls == c->range.start && le == c->range.end)
			return 0;
		vmc_range_unlock(c->space, &c->range);
	}
}

/**
 * vmc_cursor_create() - create a cursor over [@start, @end) of a space
 * @c: the cursor to initialise
 * @space: the address space
 * @start: first address, 4 KiB aligned
 * @end: end of the range (exclusive), 4 KiB aligned
 *
 * Preconditions: @start < @end <= vmc_user_va_end() (-ERANGE otherwise:
 * empty, reversed, kernel-half and non-canonical ranges); @start and @end
 * 4 KiB aligned (-EINVAL otherwise). The calling thread holds no other
 * cursor of @space whose range overlaps (-EDEADLK and a warning).
 * Postconditions: on success va == @start, the cursor holds the claim on
 * [@start, @end), widened over any huge leaf that straddles an edge (no
 * other cursor of @space over an overlapping range exists until
 * vmc_cursor_destroy()), and the tree is unchanged: no node is created
 * (unlike OSTD, see vmc_find_guard()). On failure nothing changed.
 * Locking: sleeps, killably and with preemption enabled, while a cursor
 * over an overlapping range lives; cursors over disjoint ranges never
 * wait for each other.
 * Context: process context; may sleep. The cursor itself may sleep too.
 * Return: 0, -ERANGE, -EINVAL, -EINTR (a fatal signal while waiting) or
 * -EDEADLK.
 */
int vmc_cursor_create(struct vmc_cursor *c, struct vmc_space *space,
		      u64 start, u64 end)
{
	int err;

	if (start >= end || end > space->va_end)
		return -ERANGE;
	if ((start | end) & (VMC_PAGE_SIZE - 1))
		return -EINVAL;
	might_sleep();
	memset(c, 0, sizeof(*c));
	c->space = space;
	c->start = start;
	c->end = end;
	c->va = start;
	c->yield_at = VMC_MEASURE_STEPS;
	vmc_flusher_init(&c->flusher, space);
	err = vmc_cursor_claim(c);
	if (err)
		return err;
	vmc_find_guard(c);
	vmc_cursor_check(c);
	return 0;
}

/**
 * vmc_cursor_destroy() - dispatch pending flushes and release the cursor
 * @c: a cursor from vmc_cursor_create()
 *
 * Postconditions: every TLB flush the cursor issued has completed on every
 * CPU that had the space loaded, and the references it carried are
 * released (table nodes after their deferred free); unused preallocated
 * nodes are kept for the next cursor or freed; the claim on the range is
 * given up, and waiting cursors see every change this one made.
 * Context: the creating thread, with interrupts enabled.
 */
void vmc_cursor_destroy(struct vmc_cursor *c)
{
	vmc_cursor_check(c);
	if (c->run_since)
		vmc_run_end(c, local_clock());
	vmc_flusher_dispatch(&c->flusher);
	vmc_stat_add(c->space, maps, c->maps);
	vmc_stat_add(c->space, unmapped, c->unmapped);
	vmc_stat_add(c->space, protects, c->protects);
	vmc_stat_add(c->space, splits, c->splits);
	vmc_pool_release(c);
	vmc_range_unlock(c->space, &c->range);
}

/**
 * vmc_cursor_op_done() - count an operation toward the cursor's next offer
 * @c: the cursor, between two operations (a batch's ops)
 *
 * An operation's fixed cost counts as VMC_OP_STEPS entries, so that a
 * batch of many small ops offers the CPU as often as one long walk does.
 * Postcondition: the cursor is where it was; the CPU may have been
 * offered (cond_resched()) unless interrupts are off.
 * Context: the cursor's owner; may sleep unless interrupts are off.
 */
void vmc_cursor_op_done(struct vmc_cursor *c)
{
	c->steps += VMC_OP_STEPS;
	vmc_cursor_yield(c);
}

/**
 * vmc_cursor_virt_addr() - the cursor's current virtual address
 * @c: the cursor
 *
 * Postcondition: nothing changes.
 * Context: while the cursor lives.
 * Return: va, with start <= va <= end.
 */
u64 vmc_cursor_virt_addr(const struct vmc_cursor *c)
{
	return c->va;
}

/**
 * vmc_cursor_flusher() - the cursor's TLB flusher
 * @c: the cursor
 *
 * Context: while the cursor lives.
 * Return: the flusher; flushes issued on it are dispatched at the latest
 * when the cursor is destroyed.
 */
struct vmc_flusher *vmc_cursor_flusher(struct vmc_cursor *c)
{
	return &c->flusher;
}

static void vmc_fill_item(struct vmc_item *item, const struct vmc_pte_info *info,
			  int level)
{
	item->frame = vmc_frame_of(info);
	item->pa = info->pa;
	item->level = level;
	item->prop = info->prop;
}

static int vmc_query(struct vmc_cursor *c, struct vmc_query *q, bool get)
{
	struct vmc_pte_info info;

	memset(q, 0, sizeof(*q));
	vmc_cursor_check(c);
	if (c->va >= c->end)
		return -ERANGE;
	while (vmc_pte_decode(vmc_pte_read(vmc_cur_slot(c)), c->level, &info) ==
	       VMC_PTE_TABLE)
		vmc_push(c, vmc_node_from_pa(info.pa));
	q->start = vmc_cur_start(c);
	q->end = q->start + vmc_page_size(c->level);
	q->level = c->level;
	if (info.kind != VMC_PTE_LEAF) {
		/*
		 * An absent entry that sticks out of the range is shared:
		 * another cursor may fill its outside part at any time. The
		 * largest aligned block inside both is absent for as long as
		 * this cursor lives.
		 */
		while (q->start < c->start || q->end > c->end) {
			q->level--;
			q->start = ALIGN_DOWN(c->va, vmc_page_size(q->level));
			q->end = q->start + vmc_page_size(q->level);
		}
		vmc_cursor_check(c);
		return 0;
	}
	vmc_fill_item(&q->item, &info, c->level);
	if (get && q->item.frame) {
		int err = vmc_frame_get(q->item.frame, 1);

		if (err) {
			memset(q, 0, sizeof(*q));
			return err == -EINVAL ? -EOVERFLOW : err;
		}
	}
	q->mapped = true;
	vmc_cursor_check(c);
	return 0;
}

/**
 * vmc_cursor_query() - the mapping at the cursor's address
 * @c: the cursor
 * @q: the result
 *
 * Preconditions: va < end (-ERANGE otherwise).
 * Postconditions: va and the mapping set are unchanged. If a leaf maps va,
 * @q->mapped is set, [@q->start, @q->end) is the whole leaf (it may extend
 * outside the cursor's range) and @q->item describes it; a tracked frame
 * gets one reference for the caller (vostd's owned clone), released with
 * vmc_query_release(). Otherwise [@q->start, @q->end) is absent: the
 * largest block of a level (aligned to its size, @q->level) that
 * contains va and lies inside both the absent entry where the walk
 * stopped and the cursor's range. Either answer stays true for the
 * cursor's whole life. On error nothing changes.
 * Context: while the cursor lives.
 * Return: 0, -ERANGE, or -EOVERFLOW if the frame's count is at its maximum.
 */
int vmc_cursor_query(struct vmc_cursor *c, struct vmc_query *q)
{
	return vmc_query(c, q, true);
}

/**
 * vmc_cursor_peek() - vmc_cursor_query() without taking a reference
 * @c: the cursor
 * @q: the result; @q->item.frame is borrowed, valid while the cursor
 *	lives (upstream OSTD's query)
 *
 * Preconditions and postconditions as vmc_cursor_query(), except that no
 * reference changes hands; never release @q.
 * Context: while the cursor lives.
 * Return: 0 or -ERANGE.
 */
int vmc_cursor_peek(struct vmc_cursor *c, struct vmc_query *q)
{
	return vmc_query(c, q, false);
}

/**
 * vmc_query_release() - drop the reference a query result holds
 * @q: a result filled by vmc_cursor_query()
 *
 * Postcondition: @q no longer holds a frame reference.
 * Context: any.
 */
void vmc_query_release(struct vmc_query *q)
{
	if (q->mapped && q->item.frame)
		vmc_frame_put(q->item.frame, 1);
	q->mapped = false;
	q->item.frame = NULL;
}

static int vmc_check_len(const struct vmc_cursor *c, u64 len)
{
	if (len & (VMC_PAGE_SIZE - 1))
		return -EINVAL;
	if (len > c->end - c->va)
		return -ERANGE;
	return 0;
}

/* After a search found nothing: OSTD leaves end <= va <= barrier end. */
static void vmc_clamp(struct vmc_cursor *c)
{
	if (c->va > c->end)
		c->va = c->end;
}

/*
 * Move to the first leaf at or after va and before @fend, skipping absent
 * entries and empty tables without descending into them. Returns the
 * leaf's slot (va unchanged if a leaf maps it), or NULL once va >= @fend.
 */
static u64 *vmc_seek_leaf(struct vmc_cursor *c, u64 fend)
{
	while (c->va < fend) {
		u64 *slot = vmc_cur_slot(c), pte = vmc_pte_read(slot);
		struct vmc_node *child;

		switch (vmc_pte_kind_of(pte, c->level)) {
		case VMC_PTE_TABLE:
			child = vmc_pte_child(pte);
			if (atomic_read(&child->nr_children))
				vmc_push(c, child);
			else
				vmc_move_forward(c);
			break;
		case VMC_PTE_LEAF:
			return slot;
		default:
			vmc_move_forward(c);
			break;
		}
	}
	return NULL;
}

/**
 * vmc_cursor_find_next() - move to the next mapped address within @len
 * @c: the cursor
 * @len: search length, 4 KiB aligned (-EINVAL), at most end - va (-ERANGE)
 * @found: set to the address found
 *
 * Postconditions: the mapping set is unchanged. If a leaf intersects
 * [va, va + @len), the cursor moves to the first such address (va itself
 * when a leaf maps va, even from the middle of a huge leaf; otherwise the
 * start of the first leaf, which may extend past va + @len) and 1 is
 * returned. Otherwise 0 is returned and va + @len <= va' <= end. On error
 * nothing changes.
 * Context: while the cursor lives.
 * Return: 1, 0, -EINVAL or -ERANGE.
 */
int vmc_cursor_find_next(struct vmc_cursor *c, u64 len, u64 *found)
{
	int err = vmc_check_len(c, len);

	if (err)
		return err;
	if (vmc_seek_leaf(c, c->va + len)) {
		*found = c->va;
		vmc_cursor_check(c);
		return 1;
	}
	vmc_clamp(c);
	vmc_cursor_check(c);
	return 0;
}

/**
 * vmc_cursor_jump() - move the cursor to @va
 * @c: the cursor
 * @va: target, 4 KiB aligned (-EINVAL), start <= @va < end (-ERANGE)
 *
 * Postconditions: on success va == @va (also after the cursor reached the
 * end of its range, as upstream OSTD allows); on error nothing changes.
 * Context: while the cursor lives.
 * Return: 0, -EINVAL or -ERANGE.
 */
int vmc_cursor_jump(struct vmc_cursor *c, u64 va)
{
	if (va & (VMC_PAGE_SIZE - 1))
		return -EINVAL;
	if (va < c->start || va >= c->end)
		return -ERANGE;
	if (c->va >= c->end) {
		while (c->level < c->guard_level)
			vmc_pop(c);
		c->va = va;
		return 0;
	}
	for (;;) {
		u64 size = vmc_page_size(c->level + 1);
		u64 base = ALIGN_DOWN(c->va, size);

		if (va >= base && va - base < size)
			break;
		if (WARN_ON_ONCE(c->level >= c->guard_level))
			break;
		vmc_pop(c);
	}
	c->va = va;
	vmc_cursor_check(c);
	return 0;
}

/*
 * Split the huge leaf @pte in @slot (of the node at the cursor's level)
 * into a child of 512 leaves with the same translation and property, and
 * return the child now in the slot. The caller has reserved the pool node
 * and, for a tracked leaf, the 511 extra frame references. No flush: the
 * translation is unchanged, and the later flush of any piece's address
 * also drops a cached huge entry. The leaf may straddle the cursor's
 * range, so another cursor may split it first: then the reservation goes
 * back and the winner's child is used. The MMU may set A or D meanwhile:
 * then the child is filled again from the new entry.
 */
static struct vmc_node *vmc_split(struct vmc_cursor *c, u64 *slot, u64 pte)
{
	int level = c->level;
	struct vmc_node *child = vmc_pool_take(c, level - 1);
	u64 size = vmc_page_size(level - 1), bits;
	u64 table = vmc_pte_encode_table(vmc_node_pa(child));
	struct vmc_pte_info info;
	unsigned int i;

	atomic_set(&child->nr_children, VMC_PTES_PER_NODE);
	for (;;) {
		vmc_pte_decode(pte, level, &info);
		bits = vmc_pte_leaf_bits(level - 1, info.prop, info.leaf);
		for (i = 0; i < VMC_PTES_PER_NODE; i++)
			child->ptes[i] = vmc_pte_leaf(info.pa + i * size, bits);
		c->steps += VMC_PTES_PER_NODE;
		if (try_cmpxchg64(slot, &pte, table))
			break;
		if (vmc_pte_kind_of(pte, level) == VMC_PTE_TABLE) {
			vmc_pool_give_back(c, child);
			if (info.tracked)
				vmc_frame_put(vmc_frame_of(&info),
					      VMC_PTES_PER_NODE - 1);
			return vmc_pte_child(pte);
		}
	}
	c->splits++;
	trace_vmcursor_split(c->space->id, vmc_cur_start(c), level);
	return child;
}

/* What an operation will consume, computed before it writes anything. */
struct vmc_plan {
	unsigned int nodes;
	struct vmc_frame *split_frame[2];
	u64 split_leaf[2];
	unsigned int nr_split;
};

/* Note a tracked 2 MiB leaf that will be split into 4 KiB leaves. */
static void vmc_plan_split(struct vmc_plan *p, const struct vmc_pte_info *info,
			   int level, u64 leaf_va)
{
	if (!info->tracked || level != 2)
		return;
	if (p->nr_split && p->split_leaf[0] == leaf_va)
		return;
	p->split_frame[p->nr_split] = vmc_frame_of(info);
	p->split_leaf[p->nr_split++] = leaf_va;
}

/*
 * Walk from the guard towards @va without writing. Stop at @target, or at
 * the first leaf (or absent entry) above it, whose level is returned.
 */
static int vmc_plan_walk(struct vmc_cursor *c, u64 va, int target,
			 struct vmc_pte_info *info)
{
	struct vmc_node *node = c->path[c->guard_level - 1];
	int level = c->guard_level;

	for (;;) {
		u64 pte = vmc_pte_read(&node->ptes[vmc_pte_index(va, level)]);

		if (vmc_pte_decode(pte, level, info) != VMC_PTE_TABLE ||
		    level == target)
			return level;
		node = vmc_node_from_pa(info->pa);
		level--;
	}
}

/* Nodes and splits needed to reach a level-@target slot at @va. */
static void vmc_plan_descend(struct vmc_cursor *c, u64 va, int target,
			     struct vmc_plan *p)
{
	struct vmc_pte_info info;
	int level = vmc_plan_walk(c, va, target, &info);

	if (level <= target)
		return;
	p->nodes += level - target;
	if (info.kind == VMC_PTE_LEAF && target == 1)
		vmc_plan_split(p, &info, level,
			       ALIGN_DOWN(va, vmc_page_size(level)));
}

/*
 * The leaf containing @va, if it straddles [start, end), will be split on
 * the way down; at most one node per level below it.
 */
static void vmc_plan_edge(struct vmc_cursor *c, u64 va, u64 start, u64 end,
			  struct vmc_plan *p)
{
	struct vmc_pte_info info;
	int level = vmc_plan_walk(c, va, 1, &info);
	u64 lstart, lend;

	if (info.kind != VMC_PTE_LEAF || level == 1)
		return;
	lstart = ALIGN_DOWN(va, vmc_page_size(level));
	lend = lstart + vmc_page_size(level);
	if (lstart >= start && lend <= end)
		return;
	p->nodes += level - 1;
	vmc_plan_split(p, &info, level, lstart);
}

/* Reserve the plan's nodes and references; undo on failure. */
static int vmc_plan_reserve(struct vmc_cursor *c, const struct vmc_plan *p,
			    struct vmc_frame *item_frame)
{
	unsigned int i;
	int err;

	if (p->nodes > c->nr_pool) {
		err = vmc_pool_reserve(c, p->nodes, vmc_gfp());
		if (err)
			return err;
	}
	for (i = 0; i < p->nr_split; i++) {
		err = vmc_frame_get(p->split_frame[i], VMC_PTES_PER_NODE - 1);
		if (err)
			goto undo;
	}
	if (item_frame) {
		err = vmc_frame_get(item_frame, 1);
		if (err)
			goto undo;
	}
	return 0;
undo:
	while (i--)
		vmc_frame_put(p->split_frame[i], VMC_PTES_PER_NODE - 1);
	return err == -EINVAL ? -EOVERFLOW : err;
}

/* Descend (or climb) to @target at va, creating and splitting as needed. */
static void vmc_descend(struct vmc_cursor *c, int target)
{
	while (c->level != target) {
		u64 *slot, pte;
		struct vmc_node *child;

		if (c->level < target) {
			if (WARN_ON_ONCE(c->level >= c->guard_level))
				return;
			vmc_pop(c);
			continue;
		}
		slot = vmc_cur_slot(c);
		pte = vmc_pte_read(slot);
		switch (vmc_pte_kind_of(pte, c->level)) {
		case VMC_PTE_TABLE:
			child = vmc_pte_child(pte);
			break;
		case VMC_PTE_LEAF:
			child = vmc_split(c, slot, pte);
			break;
		default:
			child = vmc_install_child(c, c->path[c->level - 1], slot,
						  vmc_pool_take(c, c->level - 1));
			break;
		}
		vmc_push(c, child);
	}
}

/*
 * Hand what a slot held to the flusher: a leaf's frame reference, or a
 * whole detached subtree. Returns the number of mappings removed.
 */
static u64 vmc_retire(struct vmc_cursor *c, u64 old, int level, u64 va)
{
	struct vmc_node *child;
	u64 leaves;

	switch (vmc_pte_kind_of(old, level)) {
	case VMC_PTE_LEAF:
		vmc_flusher_issue_page(&c->flusher, va, !vmc_pte_tracked(old) ?
				       NULL : vmc_frame_from_leaf(old, level));
		return 1;
	case VMC_PTE_TABLE:
		child = vmc_pte_child(old);
		leaves = vmc_subtree_detach(child, &c->steps);
		vmc_flusher_retire_subtree(&c->flusher, va,
					   va + vmc_page_size(level), child);
		return leaves;
	default:
		return 0;
	}
}

/* What an item's leaf maps: enum vmc_leaf_kind. */
static unsigned int vmc_item_leaf(const struct vmc_item *item)
{
	return item->frame ? item->frame->kind : VMC_LEAF_UNTRACKED;
}

/* Level, property and leaf kind of an item: what its leaf bits depend on. */
static u64 vmc_leaf_key(const struct vmc_item *item)
{
	return BIT_ULL(63) | (u64)item->prop << 8 | item->level << 2 |
	       vmc_item_leaf(item);
}

static int vmc_check_item(const struct vmc_item *item, u64 known_key)
{
	u64 size = vmc_page_size(item->level), fpa, fsize;

	if (item->pa & (size - 1))
		return -EINVAL;
	if (item->pa >= vmc_fmt.pa_limit || size > vmc_fmt.pa_limit - item->pa)
		return -ERANGE;
	/* The property of a run of maps is checked once. */
	if (vmc_leaf_key(item) != known_key && !vmc_prop_supported(item->prop))
		return -EOPNOTSUPP;
	if (item->frame) {
		fpa = __vmc_frame_pa(item->frame);
		fsize = __vmc_frame_size(item->frame);
		if (item->frame->usage != VMC_USAGE_FRAME)
			return -EINVAL;
		if (item->pa < fpa || item->pa - fpa >= fsize ||
		    size > fsize - (item->pa - fpa))
			return -ERANGE;
		/* A frame has one memory type: never two aliases. */
		if (VMC_PROP_CACHE(item->prop) != item->frame->cache)
			return -EINVAL;
	}
	return 0;
}

/**
 * vmc_cursor_map() - map an item at the cursor and move past it
 * @c: the cursor
 * @item: what to map; a tracked frame must stay referenced by the caller
 *	for the duration of the call
 *
 * Preconditions, checked in this order, each with its errno: va < end
 * (-ERANGE); @item->level is 1, 2, or 3 with 1 GiB pages (-EOPNOTSUPP);
 * va aligned to the leaf size (-EINVAL); leaf size <= end - va (-ERANGE);
 * @item->pa aligned to the leaf size (-EINVAL) and the leaf below
 * 2^MAXPHYADDR (-ERANGE); @item->prop supported (-EOPNOTSUPP); a tracked
 * leaf lies inside its frame (-ERANGE); table nodes obtainable (-ENOMEM);
 * reference counts below their maximum (-EOVERFLOW).
 * Postconditions (vostd map_item_ensures): the mapping set becomes
 * map_spec(pa, size, prop): a larger leaf covering va is first split down
 * to the item's size, whatever occupied the slot (a leaf or a whole
 * subtree) is replaced, and its TLB flush and reference release are
 * dispatched before this returns; the new leaf holds one new reference on
 * a tracked frame; va' = va + size. On error nothing changed.
 * Context: while the cursor lives; interrupts enabled.
 * Return: 0 or a negative errno as above.
 */
int vmc_cursor_map(struct vmc_cursor *c, const struct vmc_item *item)
{
	unsigned long done;

	return vmc_cursor_map_many(c, item, 1, &done);
}

/* The checks of map that depend on the cursor, in vostd's order. */
static int vmc_check_slot(const struct vmc_cursor *c,
			  const struct vmc_item *item)
{
	u64 size;

	if (c->va >= c->end)
		return -ERANGE;
	if (!vmc_level_supported(item->level))
		return -EOPNOTSUPP;
	size = vmc_page_size(item->level);
	if (c->va & (size - 1))
		return -EINVAL;
	if (size > c->end - c->va)
		return -ERANGE;
	return vmc_check_item(item, c->leaf_key);
}

/*
 * How many of the @k items of a chunk can be mapped at once: all of the
 * same level, each valid (checked for the first one by the caller).
 */
static unsigned long vmc_chunk_valid(const struct vmc_item *items,
				     unsigned long k)
{
	u64 key = vmc_leaf_key(&items[0]);
	unsigned long j;

	for (j = 1; j < k; j++)
		if (items[j].level != items[0].level ||
		    vmc_check_item(&items[j], key))
			break;
	return j;
}

/* Drop what vmc_chunk_get() took for items [0, @k). */
static void vmc_chunk_put(const struct vmc_item *items, unsigned long k)
{
	unsigned long j;

	for (j = 0; j < k; j++)
		if (items[j].frame)
			vmc_frame_put(items[j].frame, 1);
}

/*
 * Take the items' frame references, one atomic per run of items on the
 * same frame. Returns how many items are covered; fewer than @k only when
 * a count reached its maximum, which is then the next item's error.
 */
static unsigned long vmc_chunk_get(const struct vmc_item *items,
				   unsigned long k)
{
	unsigned long j = 0, run;

	while (j < k) {
		struct vmc_frame *f = items[j].frame;

		for (run = 1; j + run < k && items[j + run].frame == f; run++)
			;
		if (f && vmc_frame_get(f, run)) {
			/* Near the maximum: as many single references as fit. */
			for (run = 0; run < k - j && items[j + run].frame == f &&
			     !vmc_frame_get(f, 1); run++)
				;
			return j + run;
		}
		j += run;
	}
	return k;
}

/* Make the leaf bits the cursor caches those of @item. */
static void vmc_leaf_bits_for(struct vmc_cursor *c, const struct vmc_item *item)
{
	if (vmc_leaf_key(item) != c->leaf_key) {
		c->leaf_bits = vmc_pte_leaf_bits(item->level, item->prop,
						 vmc_item_leaf(item));
		c->leaf_key = vmc_leaf_key(item);
	}
}

/*
 * Store @new into @slot at @va; true if it replaced an entry, which is
 * then retired (its flush issued, its release queued).
 */
static bool vmc_store_leaf(struct vmc_cursor *c, u64 *slot, u64 new, u64 va)
{
	u64 old = vmc_pte_read(slot);

	/* The MMU never writes an absent entry: a plain store suffices. */
	if (!old) {
		WRITE_ONCE(*slot, new);
		return false;
	}
	old = xchg(slot, new);
	vmc_retire(c, old, c->level, va);
	return true;
}

/* After @k leaves from the cursor's slot on, @added of them new: move on. */
static void vmc_filled(struct vmc_cursor *c, unsigned long k,
		       unsigned long added, u32 prop)
{
	/* Other cursors may change other entries of this node: atomic. */
	if (added)
		atomic_add(added, &c->path[c->level - 1]->nr_children);
	trace_vmcursor_map(c->space->id, c->va, k, c->level, prop);
	c->va += (k - 1) * vmc_page_size(c->level);
	c->maps += k;
	c->steps += k;
	vmc_move_forward(c);
}

/* Write @k leaves into consecutive slots of the node at the cursor. */
static bool vmc_fill_slots(struct vmc_cursor *c, const struct vmc_item *items,
			   unsigned long k)
{
	u64 *slot = vmc_cur_slot(c), size = vmc_page_size(c->level);
	unsigned long j, replaced = 0;

	for (j = 0; j < k; j++, slot++) {
		vmc_leaf_bits_for(c, &items[j]);
		replaced += vmc_store_leaf(c, slot,
					   vmc_pte_leaf(items[j].pa, c->leaf_bits),
					   c->va + j * size);
	}
	vmc_filled(c, k, k - replaced, items[0].prop);
	return replaced;
}

/*
 * Write @k leaves like @first at consecutive physical addresses into
 * consecutive slots: the entry of the next leaf is the previous one plus
 * the leaf size, as the address field holds the physical address.
 */
static bool vmc_fill_run(struct vmc_cursor *c, const struct vmc_item *first,
			 unsigned long k)
{
	u64 *slot = vmc_cur_slot(c), size = vmc_page_size(c->level), new;
	unsigned long j, replaced = 0;

	vmc_leaf_bits_for(c, first);
	new = vmc_pte_leaf(first->pa, c->leaf_bits);
	for (j = 0; j < k; j++, new += size)
		if (unlikely(vmc_pte_read(&slot[j])))
			replaced += vmc_store_leaf(c, &slot[j], new,
						   c->va + j * size);
		else
			WRITE_ONCE(slot[j], new);
	vmc_filled(c, k, k - replaced, first->prop);
	return replaced;
}

/*
 * Leaves of @level from the cursor on, at most @n, that stay in the
 * cursor's current table and range.
 */
static unsigned long vmc_chunk_room(const struct vmc_cursor *c, int level,
				    unsigned long n)
{
	u64 k = min_t(u64, n, VMC_PTES_PER_NODE - vmc_pte_index(c->va, level));

	return min_t(u64, k, (c->end - c->va) >> vmc_level_shift(level));
}

/* Reserve the tables down to @level at the cursor, and descend. */
static int vmc_map_descend(struct vmc_cursor *c, int level)
{
	struct vmc_plan plan = {};
	int err;

	if (c->level != level)
		vmc_plan_descend(c, c->va, level, &plan);
	err = vmc_plan_reserve(c, &plan, NULL);
	if (!err)
		vmc_descend(c, level);
	return err;
}

/**
 * vmc_cursor_map_many() - map @n items at consecutive addresses
 * @c: the cursor
 * @items: the items, in address order; each occupies one leaf of its own
 *	level at the cursor, which then moves past it
 * @n: number of items
 * @done: set to the number of items mapped
 *
 * Goes past OSTD: the same as @n calls of vmc_cursor_map(), stopping at
 * the first that fails, but it plans, reserves and takes frame references
 * once per table (and per run of items on one frame) instead of once per
 * leaf, and fills each table's slots in one loop.
 * Preconditions: those of vmc_cursor_map(), for each item in turn.
 * Postconditions: items [0, *@done) are mapped exactly as by
 * vmc_cursor_map() and the cursor stands after the last of them; if
 * *@done < @n, item *@done failed its preconditions with the returned
 * errno and changed nothing. The flush of every replaced entry has been
 * dispatched and its references released before this returns. One
 * difference from separate calls: references of replaced entries are
 * released once, at the end, so a frame whose count is near VMC_REF_MAX
 * can reach -EOVERFLOW one item earlier than with separate calls.
 * Context: while the cursor lives; interrupts enabled.
 * Return: 0, or the errno of item *@done as for vmc_cursor_map().
 */
int vmc_cursor_map_many(struct vmc_cursor *c, const struct vmc_item *items,
			unsigned long n, unsigned long *done)
{
	bool replaced = false;
	unsigned long k;
	int err = 0;

	*done = 0;
	while (*done < n) {
		const struct vmc_item *it = &items[*done];
		int level = it->level;

		err = vmc_check_slot(c, it);
		if (err)
			break;
		/* A chunk: the item's table, as far as the range goes. */
		k = vmc_chunk_room(c, level, n - *done);
		k = vmc_chunk_valid(it, k);
		k = vmc_chunk_get(it, k);
		if (!k) {
			err = -EOVERFLOW;
			break;
		}
		err = vmc_map_descend(c, level);
		if (err) {
			vmc_chunk_put(it, k);
			break;
		}
		replaced |= vmc_fill_slots(c, it, k);
		*done += k;
	}
	/* vostd dispatches each replaced entry's flush before map returns. */
	if (replaced)
		vmc_flusher_dispatch(&c->flusher);
	vmc_cursor_check(c);
	return err;
}

/*
 * How many leaves of a run starting with the valid @it, at most @k, are
 * valid too: they differ from it only in their physical address, so only
 * MAXPHYADDR and the end of the frame can stop them.
 */
static unsigned long vmc_run_valid(const struct vmc_item *it, unsigned long k)
{
	unsigned int shift = vmc_level_shift(it->level);
	u64 fit = (vmc_fmt.pa_limit - it->pa) >> shift;

	if (it->frame)
		fit = min_t(u64, fit, (__vmc_frame_pa(it->frame) +
				       __vmc_frame_size(it->frame) - it->pa) >> shift);
	return min_t(u64, k, fit);
}

/* Take @k references on @frame (if any); fewer only near the maximum. */
static unsigned long vmc_run_get(struct vmc_frame *frame, unsigned long k)
{
	unsigned long j;

	if (!frame || !vmc_frame_get(frame, k))
		return k;
	for (j = 0; j < k && !vmc_frame_get(frame, 1); j++)
		;
	return j;
}

/**
 * vmc_cursor_map_run() - map @n leaves at consecutive physical addresses
 * @c: the cursor
 * @first: the first leaf; leaf i maps @first->pa + i * its size, with
 *	@first's level, property and frame
 * @n: number of leaves
 * @done: set to the number of leaves mapped
 *
 * Goes past OSTD: the same as vmc_cursor_map_many() of the @n items, but
 * without them: each table's leaves are checked, referenced (one atomic
 * per table) and written in one loop, the next entry computed from the
 * previous one. This is how a buffer (a frame, or part of one) is mapped.
 * Preconditions: those of vmc_cursor_map(), for each leaf in turn.
 * Postconditions: those of vmc_cursor_map_many() for those items.
 * Context: while the cursor lives; interrupts enabled.
 * Return: 0, or the errno of leaf *@done as for vmc_cursor_map().
 */
int vmc_cursor_map_run(struct vmc_cursor *c, const struct vmc_item *first,
		       unsigned long n, unsigned long *done)
{
	u64 size = vmc_page_size(first->level);
	struct vmc_item it = *first;
	bool replaced = false;
	unsigned long k;
	int err = 0;

	*done = 0;
	while (*done < n) {
		it.pa = first->pa + *done * size;
		err = vmc_check_slot(c, &it);
		if (err)
			break;
		k = vmc_chunk_room(c, it.level, n - *done);
		k = vmc_run_get(it.frame, vmc_run_valid(&it, k));
		if (!k) {
			err = -EOVERFLOW;
			break;
		}
		err = vmc_map_descend(c, it.level);
		if (err) {
			if (it.frame)
				vmc_frame_put(it.frame, k);
			break;
		}
		replaced |= vmc_fill_run(c, &it, k);
		*done += k;
	}
	if (replaced)
		vmc_flusher_dispatch(&c->flusher);
	vmc_cursor_check(c);
	return err;
}

/*
 * OSTD's take_next: find the next leaf or table entry that fits wholly in
 * [va, fend), splitting leaves that straddle an edge, and clear it. The
 * caller reserved the splits. Returns the removed entry (0 if none) and
 * its level and start in *plevel and *pva.
 */
static u64 vmc_take_next(struct vmc_cursor *c, u64 fend, int *plevel, u64 *pva)
{
	while (c->va < fend) {
		u64 *slot, pte, start;
		struct vmc_node *child;
		bool fits;

		/*
		 * Consider the largest entry that starts at va and fits, at
		 * whatever level the cursor happens to be, so that which
		 * tables are removed depends on the range alone.
		 */
		while (c->level < c->guard_level &&
		       IS_ALIGNED(c->va, vmc_page_size(c->level + 1)) &&
		       vmc_page_size(c->level + 1) <= fend - c->va)
			vmc_pop(c);
		slot = vmc_cur_slot(c);
		pte = vmc_pte_read(slot);
		start = vmc_cur_start(c);
		fits = c->va == start && vmc_page_size(c->level) <= fend - start;

		switch (vmc_pte_kind_of(pte, c->level)) {
		case VMC_PTE_TABLE:
			if (fits)
				goto take;
			child = vmc_pte_child(pte);
			if (atomic_read(&child->nr_children))
				vmc_push(c, child);
			else
				vmc_move_forward(c);
			break;
		case VMC_PTE_LEAF:
			if (fits)
				goto take;
			vmc_push(c, vmc_split(c, slot, pte));
			break;
		default:
			vmc_move_forward(c);
			break;
		}
		continue;
take:
		/* Atomic, as the MMU may be setting A/D in this entry. */
		pte = xchg(slot, 0);
		atomic_dec(&c->path[c->level - 1]->nr_children);
		*plevel = c->level;
		*pva = start;
		vmc_move_forward(c);
		return pte;
	}
	vmc_clamp(c);
	return 0;
}

/**
 * vmc_cursor_unmap() - remove every mapping in [va, va + @len)
 * @c: the cursor
 * @len: length, 4 KiB aligned (-EINVAL), at most end - va (-ERANGE)
 * @count: set to the number of mappings removed
 *
 * Postconditions (vostd unmap_spec, code-exact form): no address in
 * [va, va + @len) is mapped; huge leaves straddling either edge were split
 * so that the parts outside keep their translation and property at finer
 * granularity; table nodes wholly inside the range are removed, empty ones
 * included; every removed leaf counts one (a detached subtree counts its
 * leaves); the TLB flush covering the removal has completed on every CPU
 * that had the space loaded, frame references are released after it and
 * table nodes after an RCU grace period too; va + @len <= va' <= end. On
 * error nothing changed.
 * Context: while the cursor lives; interrupts enabled.
 * Return: 0, -EINVAL, -ERANGE, -ENOMEM (split nodes), or -EOVERFLOW
 * (a split frame's reference count).
 */
int vmc_cursor_unmap(struct vmc_cursor *c, u64 len, u64 *count)
{
	struct vmc_plan plan = {};
	u64 fend, removed = 0, old, start;
	int err, level;

	err = vmc_check_len(c, len);
	if (err)
		return err;
	*count = 0;
	if (!len)
		return 0;
	fend = c->va + len;
	vmc_plan_edge(c, c->va, c->va, fend, &plan);
	vmc_plan_edge(c, fend - 1, c->va, fend, &plan);
	err = vmc_plan_reserve(c, &plan, NULL);
	if (err)
		return err;

	while ((old = vmc_take_next(c, fend, &level, &start)))
		removed += vmc_retire(c, old, level, start);
	vmc_flusher_dispatch(&c->flusher);
	c->unmapped += removed;
	*count = removed;
	trace_vmcursor_unmap(c->space->id, fend - len, len, removed);
	vmc_cursor_check(c);
	return 0;
}

/* Rewrite a leaf's property, keeping A/D bits the MMU sets meanwhile. */
static bool vmc_protect_leaf(u64 *slot, int level,
			     const struct vmc_protect_op *op)
{
	u64 old = vmc_pte_read(slot), new;
	struct vmc_pte_info info;
	u32 prop;

	do {
		vmc_pte_decode(old, level, &info);
		prop = op->fn(info.prop, op->arg);
		if (prop == info.prop)
			return false;
		new = vmc_pte_encode_leaf(info.pa, level, prop, info.leaf);
	} while (!try_cmpxchg64(slot, &old, new));
	return true;
}

/*
 * May a leaf get the property @prop? It must be supported, and a frame's
 * leaf keeps its frame's memory type (a leaf's type is always its frame's,
 * so any change of type is refused).
 */
static int vmc_protect_check(const struct vmc_pte_info *info, u32 prop)
{
	if (!vmc_prop_supported(prop))
		return -EOPNOTSUPP;
	if (info->tracked && VMC_PROP_CACHE(prop) != VMC_PROP_CACHE(info->prop))
		return -EINVAL;
	return 0;
}

/* Before splitting the leaf at the cursor for protect: reserve it all. */
static int vmc_protect_prepare(struct vmc_cursor *c, u64 pte, u64 fend,
			       const struct vmc_protect_op *op)
{
	struct vmc_plan plan = {};
	struct vmc_pte_info info;
	int err;

	vmc_pte_decode(pte, c->level, &info);
	err = vmc_protect_check(&info, op->fn(info.prop, op->arg));
	if (err)
		return err;
	vmc_plan_edge(c, c->va, c->va, fend, &plan);
	return vmc_plan_reserve(c, &plan, NULL);
}

/*
 * The last property change of a protect_range run: an entry whose bits
 * (address aside) equal @old at @level becomes its address | @new.
 */
struct vmc_protect_cache {
	int level;
	u64 old;
	u64 new;
};

/* Protect the leaf in @slot, which lies inside the range. */
static int vmc_protect_fit(struct vmc_cursor *c, u64 *slot,
			   const struct vmc_protect_op *op,
			   struct vmc_protect_cache *pc)
{
	u64 pte = vmc_pte_read(slot), attr = vmc_pte_attr(pte, c->level);
	struct vmc_pte_info info;
	int err;
	u32 prop;

	if (pc->level != c->level || attr != pc->old) {
		vmc_pte_decode(pte, c->level, &info);
		prop = op->fn(info.prop, op->arg);
		err = vmc_protect_check(&info, prop);
		if (err)
			return err;
		pc->level = c->level;
		pc->old = attr;
		pc->new = vmc_pte_leaf_bits(c->level, prop, info.leaf);
	}
	if (pc->new == pc->old)
		return 0;
	/* The MMU may set A or D meanwhile: then take the general path. */
	if (try_cmpxchg64(slot, &pte,
			  vmc_pte_leaf(vmc_pte_leaf_pa(pte, c->level), pc->new)) ||
	    vmc_protect_leaf(slot, c->level, op))
		c->protects++;
	return 0;
}

/* Put the cursor at @va, in its range or at its end, from the guard. */
static void vmc_reposition(struct vmc_cursor *c, u64 va)
{
	while (c->level < c->guard_level)
		vmc_pop(c);
	c->va = va;
}

/*
 * Move to the next leaf that intersects [va, @fend) and split it, as often
 * as needed, until the piece at va lies inside; the splits' nodes and
 * references are reserved first, once. Returns the piece's slot, NULL if
 * no leaf is left, or an ERR_PTR (nothing split then).
 */
static u64 *vmc_seek_fitting_leaf(struct vmc_cursor *c, u64 fend,
				  const struct vmc_protect_op *op)
{
	bool prepared = false;
	u64 *slot;

	while ((slot = vmc_seek_leaf(c, fend))) {
		u64 pte = vmc_pte_read(slot), start = vmc_cur_start(c);
		int err;

		if (c->va == start && vmc_page_size(c->level) <= fend - start)
			return slot;
		if (!prepared) {
			err = vmc_protect_prepare(c, pte, fend, op);
			if (err)
				return ERR_PTR(err);
			prepared = true;
		}
		vmc_push(c, vmc_split(c, slot, pte));
	}
	return NULL;
}

/**
 * vmc_cursor_protect_next() - change the property of the next leaf
 * @c: the cursor
 * @len: search length, 4 KiB aligned (-EINVAL), at most end - va (-ERANGE)
 * @op: the property change; its result must be supported (-EOPNOTSUPP)
 * @pstart: set to the start of the protected range
 * @pend: set to its end
 *
 * Postconditions: if a leaf intersects [va, va + @len), exactly one leaf
 * is protected: the first one, split first (as often as needed) so that it
 * lies inside the range; its entry is rewritten only if @op changed the
 * property; [*@pstart, *@pend) is that leaf, inside [va, va + @len); the
 * cursor moves to its end and 1 is returned. Otherwise 0 is returned and
 * va + @len <= va' <= end. No TLB flush is issued: the caller decides,
 * through vmc_cursor_flusher(). On error nothing changed, not even va.
 * Context: while the cursor lives.
 * Return: 1, 0, -EINVAL, -ERANGE, -EOPNOTSUPP, -ENOMEM or -EOVERFLOW.
 */
int vmc_cursor_protect_next(struct vmc_cursor *c, u64 len,
			    const struct vmc_protect_op *op,
			    u64 *pstart, u64 *pend)
{
	struct vmc_protect_cache pc = { .level = 0 };
	struct vmc_saved_pos saved;
	u64 *slot;
	int err;

	err = vmc_check_len(c, len);
	if (err)
		return err;
	vmc_save_pos(c, &saved);
	slot = vmc_seek_fitting_leaf(c, c->va + len, op);
	if (!slot) {
		vmc_clamp(c);
		vmc_cursor_check(c);
		return 0;
	}
	err = IS_ERR(slot) ? PTR_ERR(slot) : vmc_protect_fit(c, slot, op, &pc);
	if (err) {
		vmc_restore_pos(c, &saved);
		vmc_cursor_check(c);
		return err;
	}
	*pstart = vmc_cur_start(c);
	*pend = *pstart + vmc_page_size(c->level);
	trace_vmcursor_protect(c->space->id, *pstart, *pend, 1);
	vmc_move_forward(c);
	vmc_cursor_check(c);
	return 1;
}

/*
 * Protect the leaf in @slot and the leaves that follow it in its table
 * while they lie in [va, @fend): one loop over the table instead of a
 * search per leaf. The cursor stays on the last leaf protected; *@resume
 * is the end of that leaf.
 */
static int vmc_protect_run(struct vmc_cursor *c, u64 *slot, u64 fend,
			   const struct vmc_protect_op *op,
			   struct vmc_protect_cache *pc, u64 *count, u64 *resume)
{
	u64 size = vmc_page_size(c->level);
	unsigned int i = vmc_pte_index(c->va, c->level);
	int err;

	for (;; i++, slot++, c->va += size, c->steps++) {
		err = vmc_protect_fit(c, slot, op, pc);
		if (err)
			return err;
		(*count)++;
		*resume = c->va + size;
		if (i == VMC_PTES_PER_NODE - 1 || fend - *resume < size ||
		    vmc_pte_kind_of(vmc_pte_read(slot + 1), c->level) !=
		    VMC_PTE_LEAF)
			return 0;
	}
}

/**
 * vmc_cursor_protect_range() - change the property of every leaf in
 *	[va, va + @len)
 * @c: the cursor
 * @len: length, 4 KiB aligned (-EINVAL), at most end - va (-ERANGE)
 * @op: the property change; its results must be supported (-EOPNOTSUPP)
 * @count: set to the number of leaves protected
 *
 * Goes past OSTD: the same as calling vmc_cursor_protect_next(@c,
 * remaining length, @op) until it finds nothing, but one search runs
 * through the range and runs of leaves with one property reuse the new
 * entry bits instead of decoding each leaf.
 * Postconditions: every leaf that intersected the range was split as
 * needed and lies inside it with @op applied (entries rewritten only where
 * the property changed); va + @len <= va' <= end. If a leaf fails (an
 * unsupported result, no node for a split, a split frame's count at its
 * maximum), the leaves before it stay protected, *@count says how many,
 * and the cursor stands just after the last of them. No TLB flush is
 * issued: the caller decides, through vmc_cursor_flusher().
 * Context: while the cursor lives.
 * Return: 0, or -EINVAL, -ERANGE, -EOPNOTSUPP, -ENOMEM, -EOVERFLOW.
 */
int vmc_cursor_protect_range(struct vmc_cursor *c, u64 len,
			     const struct vmc_protect_op *op, u64 *count)
{
	struct vmc_protect_cache pc = { .level = 0 };
	u64 fend, resume = c->va, *slot;
	int err;

	*count = 0;
	err = vmc_check_len(c, len);
	if (err)
		return err;
	fend = c->va + len;
	while ((slot = vmc_seek_fitting_leaf(c, fend, op))) {
		err = IS_ERR(slot) ? PTR_ERR(slot) :
				     vmc_protect_run(c, slot, fend, op, &pc,
						     count, &resume);
		if (err)
			break;
		vmc_move_forward(c);
	}
	if (err)
		vmc_reposition(c, resume);
	else
		vmc_clamp(c);
	if (*count)
		trace_vmcursor_protect(c->space->id, fend - len, resume, *count);
	vmc_cursor_check(c);
	return err;
}
