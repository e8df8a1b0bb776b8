// SPDX-License-Identifier: GPL-2.0
/* The engine's arch_x86.c, compiled into this module from the same source. */
#include "../../arch_x86.c"
