// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: command line parsing and the subcommands.
 *
 * To add a subcommand, write a cmd_*() function and add it to commands[].
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vmcursor.h"
#include "bench_tool.h"
#include "cli.h"
#include "exec.h"
#include "json.h"
#include "lint.h"
#include "parse.h"
#include "print.h"
#include "util.h"

struct cli {
	FILE *out;
	FILE *err;
	bool json;
	bool fake;
	bool paddr;
	bool readonly;
	const char *device;
};

struct command {
	const char *name;
	const char *args;
	const char *summary;
	/* argv[0] is the command name; returns the exit status. */
	int (*fn)(struct cli *c, int argc, char **argv);
	/* Parses the options after its name itself (global ones too). */
	bool own_options;
};

static void usage_hint(struct cli *c)
{
	fputs("Try 'vmcursor help' for more information.\n", c->err);
}

static int usage_error(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fputs("vmcursor: ", c->err);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	usage_hint(c);
	return EXIT_USAGE;
}

/* Print "vmcursor: CONTEXT: strerror (ENAME)" and return EXIT_FAILED. */
static int sys_error(struct cli *c, const char *context, int err,
		     const char *hint)
{
	char ebuf[ERRNO_BUF];

	errno_text(err, ebuf);
	fprintf(c->err, "vmcursor: %s: %s (%s)%s%s\n", context, strerror(err),
		ebuf, hint ? " - " : "", hint ? hint : "");
	return EXIT_FAILED;
}

/* Read all of @path ("-" is stdin). Returns a malloc()ed buffer or NULL. */
static char *read_all(const char *path, size_t *len, int *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 0, n = 0, got;
	char *buf = NULL;

	if (!f) {
		*err = errno;
		return NULL;
	}
	do {
		grow_array((void **)&buf, &cap, n + 4096, 1);
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	*err = ferror(f) ? EIO : 0;
	if (f != stdin)
		fclose(f);
	if (*err) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static void report_parse_error(void *ctx, const struct parse_error *e)
{
	struct printer *p = ctx;

	print_parse_error(p, p->file, e);
}

/*
 * Read and parse a script. On a parse error prints every one (as JSON
 * objects with --json) and returns EXIT_USAGE, @sc freed.
 */
static int load_script(struct cli *c, const char *path, struct script *sc,
		       struct printer *p)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	size_t len = 0;
	char *text, ctx[512];
	int err;

	memset(sc, 0, sizeof(*sc));
	text = read_all(path, &len, &err);
	if (!text) {
		snprintf(ctx, sizeof(ctx), "cannot read %s", name);
		sys_error(c, ctx, err, NULL);
		return EXIT_USAGE;
	}
	p->file = name;
	script_parse_all(name, text, len, sc, report_parse_error, p);
	free(text);
	if (!p->nparse)
		return EXIT_OK;
	return EXIT_USAGE;
}

/* Open the address space and read its info; prints why on failure. */
static int open_space(struct cli *c, struct vmcl **be,
		      struct vmc_info *info)
{
	int mode = c->readonly ? O_RDONLY : O_RDWR;
	char ctx[512];
	int err;

	if (c->fake) {
		err = -vmcl_open_fake_flags(mode, be);
		if (err)
			return sys_error(c, "fake", err, NULL);
	} else {
		err = -vmcl_open_flags(c->device, mode, be);
		if (err) {
			snprintf(ctx, sizeof(ctx), "cannot open %s", c->device);
			return sys_error(c, ctx, err,
					 err == ENOENT || err == ENODEV ||
					 err == ENXIO ?
					 "is vmcursor.ko loaded?" :
					 err == EACCES || err == EPERM ?
					 "the device is for root only" : NULL);
		}
	}
	err = -vmcl_info(*be, info);
	if (err) {
		vmcl_close(*be);
		snprintf(ctx, sizeof(ctx), "%s: VMC_IOC_INFO",
			 c->fake ? "fake" : c->device);
		return sys_error(c, ctx, err, err == ENOTTY ?
				 "is this the vmcursor device?" : NULL);
	}
	if (info->out_abi_version != VMC_ABI_VERSION)
		fprintf(c->err, "vmcursor: warning: the kernel speaks ABI "
			"version %u, this tool version %u\n",
			info->out_abi_version, (unsigned int)VMC_ABI_VERSION);
	return EXIT_OK;
}

/*
 * "run -": each statement runs as soon as it is complete (a cursor block
 * at its 'end'), and its result is flushed, so that another program can
 * drive a live space through a pipe. A parse error discards its statement
 * (or the block it is in) and the run goes on.
 */
static unsigned int run_stream(struct printer *p, struct exec_cfg *cfg,
			       struct script *sc)
{
	struct parse_error e;
	struct parser ps;
	struct exec *x;
	size_t cap = 0, next = 0, len;
	char *line = NULL;
	ssize_t n;

	parser_init(&ps, sc, "<stdin>");
	p->file = sc->name;
	p->flush = true;
	x = exec_new(cfg, sc);
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		len = (size_t)n;
		if (len && line[len - 1] == '\n')
			len--;
		if (parser_line(&ps, line, len, &e))
			print_parse_error(p, sc->name, &e);
		if (!parser_in_block(&ps))
			next = exec_run(x, next, sc->n);
	}
	free(line);
	if (parser_finish(&ps, &e))
		print_parse_error(p, sc->name, &e);
	exec_run(x, next, sc->n);
	parser_free(&ps);
	return exec_free(x);
}

