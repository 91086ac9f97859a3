/* Presentation of struct stats: a terminal summary with a timeline chart
 * (Unicode blocks, or ASCII when the locale is not UTF-8) fitted to a width,
 * a JSON document (docs/stats.schema.json) and a standalone SVG timeline. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct stats;

struct stats_view {
	int64_t since_us, until_us;     /* the range asked for (0: from the data) */
	int64_t now_us;                 /* the end of an open range (--since without --until) */
	const char *filters;            /* human text of the filters, "" none (escaped by the caller) */
	size_t width;                   /* columns (at least 40) */
	size_t top;                     /* rows per top list */
	bool utf8;                      /* block characters and "…" */
	bool utc;
};

/* The timeline's bucket: the smallest of 1 min, 2, 5, 10, 15, 30 min, 1, 2, 3,
 * 6, 12 h, 1, 2, 7, 30 days that shows [t_lo, t_hi) in at most cols columns.
 * Sets *t0 (aligned: local midnight for day buckets unless utc) and *n. */
int64_t stats_bucket(int64_t t_lo, int64_t t_hi, size_t cols, bool utc, int64_t *t0, size_t *n);

int render_stats_text(struct buf *b, const struct stats *s, const struct stats_view *v);
int render_stats_json(struct buf *b, const struct stats *s, const struct stats_view *v);
int render_stats_svg(struct buf *b, const struct stats *s, const struct stats_view *v);
