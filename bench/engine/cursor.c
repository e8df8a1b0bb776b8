// SPDX-License-Identifier: GPL-2.0
/* The engine's cursor.c, compiled into this module from the same source. */
#include "../../cursor.c"
