#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmcursor-abuse's fuzz case (userspace/abuse_fuzz.c): worker processes
# and threads on shared descriptors (inherited, dup()ed, passed with
# SCM_RIGHTS where the kernel has AF_UNIX, forked children), hostile and
# valid requests of every command and op, for a time budget. Every errno
# must be documented for its command or op, CHECK stays clean, a failing
# request on a single-owner space changes nothing, and after the run the
# module-wide frames, table pages and pinned pages are back where they
# were. Prints ioctls/s and the totals.
#
# The budget is VMC_FUZZ_SECONDS (default 180, scripts/check sets it);
# another seed reproduces with VMC_FUZZ_SEED.
#
# kernels: fuzz
# timeout: 1200
set -u

command -v vmcursor-abuse >/dev/null ||
	{ echo "vmcursor-abuse is not in the guest (make -C userspace builds it)"; exit 1; }
secs=${VMC_FUZZ_SECONDS:-180}
seed=${VMC_FUZZ_SEED:-0x5eedc0de}
exec vmcursor-abuse --filter fuzz --fuzz-seconds "$secs" --seed "$seed"
