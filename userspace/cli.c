// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: command line parsing and the subcommands.
 *
 * To add a subcommand, write a cmd_*() function and add it to commands[].
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
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
#include "parse.h"
#include "print.h"
#include "util.h"

struct cli {
	FILE *out;
	FILE *err;
	bool json;
	bool fake;
	bool paddr;
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

/* Read and parse a script; on failure prints why and returns EXIT_USAGE. */
static int load_script(struct cli *c, const char *path, struct script *sc)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	struct parse_error perr;
	size_t len = 0;
	char *text, ctx[512];
	int err, ret;

	text = read_all(path, &len, &err);
	if (!text) {
		snprintf(ctx, sizeof(ctx), "cannot read %s", name);
		sys_error(c, ctx, err, NULL);
		return EXIT_USAGE;
	}
	ret = script_parse(name, text, len, sc, &perr);
	free(text);
	if (ret) {
		fprintf(c->err, "vmcursor: %s:%u: %s\n", name, perr.line,
			perr.msg);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Open the address space and read its info; prints why on failure. */
static int open_space(struct cli *c, struct vmcl **be,
		      struct vmc_info *info)
{
	char ctx[512];
	int err;

	if (c->fake) {
		err = -vmcl_open_fake(be);
		if (err)
			return sys_error(c, "fake", err, NULL);
	} else {
		err = -vmcl_open(c->device, be);
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
	int ret;

	if (argc != 2)
		return usage_error(c, "%s", "usage: vmcursor run FILE|-");
	ret = load_script(c, argv[1], &sc);
	if (ret)
		return ret;
	ret = open_space(c, &cfg.be, &cfg.info);
	if (ret) {
		script_free(&sc);
		return ret;
	}
	failed = exec_script(&cfg, &sc);
	vmcl_close(cfg.be);
	print_summary(&p, &sc);
	script_free(&sc);
	return failed ? EXIT_FAILED : EXIT_OK;
}

static int cmd_lint(struct cli *c, int argc, char **argv)
{
	struct script sc;
	size_t i, blocks = 0, stmts = 0;
	int ret;

	if (argc != 2)
		return usage_error(c, "%s", "usage: vmcursor lint FILE|-");
	ret = load_script(c, argv[1], &sc);
	if (ret)
		return ret;
	/* Count as "run" does: 'end' is part of its block. */
	for (i = 0; i < sc.n; i++) {
		blocks += sc.stmts[i].kind == ST_CURSOR;
		stmts += sc.stmts[i].kind != ST_END;
	}
	if (c->json) {
		struct json j;

		json_init(&j, c->out);
		json_begin_object(&j);
		json_kv_string(&j, "file", sc.name);
		json_kv_bool(&j, "ok", true);
		json_kv_u64(&j, "statements", stmts);
		json_kv_u64(&j, "cursor_blocks", blocks);
		json_end_object(&j);
		fputc('\n', c->out);
	} else {
		fprintf(c->out, "%s: ok, %zu statement%s, %zu cursor block%s\n",
			sc.name, stmts, stmts == 1 ? "" : "s", blocks,
			blocks == 1 ? "" : "s");
	}
	script_free(&sc);
	return EXIT_OK;
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

	fputs("usage: vmcursor [--json] [-d DEVICE] [--fake] [--paddr] COMMAND "
	      "[ARGS]\n"
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
