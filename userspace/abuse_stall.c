// SPDX-License-Identifier: GPL-2.0
#include "abuse.h"

void abuse_stall_cases(void)
{
}
