/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: printing results as readable text or as JSON.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_PRINT_H
#define VMC_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "exec.h"
#include "json.h"

/* Buffer sizes for the formatters below (longest output + NUL). */
#define PROP_BUF	16	/* "rwxad:wb" */
#define SIZE_BUF	24	/* "0xffffffffffffffff" */
#define ERRNO_BUF	24	/* "errno -2147483648" */
#define CHANGE_BUF	24	/* "=rwxad:wb", "-rwxad", "?4294967295" */

/* Text form with placeholders: "rw-:wb" (A and D are shown apart). */
void prop_text(uint32_t prop, char *buf);
/* PROP syntax without placeholders: "rw:wb", "-:uc". */
void prop_json(uint32_t prop, char *buf);
/* "4k", "2m", "1g" (any k/m/g multiple), else "0x..." */
void size_text(uint64_t len, char *buf);
/* CHANGE syntax: "-w", "+rx", "=r:wb", ":uc". */
void change_text(uint32_t change, uint32_t prop, char *buf);
/* "EINVAL", or "errno 71" for a number without a name. */
void errno_text(int err, char *buf);

/* Version of the JSON output's shape, in "schema" of the summary. */
#define JSON_SCHEMA	1

/**
 * struct printer - where and how results go (an emit_fn context)
 * @out: results (stdout)
 * @err: text-mode error messages (stderr)
 * @json: one JSON object per line instead of text
 * @flush: flush after each result (a script streamed from a pipe)
 * @file: the script's name, for parse errors
 * @shown: statements printed so far
 * @nfailed: failed statements
 * @failed_lines: their lines, for the summary
 * @nparse: parse errors (streamed scripts)
 * @parse_lines: their lines
 */
struct printer {
	FILE *out;
	FILE *err;
	bool json;
	bool flush;
	const char *file;
	unsigned int shown;
	unsigned int nfailed;
	unsigned int *failed_lines;
	size_t cap_failed;
	unsigned int nparse;
	unsigned int *parse_lines;
	size_t cap_parse;
};

/* The emit_fn for exec_cfg: ctx is a struct printer. */
void print_result(void *ctx, const struct script *sc, const struct result *r);
void print_result_text(struct printer *p, const struct script *sc,
		       const struct result *r);
void print_result_json(FILE *out, const struct result *r);
/*
 * The closing summary: text "N statements run, all succeeded", or the
 * JSON summary object.
 */
void print_summary(struct printer *p, const struct script *sc);
/* Free what the printer collected. */
void printer_free(struct printer *p);
/* A parse error of @file: text on stderr, or a JSON object on stdout. */
void print_parse_error(struct printer *p, const char *file,
		       const struct parse_error *e);
/* The cause fields of a failure (explain.h), for JSON objects. */
void json_cause(struct json *j, const struct cause *c);

void print_info_text(FILE *out, const char *device, const struct vmc_info *i);
void print_info_json(FILE *out, const char *device, const struct vmc_info *i);

#endif /* VMC_PRINT_H */
