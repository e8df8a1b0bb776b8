// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: script execution.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmcursor.h"
#include "exec.h"
#include "util.h"

struct exec {
	const struct exec_cfg *cfg;
	struct vmcl *be;
	const struct script *sc;
	/* Per frame name; grown as a streamed script defines names. */
	uint32_t *handles;	/* live handle per frame name, 0 if none */
	uint32_t *last;		/* last handle per name, to name old leaves */
	struct frame_state *fs;	/* what happened to each name, for causes */
	struct vmcl_mem *mem;	/* imported names: the tool's memory */
	size_t nframes, cap_handles, cap_last, cap_fs, cap_mem;
	uint64_t held_pages;	/* pages of the frames not dropped */
	unsigned int failures;
};

/* What explain() may know about a statement outside a cursor block. */
static struct known known_of(const struct exec *x)
{
	return (struct known){
		.sc = x->sc, .info = &x->cfg->info, .frames = x->fs,
		.held_pages = x->held_pages,
		.readonly = x->cfg->info.out_fd_flags & VMC_FD_READONLY,
	};
}

/* The script's name for a handle: a live frame first, then a dropped one. */
static const char *name_of(const struct exec *x, uint32_t handle)
{
	size_t i;

	if (!handle)
		return NULL;
	for (i = 0; i < x->sc->nframes; i++)
		if (x->handles[i] == handle)
			return x->sc->frames[i];
	for (i = 0; i < x->sc->nframes; i++)
		if (x->last[i] == handle)
			return x->sc->frames[i];
	return NULL;
}

void exec_settle(struct result *r, bool skip_ok)
{
	int expect = r->st->expect;

	if (r->skipped)
		r->failed = !skip_ok;
	else if (expect)
		r->failed = r->err != expect;
	else
		r->failed = r->err || r->why[0];
}

/* The cause of a failure; @k is the state the statement ran in. */
static void finish_in(struct exec *x, struct result *r, bool skip_ok,
		      const struct known *k)
{
	r->names = x->sc->frames;
	if (r->err && !r->why[0] && !r->skipped && !r->local)
		explain(k, r->st, r->err, r->done, r->limit, &r->cause);
	exec_settle(r, skip_ok);
	x->failures += r->failed;
	x->cfg->emit(x->cfg->ctx, x->sc, r);
	free(r->data);
	free(r->maps);
	free(r->report);
}

static void finish(struct exec *x, struct result *r, bool skip_ok)
{
	struct known k = known_of(x);

	finish_in(x, r, skip_ok, &k);
}

/* A frame the kernel gave: the name holds it from now on. */
static void frame_made(struct exec *x, const struct stmt *st,
		       struct result *r, uint32_t handle, uint64_t paddr)
{
	x->fs[st->frame] = (struct frame_state){
		.live = true, .order = st->order, .alloc_line = st->line,
		.cache = st->kind == ST_FRAME ? st->cache : VMC_CACHE_WB,
		.imported = st->kind == ST_IMPORT,
	};
	if (!handle) {
		r->err = EPROTO;
		snprintf(r->why, sizeof(r->why), "the kernel returned handle 0");
		return;
	}
	x->handles[st->frame] = x->last[st->frame] = handle;
	x->held_pages += 1ULL << st->order;
	r->handle = handle;
	r->paddr = x->cfg->show_paddr ? paddr : 0;
}

static void run_frame(struct exec *x, const struct stmt *st, struct result *r)
{
	struct vmc_frame_alloc a = {
		.size = sizeof(a), .order = st->order, .cache = st->cache,
	};

	r->frame = x->sc->frames[st->frame];
	r->err = -vmcl_ioctl_frame_alloc(x->be, &a);
	if (r->err)
		r->limit = a.out_limit;
	else
		frame_made(x, st, r, a.out_handle, a.out_paddr);
}

/*
 * import: the tool gets the memory (vmcl_mem_alloc()), then the kernel
 * makes it a frame. The memory stays the name's, for local_read and
 * local_write, until the name is imported again or the run ends; the
 * kernel keeps its pages pinned while leaves map them, whatever the tool
 * does with its own mapping.
 */
