// SPDX-License-Identifier: GPL-2.0
/* The engine's pte_x86.c, compiled into this module from the same source. */
#include "../../pte_x86.c"
