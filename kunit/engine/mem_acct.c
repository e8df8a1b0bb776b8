// SPDX-License-Identifier: GPL-2.0
/* The engine's mem_acct.c, compiled into this module from the same source. */
#include "../../mem_acct.c"
