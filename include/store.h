/* SQLite store: owns the sqlite3 handle, applies the embedded migrations
 * (sql/NNN-*.sql) under PRAGMA user_version, WAL, prepared statements only.
 * Writers batch: store_begin() ... store_commit(). Nothing here prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct attempt;
struct store;

enum {
	STORE_READONLY = 1 << 0,        /* open an existing database read-only */
	STORE_CREATE   = 1 << 1,        /* create the file (0600) and parent directory (0700) */
};

/* Default path: /var/lib/sshwhy/sshwhy.db as root, else $XDG_STATE_HOME/sshwhy/sshwhy.db
 * (~/.local/state/...). $SSHWHY_DB overrides. Caller frees. */
char *store_default_path(void);

int store_open(const char *path, unsigned flags, struct store **ret, char **reterr);
/* store_open() with a chosen busy timeout in milliseconds (store_open uses 5000). */
int store_open_timeout(const char *path, unsigned flags, int busy_timeout_ms,
		       struct store **ret, char **reterr);
/* SQLite's message for the last failed call on s (static; valid until the next call). */
const char *store_last_error(struct store *s);
struct store *store_free(struct store *s);
/* 0 while the database file is still the one at its path; -ENOENT once it
 * was deleted or replaced (renamed over) behind our back: what is written
 * from then on goes to a file nobody will open again (follow checks it). */
int store_check_file(struct store *s);
static inline void
store_freep(struct store **s)
{
	store_free(*s);
}

/* Called while store_open() upgrades a database in place (migration 3
 * posts every stored attempt): attempts done of total. Process-wide, for
 * the command that draws progress; NULL: none. */
void store_set_upgrade_progress(void (*cb)(uint64_t done, uint64_t total, void *ud), void *ud);

/* Bulk load (ingest, follow's catch-up): no WAL checkpoint until it is
 * turned off, which checkpoints once (unless the WAL passes 256 MiB: a
 * checkpoint then keeps the file bounded). Synchronous stays NORMAL: a
 * crash loses at most the transaction in flight, a power loss never
 * corrupts. Call outside a transaction. */
int store_set_bulk(struct store *s, bool on);

/* Writers batch: begin ... commit. store_put_attempt() failing inside a batch
 * rolls the whole batch back (so no attempt can be committed in part); the
 * commit that follows fails. */
int store_begin(struct store *s);
int store_commit(struct store *s);
int store_rollback(struct store *s);

/* Insert a new attempt (a->id == 0) or update a stored one (a->id != 0). A new
 * attempt whose uid is already stored is a duplicate: nothing is written and
 * 0 is returned; otherwise 1 and a->id is set. */
int store_put_attempt(struct store *s, struct attempt *a);
/* Encode a's evidence as store_put_attempt() stores it, into a->packed: a
 * pure function, so a caller may do it on its own thread ahead of the
 * writer's. -ENOMEM. */
int store_pack_evidence(struct attempt *a);

/* Every attempt stored with open = true, newest last. cb takes ownership of a. */
int store_load_open(struct store *s, int (*cb)(struct attempt *a, void *ud), void *ud);

/* Record an sshd line that no attempt holds (unrecognised text, listener
 * lines such as penalties). Duplicates (same hash) are ignored. */
int store_put_orphan(struct store *s, int64_t time_us, const char *host, uint32_t pid,
		     const char *kind, const char *line, uint64_t hash);

struct attempt_filter {
	const char *user;               /* exact, as logged */
	const char *from;               /* address or CIDR */
	const char *fingerprint;
	const char *host;
	int64_t since_us;               /* 0 = unbounded */
	int64_t until_us;               /* 0 = unbounded */
	int outcome;                    /* enum outcome, -1 = any */
	int cause;                      /* enum cause, -1 = any */
	int64_t limit;                  /* 0 = no limit; newest N, printed oldest first */
	bool active;                    /* only sessions still open (who is logged in, per the log) */
};

/* Query attempts matching f, oldest first; cb borrows a (freed after it returns). */
int store_query(struct store *s, const struct attempt_filter *f,
		int (*cb)(const struct attempt *a, void *ud), void *ud);

/* What a summary needs of one attempt (sshwhy stats); borrowed for the
 * callback's duration. */
struct attempt_brief {
	int64_t start_us;
	const char *host, *user, *addr;
	int outcome;                    /* enum outcome (_OUTCOME_INVALID: unknown string) */
	int cause;                      /* enum cause (_CAUSE_INVALID: unknown string) */
};

/* Every attempt matching f (f->limit ignored), in no particular order, with
 * the same index choice as store_query(). Returns the count or negative errno. */
int store_scan_brief(struct store *s, const struct attempt_filter *f,
		     int (*cb)(const struct attempt_brief *b, void *ud), void *ud);

/* Every key offered or used in an attempt matching f (in no particular
 * order): the attempt's user and outcome, the key's fingerprint. Returns
 * the count or negative errno. */
int store_scan_keys(struct store *s, const struct attempt_filter *f,
		    int (*cb)(const char *user, const char *fingerprint, int outcome, void *ud), void *ud);

/* EXPLAIN QUERY PLAN of every filtered query shape and posting lookup:
 * cb(name, detail) per plan line ("all/postings", "SEARCH attempts USING
 * INTEGER PRIMARY KEY (rowid=?)"). For tests: no posted filter scans. */
int store_explain_plans(struct store *s, int (*cb)(const char *name, const char *detail, void *ud), void *ud);

