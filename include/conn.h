/* Correlator: groups events into attempts, one per connection, keyed by host
 * and the per-connection (monitor) pid with address+port as a cross-check;
 * links post-auth child pids and listener lines; decides when an attempt is
 * complete and hands it to a callback (classified). Bounded: see CONN_MAX_OPEN. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct attempt;
struct auth_event;
struct log_line;
struct conn_table;

#define CONN_MAX_OPEN 50000     /* open connections kept; the oldest is emitted (still open) beyond it */

/* Called for every attempt that is complete (a->open == false) or evicted or
 * flushed (a->open may be true). The callback borrows a; it must not keep it. */
typedef int (*conn_emit_fn)(struct attempt *a, void *userdata);

int conn_table_new(conn_emit_fn emit, void *userdata, struct conn_table **ret);
struct conn_table *conn_table_free(struct conn_table *t);

/* Feed one parsed line. raw_msg is the line's message as logged (for evidence).
 * Returns 0 or negative errno (from emit or ENOMEM). Duplicate lines (same time,
 * host, pid, text as one already in the attempt) are ignored and return 0. */
int conn_table_feed(struct conn_table *t, const struct log_line *line, const struct auth_event *ev);

/* Re-admit an attempt that was stored while still open (takes ownership). Later
 * lines of the same connection continue it instead of starting a new one. */
int conn_table_adopt(struct conn_table *t, struct attempt *a);

/* Emit every attempt idle since before now_us - idle_us (finalised as timed out
 * where the rules say so). For follow mode. */
int conn_table_expire(struct conn_table *t, int64_t now_us, int64_t idle_us);

/* Emit every attempt still open, classified provisionally, open = true. */
int conn_table_flush(struct conn_table *t);

struct conn_stats {
	uint64_t events;
	uint64_t duplicates;
	uint64_t attempts_emitted;
	uint64_t evicted;
	uint64_t unattached;    /* lines that could not be tied to a connection */
	uint64_t open_now;
};
void conn_table_stats(const struct conn_table *t, struct conn_stats *ret);

/* Classify an attempt from its evidence so far: sets outcome, cause, candidates,
 * explanation, fix, decide. Idempotent. classify.c. Returns 0 or -ENOMEM. */
int attempt_classify(struct attempt *a);
