// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: an in-memory fake of one /dev/vmcursor address space, behind
 * the transport interface (transport.h): uapi structure in, errno out.
 *
 * It validates its arguments like the kernel documents (ioctl.h), keeps the
 * leaves in a sorted array and the frames' bytes in memory, and splits huge
 * leaves where an unmap, protect or smaller map cuts through them. It is
 * deliberately simple: absent ranges are one 4 KiB page, there are no table
 * pages, no TLB, and one space. A failing op changes nothing: every check
 * comes before the first change.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "transport.h"

#define FAKE_PAGE	4096ULL
#define FAKE_VA_END	(1ULL << 47)
#define NR_CMDS		(VMC_CMD_LAST - VMC_CMD_BASE)

struct fframe {
	uint32_t handle;	/* kept after a drop, as the kernel does */
	bool live;		/* the handle is still in the table */
	unsigned int order;
	uint64_t refs;		/* handle + one per leaf */
	unsigned char *mem;	/* NULL once freed */
};

struct fleaf {
	uint64_t va;
	unsigned int level;
	size_t frame;		/* index into fake.frames */
	uint64_t offset;
	uint32_t prop;
};

struct fake {
	struct vmcl_transport be;	/* first: the interface */
	struct fframe *frames;
	size_t nframes, cap_frames;
	struct fleaf *leaves;	/* sorted by va, never overlapping */
	size_t nleaves, cap_leaves;
	uint32_t next_handle;
	uint32_t max_probe_len;
	uint32_t max_frame_pages;	/* cap on live frame memory */
	unsigned int fail_cmd;
	int fail_err;
	bool corrupt;
	unsigned int calls[NR_CMDS];
	struct vmc_op *last_ops;
	uint32_t last_nr;
	uint64_t maps, unmapped, protects, splits;
};

/* The state of one batch's cursor. */
struct fcursor {
	uint64_t start, end, va;
};

static struct fake *to_fake(struct vmcl_transport *be)
{
	return (struct fake *)be;
}

static uint64_t level_size(unsigned int level)
{
	return FAKE_PAGE << (9 * (level - 1));
}

static uint64_t leaf_end(const struct fleaf *l)
{
	return l->va + level_size(l->level);
}

static uint64_t frame_size(const struct fframe *fr)
{
	return FAKE_PAGE << fr->order;
}

/* Count the call and consume an injected failure. */
static int enter(struct fake *f, unsigned int cmd)
{
	int err;

	f->calls[cmd - VMC_CMD_BASE]++;
	if (f->fail_cmd != cmd)
		return 0;
	err = f->fail_err;
	f->fail_cmd = 0;
	return err;
}

static void frame_put(struct fake *f, size_t i, uint64_t n)
{
	struct fframe *fr = &f->frames[i];

	fr->refs -= n;
	if (!fr->refs) {
		free(fr->mem);
		fr->mem = NULL;
	}
}

static struct fframe *frame_by_handle(struct fake *f, uint32_t handle,
				      size_t *idx)
{
	size_t i;

	for (i = 0; handle && i < f->nframes; i++) {
		if (f->frames[i].handle == handle && f->frames[i].live) {
			*idx = i;
			return &f->frames[i];
		}
	}
	return NULL;
}

static void leaf_insert(struct fake *f, const struct fleaf *l)
{
	size_t i = 0;

	while (i < f->nleaves && f->leaves[i].va < l->va)
		i++;
	grow_array((void **)&f->leaves, &f->cap_leaves, f->nleaves + 1,
		   sizeof(*l));
	memmove(&f->leaves[i + 1], &f->leaves[i],
		(f->nleaves - i) * sizeof(*l));
	f->leaves[i] = *l;
	f->nleaves++;
}

static void leaf_remove(struct fake *f, size_t i)
{
	memmove(&f->leaves[i], &f->leaves[i + 1],
		(f->nleaves - i - 1) * sizeof(f->leaves[0]));
	f->nleaves--;
}

