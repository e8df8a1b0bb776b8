// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: reading a bench run back from the JSON lines that
 * bench_print_json() wrote (one object per line, flat but for "ns"), so
 * that `make bench` can keep each run's JSON, print the table from it and
 * compare it with the run before. Lines of kinds it does not know are
 * skipped; ratios are not read but computed again from the rows.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench_int.h"
#include "util.h"

#define JL_MAX_FIELDS	48

/**
 * struct jl_field - one value of a line, nested keys joined with a dot
 * @key: "n", "ns.median", ...
 * @str: a string's text (malloc'ed), else NULL
 * @num: a number's value (true is 1)
 * @u: the same, exactly, when it is a non-negative integer
 */
struct jl_field {
	char key[32];
	char *str;
	double num;
	uint64_t u;
};

struct jl {
	const char *p;
	const char *err;
	struct jl_field f[JL_MAX_FIELDS];
	unsigned int nr;
};

static void jl_ws(struct jl *l)
{
	while (*l->p == ' ' || *l->p == '\t' || *l->p == '\r' || *l->p == '\n')
		l->p++;
}

static bool jl_fail(struct jl *l, const char *why)
{
	if (!l->err)
		l->err = why;
	return false;
}

/* Code point @cp as UTF-8 into @out; the bytes written. */
static size_t jl_utf8(unsigned int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | cp >> 6;
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	out[0] = 0xe0 | cp >> 12;
	out[1] = 0x80 | ((cp >> 6) & 0x3f);
	out[2] = 0x80 | (cp & 0x3f);
	return 3;
}

static bool jl_escape(struct jl *l, char *out, size_t *o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = strchr(from, *l->p);
	unsigned int cp;

	if (*l->p && e) {
		out[(*o)++] = to[e - from];
		l->p++;
		return true;
	}
	if (*l->p != 'u' || sscanf(l->p + 1, "%4x", &cp) != 1)
		return jl_fail(l, "bad escape");
	/* The writer escapes control characters only: no surrogates. */
	*o += jl_utf8(cp >= 0xd800 && cp < 0xe000 ? '?' : cp, out + *o);
	l->p += 5;
	return true;
}

/* A string at l->p (after its quote); malloc'ed text into *@out. */
static bool jl_string(struct jl *l, char **out)
{
	const char *end = l->p;
	size_t o = 0;
	char *s;

	while (*end && *end != '"')
		end += end[0] == '\\' && end[1] ? 2 : 1;
	if (*end != '"')
		return jl_fail(l, "unterminated string");
	/* An escape never yields more bytes than it takes. */
	s = xmalloc(end - l->p + 1);
	while (l->p < end && !l->err) {
		if (*l->p == '\\') {
			l->p++;
			jl_escape(l, s, &o);
		} else {
			s[o++] = *l->p++;
		}
	}
	s[o] = 0;
	l->p = end + 1;
	*out = s;
	return !l->err;
}

static struct jl_field *jl_add(struct jl *l, const char *prefix,
			       const char *key)
{
	struct jl_field *f;

	if (l->nr == JL_MAX_FIELDS) {
		jl_fail(l, "too many fields");
		return NULL;
	}
	f = &l->f[l->nr++];
	memset(f, 0, sizeof(*f));
	snprintf(f->key, sizeof(f->key), "%s%s%s", prefix, *prefix ? "." : "",
		 key);
	return f;
}

static bool jl_object(struct jl *l, const char *prefix, unsigned int depth);

static bool jl_value(struct jl *l, struct jl_field *f, unsigned int depth)
{
	char *end;

	if (*l->p == '"') {
		l->p++;
		return jl_string(l, &f->str);
	}
	if (*l->p == '{')
		return jl_object(l, f->key, depth + 1);
	if (!strncmp(l->p, "true", 4) || !strncmp(l->p, "null", 4)) {
		f->num = f->u = *l->p == 't';
		l->p += 4;
		return true;
	}
	if (!strncmp(l->p, "false", 5)) {
		l->p += 5;
		return true;
	}
	f->num = strtod(l->p, &end);
	if (end == l->p)
		return jl_fail(l, "bad value");
	if (*l->p != '-' && !memchr(l->p, '.', end - l->p) &&
	    !memchr(l->p, 'e', end - l->p) && !memchr(l->p, 'E', end - l->p))
		f->u = strtoull(l->p, NULL, 10);
	else
		f->u = f->num > 0 ? (uint64_t)f->num : 0;
	l->p = end;
	return true;
}

