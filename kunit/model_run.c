// SPDX-License-Identifier: GPL-2.0
/*
 * The model-based differential runner: random cursor sessions against the
 * real engine, each call checked against the model (model.c): its return
 * value and errno, its outputs, the cursor's va, and the mapping set and
 * structure of the real tree, walked after every call.
 *
 * A cursor's lifetime is an atomic section, so nothing between creation
 * and destruction may sleep, allocate with GFP_KERNEL or report through
 * KUnit (a failed expectation allocates): a failure is written to the
 * runner's message buffer and the run stops; the test thread reports it.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "model_run.h"

/* Calls per cursor session, at most. */
#define VMR_SESSION_OPS		16

/*
 * Above this many mappings a session empties the busiest 1 GiB block: every
 * call walks the whole tree, so the walk must stay short under TCG.
 */
#define VMR_PRESSURE		600

/* The invariant checker runs after every this many sessions. */
#define VMR_CHECK_SESSIONS	48

/* Failed calls with spoiled arguments: fingerprint one in this many. */
#define VMR_FP_EVERY		4

enum {
	VMR_POP_ID,
	VMR_POP_SET,
	VMR_POP_ADD,
	VMR_POP_CLEAR,
	VMR_POP_CACHE,
	VMR_POP_GLOBAL,
	VMR_POP_FLAGS,
};

static const char *const vmr_kind_name[VMR_NR_KINDS] = {
	[VMR_CREATE] = "create",
	[VMR_DESTROY] = "destroy",
	[VMR_JUMP] = "jump",
	[VMR_MAP] = "map",
	[VMR_UNMAP] = "unmap",
	[VMR_PROTECT] = "protect_next",
	[VMR_FIND] = "find_next",
	[VMR_QUERY] = "query",
	[VMR_PEEK] = "peek",
	[VMR_MAP_MANY] = "map_many",
	[VMR_PROTECT_RANGE] = "protect_range",
};

/* Hot 2 MiB and 4 KiB indices: both sides of every boundary. */
static const u16 vmr_hot2m[] = { 0, 1, 2, 255, 256, 509, 510, 511 };
static const u16 vmr_hot4k[] = { 0, 1, 2, 255, 256, 510, 511 };

static const u32 vmr_flags[] = {
	VMC_PROP_R,
	VMC_PROP_R | VMC_PROP_W,
	VMC_PROP_R | VMC_PROP_X,
	VMC_PROP_R | VMC_PROP_W | VMC_PROP_X,
	VMC_PROP_R | VMC_PROP_W | VMC_PROP_A | VMC_PROP_D,
	VMC_PROP_R | VMC_PROP_A,
	0,
	VMC_PROP_W,
};

static __printf(2, 3) void vmr_fail(struct vmr *r, const char *fmt, ...)
{
	va_list args;

	if (r->failed)
		return;
	r->failed = true;
	va_start(args, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, args);
	va_end(args);
}

