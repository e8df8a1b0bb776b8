// SPDX-License-Identifier: GPL-2.0
/* The engine's range_lock.c, compiled into this module from the same source. */
#include "../../range_lock.c"
