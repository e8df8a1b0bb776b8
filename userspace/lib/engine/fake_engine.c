// SPDX-License-Identifier: GPL-2.0
/*
 * libvmcursor: the fake runs the real engine. This file is compiled like
 * the engine (native/engine.mk: the shim headers of native/include), and
 * hands the library a struct vmc_file of vmc_ioctl.c behind plain C types
 * (fake_engine.h): the same handlers as /dev/vmcursor, with this process's
 * memory as the "user" memory.
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pt.h"
#include "vmc_dev.h"
#include "native/arch_native.h"
#include "fake_engine.h"

struct vmcl_engine_file {
	struct vmc_file *vf;
	bool corrupt;		/* the root's count is one too high */
};

static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static int engine_err;

/* The pretended CPU, from the environment; false for a value we refuse. */
static bool engine_cpu(int *levels, enum vmc_native_cpu *cpu)
{
	static const char *const names[] = {
		[VMC_NATIVE_PAT] = "pat", [VMC_NATIVE_NOPAT] = "nopat",
		[VMC_NATIVE_SME] = "sme", [VMC_NATIVE_OLD] = "old",
	};
	const char *l = getenv("VMCURSOR_FAKE_LEVELS");
	const char *c = getenv("VMCURSOR_FAKE_CPU");
	unsigned int i;

	*levels = 4;
	*cpu = VMC_NATIVE_PAT;
	if (l && *l) {
		if (strcmp(l, "4") && strcmp(l, "5"))
			return false;
		*levels = *l - '0';
	}
	if (!c || !*c)
		return true;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(c, names[i])) {
			*cpu = i;
			return true;
		}
	}
	return false;
}

static void engine_setup(void)
{
	enum vmc_native_cpu cpu;
	const char *v = getenv("VMCURSOR_FAKE_VERBOSE");
	int levels;

	/* The kernel's log is no business of a tool's user, unless asked. */
	vmc_native_verbose = v && *v && strcmp(v, "0");
	vmc_native_quiet = !vmc_native_verbose;
	/*
	 * The fake answers as the device does to root, as in the guest tests:
	 * physical addresses (the page arena's, hidden by the tool unless
	 * --paddr) and the module-wide counters (this process's engine).
	 */
	vmc_native_admin = true;
	if (!engine_cpu(&levels, &cpu)) {
		engine_err = EINVAL;
		return;
	}
	vmc_native_set_cpu(levels, cpu);
	engine_err = -vmc_engine_init();
}

int vmcl__engine_init(void)
{
	pthread_once(&engine_once, engine_setup);
	return engine_err;
}

int vmcl__engine_open(uint64_t max_table_pages, uint64_t max_frame_pages,
		      bool readonly, struct vmcl_engine_file **out)
{
	struct vmcl_engine_file *f;
	int err = vmcl__engine_init();

	*out = NULL;
	if (err)
		return err;
	f = calloc(1, sizeof(*f));
	if (!f)
		return ENOMEM;
	f->vf = vmc_file_create(max_table_pages, max_frame_pages, readonly);
	if (IS_ERR(f->vf)) {
		err = -PTR_ERR(f->vf);
		free(f);
		return err;
	}
	*out = f;
	return 0;
}

void vmcl__engine_close(struct vmcl_engine_file *f)
{
	struct vmc_space *space = f->vf->space;

	if (f->corrupt)
		atomic_dec(&space->root->nr_children);
	/*
	 * Natively nothing runs deferred frees in the background: finish
	 * them, so that the space (which they hold) goes with the file.
	 */
	vmc_space_drain(space);
	vmc_file_destroy(f->vf);
	free(f);
}

int vmcl__engine_ioctl(struct vmcl_engine_file *f, unsigned long req,
		       void *arg)
{
#ifdef VMC_DEBUG
	int warnings = READ_ONCE(vmc_native_warnings);
#endif
	long ret;

	/* Requests are 32 bits, as the kernel's ioctl numbers. */
	if (req != (unsigned int)req)
		return ENOTTY;
	ret = vmc_file_ioctl(f->vf, (unsigned int)req, arg);

	/*
	 * In the kernel a worker frees detached subtrees soon after; here
	 * the caller does it before returning, so memory stays bounded and
	 * the counters are the same whenever they are read.
	 */
	vmc_space_drain(f->vf->space);
#ifdef VMC_DEBUG
	/* The test build: an engine contract broken is a test failure. */
	if (READ_ONCE(vmc_native_warnings) != warnings) {
		fprintf(stderr, "libvmcursor: fake: engine WARN in ioctl %#lx\n",
			req);
		abort();
	}
#endif
	return ret < 0 ? (int)-ret : 0;
}

void vmcl__engine_set_frame_cap(struct vmcl_engine_file *f, uint64_t pages)
{
	WRITE_ONCE(f->vf->space->max_frame_pages, (long)pages);
}

/*
 * One more child than the root has entries: the checker compares the two
 * (check.c), and nothing else trusts the root's count (the root is never
 * freed when it empties), so the space keeps working. Undone at close.
 */
void vmcl__engine_corrupt(struct vmcl_engine_file *f)
{
	if (f->corrupt)
		return;
	f->corrupt = true;
	atomic_inc(&f->vf->space->root->nr_children);
}
