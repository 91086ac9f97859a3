/* User-facing time expressions for --since/--until. */
#pragma once

#include <stdint.h>

/* Parse "2026-11-22", "2026-11-22T02:24:41", "2026-11-22 02:24:41+01:00",
 * "today", "yesterday", "now", "-2h", "-30m", "2 hours ago", "3 days ago",
 * "@1763778281" into microseconds since the epoch (local time unless an offset
 * is given). now_us is "now". Returns 0 or -EINVAL. */
int parse_timespec(const char *s, int64_t now_us, int64_t *ret_us);
