/* Presentation of check's report (server-check.h). */
#pragma once

#include <stdbool.h>

struct buf;
struct check_report;

/* One JSON object: user, from, key, config_source, blocked, usable_keys,
 * items (status, topic, cause, text, fix, evidence) and a newline. Returns 0
 * or -ENOMEM. */
int render_check_json(struct buf *b, const struct check_report *r);

/* The report for a terminal: one line per item, the evidence and fix of the
 * items that are not ok (of all of them with all), and the verdict; escaped,
 * coloured if color. Returns 0 or -ENOMEM. */
int render_check_text(struct buf *b, const struct check_report *r, bool color, bool all);
