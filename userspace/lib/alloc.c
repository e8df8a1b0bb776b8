// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: allocation helpers of the fake.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static void out_of_memory(void)
{
	fputs("libvmcursor: fake: out of memory\n", stderr);
	abort();
}

void *vmcl__xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void vmcl__grow_array(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 8;
	void *p;

	if (need <= *cap)
		return;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			out_of_memory();
		ncap *= 2;
	}
	if (size && ncap > SIZE_MAX / size)
		out_of_memory();
	p = realloc(*v, ncap * size);
	if (!p)
		out_of_memory();
	*v = p;
	*cap = ncap;
}