static int cmd_run(struct cli *c, int argc, char **argv)
{
	struct printer p = { .out = c->out, .err = c->err, .json = c->json };
	struct exec_cfg cfg = {
		.dump_chunk = EXEC_DUMP_CHUNK,
		.check_msg_len = EXEC_CHECK_MSG_LEN,
		.show_paddr = c->paddr,
		.emit = print_result,
		.ctx = &p,
	};
	struct script sc;
	unsigned int failed;
	bool stream;
	int ret;

	if (argc != 2)
		return usage_error(c, "%s", "usage: vmcursor run FILE|-");
	stream = !strcmp(argv[1], "-");
	if (!stream) {
		ret = load_script(c, argv[1], &sc, &p);
		/* Nothing ran; JSON still ends with its summary. */
		if (ret && p.nparse && c->json)
			print_summary(&p, &sc);
		if (ret) {
			printer_free(&p);
			script_free(&sc);
			return ret;
		}
	}
	ret = open_space(c, &cfg.be, &cfg.info);
	if (ret) {
		if (!stream)
			script_free(&sc);
		printer_free(&p);
		return ret;
	}
	failed = stream ? run_stream(&p, &cfg, &sc) : exec_script(&cfg, &sc);
	vmcl_close(cfg.be);
	ret = p.nparse ? EXIT_USAGE : failed ? EXIT_FAILED : EXIT_OK;
	print_summary(&p, &sc);
	printer_free(&p);
	script_free(&sc);
	return ret;
}

/* lint's findings: parse errors and statements certain to fail. */
struct lint_out {
	struct cli *c;
	const char *file;
	struct json j;
	size_t nparse;
	size_t nfail;
};

static void lint_parse_error(void *ctx, const struct parse_error *e)
{
	struct lint_out *o = ctx;

	o->nparse++;
	if (!o->c->json) {
		fprintf(o->c->err, "vmcursor: %s:%u: %s\n", o->file, e->line,
			e->msg);
		return;
	}
	json_begin_object(&o->j);
	json_kv_u64(&o->j, "line", e->line);
	json_kv_string(&o->j, "kind", "parse");
	json_kv_string(&o->j, "error", e->msg);
	json_end_object(&o->j);
}

static void lint_finding(void *ctx, const struct lint_finding *f)
{
	struct lint_out *o = ctx;
	char ebuf[ERRNO_BUF], xbuf[ERRNO_BUF];

	o->nfail++;
	errno_text(f->err, ebuf);
	errno_text(f->st->expect, xbuf);
	if (!o->c->json) {
		fprintf(o->c->err, "vmcursor: %s:%u: %s: will fail with %s%s%s"
			"%s%s\n", o->file, f->st->line, stmt_name(f->st->kind),
			ebuf, f->cause.text[0] ? " - " : "", f->cause.text,
			f->st->expect ? ", but expects " : "",
			f->st->expect ? xbuf : "");
		return;
	}
	json_begin_object(&o->j);
	json_kv_u64(&o->j, "line", f->st->line);
	json_kv_string(&o->j, "kind", "runtime");
	json_kv_string(&o->j, "cmd", stmt_name(f->st->kind));
	json_kv_string(&o->j, "errno", ebuf);
	json_kv_string(&o->j, "error", strerror(f->err));
	json_cause(&o->j, &f->cause);
	if (f->st->expect)
		json_kv_string(&o->j, "expect", xbuf);
	json_end_object(&o->j);
}

