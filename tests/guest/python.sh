#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Python bindings (userspace/python) against the module: the tests of
# python/tests marked @device, by the host's python3 as bundled by
# scripts/python-bundle (interpreter, its libraries, the few stdlib modules,
# the bindings and libvmcursor.so), which arrives as /python-bundle. Only
# scripts/check's Python boot adds the bundle; "kernels: python" keeps this
# test out of the default boots.
#
# kernels: python
set -u
b=/python-bundle
[ -x "$b/run" ] || { echo "no Python in this guest (scripts/check adds scripts/python-bundle's output)"; exit 4; }
[ -c /dev/vmcursor ] || { echo "FAIL: /dev/vmcursor is missing"; exit 1; }
"$b/run" -c 'import sys; print("python", sys.version.split()[0])' || exit 1
"$b/run" "$b/app/tests/run.py" --device /dev/vmcursor
