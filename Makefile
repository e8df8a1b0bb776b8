# SPDX-License-Identifier: GPL-2.0
#
# Entry points for people and CI. The module itself is described by Kbuild,
# which kbuild reads instead of this file, so `make -C $KDIR M=$PWD` works
# too (but leaves objects in the source tree; these targets build in build/).

# The running kernel's build directory if it has one, else Debian's stock
# headers (decided in scripts/build-module).
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; [ -d $$d ] && echo $$d)

# `make` (module, tool) and `make install` never install packages and never
# need the network: missing headers or a missing static libc stop them with
# the package to install. Only the test targets (run, check, kunit, style,
# bench, test-kernel) and `make deps` run scripts/install-deps.

# make install: DESTDIR (staging root), PREFIX and the directories below.
# The module goes to $(DESTDIR)/lib/modules/<release>/extra (modules_install).
VMC_VERSION := $(shell cat VERSION)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DATADIR ?= $(PREFIX)/share/vmcursor
DKMS_SRCDIR ?= /usr/src/vmcursor-$(VMC_VERSION)
# What install copies, by destination; extend these lists for new files.
# The library's files are installed when they exist (built by make -C
# userspace); evaluated when the recipe runs, after the build.
INSTALL_BIN = userspace/vmcursor
INSTALL_INCLUDE = ioctl.h $(wildcard userspace/lib/vmcursor.h)
INSTALL_LIB = $(wildcard userspace/lib/libvmcursor.a userspace/lib/libvmcursor.so*)
KDIR_ARG = $(if $(KDIR),--kdir $(KDIR),--kernel stock)

.PHONY: all deps module tool run check check-native check-bochs kunit style test-kernel bench soak clean \
	clean-cache help install uninstall install-dkms fuzz bench-native

all: module tool

help:
	@echo "make            build vmcursor.ko (for KDIR=$(or $(KDIR),stock headers)) and the tool"
	@echo "make run        build, boot the stock kernel in QEMU, load the module, run the demo"
	@echo "make check      run every test; ends with 'N passed, N failed[, N skipped]'"
	@echo "make check-native  the engine natively: KUnit, sanitizers, 10^7-op model diff, coverage"
	@echo "make check-bochs  only the Bochs tier: PCID, INVPCID and PTI paths (~5-10 min)"
	@echo "make fuzz       libFuzzer against the model for FUZZ_SECONDS (default 60);"
	@echo "                inputs that add coverage join native/fuzz/corpus"
	@echo "make bench-native  map/protect/unmap in ns per page on this CPU, natively"
	@echo "make soak       the ioctl fuzzer on the debug kernel for DURATION (default 1h; 30m, 2h)"
	@echo "                or IOCTLS ioctls, in boots of at most 15 min (scripts/soak --help)"
	@echo "make kunit      KUnit suites on the test kernel, 5- and 4-level (SUITE=name to filter)"
	@echo "make style      checkpatch, sparse and kernel-doc gates"
	@echo "make bench      boot the stock kernel and print vmcursor bench (BENCH_ARGS=--quick)"
	@echo "make test-kernel  build the KUnit/debug test kernel (cached in ~/.cache/vmcursor;"
	@echo "                  VARIANT=bochs: the lean PTI kernel for Bochs)"
	@echo "make clean      remove build outputs (not the cached test kernel: clean-cache)"
	@echo "make install    module (for KDIR), tool, headers, library, vmcursor.pc, udev rule"
	@echo "                (DESTDIR=, PREFIX=$(PREFIX)); make uninstall removes them"
	@echo "make install-dkms  the module's sources for DKMS in $(DKMS_SRCDIR)"
	@echo "make deps       install the Debian 12 packages of run/check (make alone never does)"

deps:
	@scripts/install-deps

module:
	@scripts/build-module $(KDIR_ARG) >/dev/null

tool:
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace || scripts/hint-tool; \
	else echo "make: userspace/Makefile does not exist yet, no tool to build"; fi

run: deps
	@scripts/run-demo

check: deps
	@scripts/check

check-native: deps
	@scripts/check-native $(if $(OPS),--ops $(OPS))

check-bochs: deps
	@scripts/check-bochs

fuzz: deps
	@$(MAKE) -s -C native fuzz $(if $(FUZZ_SECONDS),FUZZ_SECONDS=$(FUZZ_SECONDS))

bench-native:
	@$(MAKE) -s -C native bench-native $(if $(BENCH_ARGS),BENCH_ARGS='$(BENCH_ARGS)')

kunit: deps
	@scripts/kunit $(if $(SUITE),--suite $(SUITE))

style: deps
	@scripts/style

test-kernel: deps
	@scripts/build-test-kernel $(if $(VARIANT),--variant $(VARIANT)) >/dev/null

bench: deps
	@scripts/bench $(BENCH_ARGS)

soak: deps
	@scripts/soak $(if $(DURATION),--duration $(DURATION)) $(if $(IOCTLS),--ioctls $(IOCTLS)) $(SOAK_ARGS)

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

# The udev rule goes to $(DATADIR), not to a rules.d: it grants a group the
# right to pin memory, so enabling it is a decision (README, "udev").
install: tool
	@DESTDIR="$(DESTDIR)" scripts/build-module --install $(KDIR_ARG) >/dev/null
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(INCLUDEDIR)/vmcursor \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(DATADIR)
	install -m 0755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(INSTALL_INCLUDE) $(DESTDIR)$(INCLUDEDIR)/vmcursor/
	$(if $(INSTALL_LIB),install -d $(DESTDIR)$(LIBDIR) && cp -P $(INSTALL_LIB) $(DESTDIR)$(LIBDIR)/)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VMC_VERSION)|' \
		packaging/vmcursor.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/vmcursor.pc
	install -m 0644 packaging/udev/60-vmcursor.rules $(DESTDIR)$(DATADIR)/
	@if [ -z "$(DESTDIR)" ] && [ -n "$(filter %.so,$(INSTALL_LIB))" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

uninstall:
	@DESTDIR="$(DESTDIR)" scripts/build-module --uninstall $(KDIR_ARG)
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(INSTALL_BIN))) \
		$(addprefix $(DESTDIR)$(INCLUDEDIR)/vmcursor/,$(notdir $(INSTALL_INCLUDE)) vmcursor.h) \
		$(DESTDIR)$(LIBDIR)/libvmcursor.a $(DESTDIR)$(LIBDIR)/libvmcursor.so* \
		$(DESTDIR)$(PKGCONFIGDIR)/vmcursor.pc $(DESTDIR)$(DATADIR)/60-vmcursor.rules
	@rmdir $(DESTDIR)$(INCLUDEDIR)/vmcursor $(DESTDIR)$(DATADIR) 2>/dev/null || true

# The module's sources (those build-module copies) and dkms.conf, as DKMS
# expects them; then `dkms install vmcursor/$(VMC_VERSION)`.
install-dkms:
	install -d $(DESTDIR)$(DKMS_SRCDIR)
	scripts/build-module --list-sources | tar -cf - --no-recursion -T - | \
		tar -xf - --no-same-owner -C $(DESTDIR)$(DKMS_SRCDIR)
	install -m 0644 dkms.conf $(DESTDIR)$(DKMS_SRCDIR)/
