#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The module registered its misc device, readable and writable by root only.
#
# kernels: stock test
set -eu

[ -c /dev/vmcursor ] || { echo "/dev/vmcursor is missing or not a character device"; exit 1; }
mode=$(stat -c %a /dev/vmcursor)
[ "$mode" = 600 ] || { echo "/dev/vmcursor has mode $mode, expected 600"; exit 1; }
grep -q '^vmcursor ' /proc/modules || { echo "vmcursor is not in /proc/modules"; exit 1; }
echo "ok: /dev/vmcursor is a character device with mode 0600"
