/* Which attempts of an ingest may be pieces of connections stored from
 * elsewhere (an overlapping file, an earlier run), and so are worth a store
 * lookup (store_find_connection()). A connection never crosses hosts, so the
 * answer is per host: an attempt is looked up only when it begins near the
 * head of its host's lines in this input (the first OVERLAP_HEAD_US, or after
 * the host's time went back: a second overlapping file in the same stream)
 * and the store may hold that host's attempts around its start (the
 * database's span before this run, or the host's earlier lines in this run).
 * A fleet read host after host, or every host's auth.log concatenated, then
 * costs no lookup at all on a fresh database, where every connection used to
 * cost one. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct overlap;

#define OVERLAP_HEAD_US (INT64_C(15) * 60 * 1000000)    /* head of a host's lines checked for overlap */
#define OVERLAP_BACKSTEP_US (INT64_C(60) * 1000000)     /* time going back more: the host's lines start again */
#define OVERLAP_WINDOW_US (INT64_C(86400) * 1000000)    /* store_find_connection()'s window around a start */
#define OVERLAP_HOSTS_MAX (1u << 20)                    /* hosts tracked; beyond, every head attempt is looked up */

int overlap_new(struct overlap **ret);
struct overlap *overlap_free(struct overlap *o);

/* The attempts stored before this run begin at first_us ... last_us
 * (store_time_span()); not called: none. */
void overlap_set_stored(struct overlap *o, int64_t first_us, int64_t last_us);

/* A new input begins: every host's lines so far become earlier lines. */
void overlap_new_input(struct overlap *o);

/* One line of host (not NUL-terminated) at time_us, in input order. Returns
 * 0, or -ENOMEM (the host is then treated as untracked: looked up). */
int overlap_line(struct overlap *o, const char *host, size_t host_len, int64_t time_us);

/* Should an attempt of host (NUL-terminated) that begins at start_us be
 * looked up in the store? Always false before the first
 * overlap_new_input() (follow reads one endless input from a position). */
bool overlap_check(struct overlap *o, const char *host, int64_t start_us);
