# SPDX-License-Identifier: GPL-2.0
"""The exception of the bindings: an OSError with the ABI's sentence."""
import errno as _errno
import os

from . import _lib


class VmcursorError(OSError):
    """A command (or one op of a batch) failed.

    errno: the errno (positive); strerror: the sentence ioctl.h documents
    for it and this command (libvmcursor's vmcl_strerror); name: "EINVAL";
    cmd: the VMC_CMD_* number; op: the op code for a batch op, else None;
    index: the op's position in its batch; done: bytes transferred before a
    probe fault; limit: with ENOMEM, the enum vmc_limit the kernel named
    (LIMIT_MEMLOCK, ...), else None; limit_name: "RLIMIT_MEMLOCK", ...
    """

    def __init__(self, err, cmd, op=None, index=None, done=None,
                 limit=None):
        lib = _lib.lib()
        err = abs(err)
        if op is None:
            text = lib.vmcl_strerror(cmd, err).decode()
        else:
            text = lib.vmcl_op_strerror(op, err).decode()
        super().__init__(err, text)
        name = lib.vmcl_errno_name(err)
        self.name = name.decode() if name else _errno.errorcode.get(err, str(err))
        self.cmd = cmd
        self.op = op
        self.index = index
        self.done = done
        # out_limit means something with ENOMEM only, and NONE is no name.
        self.limit = limit if err == _errno.ENOMEM and limit else None
        self.limit_name = limit_name(self.limit) if self.limit else None

    def __str__(self):
        cmd = _lib.lib().vmcl_cmd_name(self.cmd)
        where = cmd.decode() if cmd else 'command %d' % self.cmd
        if self.index is not None:
            where += ' op %d' % self.index
        text = '%s: %s (%s; %s)' % (where, self.strerror, self.name,
                                    os.strerror(self.errno))
        if self.limit:
            text += '; limit: %s, %s' % (self.limit_name,
                                         limit_text(self.limit))
        return text


def limit_name(limit):
    """"RLIMIT_MEMLOCK", "max_frame_pages", ... for an enum vmc_limit."""
    name = _lib.lib().vmcl_limit_name(limit)
    return name.decode() if name else None


def limit_text(limit):
    """The sentence ioctl.h documents for an enum vmc_limit value."""
    text = _lib.lib().vmcl_limit_text(limit)
    return text.decode() if text else None


def check(ret, cmd, limit=None):
    """Raise VmcursorError for a negative return value of the library."""
    if ret < 0:
        raise VmcursorError(-ret, cmd, limit=limit)
    return ret
