/* The prose of a verdict (attempt-text.c): explanation, fix and what would
 * decide, derived from an attempt's cause and fields where it is shown. */
#pragma once

struct attempt;

/* Build a->explanation, a->fix and a->decide from cause, candidates, detail,
 * reason, user, address and keys (replacing what they held). Returns 0 or
 * -ENOMEM. */
int attempt_fill_texts(struct attempt *a);