/* splitmix64: a deterministic stream per seed. */
static u64 vmr_rand(struct vmr *r)
{
	u64 z = (r->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 vmr_below(struct vmr *r, u64 n)
{
	if (!n)
		return 0;
	return r->cfg.draw ? r->cfg.draw(r->cfg.draw_arg, n) : vmr_rand(r) % n;
}

static bool vmr_chance(struct vmr *r, unsigned int percent)
{
	return vmr_below(r, 100) < percent;
}

static u64 vmr_size(int level)
{
	return vmc_page_size(level);
}

static u32 vmr_pop_fn(u32 old, const void *arg)
{
	const struct vmr_pop *pop = arg;

	switch (pop->kind) {
	case VMR_POP_SET:
		return pop->val;
	case VMR_POP_ADD:
		return old | pop->val;
	case VMR_POP_CLEAR:
		return old & ~pop->val;
	case VMR_POP_CACHE:
		return (old & ~VMC_PROP_CACHE_MASK) |
		       (pop->val << VMC_PROP_CACHE_SHIFT);
	case VMR_POP_GLOBAL:
		return old | VMC_PRIV_GLOBAL;
	case VMR_POP_FLAGS:
		/* SET that keeps the memory type, as frames require. */
		return (pop->val & ~VMC_PROP_CACHE_MASK) |
		       (old & VMC_PROP_CACHE_MASK);
	default:
		return old;
	}
}

static unsigned long vmr_model_refs(const struct vmm *m,
				    const struct vmc_frame *frame)
{
	unsigned long i, n = 0;

	for (i = 0; i < m->nr; i++)
		n += m->maps[i].frame == frame;
	return n;
}

static bool vmr_frees_pending(const struct vmr *r)
{
	return atomic_read(&r->space->pending_frees) != 0;
}

/* The frames' counts folded into one value (VMR_SOLO, no frees pending). */
static u64 vmr_ref_sum(const struct vmr *r)
{
	const struct vmr_frames *fr = r->cfg.frames;
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < fr->nr_4k; i++)
		sum = sum * 31 + vmc_frame_refcount(fr->f4k[i]);
	for (i = 0; i < fr->nr_2m; i++)
		sum = sum * 31 + vmc_frame_refcount(fr->f2m[i]);
	return sum;
}

/* ---- describing calls, for failure reports ---------------------------- */

static int vmr_describe(const struct vmr_rec *rec, char *buf, size_t len)
{
	const char *name = rec->kind < VMR_NR_KINDS ? vmr_kind_name[rec->kind] : "?";
	const char *inj = rec->inject == VMR_INJ_NOMEM ? " [nomem]" :
			  rec->inject == VMR_INJ_OVF ? " [ovf]" : "";

	switch (rec->kind) {
	case VMR_CREATE:
		return scnprintf(buf, len, "#%llu create [%#llx, %#llx) = %d",
				 rec->seq, rec->arg, rec->arg2, rec->ret);
	case VMR_MAP:
		return scnprintf(buf, len,
				 "map L%u pa %#llx prop %#x %s = %d va %#llx%s",
				 rec->item.level, rec->item.pa, rec->item.prop,
				 rec->item.frame ? "tracked" : "untracked",
				 rec->ret, rec->va, inj);
	case VMR_PROTECT:
		return scnprintf(buf, len,
				 "protect_next len %#llx op %u/%#x = %d [%#llx, %#llx) va %#llx%s",
				 rec->arg, rec->pop.kind, rec->pop.val, rec->ret,
				 rec->out, rec->out2, rec->va, inj);
	case VMR_QUERY:
	case VMR_PEEK:
		return scnprintf(buf, len,
				 "%s = %d [%#llx, %#llx) L%u mapped %d pa %#llx prop %#x va %#llx%s",
				 name, rec->ret, rec->out, rec->out2, rec->q_level,
				 rec->q_mapped, rec->q_item.pa, rec->q_item.prop,
				 rec->va, inj);
	case VMR_DESTROY:
		return scnprintf(buf, len, "destroy");
	case VMR_MAP_MANY:
		return scnprintf(buf, len,
				 "%s n %u kind %u L%u frame %u off %u pa %#llx prop %#x/%#x@%u spoil %u@%u = %d done %llu va %#llx%s",
				 rec->run.as_run ? "map_run" : "map_many",
				 rec->run.n, rec->run.kind, rec->run.level,
				 rec->run.frame, rec->run.off, rec->run.pa,
				 rec->run.prop, rec->run.prop2, rec->run.prop_at,
				 rec->run.spoil, rec->run.spoil_at, rec->ret,
				 rec->out, rec->va, inj);
	case VMR_PROTECT_RANGE:
		return scnprintf(buf, len,
				 "protect_range len %#llx op %u/%#x = %d count %llu va %#llx%s",
				 rec->arg, rec->pop.kind, rec->pop.val, rec->ret,
				 rec->out, rec->va, inj);
	default:
		return scnprintf(buf, len, "%s %#llx = %d out %#llx va %#llx%s",
				 name, rec->arg, rec->ret, rec->out, rec->va, inj);
	}
}

/* ---- the tree walk ---------------------------------------------------- */

struct vmr_walk {
	struct vmr *r;
	const struct vmm *m;
	u64 lo;
	u64 hi;
	unsigned long idx;
	unsigned long end;
	u64 hash;
	unsigned long nodes;
	unsigned long present;
	bool enc_valid;
	int enc_level;
	u32 enc_prop;
	bool enc_tracked;
	u64 enc_flags;
};

/*
 * The walk runs over every table of the tree after every call. Under TCG
 * the KASAN check of each of its loads made it most of the test's run
 * time, so the walk's own functions go without instrumentation (noinline
 * __no_sanitize_address): they only read reachable tables, which the
 * engine's instrumented code reads too, and the test's own model.
 */

/* Index of the first present entry in [@i, @last), or @last. */
static noinline __no_sanitize_address unsigned int
vmr_next_present(const u64 *ptes, unsigned int i, unsigned int last)
{
	/* Eight at a time while aligned: fewer instructions for TCG. */
	while (i < last && (i & 7) && !READ_ONCE(ptes[i]))
		i++;
	while (i + 8 <= last && !(READ_ONCE(ptes[i]) | READ_ONCE(ptes[i + 1]) |
				  READ_ONCE(ptes[i + 2]) | READ_ONCE(ptes[i + 3]) |
				  READ_ONCE(ptes[i + 4]) | READ_ONCE(ptes[i + 5]) |
				  READ_ONCE(ptes[i + 6]) | READ_ONCE(ptes[i + 7])))
		i += 8;
	while (i < last && !READ_ONCE(ptes[i]))
		i++;
	return i;
}

/*
 * The entry encoding @p would give: its physical address and the flags of
 * the last encoding of the same level, property and trackedness (the
 * encoding is pa | flags; computing it once per run of pieces keeps the
 * walk cheap). A wrong assumption can only make a correct entry mismatch.
 */
static noinline __no_sanitize_address u64
vmr_expected_pte(struct vmr_walk *w, const struct vmm_map *p, int level)
{
	bool tracked = p->frame;

	if (!w->enc_valid || w->enc_level != level || w->enc_prop != p->prop ||
	    w->enc_tracked != tracked) {
		w->enc_flags = vmc_pte_encode_leaf(p->pa, level, p->prop,
						   tracked) ^ p->pa;
		w->enc_valid = true;
		w->enc_level = level;
		w->enc_prop = p->prop;
		w->enc_tracked = tracked;
	}
	return p->pa | w->enc_flags;
}

static noinline __no_sanitize_address u64 vmr_mix(u64 h, u64 v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

/*
 * The model's mapping at the walk's position must be exactly the leaf
 * found: the same entry, bit for bit, as encoding it would give (the space
 * is never loaded, so the MMU sets no A/D bits), which pins va, size, pa,
 * property and the tracked marker; for a tracked leaf, the model's frame
 * contains pa by construction, so it is the frame the leaf maps.
 */
static noinline __no_sanitize_address void
vmr_walk_leaf(struct vmr_walk *w, u64 pte, int level, u64 va)
{
	static const struct vmm_map none;
	const struct vmm_map *p = w->idx < w->end ? &w->m->maps[w->idx] : &none;
	u64 size = vmr_size(level);
	struct vmc_pte_info info;

	if (p->va == va && p->size == size &&
	    pte == vmr_expected_pte(w, p, level)) {
		w->idx++;
		return;
	}
	vmc_pte_decode(pte, level, &info);
	vmr_fail(w->r,
		 "tree leaf %#llx size %#llx pa %#llx prop %#x %s; model %s %#llx size %#llx pa %#llx prop %#x %s",
		 va, size, info.pa, info.prop, info.tracked ? "tracked" : "untracked",
		 w->idx < w->end ? "has" : "has nothing more, last", p->va,
		 p->size, p->pa, p->prop, p->frame ? "tracked" : "untracked");
}

static noinline __no_sanitize_address void
vmr_walk_node(struct vmr_walk *w, struct vmc_node *node, int level, u64 base)
{
	struct vmc_space *space = w->r->space;
	unsigned int shift = vmc_level_shift(level);
	unsigned int n = level == space->nr_levels ? VMC_PTES_PER_NODE / 2 :
			 VMC_PTES_PER_NODE;
	unsigned int i, first = 0, last = n, present = 0;
	struct vmc_pte_info info;
	bool whole;

	if (w->lo > base)
		first = min_t(u64, (w->lo - base) >> shift, n);
	if (w->hi - base < ((u64)n << shift))
		last = DIV_ROUND_UP(w->hi - base, 1ULL << shift);
	whole = !first && last == n;
	if (node->usage != VMC_USAGE_PTNODE || node->level != level ||
	    node->stray || node->space != space) {
		vmr_fail(w->r, "node at %#llx: usage %u level %u (want %d) stray %d",
			 base, node->usage, node->level, level, node->stray);
		return;
	}
	if (whole)
		w->hash = vmr_mix(vmr_mix(w->hash, level),
				  atomic_read(&node->nr_children));
	w->nodes++;
	for (i = vmr_next_present(node->ptes, first, last);
	     i < last && !w->r->failed;
	     i = vmr_next_present(node->ptes, i + 1, last)) {
		u64 pte = vmc_pte_read(&node->ptes[i]);
		u64 va = base + ((u64)i << shift);
		const struct vmm_map *p = &w->m->maps[w->idx];

		present++;
		/* The common case: the leaf the model expects here. */
		if (w->idx < w->end && p->va == va && p->size == 1ULL << shift &&
		    pte == vmr_expected_pte(w, p, level)) {
			w->hash = vmr_mix(vmr_mix(w->hash, va), pte);
			w->idx++;
			continue;
		}
		switch (vmc_pte_decode(pte, level, &info)) {
		case VMC_PTE_TABLE:
			/*
			 * A table that reaches past the window is shared with
			 * other threads' windows, which may create it or set
			 * its accessed bit at any time: only the tables wholly
			 * inside count.
			 */
			if (va >= w->lo && va + (1ULL << shift) <= w->hi)
				w->hash = vmr_mix(vmr_mix(w->hash, va), info.pa);
			vmr_walk_node(w, vmc_node_from_pa(info.pa), level - 1, va);
			break;
		case VMC_PTE_LEAF:
			w->hash = vmr_mix(vmr_mix(w->hash, va), pte);
			vmr_walk_leaf(w, pte, level, va);
			break;
		default:
			vmr_fail(w->r, "level-%d entry %#llx at %#llx undecodable",
				 level, pte, va);
			break;
		}
	}
	w->present += present;
	if (whole && !w->r->failed &&
	    present != atomic_read(&node->nr_children))
		vmr_fail(w->r, "level-%d node at %#llx: %u entries, nr_children %d",
			 level, base, present, atomic_read(&node->nr_children));
}

/*
 * Compare the real tree's leaves in [lo, hi) with the model's mappings
 * there, check the structure on the way and hash what was seen. The
 * caller excludes concurrent changes to the window (its cursor, or no
 * other thread touching it).
 */
static bool vmr_walk(struct vmr *r, const struct vmm *m, u64 lo, u64 hi,
		     u64 *hash)
{
	struct vmr_walk w = { .r = r, .m = m, .lo = lo, .hi = hi,
			      .hash = 0xcbf29ce484222325ULL };
	u64 t0 = ktime_get_ns();

	w.end = vmm_count_in(m, lo, hi, &w.idx);
	w.end += w.idx;
	vmr_walk_node(&w, r->space->root, r->space->nr_levels, 0);
	if (!r->failed && w.idx != w.end)
		vmr_fail(r, "model mapping %#llx size %#llx pa %#llx not in the tree (+%lu)",
			 m->maps[w.idx].va, m->maps[w.idx].size,
			 m->maps[w.idx].pa, w.end - w.idx - 1);
	*hash = w.hash;
	r->walk_nodes += w.nodes;
	r->walk_present += w.present;
	r->walks++;
	r->ns_walk += ktime_get_ns() - t0;
	return !r->failed;
}

/**
 * vmr_compare() - compare the tree with a model over a window
 * @r: a runner of the space (its failure buffer gets the report)
 * @m: the model
 * @start: window start, 1 GiB aligned
 * @end: window end
 *
 * Context: no thread changes the window.
 * Return: true if they agree.
 */
bool vmr_compare(struct vmr *r, const struct vmm *m, u64 start, u64 end)
{
	u64 hash;

	return vmr_walk(r, m, start, end, &hash);
}

/* ---- choosing calls --------------------------------------------------- */

static const struct vmr_region *vmr_pick_region(struct vmr *r)
{
	return &r->cfg.regions[vmr_below(r, r->cfg.nr_regions)];
}

/* An address aligned to @gran, near a 1 GiB or 2 MiB boundary mostly. */
static u64 vmr_pick_addr(struct vmr *r, const struct vmr_region *rg, u64 gran)
{
	u64 a = rg->start + vmr_below(r, DIV_ROUND_UP(rg->end - rg->start, VMM_1G)) *
		VMM_1G;

	if (gran >= VMM_1G)
		return a;
	a += (vmr_chance(r, 80) ? vmr_hot2m[vmr_below(r, ARRAY_SIZE(vmr_hot2m))] :
	      vmr_below(r, 512)) * VMM_2M;
	if (gran >= VMM_2M)
		return a;
	return a + (vmr_chance(r, 70) ? vmr_hot4k[vmr_below(r, ARRAY_SIZE(vmr_hot4k))] :
		    vmr_below(r, 512)) * VMM_4K;
}

#define VMR_NONE	U64_MAX

/* An address a aligned to @gran with lo <= a and a + @size <= hi. */
static u64 vmr_pick_in(struct vmr *r, u64 lo, u64 hi, u64 gran, u64 size)
{
	u64 a, first;
	int tries;

	if (hi < size)
		return VMR_NONE;
	for (tries = 0; tries < 4; tries++) {
		unsigned int x = vmr_below(r, 100);

		if (x < 55)
			a = vmr_pick_addr(r, vmr_pick_region(r), gran);
		else if (x < 75)
			a = ALIGN(lo, gran) + vmr_below(r, 4) * gran;
		else
			a = ALIGN_DOWN(hi - size, gran) - vmr_below(r, 4) * gran;
		if (a >= lo && a <= hi - size)
			return a;
	}
	first = ALIGN(lo, gran);
	if (first > hi - size)
		return VMR_NONE;
	return first + vmr_below(r, (hi - size - first) / gran + 1) * gran;
}

static int vmr_pick_level(struct vmr *r)
{
	unsigned int x = vmr_below(r, 100);

	if (vmc_level_supported(3) && x >= 80)
		return 3;
	return x < 50 ? 1 : 2;
}

static u32 vmr_pick_cache(struct vmr *r)
{
	u32 modes = vmc_cache_modes(), mode;

	if (vmr_chance(r, 70) || !modes)
		return VMC_CACHE_WB;
	do {
		mode = vmr_below(r, VMC_NR_CACHE_MODES);
	} while (!(modes & (1u << mode)));
	return mode;
}

static u32 vmr_pick_prop(struct vmr *r)
{
	u32 prop = vmr_flags[vmr_below(r, ARRAY_SIZE(vmr_flags))];

	if (vmr_chance(r, 85))
		prop |= VMC_PRIV_USER;
	return prop | (vmr_pick_cache(r) << VMC_PROP_CACHE_SHIFT);
}

/* @prop with @frame's memory type. */
static u32 vmr_frame_cache(u32 prop, const struct vmc_frame *frame)
{
	return (prop & ~VMC_PROP_CACHE_MASK) |
	       ((u32)frame->cache << VMC_PROP_CACHE_SHIFT);
}

/* An untracked physical address: never accessed, only encoded. */
static u64 vmr_pick_pa(struct vmr *r, int level)
{
	u64 gigs = min_t(u64, vmc_max_paddr() / VMM_1G - 1, 256);
	u64 pa = (1 + vmr_below(r, gigs - 1)) * VMM_1G;

	if (level < 3)
		pa += vmr_below(r, 512) * VMM_2M;
	if (level < 2)
		pa += vmr_below(r, 512) * VMM_4K;
	return pa;
}

static void vmr_pick_item(struct vmr *r, struct vmc_item *item, int level)
{
	const struct vmr_frames *fr = r->cfg.frames;
	unsigned int x = vmr_below(r, 100);

	memset(item, 0, sizeof(*item));
	item->level = level;
	item->prop = vmr_pick_prop(r);
	if (level == 1 && x < 40) {
		item->frame = fr->f4k[vmr_below(r, fr->nr_4k)];
		item->pa = vmc_frame_pa(item->frame);
	} else if (level == 1 && x < 70) {
		item->frame = fr->f2m[vmr_below(r, fr->nr_2m)];
		item->pa = vmc_frame_pa(item->frame) + vmr_below(r, 512) * VMM_4K;
	} else if (level == 2 && x < 50) {
		item->frame = fr->f2m[vmr_below(r, fr->nr_2m)];
		item->pa = vmc_frame_pa(item->frame);
	} else {
		item->pa = vmr_pick_pa(r, level);
	}
	/* Mostly the frame's memory type; else -EINVAL is the answer. */
	if (item->frame && vmr_chance(r, 92))
		item->prop = vmr_frame_cache(item->prop, item->frame);
}

#define VMR_SPOILS	8

/* Break one precondition of map on purpose, the @how-th way. */
static void vmr_spoil_item(struct vmr *r, struct vmc_item *item,
			   unsigned int how)
{
	const struct vmr_frames *fr = r->cfg.frames;

	switch (how) {
	case 0:
		item->level = 0;
		break;
	case 7:
		item->level = 4;
		break;
	case 1:
		item->pa += item->level > 1 ? VMM_4K : VMM_4K / 2;
		break;
	case 2:
		item->frame = NULL;
		item->pa = vmc_max_paddr();
		break;
	case 3:
		item->prop |= VMC_PRIV_GLOBAL;
		break;
	case 4:
		item->prop |= 1u << 20;
		break;
	case 5:
		item->prop = (item->prop & ~VMC_PROP_CACHE_MASK) |
			     ((VMC_NR_CACHE_MODES + 1) << VMC_PROP_CACHE_SHIFT);
		break;
	default:
		/* A tracked leaf that does not lie inside its frame. */
		if (item->level == 1) {
			item->frame = fr->f2m[0];
			item->pa = vmc_frame_pa(item->frame) + VMM_2M;
		} else {
			item->frame = fr->f4k[0];
			item->pa = ALIGN_DOWN(vmc_frame_pa(item->frame),
					      vmr_size(item->level));
		}
		break;
	}
}

static void vmr_gen_map(struct vmr *r, struct vmr_rec *rec, int level)
{
	rec->kind = VMR_MAP;
	vmr_pick_item(r, &rec->item, level);
	if (vmr_chance(r, 6)) {
		vmr_spoil_item(r, &rec->item, vmr_below(r, VMR_SPOILS));
		rec->invalid = true;
	}
}

/* Make the items of a map_many run into r->items (deterministic). */
static void vmr_expand(struct vmr *r, const struct vmr_run *run)
{
	const struct vmr_frames *fr = r->cfg.frames;
	unsigned int i;

	for (i = 0; i < run->n; i++) {
		struct vmc_item *it = &r->items[i];

		memset(it, 0, sizeof(*it));
		it->level = run->level;
		switch (run->kind) {
		case VMR_RUN_F4K:
			it->frame = fr->f4k[(run->frame + i) % fr->nr_4k];
			it->pa = vmc_frame_pa(it->frame);
			it->level = 1;
			break;
		case VMR_RUN_PIECES:
			/* May run past the frame's end: -ERANGE there. */
			it->frame = fr->f2m[run->frame % fr->nr_2m];
			it->pa = vmc_frame_pa(it->frame) + (u64)(run->off + i) * VMM_4K;
			it->level = 1;
			break;
		case VMR_RUN_F2M:
			it->frame = fr->f2m[(run->frame + i) % fr->nr_2m];
			it->pa = vmc_frame_pa(it->frame);
			it->level = 2;
			break;
		case VMR_RUN_MIXED:
			it->level = i % 4 == 3 ? 2 : 1;
			it->pa = run->pa + (u64)i * VMM_2M;
			break;
		default:
			it->pa = run->pa + (u64)i * vmr_size(run->level);
			break;
		}
		it->prop = i >= run->prop_at ? run->prop2 : run->prop;
		if (it->frame && i != run->cache_at)
			it->prop = vmr_frame_cache(it->prop, it->frame);
		if (i == run->spoil_at)
			vmr_spoil_item(r, it, run->spoil);
	}
	/* vmc_cursor_map_run(): leaf i is the first moved by i leaves. */
	for (i = 1; run->as_run && i < run->n; i++) {
		r->items[i] = r->items[0];
		r->items[i].pa += (u64)i * vmr_size(r->items[0].level);
	}
}

/* A map_many call; the run's first item decides the cursor alignment. */
static int vmr_gen_run(struct vmr *r, struct vmr_run *run)
{
	unsigned int x = vmr_below(r, 100);

	memset(run, 0, sizeof(*run));
	run->kind = vmr_below(r, VMR_NR_RUN_KINDS);
	run->level = run->kind == VMR_RUN_F2M ? 2 : run->kind == VMR_RUN_UNTRACKED ?
		     vmr_pick_level(r) : 1;
	if (x < 5)
		run->n = 0;
	else if (x < 60)
		run->n = 1 + vmr_below(r, 16);
	else if (x < 85)
		run->n = 1 + vmr_below(r, 64);
	else
		run->n = 1 + vmr_below(r, VMR_MAX_ITEMS);
	if (run->level == 3)
		run->n = min_t(u16, run->n, 4);
	run->frame = vmr_below(r, 256);
	run->off = vmr_below(r, 512);
	run->pa = ALIGN(vmr_pick_pa(r, run->level), VMM_2M);
	run->prop = vmr_pick_prop(r);
	run->prop2 = vmr_pick_prop(r);
	run->prop_at = vmr_chance(r, 30) ? vmr_below(r, run->n + 1) : run->n;
	run->spoil = vmr_below(r, VMR_SPOILS);
	run->spoil_at = vmr_chance(r, 10) ? vmr_below(r, run->n + 1) : run->n;
	run->cache_at = vmr_chance(r, 8) ? vmr_below(r, run->n + 1) : run->n;
	run->as_run = vmr_chance(r, 40);
	return run->level;
}

static void vmr_gen_jump(struct vmr *r, struct vmr_rec *rec, u64 va)
{
	rec->kind = VMR_JUMP;
	if (vmr_chance(r, 8)) {
		/* Anywhere: far from the windows, big ranges are mostly absent. */
		rec->arg = r->start + vmr_below(r, (r->end - r->start) / VMM_4K) *
			   VMM_4K;
		return;
	}
	if (vmr_chance(r, 90)) {
		rec->arg = vmr_pick_in(r, r->start, r->end, VMM_4K, VMM_4K);
		return;
	}
	rec->invalid = true;
	switch (vmr_below(r, 5)) {
	case 0:
		rec->arg = r->end;
		break;
	case 1:
		rec->arg = r->start - VMM_4K;
		break;
	case 2:
		rec->arg = va + VMM_4K / 2;
		break;
	case 3:
		rec->arg = 1ULL << 62;
		break;
	default:
		rec->arg = r->end + VMM_2M;
		break;
	}
}

/* The pending map or map_many call (after a jump to an aligned spot). */
static void vmr_gen_mapping(struct vmr *r, struct vmr_rec *rec, int level,
			    struct vmr_run *run)
{
	if (!run) {
		vmr_gen_map(r, rec, level);
		return;
	}
	rec->kind = VMR_MAP_MANY;
	rec->run = *run;
	rec->invalid = run->spoil_at < run->n;
}

/*
 * Map (or map many, with @many) at va, or jump to an aligned spot first
 * and map there with the next call.
 */
static void vmr_gen_place(struct vmr *r, struct vmr_rec *rec, u64 va,
			  bool many)
{
	struct vmr_run *run = many ? &r->pending_run : NULL;
	int level = many ? vmr_gen_run(r, run) : vmr_pick_level(r);
	u64 size = vmr_size(level), target;

	if (vmr_chance(r, 35) && IS_ALIGNED(va, size)) {
		vmr_gen_mapping(r, rec, level, run);
		return;
	}
	target = vmr_pick_in(r, r->start, r->end, size, size);
	if (target == VMR_NONE) {
		vmr_gen_mapping(r, rec, level, run);
		return;
	}
	rec->kind = VMR_JUMP;
	rec->arg = target;
	r->next_map_level = level;
	r->next_run = run;
}

static u64 vmr_pick_len(struct vmr *r, struct vmr_rec *rec, u64 va)
{
	static const u64 grans[] = { VMM_4K, VMM_2M, VMM_1G };
	u64 rem = r->end - va, e;
	unsigned int x = vmr_below(r, 100);

	if (x < 6)
		return 0;
	if (x < 24)
		return rem;
	if (x < 50)
		return min(rem, (1 + vmr_below(r, 16)) * VMM_4K);
	if (x < 60)
		return min(rem, ALIGN(va + VMM_4K, VMM_2M) - va +
			   vmr_below(r, 3) * VMM_4K);
	if (x < 93) {
		e = vmr_pick_in(r, va, r->end, grans[vmr_below(r, 3)], 0);
		return e == VMR_NONE ? rem : e - va;
	}
	rec->invalid = true;
	switch (vmr_below(r, 3)) {
	case 0:
		return rem + VMM_4K;
	case 1:
		return min(rem, 3 * VMM_4K) | 0x10;
	default:
		return U64_MAX & ~(VMM_4K - 1);
	}
}

static void vmr_pick_pop(struct vmr *r, struct vmr_pop *pop)
{
	static const u32 bits[] = { VMC_PROP_W, VMC_PROP_X, VMC_PROP_R,
				    VMC_PROP_A | VMC_PROP_D, VMC_PRIV_USER };
	unsigned int x = vmr_below(r, 100);

	pop->val = bits[vmr_below(r, ARRAY_SIZE(bits))];
	if (x < 15) {
		pop->kind = VMR_POP_ID;
	} else if (x < 25) {
		pop->kind = VMR_POP_SET;
		pop->val = vmr_pick_prop(r);
	} else if (x < 35) {
		pop->kind = VMR_POP_FLAGS;
		pop->val = vmr_pick_prop(r);
	} else if (x < 52) {
		pop->kind = VMR_POP_ADD;
	} else if (x < 72) {
		pop->kind = VMR_POP_CLEAR;
	} else if (x < 90) {
		pop->kind = VMR_POP_CACHE;
		pop->val = vmr_chance(r, 90) ? vmr_pick_cache(r) :
			   VMC_NR_CACHE_MODES + 2;
	} else {
		pop->kind = VMR_POP_GLOBAL;
	}
}

static void vmr_gen_len_op(struct vmr *r, struct vmr_rec *rec, int kind,
			   u64 va)
{
	rec->kind = kind;
	rec->arg = vmr_pick_len(r, rec, va);
	if (kind == VMR_PROTECT || kind == VMR_PROTECT_RANGE)
		vmr_pick_pop(r, &rec->pop);
}

static bool vmr_compound(const struct vmr_rec *rec)
{
	return rec->kind == VMR_MAP_MANY || rec->kind == VMR_PROTECT_RANGE;
}

static void vmr_gen_inject(struct vmr *r, struct vmr_rec *rec)
{
	bool mut = rec->kind == VMR_MAP || rec->kind == VMR_UNMAP ||
		   rec->kind == VMR_PROTECT;

	if (r->cfg.mode != VMR_SOLO || rec->invalid)
		return;
	/* Raised counts only for single calls: see vmm_map_many(). */
	if (r->ovf_session && (mut || rec->kind == VMR_QUERY))
		rec->inject = VMR_INJ_OVF;
	else if ((mut || vmr_compound(rec)) && vmr_chance(r, 3))
		rec->inject = VMR_INJ_NOMEM;
}

static void vmr_gen(struct vmr *r, struct vmr_rec *rec)
{
	u64 va = vmc_cursor_virt_addr(r->c);
	unsigned int x = vmr_below(r, 100);

	memset(rec, 0, sizeof(*rec));
	rec->seq = r->session_seq;
	if (r->next_map_level) {
		vmr_gen_mapping(r, rec, r->next_map_level, r->next_run);
		r->next_map_level = 0;
	} else if (r->purge) {
		r->purge = false;
		rec->kind = VMR_UNMAP;
		rec->arg = r->end - va;
	} else if (x < 11) {
		vmr_gen_jump(r, rec, va);
	} else if (x < 36) {
		vmr_gen_place(r, rec, va, false);
	} else if (x < 42) {
		vmr_gen_place(r, rec, va, true);
	} else if (x < 54) {
		vmr_gen_len_op(r, rec, VMR_UNMAP, va);
	} else if (x < 66) {
		vmr_gen_len_op(r, rec, VMR_PROTECT, va);
	} else if (x < 71) {
		vmr_gen_len_op(r, rec, VMR_PROTECT_RANGE, va);
	} else if (x < 80) {
		vmr_gen_len_op(r, rec, VMR_FIND, va);
	} else {
		rec->kind = vmr_chance(r, 50) ? VMR_QUERY : VMR_PEEK;
	}
	vmr_gen_inject(r, rec);
}

/* A cursor range that creation must refuse. */
static void vmr_bad_range(struct vmr *r, const struct vmr_region *rg,
			  u64 *ps, u64 *pe)
{
	u64 a = vmr_pick_addr(r, rg, VMM_4K), top = r->space->va_end;

	switch (vmr_below(r, 7)) {
	case 0:
		*ps = a;
		*pe = a;
		break;
	case 1:
		*ps = a + VMM_4K;
		*pe = a;
		break;
	case 2:
		*ps = a + VMM_4K / 2;
		*pe = a + VMM_2M;
		break;
	case 3:
		*ps = a;
		*pe = a + VMM_4K + 0x10;
		break;
	case 4:
		*ps = top - VMM_4K;
		*pe = top + VMM_4K;
		break;
	case 5:
		*ps = 0xffff800000000000ULL;
		*pe = *ps + 16 * VMM_4K;
		break;
	default:
		*ps = top;
		*pe = top + VMM_4K;
		break;
	}
}

/* A cursor range; false if it is invalid on purpose. */
static bool vmr_pick_range(struct vmr *r, u64 *ps, u64 *pe)
{
	const struct vmr_region *rg = vmr_pick_region(r);
	unsigned int x = vmr_below(r, 100);
	u64 a, b, g;

	if (r->cfg.mode == VMR_SOLO && x >= 96) {
		vmr_bad_range(r, rg, ps, pe);
		return false;
	}
	if (r->cfg.mode == VMR_SOLO && x >= 92) {
		*ps = r->cfg.regions[0].start;
		*pe = r->cfg.regions[r->cfg.nr_regions - 1].end;
		return true;
	}
	if (x < 22) {
		a = rg->start;
		b = rg->end;
	} else if (x < 45) {
		a = vmr_pick_addr(r, rg, vmr_chance(r, 50) ? VMM_4K : VMM_2M);
		g = vmr_chance(r, 50) ? VMM_4K : vmr_chance(r, 70) ? VMM_2M : VMM_1G;
		b = vmr_pick_addr(r, rg, g) + g;
		if (a > b)
			swap(a, b);
	} else if (x < 60) {
		g = vmr_chance(r, 60) ? VMM_2M : VMM_1G;
		a = vmr_pick_addr(r, rg, g);
		b = a + g;
	} else if (x < 75) {
		a = vmr_pick_addr(r, rg, VMM_4K);
		b = a + (1 + vmr_below(r, 16)) * VMM_4K;
	} else {
		g = vmr_pick_addr(r, rg, vmr_chance(r, 70) ? VMM_2M : VMM_1G);
		a = g - (1 + vmr_below(r, 600)) * VMM_4K;
		b = g + (1 + vmr_below(r, 600)) * VMM_4K;
	}
	a = max(a, rg->start);
	b = min(b, rg->end);
	if (a >= b) {
		a = rg->start;
		b = rg->end;
	}
	*ps = a;
	*pe = b;
	return true;
}

/* The 1 GiB block (within its region) holding the median mapping. */
static void vmr_purge_range(struct vmr *r, u64 *ps, u64 *pe)
{
	u64 va = r->model.maps[r->model.nr / 2].va;
	unsigned int i;

	*ps = r->cfg.regions[0].start;
	*pe = r->cfg.regions[0].end;
	for (i = 0; i < r->cfg.nr_regions; i++) {
		const struct vmr_region *rg = &r->cfg.regions[i];

		if (va >= rg->start && va < rg->end) {
			*ps = max(ALIGN_DOWN(va, VMM_1G), rg->start);
			*pe = min(ALIGN_DOWN(va, VMM_1G) + VMM_1G, rg->end);
		}
	}
}

/* ---- checking a call against a model ---------------------------------- */

static int vmr_model_op(struct vmr *r, struct vmm *m, const struct vmr_rec *rec,
			u64 *a, u64 *b, const struct vmm_map **p)
{
	struct vmc_protect_op op = { .fn = vmr_pop_fn, .arg = &rec->pop };
	unsigned long done;
	int err;

	switch (rec->kind) {
	case VMR_MAP_MANY:
		vmr_expand(r, &rec->run);
		err = vmm_map_many(m, r->items, rec->run.n, &done);
		*a = done;
		return err;
	case VMR_PROTECT_RANGE:
		return vmm_protect_range(m, rec->arg, &op, U64_MAX, a);
	case VMR_CREATE:
		return vmm_create(m, rec->arg, rec->arg2);
	case VMR_JUMP:
		return vmm_jump(m, rec->arg);
	case VMR_MAP:
		return vmm_map(m, &rec->item);
	case VMR_UNMAP:
		return vmm_unmap(m, rec->arg, a);
	case VMR_PROTECT:
		return vmm_protect_next(m, rec->arg, &op, a, b);
	case VMR_FIND:
		return vmm_find_next(m, rec->arg, a);
	default:
		return vmm_query(m, p);
	}
}

static void vmr_check_query(struct vmr *r, struct vmm *m,
			    const struct vmr_rec *rec, const struct vmm_map *p)
{
	if (!p) {
		if (rec->q_mapped)
			vmr_fail(r, "query: mapped in the tree, absent in the model");
		else if (!vmm_absent_range_ok(m, rec->out, rec->out2, rec->q_level))
			vmr_fail(r, "query: [%#llx, %#llx) L%u: no free entry around %#llx",
				 rec->out, rec->out2, rec->q_level, m->va);
		return;
	}
	if (!rec->q_mapped || rec->out != p->va || rec->out2 != p->va + p->size ||
	    rec->q_level != vmm_level_of(p->size) ||
	    rec->q_item.level != rec->q_level || rec->q_item.pa != p->pa ||
	    rec->q_item.prop != p->prop || rec->q_item.frame != p->frame)
		vmr_fail(r, "query: model has %#llx size %#llx pa %#llx prop %#x %s",
			 p->va, p->size, p->pa, p->prop,
			 p->frame ? "tracked" : "untracked");
}

/* Apply @rec to @m and compare what it returned and where it left va. */
static void vmr_check_rec(struct vmr *r, struct vmm *m, const struct vmr_rec *rec)
{
	const struct vmm_map *p = NULL;
	u64 a = 0, b = 0;
	int want;

	if (rec->kind == VMR_DESTROY) {
		vmm_destroy(m);
		return;
	}
	want = vmr_model_op(r, m, rec, &a, &b, &p);
	if (m->broken) {
		vmr_fail(r, "model: capacity exceeded");
		return;
	}
	if (rec->ret != want) {
		vmr_fail(r, "returned %d, the model says %d", rec->ret, want);
		return;
	}
	if (rec->kind == VMR_CREATE && want)
		return;
	if (rec->kind == VMR_UNMAP && !want && rec->out != a)
		vmr_fail(r, "unmap removed %llu mappings, the model %llu",
			 rec->out, a);
	else if (rec->kind == VMR_PROTECT && want == 1 &&
		 (rec->out != a || rec->out2 != b))
		vmr_fail(r, "protect_next did [%#llx, %#llx), the model [%#llx, %#llx)",
			 rec->out, rec->out2, a, b);
	else if (rec->kind == VMR_FIND && want == 1 && rec->out != a)
		vmr_fail(r, "find_next found %#llx, the model %#llx", rec->out, a);
	else if (vmr_compound(rec) && rec->out != a)
		vmr_fail(r, "%s did %llu, the model %llu",
			 vmr_kind_name[rec->kind], rec->out, a);
	else if ((rec->kind == VMR_QUERY || rec->kind == VMR_PEEK) && !want)
		vmr_check_query(r, m, rec, p);
	if (!r->failed && !vmm_sync_va(m, rec->va))
		vmr_fail(r, "cursor va %#llx, the model allows [%#llx, %#llx]",
			 rec->va, m->va_lo, m->va_hi);
}

/* ---- fault injection (VMR_SOLO) --------------------------------------- */

static u64 vmr_headroom(const struct vmc_frame *frame, void *arg)
{
	struct vmr *r = arg;

	return frame == r->ovf_frame ? r->ovf_room : U64_MAX;
}

/*
 * The next node allocation fails, and the cursor has no preallocated node
 * left; with no spare node in the space either, any split must fail.
 * Compound calls are judged afterwards, step by step (vmr_verify_partial()).
 */
static void vmr_prepare_nomem(struct vmr *r, struct vmr_rec *rec)
{
	u64 a, b;
	const struct vmm_map *p;

	rec->no_spare = !READ_ONCE(r->space->nr_spare);
	if (!vmr_compound(rec)) {
		r->model.dry = true;
		rec->dry_ret = vmr_model_op(r, &r->model, rec, &a, &b, &p);
		r->model.dry = false;
		rec->must_fail = rec->dry_ret >= 0 && r->model.fx.splits &&
				 rec->no_spare;
	}
	vmc_test_cursor_drop_pool(r->c);
	WRITE_ONCE(vmc_test_fail_node_alloc, 1);
}

/*
 * Raise the count of a frame the call needs references on to just below
 * or just above what it needs; the model predicts the outcome from the
 * same headroom. Needs a quiet space: nothing may drop references behind
 * the test's back until the count is restored after the session.
 */
static void vmr_prepare_ovf(struct vmr *r, struct vmr_rec *rec)
{
	const struct vmm_map *p = NULL;
	struct vmc_frame *frame = NULL;
	bool below = vmr_chance(r, 50);	/* drawn always: replayable seeds */
	u64 a, b, need = 0;
	int err;

	rec->inject = VMR_INJ_NONE;
	if (r->ovf_frame || vmr_frees_pending(r))
		return;
	r->model.dry = true;
	err = vmr_model_op(r, &r->model, rec, &a, &b, &p);
	r->model.dry = false;
	if (err < 0)
		return;
	if (rec->kind == VMR_QUERY && p && p->frame) {
		frame = p->frame;
		need = 1;
	} else if (rec->kind != VMR_QUERY && r->model.fx.nr_frames) {
		frame = r->model.fx.frame[0];
		need = r->model.fx.refs[0];
	}
	if (!frame)
		return;
	rec->inject = VMR_INJ_OVF;
	r->ovf_session = false;
	r->ovf_sessions++;
	r->ovf_frame = frame;
	r->ovf_room = below ? need - 1 : need + 1;
	r->ovf_saved = vmc_frame_refcount(frame);
	r->ovf_set = VMC_REF_MAX - r->ovf_room;
	vmc_test_set_frame_ref(frame, r->ovf_set);
	r->model.headroom = vmr_headroom;
	r->model.headroom_arg = r;
}

/* After the session, with the deferred frees done: undo the raise. */
static void vmr_restore_ovf(struct vmr *r)
{
	struct vmc_frame *frame = r->ovf_frame;

	if (!frame)
		return;
	vmc_space_drain(r->space);
	vmc_test_set_frame_ref(frame, r->ovf_saved +
			       (vmc_frame_refcount(frame) - r->ovf_set));
	r->ovf_frame = NULL;
}

/* ---- executing a call ------------------------------------------------- */

static void vmr_exec_query(struct vmr *r, struct vmr_rec *rec)
{
	bool quiet = r->cfg.mode == VMR_SOLO && !vmr_frees_pending(r);
	struct vmc_frame *frame;
	struct vmc_query q;
	u64 held = 0;
	int clone;

	if (rec->kind == VMR_QUERY)
		rec->ret = vmc_cursor_query(r->c, &q);
	else
		rec->ret = vmc_cursor_peek(r->c, &q);
	rec->out = q.start;
	rec->out2 = q.end;
	rec->q_level = q.level;
	rec->q_mapped = q.mapped;
	rec->q_item = q.item;
	frame = q.item.frame;
	if (rec->ret || !q.mapped || !frame)
		return;
	/* vostd's query returns an owned clone: one more reference. */
	if (quiet)
		held = vmc_frame_refcount(frame) -
		       (rec->inject == VMR_INJ_OVF ? r->ovf_set - r->ovf_saved : 0);
	if (rec->kind == VMR_QUERY)
		vmc_query_release(&q);
	clone = rec->kind == VMR_QUERY;
	if (quiet && held != 1 + clone + vmr_model_refs(&r->model, frame))
		vmr_fail(r, "%s: frame %#llx: %llu refs, model %lu + test 1 + %d",
			 vmr_kind_name[rec->kind], vmc_frame_pa(frame), held,
			 vmr_model_refs(&r->model, frame), clone);
}

static void vmr_exec(struct vmr *r, struct vmr_rec *rec)
{
	struct vmc_protect_op op = { .fn = vmr_pop_fn, .arg = &rec->pop };
	unsigned long done;

	if (rec->inject == VMR_INJ_NOMEM)
		vmr_prepare_nomem(r, rec);
	else if (rec->inject == VMR_INJ_OVF)
		vmr_prepare_ovf(r, rec);
	r->refs_valid = r->cfg.mode == VMR_SOLO && !vmr_frees_pending(r);
	if (r->refs_valid)
		r->refs = vmr_ref_sum(r);
	switch (rec->kind) {
	case VMR_JUMP:
		rec->ret = vmc_cursor_jump(r->c, rec->arg);
		break;
	case VMR_MAP:
		rec->ret = vmc_cursor_map(r->c, &rec->item);
		break;
	case VMR_UNMAP:
		rec->ret = vmc_cursor_unmap(r->c, rec->arg, &rec->out);
		break;
	case VMR_PROTECT:
		rec->ret = vmc_cursor_protect_next(r->c, rec->arg, &op,
						   &rec->out, &rec->out2);
		break;
	case VMR_FIND:
		rec->ret = vmc_cursor_find_next(r->c, rec->arg, &rec->out);
		break;
	case VMR_MAP_MANY:
		vmr_expand(r, &rec->run);
		if (rec->run.as_run)
			rec->ret = vmc_cursor_map_run(r->c, r->items, rec->run.n,
						      &done);
		else
			rec->ret = vmc_cursor_map_many(r->c, r->items,
						       rec->run.n, &done);
		rec->out = done;
		break;
	case VMR_PROTECT_RANGE:
		rec->ret = vmc_cursor_protect_range(r->c, rec->arg, &op,
						    &rec->out);
		break;
	default:
		vmr_exec_query(r, rec);
		break;
	}
	if (rec->inject == VMR_INJ_NOMEM)
		WRITE_ONCE(vmc_test_fail_node_alloc, 0);
	rec->va = vmc_cursor_virt_addr(r->c);
}

/* ---- one call, one session, one run ----------------------------------- */

static void vmr_account(struct vmr *r, const struct vmr_rec *rec)
{
	r->ring[r->ring_pos++ % VMR_RING] = *rec;
	r->count[rec->kind]++;
	if (rec->kind != VMR_CREATE && rec->kind != VMR_DESTROY)
		r->ops++;
	if (rec->ret < 0)
		r->errors++;
	if (r->cfg.mode != VMR_RECORD)
		return;
	if (r->nr_log == r->cap_log)
		vmr_fail(r, "call log full");
	else
		r->log[r->nr_log++] = *rec;
}

static bool vmr_read_only(const struct vmr_rec *rec)
{
	/* A bulk call that fails keeps what it did before the failing step. */
	if (vmr_compound(rec))
		return rec->ret < 0 && !rec->out;
	return rec->ret < 0 || rec->kind == VMR_JUMP || rec->kind == VMR_FIND ||
	       rec->kind == VMR_QUERY || rec->kind == VMR_PEEK;
}

static void vmr_count_effects(struct vmr *r, const struct vmr_rec *rec)
{
	const struct vmm_effects *fx = vmr_compound(rec) ? &r->model.acc :
				       &r->model.fx;

	if (rec->ret < 0) {
		r->ovf += rec->ret == -EOVERFLOW;
		return;
	}
	r->splits += fx->splits;
	r->tracked_splits += fx->tracked_splits;
	if ((rec->kind == VMR_MAP || rec->kind == VMR_MAP_MANY) && fx->removed) {
		r->replaced++;
		r->replaced_many += fx->removed > 1;
	}
}

/*
 * A bulk call failed with injected -ENOMEM after *out steps: those steps
 * must be what the model does, and the failing step an otherwise valid
 * one; without a spare node none of the steps done may have split.
 */
static void vmr_verify_partial(struct vmr *r, const struct vmr_rec *rec)
{
	struct vmc_protect_op op = { .fn = vmr_pop_fn, .arg = &rec->pop };
	struct vmm *m = &r->model;
	u64 fend = m->va + rec->arg, count, a, b;
	unsigned long done;
	int err, next;

	if (rec->kind == VMR_MAP_MANY) {
		if (rec->out >= rec->run.n) {
			vmr_fail(r, "-ENOMEM after all %llu items", rec->out);
			return;
		}
		vmr_expand(r, &rec->run);
		err = vmm_map_many(m, r->items, rec->out, &done);
		count = done;
	} else {
		err = vmm_protect_range(m, rec->arg, &op, rec->out, &count);
	}
	if (err || count != rec->out) {
		vmr_fail(r, "-ENOMEM after %llu steps; the model: %d after %llu",
			 rec->out, err, count);
		return;
	}
	vmr_count_effects(r, rec);
	if (rec->no_spare && m->acc.splits) {
		vmr_fail(r, "a split with no node to spare did not fail");
		return;
	}
	m->dry = true;
	if (rec->kind == VMR_MAP_MANY)
		next = vmm_map(m, &r->items[done]);
	else
		next = vmm_protect_next(m, fend - m->va, &op, &a, &b);
	m->dry = false;
	if (next != (rec->kind == VMR_MAP_MANY ? 0 : 1))
		vmr_fail(r, "-ENOMEM, but the model's next step gives %d", next);
	else if (!vmm_sync_va(m, rec->va))
		vmr_fail(r, "cursor va %#llx, the model allows [%#llx, %#llx]",
			 rec->va, m->va_lo, m->va_hi);
}

/* Check a call against the model and the tree (VMR_SOLO, VMR_REGION). */
static void vmr_verify(struct vmr *r, const struct vmr_rec *rec, u64 fp)
{
	bool same = vmr_read_only(rec);
	u64 hash, t0;

	if (rec->inject == VMR_INJ_NOMEM && rec->ret == -ENOMEM &&
	    vmr_compound(rec)) {
		r->nomem++;
		vmr_verify_partial(r, rec);
	} else if (rec->inject == VMR_INJ_NOMEM && rec->ret == -ENOMEM) {
		r->nomem++;
		r->nomem_forced += rec->must_fail;
		if (rec->dry_ret < 0)
			vmr_fail(r, "-ENOMEM, but the model says %d", rec->dry_ret);
		else if (rec->kind != VMR_CREATE && rec->va != r->model.va)
			vmr_fail(r, "-ENOMEM moved the cursor");
	} else if (rec->must_fail) {
		vmr_fail(r, "a huge leaf had to be split with no node to spare, yet no -ENOMEM");
	} else {
		vmr_check_rec(r, &r->model, rec);
		vmr_count_effects(r, rec);
		if (!r->failed && rec->inject == VMR_INJ_NOMEM &&
		    vmr_compound(rec) && rec->no_spare && r->model.acc.splits)
			vmr_fail(r, "a split with no node to spare did not fail");
	}
	r->model.headroom = NULL;
	r->max_maps = max(r->max_maps, r->model.nr);
	if (r->failed ||
	    !vmr_walk(r, &r->model, r->cfg.win_start, r->cfg.win_end, &hash))
		return;
	t0 = ktime_get_ns();
	if (same && r->hash_valid && hash != r->hash)
		vmr_fail(r, "the tree changed (%s)",
			 rec->ret < 0 ? "failed call" : "read-only call");
	else if (same && r->refs_valid && r->refs != vmr_ref_sum(r))
		vmr_fail(r, "a reference count changed (%s)",
			 rec->ret < 0 ? "failed call" : "read-only call");
	else if (same && fp && fp != vt_fingerprint(r->test))
		vmr_fail(r, "the fingerprint changed (failed call)");
	r->hash = hash;
	r->hash_valid = true;
	r->ns_fp += ktime_get_ns() - t0;
}

/* One call inside the session; true if the session must end now. */
static bool vmr_step(struct vmr *r)
{
	struct vmr_rec rec;
	u64 fp = 0, t0, t1;

	vmr_gen(r, &rec);
	t0 = ktime_get_ns();
	if (r->cfg.mode == VMR_SOLO && rec.invalid &&
	    !(r->count[VMR_CREATE] % VMR_FP_EVERY) && !vmr_frees_pending(r))
		fp = vt_fingerprint(r->test);
	t1 = ktime_get_ns();
	vmr_exec(r, &rec);
	r->ns_exec += ktime_get_ns() - t1;
	r->ns_fp += t1 - t0;
	vmr_account(r, &rec);
	if (r->cfg.mode != VMR_RECORD)
		vmr_verify(r, &rec, rec.ret < 0 ? fp : 0);
	return rec.inject == VMR_INJ_OVF;
}

static void vmr_checker(struct vmr *r, bool drained)
{
	struct vmc_check_report rep = {
		.msg = r->chk_msg,
		.msg_len = sizeof(r->chk_msg),
	};
	struct xarray *held = drained ? &vt_ctx(r->test)->held : NULL;
	u64 t0 = ktime_get_ns();
	int err;

	if (drained)
		vmc_space_drain(r->space);
	err = vmc_space_check_quiesced(r->space, held, &rep, drained);
	if (err || rep.violations)
		vmr_fail(r, "checker: %d, %llu violations: %s", err,
			 rep.violations, r->chk_msg);
	else if (rep.mappings != r->model.nr)
		vmr_fail(r, "checker: %llu mappings, the model %lu",
			 rep.mappings, r->model.nr);
	r->ns_check += ktime_get_ns() - t0;
}

/* After a session (VMR_SOLO): the checker, and now and then everything. */
static void vmr_after_session(struct vmr *r)
{
	const struct vmm *m = &r->model;

	vmr_restore_ovf(r);
	if (r->failed)
		return;
	if (r->ops < r->next_full && r->ops < r->cfg.ops) {
		if (!(r->sessions % VMR_CHECK_SESSIONS))
			vmr_checker(r, false);
		return;
	}
	r->next_full = r->ops + r->cfg.full_every;
	vmr_checker(r, true);
	if (!r->failed)
		vmr_check_refs(r, &m, 1);
}

static void vmr_session(struct vmr *r)
{
	unsigned int k, n = 1 + vmr_below(r, VMR_SESSION_OPS);
	struct vmr_rec rec = { .kind = VMR_CREATE };
	u64 t0;
	bool valid = true;

	/* Raising a count needs a space without deferred frees in flight. */
	r->ovf_session = r->cfg.mode == VMR_SOLO && vmr_chance(r, 3);
	if (r->ovf_session)
		vmc_space_drain(r->space);
	r->purge = r->cfg.mode != VMR_RECORD && r->model.nr > VMR_PRESSURE;
	if (r->purge)
		vmr_purge_range(r, &rec.arg, &rec.arg2);
	else
		valid = vmr_pick_range(r, &rec.arg, &rec.arg2);

	if (r->cfg.mode != VMR_RECORD &&
	    vmm_reserve(&r->model, (n + 1) * (VMM_MAX_GROWTH + VMR_MAX_ITEMS))) {
		vmr_fail(r, "model: out of memory");
		return;
	}
	rec.invalid = !valid;
	r->refs_valid = false;
	/* Decision (i): a creation that fails to allocate leaves no node. */
	if (vmr_chance(r, 3) && valid && r->cfg.mode == VMR_SOLO) {
		rec.inject = VMR_INJ_NOMEM;
		WRITE_ONCE(vmc_test_fail_node_alloc, 1);
	}
	t0 = ktime_get_ns();
	rec.ret = vmc_cursor_create(r->c, r->space, rec.arg, rec.arg2);
	r->ns_session += ktime_get_ns() - t0;
	WRITE_ONCE(vmc_test_fail_node_alloc, 0);
	if (!rec.ret) {
		rec.va = vmc_cursor_virt_addr(r->c);
		if (r->cfg.mode == VMR_RECORD)
			rec.seq = atomic64_inc_return(r->cfg.seq);
		rec.out = ktime_get_ns();
		r->sessions++;
	}
	r->session_seq = rec.seq;
	vmr_account(r, &rec);
	if (r->cfg.mode != VMR_RECORD)
		vmr_verify(r, &rec, 0);
	if (rec.ret)
		return;
	r->start = rec.arg;
	r->end = rec.arg2;
	r->next_map_level = 0;
	r->next_run = NULL;
	for (k = 0; k < n && !r->failed; k++)
		if (vmr_step(r))
			break;
	memset(&rec, 0, sizeof(rec));
	rec.kind = VMR_DESTROY;
	rec.seq = r->session_seq;
	rec.out = ktime_get_ns();
	vmc_cursor_destroy(r->c);
	r->ns_session += ktime_get_ns() - rec.out;
	vmr_account(r, &rec);
	vmm_destroy(&r->model);
	if (r->cfg.mode == VMR_SOLO)
		vmr_after_session(r);
}

/**
 * vmr_run() - run the configured number of operations
 * @r: the runner
 *
 * Stops at the first disagreement (@r->failed, @r->msg).
 * Context: process context; the thread holds no cursor.
 */
void vmr_run(struct vmr *r)
{
	u64 t0 = ktime_get_ns();

	while (r->ops < r->cfg.ops && !r->failed) {
		vmr_session(r);
		cond_resched();
	}
	r->ns = ktime_get_ns() - t0;
}

/* ---- set-up, reports, cross-thread checks ------------------------------ */

/**
 * vmr_frames_alloc() - the tracked frames for the runners
 * @test: the test; it holds one reference on each frame
 * @fr: filled in
 * @nr_4k: 4 KiB frames, at most VMR_MAX_4K
 * @nr_2m: 2 MiB frames, at most VMR_MAX_2M
 *
 * Context: test thread.
 */
void vmr_frames_alloc(struct kunit *test, struct vmr_frames *fr,
		      unsigned int nr_4k, unsigned int nr_2m)
{
	unsigned int i;

	fr->nr_4k = min_t(unsigned int, nr_4k, VMR_MAX_4K);
	fr->nr_2m = min_t(unsigned int, nr_2m, VMR_MAX_2M);
	/* A quarter of the frames have another memory type than WB. */
	for (i = 0; i < fr->nr_4k; i++)
		fr->f4k[i] = vt_frame_cache(test, 0, i % 4 == 3 ? VMC_CACHE_UC :
					    VMC_CACHE_WB);
	for (i = 0; i < fr->nr_2m; i++)
		fr->f2m[i] = vt_frame_cache(test, 9, i % 4 == 3 ? VMC_CACHE_WC :
					    VMC_CACHE_WB);
}

/**
 * vmr_init() - set up a runner
 * @r: the runner
 * @test: the test
 * @space: the space to drive
 * @cfg: what to do; copied
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int vmr_init(struct vmr *r, struct kunit *test, struct vmc_space *space,
	     const struct vmr_config *cfg)
{
	memset(r, 0, sizeof(*r));
	r->test = test;
	r->space = space;
	r->cfg = *cfg;
	r->rng = cfg->seed;
	r->next_full = cfg->full_every;
	vmm_init(&r->model, space->va_end);
	r->c = kzalloc(sizeof(*r->c), GFP_KERNEL);
	r->items = kcalloc(VMR_MAX_ITEMS, sizeof(*r->items), GFP_KERNEL);
	if (!r->c || !r->items)
		return -ENOMEM;
	if (cfg->mode == VMR_RECORD) {
		r->cap_log = 3 * cfg->ops + 16;
		r->log = kvmalloc_array(r->cap_log, sizeof(*r->log), GFP_KERNEL);
		if (!r->log)
			return -ENOMEM;
	}
	return vmm_reserve(&r->model, 4 * VMM_MAX_GROWTH);
}

/**
 * vmr_fini() - free a runner's storage
 * @r: the runner
 *
 * Context: process context.
 */
void vmr_fini(struct vmr *r)
{
	vmm_free(&r->model);
	kvfree(r->log);
	kfree(r->items);
	kfree(r->c);
	r->log = NULL;
	r->items = NULL;
	r->c = NULL;
}

/**
 * vmr_log() - a runner's statistics and, if it failed, its last calls and
 *	the first disagreement, on the console
 * @r: the runner
 * @name: what to call it
 *
 * Context: process context.
 */
void vmr_log(struct vmr *r, const char *name)
{
	unsigned long i, first;
	char buf[192];

	pr_info("vmcursor_test: %s: seed %llu: %lu ops, %lu sessions, %llu ms\n",
		name, r->cfg.seed, r->ops, r->sessions, r->ns / NSEC_PER_MSEC);
	pr_info("vmcursor_test: %s: seed %llu: %lu maps (%lu replacing, %lu of them several mappings) %lu map_many %lu unmaps %lu protects %lu protect_range %lu finds %lu queries %lu jumps; %lu errors; injected: %lu -ENOMEM (%lu where a split had to allocate), %lu sessions with a raised count, %lu -EOVERFLOW; %lu splits (%lu of tracked 2 MiB leaves); up to %lu mappings\n",
		name, r->cfg.seed, r->count[VMR_MAP], r->replaced,
		r->replaced_many, r->count[VMR_MAP_MANY], r->count[VMR_UNMAP],
		r->count[VMR_PROTECT], r->count[VMR_PROTECT_RANGE],
		r->count[VMR_FIND], r->count[VMR_QUERY] + r->count[VMR_PEEK],
		r->count[VMR_JUMP], r->errors, r->nomem, r->nomem_forced,
		r->ovf_sessions, r->ovf, r->splits, r->tracked_splits,
		r->max_maps);
	pr_info("vmcursor_test: %s: ms in create/destroy %llu, calls %llu, tree walks %llu, checker %llu, fingerprints %llu; %lu walks, %lu nodes %lu entries on average\n",
		name, r->ns_session / NSEC_PER_MSEC,
		r->ns_exec / NSEC_PER_MSEC, r->ns_walk / NSEC_PER_MSEC,
		r->ns_check / NSEC_PER_MSEC, r->ns_fp / NSEC_PER_MSEC, r->walks,
		r->walks ? r->walk_nodes / r->walks : 0,
		r->walks ? r->walk_present / r->walks : 0);
	if (!r->failed)
		return;
	first = r->ring_pos > VMR_RING ? r->ring_pos - VMR_RING : 0;
	for (i = first; i < r->ring_pos; i++) {
		vmr_describe(&r->ring[i % VMR_RING], buf, sizeof(buf));
		pr_info("vmcursor_test: %s: call %lu: %s\n", name, i, buf);
	}
	pr_info("vmcursor_test: %s: seed %llu, after %lu ops: %s\n", name,
		r->cfg.seed, r->ops, r->msg);
}

/**
 * vmr_report() - report a runner's outcome to KUnit
 * @r: the runner
 * @name: what to call it
 *
 * Details go to the console (vmr_log()); the KUnit log of a case holds
 * 512 bytes, so it gets one line and, on failure, the first disagreement
 * and the seed that replays it.
 * Context: the test thread.
 */
void vmr_report(struct vmr *r, const char *name)
{
	vmr_log(r, name);
	kunit_info(r->test, "%s: seed %llu: %lu ops, %lu sessions, %llu ms\n",
		   name, r->cfg.seed, r->ops, r->sessions, r->ns / NSEC_PER_MSEC);
	if (r->failed)
		KUNIT_FAIL(r->test, "%s: seed %llu, op %lu: %.150s", name,
			   r->cfg.seed, r->ops, r->msg);
}

/**
 * vmr_check_refs() - every frame's count against the models
 * @r: a runner of the space (its failure buffer gets the report)
 * @models: the models that together describe the space
 * @nr: their number
 *
 * A frame's count must be the number of mappings of it in all the models
 * plus the test's own reference (decision (e): one per leaf).
 * Context: deferred frees drained; no cursor alive.
 */
void vmr_check_refs(struct vmr *r, const struct vmm *const *models,
		    unsigned int nr)
{
	const struct vmr_frames *fr = r->cfg.frames;
	unsigned int i, k;

	for (i = 0; i < fr->nr_4k + fr->nr_2m && !r->failed; i++) {
		struct vmc_frame *f = i < fr->nr_4k ? fr->f4k[i] :
				      fr->f2m[i - fr->nr_4k];
		u64 want = 1;

		for (k = 0; k < nr; k++)
			want += vmr_model_refs(models[k], f);
		if (vmc_frame_refcount(f) != want)
			vmr_fail(r, "frame %#llx: refcount %llu, the model %llu",
				 vmc_frame_pa(f), vmc_frame_refcount(f), want);
	}
}

/* The session starting at @pos ends at the returned index (inclusive). */
static unsigned long vmr_session_end(const struct vmr *t, unsigned long pos)
{
	if (t->log[pos].kind == VMR_CREATE && t->log[pos].ret)
		return pos;
	while (pos < t->nr_log && t->log[pos].kind != VMR_DESTROY)
		pos++;
	return pos;
}

/**
 * vmr_replay() - replay recorded sessions in the order they ran
 * @r: a runner for the report (its failure buffer)
 * @logs: the recording runners
 * @nr: their number
 * @m: the model to replay into (empty, with no cursor)
 *
 * Overlapping cursors serialize, and each session took its number while
 * its cursor was alive, so replaying whole sessions in number order is a
 * valid serial order; every recorded result is checked against @m.
 * Context: process context.
 * Return: true if every call agrees.
 */
bool vmr_replay(struct vmr *r, struct vmr *const *logs, unsigned int nr,
		struct vmm *m)
{
	unsigned long pos[8] = {};
	unsigned int t, best;
	char buf[192];

	if (nr > ARRAY_SIZE(pos))
		return false;
	for (;;) {
		unsigned long end;

		best = nr;
		for (t = 0; t < nr; t++)
			if (pos[t] < logs[t]->nr_log &&
			    (best == nr ||
			     logs[t]->log[pos[t]].seq < logs[best]->log[pos[best]].seq))
				best = t;
		if (best == nr)
			return true;
		end = vmr_session_end(logs[best], pos[best]);
		for (; pos[best] <= end && pos[best] < logs[best]->nr_log; pos[best]++) {
			const struct vmr_rec *rec = &logs[best]->log[pos[best]];

			if (vmm_reserve(m, VMM_MAX_GROWTH + VMR_MAX_ITEMS)) {
				vmr_fail(r, "replay: out of memory");
				return false;
			}
			vmr_check_rec(r, m, rec);
			if (!r->failed)
				continue;
			vmr_describe(rec, buf, sizeof(buf));
			pr_info("vmcursor_test: replay: thread %u call %lu: %s\n",
				best, pos[best], buf);
			return false;
		}
	}
}

static bool vmr_ranges_meet(const struct vmr_rec *a, const struct vmr_rec *b)
{
	return a->arg < b->arg2 && b->arg < a->arg2;
}

/* The session of @t at [@i, @ei] against every session of @u. */
static bool vmr_serial_one(struct vmr *r, const struct vmr *t, unsigned long i,
			   unsigned long ei, const struct vmr *u,
			   unsigned long *concurrent)
{
	const struct vmr_rec *a = &t->log[i];
	unsigned long j, ej;

	for (j = 0; j < u->nr_log; j = ej + 1) {
		const struct vmr_rec *b = &u->log[j];

		ej = vmr_session_end(u, j);
		if (b->ret || ej >= u->nr_log || a->out >= u->log[ej].out ||
		    b->out >= t->log[ei].out)
			continue;
		if (vmr_ranges_meet(a, b)) {
			vmr_fail(r, "[%#llx, %#llx) and [%#llx, %#llx) alive together",
				 a->arg, a->arg2, b->arg, b->arg2);
			return false;
		}
		(*concurrent)++;
	}
	return true;
}

/**
 * vmr_check_serial() - overlapping cursors never lived at the same time
 * @r: a runner for the report (its failure buffer)
 * @logs: the recording runners
 * @nr: their number
 * @concurrent: set to the number of pairs of sessions of different
 *	threads that did live at the same time (disjoint ranges)
 *
 * Each session recorded when its cursor was created and when it began to
 * be destroyed; the lifetimes of two cursors with overlapping ranges must
 * not intersect.
 * Context: any.
 * Return: true if they never did.
 */
bool vmr_check_serial(struct vmr *r, struct vmr *const *logs,
		      unsigned int nr, unsigned long *concurrent)
{
	unsigned long i, ei;
	unsigned int t, u;

	*concurrent = 0;
	for (t = 0; t < nr; t++) {
		for (i = 0; i < logs[t]->nr_log; i = ei + 1) {
			ei = vmr_session_end(logs[t], i);
			if (logs[t]->log[i].ret || ei >= logs[t]->nr_log)
				continue;
			for (u = t + 1; u < nr; u++)
				if (!vmr_serial_one(r, logs[t], i, ei, logs[u],
						    concurrent))
					return false;
		}
	}
	return true;
}
