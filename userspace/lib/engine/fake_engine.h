/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmcursor: the fake's link to the real engine, compiled natively
 * (fake_engine.c, with the shim headers of native/include). Plain C types
 * only: this header is included from both sides of that boundary, and
 * the kernel's types and macros must not leak into the library.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#ifndef VMCL_FAKE_ENGINE_H
#define VMCL_FAKE_ENGINE_H

#include <stdint.h>

/* One open "device": a struct vmc_file of vmc_ioctl.c. */
struct vmcl_engine_file;

/*
 * Set the engine up, once per process (later calls return the first
 * answer): the pretended CPU comes from VMCURSOR_FAKE_LEVELS (4 or 5,
 * default 4) and VMCURSOR_FAKE_CPU (pat, nopat, sme or old; default pat:
 * Linux's PAT layout, NX, 1 GiB pages). VMCURSOR_FAKE_VERBOSE=1 lets the
 * engine's log reach stderr. 0 or a positive errno (EINVAL: a bad value).
 */
int vmcl__engine_init(void);
/*
 * A new space with these caps, as if opened O_RDONLY when @readonly:
 * 0 and *out, or a positive errno.
 */
int vmcl__engine_open(uint64_t max_table_pages, uint64_t max_frame_pages,
		      bool readonly, struct vmcl_engine_file **out);
/* Tear it down; every frame and table page is freed. */
void vmcl__engine_close(struct vmcl_engine_file *f);
/* vmc_file_ioctl(): 0 or a positive errno, as ioctl(2) would give. */
int vmcl__engine_ioctl(struct vmcl_engine_file *f, unsigned long req,
		       void *arg);
/* The space's frame cap, in 4 KiB pages. */
void vmcl__engine_set_frame_cap(struct vmcl_engine_file *f, uint64_t pages);
/* Break an invariant of the real tree, so that the checker reports it. */
void vmcl__engine_corrupt(struct vmcl_engine_file *f);

#endif /* VMCL_FAKE_ENGINE_H */
