// SPDX-License-Identifier: GPL-2.0
/*
 * The per-space range lock: what makes a cursor exclusive over its range.
 *
 * A cursor claims [start, end) before it touches the tree and keeps the
 * claim for its life. Claims are granted in arrival order among those
 * that overlap, so nobody starves; claims that overlap no earlier one are
 * granted at once, so cursors over disjoint ranges always run in
 * parallel, whatever table nodes their ranges share. A claim that must
 * wait sleeps (killably), with preemption enabled: no thread spins for
 * another's range.
 *
 * Why this is enough to make the tree safe without node locks, RCU or a
 * stray check (docs/design.md has the longer argument): a cursor changes
 * an entry whose span lies inside its range only; such an entry is its
 * alone. An entry whose span sticks out of the range is shared with other
 * cursors, and every cursor only ever makes the same two monotone changes
 * to it: absent -> table (creating a node) and huge leaf -> table
 * (splitting), each with one compare-and-exchange; the loser uses the
 * winner's table. A node is freed only when an entry whose span lies
 * inside a range is cleared, so no other cursor can be standing in it.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <linux/wait.h>
#include "pt.h"

static bool vmc_ranges_overlap(const struct vmc_range *a,
			       const struct vmc_range *b)
{
	return a->start < b->end && b->start < a->end;
}

/* May @r be granted: does no earlier claim, held or waiting, overlap it? */
static bool vmc_range_grantable(struct vmc_space *space,
				const struct vmc_range *r)
{
	const struct vmc_range *o;

	list_for_each_entry(o, &space->ranges, link) {
		if (o == r)
			return true;
		if (vmc_ranges_overlap(o, r))
			return false;
	}
	return true;
}

static bool vmc_range_granted(const struct vmc_range *r)
{
	/* Pairs with the grant: see the releasing cursor's changes. */
	return smp_load_acquire(&r->granted);
}

/* Drop @r and grant what its departure unblocks; true if any was. */
static bool vmc_range_remove_locked(struct vmc_space *space,
				    struct vmc_range *r)
{
	struct vmc_range *w;
	bool woke = false;

	list_del(&r->link);
	list_for_each_entry(w, &space->ranges, link) {
		if (w->granted || !vmc_range_grantable(space, w))
			continue;
		/* Our changes before the grant; pairs with vmc_range_lock(). */
		smp_store_release(&w->granted, true);
		woke = true;
	}
	return woke;
}

/**
 * vmc_range_init() - set up the range lock of a new space
 * @space: the space
 *
 * Context: space creation.
 */
void vmc_range_init(struct vmc_space *space)
{
	spin_lock_init(&space->ranges_lock);
	INIT_LIST_HEAD(&space->ranges);
	init_waitqueue_head(&space->ranges_wait);
}

/**
 * vmc_range_lock() - claim [@start, @end) of a space, exclusively
 * @space: the space
 * @r: the claim (the caller's, alive until vmc_range_unlock())
 * @start: first address
 * @end: end (exclusive), above @start
 *
 * Postcondition: on success no other claim on @space overlaps
 * [@start, @end) until vmc_range_unlock(@r); every change that overlapping
 * claims made before is visible.
 * Context: process context; sleeps (killably) while an earlier
 * overlapping claim is held or waiting. The caller holds no claim on
 * @space that overlaps (-EDEADLK and a warning otherwise).
 * Return: 0, -EINTR if a fatal signal arrived while waiting, or -EDEADLK.
 */
int vmc_range_lock(struct vmc_space *space, struct vmc_range *r, u64 start,
		   u64 end)
{
	const struct vmc_range *o;
	bool woke, granted;
	int err = 0;

	might_sleep();
	r->start = start;
	r->end = end;
	r->owner = current;
	r->granted = false;
	spin_lock(&space->ranges_lock);
	list_for_each_entry(o, &space->ranges, link)
		if (o->owner == current && vmc_ranges_overlap(o, r))
			err = -EDEADLK;
	if (VMC_WARN_ON(err)) {
		spin_unlock(&space->ranges_lock);
		return err;
	}
	list_add_tail(&r->link, &space->ranges);
	granted = vmc_range_grantable(space, r);
	WRITE_ONCE(r->granted, granted);
	spin_unlock(&space->ranges_lock);
	/* Once unlocked, a releasing cursor may grant @r at any time. */
	if (granted)
		return 0;
	if (!wait_event_killable(space->ranges_wait, vmc_range_granted(r)))
		return 0;
	/* Killed: leave the queue, letting whoever we held up through. */
	spin_lock(&space->ranges_lock);
	woke = vmc_range_remove_locked(space, r);
	spin_unlock(&space->ranges_lock);
	if (woke)
		wake_up_all(&space->ranges_wait);
	return -EINTR;
}

/**
 * vmc_range_unlock() - give up a claim
 * @space: the space
 * @r: a claim granted by vmc_range_lock()
 *
 * Postcondition: waiting claims that no earlier claim overlaps any more
 * are granted and woken; they see every change made under @r.
 * Context: any context that may take a spin lock.
 */
void vmc_range_unlock(struct vmc_space *space, struct vmc_range *r)
{
	bool woke;

	spin_lock(&space->ranges_lock);
	woke = vmc_range_remove_locked(space, r);
	spin_unlock(&space->ranges_lock);
	if (woke)
		wake_up_all(&space->ranges_wait);
}
