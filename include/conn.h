/* Correlator: groups events into attempts, one per connection, keyed by host
 * and the per-connection (monitor) pid with address+port as a cross-check;
 * links post-auth child pids ("User child is on pid N", or address+port) and
 * listener lines (drops, 9.8+ grace timeouts "pid = N"); decides when an
 * attempt is complete and hands it, classified, to a callback.
 *
 * Bounded: at most CONN_MAX_OPEN connections are held; beyond that the least
 * recently active one is emitted as it stands (still open; quiet sessions
 * first). Unauthenticated attempts idle for CONN_IDLE_EMIT_US of log time are
 * emitted the same way, so memory does not grow with the length of the input;
 * sessions (authenticated) are never finalised by silence, only spilled open,
 * and their end lines join them in the store (issue 17). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct attempt;
struct auth_event;
struct log_line;
struct conn_table;

#define CONN_MAX_OPEN 4096
#define CONN_IDLE_EMIT_US (INT64_C(6) * 3600 * 1000000)  /* 6 h of log time */
#define CONN_CLOSE_GRACE_US INT64_C(3000000)             /* trailing lines after a close (syslog has 1 s resolution) */
#define CONN_ORDER_SLACK_US INT64_C(2000000)             /* a line this much older than a connection's first is another connection's */

struct conn_callbacks {
	/* An attempt is complete (a->open == false), or emitted while still open
	 * (evicted, idle, flushed). Return 0 to leave a with the table (it is
	 * freed), 1 to take ownership of it, negative errno to stop. */
	int (*emit)(struct attempt *a, void *userdata);
	/* A line that belongs to no connection (listener penalties, server
	 * start/stop, unattachable unrecognised lines). kind is the event kind string. */
	int (*orphan)(int64_t time_us, const char *host, uint32_t pid, const char *kind,
		      const char *line, uint64_t hash, void *userdata);
	/* conn_table_persist(): save an attempt still held (classified, a->open
	 * set as it stands). Borrowed; may set a->id. NULL = not used. */
	int (*persist)(struct attempt *a, void *userdata);
};

int conn_table_new(const struct conn_callbacks *cb, void *userdata, struct conn_table **ret);
struct conn_table *conn_table_free(struct conn_table *t);

/* Follow mode: hand an attempt out as soon as its terminal line is read (so
 * its verdict shows at once), keep it for trailing lines during the grace
 * period, and hand it out again at the end only if such lines came. */
void conn_table_set_early_emit(struct conn_table *t, bool on);

/* Feed one parsed line. Returns 0 or negative errno (from a callback or ENOMEM).
 * A line already in its attempt from an earlier input (same evidence text) is
 * counted as a duplicate and skipped. */
int conn_table_feed(struct conn_table *t, const struct log_line *line, const struct auth_event *ev);

/* A new input begins: lines already held from earlier inputs (or adopted from
 * the store) count as duplicates if they come again; repeats within one input
 * are real lines. */
void conn_table_new_input(struct conn_table *t);

/* Re-admit an attempt that was stored while still open (takes ownership; on
 * failure it is freed). Later lines of the same connection continue it
 * instead of starting a new one. Its facts start empty: the caller replays
 * its evidence lines, parsed, through conn_table_replay() at once. Returns 1
 * (a freed, nothing to replay) for an open session when the table is full:
 * it stays in the store, where its end joins it (issue 17). */
int conn_table_adopt(struct conn_table *t, struct attempt *a);

/* Fold one parsed line of the attempt adopted last into its facts, exactly
 * as when the line first came (its evidence line is there already). A replay
 * never frees the attempt (in early-emit mode it may hand it to cb.emit, which
 * leaves it with the table), so the caller may read its evidence meanwhile.
 * -ENOENT: nothing adopted is held. */
int conn_table_replay(struct conn_table *t, const struct log_line *line, const struct auth_event *ev);

/* Follow mode, on the wall clock (now_usec(); times are when lines were read):
 * emit closed attempts whose terminal line was read grace_us ago, and
 * unauthenticated ones silent for login_grace_us
 * (sshd has killed them by then even if it logged nothing, as Debian 12 does
 * at LoginGraceTime: they are classified as login-grace-timeout). 0 = off. */
int conn_table_expire(struct conn_table *t, int64_t now_us, int64_t grace_us, int64_t login_grace_us);

/* Hand every attempt changed since the last call to cb.persist, so a
 * checkpoint (attempts + source position in one transaction) can resume
 * exactly after a crash. */
int conn_table_persist(struct conn_table *t);

/* Emit everything: closed attempts as complete, the rest still open. */
int conn_table_flush(struct conn_table *t);

struct conn_stats {
	uint64_t events;
	uint64_t duplicates;
	uint64_t emitted;
	uint64_t evicted;
	uint64_t orphans;
	uint64_t open_now;
};
void conn_table_stats(const struct conn_table *t, struct conn_stats *ret);
