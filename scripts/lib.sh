# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the vmcursor build and test scripts. Sourced, not run.
# Everything that names a kernel, a cache directory or a build directory is
# derived here, so the scripts cannot disagree about paths.

VMC_ROOT=$(cd "$(dirname "$0")/.." && pwd)
VMC_BUILD=$VMC_ROOT/build
VMC_CACHE=${VMCURSOR_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/vmcursor}

# Bump when the way the test kernel is built changes (not the fragments:
# their content is hashed into the cache key already).
TESTKERNEL_RECIPE=1

VMC_PROG=$(basename "$0")

die() {
	printf '%s: error: %s\n' "$VMC_PROG" "$*" >&2
	exit 1
}

info() {
	printf '%s: %s\n' "$VMC_PROG" "$*" >&2
}

# Install missing packages. Cheap when nothing is missing (dpkg queries only).
ensure_deps() {
	[ -n "${VMC_DEPS_CHECKED:-}" ] && return 0
	"$VMC_ROOT/scripts/install-deps" || die "scripts/install-deps failed"
	VMC_DEPS_CHECKED=1
	export VMC_DEPS_CHECKED
}

# Release string of Debian's stock kernel, e.g. 6.1.0-56-amd64: the image the
# linux-image-amd64 metapackage points at, so it follows Debian updates; or,
# with only the headers installed (enough for make), the headers'
# metapackage's.
stock_krel() {
	_dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null) ||
		_dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) ||
		die "linux-image-amd64 is not installed (run scripts/install-deps)"
	_rel=$(printf '%s\n' "$_dep" | tr ',|' '\n\n' |
		sed -n 's/^ *linux-\(image\|headers\)-\([0-9][^ ]*\).*/\2/p' | head -n 1)
	[ -n "$_rel" ] || die "cannot derive the stock kernel release from: $_dep"
	printf '%s\n' "$_rel"
}

stock_kdir() {
	_d=/usr/src/linux-headers-$(stock_krel)
	[ -f "$_d/Makefile" ] || die "no kernel headers in $_d (run scripts/install-deps)"
	printf '%s\n' "$_d"
}

stock_image() {
	_i=/boot/vmlinuz-$(stock_krel)
	[ -r "$_i" ] || die "cannot read $_i (installed? readable by $(id -un)?)"
	printf '%s\n' "$_i"
}

src_version() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
		die "linux-source-6.1 is not installed (run scripts/install-deps)"
}

src_dir() {
	printf '%s\n' "$VMC_CACHE/src/$(src_version)/linux-source-6.1"
}

# Extract linux-source-6.1 once per package version. The marker is written
# last, so an interrupted extraction is redone rather than trusted.
ensure_src() {
	_s=$(src_dir)
	if [ ! -f "$_s/.vmcursor-extracted" ]; then
		_tar=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null) ||
			die "/usr/src/linux-source-6.1.tar.xz missing (run scripts/install-deps)"
		info "extracting $_tar (about 30 s, once per source version)"
		rm -rf "$_s" "$_s.tmp"
		mkdir -p "$_s.tmp"
		tar -xJf "$_tar" -C "$_s.tmp" --strip-components=1
		mv "$_s.tmp" "$_s"
		touch "$_s/.vmcursor-extracted"
	fi
	printf '%s\n' "$_s"
}

# Test kernel variants. "debug" (the default) has KASAN, KFENCE, kmemleak,
# UBSAN and lockdep and runs under QEMU; "bochs" is lean (lockdep, PTI, LZ4)
# and runs under Bochs at ~50 M instructions/s. Each variant is
# tinyconfig + base.config + its own fragment. VARIANT arguments below
# default to debug.
test_kernel_fragments() {
	case ${1:-debug} in
	debug) printf '%s\n' "$VMC_ROOT/scripts/kconfig/base.config" "$VMC_ROOT/scripts/kconfig/debug.config" ;;
	bochs) printf '%s\n' "$VMC_ROOT/scripts/kconfig/base.config" "$VMC_ROOT/scripts/kconfig/bochs.config" ;;
	*) die "unknown test kernel variant '$1' (debug or bochs)" ;;
	esac
}

# Cache key of a test kernel variant: source version, fragment contents,
# recipe version and compiler, so changing any of them builds a new kernel
# beside the old one instead of trusting a stale build. (The debug key is
# computed exactly as before variants existed, so its cache stays valid.)
test_kernel_key() {
	_frags=$(test_kernel_fragments "${1:-debug}") || exit 1
	{
		src_version
		echo
		echo "recipe $TESTKERNEL_RECIPE"
		${CC:-gcc} --version | head -n 1
		printf '%s\n' "$_frags" | while IFS= read -r _f; do cat "$_f"; done
	} | sha256sum | cut -c1-16
}

# kernel/<version>-<key> for debug, kernel/<version>-bochs-<key> for bochs:
# the variant is in the name, so two variants never share a directory.
test_kernel_dir() {
	test_kernel_fragments "${1:-debug}" >/dev/null
	case ${1:-debug} in
	debug) printf '%s\n' "$VMC_CACHE/kernel/$(src_version)-$(test_kernel_key debug)" ;;
	*) printf '%s\n' "$VMC_CACHE/kernel/$(src_version)-$1-$(test_kernel_key "$1")" ;;
	esac
}

test_kernel_ready() {
	[ -f "$(test_kernel_dir "${1:-debug}")/.vmcursor-complete" ]
}

# Expected KUnit suites, straight from the sources so the list cannot drift:
# the `.name = "vmcursor_..."` of every `struct kunit_suite` in kunit/*.c.
expected_suites() {
	for _f in "$VMC_ROOT"/kunit/*.c; do
		[ -f "$_f" ] || continue
		awk '/struct[ \t]+kunit_suite[ \t]+[A-Za-z0-9_]+[ \t]*=/ { in_suite = 1 }
		     in_suite && match($0, /\.name[ \t]*=[ \t]*"vmcursor_[A-Za-z0-9_]*"/) {
			s = substr($0, RSTART, RLENGTH); sub(/^[^"]*"/, "", s); sub(/"$/, "", s); print s
		     }
		     in_suite && /^[ \t]*};/ { in_suite = 0 }' "$_f"
	done | sort -u
}