/* PerSourcePenalties (table penalties; store-penalty.h has struct penalty).
 * The writer's one hook, where orphan lines are stored (ingest.c): an orphan
 * of kind "penalty" becomes a penalty row too, deduplicated on hash; other
 * kinds: 0 at once. 1 stored, 0 nothing, or negative errno. */
struct penalty;
int store_penalty_put_orphan(struct store *s, int64_t time_us, const char *host, uint32_t pid,
			     const char *kind, const char *line, uint64_t hash);
/* Penalties whose range contains or overlaps f->from (an address or CIDR; a
 * name gives none), on f->host, imposed in [f->since_us, f->until_us), oldest
 * first; f->limit: the newest N. cb borrows p. Returns the count or negative
 * errno. */
int store_penalties_query(struct store *s, const struct attempt_filter *f,
			  int (*cb)(const struct penalty *p, void *ud), void *ud);
/* How many penalties were imposed on host (NULL = any) in [since, until)
 * (0 = unbounded): rows that began to drop, active or activating (a deferred
 * one counts when it activates, a full table's refusal not at all); stats'
 * count. Not the listener's other penalty lines (the SIGINFO dump, debug
 * lines). 0 and *ret_count set, or negative errno. */
int store_penalties_count(struct store *s, const char *host, int64_t since_us, int64_t until_us,
			  int64_t *ret_count);
/* The penalty that dropped a (cause per-source-penalty): the newest active or
 * activated penalty on a's host whose range contains a's address, imposed
 * before the drop and at most a day before. 1 = found (*ret filled), 0 =
 * none logged (penalty lines are VERBOSE before 10.1). */
int store_penalty_of_drop(struct store *s, const struct attempt *a, struct penalty *ret);

/* One attempt by id. 1 = found (*ret owned by caller), 0 = no such id. */
int store_get(struct store *s, int64_t id, struct attempt **ret);

/* A stored attempt of the same connection as a (host, pid, address, port,
 * within a day) under another uid: the same connection read from an
 * overlapping file that began in its middle. 1 = found (*ret_id), 0 = none. */
int store_find_connection(struct store *s, const struct attempt *a, int64_t *ret_id);

/* Long sessions (issue 17). a is a session's end read without its start
 * (cause session-end-start-missing): find the stored open session it ends
 * (host + client endpoint, or the monitor pid when the end has no endpoint).
 * a is a session start (accepted, cause accepted): find an end stored before
 * it. 1 = found (*ret_id), 0 = none (or a is neither). */
int store_find_session(struct store *s, const struct attempt *a, int64_t *ret_id);

/* Source positions (follow mode), saved in the caller's transaction so they
 * commit together with the attempts they cover. kind: "journal" or "file";
 * key: the journal directory or file path. get: 1 = found (*ret owned by
 * the caller), 0 = none. */
int store_get_position(struct store *s, const char *kind, const char *key, char **ret);
int store_put_position(struct store *s, const char *kind, const char *key, const char *position);
/* Every position of kind, in key order: cb(key, position) until it returns
 * a negative errno (returned). */
int store_list_positions(struct store *s, const char *kind,
			 int (*cb)(const char *key, const char *position, void *ud), void *ud);

struct store_counts {
	int64_t attempts;
	int64_t open;
	int64_t orphans;
};
int store_counts(struct store *s, struct store_counts *ret);

/* Retention (sshwhy prune). What follow still needs is never deleted: the
 * attempts stored open (store_load_open() hands them back to a restarted
 * follow to finish their connection, whatever their age) and the source
 * positions. */
struct store_prune_stats {
	int64_t attempts;               /* closed attempts deleted (or, dry run, that would be) */
	int64_t keys;                   /* their attempt_keys rows */
	int64_t orphans;                /* orphan lines deleted */
	int64_t open_kept;              /* open attempts older than the cut, kept */
};
/* Delete closed attempts that started and ended before before_us (with their
 * keys) and orphan lines older than it. Works in transactions of at most
 * chunk attempts (0 = 1000), so a running follow waits one chunk at most,
 * never the whole prune (measured on a loaded machine: a concurrent writer
 * waits 150 ms at most, 620 ms with chunks of 10000); a failure keeps the
 * chunks already committed. With
 * dry_run nothing is deleted and ret counts what would be; otherwise the time
 * is recorded for store_last_prune(). Must not be called inside
 * store_begin(). Returns 0 or negative errno. */
int store_prune(struct store *s, int64_t before_us, int64_t chunk, bool dry_run,
		struct store_prune_stats *ret);
/* When store_prune() last deleted (not a dry run) in this database: 1 and
 * *ret_us set, 0 never. */
int store_last_prune(struct store *s, int64_t *ret_us);
/* VACUUM: give the pages freed by store_prune() back to the file system
 * (needs as much free space as the database; blocks writers meanwhile). */
int store_vacuum(struct store *s);
/* What the database holds: attempts, their time range, the hosts of its
 * newest and oldest attempts (at most 4; more_hosts when there are others).
 * Counts the rows (25 ms a million): for explain's note when nothing
 * matched, not for a hot path. */
struct store_summary {
	int64_t attempts;
	int64_t first_us, last_us;
	char hosts[4][256];
	size_t n_hosts;
	bool more_hosts;
};
int store_summary(struct store *s, struct store_summary *ret);
/* The first and last start of the stored attempts: 1 and both set, 0 when
 * there is none (ingest's overlap check, overlap.h; store_summary()). */
int store_time_span(struct store *s, int64_t *ret_first, int64_t *ret_last);
