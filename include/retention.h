/* Retention: the duration syntax of `prune --older-than` (and of a later
 * `follow --keep`), and the once-a-day prune a long-running follow applies.
 * Nothing here prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct store;
struct store_prune_stats;

/* "90d", "12w", "36h", "45min", "600s", also "90 days", "1 week" ->
 * microseconds. Returns 0 or -EINVAL (no number, unknown unit, zero,
 * overflow). */
int retention_parse_duration(const char *s, int64_t *ret_us);

#define RETENTION_PERIOD_US (INT64_C(86400) * 1000000)     /* once a day */

/* For follow --keep DURATION: prune what is older than keep_us when the last
 * prune of this database (any process's, stored in its meta table) is
 * RETENTION_PERIOD_US or more ago, or there was none. Call it between
 * batches, never inside store_begin(). Returns 1 pruned (ret filled), 0 not
 * due, negative errno. */
int retention_prune_if_due(struct store *s, int64_t keep_us, int64_t now_us,
			   struct store_prune_stats *ret);