/* The first leaf intersecting [a, b), or -1. */
static long first_overlap(const struct fake *f, uint64_t a, uint64_t b)
{
	size_t i;

	for (i = 0; i < f->nleaves; i++)
		if (leaf_end(&f->leaves[i]) > a && f->leaves[i].va < b)
			return (long)i;
	return -1;
}

/* Replace a huge leaf by its 512 children, as the kernel's split does. */
static void leaf_split(struct fake *f, size_t i)
{
	struct fleaf parent = f->leaves[i], child = parent;
	uint64_t sz;
	unsigned int k;

	child.level = parent.level - 1;
	sz = level_size(child.level);
	leaf_remove(f, i);
	for (k = 0; k < 512; k++) {
		child.va = parent.va + k * sz;
		child.offset = parent.offset + k * sz;
		leaf_insert(f, &child);
	}
	f->frames[parent.frame].refs += 511;
	f->splits++;
}

/* Split until no leaf straddles a boundary of [a, b). */
static void isolate(struct fake *f, uint64_t a, uint64_t b)
{
	size_t i;

again:
	for (i = 0; i < f->nleaves; i++) {
		const struct fleaf *l = &f->leaves[i];

		if (leaf_end(l) > a && l->va < b &&
		    (l->va < a || leaf_end(l) > b)) {
			leaf_split(f, i);
			goto again;
		}
	}
}

/* Remove every mapping in [a, b); returns how many. */
static uint64_t remove_range(struct fake *f, uint64_t a, uint64_t b)
{
	uint64_t count = 0;
	long i;

	isolate(f, a, b);
	while ((i = first_overlap(f, a, b)) >= 0) {
		frame_put(f, f->leaves[i].frame, 1);
		leaf_remove(f, (size_t)i);
		count++;
	}
	return count;
}

/* Unknown bits and cache modes are both "not supported" (vmc_ioctl.c). */
static bool prop_valid(uint32_t prop)
{
	return !(prop & ~(VMC_PROP_FLAGS_MASK | VMC_PROP_CACHE_MASK)) &&
	       VMC_PROP_CACHE(prop) < VMC_NR_CACHE_MODES;
}

/* Which struct vmc_op fields an op may use; the rest must be zero. */
#define F_VA		(1u << 0)
#define F_LEN		(1u << 1)
#define F_OFFSET	(1u << 2)
#define F_HANDLE	(1u << 3)
#define F_PROP		(1u << 4)
#define F_LEVEL		(1u << 5)
#define F_CHANGE	(1u << 6)

static int check_unused(const struct vmc_op *op, unsigned int used)
{
	if ((!(used & F_VA) && op->va) ||
	    (!(used & F_LEN) && op->len) ||
	    (!(used & F_OFFSET) && op->offset) ||
	    (!(used & F_HANDLE) && op->handle) ||
	    (!(used & F_PROP) && op->prop) ||
	    (!(used & F_LEVEL) && op->level) ||
	    (!(used & F_CHANGE) && op->change))
		return EINVAL;
	return 0;
}

static int check_len(const struct fcursor *c, uint64_t len)
{
	if (len % FAKE_PAGE)
		return EINVAL;
	if (len > c->end - c->va)
		return ERANGE;
	return 0;
}

static int op_query(struct fake *f, struct fcursor *c,
		    struct vmc_op_result *r)
{
	long i;
	const struct fleaf *l;

	if (c->va >= c->end)
		return ERANGE;
	i = first_overlap(f, c->va, c->va + 1);
	if (i < 0) {
		r->va = c->va & ~(FAKE_PAGE - 1);
		r->end = r->va + FAKE_PAGE;
		r->level = 1;
		return 0;
	}
	l = &f->leaves[i];
	r->flags |= VMC_RES_MAPPED | VMC_RES_TRACKED;
	r->va = l->va;
	r->end = leaf_end(l);
	r->handle = f->frames[l->frame].handle;
	r->prop = l->prop;
	r->offset = l->offset;
	r->level = l->level;
	return 0;
}

