/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: command line. main() is cli_main() on stdout/stderr; the
 * tests call it in-process with other streams.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_CLI_H
#define VMC_CLI_H

#include <stdio.h>

/* From ../VERSION, via the Makefile (one version for module, tool, DKMS). */
#ifndef VMCURSOR_VERSION
#error "VMCURSOR_VERSION is not defined: build with make -C userspace"
#endif

/* Exit statuses. */
#define EXIT_OK		0
#define EXIT_FAILED	1	/* a statement failed, or the device did */
#define EXIT_USAGE	2	/* bad command line or script; nothing ran */

int cli_main(int argc, char **argv, FILE *out, FILE *err);

/* The full --help text (help.c). */
extern const char help_text[];

#endif /* VMC_CLI_H */
