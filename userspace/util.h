/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcursor tool: allocation helpers and errno names (libvmcursor's).
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMC_UTIL_H
#define VMC_UTIL_H

#include <stddef.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Allocation failures are not recoverable for a command-line tool: these
 * print "vmcursor: out of memory" and exit(1), so callers never see NULL.
 * xreallocarray() also refuses n * size overflows the same way.
 */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrndup(const char *s, size_t n);

/* Grow *v (of element size @size, capacity *cap) so that it holds @need. */
void grow_array(void **v, size_t *cap, size_t need, size_t size);

/* "EINVAL" for EINVAL, or NULL for a number that is not in the table. */
const char *errno_name(int err);
/* The errno for "EINVAL" (case-sensitive), or 0 if unknown. */
int errno_from_name(const char *name);

#endif /* VMC_UTIL_H */
