/* The stats summaries (sql/005-summary.sql): per hour, day and 16 days, the
 * aggregate of the attempts that start in them (counts by host, outcome and
 * cause; per user, source address, user + key, minute), so `sshwhy stats`
 * over a long range reads a few hundred summaries instead of millions of rows.
 *
 * Writers: the store's connection watches its own writes to attempts
 * (a pre-update hook, no trigger: a trigger would make each INSERT keep a
 * statement journal) and summary_writer_flush(), called by store_commit()
 * just before COMMIT, marks their hours dirty in the same transaction.
 * Readers: summary_collect() remakes the dirty and missing summaries the
 * range needs when it can write the file, then adds whole buckets from
 * summaries and scans the rows at the range's edges (and of any hour still
 * dirty), all in one read transaction: the numbers are a full scan's. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct attempt_filter;

/* Watches db's writes to attempts from now on (store_open() calls it on the
 * connection it opens). 0 or -ENOMEM. */
int summary_writer_attach(sqlite3 *db);

/* Marks the hours that db's pending transaction changed dirty (store_commit()
 * calls it just before COMMIT). 0 or negative errno: the commit must fail
 * then, or a summary could go stale unseen. */
int summary_writer_flush(sqlite3 *db);

/* What summary_collect() hands its caller. Counts of closed attempts (user,
 * source, key, minute) come split into failed (every ended attempt that was
 * not accepted) and accepted; open attempts are only in attempts(). Strings
 * are borrowed, NUL-terminated; a key is "USER\0FP". A callback returning
 * 1 stops the collection with -E2BIG (a cap was hit: the caller scans). */
struct summary_sink {
	int (*attempts)(void *ud, int outcome, int cause, uint64_t n, int64_t first_us, int64_t last_us);
	int (*user)(void *ud, const char *user, size_t len, uint64_t failed, uint64_t accepted);
	int (*source)(void *ud, const char *addr, size_t len, uint64_t failed, uint64_t accepted);
	int (*key)(void *ud, const char *user, const char *fp, uint64_t failed, uint64_t accepted);
	int (*minute)(void *ud, int64_t minute, uint64_t failed, uint64_t accepted);
	/* making summaries: attempts read so far, final = done (may be NULL) */
	void (*progress)(void *ud, uint64_t attempts, bool final);
	void *ud;
};

/* True when f can be answered from summaries: a time range, host, cause and
 * outcome; a user, address, key or --active filter is read from the rows. */
bool summary_serves(const struct attempt_filter *f);

/* The attempts of the database at path matching f (summary_serves(f)), fed
 * to k. Returns 0, -E2BIG (a callback hit a cap), -ENOMEDIUM (the file has
 * no summaries: an older schema) or another negative errno. */
int summary_collect(const char *path, const struct attempt_filter *f, const struct summary_sink *k);
