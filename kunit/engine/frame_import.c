// SPDX-License-Identifier: GPL-2.0
/* The engine's frame_import.c, compiled into this module from the same source. */
#include "../../frame_import.c"
