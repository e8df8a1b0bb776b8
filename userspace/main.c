// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor: drive private x86-64 address spaces of the vmcursor module.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv, stdout, stderr);
}
