// SPDX-License-Identifier: GPL-2.0
/* The one place axvm's tracepoints (module/trace.h) are defined. */
#define CREATE_TRACE_POINTS
#include "trace.h"