static int op_find_next(struct fake *f, struct fcursor *c, uint64_t len,
			struct vmc_op_result *r)
{
	int err = check_len(c, len);
	long i;

	if (err)
		return err;
	if (!len)
		return 0;
	i = first_overlap(f, c->va, c->va + len);
	if (i < 0) {
		c->va += len;
		return 0;
	}
	if (f->leaves[i].va > c->va)
		c->va = f->leaves[i].va;
	r->flags |= VMC_RES_FOUND;
	return 0;
}

static int op_jump(struct fcursor *c, uint64_t va)
{
	if (va % FAKE_PAGE)
		return EINVAL;
	if (va < c->start || va >= c->end)
		return ERANGE;
	c->va = va;
	return 0;
}

static int op_map(struct fake *f, struct fcursor *c, const struct vmc_op *op)
{
	struct fleaf l;
	struct fframe *fr;
	size_t idx;
	uint64_t sz;

	/* The kernel's order: op checks, handle, offset, then the cursor. */
	if (op->level < 1 || op->level > 3 || !prop_valid(op->prop))
		return EOPNOTSUPP;
	fr = frame_by_handle(f, op->handle, &idx);
	if (!fr)
		return ENOENT;
	sz = level_size(op->level);
	if (op->offset % sz)
		return EINVAL;
	if (op->offset >= frame_size(fr) || sz > frame_size(fr) - op->offset)
		return ERANGE;
	if (c->va >= c->end)
		return ERANGE;
	if (c->va % sz)
		return EINVAL;
	if (sz > c->end - c->va)
		return ERANGE;
	/* Replace whatever is there (vostd semantics). */
	remove_range(f, c->va, c->va + sz);
	l.va = c->va;
	l.level = op->level;
	l.frame = idx;
	l.offset = op->offset;
	l.prop = op->prop;
	leaf_insert(f, &l);
	f->frames[idx].refs++;
	f->maps++;
	c->va += sz;
	return 0;
}

static int op_unmap(struct fake *f, struct fcursor *c, uint64_t len,
		    struct vmc_op_result *r)
{
	int err = check_len(c, len);

	if (err)
		return err;
	r->count = remove_range(f, c->va, c->va + len);
	f->unmapped += r->count;
	c->va += len;
	return 0;
}

static int check_change(const struct vmc_op *op)
{
	if (!prop_valid(op->prop) || op->change < VMC_CHANGE_SET ||
	    op->change >= VMC_CHANGE_LAST)
		return EOPNOTSUPP;
	if ((op->change == VMC_CHANGE_ADD || op->change == VMC_CHANGE_CLEAR) &&
	    op->prop & ~VMC_PROP_FLAGS_MASK)
		return EINVAL;
	if (op->change == VMC_CHANGE_CACHE && op->prop & ~VMC_PROP_CACHE_MASK)
		return EINVAL;
	return 0;
}

static uint32_t apply_change(uint32_t old, const struct vmc_op *op)
{
	switch (op->change) {
	case VMC_CHANGE_SET:
		return op->prop;
	case VMC_CHANGE_ADD:
		return old | op->prop;
	case VMC_CHANGE_CLEAR:
		return old & ~op->prop;
	default:
		return (old & ~VMC_PROP_CACHE_MASK) | op->prop;
	}
}

static int op_protect_next(struct fake *f, struct fcursor *c,
			   const struct vmc_op *op, struct vmc_op_result *r)
{
	uint64_t a = c->va, b;
	struct fleaf *l;
	int err = check_change(op);
	long i;

	if (!err)
		err = check_len(c, op->len);
	if (err)
		return err;
	b = a + op->len;
	i = first_overlap(f, a, b);
	if (i < 0) {
		c->va = b;
		return 0;
	}
	/* Split the first leaf until the piece at its start fits. */
	while (f->leaves[i].va < a || leaf_end(&f->leaves[i]) > b) {
		leaf_split(f, (size_t)i);
		i = first_overlap(f, a, b);
	}
	l = &f->leaves[i];
	l->prop = apply_change(l->prop, op);
	f->protects++;
	r->flags |= VMC_RES_FOUND;
	r->va = l->va;
	r->end = leaf_end(l);
	c->va = r->end;
	return 0;
}

