/* PerSourcePenalties in the store (store-penalty.c, table penalties of
 * sql/004-penalties.sql): the listener's srclimit_penalise lines as rows, the
 * network as a range of 16-byte addresses (IPv4 as ::ffff:a.b.c.d), so that an
 * address or a CIDR finds every penalty whose range contains or overlaps it;
 * and the penalty that dropped a connection ("drop connection ... penalty:"). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "event.h"

struct attempt;
struct attempt_filter;

/* tag: penalty-states. srclimit_penalise()'s words, stored as these strings. */
#define PENALTY_STATES(X) \
	X(DEFERRED,   "deferred")       /* new, below PerSourcePenalties min: drops nothing yet */ \
	X(ACTIVE,     "active")         /* new and active at once (e.g. a crash, 90 s) */ \
	X(ACTIVATING, "activating")     /* a deferred one grew past min: active from here */ \
	X(TABLE_FULL, "table-full")     /* "penalty table full, cannot penalise": not imposed */

enum penalty_state {
#define X(n, s) PENALTY_##n,
	PENALTY_STATES(X)
#undef X
	_PENALTY_STATE_MAX,
	_PENALTY_STATE_INVALID = -EINVAL,
};
const char *penalty_state_to_string(enum penalty_state s);
enum penalty_state penalty_state_from_string(const char *s);

/* One row of penalties. */
struct penalty {
	int64_t id;                     /* row id; 0 = not stored */
	int64_t time_us;                /* the listener's line */
	char host[HOST_MAX];
	uint32_t pid;                   /* the listener's pid */
	char network[ADDR_MAX];         /* as logged: "203.0.113.5/32" */
	unsigned char lo[16], hi[16];   /* the range, IPv4 mapped into ::ffff:0:0/96 */
	unsigned bits;                  /* prefix length over the 16 bytes (IPv4: 96 + N) */
	enum penalty_state state;
	int64_t duration_ms;            /* as logged ("%d" or "%.3f" seconds); -1 = none (table-full) */
	char reason[DETAIL_MAX];        /* sshd's reason without "penalty: " */
	char line[DETAIL_MAX + HOST_MAX + 64]; /* the evidence line (from orphans), may be cut */
};

/* The row a typed PENALTY event makes (the listener's line at time_us on
 * host, pid; hash = the orphan line's). 1 = filled, 0 = not a penalty
 * imposed or refused (the SIGINFO dump, a debug line, no network). */
int penalty_from_event(const struct auth_event *ev, int64_t time_us, const char *host, uint32_t pid,
		       struct penalty *ret);

/* The store's helper (store.c owns one per database and is its only
 * caller; everyone else goes through store.h's store_penalty_*()). db and
 * errnum (SQLite result code -> negative errno) are the store's. */
struct penalty_cache;
struct penalty_cache *penalty_cache_new(sqlite3 *db, int (*errnum)(sqlite3 *db, int rc));
struct penalty_cache *penalty_cache_free(struct penalty_cache *c);
/* An orphan line of kind "penalty" parsed again from its evidence text and
 * stored, deduplicated on hash (other kinds: 0 at once). 1 stored, 0 nothing. */
int penalty_cache_put_orphan(struct penalty_cache *c, int64_t time_us, const char *host, uint32_t pid,
			     const char *kind, const char *line, uint64_t hash);
/* See store_penalties_query() / store_penalties_count() /
 * store_penalty_of_drop(). */
int penalty_cache_query(struct penalty_cache *c, const struct attempt_filter *f,
			int (*cb)(const struct penalty *p, void *ud), void *ud);
int penalty_cache_count(struct penalty_cache *c, const char *host, int64_t since_us, int64_t until_us,
			int64_t *ret_count);
int penalty_cache_of_drop(struct penalty_cache *c, const struct attempt *a, struct penalty *ret);
/* The migration that creates penalties runs it, inside its transaction: the
 * table filled from the orphan lines of kind "penalty" stored before. */
int penalty_cache_fill(struct penalty_cache *c);