static void run_import(struct exec *x, const struct stmt *st,
		       struct result *r)
{
	struct vmcl_mem *m = &x->mem[st->frame];
	struct vmc_frame_import a = { .size = sizeof(a), .order = st->order };
	int err;

	r->frame = x->sc->frames[st->frame];
	vmcl_mem_free(m);
	err = vmcl_mem_alloc(st->order, st->mem_kind, m);
	if (err) {
		r->err = -err;
		r->local = true;
		snprintf(r->cause.text, sizeof(r->cause.text), "%s",
			 vmcl_mem_strerror(st->order, st->mem_kind, err));
		return;
	}
	r->mem_kind = m->kind;
	a.uaddr = (uintptr_t)m->addr;
	r->err = -vmcl_ioctl_frame_import(x->be, &a);
	if (r->err) {
		r->limit = a.out_limit;
		vmcl_mem_free(m);
		return;
	}
	frame_made(x, st, r, a.out_handle, a.out_paddr);
}

/* local_read, local_write: through this process's mapping of an import. */
static void run_local(struct exec *x, const struct stmt *st,
		      struct result *r)
{
	unsigned char *mem = x->mem[st->frame].addr;
	size_t len = st->kind == ST_LOCAL_READ ? st->len : st->data_len;

	r->frame = x->sc->frames[st->frame];
	if (!mem) {
		r->err = ENOENT;
		r->local = true;
		snprintf(r->cause.text, sizeof(r->cause.text), "'%s' has no "
			 "memory: its import at line %u failed", r->frame,
			 x->fs[st->frame].fail_line);
		return;
	}
	/* The parser checked the bounds against the import's size. */
	if (st->kind == ST_LOCAL_READ) {
		r->data = xmalloc(len);
		memcpy(r->data, mem + st->offset, len);
	} else {
		memcpy(mem + st->offset, st->data, len);
	}
	r->done = len;
}

static void run_drop(struct exec *x, const struct stmt *st, struct result *r)
{
	struct vmc_frame_drop d = { .size = sizeof(d) };

	/* A dropped name sends handle 0, which is never valid: ENOENT. */
	d.handle = x->handles[st->frame];
	r->frame = x->sc->frames[st->frame];
	r->handle = d.handle;
	r->err = -vmcl_ioctl_frame_drop(x->be, &d);
	if (r->err)
		return;
	x->handles[st->frame] = 0;
	if (x->fs[st->frame].live)
		x->held_pages -= 1ULL << x->fs[st->frame].order;
	x->fs[st->frame].live = false;
	x->fs[st->frame].drop_line = st->line;
}

/* A failed 'frame': the name has no handle, and the tool knows why. */
static void frame_failed(struct exec *x, const struct stmt *st)
{
	x->fs[st->frame].live = false;
	x->fs[st->frame].imported = st->kind == ST_IMPORT;
	x->fs[st->frame].drop_line = 0;
	x->fs[st->frame].fail_line = st->line;
}

size_t batch_lists_len(const struct script *sc, size_t ci)
{
	size_t i, n = 0;

	for (i = 0; i < sc->stmts[ci].nops; i++)
		if (sc->stmts[ci + 1 + i].kind == ST_MAP_FRAMES)
			n += sc->stmts[ci + 1 + i].nlist;
	return n;
}

void build_batch(const struct script *sc, size_t ci, const uint32_t *handles,
		 struct vmc_op *ops, uint32_t *lists)
{
	static const uint32_t codes[ST_NR_KINDS] = {
		[ST_VA] = VMC_OP_VA,
		[ST_QUERY] = VMC_OP_QUERY,
		[ST_FIND_NEXT] = VMC_OP_FIND_NEXT,
		[ST_JUMP] = VMC_OP_JUMP,
		[ST_MAP] = VMC_OP_MAP,
		[ST_MAP_RANGE] = VMC_OP_MAP_RANGE,
		[ST_MAP_FRAMES] = VMC_OP_MAP_FRAMES,
		[ST_UNMAP] = VMC_OP_UNMAP,
		[ST_PROTECT_NEXT] = VMC_OP_PROTECT_NEXT,
		[ST_PROTECT_RANGE] = VMC_OP_PROTECT_RANGE,
		[ST_FLUSH] = VMC_OP_FLUSH,
	};
	size_t i, j;

