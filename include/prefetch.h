/* Read a source on a thread of its own, a few blocks of lines ahead of the
 * caller: sd-journal spends about 3.5 us on an entry, as long as parsing,
 * correlating and storing it take together, so a batch ingest of the journal
 * runs at the speed of the slower half instead of the sum.
 *
 * The consumer sees exactly what source_next() would have returned, in the
 * same order, with the same end (0) or error (negative, *reterr set), and
 * the source's stats as of the block it is reading. Not for follow: the
 * thread reads to the end of the input. */
#pragma once

#include <stdbool.h>

struct log_line;
struct source;
struct source_stats;
struct prefetch;

/* Start reading src (borrowed: keep it until prefetch_free()). */
int prefetch_start(struct source *src, struct prefetch **ret);
/* As source_next(): 1 = *ret filled (borrowed until the next call), 0 = end,
 * negative errno = the source's error (its message in *reterr). */
int prefetch_next(struct prefetch *p, struct log_line *ret, char **reterr);
void prefetch_get_stats(const struct prefetch *p, struct source_stats *ret);
/* Stop the thread (it finishes the line it is reading) and free. */
struct prefetch *prefetch_free(struct prefetch *p);
