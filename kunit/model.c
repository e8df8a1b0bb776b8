// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle of the differential tests: vostd's abstract cursor view,
 * CursorView { cur_va, mappings }, as executable C.
 *
 * It is written from the reference semantics (ostd-cursor-semantics.md:
 * the decisions for vmcursor, §3.1, §4, §5 and §7) and from the errno
 * contract in the kernel-doc of vmcursor's API, not from cursor.c, so that
 * it is an independent oracle. The view is a sorted array of mappings and
 * knows nothing of page-table nodes. Where the real result depends on the
 * shape of the tree (the cursor position after a search that finds
 * nothing, the absent span a query reports) the model states the allowed
 * set and the test checks membership, then tells the model the real
 * value (vmm_sync_va()).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "model.h"

#define VMM_FANOUT	512

/* Huge mappings an operation may split: two edges, two levels each. */
#define VMM_MAX_CUTS	4

struct vmm_cut {
	u64 va;
	u64 size;
	struct vmc_frame *frame;
};

struct vmm_cuts {
	unsigned int nr;
	struct vmm_cut cut[VMM_MAX_CUTS];
};

static u64 vmm_size_of(int level)
{
	return 1ULL << (12 + 9 * (level - 1));
}

/**
 * vmm_level_of() - the page-table level whose entries span @size bytes
 * @size: 4 KiB, 2 MiB, 1 GiB, 512 GiB or 256 TiB
 *
 * Context: any.
 * Return: 1 to 5, or 0 for any other size.
 */
int vmm_level_of(u64 size)
{
	int level;

	for (level = 1; level <= VMC_MAX_LEVELS; level++)
		if (size == vmm_size_of(level))
			return level;
	return 0;
}

/**
 * vmm_init() - an empty view with no cursor
 * @m: the model
 * @va_end: end (exclusive) of the managed range, as the space's
 *
 * Context: any.
 */
void vmm_init(struct vmm *m, u64 va_end)
{
	memset(m, 0, sizeof(*m));
	m->va_end = va_end;
}

/**
 * vmm_free() - release the model's storage
 * @m: the model
 *
 * Context: process context.
 */
void vmm_free(struct vmm *m)
{
	kvfree(m->maps);
	m->maps = NULL;
	m->nr = 0;
	m->cap = 0;
}

/**
 * vmm_reserve() - make room for @extra more mappings
 * @m: the model
 * @extra: mappings to have room for
 *
 * Operations never allocate (they run under the real cursor's locks), so
 * the caller reserves VMM_MAX_GROWTH per operation beforehand.
 * Context: process context; sleeps.
 * Return: 0 or -ENOMEM.
 */
int vmm_reserve(struct vmm *m, unsigned long extra)
{
	unsigned long cap = max(m->cap * 2, m->nr + extra);
	struct vmm_map *maps;

	if (m->nr + extra <= m->cap)
		return 0;
	maps = kvmalloc_array(cap, sizeof(*maps), GFP_KERNEL);
	if (!maps)
		return -ENOMEM;
	if (m->nr)
		memcpy(maps, m->maps, m->nr * sizeof(*maps));
	kvfree(m->maps);
	m->maps = maps;
	m->cap = cap;
	return 0;
}

