#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmcursor-abuse's threads case: ten threads share one fd for 3 s
# (disjoint and overlapping batches, frame churn against maps of the same
# handle, probe reads against unmaps, the checker and dump alongside, each
# check required to be clean), then the checker must find nothing wrong.
#
# kernels: stock test
set -u

command -v vmcursor-abuse >/dev/null ||
	{ echo "vmcursor-abuse is not in the guest (make -C userspace builds it)"; exit 1; }
exec vmcursor-abuse --filter threads_sharing_one_fd --seconds 3 --concurrent-check