	for (i = 0; i < sc->stmts[ci].nops; i++) {
		const struct stmt *st = &sc->stmts[ci + 1 + i];
		struct vmc_op *op = &ops[i];

		memset(op, 0, sizeof(*op));
		op->code = codes[st->kind];
		switch (st->kind) {
		case ST_FIND_NEXT:
		case ST_UNMAP:
			op->len = st->len;
			break;
		case ST_JUMP:
			op->va = st->va;
			break;
		case ST_MAP_RANGE:
			op->len = st->len;
			/* fall through */
		case ST_MAP:
			op->handle = handles[st->frame];
			op->offset = st->offset;
			op->prop = st->prop;
			op->level = st->level;
			break;
		case ST_MAP_FRAMES:
			for (j = 0; j < st->nlist; j++)
				lists[j] = handles[st->list[j]];
			op->ptr = (uintptr_t)lists;
			op->nr = (uint32_t)st->nlist;
			op->prop = st->prop;
			op->level = st->level;
			lists += st->nlist;
			break;
		case ST_PROTECT_NEXT:
		case ST_PROTECT_RANGE:
			op->len = st->len;
			op->change = st->change;
			op->prop = st->prop;
			break;
		default:
			break;
		}
	}
}

/* One op's outcome from its result record. */
static void op_result(struct exec *x, const struct stmt *st,
		      const struct vmc_op_result *res, struct result *r)
{
	r->op = *res;
	if (!x->cfg->show_paddr)
		r->op.paddr = 0;
	if (!(res->flags & VMC_RES_DONE)) {
		r->skipped = true;
		return;
	}
	if (res->error > 0 || res->error < -4095) {
		r->err = EPROTO;
		snprintf(r->why, sizeof(r->why), "bad error %d in the result",
			 res->error);
		return;
	}
	r->err = -res->error;
	if (r->err == ENOMEM)
		r->limit = res->limit;
	if (st->kind == ST_MAP || st->kind == ST_MAP_RANGE)
		r->frame = x->sc->frames[st->frame];
	else if (st->kind == ST_QUERY && (res->flags & VMC_RES_TRACKED))
		r->frame = name_of(x, res->handle);
}

/* Where op @op with result @res left the cursor, which stood at @va. */
static uint64_t cursor_after(const struct vmc_op *op,
			     const struct vmc_op_result *res, uint64_t va)
{
	if (!(res->flags & VMC_RES_DONE) ||
	    (op->code == VMC_OP_QUERY && !res->error))
		return va;
	if (op->code == VMC_OP_PROTECT_NEXT && (res->flags & VMC_RES_FOUND))
		return res->end;
	/* After the op; a failed op stays put, a range op after its part. */
	return res->va;
}

/*
 * The ops that bring a new cursor to @va: a jump; at the range's end,
 * where no jump goes, a jump to its last page and a find_next over that
 * page, which ends at the end when the page is empty. Returns how many.
 */
static uint32_t resume_prefix(const struct stmt *cur, uint64_t va,
			      struct vmc_op *op)
{
	memset(op, 0, 2 * sizeof(*op));
	op[0].code = VMC_OP_JUMP;
	op[0].va = va < cur->end ? va : cur->end - 4096;
	if (va < cur->end)
		return 1;
	op[1].code = VMC_OP_FIND_NEXT;
	op[1].len = 4096;
	return 2;
}

/* Whether the prefix ran and left the cursor where it should. */
static bool resume_prefix_ok(const struct vmc_op_result *res, uint32_t p,
			     uint32_t done)
{
	if (done < p + 1 || res[0].error)
		return false;
	return p == 1 || (!res[1].error && !(res[1].flags & VMC_RES_FOUND));
}

