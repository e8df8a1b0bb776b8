#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmcursor-abuse's random case: a fixed seed, 3000 random structurally
# valid and invalid ioctls; every errno must be in the documented set for
# its command and the checker stays clean. Another seed reproduces with
# vmcursor-abuse --filter random --seed N.
#
# kernels: stock test
set -u

command -v vmcursor-abuse >/dev/null ||
	{ echo "vmcursor-abuse is not in the guest (make -C userspace builds it)"; exit 1; }
exec vmcursor-abuse --filter random --seed 0x5eedc0de --iterations 3000
