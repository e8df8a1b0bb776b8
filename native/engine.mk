# SPDX-License-Identifier: GPL-2.0
#
# The engine as native userspace C, for every makefile that builds it:
# native/Makefile (tests, fuzzing, benchmarks) and userspace/Makefile (the
# fake: the tool's in-process transport). One list, so they cannot drift.
# Paths are relative to the repository root; each includer prefixes its
# own way there.

VMC_ENGINE_SRCS := pte_x86.c space.c pt_walk.c range_lock.c frame_import.c \
	mem_acct.c frame_meta.c cursor.c tlb_flush.c check.c probe.c \
	native/arch_native.c native/os.c native/xarray.c
VMC_IOCTL_SRCS := vmc_ioctl.c vmc_batch.c
# The shim headers stand in for the kernel's; VMC_NATIVE selects the
# native arch layer; VMC_NO_TRACE drops the trace events (no tracefs). Tests add -DVMC_TESTING (hooks) and -DVMC_DEBUG
# (executable contracts); the tool's release build adds neither.
VMC_ENGINE_CPPFLAGS = -I$(1)/native/include -I$(1) -DVMC_NATIVE -DVMC_NO_TRACE
# Kernel code keeps the kernel's idioms: not userspace's warning set.
VMC_ENGINE_WARN := -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
	-Wno-missing-field-initializers -Werror
