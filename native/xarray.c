// SPDX-License-Identifier: GPL-2.0
/*
 * The xarray interface the engine uses, as a 64-ary radix tree over
 * unsigned long indices: ordered iteration (xa_find), stores, erases and
 * ID allocation. Entries are opaque pointers (or xa_mk_value() values).
 * The tree's own lock serialises every call, as the kernel's xa_lock does.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include "shim.h"

#define XA_BITS		6
#define XA_FANOUT	(1UL << XA_BITS)
#define XA_LEVELS	11	/* 64 bits / 6, rounded up */

struct xa_node {
	void *slot[XA_FANOUT];
	unsigned int count;
};

static unsigned int xa_idx(unsigned long index, int level)
{
	return (index >> (XA_BITS * level)) & (XA_FANOUT - 1);
}

void xa_init_flags(struct xarray *xa, unsigned int flags)
{
	pthread_mutexattr_t attr;

	memset(xa, 0, sizeof(*xa));
	xa->flags = flags;
	/* Recursive: callers may hold xa_lock() around xa_load(). */
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&xa->lock, &attr);
	pthread_mutexattr_destroy(&attr);
}

static void **xa_slot(struct xarray *xa, unsigned long index, bool create)
{
	struct xa_node **node = &xa->root;
	int level;

	for (level = XA_LEVELS - 1; level >= 0; level--) {
		if (!*node) {
			if (!create)
				return NULL;
			*node = calloc(1, sizeof(**node));
			if (!*node)
				return NULL;
		}
		if (!level)
			return &(*node)->slot[xa_idx(index, 0)];
		node = (struct xa_node **)&(*node)->slot[xa_idx(index, level)];
	}
	return NULL;
}

/* Keep per-node counts so that empty nodes can be freed on erase. */
static void xa_count(struct xarray *xa, unsigned long index, int delta)
{
	struct xa_node *node = xa->root;
	int level;

	for (level = XA_LEVELS - 1; node && level >= 0; level--) {
		node->count += delta;
		if (level)
			node = node->slot[xa_idx(index, level)];
	}
}

static void xa_prune(struct xa_node **node, unsigned long index, int level)
{
	if (!*node)
		return;
	if (level)
		xa_prune((struct xa_node **)&(*node)->slot[xa_idx(index, level)],
			 index, level - 1);
	if (!(*node)->count) {
		free(*node);
		*node = NULL;
	}
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	void **slot, *e;

	pthread_mutex_lock(&xa->lock);
	slot = xa_slot(xa, index, false);
	e = slot ? *slot : NULL;
	pthread_mutex_unlock(&xa->lock);
	return e;
}

static void *xa_store_locked(struct xarray *xa, unsigned long index,
			     void *entry)
{
	void **slot = xa_slot(xa, index, entry != NULL), *old;

	if (!slot)
		return NULL;
	old = *slot;
	*slot = entry;
	if (!old && entry)
		xa_count(xa, index, 1);
	if (old && !entry) {
		xa_count(xa, index, -1);
		xa_prune(&xa->root, index, XA_LEVELS - 1);
	}
	return old;
}

void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	void *old;

	(void)gfp;
	pthread_mutex_lock(&xa->lock);
	old = xa_store_locked(xa, index, entry);
	pthread_mutex_unlock(&xa->lock);
	return old;
}

void *xa_erase(struct xarray *xa, unsigned long index)
{
	return xa_store(xa, index, NULL, 0);
}

/* The first present index >= *index and <= max, depth first. */
static void *xa_find_in(struct xa_node *node, int level, unsigned long base,
			unsigned long *index, unsigned long max)
{
	unsigned long span = level ? 1UL << (XA_BITS * level) : 1, i, start;
	void *e;

	if (!node || base > max)
		return NULL;
	start = *index > base ? (*index - base) / span : 0;
	for (i = start; i < XA_FANOUT; i++) {
		unsigned long b;

		if (i > (max - base) / span)
			return NULL;
		b = base + i * span;
		if (!level) {
			if (node->slot[i]) {
				*index = b;
				return node->slot[i];
			}
			continue;
		}
		e = xa_find_in(node->slot[i], level - 1, b, index, max);
		if (e)
			return e;
	}
	return NULL;
}

void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max,
	      unsigned int filter)
{
	unsigned long i = *index;
	void *e;

	(void)filter;
	pthread_mutex_lock(&xa->lock);
	e = xa_find_in(xa->root, XA_LEVELS - 1, 0, &i, max);
	pthread_mutex_unlock(&xa->lock);
	if (e)
		*index = i;
	return e;
}

void *xa_find_after(struct xarray *xa, unsigned long *index,
		    unsigned long max, unsigned int filter)
{
	unsigned long i = *index + 1;
	void *e;

	if (!i)
		return NULL;
	e = xa_find(xa, &i, max, filter);
	if (e)
		*index = i;
	return e;
}

static int xa_alloc_from(struct xarray *xa, u32 *id, void *entry,
			 unsigned long lo, unsigned long hi)
{
	unsigned long i;

	for (i = lo; i <= hi; i++) {
		void **slot = xa_slot(xa, i, false);

		if (slot && *slot)
			continue;
		if (!xa_store_locked(xa, i, entry) && xa_slot(xa, i, false)) {
			*id = (u32)i;
			return 0;
		}
		return -ENOMEM;
	}
	return -EBUSY;
}

int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit lim,
	     gfp_t gfp)
{
	unsigned long lo = lim.min;
	int err;

	(void)gfp;
	if ((xa->flags & XA_FLAGS_ALLOC1) == XA_FLAGS_ALLOC1 && lo < 1)
		lo = 1;
	pthread_mutex_lock(&xa->lock);
	err = xa_alloc_from(xa, id, entry, lo, lim.max);
	pthread_mutex_unlock(&xa->lock);
	return err;
}

int xa_alloc_cyclic(struct xarray *xa, u32 *id, void *entry,
		    struct xa_limit lim, u32 *next, gfp_t gfp)
{
	unsigned long lo = lim.min;
	int err;

	(void)gfp;
	if ((xa->flags & XA_FLAGS_ALLOC1) == XA_FLAGS_ALLOC1 && lo < 1)
		lo = 1;
	pthread_mutex_lock(&xa->lock);
	err = xa_alloc_from(xa, id, entry, max_t(unsigned long, *next, lo),
			    lim.max);
	if (err == -EBUSY)
		err = xa_alloc_from(xa, id, entry, lo, lim.max);
	if (!err)
		*next = *id + 1;
	pthread_mutex_unlock(&xa->lock);
	return err == -EBUSY ? -EBUSY : err;
}

static void xa_free_node(struct xa_node *node, int level)
{
	unsigned long i;

	if (!node)
		return;
	for (i = 0; level && i < XA_FANOUT; i++)
		xa_free_node(node->slot[i], level - 1);
	free(node);
}

void xa_destroy(struct xarray *xa)
{
	pthread_mutex_lock(&xa->lock);
	xa_free_node(xa->root, XA_LEVELS - 1);
	xa->root = NULL;
	pthread_mutex_unlock(&xa->lock);
}
