// SPDX-License-Identifier: GPL-2.0
/* The engine's check.c, compiled into this module from the same source. */
#include "../../check.c"
