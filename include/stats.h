/* stats: a summary of the stored attempts that match a filter, gathered in
 * one pass over the rows (store_scan_brief): counts by outcome and cause, top
 * users and sources (failed and accepted apart, sources optionally grouped by
 * network), the keys seen per user, penalties, and a per-minute timeline that
 * the renderer bins to fit the terminal. Presentation lives in
 * render-stats.c. Bounded: at most STATS_DISTINCT_MAX distinct users, sources,
 * user keys and minutes are held; what is beyond is counted in n_overflow. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cause.h"

struct attempt_filter;
struct store;

#define STATS_DISTINCT_MAX (1u << 20)

/* One user, source or user+key, with its attempts by result. */
struct stats_item {
	char *key;                      /* owned; as logged (not escaped); user keys: "USER\0FP" */
	size_t key_len;
	uint64_t failed, accepted;      /* failed: every ended attempt that was not accepted */
};

/* One minute of the timeline (key: minutes since the epoch). */
struct stats_minute {
	int64_t minute;
	uint64_t failed, accepted;
};

struct stats_opts {
	unsigned v4_prefix;             /* group IPv4 sources by this prefix (1-32); 0 or 32 = per address */
	unsigned v6_prefix;             /* the same for IPv6 (1-128) */
	/* The database's path: with it, a filter of time, host, cause and
	 * outcome is answered from the summaries (store-summary.h), made or
	 * brought up to date first where the file is writable. NULL, or scan:
	 * from the rows. */
	const char *db_path;
	bool scan;
	/* While summaries are made (once after an upgrade or a big ingest):
	 * attempts read so far; final at the end. May be NULL. */
	void (*progress)(void *ud, uint64_t attempts, bool final);
	void *progress_ud;
};

struct stats {
	uint64_t total, accepted, failed, open;
	uint64_t by_outcome[_OUTCOME_MAX];
	uint64_t by_cause[_CAUSE_MAX];
	int64_t first_us, last_us;      /* of the attempts seen; 0 when none */
	int64_t penalties;              /* PerSourcePenalties (store_penalties_count()), -1 unknown */
	uint64_t n_overflow;            /* attempts (and keys) whose user, source, key or minute did not fit the caps */
	unsigned v4_prefix, v6_prefix;  /* as applied */
	/* Sorted arrays, owned: users and sources by failed then accepted count
	 * (descending; the renderer re-sorts for the accepted column), user keys by
	 * user then total, minutes by time. */
	struct stats_item *users, *sources, *user_keys;
	size_t n_users, n_sources, n_user_keys;
	struct stats_minute *minutes;
	size_t n_minutes;
};

/* Gathers the stats of the attempts matching f. Returns 0 (*ret owned by the
 * caller, free with stats_free) or negative errno (-EINVAL: a bad filter). */
int stats_collect(struct store *st, const struct attempt_filter *f, const struct stats_opts *o,
		  struct stats **ret);
struct stats *stats_free(struct stats *s);

/* Indices of the n items with the most accepted (by_accepted) or failed
 * attempts, best first, zero counts left out; writes at most n, returns the
 * count. */
size_t stats_top(const struct stats_item *items, size_t n_items, bool by_accepted, size_t *ret, size_t n);

/* The timeline binned into buckets of bucket_us starting at t0_us: failed[i]
 * and accepted[i] for i < n (the arrays are the caller's). */
void stats_bin(const struct stats *s, int64_t t0_us, int64_t bucket_us, size_t n, uint64_t *failed,
	       uint64_t *accepted);
