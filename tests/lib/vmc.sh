# SPDX-License-Identifier: GPL-2.0
#
# Helpers for tests/guest/*.sh, sourced by busybox sh in the guest:
#   . "$(dirname "$0")/../lib/vmc.sh"
# Each check prints "ok: ..." or "FAIL: ..."; finish exits 1 if any failed.
# Scripts and outputs live in $T (a fresh directory per test), so error
# messages name the script as NAME.vmc.

T=/tmp/$(basename "$0" .sh).d
rm -rf "$T"
mkdir -p "$T"
nfail=0
rc=0

fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}

pass() {
	echo "ok: $*"
}

# vmc NAME [TOOL-OPTION]...: run the script on stdin as $T/NAME.vmc; stdout
# to $T/NAME.out, stderr to $T/NAME.err, exit status in $rc.
vmc() {
	_n=$1
	shift
	cat >"$T/$_n.vmc"
	rc=0
	(cd "$T" && vmcursor "$@" run "$_n.vmc") >"$T/$_n.out" 2>"$T/$_n.err" || rc=$?
}

# expect_rc NAME STATUS: the last vmc run exited with STATUS.
expect_rc() {
	if [ "$rc" = "$2" ]; then
		pass "$1: exit status $2"
	else
		fail "$1: exit status $rc, expected $2; stderr:"
		sed 's/^/    /' "$T/$1.err"
	fi
}

# same NAME SUFFIX: $T/NAME.SUFFIX equals stdin, exactly.
same() {
	cat >"$T/$1.$2.want"
	if diff -u "$T/$1.$2.want" "$T/$1.$2" >"$T/$1.$2.diff"; then
		pass "$1: $2 as expected"
	else
		fail "$1: $2 differs from the expected text (- expected, + got):"
		sed 's/^/    /' "$T/$1.$2.diff"
	fi
}

# has NAME SUFFIX TEXT: $T/NAME.SUFFIX contains the line TEXT, exactly.
has() {
	if grep -qxF -- "$3" "$T/$1.$2"; then
		pass "$1: $2 has '$3'"
	else
		fail "$1: $2 lacks the line '$3'; it is:"
		sed 's/^/    /' "$T/$1.$2"
	fi
}

# eq WHAT GOT WANT
eq() {
	if [ "$2" = "$3" ]; then
		pass "$1 = $3"
	else
		fail "$1: got '$2', expected '$3'"
	fi
}

# va_end of a fresh space, from 'vmcursor --json info'.
info_va_end() {
	vmcursor --json info | sed -n 's/.*"va_end": "\(0x[0-9a-f]*\)".*/\1/p'
}

finish() {
	if [ "$nfail" -gt 0 ]; then
		echo "$nfail check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
