#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The fake is the engine: each example script (userspace/examples/*.vmc)
# gives on the module, as --json lines and exit status, what it gave on
# the host with --fake at the same paging depth. userspace/Makefile
# writes the host's answers (examples/fake/NAME.LEVELS.json and .status,
# VMCURSOR_FAKE_LEVELS=4 and 5) and scripts/vmrun ships them with the
# scripts to /examples. Left out of the comparison: the counters the
# machine decides, not the engine: the TLB flush primitives (invlpg,
# full_flushes, invpcid, ipis: PCID, INVPCID and what other CPUs have
# loaded) and deferred_frees (the kernel's worker runs on its own
# schedule; the fake finishes them before each call returns), and the
# stats maxima (times). Physical addresses are not printed without --paddr
# on either side. The fake cannot pin this process's pages, so a script
# with 'import' is compared up to its first import, and from there it must
# run clean on the module (exit status 0).
#
# kernels: stock test
set -u
. "$(dirname "$0")/../lib/vmc.sh"

levels=$(vmcursor info | sed -n 's/^paging levels: *//p')
case $levels in 4 | 5) ;; *) echo "cannot read the paging levels from vmcursor info"; exit 1 ;; esac
ls /examples/*.vmc >/dev/null 2>&1 ||
	{ echo "no /examples/*.vmc in the guest (scripts/vmrun ships them)"; exit 1; }

# The JSON lines without the machine's counters.
normalize() {
	sed -e 's/"invlpg": [0-9]*, //' -e 's/"full_flushes": [0-9]*, //' \
		-e 's/"invpcid": [0-9]*, //' -e 's/"ipis": [0-9]*, //' \
		-e 's/"deferred_frees": [0-9]*, //' -e 's/, "maxima": {[^}]*}//' "$1"
}

# The JSON lines of statements before line $2 (all if $2 is empty).
before_line() {
	if [ -z "$2" ]; then
		cat
	else
		awk -v l="$2" 'match($0, /^\{"line": [0-9]+/) {
			if (substr($0, 10, RLENGTH - 9) + 0 >= l) next } { print }' |
			grep -v '"kind": "summary"'
	fi
}

n=0
for script in /examples/*.vmc; do
	name=$(basename "$script" .vmc)
	want=/examples/fake/$name.$levels.json
	if [ ! -f "$want" ] || [ ! -f "/examples/fake/$name.$levels.status" ]; then
		fail "$name: no fake answer $want (make -C userspace writes it)"
		continue
	fi
	rc=0
	# From /, so the summary names the script as the host run did.
	(cd / && vmcursor --json run "examples/$name.vmc") >"$T/$name.json" \
		2>"$T/$name.err" || rc=$?
	imp=$(grep -n '^[[:space:]]*import[[:space:]]' "$script" | head -n 1 | cut -d: -f1)
	if [ -n "$imp" ]; then
		eq "$name: exit status on the module (imports from line $imp on: device only)" "$rc" 0
		what="JSON lines before its first import (line $imp)"
	else
		eq "$name: exit status on the module vs. the fake" "$rc" \
			"$(cat "/examples/fake/$name.$levels.status")"
		what="JSON lines"
	fi
	normalize "$want" | before_line "" "$imp" >"$T/$name.want"
	normalize "$T/$name.json" | before_line "" "$imp" >"$T/$name.got"
	if [ ! -s "$T/$name.got" ]; then
		fail "$name: no output on the module; stderr:"
		sed 's/^/    /' "$T/$name.err"
	elif diff -u "$T/$name.want" "$T/$name.got" >"$T/$name.diff"; then
		pass "$name: $(wc -l <"$T/$name.got") $what as on the fake ($levels-level)"
	else
		fail "$name: the module and the fake differ (- fake, + module):"
		sed 's/^/    /' "$T/$name.diff"
	fi
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no example compared"
finish
