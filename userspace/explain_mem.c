// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: the causes of ENOMEM (which limit, its value, what the
 * statement needed and what the script holds) and of an import's errors.
 *
 * The kernel names the limit an ENOMEM hit (enum vmc_limit in out_limit
 * and in an op's result); where it could not (a batch that failed to
 * create its cursor, an older kernel) the tool says which limits may
 * have been hit.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>

#include "vmcursor.h"
#include "explain.h"

#define say	explain_say

/* What @st needed, as the end of a sentence: ": this frame needs ...". */
static void need_text(const struct known *k, const struct stmt *st,
		      char *buf, size_t len)
{
	uint64_t need = order_bytes(st->order) / 4096;

	if (st->kind == ST_FRAME || st->kind == ST_IMPORT)
		snprintf(buf, len, ": this frame needs %llu page%s and frames "
			 "the script has not dropped hold %llu",
			 (unsigned long long)need, need == 1 ? "" : "s",
			 (unsigned long long)k->held_pages);
	else if (st->kind == ST_CURSOR || st->kind == ST_DUMP)
		snprintf(buf, len, ": a cursor first reserves up to levels - "
			 "1 = %u table pages",
			 k->info && k->info->out_levels ?
			 k->info->out_levels - 1 : 4);
	else if (st->kind == ST_MAP || st->kind == ST_MAP_RANGE ||
		 st->kind == ST_MAP_FRAMES)
		snprintf(buf, len, " (a map may need new table pages)");
	else
		snprintf(buf, len, " (splitting a huge leaf needs a table "
			 "page)");
}

static void set_cap(struct cause *c, const char *cap, bool known,
		    uint64_t value)
{
	c->cap = cap;
	c->has_cap_value = known;
	c->cap_value = value;
}

/* No limit named: the caps this statement may have hit. */
static void unnamed(const struct known *k, const struct stmt *st,
		    const char *need, struct cause *c)
{
	if (st->kind == ST_FRAME || st->kind == ST_IMPORT) {
		set_cap(c, "max_frame_pages", k->info != NULL,
			k->info ? k->info->out_max_frames : 0);
		say(c, ENOMEM, "out of memory, or the space's frame cap "
		    "(max_frame_pages = %llu pages) would be exceeded%s",
		    (unsigned long long)c->cap_value, need);
		return;
	}
	set_cap(c, "max_table_pages", k->info != NULL,
		k->info ? k->info->out_max_table_pages : 0);
	if (!k->info)
		say(c, ENOMEM, "out of memory, or the space's table-page cap "
		    "(max_table_pages) was reached%s", need);
	else
		say(c, ENOMEM, "out of memory, or the space's table-page cap "
		    "(max_table_pages = %llu) was reached%s",
		    (unsigned long long)c->cap_value, need);
}

/* RLIMIT_MEMLOCK of this process, which opened the device. */
static void memlock(const char *need, struct cause *c)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_MEMLOCK, &r) || r.rlim_cur == RLIM_INFINITY) {
		set_cap(c, "RLIMIT_MEMLOCK", false, 0);
		say(c, ENOMEM, "the opener's RLIMIT_MEMLOCK was reached "
		    "(unlimited for this process now): the frames and table "
		    "pages of all its spaces count against it%s", need);
		return;
	}
	set_cap(c, "RLIMIT_MEMLOCK", true, (uint64_t)r.rlim_cur / 4096);
	say(c, ENOMEM, "the opener's RLIMIT_MEMLOCK (ulimit -l = %llu KiB, "
	    "%llu pages) was reached: the frames and table pages of all its "
	    "spaces count against it, as other pinned memory does%s",
	    (unsigned long long)r.rlim_cur / 1024,
	    (unsigned long long)c->cap_value, need);
}

void explain_memory(const struct known *k, const struct stmt *st,
		    uint32_t limit, struct cause *c)
{
	const struct vmc_info *i = k->info;
	char need[160];

	need_text(k, st, need, sizeof(need));
	c->limit = limit != VMC_LIMIT_NONE ? vmcl_limit_name(limit) : NULL;
	switch (limit) {
	case VMC_LIMIT_MEMLOCK:
		memlock(need, c);
		break;
	case VMC_LIMIT_FRAMES:
		set_cap(c, "max_frame_pages", i != NULL,
			i ? i->out_max_frames : 0);
		say(c, ENOMEM, "the space's frame cap (max_frame_pages = %llu "
		    "pages) would be exceeded%s",
		    (unsigned long long)c->cap_value, need);
		break;
	case VMC_LIMIT_TABLES:
		set_cap(c, "max_table_pages", i != NULL,
			i ? i->out_max_table_pages : 0);
		say(c, ENOMEM, "the space's table-page cap (max_table_pages = "
		    "%llu) was reached%s", (unsigned long long)c->cap_value,
		    need);
		break;
	case VMC_LIMIT_MODULE:
		set_cap(c, "max_total_pages", i != NULL,
			i ? i->out_max_total_pages : 0);
		say(c, ENOMEM, "the module-wide cap on pinned pages "
		    "(max_total_pages = %llu) was reached: it counts the "
		    "frames and table pages of every space of every "
		    "process%s", (unsigned long long)c->cap_value, need);
		break;
	case VMC_LIMIT_KERNEL:
		say(c, ENOMEM, "the kernel could not allocate the memory%s",
		    need);
		break;
	default:
		unnamed(k, st, need, c);
		break;
	}
}

void explain_import(const struct known *k, const struct stmt *st, int err,
		    struct cause *c)
{
	const char *what = st->order == VMC_FRAME_1G ? "1 GiB hugetlb page" :
			   st->order ? "2 MiB page" : "4 KiB page";

	(void)k;
	switch (err) {
	case EINVAL:
		say(c, err, "the memory is not one physically contiguous, "
		    "aligned %s%s", what, st->order == VMC_FRAME_2M ?
		    " (a transparent huge page may have been split)" : "");
		break;
	case EFAULT:
		say(c, err, "the memory is not mapped, or not writable");
		break;
	case EBUSY:
		/* vmc_frame_import(): a page is in one imported frame only. */
		say(c, err, "a page of this memory already belongs to an "
		    "imported frame");
		break;
	case EOPNOTSUPP:
		/* The fake's engine: its pages are not this process's. */
		say(c, err, "no import of a %s here (the fake cannot pin this "
		    "process's memory: imports need the device)", what);
		break;
	case ENOTTY:
		say(c, err, "no VMC_IOC_FRAME_IMPORT here: the kernel or the "
		    "fake predates ABI version 2");
		break;
	default:
		break;
	}
}
