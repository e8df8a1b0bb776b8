# SPDX-License-Identifier: GPL-2.0
#
# Entry points for people and CI. The module itself is described by Kbuild,
# which kbuild reads instead of this file, so `make -C $KDIR M=$PWD` works
# too (but leaves objects in the source tree; these targets build in build/).

# The running kernel's build directory if it has one, else Debian's stock
# headers (decided in scripts/build-module).
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; [ -d $$d ] && echo $$d)

.PHONY: all deps module tool run check check-bochs kunit style test-kernel bench clean clean-cache help

all: module tool

help:
	@echo "make            build vmcursor.ko (for KDIR=$(or $(KDIR),stock headers)) and the tool"
	@echo "make run        build, boot the stock kernel in QEMU, load the module, run the demo"
	@echo "make check      run every test; ends with 'N passed, N failed[, N skipped]'"
	@echo "make check-bochs  only the Bochs tier: PCID, INVPCID and PTI paths (~5-10 min)"
	@echo "make kunit      KUnit suites on the test kernel, 5- and 4-level (SUITE=name to filter)"
	@echo "make style      checkpatch, sparse and kernel-doc gates"
	@echo "make bench      boot the stock kernel and print vmcursor bench (BENCH_ARGS=--quick)"
	@echo "make test-kernel  build the KUnit/debug test kernel (cached in ~/.cache/vmcursor;"
	@echo "                  VARIANT=bochs: the lean PTI kernel for Bochs)"
	@echo "make clean      remove build outputs (not the cached test kernel: clean-cache)"

deps:
	@scripts/install-deps

module: deps
	@scripts/build-module $(if $(KDIR),--kdir $(KDIR),--kernel stock) >/dev/null

tool: deps
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace; \
	else echo "make: userspace/Makefile does not exist yet, no tool to build"; fi

run: deps
	@scripts/run-demo

check: deps
	@scripts/check

check-bochs: deps
	@scripts/check-bochs

kunit: deps
	@scripts/kunit $(if $(SUITE),--suite $(SUITE))

style: deps
	@scripts/style

test-kernel: deps
	@scripts/build-test-kernel $(if $(VARIANT),--variant $(VARIANT)) >/dev/null

bench: deps
	@scripts/bench $(BENCH_ARGS)

# Also removes what a direct `make -C $KDIR M=$PWD` leaves in the tree.
clean:
	rm -rf build
	find . \( -path ./build -o -path ./.git -o -path ./userspace \) -prune -o -type f \
		\( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.d' -o -name modules.order \
		-o -name Module.symvers \) -print | xargs -r rm -f
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace clean; fi

clean-cache:
	rm -rf $${VMCURSOR_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/vmcursor}/kernel