/*
 * Parse errors first, then (on what parsed) the statements that are
 * certain to fail: exit status 2 for a parse error, else 1 for a
 * certain failure, else 0.
 */
static int cmd_lint(struct cli *c, int argc, char **argv)
{
	struct lint_out o = { .c = c };
	struct script sc;
	size_t i, blocks = 0, stmts = 0, len = 0;
	char *text, ctx[512];
	int err;

	if (argc != 2)
		return usage_error(c, "%s", "usage: vmcursor lint FILE|-");
	o.file = strcmp(argv[1], "-") ? argv[1] : "<stdin>";
	text = read_all(argv[1], &len, &err);
	if (!text) {
		snprintf(ctx, sizeof(ctx), "cannot read %s", o.file);
		sys_error(c, ctx, err, NULL);
		return EXIT_USAGE;
	}
	if (c->json) {
		json_init(&o.j, c->out);
		json_begin_object(&o.j);
		json_kv_u64(&o.j, "schema", JSON_SCHEMA);
		json_kv_string(&o.j, "file", o.file);
		json_key(&o.j, "errors");
		json_begin_array(&o.j);
	}
	script_parse_all(o.file, text, len, &sc, lint_parse_error, &o);
	free(text);
	lint_script(&sc, c->readonly, lint_finding, &o);
	/* Count as "run" does: 'end' is part of its block. */
	for (i = 0; i < sc.n; i++) {
		blocks += sc.stmts[i].kind == ST_CURSOR;
		stmts += sc.stmts[i].kind != ST_END;
	}
	if (c->json) {
		json_end_array(&o.j);
		json_kv_bool(&o.j, "ok", !o.nparse && !o.nfail);
		json_kv_u64(&o.j, "statements", stmts);
		json_kv_u64(&o.j, "cursor_blocks", blocks);
		json_kv_u64(&o.j, "parse_errors", o.nparse);
		json_kv_u64(&o.j, "runtime_errors", o.nfail);
		json_end_object(&o.j);
		fputc('\n', c->out);
	} else if (!o.nparse && !o.nfail) {
		fprintf(c->out, "%s: ok, %zu statement%s, %zu cursor block%s\n",
			sc.name, stmts, stmts == 1 ? "" : "s", blocks,
			blocks == 1 ? "" : "s");
	} else {
		fprintf(c->out, "%s: %zu error%s (%zu parse, %zu certain to "
			"fail at run time), %zu statement%s, %zu cursor "
			"block%s\n", sc.name, o.nparse + o.nfail,
			o.nparse + o.nfail == 1 ? "" : "s", o.nparse, o.nfail,
			stmts, stmts == 1 ? "" : "s", blocks,
			blocks == 1 ? "" : "s");
	}
	script_free(&sc);
	return o.nparse ? EXIT_USAGE : o.nfail ? EXIT_FAILED : EXIT_OK;
}

static int cmd_info(struct cli *c, int argc, char **argv)
{
	struct vmcl *be;
	struct vmc_info info;
	const char *dev = c->fake ? "fake" : c->device;
	int ret;

	(void)argv;
	if (argc != 1)
		return usage_error(c, "%s", "usage: vmcursor info");
	ret = open_space(c, &be, &info);
	if (ret)
		return ret;
	vmcl_close(be);
	if (c->json)
		print_info_json(c->out, dev, &info);
	else
		print_info_text(c->out, dev, &info);
	return EXIT_OK;
}

static int cmd_bench(struct cli *c, int argc, char **argv)
{
	struct bench_report r = { 0 };
	struct bench_opts o;
	struct vmc_info info;
	struct vmcl *be;
	int ret;

	bench_default_opts(&o);
	ret = bench_parse_args(argc, argv, &o, c->err);
	if (ret)
		return ret;
	c->json |= o.json;
	c->fake |= o.fake;
	if (o.device)
		c->device = o.device;
	/* A run read back needs no device. */
	if (o.replay)
		return bench_replay(&o, c->json, c->out, c->err);
	ret = open_space(c, &be, &info);
	if (ret)
		return ret;
	bench_run(be, &o, &r, c->err);
	vmcl_close(be);
	if (c->json)
		bench_print_json(c->out, &r);
	else
		bench_print_text(c->out, &r);
	ret = r.failures ? EXIT_FAILED : EXIT_OK;
	bench_report_free(&r);
	return ret;
}

