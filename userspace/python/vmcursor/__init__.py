# SPDX-License-Identifier: GPL-2.0
"""Python bindings of libvmcursor (ctypes; no compiled extension).

    import vmcursor
    with vmcursor.Session(fake=True) as s:       # or Session() for the device
        f = s.frame()
        with s.cursor(0, 4 << 20) as c:
            c.map(f, 'rw')
        s.write(0, b'hello')
        assert s.read(0, 5) == b'hello'

Errors raise VmcursorError (an OSError) carrying the errno and the
sentence ioctl.h documents for it, and for ENOMEM the limit the kernel
named (limit, limit_name).
"""
from ._uapi import *  # noqa: F401,F403  (constants: PROP_R, CMD_BATCH, ...)
from .errors import VmcursorError, limit_name, limit_text
from .props import prop, prop_text, change, level, cache
from .session import Cursor, OpResult, Session, UserMemory

__all__ = ['Session', 'Cursor', 'OpResult', 'UserMemory', 'VmcursorError',
           'prop', 'prop_text', 'change', 'level', 'cache', 'limit_name',
           'limit_text']
