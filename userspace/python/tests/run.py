#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run the Python bindings' tests, KTAP on stdout.

  run.py                 against the in-process fake (make -C userspace check)
  run.py --device PATH   the tests marked @device, against the module
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the vmcursor package
sys.path.insert(0, HERE)

import ktap  # noqa: E402
import test_abi2  # noqa: E402
import test_session  # noqa: E402
import vmcursor  # noqa: E402


def main():
    args = sys.argv[1:]
    dev = None
    if args[:1] == ['--device'] and len(args) == 2:
        dev = args[1]
    elif args:
        print(__doc__, file=sys.stderr)
        return 2

    def open_space(**kw):
        return vmcursor.Session(device=dev, **kw) if dev else \
            vmcursor.Session(fake=True, **kw)
    return ktap.run([test_session, test_abi2], open_space,
                    on_device=dev is not None)


if __name__ == '__main__':
    sys.exit(main())
