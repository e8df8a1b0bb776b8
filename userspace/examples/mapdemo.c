// SPDX-License-Identifier: GPL-2.0
/*
 * mapdemo: libvmcursor in a few lines. Map a frame, write and read it
 * through the MMU, make it read-only, see a write fault, unmap it.
 *
 *   examples/mapdemo [DEVICE]     (default /dev/vmcursor; "fake" for the
 *                                  in-process fake)
 *
 * Copyright (C) 2026 The vmcursor authors
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmcursor.h"

#define VA	0x200000ull	/* where the page goes */

/* Print why @what failed, in the ABI's words, and say so. */
static int fail(unsigned int cmd, const char *what, int err)
{
	fprintf(stderr, "mapdemo: %s: %s (%s)\n", what,
		vmcl_strerror(cmd, err), vmcl_errno_name(err));
	return 1;
}

/* One op in a cursor over [VA, VA + 4 KiB): the batch error or the op's. */
static int one_op(struct vmcl *h, const struct vmc_op *op)
{
	struct vmc_op_result res;
	int err = vmcl_batch(h, VA, VA + 4096, 0, op, &res, 1, NULL);

	return err ? err : res.error;
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : NULL;
	char buf[6] = "";
	struct vmc_op op;
	struct vmcl *h;
	uint32_t frame;
	size_t done;
	int err;

	err = dev && !strcmp(dev, "fake") ? vmcl_open_fake(&h) :
	      vmcl_open(dev, &h);
	if (err) {
		fprintf(stderr, "mapdemo: cannot open %s: %s\n",
			dev ? dev : VMC_DEVICE_PATH, strerror(-err));
		return 1;
	}
	err = vmcl_frame_alloc(h, VMC_FRAME_4K, &frame, NULL);
	if (err)
		return fail(VMC_CMD_FRAME_ALLOC, "frame", err);
	/* map: the cursor starts at VA, one 4 KiB leaf, read-write. */
	err = one_op(h, vmcl_op_map(&op, frame, 0, 1, VMC_PROP_R | VMC_PROP_W));
	if (err)
		return fail(VMC_CMD_BATCH, "map", err);
	err = vmcl_write(h, VA, "hello", 5, &done);
	if (err)
		return fail(VMC_CMD_PROBE, "write", err);
	err = vmcl_read(h, VA, buf, 5, &done);
	if (err)
		return fail(VMC_CMD_PROBE, "read", err);
	printf("read back through the MMU: \"%s\"\n", buf);
	/* protect: take write away; a write must now fault. */
	err = one_op(h, vmcl_op_protect_next(&op, 4096, VMC_CHANGE_CLEAR,
					     VMC_PROP_W));
	if (err)
		return fail(VMC_CMD_BATCH, "protect_next", err);
	err = vmcl_write(h, VA, "x", 1, &done);
	printf("write to the read-only page: %s (%s)\n",
	       vmcl_strerror(VMC_CMD_PROBE, err), vmcl_errno_name(err));
	if (err != -EFAULT)
		return 1;
	/* unmap: reading faults too. */
	err = one_op(h, vmcl_op_unmap(&op, 4096));
	if (err)
		return fail(VMC_CMD_BATCH, "unmap", err);
	err = vmcl_read(h, VA, buf, 1, &done);
	printf("read after unmap: %s\n", vmcl_errno_name(err));
	if (err != -EFAULT)
		return 1;
	vmcl_close(h);	/* the frame goes with the space */
	printf("ok\n");
	return 0;
}