/*
 * The kernel ends a batch after VMC_BATCH_MAX_NS or VMC_BATCH_MAX_STEPS so
 * that other cursors over the range do not wait long: on a slow or busy
 * machine a long block can be cut. Run the rest in new batches, each first
 * bringing its cursor to where the last left off (the range is not held
 * in between). Not past a stop on error, nor when the cursor cannot be
 * brought back there (at the range's end with its last page mapped) or a
 * batch makes no progress: those ops stay not run, and @why says so.
 * Returns the ops run in all; fills @res.
 */
static uint32_t resume_cursor(struct exec *x, const struct stmt *cur,
			      const struct vmc_op *ops,
			      struct vmc_op_result *res, uint32_t done,
			      char *why, size_t len)
{
	uint32_t n = (uint32_t)cur->nops, i = 0, p;
	struct vmc_op *more = NULL;
	struct vmc_op_result *mres = NULL;
	uint64_t va = cur->start;

	while (done && done < n && !(cur->stop && res[done - 1].error)) {
		struct vmc_batch b = {
			.size = sizeof(b), .flags = cur->stop ? VMC_BATCH_STOP_ON_ERROR : 0,
			.start = cur->start, .end = cur->end,
			.op_size = sizeof(*ops), .result_size = sizeof(*res),
		};

		for (; i < done; i++)
			va = cursor_after(&ops[i], &res[i], va);
		snprintf(why, len, "the kernel ended the batch early (its time "
			 "or step limit) with the cursor at 0x%llx, and a new "
			 "batch could not go on from there", (unsigned long long)va);
		if (!more) {
			more = xcalloc(n + 2, sizeof(*more));
			mres = xcalloc(n + 2, sizeof(*mres));
		}
		p = resume_prefix(cur, va, more);
		memcpy(&more[p], &ops[done], (n - done) * sizeof(*ops));
		b.nr_ops = n - done + p;
		if (b.nr_ops > VMC_MAX_BATCH_OPS)	/* the rest: next time */
			b.nr_ops = VMC_MAX_BATCH_OPS;
		b.ops = (uintptr_t)more;
		b.results = (uintptr_t)mres;
		if (vmcl_ioctl_batch(x->be, &b) ||
		    !resume_prefix_ok(mres, p, b.out_nr_done))
			break;
		memcpy(&res[done], &mres[p], (b.out_nr_done - p) * sizeof(*res));
		done += b.out_nr_done - p;
	}
	free(more);
	free(mres);
	return done;
}

/* A cursor block: one VMC_IOC_BATCH (more if the kernel cut it short). */
static size_t run_cursor(struct exec *x, size_t ci)
{
	const struct stmt *cur = &x->sc->stmts[ci];
	struct vmc_op *ops = xcalloc(cur->nops, sizeof(*ops));
	struct vmc_op_result *res = xcalloc(cur->nops, sizeof(*res));
	uint32_t *lists = xcalloc(batch_lists_len(x->sc, ci), sizeof(*lists));
	struct vmc_batch b = {
		.size = sizeof(b),
		.flags = cur->stop ? VMC_BATCH_STOP_ON_ERROR : 0,
		.start = cur->start,
		.end = cur->end,
		.ops = (uintptr_t)ops,
		.results = (uintptr_t)res,
		.nr_ops = (uint32_t)cur->nops,
		.op_size = sizeof(*ops),
		.result_size = sizeof(*res),
	};
	struct result r = { .st = cur };
	struct known k = known_of(x);
	bool failed_before = false;
	char cut[160] = "";
	size_t i;

	build_batch(x->sc, ci, x->handles, ops, lists);
	r.err = -vmcl_ioctl_batch(x->be, &b);
	r.nr_done = r.err ? 0 : resume_cursor(x, cur, ops, res, b.out_nr_done,
					      cut, sizeof(cut));
	finish(x, &r, false);
	/* Each op runs where the ones before it left the cursor. */
	k.in_cursor = true;
	k.start = cur->start;
	k.end = cur->end;
	k.va = cur->start;
	k.va_known = true;
	/* No cursor, no ops: they are not printed (the cursor line failed). */
	for (i = 0; !r.err && i < cur->nops; i++) {
		struct result o = { .st = &x->sc->stmts[ci + 1 + i] };

		op_result(x, o.st, &res[i], &o);
		/* Not run, and not for an earlier failure: the batch was cut. */
		if (o.skipped && !(cur->stop && failed_before) && cut[0])
			snprintf(o.why, sizeof(o.why), "%s", cut);
		finish_in(x, &o, cur->stop && failed_before, &k);
		failed_before |= o.err != 0;
		/* What the tool itself found wrong tells nothing of where. */
		if (!o.why[0])
			k.va = cursor_after(&ops[i], &res[i], k.va);
	}
	free(ops);
	free(res);
	free(lists);
	return ci + cur->nops + 2;	/* past the END */
}

