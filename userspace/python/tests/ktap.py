# SPDX-License-Identifier: GPL-2.0
"""A tiny KTAP runner for the bindings' tests (host and guest).

Test functions are named test_*; each gets a function that opens a fresh
Session. A test decorated with @device also runs against the module (in
the guest); the others need the fake's knobs or its exact figures.
"""
import sys
import traceback


class Skip(Exception):
    """Raised by a test that cannot run here: "ok N name # SKIP reason"."""


def device(fn):
    """Mark a test as meaningful on the real device too."""
    fn.device = True
    return fn


def run(modules, open_space, on_device):
    tests = []
    for mod in modules:
        for name in sorted(n for n in dir(mod) if n.startswith('test_')):
            fn = getattr(mod, name)
            if on_device and not getattr(fn, 'device', False):
                continue
            tests.append(('python.' + name[5:], fn))
    print('KTAP version 1')
    print('1..%d' % len(tests))
    failed = 0
    for i, (name, fn) in enumerate(tests, 1):
        try:
            fn(open_space)
        except Skip as e:
            print('ok %d %s # SKIP %s' % (i, name, e))
            sys.stdout.flush()
            continue
        except Exception:  # noqa: BLE001 - any failure fails the case only
            failed += 1
            for line in traceback.format_exc().rstrip().split('\n'):
                print('# ' + line)
            print('not ok %d %s' % (i, name))
        else:
            print('ok %d %s' % (i, name))
        sys.stdout.flush()
    print('# %d passed, %d failed, %d total' % (len(tests) - failed, failed,
                                                 len(tests)))
    return 1 if failed else 0
