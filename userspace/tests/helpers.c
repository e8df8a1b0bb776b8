// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool tests: running scripts and the CLI with captured output.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "print.h"
#include "test.h"
#include "util.h"

int parse_text(const char *text, struct script *sc, struct parse_error *e)
{
	return script_parse("t.vmc", text, strlen(text), sc, e);
}

struct vmcl *fake_new(void)
{
	struct vmcl *h;

	if (vmcl_open_fake(&h))
		abort();
	return h;
}

void run_script(const char *text, const struct run_opts *o, struct run *r)
{
	static const struct run_opts none;
	struct script sc;
	size_t outlen, errlen;
	FILE *out, *err;

	if (!o)
		o = &none;
	memset(r, 0, sizeof(*r));
	out = open_memstream(&r->out, &outlen);
	err = open_memstream(&r->err, &errlen);
	if (!out || !err)
		abort();
	r->parse = parse_text(text, &sc, &r->perr);
	if (!r->parse) {
		struct printer p = { .out = out, .err = err, .json = o->json };
		struct exec_cfg cfg = {
			.be = o->be ? o->be : fake_new(),
			.dump_chunk = o->dump_chunk,
			.check_msg_len = o->check_msg_len ? o->check_msg_len :
				EXEC_CHECK_MSG_LEN,
			.show_paddr = o->show_paddr,
			.emit = print_result,
			.ctx = &p,
		};

		cfg.info.size = sizeof(cfg.info);
		if (-vmcl_ioctl_info(cfg.be, &cfg.info))
			abort();
		r->failed = exec_script(&cfg, &sc);
		print_summary(&p, &sc);
		printer_free(&p);
		if (!o->be)
			vmcl_close(cfg.be);
		script_free(&sc);
	}
	fclose(out);
	fclose(err);
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

int run_cli(const char *const *argv, char **out, char **err)
{
	char *args[32];
	size_t n = 0, outlen, errlen;
	FILE *o, *e;
	int ret;

	while (argv[n] && n + 1 < ARRAY_SIZE(args)) {
		/* getopt may permute argv: give it writable copies. */
		args[n] = xstrndup(argv[n], strlen(argv[n]));
		n++;
	}
	args[n] = NULL;
	o = open_memstream(out, &outlen);
	e = open_memstream(err, &errlen);
	if (!o || !e)
		abort();
	ret = cli_main((int)n, args, o, e);
	fclose(o);
	fclose(e);
	while (n--)
		free(args[n]);
	return ret;
}

static char temp_paths[16][64];
static unsigned int ntemp;

const char *temp_file(const char *text)
{
	char *path;
	int fd;

	if (ntemp == ARRAY_SIZE(temp_paths))
		abort();
	path = temp_paths[ntemp];
	snprintf(path, sizeof(temp_paths[0]), "/tmp/vmcursor-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	ntemp++;
	return path;
}

void temp_cleanup(void)
{
	while (ntemp)
		unlink(temp_paths[--ntemp]);
}