static int cmd_help(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs(help_text, c->out);
	return EXIT_OK;
}

static int cmd_version(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(c->out, "vmcursor %s (ABI version %u)\n", VMCURSOR_VERSION,
		(unsigned int)VMC_ABI_VERSION);
	return EXIT_OK;
}

static const struct command commands[] = {
	{ "run", "FILE|-", "run a script in a fresh address space", cmd_run, false },
	{ "lint", "FILE|-", "parse a script without running it", cmd_lint, false },
	{ "info", "", "show ABI version, features and limits", cmd_info, false },
	{ "bench", "[OPTS]", "measure the cursor against Linux (root)",
	  cmd_bench, true },
	{ "help", "", "show the full documentation", cmd_help, false },
	{ "version", "", "show the version", cmd_version, false },
};

/* Exact name, else a unique prefix (as bpftool does); NULL otherwise. */
static const struct command *lookup_command(const char *name, bool *ambiguous)
{
	const struct command *found = NULL;
	size_t i, n = strlen(name);

	*ambiguous = false;
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	for (i = 0; n && i < ARRAY_SIZE(commands); i++) {
		if (strncmp(commands[i].name, name, n))
			continue;
		if (found) {
			*ambiguous = true;
			return NULL;
		}
		found = &commands[i];
	}
	return found;
}

static const struct command *find_command(struct cli *c, const char *name)
{
	bool ambiguous;
	const struct command *found = lookup_command(name, &ambiguous);

	if (!found)
		usage_error(c, ambiguous ? "ambiguous command '%s'" :
			    "unknown command '%s'", name);
	return found;
}

/*
 * How many arguments the global options may take: all of them, unless the
 * command parses its own options, which then start after its name.
 */
static int global_argc(int argc, char **argv)
{
	const struct command *cmd;
	bool ambiguous;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			return argc;
		if (a[0] == '-' && a[1]) {
			/* -d and --device take the next argument. */
			if (!strcmp(a, "--device") ||
			    (a[1] != '-' && a[strlen(a) - 1] == 'd'))
				i++;
			continue;
		}
		cmd = lookup_command(a, &ambiguous);
		return cmd && cmd->own_options ? i : argc;
	}
	return argc;
}

static void short_usage(struct cli *c)
{
	size_t i;

	fputs("usage: vmcursor [--json] [-d DEVICE] [--fake] [--readonly] "
	      "[--paddr] COMMAND [ARGS]\n"
	      "commands:\n", c->err);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(c->err, "  %-8s %-7s %s\n", commands[i].name,
			commands[i].args, commands[i].summary);
	usage_hint(c);
}

int cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "fake", no_argument, NULL, 'F' },
		{ "paddr", no_argument, NULL, 'P' },
		{ "readonly", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = { .out = out, .err = err, .device = VMC_DEVICE_PATH };
	const struct command *cmd;
	int opt, ret;

	optind = 0;	/* full re-initialisation: cli_main may run again */
	opterr = 0;
	while ((opt = getopt_long(global_argc(argc, argv), argv, "jd:hV", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'j':
			c.json = true;
			break;
		case 'd':
			c.device = optarg;
			break;
		case 'F':
			c.fake = true;
			break;
		case 'P':
			c.paddr = true;
			break;
		case 'R':
			c.readonly = true;
			break;
		case 'h':
			return cmd_help(&c, 0, NULL);
		case 'V':
			return cmd_version(&c, 0, NULL);
		default:
			if (optopt == 'd')
				return usage_error(&c, "%s", "option -d "
						   "needs a device path");
			return usage_error(&c, "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		short_usage(&c);
		return EXIT_USAGE;
	}
	cmd = find_command(&c, argv[optind]);
	if (!cmd)
		return EXIT_USAGE;
	ret = cmd->fn(&c, argc - optind, argv + optind);
	fflush(out);
	return ret;
}