static int run_op(struct fake *f, struct fcursor *c, const struct vmc_op *op,
		  struct vmc_op_result *r)
{
	static const unsigned int used[VMC_OP_LAST] = {
		[VMC_OP_FIND_NEXT] = F_LEN,
		[VMC_OP_JUMP] = F_VA,
		[VMC_OP_MAP] = F_HANDLE | F_OFFSET | F_PROP | F_LEVEL,
		[VMC_OP_UNMAP] = F_LEN,
		[VMC_OP_PROTECT_NEXT] = F_LEN | F_CHANGE | F_PROP,
	};
	int err;

	if (op->flags || op->code < VMC_OP_VA || op->code >= VMC_OP_LAST)
		return EOPNOTSUPP;
	err = check_unused(op, used[op->code]);
	if (err)
		return err;
	switch (op->code) {
	case VMC_OP_QUERY:
		return op_query(f, c, r);
	case VMC_OP_FIND_NEXT:
		return op_find_next(f, c, op->len, r);
	case VMC_OP_JUMP:
		return op_jump(c, op->va);
	case VMC_OP_MAP:
		return op_map(f, c, op);
	case VMC_OP_UNMAP:
		return op_unmap(f, c, op->len, r);
	case VMC_OP_PROTECT_NEXT:
		return op_protect_next(f, c, op, r);
	default:		/* VMC_OP_VA, VMC_OP_FLUSH */
		return 0;
	}
}

static int fake_batch(struct vmcl_transport *be, struct vmc_batch *b)
{
	struct fake *f = to_fake(be);
	struct vmc_op *ops = (struct vmc_op *)(uintptr_t)b->ops;
	struct vmc_op_result *res =
		(struct vmc_op_result *)(uintptr_t)b->results;
	struct fcursor c = { b->start, b->end, b->start };
	uint32_t i;
	int err = enter(f, VMC_CMD_BATCH);

	if (err)
		return err;
	if (b->size < sizeof(*b))
		return EINVAL;
	if (b->flags & ~VMC_BATCH_STOP_ON_ERROR)
		return EOPNOTSUPP;
	if (b->nr_ops > VMC_MAX_BATCH_OPS)
		return E2BIG;
	/* The fake accepts exactly this tool's structures. */
	if (b->op_size != sizeof(*ops) || b->result_size != sizeof(*res))
		return EINVAL;
	if (b->nr_ops && (!ops || !res))
		return EFAULT;
	if (b->start >= b->end || b->end > FAKE_VA_END)
		return ERANGE;
	if (b->start % FAKE_PAGE || b->end % FAKE_PAGE)
		return EINVAL;
	free(f->last_ops);
	f->last_ops = xcalloc(b->nr_ops, sizeof(*ops));
	if (b->nr_ops)
		memcpy(f->last_ops, ops, b->nr_ops * sizeof(*ops));
	f->last_nr = b->nr_ops;
	b->out_nr_done = 0;
	for (i = 0; i < b->nr_ops; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		err = run_op(f, &c, &ops[i], &res[i]);
		res[i].flags |= VMC_RES_DONE;
		res[i].error = -err;
		/* query and a found protect_next report a range instead. */
		if (err || !(ops[i].code == VMC_OP_QUERY ||
			     (ops[i].code == VMC_OP_PROTECT_NEXT &&
			      (res[i].flags & VMC_RES_FOUND))))
			res[i].va = c.va;
		b->out_nr_done++;
		if (err && (b->flags & VMC_BATCH_STOP_ON_ERROR))
			break;
	}
	return 0;
}