/* Index of the first mapping that ends after @va (m->nr if none). */
static unsigned long vmm_first_after(const struct vmm *m, u64 va)
{
	unsigned long lo = 0, hi = m->nr;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		const struct vmm_map *p = &m->maps[mid];

		if (p->va + p->size > va)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Index of the first mapping that starts at or after @va. */
static unsigned long vmm_first_from(const struct vmm *m, u64 va)
{
	unsigned long i = vmm_first_after(m, va);

	if (i < m->nr && m->maps[i].va < va)
		i++;
	return i;
}

/* vostd's present()/query_mapping(): the mapping containing @va. */
static struct vmm_map *vmm_at(const struct vmm *m, u64 va)
{
	unsigned long i = vmm_first_after(m, va);

	if (i < m->nr && m->maps[i].va <= va)
		return &m->maps[i];
	return NULL;
}

/**
 * vmm_count_in() - mappings that start in [@start, @end)
 * @m: the model
 * @start: window start
 * @end: window end (exclusive)
 * @first: set to the index of the first of them
 *
 * Context: any.
 * Return: their number.
 */
unsigned long vmm_count_in(const struct vmm *m, u64 start, u64 end,
			   unsigned long *first)
{
	*first = vmm_first_from(m, start);
	return vmm_first_from(m, end) - *first;
}

static void vmm_set_va(struct vmm *m, u64 va)
{
	m->va = va;
	m->va_lo = va;
	m->va_hi = va;
}

/* The spec leaves the resulting va open within [lo, hi]. */
static void vmm_set_va_range(struct vmm *m, u64 lo, u64 hi)
{
	m->va = lo;
	m->va_lo = lo;
	m->va_hi = hi;
}

/**
 * vmm_sync_va() - adopt the real cursor's va if the spec allows it
 * @m: the model
 * @real_va: the real cursor's va after the same operation
 *
 * Context: any.
 * Return: true if @real_va is in the allowed set (the model then has it),
 * false otherwise (the model is unchanged).
 */
bool vmm_sync_va(struct vmm *m, u64 real_va)
{
	if (real_va < m->va_lo || real_va > m->va_hi)
		return false;
	vmm_set_va(m, real_va);
	return true;
}

/* Start of an operation: nothing recorded yet, va fixed unless moved. */
static void vmm_begin(struct vmm *m)
{
	memset(&m->fx, 0, sizeof(m->fx));
	vmm_set_va(m, m->va);
}

static void vmm_fx_ref(struct vmm *m, struct vmc_frame *frame, u64 n)
{
	struct vmm_effects *fx = &m->fx;
	unsigned int k;

	for (k = 0; k < fx->nr_frames; k++) {
		if (fx->frame[k] == frame) {
			fx->refs[k] += n;
			return;
		}
	}
	if (fx->nr_frames == VMM_FX_FRAMES) {
		m->broken = true;
		return;
	}
	fx->frame[fx->nr_frames] = frame;
	fx->refs[fx->nr_frames++] = n;
}

/*
 * Decision (b), (e): every reference an operation needs is obtained before
 * anything becomes visible; one that would pass VMC_REF_MAX is an error.
 */
static u64 vmm_acc_refs(const struct vmm *m, const struct vmc_frame *frame)
{
	unsigned int k;

	if (!m->compound)
		return 0;
	for (k = 0; k < m->acc.nr_frames; k++)
		if (m->acc.frame[k] == frame)
			return m->acc.refs[k];
	return 0;
}

static int vmm_check_refs(const struct vmm *m)
{
	unsigned int k;

	if (!m->headroom)
		return 0;
	for (k = 0; k < m->fx.nr_frames; k++)
		if (m->fx.refs[k] + vmm_acc_refs(m, m->fx.frame[k]) >
		    m->headroom(m->fx.frame[k], m->headroom_arg))
			return -EOVERFLOW;
	return 0;
}

/* A compound operation's step succeeded: add its effects to @m->acc. */
static void vmm_acc_step(struct vmm *m)
{
	struct vmm_effects *acc = &m->acc, *fx = &m->fx;
	unsigned int k, j;

	acc->splits += fx->splits;
	acc->tracked_splits += fx->tracked_splits;
	acc->removed += fx->removed;
	for (k = 0; k < fx->nr_frames; k++) {
		for (j = 0; j < acc->nr_frames; j++)
			if (acc->frame[j] == fx->frame[k])
				break;
		if (j == acc->nr_frames) {
			if (j == VMM_FX_FRAMES) {
				m->broken = true;
				return;
			}
			acc->frame[j] = fx->frame[k];
			acc->refs[j] = 0;
			acc->nr_frames++;
		}
		acc->refs[j] += fx->refs[k];
	}
}

static void vmm_cut_add(struct vmm *m, struct vmm_cuts *cs, u64 va, u64 size,
			struct vmc_frame *frame)
{
	unsigned int k;

	for (k = 0; k < cs->nr; k++)
		if (cs->cut[k].va == va && cs->cut[k].size == size)
			return;
	if (cs->nr == VMM_MAX_CUTS) {
		m->broken = true;
		return;
	}
	cs->cut[cs->nr].va = va;
	cs->cut[cs->nr].size = size;
	cs->cut[cs->nr++].frame = frame;
}

/* vostd split_while_huge(size) at @va (map_spec step 1). */
static void vmm_cuts_down(struct vmm *m, struct vmm_cuts *cs, u64 va, u64 size)
{
	const struct vmm_map *p = vmm_at(m, va);
	u64 s, pva;

	if (!p)
		return;
	for (s = p->size, pva = p->va; s > size;
	     s /= VMM_FANOUT, pva = ALIGN_DOWN(va, s))
		vmm_cut_add(m, cs, pva, s, p->frame);
}

/*
 * §4.8, code-exact unmap: a mapping straddling the edge @e is split level
 * by level, only along the edge, until @e is a mapping boundary.
 */
static void vmm_cuts_edge(struct vmm *m, struct vmm_cuts *cs, u64 e)
{
	const struct vmm_map *p = vmm_at(m, e);
	u64 s, pva;

	if (!p)
		return;
	for (s = p->size, pva = p->va; pva != e;
	     s /= VMM_FANOUT, pva = ALIGN_DOWN(e, s))
		vmm_cut_add(m, cs, pva, s, p->frame);
}

/*
 * §4.9: at a leaf that does not fit in [@pos, @end), split and continue at
 * the same address, until the piece starting at @pos fits.
 */
static void vmm_cuts_fit(struct vmm *m, struct vmm_cuts *cs,
			 const struct vmm_map *p, u64 pos, u64 end)
{
	u64 s, pva;

	for (s = p->size, pva = p->va; pva != pos || s > end - pos;
	     s /= VMM_FANOUT, pva = ALIGN_DOWN(pos, s))
		vmm_cut_add(m, cs, pva, s, p->frame);
}

/* Decision (e): splitting a tracked 2 MiB leaf needs 511 more references. */
static void vmm_fx_cuts(struct vmm *m, const struct vmm_cuts *cs)
{
	unsigned int k;

	m->fx.splits = cs->nr;
	for (k = 0; k < cs->nr; k++) {
		if (cs->cut[k].frame && cs->cut[k].size == VMM_2M) {
			vmm_fx_ref(m, cs->cut[k].frame, VMM_FANOUT - 1);
			m->fx.tracked_splits++;
		}
	}
}

/* vostd split_index: the mapping at @i becomes its 512 sub-mappings. */
static void vmm_split(struct vmm *m, unsigned long i)
{
	struct vmm_map old = m->maps[i];
	u64 size = old.size / VMM_FANOUT;
	unsigned int k;

	if (m->nr + VMM_FANOUT - 1 > m->cap) {
		m->broken = true;
		return;
	}
	memmove(&m->maps[i + VMM_FANOUT], &m->maps[i + 1],
		(m->nr - i - 1) * sizeof(old));
	for (k = 0; k < VMM_FANOUT; k++) {
		struct vmm_map *p = &m->maps[i + k];

		*p = old;
		p->va = old.va + k * size;
		p->pa = old.pa + k * size;
		p->size = size;
	}
	m->nr += VMM_FANOUT - 1;
}

static void vmm_apply_cuts(struct vmm *m, const struct vmm_cuts *cs)
{
	unsigned int k;

	for (k = 0; k < cs->nr; k++) {
		unsigned long i = vmm_first_after(m, cs->cut[k].va);

		if (i < m->nr && m->maps[i].va == cs->cut[k].va &&
		    m->maps[i].size == cs->cut[k].size)
			vmm_split(m, i);
	}
}

/* Remove the mappings at indices [lo, hi). */
static void vmm_remove(struct vmm *m, unsigned long lo, unsigned long hi)
{
	memmove(&m->maps[lo], &m->maps[hi], (m->nr - hi) * sizeof(*m->maps));
	m->nr -= hi - lo;
}

static void vmm_insert(struct vmm *m, unsigned long i, const struct vmm_map *p)
{
	if (m->nr == m->cap) {
		m->broken = true;
		return;
	}
	memmove(&m->maps[i + 1], &m->maps[i], (m->nr - i) * sizeof(*p));
	m->maps[i] = *p;
	m->nr++;
}

/**
 * vmm_create() - cursor creation over [@start, @end) (§3.1)
 * @m: the model, with no cursor
 * @start: range start
 * @end: range end (exclusive)
 *
 * Context: any.
 * Return: 0 (va = @start), -ERANGE for an empty, reversed or unmanaged
 * range (checked first), -EINVAL for a misaligned one.
 */
int vmm_create(struct vmm *m, u64 start, u64 end)
{
	if (start >= end || end > m->va_end)
		return -ERANGE;
	if ((start | end) & (VMM_4K - 1))
		return -EINVAL;
	m->live = true;
	m->start = start;
	m->end = end;
	vmm_set_va(m, start);
	return 0;
}

/**
 * vmm_destroy() - the cursor goes away; the view stays
 * @m: the model
 *
 * Context: any.
 */
void vmm_destroy(struct vmm *m)
{
	m->live = false;
}

/**
 * vmm_query() - §4.2 and §5.8 query
 * @m: the model
 * @found: set to the mapping containing va, or NULL; in the latter case
 *	the real span must pass vmm_absent_range_ok()
 *
 * Context: any.
 * Return: 0, -ERANGE if va >= end, or -EOVERFLOW if the owned clone
 * (vostd) cannot take its reference.
 */
int vmm_query(struct vmm *m, const struct vmm_map **found)
{
	const struct vmm_map *p;

	vmm_begin(m);
	*found = NULL;
	if (m->va >= m->end)
		return -ERANGE;
	p = vmm_at(m, m->va);
	if (p && p->frame && m->headroom &&
	    m->headroom(p->frame, m->headroom_arg) < 1)
		return -EOVERFLOW;
	*found = p;
	return 0;
}

/**
 * vmm_absent_range_ok() - may query report [@start, @end) as absent?
 * @m: the model
 * @start: reported span start
 * @end: reported span end
 * @level: reported level
 *
 * The span is the absent entry where the real walk stopped (§4.2): one
 * entry of some level, so aligned to its size, containing va and meeting
 * no mapping.
 * Context: any.
 * Return: true if so.
 */
bool vmm_absent_range_ok(const struct vmm *m, u64 start, u64 end, int level)
{
	unsigned long i;

	if (level < 1 || level > VMC_MAX_LEVELS || end <= start ||
	    end - start != vmm_size_of(level) || start & (end - start - 1))
		return false;
	if (m->va < start || m->va >= end)
		return false;
	i = vmm_first_after(m, start);
	return i == m->nr || m->maps[i].va >= end;
}

/* §4.3: the length check shared by find_next, unmap and protect_next. */
static int vmm_check_len(const struct vmm *m, u64 len)
{
	if (len & (VMM_4K - 1))
		return -EINVAL;
	if (len > m->end - m->va)
		return -ERANGE;
	return 0;
}

/**
 * vmm_find_next() - §4.3 find_next, at the mapping-set level
 * @m: the model
 * @len: search length
 * @found: set to the address found
 *
 * If a mapping contains va, it is found at va; else the cursor moves to
 * the lowest mapping start in (va, va + @len); else nothing is found and
 * va' may be anywhere in [va + @len, end] (a loop that never runs, for a
 * zero @len, leaves va where it is).
 * Context: any.
 * Return: 1, 0, -EINVAL or -ERANGE.
 */
int vmm_find_next(struct vmm *m, u64 len, u64 *found)
{
	unsigned long i;
	int err;

	vmm_begin(m);
	err = vmm_check_len(m, len);
	if (err || !len)
		return err;
	i = vmm_first_after(m, m->va);
	if (i < m->nr && m->maps[i].va < m->va + len) {
		*found = max(m->maps[i].va, m->va);
		vmm_set_va(m, *found);
		return 1;
	}
	vmm_set_va_range(m, m->va + len, m->end);
	return 0;
}

/**
 * vmm_jump() - §4.4 jump
 * @m: the model
 * @va: target
 *
 * Context: any.
 * Return: 0, -EINVAL if @va is misaligned, -ERANGE if outside [start, end).
 */
int vmm_jump(struct vmm *m, u64 va)
{
	vmm_begin(m);
	if (va & (VMM_4K - 1))
		return -EINVAL;
	if (va < m->start || va >= m->end)
		return -ERANGE;
	vmm_set_va(m, va);
	return 0;
}

/* §4.5 checks, in the order of the API's errno contract. */
static int vmm_map_check(const struct vmm *m, const struct vmc_item *item,
			 u64 *psize)
{
	u64 size, maxpa = vmc_max_paddr();

	if (m->va >= m->end)
		return -ERANGE;
	if (!vmc_level_supported(item->level))
		return -EOPNOTSUPP;
	size = vmm_size_of(item->level);
	if (m->va & (size - 1))
		return -EINVAL;
	if (size > m->end - m->va)
		return -ERANGE;
	if (item->pa & (size - 1))
		return -EINVAL;
	if (item->pa >= maxpa || size > maxpa - item->pa)
		return -ERANGE;
	if (!vmc_prop_supported(item->prop))
		return -EOPNOTSUPP;
	if (item->frame) {
		u64 fpa = vmc_frame_pa(item->frame);
		u64 fsize = vmc_frame_size(item->frame);

		if (item->pa < fpa || item->pa - fpa >= fsize ||
		    size > fsize - (item->pa - fpa))
			return -ERANGE;
		/* A frame has one memory type (ioctl.h). */
		if (VMC_PROP_CACHE(item->prop) != item->frame->cache)
			return -EINVAL;
	}
	*psize = size;
	return 0;
}

/**
 * vmm_map() - §5.3 map_spec (vostd replace semantics, decision a)
 * @m: the model
 * @item: what to map at va
 *
 * A larger mapping covering va is split down to the item's size
 * (split_while_huge), every mapping starting in the slot is removed
 * (remove_subtree), the new mapping is added and va' = va + size.
 * Context: any.
 * Return: 0 or the errno of the first failed check (with @m->dry, the
 * result the operation would have; nothing changes).
 */
int vmm_map(struct vmm *m, const struct vmc_item *item)
{
	struct vmm_cuts cs = {};
	struct vmm_map new;
	unsigned long lo, hi;
	u64 size;
	int err;

	vmm_begin(m);
	err = vmm_map_check(m, item, &size);
	if (err)
		return err;
	vmm_cuts_down(m, &cs, m->va, size);
	vmm_fx_cuts(m, &cs);
	if (item->frame)
		vmm_fx_ref(m, item->frame, 1);
	err = vmm_check_refs(m);
	if (err || m->dry)
		return err;
	vmm_apply_cuts(m, &cs);
	lo = vmm_first_from(m, m->va);
	hi = vmm_first_from(m, m->va + size);
	vmm_remove(m, lo, hi);
	m->fx.removed = hi - lo;
	new.va = m->va;
	new.size = size;
	new.pa = item->pa;
	new.prop = item->prop;
	new.frame = item->frame;
	vmm_insert(m, lo, &new);
	vmm_set_va(m, m->va + size);
	return 0;
}

/**
 * vmm_unmap() - §4.8 unmap, the code-exact form of §5.4 unmap_spec
 * @m: the model
 * @len: length
 * @count: set to the number of mappings removed
 *
 * Mappings straddling either edge of [va, va + @len) are split along the
 * edge only; then every mapping in the range is removed, each counting
 * one (decision g); va' may be anywhere in [va + @len, end].
 * Context: any.
 * Return: 0, -EINVAL, -ERANGE or -EOVERFLOW (with @m->dry, the result the
 * operation would have; nothing changes).
 */
int vmm_unmap(struct vmm *m, u64 len, u64 *count)
{
	struct vmm_cuts cs = {};
	unsigned long lo, hi;
	u64 fend;
	int err;

	vmm_begin(m);
	err = vmm_check_len(m, len);
	if (err)
		return err;
	if (!len) {
		if (!m->dry)
			*count = 0;
		return 0;
	}
	fend = m->va + len;
	vmm_cuts_edge(m, &cs, m->va);
	vmm_cuts_edge(m, &cs, fend);
	vmm_fx_cuts(m, &cs);
	err = vmm_check_refs(m);
	if (err || m->dry)
		return err;
	vmm_apply_cuts(m, &cs);
	lo = vmm_first_from(m, m->va);
	hi = vmm_first_from(m, fend);
	vmm_remove(m, lo, hi);
	m->fx.removed = hi - lo;
	*count = hi - lo;
	vmm_set_va_range(m, fend, m->end);
	return 0;
}

/**
 * vmm_protect_next() - §4.9 protect_next, §5.5 protect_spec
 * @m: the model
 * @len: search length
 * @op: the property change
 * @pstart: set to the start of the protected mapping
 * @pend: set to its end
 *
 * The first mapping meeting [va, va + @len) is split along va and the
 * range end until the piece at max(va, its start) fits in the range;
 * that one piece gets @op's property, and va' is its end. Without such a
 * mapping va' may be anywhere in [va + @len, end].
 * Context: any.
 * Return: 1, 0, -EINVAL, -ERANGE, -EOPNOTSUPP (@op's result cannot be
 * mapped) or -EOVERFLOW (with @m->dry, the result the operation would
 * have; nothing changes).
 */
int vmm_protect_next(struct vmm *m, u64 len, const struct vmc_protect_op *op,
		     u64 *pstart, u64 *pend)
{
	struct vmm_cuts cs = {};
	struct vmm_map *p;
	unsigned long i;
	u64 fend, pos;
	int err;

	vmm_begin(m);
	err = vmm_check_len(m, len);
	if (err || !len)
		return err;
	fend = m->va + len;
	i = vmm_first_after(m, m->va);
	if (i == m->nr || m->maps[i].va >= fend) {
		if (!m->dry)
			vmm_set_va_range(m, fend, m->end);
		return 0;
	}
	p = &m->maps[i];
	pos = max(p->va, m->va);
	if (!vmc_prop_supported(op->fn(p->prop, op->arg)))
		return -EOPNOTSUPP;
	/* A frame's leaves keep its memory type. */
	if (p->frame && VMC_PROP_CACHE(op->fn(p->prop, op->arg)) !=
	    VMC_PROP_CACHE(p->prop))
		return -EINVAL;
	vmm_cuts_fit(m, &cs, p, pos, fend);
	vmm_fx_cuts(m, &cs);
	err = vmm_check_refs(m);
	if (err || m->dry)
		return err ? err : 1;
	vmm_apply_cuts(m, &cs);
	p = vmm_at(m, pos);
	if (!p || p->va != pos) {
		m->broken = true;
		return -EFAULT;
	}
	p->prop = op->fn(p->prop, op->arg);
	*pstart = pos;
	*pend = pos + p->size;
	vmm_set_va(m, *pend);
	return 1;
}

/**
 * vmm_map_many() - @n maps in a row, stopping at the first that fails
 * @m: the model
 * @items: the items, mapped at consecutive cursor positions
 * @n: their number
 * @done: set to the number mapped
 *
 * vmcursor's bulk map is specified as @n calls of map (map_spec each);
 * the references all of them take are reserved before each is written,
 * so they count together against the headroom. @m->acc sums the effects.
 * Context: any.
 * Return: 0, or the errno of item *@done (which changed nothing).
 */
int vmm_map_many(struct vmm *m, const struct vmc_item *items, unsigned long n,
		 unsigned long *done)
{
	int err = 0;

	memset(&m->acc, 0, sizeof(m->acc));
	m->compound = true;
	for (*done = 0; *done < n; ++*done) {
		err = vmm_map(m, &items[*done]);
		if (err || m->dry)
			break;
		vmm_acc_step(m);
	}
	m->compound = false;
	memset(&m->fx, 0, sizeof(m->fx));
	return err;
}

/**
 * vmm_protect_range() - protect_next until nothing is left in the range
 * @m: the model
 * @len: length of the range from va
 * @op: the property change
 * @limit: stop after this many leaves (the full operation: U64_MAX)
 * @count: set to the number of leaves protected
 *
 * vmcursor's bulk protect is specified as protect_next over the rest of
 * the range until it finds nothing: every leaf meeting the range ends up
 * inside it with @op applied, and va' is anywhere in [va + @len, end]. A
 * step that fails changes nothing, so the cursor stays after the last
 * protected leaf.
 * Context: any.
 * Return: 0, or the errno of the failing step (or of @len).
 */
int vmm_protect_range(struct vmm *m, u64 len, const struct vmc_protect_op *op,
		      u64 limit, u64 *count)
{
	u64 fend, a, b;
	int ret;

	memset(&m->acc, 0, sizeof(m->acc));
	*count = 0;
	vmm_begin(m);
	ret = vmm_check_len(m, len);
	if (ret)
		return ret;
	fend = m->va + len;
	m->compound = true;
	while (*count < limit) {
		ret = vmm_protect_next(m, fend - m->va, op, &a, &b);
		if (ret <= 0)
			break;
		vmm_acc_step(m);
		++*count;
	}
	m->compound = false;
	memset(&m->fx, 0, sizeof(m->fx));
	return ret < 0 ? ret : 0;
}