/* read or write, in pieces of at most the kernel's max_probe_len. */
static void run_probe(struct exec *x, const struct stmt *st, struct result *r)
{
	bool write = st->kind == ST_WRITE;
	size_t len = write ? st->data_len : st->len, chunk;
	uint32_t max = x->cfg->info.out_max_probe_len;
	unsigned char *buf;

	if (!max)
		max = VMC_MAX_PROBE_LEN;
	buf = write ? st->data : (r->data = xcalloc(1, len));
	while (r->done < len) {
		struct vmc_probe p = {
			.size = sizeof(p),
			.flags = write ? VMC_PROBE_WRITE : 0,
			.va = st->va + r->done,
			.buf = (uintptr_t)(buf + r->done),
		};

		chunk = len - r->done < max ? len - r->done : max;
		p.len = chunk;
		r->err = -vmcl_ioctl_probe(x->be, &p);
		if (r->err) {
			/* out_done is meaningful on EFAULT; never trust more. */
			if (r->err == EFAULT && p.out_done < chunk)
				r->done += p.out_done;
			return;
		}
		r->done += chunk;
	}
}

static void run_dump(struct exec *x, struct result *r)
{
	uint32_t chunk = x->cfg->dump_chunk ? x->cfg->dump_chunk :
		EXEC_DUMP_CHUNK;
	struct vmc_mapping *e = xcalloc(chunk, sizeof(*e));
	uint64_t start = x->cfg->info.out_va_start;
	uint64_t end = x->cfg->info.out_va_end;
	size_t cap = 0, i;

	while (start < end) {
		struct vmc_dump d = {
			.size = sizeof(d),
			.start = start,
			.entries = (uintptr_t)e,
			.max_entries = chunk,
			.entry_size = sizeof(*e),
		};

		r->err = -vmcl_ioctl_dump(x->be, &d);
		if (r->err)
			break;
		if (d.out_nr > chunk || d.out_next <= start) {
			r->err = EPROTO;
			snprintf(r->why, sizeof(r->why), "dump made no "
				 "progress at 0x%llx (out_nr %u, out_next "
				 "0x%llx)", (unsigned long long)start, d.out_nr,
				 (unsigned long long)d.out_next);
			break;
		}
		grow_array((void **)&r->maps, &cap, r->nmaps + d.out_nr,
			   sizeof(*r->maps));
		for (i = 0; i < d.out_nr; i++) {
			/* Pages must not overlap; never list a leaf twice. */
			if (r->nmaps && e[i].va < r->maps[r->nmaps - 1].m.va +
						  r->maps[r->nmaps - 1].m.len)
				continue;
			r->maps[r->nmaps].m = e[i];
			if (!x->cfg->show_paddr)
				r->maps[r->nmaps].m.paddr = 0;
			r->maps[r->nmaps].frame =
				(e[i].flags & VMC_MAP_TRACKED) ?
				name_of(x, e[i].handle) : NULL;
			r->nmaps++;
		}
		start = d.out_next;
	}
	free(e);
}

static void run_check(struct exec *x, struct result *r)
{
	uint32_t len = x->cfg->check_msg_len;
	char *msg = len ? xcalloc(1, len) : NULL;

	r->chk.size = sizeof(r->chk);
	r->chk.msg = (uintptr_t)msg;
	r->chk.msg_len = len;
	r->err = -vmcl_ioctl_check(x->be, &r->chk);
	r->report = msg ? xstrndup(msg, strnlen(msg, len)) : xstrndup("", 0);
	free(msg);
	r->chk.msg = 0;
	if (!r->err && r->chk.out_violations)
		snprintf(r->why, sizeof(r->why), "%u invariant violation%s",
			 r->chk.out_violations,
			 r->chk.out_violations == 1 ? "" : "s");
}