static int fake_info(struct vmcl_transport *be, struct vmc_info *a)
{
	struct fake *f = to_fake(be);
	int err = enter(f, VMC_CMD_INFO);

	if (err)
		return err;
	if (a->size < sizeof(*a))
		return EINVAL;
	if (a->flags)
		return EOPNOTSUPP;
	memset(&a->out_abi_version, 0, sizeof(*a) -
	       offsetof(struct vmc_info, out_abi_version));
	a->out_abi_version = VMC_ABI_VERSION;
	a->out_levels = 4;
	a->out_features = VMC_FEAT_1G | VMC_FEAT_NX | VMC_FEAT_PAT;
	a->out_va_start = 0;
	a->out_va_end = FAKE_VA_END;
	a->out_page_sizes = (1ULL << 12) | (1ULL << 21) | (1ULL << 30);
	a->out_cache_modes = 0xf;
	a->out_max_batch_ops = VMC_MAX_BATCH_OPS;
	a->out_max_probe_len = f->max_probe_len;
	a->out_max_frames = f->max_frame_pages;
	a->out_max_table_pages = 4096;
	return 0;
}

static int fake_frame_alloc(struct vmcl_transport *be, struct vmc_frame_alloc *a)
{
	struct fake *f = to_fake(be);
	struct fframe fr = { 0 };
	uint64_t pages = 0;
	size_t i;
	int err = enter(f, VMC_CMD_FRAME_ALLOC);

	if (err)
		return err;
	if (a->size < sizeof(*a))
		return EINVAL;
	if (a->flags || (a->order != VMC_FRAME_4K && a->order != VMC_FRAME_2M))
		return EOPNOTSUPP;
	for (i = 0; i < f->nframes; i++)
		if (f->frames[i].mem)
			pages += 1ULL << f->frames[i].order;
	if (pages + (1ULL << a->order) > f->max_frame_pages)
		return ENOMEM;
	fr.order = a->order;
	fr.mem = calloc(1, frame_size(&fr));
	if (!fr.mem)
		return ENOMEM;
	fr.handle = f->next_handle++;
	fr.live = true;
	fr.refs = 1;
	grow_array((void **)&f->frames, &f->cap_frames, f->nframes + 1,
		   sizeof(fr));
	f->frames[f->nframes++] = fr;
	a->out_handle = fr.handle;
	a->out_paddr = 0;
	return 0;
}

static int fake_frame_drop(struct vmcl_transport *be, struct vmc_frame_drop *a)
{
	struct fake *f = to_fake(be);
	size_t i;
	int err = enter(f, VMC_CMD_FRAME_DROP);

	if (err)
		return err;
	if (a->size < sizeof(*a) || a->__reserved)
		return EINVAL;
	if (a->flags)
		return EOPNOTSUPP;
	if (!frame_by_handle(f, a->handle, &i))
		return ENOENT;
	f->frames[i].live = false;
	frame_put(f, i, 1);
	return 0;
}

/* Access [va, va + len) of the space byte by byte, as the MMU would. */
static int probe_access(struct fake *f, struct vmc_probe *p, unsigned char *buf)
{
	bool write = p->flags & VMC_PROBE_WRITE;
	uint64_t done = 0;
	struct fleaf *l;
	unsigned char *mem;
	long i;

	while (done < p->len) {
		i = first_overlap(f, p->va + done, p->va + done + 1);
		if (i < 0)
			break;
		l = &f->leaves[i];
		if (!(l->prop & VMC_PROP_R) || (write && !(l->prop & VMC_PROP_W)))
			break;
		l->prop |= VMC_PROP_A | (write ? VMC_PROP_D : 0);
		mem = f->frames[l->frame].mem + l->offset + (p->va + done - l->va);
		if (write)
			*mem = buf[done];
		else
			buf[done] = *mem;
		done++;
	}
	p->out_done = done;
	return done == p->len ? 0 : EFAULT;
}

