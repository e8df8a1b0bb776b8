// SPDX-License-Identifier: GPL-2.0
/*
 * vmcursor tool: allocation helpers and errno names.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vmcursor.h"

static void out_of_memory(void)
{
	fputs("vmcursor: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	size_t total;
	void *q;

	if (size && n > SIZE_MAX / size)
		out_of_memory();
	total = n * size;
	q = realloc(p, total ? total : 1);
	if (!q)
		out_of_memory();
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void grow_array(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 8;

	if (need <= *cap)
		return;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			out_of_memory();
		ncap *= 2;
	}
	*v = xreallocarray(*v, ncap, size);
	*cap = ncap;
}

const char *errno_name(int err)
{
	return vmcl_errno_name(err);
}

int errno_from_name(const char *name)
{
	return vmcl_errno_from_name(name);
}