static void run_stats(struct exec *x, const struct stmt *st, struct result *r)
{
	r->stats.size = sizeof(r->stats);
	r->stats.flags = st->global ? VMC_STATS_GLOBAL : 0;
	r->err = -vmcl_ioctl_stats(x->be, &r->stats);
}

/* Run the statement at @i; returns the index of the next one. */
static size_t run_one(struct exec *x, size_t i)
{
	const struct stmt *st = &x->sc->stmts[i];
	struct result r = { .st = st };

	switch (st->kind) {
	case ST_CURSOR:
		return run_cursor(x, i);
	case ST_FRAME:
		run_frame(x, st, &r);
		if (r.err)
			frame_failed(x, st);
		break;
	case ST_IMPORT:
		run_import(x, st, &r);
		if (r.err)
			frame_failed(x, st);
		break;
	case ST_LOCAL_READ:
	case ST_LOCAL_WRITE:
		run_local(x, st, &r);
		break;
	case ST_DROP:
		run_drop(x, st, &r);
		break;
	case ST_READ:
	case ST_WRITE:
		run_probe(x, st, &r);
		break;
	case ST_DUMP:
		run_dump(x, &r);
		break;
	case ST_CHECK:
		run_check(x, &r);
		break;
	case ST_STATS:
		run_stats(x, st, &r);
		break;
	default:
		/* Ops and END only occur inside blocks (parse.c). */
		abort();
	}
	finish(x, &r, false);
	return i + 1;
}

struct exec *exec_new(const struct exec_cfg *cfg, const struct script *sc)
{
	struct exec *x = xcalloc(1, sizeof(*x));

	x->cfg = cfg;
	x->be = cfg->be;
	x->sc = sc;
	return x;
}

/* Room for the frame names the script has now (zeroed: no handle). */
static void grow_frames(struct exec *x)
{
	size_t n = x->sc->nframes;

	if (n <= x->nframes)
		return;
	grow_array((void **)&x->handles, &x->cap_handles, n,
		   sizeof(*x->handles));
	grow_array((void **)&x->last, &x->cap_last, n, sizeof(*x->last));
	grow_array((void **)&x->fs, &x->cap_fs, n, sizeof(*x->fs));
	grow_array((void **)&x->mem, &x->cap_mem, n, sizeof(*x->mem));
	memset(x->handles + x->nframes, 0,
	       (n - x->nframes) * sizeof(*x->handles));
	memset(x->last + x->nframes, 0, (n - x->nframes) * sizeof(*x->last));
	memset(x->fs + x->nframes, 0, (n - x->nframes) * sizeof(*x->fs));
	memset(x->mem + x->nframes, 0, (n - x->nframes) * sizeof(*x->mem));
	x->nframes = n;
}

size_t exec_run(struct exec *x, size_t from, size_t to)
{
	const struct stmt *st;
	size_t i = from;

	grow_frames(x);
	while (i < to) {
		st = &x->sc->stmts[i];
		/* A block with a parse error (streamed scripts) never runs. */
		if (st->kind == ST_CURSOR && st->bad)
			i += st->nops + 2;
		else
			i = run_one(x, i);
	}
	return i;
}

unsigned int exec_free(struct exec *x)
{
	unsigned int failures = x->failures;
	size_t i;

	/* Frames of it may still be mapped: the kernel keeps them pinned. */
	for (i = 0; i < x->nframes; i++)
		vmcl_mem_free(&x->mem[i]);
	free(x->mem);
	free(x->handles);
	free(x->last);
	free(x->fs);
	free(x);
	return failures;
}

unsigned int exec_script(const struct exec_cfg *cfg, const struct script *sc)
{
	struct exec *x = exec_new(cfg, sc);

	exec_run(x, 0, sc->n);
	return exec_free(x);
}