static int fake_probe(struct vmcl_transport *be, struct vmc_probe *p)
{
	struct fake *f = to_fake(be);
	int err = enter(f, VMC_CMD_PROBE);

	if (err)
		return err;
	if (p->size < sizeof(*p))
		return EINVAL;
	p->out_done = 0;
	if (p->flags & ~VMC_PROBE_WRITE)
		return EOPNOTSUPP;
	if (!p->len)
		return EINVAL;
	if (p->len > f->max_probe_len)
		return E2BIG;
	if (!p->buf)
		return EFAULT;
	if (p->va + (p->len - 1) < p->va)
		return EOVERFLOW;
	if (p->va + p->len > FAKE_VA_END)
		return ERANGE;
	return probe_access(f, p, (unsigned char *)(uintptr_t)p->buf);
}

static int fake_dump(struct vmcl_transport *be, struct vmc_dump *d)
{
	struct fake *f = to_fake(be);
	struct vmc_mapping *e = (struct vmc_mapping *)(uintptr_t)d->entries;
	const struct fleaf *l;
	size_t i;
	int err = enter(f, VMC_CMD_DUMP);

	if (err)
		return err;
	if (d->size < sizeof(*d) || d->__reserved ||
	    d->entry_size != sizeof(*e) || d->start % FAKE_PAGE ||
	    !d->max_entries)
		return EINVAL;
	if (d->flags)
		return EOPNOTSUPP;
	if (d->max_entries > VMC_MAX_DUMP_ENTRIES)
		return E2BIG;
	if (!e)
		return EFAULT;
	d->out_nr = 0;
	d->out_next = FAKE_VA_END;
	for (i = 0; i < f->nleaves; i++) {
		l = &f->leaves[i];
		if (l->va < d->start)
			continue;
		if (d->out_nr == d->max_entries) {
			d->out_next = l->va;
			break;
		}
		memset(&e[d->out_nr], 0, sizeof(*e));
		e[d->out_nr].va = l->va;
		e[d->out_nr].len = level_size(l->level);
		e[d->out_nr].offset = l->offset;
		e[d->out_nr].handle = f->frames[l->frame].handle;
		e[d->out_nr].prop = l->prop;
		e[d->out_nr].level = l->level;
		e[d->out_nr].flags = VMC_MAP_TRACKED;
		d->out_nr++;
	}
	return 0;
}

/* Append to the check report, truncating (always NUL-terminated). */
/* As the kernel: append while it fits; returns false once truncated. */
static bool report(char *msg, size_t len, size_t *used, const char *line)
{
	size_t n = strlen(line);
	bool fits = true;

	if (!msg || !len)
		return true;
	if (n > len - *used - 1) {
		n = len - *used - 1;
		fits = false;
	}
	memcpy(msg + *used, line, n);
	*used += n;
	msg[*used] = '\0';
	return fits;
}

static int fake_check(struct vmcl_transport *be, struct vmc_check *a)
{
	struct fake *f = to_fake(be);
	char *msg = (char *)(uintptr_t)a->msg, line[128];
	size_t i, j, used = 0;
	uint64_t want, frames = 0;
	int err = enter(f, VMC_CMD_CHECK);

	if (err)
		return err;
	if (a->size < sizeof(*a))
		return EINVAL;
	if (a->flags)
		return EOPNOTSUPP;
	if (msg && a->msg_len)
		msg[0] = '\0';
	a->out_violations = 0;
	a->out_flags = 0;
	for (i = 0; i < f->nframes; i++) {
		if (!f->frames[i].mem)
			continue;
		want = f->frames[i].live;
		for (j = 0; j < f->nleaves; j++)
			want += f->leaves[j].frame == i;
		frames += want > f->frames[i].live;
		if (want == f->frames[i].refs)
			continue;
		a->out_violations++;
		snprintf(line, sizeof(line), "frame %zu: refcount %llu, "
			 "holders %llu\n", i, (unsigned long long)f->frames[i].refs,
			 (unsigned long long)want);
		if (!report(msg, a->msg_len, &used, line))
			a->out_flags |= VMC_CHECK_TRUNCATED;
	}
	if (f->corrupt) {
		a->out_violations++;
		if (!report(msg, a->msg_len, &used,
			    "fake: injected violation \"x\"\n"))
			a->out_flags |= VMC_CHECK_TRUNCATED;
	}
	a->out_mappings = f->nleaves;
	a->out_table_pages = 1;
	a->out_frames = frames;
	a->out_msg_len = used;
	return 0;
}