static bool jl_object(struct jl *l, const char *prefix, unsigned int depth)
{
	char *key;

	if (depth > 2 || *l->p != '{')
		return jl_fail(l, "expected an object");
	l->p++;
	jl_ws(l);
	if (*l->p == '}') {
		l->p++;
		return true;
	}
	for (;;) {
		struct jl_field *f;

		jl_ws(l);
		if (*l->p++ != '"' || !jl_string(l, &key))
			return jl_fail(l, "expected a key");
		f = jl_add(l, prefix, key);
		free(key);
		jl_ws(l);
		if (!f || *l->p++ != ':')
			return jl_fail(l, "expected ':'");
		jl_ws(l);
		if (!jl_value(l, f, depth))
			return false;
		jl_ws(l);
		if (*l->p == '}') {
			l->p++;
			return true;
		}
		if (*l->p++ != ',')
			return jl_fail(l, "expected ',' or '}'");
	}
}

static const struct jl_field *jl_get(const struct jl *l, const char *key)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++)
		if (!strcmp(l->f[i].key, key))
			return &l->f[i];
	return NULL;
}

static uint64_t jl_u64(const struct jl *l, const char *key)
{
	const struct jl_field *f = jl_get(l, key);

	return f ? f->u : 0;
}

static const char *jl_str(const struct jl *l, const char *key)
{
	const struct jl_field *f = jl_get(l, key);

	return f && f->str ? f->str : "";
}

static void jl_free(struct jl *l)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++)
		free(l->f[i].str);
	l->nr = 0;
}

static void load_row(const struct jl *l, struct bench_row *w)
{
	static const char *const stat[] = {
		"ns.min", "ns.q1", "ns.median", "ns.q3", "ns.max",
	};
	const char *size = jl_str(l, "page_size");
	unsigned int i;

	bench_base_row(w, jl_str(l, "experiment"), jl_str(l, "op"),
		       !strcmp(size, "4k") ? 12 : !strcmp(size, "2m") ? 21 : 0,
		       jl_u64(l, "n"));
	w->reps = jl_u64(l, "reps");
	w->batch = jl_u64(l, "batch");
	w->threads = jl_u64(l, "threads") ?: 1;
	w->cursors = jl_u64(l, "cursors");
	w->window = jl_u64(l, "loaded");
	w->windows = jl_u64(l, "windows");
	w->window_min = jl_u64(l, "window_min");
	w->separate = jl_u64(l, "separate");
	w->pieces = jl_u64(l, "pieces");
	for (i = 0; i < ARRAY_SIZE(stat); i++)
		w->ns[i] = jl_u64(l, stat[i]);
	w->invlpg = jl_u64(l, "invlpg");
	w->full_flushes = jl_u64(l, "full_flushes");
	w->ipis = jl_u64(l, "ipis");
	w->table_pages = jl_u64(l, "table_pages");
	w->table_pages_min = jl_u64(l, "table_pages_min");
	w->create_max = jl_u64(l, "create_ns_max");
	snprintf(w->note, sizeof(w->note), "%s", jl_str(l, "note"));
}

/* One line: a measurement becomes a row; run and profile fill @r. */
static void load_line(const struct jl *l, struct bench_report *r)
{
	const char *kind = jl_str(l, "kind");
	struct bench_row w;

	if (!strcmp(kind, "measurement")) {
		load_row(l, &w);
		bench_add_row(r, &w);
	} else if (!strcmp(kind, "run")) {
		r->frame_meta = jl_u64(l, "frame_meta");
		r->node_meta = jl_u64(l, "node_meta");
		r->failures = jl_u64(l, "failures");
	} else if (!strcmp(kind, "profile")) {
		free(r->profile);
		r->profile = strdup(jl_str(l, "text"));
	}
}

int bench_load(FILE *in, struct bench_report *r, char *why, size_t len)
{
	size_t cap = 0, lineno = 0;
	char *line = NULL;
	struct jl l;
	int err = 0;

	memset(r, 0, sizeof(*r));
	memset(&l, 0, sizeof(l));
	while (!err && getline(&line, &cap, in) > 0) {
		lineno++;
		l.p = line;
		l.err = NULL;
		jl_ws(&l);
		if (!*l.p)
			continue;
		if (jl_object(&l, "", 0))
			jl_ws(&l);
		if (!l.err && *l.p)
			jl_fail(&l, "text after the object");
		if (l.err) {
			snprintf(why, len, "line %zu: %s", lineno, l.err);
			err = EINVAL;
		} else {
			load_line(&l, r);
		}
		jl_free(&l);
	}
	free(line);
	if (!err && !r->nr) {
		snprintf(why, len, "no measurement");
		err = ENODATA;
	}
	return err;
}