static int fake_stats(struct vmcl_transport *be, struct vmc_stats *s)
{
	struct fake *f = to_fake(be);
	size_t i;
	int err = enter(f, VMC_CMD_STATS);

	if (err)
		return err;
	if (s->size < sizeof(*s))
		return EINVAL;
	if (s->flags & ~VMC_STATS_GLOBAL)
		return EOPNOTSUPP;
	memset(&s->out_invlpg, 0,
	       sizeof(*s) - offsetof(struct vmc_stats, out_invlpg));
	s->out_maps = f->maps;
	s->out_unmapped = f->unmapped;
	s->out_protects = f->protects;
	s->out_splits = f->splits;
	s->out_table_pages = 1;
	for (i = 0; i < f->nframes; i++)
		s->out_frames += f->frames[i].mem != NULL;
	return 0;
}

/* Synthetic figures (fake_bench.c), so "vmcursor bench" runs end to end. */
static int fake_bench(struct vmcl_transport *be, struct vmc_bench *a)
{
	int err = enter(to_fake(be), VMC_CMD_BENCH);

	return err ? err : vmcl__fake_bench(a);
}

static void fake_destroy(struct vmcl_transport *be)
{
	struct fake *f = to_fake(be);
	size_t i;

	for (i = 0; i < f->nframes; i++)
		free(f->frames[i].mem);
	free(f->frames);
	free(f->leaves);
	free(f->last_ops);
	free(f);
}

static const struct vmcl_transport_ops fake_ops = {
	.name = "fake",
	.info = fake_info,
	.frame_alloc = fake_frame_alloc,
	.frame_drop = fake_frame_drop,
	.batch = fake_batch,
	.probe = fake_probe,
	.dump = fake_dump,
	.check = fake_check,
	.stats = fake_stats,
	.bench = fake_bench,
	.close = fake_destroy,
};

struct vmcl_transport *vmcl__fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->be.ops = &fake_ops;
	f->next_handle = 1;
	f->max_probe_len = VMC_MAX_PROBE_LEN;
	f->max_frame_pages = 64 * 512;
	return &f->be;
}

/* The knobs below act on a fake only. */
static struct fake *fake_of(struct vmcl *h)
{
	struct vmcl_transport *t = vmcl_transport(h);

	return t->ops == &fake_ops ? to_fake(t) : NULL;
}

int vmcl_fake_set_limits(struct vmcl *h, uint32_t max_probe_len,
			 uint32_t max_frame_pages)
{
	struct fake *f = fake_of(h);

	if (!f)
		return -EOPNOTSUPP;
	f->max_probe_len = max_probe_len;
	f->max_frame_pages = max_frame_pages;
	return 0;
}

int vmcl_fake_fail_next(struct vmcl *h, unsigned int cmd, int err)
{
	struct fake *f = fake_of(h);

	if (!f)
		return -EOPNOTSUPP;
	if (cmd < VMC_CMD_BASE || cmd >= VMC_CMD_LAST)
		return -EINVAL;
	f->fail_cmd = cmd;
	f->fail_err = err < 0 ? -err : err;
	return 0;
}

int vmcl_fake_corrupt(struct vmcl *h)
{
	struct fake *f = fake_of(h);

	if (!f)
		return -EOPNOTSUPP;
	f->corrupt = true;
	return 0;
}

unsigned int vmcl_fake_calls(struct vmcl *h, unsigned int cmd)
{
	struct fake *f = fake_of(h);

	if (!f || cmd < VMC_CMD_BASE || cmd >= VMC_CMD_LAST)
		return 0;
	return f->calls[cmd - VMC_CMD_BASE];
}

const struct vmc_op *vmcl_fake_last_ops(struct vmcl *h, uint32_t *nr)
{
	struct fake *f = fake_of(h);

	*nr = f ? f->last_nr : 0;
	return f ? f->last_ops : NULL;
}
