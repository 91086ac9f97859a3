/* SQLite store. Owns the sqlite3 handle; applies the embedded migrations
 * (sql/NNN-*.sql) in one transaction under PRAGMA user_version; every
 * statement is a fixed string prepared once (hot ones in store_open, query
 * variants on first use) and reset + cleared after each use. Nothing here
 * prints: errors are negative errno, with sqlite3_errmsg via store_last_error()
 * and a message through reterr where the API has one. Rows are plain: the
 * evidence column is packed by evidence.c, and the prose of a verdict is made
 * where it is shown (attempt-text.h), never here. */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <sqlite3.h>

#include "attempt.h"
#include "cause.h"
#include "evidence.h"
#include "i18n.h"
#include "store-migrations.h"
#include "store-checkpointer.h"
#include "store-penalty.h"
#include "store-postings.h"
#include "store-summary.h"
#include "store.h"
#include "util.h"
#include "banned.h"

/* PRAGMA application_id of our files: "sshw". Set by sql/001-init.sql. */
#define STORE_APPLICATION_ID 0x73736877
#define STORE_BUSY_TIMEOUT_MS 5000
/* Page cache per connection, in KiB (negative = KiB for PRAGMA cache_size).
 * Big enough that the index pages touched by a batch stay cached, small
 * enough for the 64 MiB RSS budget of ingest. */
#define STORE_CACHE_KIB 16384
/* 16 KiB pages for new files (files made with 4 KiB keep them): fewer pages
 * to find, dirty, frame and checkpoint per ~600-byte row. Checkpoints every
 * 8 MiB of WAL: a big one stalls the commit that runs it, and follow shows a
 * verdict after its commit. Measured at 1,000 connections/s and on 1M lines:
 *   4 KiB pages, 32 MiB:  verdict p90  6 ms, max 40 ms; ingest 1.00
 *  16 KiB pages, 32 MiB:  verdict p90 23 ms, max 35 ms; ingest 0.85
 *  16 KiB pages,  8 MiB:  verdict p90  8 ms, max 15 ms; ingest 0.89 */
#define STORE_PAGE_SIZE 16384
#define STORE_WAL_CHECKPOINT_PAGES 512         /* 8 MiB of WAL */
/* Bulk loads (store_set_bulk()): no checkpoint until the end (1M lines on
 * disk: 7% fewer bytes written, 318 MB against 342 MB), unless the WAL
 * passes 256 MiB: unbounded, it grew to 2.5 GB for a 1.4 GB database of 10M
 * lines (pages rewritten by every transaction); bounded, a 1M-line load
 * still checkpoints only at its end, and a 64 MiB bound writes 1.6% more. */
#define STORE_BULK_CHECKPOINT_PAGES 16384
#define STORE_WAL_LIMIT_BYTES 16777216        /* what a WAL file is cut back to */
/* The bulk cache: with postings it hardly matters any more (user+sys, 3
 * runs of 1M lines: 4 MiB 2.58-3.33 s, 16 MiB 2.63-2.77 s, 64 MiB
 * 2.45-2.75 s; peak RSS 28, 40, 92 MiB); the random-order inserts left
 * (postings_key, fingerprints, orphan hashes) grow with the file, so keep
 * the default's 16 MiB (10M lines: peak RSS 42 MiB). */
#define STORE_BULK_CACHE_KIB 16384

/* Columns of attempts in the order row_to_attempt() reads them. */
#define ATTEMPT_COLS \
	"id, uid, host, pid, child_pid, start_us, end_us, open, addr, port, " \
	"server_port, user, user_valid, outcome, cause, candidates, detail, " \
	"reason, loglevel, evidence, evidence_dropped, session_end"
enum {
	COL_ID, COL_UID, COL_HOST, COL_PID, COL_CHILD_PID, COL_START, COL_END, COL_OPEN,
	COL_ADDR, COL_PORT, COL_SERVER_PORT, COL_USER, COL_USER_VALID, COL_OUTCOME,
	COL_CAUSE, COL_CANDIDATES, COL_DETAIL, COL_REASON, COL_LOGLEVEL,
	COL_EVIDENCE, COL_EVIDENCE_DROPPED, COL_SESSION_END,
};

/* store_find_connection(): the same connection stored from another
 * (overlapping) file: same host, pid and client endpoint within a day. ?8:
 * the ids the address's postings hold in that day. */
#define FIND_CONN_SQL \
	"SELECT id FROM attempts WHERE id IN (SELECT value FROM id_list(?8)) " \
	"AND addr = ?1 AND start_us BETWEEN ?2 AND ?3 AND port = ?4 " \
	"AND (pid = ?5 OR child_pid = ?5) AND host = ?6 AND start_us != ?7 " \
	"ORDER BY start_us LIMIT 1"

/* Hot statements, prepared in store_open(). */
enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_INSERT,
	ST_UPDATE,
	ST_UPDATE_KEEP_ID,
	ST_KEYS_DELETE,
	ST_KEY_INSERT,
	ST_KEYS_SELECT,
	ST_ORPHAN,
	ST_LOAD_OPEN,
	ST_GET,
	ST_START,
	ST_COUNTS,
	ST_FIND_CONN,
	ST_FIND_CONN_NOPORT,
	ST_POS_GET,
	ST_POS_PUT,
	ST_FIND_SESSION,
	ST_FIND_SESSION_PID,
	ST_FIND_SESSION_TAIL,
	ST_FIND_SESSION_TAIL_PID,
	_ST_MAX,
};

static const char *const stmt_sql[_ST_MAX] = {
	/* IMMEDIATE: take the write lock up front, so a batch never fails half
	 * way with SQLITE_BUSY on the read-to-write upgrade. */
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	/* Parameters ?1..?21 are bound by bind_attempt(). A re-ingested
	 * connection has the same (start_us, pid, port, host): DO NOTHING, and sqlite3_changes() == 0
	 * tells the caller it was a duplicate, without a SELECT per row. */
	[ST_INSERT] =
		"INSERT INTO attempts (uid, host, pid, child_pid, start_us, end_us, open, "
		"addr, port, server_port, user, user_valid, outcome, cause, candidates, "
		"detail, reason, loglevel, evidence, evidence_dropped, session_end) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
		"?15, ?16, ?17, ?19, ?20, ?21, ?23) ON CONFLICT(start_us, pid, port, host) DO NOTHING",
	[ST_UPDATE] =
		"UPDATE attempts SET uid = ?1, host = ?2, pid = ?3, child_pid = ?4, "
		"start_us = ?5, end_us = ?6, open = ?7, addr = ?8, port = ?9, "
		"server_port = ?10, user = ?11, user_valid = ?12, outcome = ?13, "
		"cause = ?14, candidates = ?15, detail = ?16, reason = ?17, "
		"loglevel = ?19, evidence = ?20, evidence_dropped = ?21, session_end = ?23 "
		"WHERE id = ?22",
	/* The same, leaving the identity (start_us, pid, port, host) as stored:
	 * for an update whose new identity is another stored row's (the
	 * attempt took in lines of a connection that is stored on its own). */
	[ST_UPDATE_KEEP_ID] =
		"UPDATE attempts SET uid = ?1, child_pid = ?4, end_us = ?6, open = ?7, "
		"addr = ?8, server_port = ?10, user = ?11, user_valid = ?12, outcome = ?13, "
		"cause = ?14, candidates = ?15, detail = ?16, reason = ?17, "
		"loglevel = ?19, evidence = ?20, evidence_dropped = ?21, session_end = ?23 "
		"WHERE id = ?22",
	[ST_KEYS_DELETE] = "DELETE FROM attempt_keys WHERE attempt_id = ?1",
	[ST_KEY_INSERT] =
		"INSERT INTO attempt_keys (attempt_id, seq, type, fingerprint, result) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_KEYS_SELECT] =
		"SELECT type, fingerprint, result FROM attempt_keys "
		"WHERE attempt_id = ?1 ORDER BY seq",
	[ST_ORPHAN] =
		"INSERT INTO orphans (hash, time_us, host, pid, kind, line) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(hash) DO NOTHING",
	/* Uses the partial index attempts_open. */
	[ST_LOAD_OPEN] = "SELECT " ATTEMPT_COLS " FROM attempts WHERE open = 1 ORDER BY start_us, id",
	[ST_GET] = "SELECT " ATTEMPT_COLS " FROM attempts WHERE id = ?1",
	[ST_START] = "SELECT start_us FROM attempts WHERE id = ?1",
	[ST_FIND_CONN] = FIND_CONN_SQL,
	[ST_POS_GET] = "SELECT position FROM positions WHERE kind = ?1 AND key = ?2",
	[ST_POS_PUT] =
		"INSERT INTO positions (kind, key, position, updated_us) VALUES (?1, ?2, ?3, ?4) "
		"ON CONFLICT(kind, key) DO UPDATE SET position = excluded.position, "
		"updated_us = excluded.updated_us",
	/* Lines without an endpoint (PAM session close): the newest attempt of
	 * that pid begun in the hour before. */
	[ST_FIND_CONN_NOPORT] =
		"SELECT id FROM attempts INDEXED BY attempts_start "
		"WHERE start_us BETWEEN ?2 AND ?3 AND (pid = ?5 OR child_pid = ?5) "
		"AND host = ?6 AND start_us != ?7 ORDER BY start_us DESC LIMIT 1",
	/* store_find_session(), tag: causes. A session's end without its start
	 * (a) looks for the open session by host + client endpoint begun
	 * before it, the pids agreeing where both are known; without an endpoint
	 * (the monitor's "session closed" alone) by host + monitor pid. A session
	 * start (b) looks for an end stored before it (a newer file read first). */
	[ST_FIND_SESSION] =
		"SELECT id FROM attempts INDEXED BY attempts_open_sessions "
		"WHERE host = ?1 AND addr = ?2 AND port = ?3 AND open = 1 AND cause = 'accepted' "
		"AND start_us <= ?4 AND (pid IN (?5, ?6) OR child_pid IN (?5, ?6) OR child_pid = 0) "
		"ORDER BY start_us DESC LIMIT 1",
	[ST_FIND_SESSION_PID] =
		"SELECT id FROM attempts INDEXED BY attempts_open_session_pids "
		"WHERE host = ?1 AND pid = ?5 AND open = 1 AND cause = 'accepted' AND start_us <= ?4 "
		"ORDER BY start_us DESC LIMIT 1",
	[ST_FIND_SESSION_TAIL] =
		"SELECT id FROM attempts INDEXED BY attempts_session_tails "
		"WHERE host = ?1 AND addr = ?2 AND port = ?3 AND cause = 'session-end-start-missing' "
		"AND start_us >= ?4 AND (pid IN (?5, ?6) OR child_pid IN (?5, ?6) OR ?6 = 0) "
		"ORDER BY start_us LIMIT 1",
	[ST_FIND_SESSION_TAIL_PID] =
		"SELECT id FROM attempts INDEXED BY attempts_session_tails "
		"WHERE host = ?1 AND addr = '' AND port = 0 AND cause = 'session-end-start-missing' "
		"AND start_us >= ?4 AND pid = ?5 ORDER BY start_us LIMIT 1",
	[ST_COUNTS] =
		"SELECT (SELECT count(*) FROM attempts), "
		"(SELECT count(*) FROM attempts WHERE open = 1), "
		"(SELECT count(*) FROM orphans)",
};

/* store_query(): one fixed WHERE clause whose optional conditions are
 * "(?N IS NULL OR col = ?N)", plus one "driving" condition written as a plain
 * equality or range so the planner can use that index (an OR term cannot).
 * Parameters: ?1 user, ?2 host, ?3 since, ?4 until, ?5 outcome, ?6 cause,
 * ?7 fingerprint, ?8 exact address, ?9 CIDR, ?12 limit, ?13 the ids a
 * posting lookup found (id_list), ?14 one id (a probe). The posted
 * conditions (?1, ?6, ?7, ?8, ?9) are always re-checked on the row: a posting
 * may be stale. */
#define Q_REST \
	" AND start_us >= ?3 AND start_us < ?4" \
	" AND (?1 IS NULL OR user = ?1)" \
	" AND (?2 IS NULL OR host = ?2)" \
	" AND (?5 IS NULL OR outcome = ?5)" \
	" AND (?6 IS NULL OR cause = ?6)" \
	" AND (?7 IS NULL OR EXISTS (SELECT 1 FROM attempt_keys WHERE attempt_keys.attempt_id = attempts.id" \
	"  AND fingerprint = ?7))" \
	" AND (?8 IS NULL OR addr = ?8)" \
	" AND (?9 IS NULL OR cidr_match(addr, ?9))"
/* INDEXED BY pins the plan: with only bound parameters the planner cannot
 * tell that a time range is wider than a key's attempts. */
/* idx: the FROM clause (attempts, maybe INDEXED BY or behind a list). */
#define Q_SELECT(idx, drv) "SELECT " ATTEMPT_COLS " FROM " idx " WHERE " drv Q_REST
#define Q_ALL(idx, drv) Q_SELECT(idx, drv) " ORDER BY start_us, id"
/* --limit N: the ids of the newest N (sorting ids, not whole rows with their
 * evidence: the first page of a key with 20k attempts), then their rows,
 * sorted so the newest prints last. */
#define Q_NEWEST(idx, drv) \
	"SELECT " ATTEMPT_COLS " FROM attempts WHERE id IN (SELECT id FROM " idx " WHERE " drv Q_REST \
	" ORDER BY start_us DESC, id DESC LIMIT ?12) ORDER BY start_us, id"
/* store_scan_brief(): the columns a summary needs, no evidence, in no
 * particular order (the caller aggregates). */
#define Q_BRIEF(idx, drv) \
	"SELECT start_us, host, user, addr, outcome, cause FROM " idx " WHERE " drv Q_REST
/* store_scan_keys() with a selective driver: its attempts, each probing
 * attempt_keys by its primary key. */
#define Q_KEYS(idx, drv) \
	"SELECT user, fingerprint, outcome FROM " idx \
	" JOIN attempt_keys ON attempt_keys.attempt_id = attempts.id WHERE " drv Q_REST
/* ... with a time range only: one pass over attempt_keys from the smallest
 * id in the range on (ids grow with ingest order, which follows time, so
 * this reads little more than the range's keys; any order stays correct),
 * a probe into attempts per key instead of a probe into attempt_keys per
 * attempt (most attempts have no key: scanners). */
#define Q_KEYS_BY_TIME \
	"SELECT user, fingerprint, outcome FROM attempt_keys CROSS JOIN attempts" \
	" ON attempts.id = attempt_keys.attempt_id" \
	" WHERE attempt_keys.attempt_id >= coalesce((SELECT min(id) FROM attempts INDEXED BY attempts_start" \
	"  WHERE start_us >= ?3 AND start_us < ?4), 0)" Q_REST

enum {
	DRV_FINGERPRINT,        /* attempt_keys_fingerprint */
	DRV_IDS,                /* the ids of postings (user, address, CIDR, cause), by rowid */
	DRV_PROBE,              /* one id (the top-N walk of postings re-checks each) */
	DRV_OUTCOME,            /* attempts_start, filtered (no outcome index) */
	DRV_TIME,               /* attempts_start */
	DRV_ACTIVE,             /* attempts_open_sessions: sessions still open */
	_DRV_MAX,
};

#define Q_DRIVERS(Q) { \
	[DRV_FINGERPRINT] = Q("attempts", "id IN (SELECT attempt_id FROM attempt_keys WHERE fingerprint = ?7)"), \
	[DRV_IDS] = Q("id_list(?13) AS l CROSS JOIN attempts", "attempts.id = l.value"), \
	[DRV_PROBE] = Q("attempts", "id = ?14"), \
	[DRV_OUTCOME] = Q("attempts INDEXED BY attempts_start", "outcome = ?5"), \
	[DRV_TIME] = Q("attempts INDEXED BY attempts_start", "1"), \
	[DRV_ACTIVE] = Q("attempts INDEXED BY attempts_open_sessions", "open = 1 AND cause = 'accepted'"), \
}
/* store_query() with a limit over postings: one id's start, if it matches. */
#define Q_PROBE(idx, drv) "SELECT start_us FROM " idx " WHERE " drv Q_REST
/* The shapes of one filtered query. */
enum { QM_ALL, QM_NEWEST, QM_BRIEF, QM_KEYS, QM_PROBE, _QM_MAX };
static const char *const query_sql[_QM_MAX][_DRV_MAX] = {
	[QM_ALL] = Q_DRIVERS(Q_ALL), [QM_NEWEST] = Q_DRIVERS(Q_NEWEST), [QM_BRIEF] = Q_DRIVERS(Q_BRIEF),
	[QM_KEYS] = Q_DRIVERS(Q_KEYS), [QM_PROBE] = Q_DRIVERS(Q_PROBE),
};
/* The same under EXPLAIN QUERY PLAN (store_explain_plans(): tests prove no
 * posted filter falls back to a scan of attempts). */
#define EQP "EXPLAIN QUERY PLAN "
#define EQP_ALL(i, d) EQP Q_ALL(i, d)
#define EQP_NEWEST(i, d) EQP Q_NEWEST(i, d)
#define EQP_BRIEF(i, d) EQP Q_BRIEF(i, d)
#define EQP_KEYS(i, d) EQP Q_KEYS(i, d)
#define EQP_PROBE(i, d) EQP Q_PROBE(i, d)
static const char *const plan_sql[_QM_MAX][_DRV_MAX] = {
	[QM_ALL] = Q_DRIVERS(EQP_ALL), [QM_NEWEST] = Q_DRIVERS(EQP_NEWEST), [QM_BRIEF] = Q_DRIVERS(EQP_BRIEF),
	[QM_KEYS] = Q_DRIVERS(EQP_KEYS), [QM_PROBE] = Q_DRIVERS(EQP_PROBE),
};
static const char *const mode_names[_QM_MAX] = {
	[QM_ALL] = "all", [QM_NEWEST] = "newest", [QM_BRIEF] = "brief", [QM_KEYS] = "keys", [QM_PROBE] = "probe",
};
static const char *const drv_names[_DRV_MAX] = {
	[DRV_FINGERPRINT] = "fingerprint", [DRV_IDS] = "postings", [DRV_PROBE] = "probe",
	[DRV_OUTCOME] = "outcome", [DRV_TIME] = "time", [DRV_ACTIVE] = "active",
};

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

struct store {
	sqlite3 *db;
	char *path;                             /* owned */
	bool readonly;
	sqlite3_stmt *st[_ST_MAX];
	sqlite3_stmt *query[_QM_MAX][_DRV_MAX]; /* prepared on first use */
	struct buf evidence;                    /* scratch for joining evidence lines */
	struct postings *post;                  /* owned: the batch's pending postings */
	bool bulk;                              /* store_set_bulk() */
	char last_error[256];                   /* the last failed statement's message */
	struct penalty_cache *penalty;          /* owned: store-penalty.c's statements and parser */
	struct checkpointer *ckpt;              /* owned: the bulk load's checkpoints (store-checkpointer.c) */
};

static inline void
sqlite3_finalizep(sqlite3_stmt **p)
{
	sqlite3_finalize(*p);
}

_printf_(2, 3) static void
set_reterr(char **reterr, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;

	if (!reterr)
		return;
	va_start(ap, fmt);
	if (vasprintf(&m, _(fmt), ap) < 0)     /* xgettext: --keyword=set_reterr:2 */
		m = NULL;
	va_end(ap);
	free(*reterr);
	*reterr = m;
}

/* SQLite result code -> negative errno. */
static int
store_errno(sqlite3 *db, int rc)
{
	int sys;

	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return -EBADMSG;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_TOOBIG:
		return -E2BIG;
	case SQLITE_CONSTRAINT:
		return -EEXIST;
	case SQLITE_RANGE:
	case SQLITE_MISMATCH:
	case SQLITE_MISUSE:
		return -EINVAL;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
		sys = db ? sqlite3_system_errno(db) : 0;
		return sys > 0 ? -sys : -EIO;
	default:
		return -EIO;
	}
}

/* SQLite's message for the last failure; when a rollback after it has reset
 * that to "not an error", the message of the last statement that failed. */
const char *
store_last_error(struct store *s)
{
	if (!s || !s->db)
		return "no database";
	if (sqlite3_errcode(s->db) == SQLITE_OK && s->last_error[0])
		return s->last_error;
	return sqlite3_errmsg(s->db);
}

char *
store_default_path(void)
{
	const char *e = getenv("SSHWHY_DB");
	const char *state, *home;
	char *p = NULL;

	if (e && *e)
		return strdup(e);
	if (geteuid() == 0)
		return strdup("/var/lib/sshwhy/sshwhy.db");
	state = getenv("XDG_STATE_HOME");
	/* XDG: a relative $XDG_STATE_HOME is invalid and must be ignored. */
	if (state && state[0] == '/') {
		if (asprintf(&p, "%s/sshwhy/sshwhy.db", state) < 0)
			return NULL;
		return p;
	}
	home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd pw, *res = NULL;
		char pwbuf[4096];

		if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof pwbuf, &res) != 0 || !res)
			return NULL;
		if (asprintf(&p, "%s/.local/state/sshwhy/sshwhy.db", pw.pw_dir) < 0)
			return NULL;
		return p;
	}
	if (asprintf(&p, "%s/.local/state/sshwhy/sshwhy.db", home) < 0)
		return NULL;
	return p;
}

/* Create the missing directories above path, mode 0700 whatever the umask. */
static int
mkdir_parents(const char *path, char **reterr)
{
	_cleanup_(freep) char *d = strdup(path);
	char *slash;

	if (!d)
		return -ENOMEM;
	slash = strrchr(d, '/');
	if (!slash || slash == d)
		return 0;
	*slash = '\0';
	for (char *p = d + 1;; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(d, 0700) == 0) {
			if (chmod(d, 0700) < 0) {
				int r = -errno;

				set_reterr(reterr, "cannot set mode of '%s': %s", d, strerror(-r));
				return r;
			}
		} else if (errno != EEXIST) {
			int r = -errno;

			set_reterr(reterr, "cannot create directory '%s': %s", d, strerror(-r));
			return r;
		}
		if (last)
			break;
		*p = '/';
	}
	return 0;
}

/* Create the database file 0600 (it holds user names and addresses) before
 * SQLite does, so the umask cannot widen it. SQLite gives the -wal and -shm
 * files the database file's mode. An existing file is left alone. */
static int
create_db_file(const char *path, char **reterr)
{
	_cleanup_(closep) int fd = -1;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		int r = -errno;

		set_reterr(reterr, "cannot create '%s': %s", path, strerror(-r));
		return r;
	}
	if (fchmod(fd, 0600) < 0) {
		int r = -errno;

		set_reterr(reterr, "cannot set mode of '%s': %s", path, strerror(-r));
		return r;
	}
	return 0;
}

static void
reset_stmt(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int
exec_sql(struct store *s, const char *sql)
{
	return store_errno(s->db, sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

/* Read a one-integer PRAGMA (sql is a fixed string). */
static int
pragma_int(struct store *s, const char *sql, int64_t *ret)
{
	_cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(s->db, rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret = sqlite3_column_int64(st, 0);
		return 0;
	}
	if (rc == SQLITE_DONE) {
		*ret = 0;
		return 0;
	}
	return store_errno(s->db, rc);
}

/* Process-wide: store_set_upgrade_progress(). */
static void (*upgrade_progress)(uint64_t done, uint64_t total, void *ud);
static void *upgrade_progress_ud;

void
store_set_upgrade_progress(void (*cb)(uint64_t done, uint64_t total, void *ud), void *ud)
{
	upgrade_progress = cb;
	upgrade_progress_ud = ud;
}

static int
post_row(struct store *s, sqlite3_stmt *st)
{
	const char *u = (const char *)sqlite3_column_text(st, 2);
	const char *a = (const char *)sqlite3_column_text(st, 3);
	const char *c = (const char *)sqlite3_column_text(st, 4);

	return store_errno(s->db, postings_add(s->post, sqlite3_column_int64(st, 0),
					       sqlite3_column_int64(st, 1), u ? u : "", a ? a : "",
					       c ? c : ""));
}

/* A stored key (attempt_id, start_us, fingerprint) -> its posting. */
static int
post_key_row(struct store *s, sqlite3_stmt *st)
{
	const char *fp = (const char *)sqlite3_column_text(st, 2);

	return store_errno(s->db, postings_add_key(s->post, POST_FINGERPRINT, sqlite3_column_int64(st, 0),
						   sqlite3_column_int64(st, 1), fp ? fp : ""));
}

/* Post the rows of st (one of the two shapes above), then flush. ?1 is
 * bound to bound_us when the statement has it. Progress over total rows,
 * counted from *done. */
static int
post_rows(struct store *s, sqlite3_stmt *st, int (*row)(struct store *s, sqlite3_stmt *st),
	  int64_t bound_us, int64_t total, int64_t *done)
{
	int rc, r = 0;

	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, bound_us);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = row(s, st);
		if (r < 0)
			break;
		if (upgrade_progress && total > 0 && (++*done % (64 * POST_BATCH)) == 0)
			upgrade_progress((uint64_t)MIN(*done, total), (uint64_t)total, upgrade_progress_ud);
	}
	if (r >= 0 && rc != SQLITE_DONE)
		r = store_errno(s->db, rc);
	reset_stmt(st);
	if (r >= 0)
		r = store_errno(s->db, postings_flush(s->post));
	return r;
}

/* Migration 3 (sql/003-postings.sql): post every stored attempt and key,
 * in id order, in spans as the writer would, with progress. */
static int
post_all_attempts(struct store *s)
{
	_cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL, *keys = NULL;
	int64_t total = 0, n_keys = 0, done = 0;
	int r;

	r = pragma_int(s, "SELECT count(*) FROM attempts", &total);
	if (r >= 0)
		r = pragma_int(s, "SELECT count(*) FROM attempt_keys", &n_keys);
	if (r >= 0)
		r = store_errno(s->db, sqlite3_prepare_v2(s->db,
			"SELECT id, start_us, user, addr, cause FROM attempts ORDER BY id", -1, &st, NULL));
	if (r >= 0)
		r = store_errno(s->db, sqlite3_prepare_v2(s->db,
			"SELECT k.attempt_id, a.start_us, k.fingerprint FROM attempt_keys k "
			"JOIN attempts a ON a.id = k.attempt_id ORDER BY k.attempt_id", -1, &keys, NULL));
	if (r >= 0)
		r = post_rows(s, st, post_row, 0, total + n_keys, &done);
	if (r >= 0)
		r = post_rows(s, keys, post_key_row, 0, total + n_keys, &done);
	if (r >= 0 && upgrade_progress && total + n_keys > 0)
		upgrade_progress((uint64_t)(total + n_keys), (uint64_t)(total + n_keys), upgrade_progress_ud);
	return r;
}

/* The penalties table from the penalty lines stored as orphans before it. */
static int
fill_penalties(struct store *s)
{
	return penalty_cache_fill(s->penalty);
}

/* What a migration needs done in C after its SQL, in the same transaction:
 * one row per migration that has such a step. */
static const struct {
	int version;
	int (*after)(struct store *s);
} migration_steps[] = {
	{ 3, post_all_attempts },
	{ 4, fill_penalties },
};

static int
latest_version(void)
{
	int v = 0;

	for (unsigned i = 0; i < n_migrations; i++)
		v = MAX(v, migrations[i].version);
	return v;
}

/* Apply every migration newer than the file's user_version, all in one
 * transaction: a failure leaves the file as it was. */
static int
store_migrate(struct store *s, char **reterr)
{
	int64_t v;
	int r;

	r = exec_sql(s, "BEGIN IMMEDIATE");
	if (r < 0)
		goto fail_nobegin;
	r = pragma_int(s, "PRAGMA user_version", &v);
	if (r < 0)
		goto fail;
	for (unsigned i = 0; i < n_migrations; i++) {
		const struct migration *m = &migrations[i];
		int64_t got;

		if (m->version <= v)
			continue;
		r = exec_sql(s, m->sql);
		if (r < 0)
			goto fail;
		/* Each file ends with PRAGMA user_version = NNN (a PRAGMA cannot
		 * take a bound parameter, and we build no SQL): check it did. */
		r = pragma_int(s, "PRAGMA user_version", &got);
		if (r < 0)
			goto fail;
		if (got != m->version) {
			exec_sql(s, "ROLLBACK");
			set_reterr(reterr, "migration '%s' of '%s' left user_version %lld, expected %d",
				   m->name, s->path, (long long)got, m->version);
			return -EPROTO;
		}
		for (size_t j = 0; j < ELEMENTSOF(migration_steps); j++)
			if (migration_steps[j].version == m->version) {
				r = migration_steps[j].after(s);
				if (r < 0) {
					postings_clear(s->post);
					goto fail;
				}
			}
		v = got;
	}
	r = exec_sql(s, "COMMIT");
	if (r < 0)
		goto fail;
	return 0;
fail:
	set_reterr(reterr, "cannot update the schema of '%s': %s", s->path, sqlite3_errmsg(s->db));
	exec_sql(s, "ROLLBACK");
	return r;
fail_nobegin:
	if (r == -EBUSY)        /* another writer holds the lock past the busy timeout */
		set_reterr(reterr, "database '%s' is locked by another process: %s", s->path,
			   sqlite3_errmsg(s->db));
	else
		set_reterr(reterr, "cannot update the schema of '%s': %s", s->path, sqlite3_errmsg(s->db));
	return r;
}

/* CIDR matching for --from, as the deterministic SQL function
 * cidr_match(addr, net): 1 when addr lies in net, 0 otherwise (also for
 * addresses that are not numeric, e.g. DNS names), NULL for NULL input. */
struct cidr {
	int family;                     /* AF_INET or AF_INET6 */
	unsigned char bytes[16];
	unsigned prefix;
};

/* Parse "ADDR" or "ADDR/PREFIX" (IPv4 or IPv6, "%zone" ignored). Host bits
 * beyond the prefix are cleared. Returns 0 or -EINVAL. */
static int
cidr_parse(const char *s, size_t n, bool allow_prefix, struct cidr *ret)
{
	char tmp[INET6_ADDRSTRLEN + 16];
	char *slash, *pct;
	unsigned prefix = UINT_MAX, maxp;
	struct cidr c = { 0 };

	if (n == 0 || n >= sizeof tmp)
		return -EINVAL;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	slash = strchr(tmp, '/');
	if (slash) {
		if (!allow_prefix)
			return -EINVAL;
		*slash = '\0';
		if (safe_atou(slash + 1, &prefix) < 0)
			return -EINVAL;
	}
	pct = strchr(tmp, '%');
	if (pct)
		*pct = '\0';
	if (inet_pton(AF_INET, tmp, c.bytes) == 1) {
		c.family = AF_INET;
		maxp = 32;
	} else if (inet_pton(AF_INET6, tmp, c.bytes) == 1) {
		c.family = AF_INET6;
		maxp = 128;
	} else
		return -EINVAL;
	if (prefix == UINT_MAX)
		prefix = maxp;
	if (prefix > maxp)
		return -EINVAL;
	c.prefix = prefix;
	for (unsigned bit = prefix; bit < maxp; bit++)
		c.bytes[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
	*ret = c;
	return 0;
}

static bool
cidr_contains(const struct cidr *net, const struct cidr *a)
{
	const unsigned char *b = a->bytes;
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	unsigned full, rest;

	if (net->family == AF_INET && a->family == AF_INET6 && memcmp(b, v4mapped, 12) == 0)
		b += 12;        /* ::ffff:a.b.c.d against an IPv4 network */
	else if (net->family != a->family)
		return false;
	full = net->prefix / 8;
	rest = net->prefix % 8;
	if (memcmp(b, net->bytes, full) != 0)
		return false;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));

		if ((b[full] & mask) != net->bytes[full])
			return false;
	}
	return true;
}

static void
sql_cidr_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct cidr *net, a;
	const char *addr;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;         /* NULL */
	/* The network is the same for every row: parse it once per statement. */
	net = sqlite3_get_auxdata(ctx, 1);
	if (!net) {
		const char *ns = (const char *)sqlite3_value_text(argv[1]);
		struct cidr c;

		if (!ns || cidr_parse(ns, (size_t)sqlite3_value_bytes(argv[1]), true, &c) < 0) {
			sqlite3_result_error(ctx, "cidr_match: invalid network", -1);
			return;
		}
		net = sqlite3_malloc(sizeof *net);
		if (!net) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		*net = c;
		sqlite3_set_auxdata(ctx, 1, net, sqlite3_free);
		net = sqlite3_get_auxdata(ctx, 1);
		if (!net) {     /* SQLite freed it (OOM): use the local copy */
			addr = (const char *)sqlite3_value_text(argv[0]);
			sqlite3_result_int(ctx, addr &&
				cidr_parse(addr, (size_t)sqlite3_value_bytes(argv[0]), false, &a) == 0 &&
				cidr_contains(&c, &a));
			return;
		}
	}
	addr = (const char *)sqlite3_value_text(argv[0]);
	sqlite3_result_int(ctx, addr &&
		cidr_parse(addr, (size_t)sqlite3_value_bytes(argv[0]), false, &a) == 0 &&
		cidr_contains(net, &a));
}

static int
store_prepare(struct store *s, const char *sql, sqlite3_stmt **ret)
{
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, ret, NULL);

	return store_errno(s->db, rc);
}

int
store_open_timeout(const char *path, unsigned flags, int busy_timeout_ms,
		   struct store **ret, char **reterr)
{
	_cleanup_(store_freep) struct store *s = NULL;
	bool memory, ro = flags & STORE_READONLY;
	int64_t appid, version, objects;
	int rc, r, oflags;
	struct stat st;

	if (!path || !ret)
		return -EINVAL;
	/* Memory statistics cost a global mutex per allocation; we never read
	 * them. Only possible before SQLite initialises (else a harmless error). */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	memory = streq(path, ":memory:");
	if (!memory) {
		if (!ro && (flags & STORE_CREATE)) {
			r = mkdir_parents(path, reterr);
			if (r < 0)
				return r;
			r = create_db_file(path, reterr);
			if (r < 0)
				return r;
		}
		if (stat(path, &st) < 0) {
			r = -errno;
			if (r == -ENOENT)
				set_reterr(reterr, "no database at '%s'", path);
			else
				set_reterr(reterr, "cannot open '%s': %s", path, strerror(-r));
			return r;
		}
		if (!S_ISREG(st.st_mode)) {
			set_reterr(reterr, "'%s' is not an sshwhy database", path);
			return S_ISDIR(st.st_mode) ? -EISDIR : -EBADMSG;
		}
	}

	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	buf_init(&s->evidence);
	s->readonly = ro;
	s->path = strdup(path);
	if (!s->path)
		return -ENOMEM;

	oflags = ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (memory)
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY;
	rc = sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		r = store_errno(s->db, rc);
		set_reterr(reterr, "cannot open '%s': %s", path,
			   s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		return r == 0 ? -EIO : r;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, busy_timeout_ms);
	s->post = postings_new(s->db);
	if (!s->post)
		return -ENOMEM;
	rc = postings_register(s->db);
	if (rc != SQLITE_OK) {
		set_reterr(reterr, "cannot set up '%s': %s", path, sqlite3_errmsg(s->db));
		return store_errno(s->db, rc);
	}
	r = summary_writer_attach(s->db);
	if (r < 0)
		return r;
	s->penalty = penalty_cache_new(s->db, store_errno);
	if (!s->penalty)
		return -ENOMEM;

	/* SQLite reads the header lazily: this is where a file that is not a
	 * database (SQLITE_NOTADB) or a locked one (SQLITE_BUSY) shows. */
	r = pragma_int(s, "PRAGMA application_id", &appid);
	if (r >= 0)
		r = pragma_int(s, "PRAGMA user_version", &version);
	if (r >= 0)
		r = pragma_int(s, "SELECT count(*) FROM sqlite_master", &objects);
	if (r == -EBADMSG) {
		set_reterr(reterr, "'%s' is not an sshwhy database", path);
		return r;
	}
	if (r == -EBUSY) {
		set_reterr(reterr, "database '%s' is locked by another process: %s", path,
			   sqlite3_errmsg(s->db));
		return r;
	}
	if ((r == -ENOENT || r == -EROFS) && !memory) {
		/* The file is there (stat above): what SQLite could not open or
		 * create is the -wal or -shm file it keeps next to a WAL
		 * database, even to read it (read-only file system, directory
		 * not writable: SQLITE_CANTOPEN, SQLITE_READONLY_DIRECTORY). */
		_cleanup_(freep) char *dir = strdup(path);
		char *slash = dir ? strrchr(dir, '/') : NULL;
		int e;

		if (!dir)
			return -ENOMEM;
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		e = access(slash ? dir : ".", W_OK) < 0 ? errno : EACCES;
		set_reterr(reterr, "cannot create its -wal and -shm files in '%s' (%s); SQLite needs "
			   "them next to the database, even to read it", slash ? dir : ".", strerror(e));
		return -e;
	}
	if (r < 0) {
		set_reterr(reterr, "cannot read '%s': %s", path, sqlite3_errmsg(s->db));
		return r;
	}
	/* SQLite opens a write-protected file read-only without a word; a
	 * writer would only fail at its first commit. */
	if (!ro && !memory && sqlite3_db_readonly(s->db, "main") == 1) {
		int e = access(path, W_OK) < 0 ? errno : EACCES;

		set_reterr(reterr, "the file is read-only (%s); ingest and follow need write access to it",
			   strerror(e));
		return -e;
	}
	/* Another program's SQLite file: never touch it. */
	if ((appid != 0 && appid != STORE_APPLICATION_ID) ||
	    (appid == 0 && (version != 0 || objects != 0))) {
		set_reterr(reterr, "'%s' is not an sshwhy database", path);
		return -EBADMSG;
	}
	if (version > latest_version()) {
		set_reterr(reterr, "database '%s' has schema version %lld, newer than this sshwhy "
			   "knows (%d); use a newer sshwhy", path, (long long)version, latest_version());
		return -EPROTO;
	}

	if (!ro) {
		/* WAL: readers (attempts, show) never block the writer (ingest,
		 * follow). NORMAL is durable across application crashes, and a
		 * power loss can only lose the last commits, never corrupt. */
		r = exec_sql(s, "PRAGMA page_size = " STRINGIFY(STORE_PAGE_SIZE)); /* new files only */
		if (r >= 0)
			r = exec_sql(s, "PRAGMA journal_mode = WAL");
		if (r >= 0)
			r = exec_sql(s, "PRAGMA synchronous = NORMAL");
		/* Checkpoint every STORE_WAL_CHECKPOINT_PAGES (see there). */
		if (r >= 0)
			r = exec_sql(s, "PRAGMA wal_autocheckpoint = " STRINGIFY(STORE_WAL_CHECKPOINT_PAGES));
		if (r < 0) {
			set_reterr(reterr, "cannot configure '%s': %s", path, sqlite3_errmsg(s->db));
			return r;
		}
		r = store_migrate(s, reterr);
		if (r < 0)
			return r;
	} else if (version < latest_version()) {
		set_reterr(reterr, "database '%s' has schema version %lld, this sshwhy needs %d; "
			   "run 'sshwhy ingest' once to upgrade it", path, (long long)version,
			   latest_version());
		return -EPROTO;
	}
	r = exec_sql(s, "PRAGMA foreign_keys = ON");
	if (r >= 0)
		r = exec_sql(s, "PRAGMA cache_size = -" STRINGIFY(STORE_CACHE_KIB));
	if (r < 0) {
		set_reterr(reterr, "cannot configure '%s': %s", path, sqlite3_errmsg(s->db));
		return r;
	}

	rc = sqlite3_create_function(s->db, "cidr_match", 2,
				     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
				     NULL, sql_cidr_match, NULL, NULL);
	if (rc != SQLITE_OK) {
		set_reterr(reterr, "cannot set up '%s': %s", path, sqlite3_errmsg(s->db));
		return store_errno(s->db, rc);
	}
	for (size_t i = 0; i < _ST_MAX; i++) {
		r = store_prepare(s, stmt_sql[i], &s->st[i]);
		if (r < 0) {
			set_reterr(reterr, "cannot prepare statements on '%s': %s", path,
				   sqlite3_errmsg(s->db));
			return r;
		}
	}
	*ret = TAKE_PTR(s);
	return 0;
}

int
store_open(const char *path, unsigned flags, struct store **ret, char **reterr)
{
	return store_open_timeout(path, flags, STORE_BUSY_TIMEOUT_MS, ret, reterr);
}

/* PerSourcePenalties: store-penalty.c does the work, on this database. */
int
store_penalty_put_orphan(struct store *s, int64_t time_us, const char *host, uint32_t pid,
			 const char *kind, const char *line, uint64_t hash)
{
	return penalty_cache_put_orphan(s->penalty, time_us, host, pid, kind, line, hash);
}

int
store_penalties_query(struct store *s, const struct attempt_filter *f,
		      int (*cb)(const struct penalty *p, void *ud), void *ud)
{
	return penalty_cache_query(s->penalty, f, cb, ud);
}

int
store_penalties_count(struct store *s, const char *host, int64_t since_us, int64_t until_us,
		      int64_t *ret_count)
{
	return penalty_cache_count(s->penalty, host, since_us, until_us, ret_count);
}

int
store_penalty_of_drop(struct store *s, const struct attempt *a, struct penalty *ret)
{
	return penalty_cache_of_drop(s->penalty, a, ret);
}

int
store_check_file(struct store *s)
{
	int moved = 0;

	if (!s || !s->db || streq(s->path, ":memory:"))
		return 0;
	/* The unix VFS compares the inode it has open with the path's. */
	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK)
		return 0;
	return moved ? -ENOENT : 0;
}

struct store *
store_free(struct store *s)
{
	if (!s)
		return NULL;
	s->ckpt = checkpointer_stop(s->ckpt);
	s->penalty = penalty_cache_free(s->penalty);     /* its statements before the close */
	for (size_t i = 0; i < _ST_MAX; i++)
		sqlite3_finalize(s->st[i]);
	for (size_t d = 0; d < _QM_MAX; d++)
		for (size_t i = 0; i < _DRV_MAX; i++)
			sqlite3_finalize(s->query[d][i]);
	postings_free(s->post);         /* its statements, before the connection */
	/* close_v2: never fails; a still-open statement would be a bug here. */
	sqlite3_close_v2(s->db);
	buf_release(&s->evidence);
	free(s->path);
	free(s);
	return NULL;
}

/* Step a statement that returns no rows, then reset it. */
static int
step_done(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	int r = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		strlcpy_n(s->last_error, sizeof s->last_error, sqlite3_errmsg(s->db),
			  strlen(sqlite3_errmsg(s->db)));
		r = store_errno(s->db, rc);
		if (r == 0)
			r = -EIO;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r;
}

int
store_begin(struct store *s)
{
	return step_done(s, s->st[ST_BEGIN]);
}

/* The one place a batch is committed: its pending postings go in first. */
int
store_commit(struct store *s)
{
	int r = store_errno(s->db, postings_flush(s->post));

	if (r >= 0)
		r = summary_writer_flush(s->db);        /* stats' summaries: store-summary.h */
	if (r >= 0)
		r = step_done(s, s->st[ST_COMMIT]);
	if (r >= 0)
		checkpointer_kick(s->ckpt);
	return r;
}

int
store_rollback(struct store *s)
{
	postings_clear(s->post);
	if (sqlite3_get_autocommit(s->db))
		return 0;       /* nothing to roll back (SQLite may have done it already) */
	return step_done(s, s->st[ST_ROLLBACK]);
}

/* Bind a C string; SQLITE_STATIC: every caller steps and resets before the
 * string can change. */
static int
bind_str(sqlite3_stmt *st, int i, const char *v)
{
	if (!v)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, (int)strlen(v), SQLITE_STATIC);
}

/* The evidence column: lines joined with '\n' (lines never contain one:
 * evidence.h), each packed (evidence_pack()). */
static int
pack_evidence(struct buf *b, const struct attempt *a)
{
	size_t need = 0;

	for (size_t i = 0; i < a->n_evidence; i++)
		need += a->evidence_len[i] + 1;
	if (buf_reserve(b, need) < 0)
		return -ENOMEM;
	for (size_t i = 0, hl = strlen(a->host); i < a->n_evidence; i++) {
		if ((i && buf_append(b, "\n", 1) < 0) ||
		    evidence_pack(b, a->evidence[i], a->evidence_len[i], a->host, hl, a->start_us) < 0)
			return -ENOMEM;
	}
	return 0;
}

int
store_pack_evidence(struct attempt *a)
{
	struct buf b;

	buf_init(&b);
	if (pack_evidence(&b, a) < 0) {
		buf_release(&b);
		return -ENOMEM;
	}
	free(a->packed);
	a->packed_len = b.len;
	a->packed = b.data;
	return 0;
}

static int
bind_attempt(struct store *s, sqlite3_stmt *st, const struct attempt *a,
	     char *cand, size_t candsz)
{
	const char *o = outcome_to_string(a->outcome), *c = cause_to_string(a->cause);
	size_t clen = 0;
	int rc = SQLITE_OK;

	if (!o || !c)
		return -EINVAL;
	/* tag: causes. Comma-separated codes; no code contains a comma. */
	cand[0] = '\0';
	for (size_t i = 0; i < a->n_candidates && i < ATTEMPT_MAX_CANDIDATES; i++) {
		const char *cs = cause_to_string(a->candidates[i]);
		size_t l;

		if (!cs)
			continue;
		l = strlen(cs);
		if (clen + l + 2 > candsz)
			break;
		if (clen)
			cand[clen++] = ',';
		memcpy(cand + clen, cs, l);
		clen += l;
		cand[clen] = '\0';
	}
	if (!a->packed) {
		buf_clear(&s->evidence);
		if (pack_evidence(&s->evidence, a) < 0)
			return -ENOMEM;
	}

	rc |= sqlite3_bind_int64(st, 1, (int64_t)a->uid);
	rc |= bind_str(st, 2, a->host);
	rc |= sqlite3_bind_int64(st, 3, a->pid);
	rc |= sqlite3_bind_int64(st, 4, a->child_pid);
	rc |= sqlite3_bind_int64(st, 5, a->start_us);
	rc |= sqlite3_bind_int64(st, 6, a->end_us);
	rc |= sqlite3_bind_int(st, 7, a->open ? 1 : 0);
	rc |= bind_str(st, 8, a->addr);
	rc |= sqlite3_bind_int(st, 9, a->port);
	rc |= sqlite3_bind_int(st, 10, a->server_port);
	rc |= bind_str(st, 11, a->user);
	rc |= sqlite3_bind_int(st, 12, a->user_valid > 0 ? 1 : a->user_valid == 0 ? 0 : -1);
	rc |= bind_str(st, 13, o);
	rc |= bind_str(st, 14, c);
	rc |= sqlite3_bind_text(st, 15, cand, (int)clen, SQLITE_STATIC);
	rc |= bind_str(st, 16, a->detail);
	rc |= bind_str(st, 17, a->reason);
	rc |= bind_str(st, 19, a->loglevel);
	if (a->packed)
		rc |= sqlite3_bind_text(st, 20, a->packed, (int)a->packed_len, SQLITE_STATIC);
	else
		rc |= sqlite3_bind_text(st, 20, s->evidence.data, (int)s->evidence.len, SQLITE_STATIC);
	rc |= sqlite3_bind_int64(st, 21, (int64_t)a->n_evidence_dropped);
	rc |= bind_str(st, 23, a->session_end);
	return rc == SQLITE_OK ? 0 : -ENOMEM;
}

static int
put_keys(struct store *s, const struct attempt *a)
{
	sqlite3_stmt *st = s->st[ST_KEY_INSERT];

	for (size_t i = 0; i < a->n_keys && i < ATTEMPT_MAX_KEYS; i++) {
		const struct attempt_key *k = &a->keys[i];
		const char *res = key_result_to_string(k->result);
		int r;

		sqlite3_bind_int64(st, 1, a->id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		bind_str(st, 3, k->type);
		bind_str(st, 4, k->fingerprint);
		bind_str(st, 5, res ? res : "offered");
		r = step_done(s, st);
		if (r < 0)
			return r;
	}
	return 0;
}

static int step_id(struct store *s, sqlite3_stmt *st, int64_t *ret_id);

/* Post a written row: a's values, or, when the update kept the stored
 * identity (ST_UPDATE_KEEP_ID), the row's own start. */
static int
post_attempt(struct store *s, const struct attempt *a, bool reread)
{
	int64_t start_us = a->start_us;

	if (reread) {
		sqlite3_stmt *st = s->st[ST_START];
		int r;

		sqlite3_bind_int64(st, 1, a->id);
		r = step_id(s, st, &start_us);
		if (r <= 0)
			return r < 0 ? r : -ENOENT;
	}
	int rc = postings_add(s->post, a->id, start_us, a->user, a->addr, cause_to_string(a->cause));

	for (size_t i = 0; rc == SQLITE_OK && i < a->n_keys && i < ATTEMPT_MAX_KEYS; i++)
		rc = postings_add_key(s->post, POST_FINGERPRINT, a->id, start_us, a->keys[i].fingerprint);
	return store_errno(s->db, rc);
}

static int
put_attempt_locked(struct store *s, struct attempt *a)
{
	char cand[ATTEMPT_MAX_CANDIDATES * 64];
	sqlite3_stmt *st = NULL;
	int which, r;

	if (a->id == 0) {
		st = s->st[ST_INSERT];
		r = bind_attempt(s, st, a, cand, sizeof cand);
		if (r < 0) {
			reset_stmt(st);
			return r;
		}
		r = step_done(s, st);
		if (r < 0)
			return r;
		if (sqlite3_changes(s->db) == 0)
			return 0;               /* connection already stored: duplicate */
		a->id = sqlite3_last_insert_rowid(s->db);
		r = put_keys(s, a);
		if (r >= 0)
			r = post_attempt(s, a, false);
		if (r < 0) {
			a->id = 0;
			return r;
		}
		return 1;
	}

	for (which = ST_UPDATE;; which = ST_UPDATE_KEEP_ID) {
		st = s->st[which];
		r = bind_attempt(s, st, a, cand, sizeof cand);
		if (r < 0) {
			reset_stmt(st);
			return r;
		}
		sqlite3_bind_int64(st, 22, a->id);
		r = step_done(s, st);
		if (r != -EEXIST || which == ST_UPDATE_KEEP_ID)
			break;
	}
	if (r < 0)
		return r;
	if (sqlite3_changes(s->db) == 0)
		return -ENOENT;
	st = s->st[ST_KEYS_DELETE];
	sqlite3_bind_int64(st, 1, a->id);
	r = step_done(s, st);
	if (r < 0)
		return r;
	r = put_keys(s, a);
	if (r < 0)
		return r;
	r = post_attempt(s, a, which == ST_UPDATE_KEEP_ID);
	if (r < 0)
		return r;
	return 1;
}

int
store_put_attempt(struct store *s, struct attempt *a)
{
	int64_t old_id = a->id;
	int r, r2;

	if (!sqlite3_get_autocommit(s->db)) {
		r = put_attempt_locked(s, a);
		if (r < 0) {
			/* A failed statement (disk full, I/O error) leaves the batch
			 * open with part of this attempt in it (its row without its
			 * keys): roll the whole batch back so that can never be
			 * committed. The caller's commit then fails too. */
			store_rollback(s);
			a->id = old_id;
		}
		return r;
	}
	/* Outside a batch: make the row and its keys one transaction. */
	r = store_begin(s);
	if (r < 0)
		return r;
	r = put_attempt_locked(s, a);
	if (r < 0) {
		store_rollback(s);
		a->id = old_id;
		return r;
	}
	r2 = store_commit(s);
	if (r2 < 0) {
		store_rollback(s);
		a->id = old_id;
		return r2;
	}
	return r;
}

int
store_put_orphan(struct store *s, int64_t time_us, const char *host, uint32_t pid,
		 const char *kind, const char *line, uint64_t hash)
{
	sqlite3_stmt *st = s->st[ST_ORPHAN];
	int r;

	sqlite3_bind_int64(st, 1, (int64_t)hash);
	sqlite3_bind_int64(st, 2, time_us);
	bind_str(st, 3, host ? host : "");
	sqlite3_bind_int64(st, 4, pid);
	bind_str(st, 5, kind ? kind : "");
	bind_str(st, 6, line ? line : "");
	r = step_done(s, st);
	if (r < 0)
		return r;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

static void
copy_col(char *dst, size_t dstsz, sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);

	if (!t) {
		dst[0] = '\0';
		return;
	}
	strlcpy_n(dst, dstsz, t, (size_t)sqlite3_column_bytes(st, col));
}

static int
load_keys(struct store *s, struct attempt *a)
{
	sqlite3_stmt *st = s->st[ST_KEYS_SELECT];
	int rc;

	sqlite3_bind_int64(st, 1, a->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char type[KEYTYPE_MAX], fp[FP_MAX], res[32];
		enum key_result kr;

		copy_col(type, sizeof type, st, 0);
		copy_col(fp, sizeof fp, st, 1);
		copy_col(res, sizeof res, st, 2);
		kr = key_result_from_string(res);
		attempt_add_key(a, type, fp, kr < 0 ? KEY_OFFERED : kr);
	}
	reset_stmt(st);
	return rc == SQLITE_DONE ? 0 : store_errno(s->db, rc);
}

/* Steps st to its end, calling row(s, st, ud) for each row; stops at the
 * first negative return. Resets st. Returns the rows handled or negative
 * errno (the statement's, mapped, when stepping failed). */
static int
step_rows(struct store *s, sqlite3_stmt *st, int (*row)(struct store *s, sqlite3_stmt *st, void *ud), void *ud)
{
	int rc, r = 0, n = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = row(s, st, ud);
		if (r < 0)
			break;
		n++;
	}
	if (r >= 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = store_errno(s->db, rc);
	reset_stmt(st);
	return r < 0 ? r : n;
}

/* Build an attempt from the current row of st (columns ATTEMPT_COLS). */
static int
row_to_attempt(struct store *s, sqlite3_stmt *st, struct attempt **ret)
{
	_cleanup_(attempt_freep) struct attempt *a = attempt_new();
	const char *ev, *t;
	char code[128];
	size_t evlen;
	int r;

	if (!a)
		return -ENOMEM;
	a->id = sqlite3_column_int64(st, COL_ID);
	a->uid = (uint64_t)sqlite3_column_int64(st, COL_UID);
	copy_col(a->host, sizeof a->host, st, COL_HOST);
	a->pid = (uint32_t)sqlite3_column_int64(st, COL_PID);
	a->child_pid = (uint32_t)sqlite3_column_int64(st, COL_CHILD_PID);
	a->start_us = sqlite3_column_int64(st, COL_START);
	a->end_us = sqlite3_column_int64(st, COL_END);
	a->open = sqlite3_column_int(st, COL_OPEN) != 0;
	copy_col(a->addr, sizeof a->addr, st, COL_ADDR);
	a->port = (uint16_t)sqlite3_column_int(st, COL_PORT);
	a->server_port = (uint16_t)sqlite3_column_int(st, COL_SERVER_PORT);
	copy_col(a->user, sizeof a->user, st, COL_USER);
	a->user_valid = sqlite3_column_int(st, COL_USER_VALID);
	if (a->user_valid > 1 || a->user_valid < -1)
		a->user_valid = -1;

	/* tag: outcomes, tag: causes. A code this binary does not know (only
	 * possible after a manual edit: newer schemas are refused) reads as
	 * open / none rather than failing the whole query. */
	copy_col(code, sizeof code, st, COL_OUTCOME);
	a->outcome = outcome_from_string(code);
	if ((int)a->outcome < 0)
		a->outcome = OUTCOME_OPEN;
	copy_col(code, sizeof code, st, COL_CAUSE);
	a->cause = cause_from_string(code);
	if ((int)a->cause < 0)
		a->cause = CAUSE_NONE;
	a->n_candidates = 0;
	t = (const char *)sqlite3_column_text(st, COL_CANDIDATES);
	while (t && *t && a->n_candidates < ATTEMPT_MAX_CANDIDATES) {
		const char *comma = strchr(t, ',');
		size_t l = comma ? (size_t)(comma - t) : strlen(t);
		enum cause c;

		strlcpy_n(code, sizeof code, t, l);
		c = cause_from_string(code);
		if ((int)c >= 0)
			a->candidates[a->n_candidates++] = c;
		t = comma ? comma + 1 : t + l;
	}

	copy_col(a->detail, sizeof a->detail, st, COL_DETAIL);
	copy_col(a->reason, sizeof a->reason, st, COL_REASON);
	copy_col(a->loglevel, sizeof a->loglevel, st, COL_LOGLEVEL);

	ev = (const char *)sqlite3_column_text(st, COL_EVIDENCE);
	evlen = (size_t)sqlite3_column_bytes(st, COL_EVIDENCE);
	if (ev && evlen > 0) {
		const char *p = ev, *end = ev + evlen;

		for (;;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

			/* The correlator's dedup hash: hash_bytes() of the whole line. */
			r = evidence_unpack(&s->evidence, p, l, a->host, a->start_us);
			if (r >= 0)
				r = attempt_add_evidence(a, s->evidence.data, s->evidence.len,
							 hash_bytes(HASH_INIT, s->evidence.data,
								    s->evidence.len));
			if (r < 0)
				return r;
			if (!nl)
				break;
			p = nl + 1;
		}
	}
	a->n_evidence_dropped = (size_t)MAX(sqlite3_column_int64(st, COL_EVIDENCE_DROPPED), 0);
	copy_col(a->session_end, sizeof a->session_end, st, COL_SESSION_END);

	r = load_keys(s, a);
	if (r < 0)
		return r;
	/* A plain row: the texts are made where it is shown (attempt-text.h). */
	*ret = TAKE_PTR(a);
	return 0;
}

/* store_load_open() and store_query() hand each row to their caller's
 * callback as an attempt; the open ones keep theirs (the callback owns it). */
struct attempt_cb {
	int (*cb_own)(struct attempt *a, void *ud);             /* takes the attempt */
	int (*cb_borrow)(const struct attempt *a, void *ud);    /* borrows it */
	void *ud;
};

static int
row_to_cb(struct store *s, sqlite3_stmt *st, void *ud)
{
	struct attempt_cb *c = ud;
	struct attempt *a = NULL;
	int r = row_to_attempt(s, st, &a);

	if (r < 0)
		return r;
	if (c->cb_own)
		return c->cb_own(a, c->ud);
	r = c->cb_borrow(a, c->ud);
	attempt_free(a);
	return r;
}

int
store_load_open(struct store *s, int (*cb)(struct attempt *a, void *ud), void *ud)
{
	struct attempt_cb c = { .cb_own = cb, .ud = ud };

	return step_rows(s, s->st[ST_LOAD_OPEN], row_to_cb, &c);
}

int
store_get(struct store *s, int64_t id, struct attempt **ret)
{
	sqlite3_stmt *st = s->st[ST_GET];
	int rc, r;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		reset_stmt(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		reset_stmt(st);
		return store_errno(s->db, rc);
	}
	r = row_to_attempt(s, st, ret);
	reset_stmt(st);
	return r < 0 ? r : 1;
}

/* Step a statement that selects one id: 1 = a row (*ret_id), 0 = none. Resets it. */
static int
step_id(struct store *s, sqlite3_stmt *st, int64_t *ret_id)
{
	int rc = sqlite3_step(st), r = 0;

	if (rc == SQLITE_ROW) {
		*ret_id = sqlite3_column_int64(st, 0);
		r = 1;
	} else if (rc != SQLITE_DONE) {
		r = store_errno(s->db, rc);
	}
	reset_stmt(st);
	return r;
}

int
store_find_connection(struct store *s, const struct attempt *a, int64_t *ret_id)
{
	const int64_t day = INT64_C(86400) * 1000000, hour = INT64_C(3600) * 1000000;
	bool endpoint = a->port && a->addr[0];
	sqlite3_stmt *st = s->st[endpoint ? ST_FIND_CONN : ST_FIND_CONN_NOPORT];
	_cleanup_(idvec_release) struct idvec ids = { 0 };
	int r;

	if (endpoint) {
		unsigned char key[POST_KEY_MAX];
		size_t kl = postings_addr_key(a->addr, key);

		/* the address's postings in that day (and this batch's) */
		r = store_errno(s->db, postings_collect(s->post, POST_ADDR, key, kl, NULL, 0,
							a->start_us - day, a->start_us + day + 1, &ids));
		if (r < 0)
			return r;
		if (ids.n == 0)
			return 0;
		sqlite3_bind_pointer(st, 8, &ids, IDVEC_POINTER_TYPE, NULL);
		sqlite3_bind_text(st, 1, a->addr, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, a->start_us - day);
		sqlite3_bind_int64(st, 3, a->start_us + day);
		sqlite3_bind_int(st, 4, a->port);
	} else {
		sqlite3_bind_int64(st, 2, a->start_us - hour);
		sqlite3_bind_int64(st, 3, a->start_us);
	}
	sqlite3_bind_int64(st, 5, a->pid);
	sqlite3_bind_text(st, 6, a->host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, a->start_us);
	return step_id(s, st, ret_id);
}

int
store_find_session(struct store *s, const struct attempt *a, int64_t *ret_id)
{
	bool tail = a->cause == CAUSE_SESSION_END_START_MISSING;
	bool endpoint = a->port && a->addr[0];
	int which = tail ? (endpoint ? ST_FIND_SESSION : ST_FIND_SESSION_PID) :
			   (endpoint ? ST_FIND_SESSION_TAIL : ST_FIND_SESSION_TAIL_PID);
	sqlite3_stmt *st = s->st[which];

	if (!tail && (a->outcome != OUTCOME_ACCEPTED || a->cause != CAUSE_ACCEPTED))
		return 0;
	sqlite3_bind_text(st, 1, a->host, -1, SQLITE_STATIC);
	if (endpoint) {
		sqlite3_bind_text(st, 2, a->addr, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, a->port);
	}
	sqlite3_bind_int64(st, 4, a->start_us);
	sqlite3_bind_int64(st, 5, a->pid);
	if (which != ST_FIND_SESSION_PID && which != ST_FIND_SESSION_TAIL_PID)
		sqlite3_bind_int64(st, 6, a->child_pid ? a->child_pid : tail ? a->pid : 0);
	return step_id(s, st, ret_id);
}

int
store_get_position(struct store *s, const char *kind, const char *key, char **ret)
{
	sqlite3_stmt *st = s->st[ST_POS_GET];
	int rc, r = 0;

	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);

		*ret = strdup(p ? p : "");
		r = *ret ? 1 : -ENOMEM;
	} else if (rc != SQLITE_DONE) {
		r = store_errno(s->db, rc);
	}
	reset_stmt(st);
	return r;
}

int
store_put_position(struct store *s, const char *kind, const char *key, const char *position)
{
	sqlite3_stmt *st = s->st[ST_POS_PUT];

	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, position, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_usec());
	return step_done(s, st);
}

int
store_counts(struct store *s, struct store_counts *ret)
{
	sqlite3_stmt *st = s->st[ST_COUNTS];
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW) {
		reset_stmt(st);
		return store_errno(s->db, rc);
	}
	*ret = (struct store_counts){
		.attempts = sqlite3_column_int64(st, 0),
		.open = sqlite3_column_int64(st, 1),
		.orphans = sqlite3_column_int64(st, 2),
	};
	reset_stmt(st);
	return 0;
}

/* What query_bind() derives from a filter. The texts and the id list are
 * bound SQLITE_STATIC: they must live until the statement is reset, so the
 * caller holds them (query_texts_release() after). */
struct query_texts {
	char exact[INET6_ADDRSTRLEN];
	const char *addr_exact, *cidr;
	/* the driving postings (DRV_IDS): kind, key lo (hi: a range) */
	enum post_kind kind;
	unsigned char lo[POST_KEY_MAX], hi[POST_KEY_MAX];
	size_t lolen, hilen;
	bool range;
	/* an IPv4 CIDR also covers the IPv4-mapped IPv6 addresses (cidr_contains) */
	unsigned char lo6[17], hi6[17];
	size_t len6;
	struct idvec ids;               /* bound to ?13; owned */
};

static void
query_texts_release(struct query_texts *t)
{
	idvec_release(&t->ids);
}

/* Read f's address filter into t. -EINVAL: not an address or network. */
static int
query_from(const struct attempt_filter *f, struct query_texts *t, struct cidr *ret_net)
{
	struct cidr c;

	if (!f->from || !*f->from)
		return 0;
	if (strchr(f->from, '/')) {
		if (cidr_parse(f->from, strlen(f->from), true, &c) < 0)
			return -EINVAL;
		if (c.prefix == (c.family == AF_INET ? 32u : 128u)) {
			inet_ntop(c.family, c.bytes, t->exact, sizeof t->exact);
			t->addr_exact = t->exact;
		} else {
			t->cidr = f->from;
			*ret_net = c;
		}
	} else if (cidr_parse(f->from, strlen(f->from), false, &c) == 0 && !strchr(f->from, '%')) {
		/* Compare in inet_ntop's canonical form, as sshd logs it. */
		inet_ntop(c.family, c.bytes, t->exact, sizeof t->exact);
		t->addr_exact = t->exact;
	} else
		t->addr_exact = f->from;        /* a DNS name in "User ... from HOST" */
	return 0;
}

/* The most selective condition drives: a fingerprint's keys, else the
 * postings of the user, the address, the network (a prefix of at least a
 * /8 or /16: a shorter one holds most of the database, and a time walk
 * finds a page sooner) or the cause. */
static int
query_plan(const struct attempt_filter *f, struct query_texts *t)
{
	struct cidr net = { 0 };
	int r;

	r = query_from(f, t, &net);
	if (r < 0)
		return r;
	if (f->outcome >= _OUTCOME_MAX || f->cause >= _CAUSE_MAX)
		return -EINVAL;
	if (f->active)
		return DRV_ACTIVE;
	if (f->fingerprint) {
		/* attempt_keys_fingerprint reads every match; --limit walks postings */
		t->kind = POST_FINGERPRINT;
		t->lolen = MIN(strlen(f->fingerprint), sizeof t->lo);
		memcpy(t->lo, f->fingerprint, t->lolen);
		return DRV_FINGERPRINT;
	}
	if (f->user) {
		t->kind = POST_USER;
		t->lolen = MIN(strlen(f->user), sizeof t->lo);
		memcpy(t->lo, f->user, t->lolen);
		return DRV_IDS;
	}
	if (t->addr_exact) {
		t->kind = POST_ADDR;
		t->lolen = postings_addr_key(t->addr_exact, t->lo);
		return DRV_IDS;
	}
	if (t->cidr && net.prefix >= (net.family == AF_INET ? 8u : 16u)) {
		t->kind = POST_ADDR;
		t->range = true;
		postings_cidr_range(net.family, net.bytes, net.prefix, t->lo, t->hi, &t->lolen);
		t->hilen = t->lolen;
		if (net.family == AF_INET) {
			static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
			unsigned char b6[16];

			memcpy(b6, v4mapped, 12);
			memcpy(b6 + 12, net.bytes, 4);
			postings_cidr_range(AF_INET6, b6, 96 + net.prefix, t->lo6, t->hi6, &t->len6);
		}
		return DRV_IDS;
	}
	if (f->cause >= 0) {
		const char *c = cause_to_string(f->cause);

		t->kind = POST_CAUSE;
		t->lolen = strlen(c);
		memcpy(t->lo, c, t->lolen);
		return DRV_IDS;
	}
	return f->outcome >= 0 ? DRV_OUTCOME : DRV_TIME;
}

/* Every posting of t's key (and the mapped range) that may hold an
 * attempt of f's time range, newest first per range. */
static int
query_walk(struct store *s, const struct attempt_filter *f, const struct query_texts *t,
	   int (*cb)(int64_t max_us, const int64_t *ids, size_t n, void *ud), void *ud)
{
	int64_t since = f->since_us ? f->since_us : INT64_MIN, until = f->until_us ? f->until_us : INT64_MAX;
	int rc;

	rc = postings_walk(s->post, t->kind, t->lo, t->lolen, t->range ? t->hi : NULL, t->hilen,
			   since, until, cb, ud);
	if (rc == SQLITE_OK && t->len6)
		rc = postings_walk(s->post, t->kind, t->lo6, t->len6, t->hi6, t->len6, since, until, cb, ud);
	return store_errno(s->db, rc);
}

/* Prepares (once) and binds the query of f in the given shape and driver.
 * Returns 0 (*ret borrowed, reset it after use; t must outlive that) or
 * negative errno. */
static int
query_bind_drv(struct store *s, const struct attempt_filter *f, int mode, int drv,
	       struct query_texts *t, sqlite3_stmt **ret)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (!s->query[mode][drv]) {
		const char *sql = query_sql[mode][drv];

		if (mode == QM_KEYS && (drv == DRV_TIME || drv == DRV_OUTCOME))
			sql = Q_KEYS_BY_TIME;
		r = store_prepare(s, sql, &s->query[mode][drv]);
		if (r < 0)
			return r;
	}
	st = s->query[mode][drv];
	bind_str(st, 1, f->user);
	bind_str(st, 2, f->host);
	sqlite3_bind_int64(st, 3, f->since_us ? f->since_us : INT64_MIN);
	sqlite3_bind_int64(st, 4, f->until_us ? f->until_us : INT64_MAX);
	bind_str(st, 5, f->outcome >= 0 ? outcome_to_string(f->outcome) : NULL);
	bind_str(st, 6, f->cause >= 0 ? cause_to_string(f->cause) : NULL);
	bind_str(st, 7, f->fingerprint);
	bind_str(st, 8, t->addr_exact);
	bind_str(st, 9, t->cidr);
	if (mode == QM_NEWEST)
		sqlite3_bind_int64(st, 12, f->limit);
	if (drv == DRV_IDS)
		sqlite3_bind_pointer(st, 13, &t->ids, IDVEC_POINTER_TYPE, NULL);
	*ret = st;
	return 0;
}

/* The query of f in a shape that reads every match (all, brief, keys): the
 * postings' ids first when they drive. */
static int
query_bind(struct store *s, const struct attempt_filter *f, int mode, struct query_texts *t, sqlite3_stmt **ret)
{
	int drv = query_plan(f, t), r;

	if (drv < 0)
		return drv;
	if (drv == DRV_IDS) {
		int64_t since = f->since_us ? f->since_us : INT64_MIN;
		int64_t until = f->until_us ? f->until_us : INT64_MAX;
		int rc;

		size_t n1;

		rc = postings_collect(s->post, t->kind, t->lo, t->lolen, t->range ? t->hi : NULL,
				      t->hilen, since, until, &t->ids);
		n1 = t->ids.n;
		if (rc == SQLITE_OK && t->len6)
			rc = postings_collect(s->post, t->kind, t->lo6, t->len6, t->hi6, t->len6,
					      since, until, &t->ids);
		r = store_errno(s->db, rc);
		if (r < 0)
			return r;
		if (t->ids.n > n1 && n1 > 0)    /* two sorted lists */
			idvec_sort_unique(&t->ids, 0);
	}
	return query_bind_drv(s, f, mode, drv, t, ret);
}

/* The newest `limit` attempts of a posting lookup: postings newest first,
 * each id probed once (start and filter, on the row), the best kept in a
 * min-heap; a posting whose newest attempt is older than the heap's oldest
 * cannot improve it, and neither can those after it (the walk's order). */
struct top_pick {
	int64_t start_us, id;
};

struct topn {
	sqlite3_stmt *probe;
	int64_t limit;
	struct top_pick *heap;          /* owned */
	size_t n, cap;
	int64_t *seen;                  /* owned: ids probed (open addressing, 0 free) */
	size_t n_seen, cap_seen;
	int err;                        /* SQLite code of a failed probe */
};

static bool
pick_less(struct top_pick a, struct top_pick b)
{
	return a.start_us < b.start_us || (a.start_us == b.start_us && a.id < b.id);
}

static void
heap_sift_down(struct topn *t, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < t->n && pick_less(t->heap[l], t->heap[m]))
			m = l;
		if (l + 1 < t->n && pick_less(t->heap[l + 1], t->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		struct top_pick tmp = t->heap[i];

		t->heap[i] = t->heap[m];
		t->heap[m] = tmp;
		i = m;
	}
}

static int
heap_offer(struct topn *t, struct top_pick p)
{
	size_t i;

	if ((int64_t)t->n == t->limit) {
		if (pick_less(p, t->heap[0]) || (p.start_us == t->heap[0].start_us && p.id == t->heap[0].id))
			return 0;
		t->heap[0] = p;
		heap_sift_down(t, 0);
		return 0;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct top_pick *h = realloc(t->heap, cap * sizeof *h);

		if (!h)
			return -ENOMEM;
		t->heap = h;
		t->cap = cap;
	}
	for (i = t->n++; i > 0 && pick_less(p, t->heap[(i - 1) / 2]); i = (i - 1) / 2)
		t->heap[i] = t->heap[(i - 1) / 2];
	t->heap[i] = p;
	return 0;
}

/* 1: id was probed already; 0: noted now. */
static int
seen_add(struct topn *t, int64_t id)
{
	size_t i;

	if (2 * (t->n_seen + 1) > t->cap_seen) {
		size_t cap = t->cap_seen ? t->cap_seen * 2 : 1024;
		int64_t *v = calloc(cap, sizeof *v), *old = t->seen;

		if (!v)
			return -ENOMEM;
		for (size_t j = 0; j < t->cap_seen; j++) {
			if (!old[j])
				continue;
			for (i = (size_t)((uint64_t)old[j] * UINT64_C(0x9e3779b97f4a7c15) >> 7) & (cap - 1);
			     v[i]; i = (i + 1) & (cap - 1))
				;
			v[i] = old[j];
		}
		free(old);
		t->seen = v;
		t->cap_seen = cap;
	}
	for (i = (size_t)((uint64_t)id * UINT64_C(0x9e3779b97f4a7c15) >> 7) & (t->cap_seen - 1); t->seen[i];
	     i = (i + 1) & (t->cap_seen - 1))
		if (t->seen[i] == id)
			return 1;
	t->seen[i] = id;
	t->n_seen++;
	return 0;
}

static int
topn_cb(int64_t max_us, const int64_t *ids, size_t n, void *ud)
{
	struct topn *t = ud;

	if ((int64_t)t->n == t->limit && max_us < t->heap[0].start_us)
		return 1;
	for (size_t i = 0; i < n; i++) {
		int rc, r = seen_add(t, ids[i]);

		if (r < 0)
			return r;
		if (r > 0)
			continue;
		sqlite3_bind_int64(t->probe, 14, ids[i]);
		rc = sqlite3_step(t->probe);
		if (rc == SQLITE_ROW)
			r = heap_offer(t, (struct top_pick){ sqlite3_column_int64(t->probe, 0), ids[i] });
		else if (rc != SQLITE_DONE)
			t->err = rc;
		sqlite3_reset(t->probe);        /* the filter's bindings stay */
		if (t->err)
			return -EIO;
		if (r < 0)
			return r;
	}
	return 0;
}

/* store_query() with a limit over postings: the newest f->limit matches'
 * ids into t->ids. */
static int
query_top(struct store *s, const struct attempt_filter *f, struct query_texts *t)
{
	struct topn top = { .limit = f->limit };
	int r;

	r = query_bind_drv(s, f, QM_PROBE, DRV_PROBE, t, &top.probe);
	if (r < 0)
		return r;
	r = query_walk(s, f, t, topn_cb, &top);
	reset_stmt(top.probe);
	if (top.err)
		r = store_errno(s->db, top.err);
	for (size_t i = 0; r >= 0 && i < top.n; i++)
		r = idvec_push(&t->ids, top.heap[i].id);
	free(top.heap);
	free(top.seen);
	if (r >= 0)
		idvec_sort_unique(&t->ids, 0);
	return r;
}

int
store_query(struct store *s, const struct attempt_filter *f,
	    int (*cb)(const struct attempt *a, void *ud), void *ud)
{
	struct attempt_cb c = { .cb_borrow = cb, .ud = ud };
	_cleanup_(query_texts_release) struct query_texts t = { 0 };
	sqlite3_stmt *st = NULL;
	int drv, r;

	if (f->limit > 0) {
		drv = query_plan(f, &t);
		if (drv < 0)
			return drv;
		if (t.kind) {   /* posted: DRV_IDS or DRV_FINGERPRINT */
			r = query_top(s, f, &t);
			if (r >= 0)
				r = query_bind_drv(s, f, QM_ALL, DRV_IDS, &t, &st);
		} else
			r = query_bind_drv(s, f, QM_NEWEST, drv, &t, &st);
	} else
		r = query_bind(s, f, QM_ALL, &t, &st);
	return r < 0 ? r : step_rows(s, st, row_to_cb, &c);
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return v ? v : "";
}

/* Outcome and cause strings -> enum, remembered per scan: the tables'
 * lookups compare against every code in turn, and a scan of a few hundred
 * thousand rows sees a few dozen distinct strings. Direct-mapped by length
 * and two bytes; a hit costs one strcmp. */
struct code_cache {
	struct {
		const char *code;       /* the table's own string, NULL: empty */
		int value;
	} slot[64];
};

static int
code_lookup(struct code_cache *cc, const char *text, const char *(*to_string)(int), int (*from_string)(const char *))
{
	size_t len = strlen(text);
	unsigned h = (unsigned)(len * 31 + (len ? (unsigned char)text[len / 2] * 7 + (unsigned char)text[len - 1] : 0)) & 63;
	int v;

	if (cc->slot[h].code && streq(cc->slot[h].code, text))
		return cc->slot[h].value;
	v = from_string(text);
	if (v >= 0) {
		cc->slot[h].code = to_string(v);
		cc->slot[h].value = v;
	}
	return v;
}

static const char *
outcome_name(int v)
{
	return outcome_to_string(v);
}

static int
outcome_value(const char *s)
{
	return outcome_from_string(s);
}

static const char *
cause_name(int v)
{
	return cause_to_string(v);
}

static int
cause_value(const char *s)
{
	return cause_from_string(s);
}

struct brief_cb {
	int (*cb)(const struct attempt_brief *b, void *ud);
	void *ud;
	struct code_cache outcomes, causes;
};

static int
row_to_brief(struct store *s, sqlite3_stmt *st, void *ud)
{
	struct brief_cb *c = ud;
	struct attempt_brief b = {
		.start_us = sqlite3_column_int64(st, 0),
		.host = col_text(st, 1),
		.user = col_text(st, 2),
		.addr = col_text(st, 3),
		.outcome = code_lookup(&c->outcomes, col_text(st, 4), outcome_name, outcome_value),
		.cause = code_lookup(&c->causes, col_text(st, 5), cause_name, cause_value),
	};

	return c->cb(&b, c->ud);
}

int
store_scan_brief(struct store *s, const struct attempt_filter *f,
		 int (*cb)(const struct attempt_brief *b, void *ud), void *ud)
{
	struct brief_cb c = { .cb = cb, .ud = ud };
	_cleanup_(query_texts_release) struct query_texts t = { 0 };
	sqlite3_stmt *st = NULL;
	int r;

	r = query_bind(s, f, QM_BRIEF, &t, &st);
	return r < 0 ? r : step_rows(s, st, row_to_brief, &c);
}

struct key_cb {
	int (*cb)(const char *user, const char *fingerprint, int outcome, void *ud);
	void *ud;
};

static int
row_to_key(struct store *s, sqlite3_stmt *st, void *ud)
{
	struct key_cb *c = ud;

	return c->cb(col_text(st, 0), col_text(st, 1), outcome_from_string(col_text(st, 2)), c->ud);
}

int
store_scan_keys(struct store *s, const struct attempt_filter *f,
		int (*cb)(const char *user, const char *fingerprint, int outcome, void *ud), void *ud)
{
	struct key_cb c = { .cb = cb, .ud = ud };
	_cleanup_(query_texts_release) struct query_texts t = { 0 };
	sqlite3_stmt *st = NULL;
	int r;

	r = query_bind(s, f, QM_KEYS, &t, &st);
	return r < 0 ? r : step_rows(s, st, row_to_key, &c);
}

static int
explain_one(struct store *s, const char *name, const char *sql,
	    int (*cb)(const char *name, const char *detail, void *ud), void *ud)
{
	_cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
	int rc, r = store_prepare(s, sql, &st);

	if (r < 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 3);

		r = cb(name, d ? d : "", ud);
		if (r < 0)
			return r;
	}
	return rc == SQLITE_DONE ? 0 : store_errno(s->db, rc);
}

int
store_explain_plans(struct store *s, int (*cb)(const char *name, const char *detail, void *ud), void *ud)
{
	char name[64];
	int r;

	for (int m = 0; m < _QM_MAX; m++)
		for (int d = 0; d < _DRV_MAX; d++) {
			if ((m == QM_PROBE) != (d == DRV_PROBE))
				continue;       /* shapes never run */
			if (m == QM_KEYS && (d == DRV_TIME || d == DRV_OUTCOME))
				continue;       /* Q_KEYS_BY_TIME instead */
			snprintf(name, sizeof name, "%s/%s", mode_names[m], drv_names[d]);
			r = explain_one(s, name, plan_sql[m][d], cb, ud);
			if (r < 0)
				return r;
		}
	r = explain_one(s, "find-connection", EQP FIND_CONN_SQL, cb, ud);
	if (r >= 0)
		r = store_errno(s->db, postings_explain(s->post, cb, ud));
	return r;
}

/* ------------------------------------------------------------------------ */
/* Retention */

/* The attempts a prune may delete: closed, started and ended before ?1. The
 * start bound drives attempts_start; open = 0 keeps what follow reloads. */
#define PRUNE_PICK "SELECT id FROM attempts WHERE start_us < ?1 AND end_us < ?1 AND open = 0 " \
		   "ORDER BY start_us LIMIT ?2"

enum {
	PR_KEYS,
	PR_ATTEMPTS,
	PR_ORPHANS,
	PR_COUNT_ATTEMPTS,
	PR_COUNT_KEYS,
	PR_COUNT_ORPHANS,
	PR_COUNT_OPEN,
	PR_STAMP,
	PR_KEPT,
	PR_KEPT_KEYS,
	_PR_MAX,
};

static const char *const prune_sql[_PR_MAX] = {
	/* keys first: the schema's ON DELETE CASCADE needs foreign_keys=ON */
	[PR_KEYS] = "DELETE FROM attempt_keys WHERE attempt_id IN (" PRUNE_PICK ")",
	[PR_ATTEMPTS] = "DELETE FROM attempts WHERE id IN (" PRUNE_PICK ")",
	/* orphans has no time index: one pass, not chunks that each scan it */
	[PR_ORPHANS] = "DELETE FROM orphans WHERE time_us < ?1",
	[PR_COUNT_ATTEMPTS] = "SELECT count(*) FROM attempts WHERE start_us < ?1 AND end_us < ?1 AND open = 0",
	[PR_COUNT_KEYS] = "SELECT count(*) FROM attempt_keys WHERE attempt_id IN "
			  "(SELECT id FROM attempts WHERE start_us < ?1 AND end_us < ?1 AND open = 0)",
	[PR_COUNT_ORPHANS] = "SELECT count(*) FROM orphans WHERE time_us < ?1",
	[PR_COUNT_OPEN] = "SELECT count(*) FROM attempts WHERE start_us < ?1 AND open = 1",
	/* store_last_prune(); ?1 is the time of the prune here */
	[PR_STAMP] = "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_prune_us', ?1)",
	/* What the cut left (open, or ended after it): posted again, after
	 * the postings older than the cut are dropped (prune_postings()). */
	[PR_KEPT] = "SELECT id, start_us, user, addr, cause FROM attempts WHERE start_us < ?1",
	[PR_KEPT_KEYS] = "SELECT k.attempt_id, a.start_us, k.fingerprint FROM attempts a "
			 "JOIN attempt_keys k ON k.attempt_id = a.id WHERE a.start_us < ?1",
};

static void
sqlite3_finalize_array(sqlite3_stmt *(*st)[_PR_MAX])
{
	for (size_t i = 0; i < _PR_MAX; i++)
		sqlite3_finalize((*st)[i]);
}

/* One statement bound to (before_us, chunk): its count(*) when it returns a
 * row, else the rows it changed. */
static int
prune_step(struct store *s, sqlite3_stmt *st, int64_t before_us, int64_t chunk, int64_t *ret)
{
	int rc;

	sqlite3_bind_int64(st, 1, before_us);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, chunk);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*ret = sqlite3_changes64(s->db);
	else {
		strlcpy_n(s->last_error, sizeof s->last_error, sqlite3_errmsg(s->db),
			  strlen(sqlite3_errmsg(s->db)));
		int r = store_errno(s->db, rc);

		reset_stmt(st);
		return r < 0 ? r : -EIO;
	}
	reset_stmt(st);
	return 0;
}

/* The postings of the attempts pruned: every posting older than the cut
 * goes, and the attempts the cut kept are posted again (committed with the
 * caller's transaction), so lookups do not wade through dead ids. */
static int
prune_postings(struct store *s, sqlite3_stmt *kept, sqlite3_stmt *kept_keys, int64_t before_us)
{
	int64_t done = 0;
	int r = store_errno(s->db, postings_drop_before(s->post, before_us));

	if (r >= 0)
		r = post_rows(s, kept, post_row, before_us, 0, &done);
	if (r >= 0)
		r = post_rows(s, kept_keys, post_key_row, before_us, 0, &done);
	return r;
}

int
store_prune(struct store *s, int64_t before_us, int64_t chunk, bool dry_run,
	    struct store_prune_stats *ret)
{
	_cleanup_(sqlite3_finalize_array) sqlite3_stmt *st[_PR_MAX] = { 0 };
	struct store_prune_stats stats = { 0 };
	int64_t n;
	int r;

	if (s->readonly)
		return -EROFS;
	if (chunk <= 0)
		chunk = 1000;
	for (size_t i = 0; i < _PR_MAX; i++) {
		r = store_prepare(s, prune_sql[i], &st[i]);
		if (r < 0)
			return r;
	}
	r = prune_step(s, st[PR_COUNT_OPEN], before_us, chunk, &stats.open_kept);
	if (r < 0)
		return r;
	if (dry_run) {
		r = prune_step(s, st[PR_COUNT_ATTEMPTS], before_us, chunk, &stats.attempts);
		if (r >= 0)
			r = prune_step(s, st[PR_COUNT_KEYS], before_us, chunk, &stats.keys);
		if (r >= 0)
			r = prune_step(s, st[PR_COUNT_ORPHANS], before_us, chunk, &stats.orphans);
		if (r < 0)
			return r;
		*ret = stats;
		return 0;
	}

	do {
		int64_t k = 0;

		r = store_begin(s);
		if (r < 0)
			return r;
		r = prune_step(s, st[PR_KEYS], before_us, chunk, &k);
		if (r >= 0)
			r = prune_step(s, st[PR_ATTEMPTS], before_us, chunk, &n);
		if (r >= 0)
			r = store_commit(s);
		if (r < 0) {
			(void)store_rollback(s);
			*ret = stats;
			return r;
		}
		stats.keys += k;
		stats.attempts += n;
	} while (n == chunk);

	r = store_begin(s);
	if (r < 0)
		return r;
	r = prune_postings(s, st[PR_KEPT], st[PR_KEPT_KEYS], before_us);
	if (r >= 0)
		r = prune_step(s, st[PR_ORPHANS], before_us, chunk, &stats.orphans);
	if (r >= 0)
		r = prune_step(s, st[PR_STAMP], now_usec(), chunk, &n);
	if (r >= 0)
		r = store_commit(s);
	if (r < 0) {
		(void)store_rollback(s);
		stats.orphans = 0;
	}
	*ret = stats;
	return r;
}

int
store_set_bulk(struct store *s, bool on)
{
	int r;

	if (s->readonly || on == s->bulk)
		return 0;
	if (on) {
		r = exec_sql(s, "PRAGMA wal_autocheckpoint = " STRINGIFY(STORE_BULK_CHECKPOINT_PAGES));
		if (r >= 0)
			r = exec_sql(s, "PRAGMA cache_size = -" STRINGIFY(STORE_BULK_CACHE_KIB));
		if (r >= 0)
			s->bulk = true;
		/* Without its thread the load checkpoints at its end only. */
		if (r >= 0 && !streq(s->path, ":memory:") && checkpointer_start(s->path, &s->ckpt) < 0)
			s->ckpt = NULL;
		return r;
	}
	s->bulk = false;
	s->ckpt = checkpointer_stop(s->ckpt);
	r = exec_sql(s, "PRAGMA wal_autocheckpoint = " STRINGIFY(STORE_WAL_CHECKPOINT_PAGES));
	if (r >= 0)
		r = exec_sql(s, "PRAGMA cache_size = -" STRINGIFY(STORE_CACHE_KIB));
	/* the WAL file shrinks back when the checkpoint below lets it restart */
	if (r >= 0)
		r = exec_sql(s, "PRAGMA journal_size_limit = " STRINGIFY(STORE_WAL_LIMIT_BYTES));
	/* The one checkpoint of the load; readers may hold it back (then the
	 * next commits' autocheckpoints finish it). */
	if (r >= 0 && sqlite3_get_autocommit(s->db))
		r = store_errno(s->db, sqlite3_wal_checkpoint_v2(s->db, "main", SQLITE_CHECKPOINT_PASSIVE,
								   NULL, NULL));
	return r == -EBUSY ? 0 : r;
}

int
store_last_prune(struct store *s, int64_t *ret_us)
{
	_cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
	int rc, r;

	r = store_prepare(s, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'last_prune_us'", &st);
	if (r < 0)
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret_us = sqlite3_column_int64(st, 0);
		return 1;
	}
	return rc == SQLITE_DONE ? 0 : store_errno(s->db, rc);
}

int
store_vacuum(struct store *s)
{
	_cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
	int r;

	if (s->readonly)
		return -EROFS;
	r = store_prepare(s, "VACUUM", &st);
	if (r < 0)
		return r;
	r = step_done(s, st);
	if (r < 0)
		return r;
	/* the WAL now holds a copy of every page: fold it back and truncate it */
	sqlite3_finalize(st);
	st = NULL;
	r = store_prepare(s, "PRAGMA wal_checkpoint(TRUNCATE)", &st);
	return r < 0 ? r : step_done(s, st);
}
/* explain's "the database holds N attempts from .. to .. on hosts ..":
 * count, time range (store_time_span()), and the hosts of the newest and
 * oldest 1000 attempts (a full GROUP BY host would scan a million rows:
 * 400 ms). */
int
store_summary(struct store *s, struct store_summary *ret)
{
	static const char *const sql[] = {
		"SELECT count(*) FROM attempts",
		"SELECT DISTINCT host FROM (SELECT host FROM (SELECT host FROM attempts ORDER BY start_us DESC "
		"LIMIT 1000) UNION ALL SELECT host FROM (SELECT host FROM attempts ORDER BY start_us LIMIT 1000)) "
		"LIMIT 5",
	};
	sqlite3_stmt *st = NULL;
	int rc, r;

	*ret = (struct store_summary){ 0 };
	/* none: first and last stay 0, as the count says */
	r = store_time_span(s, &ret->first_us, &ret->last_us);
	if (r < 0)
		return r;
	for (size_t q = 0; q < 2; q++) {
		rc = sqlite3_prepare_v2(s->db, sql[q], -1, &st, NULL);
		if (rc != SQLITE_OK)
			return store_errno(s->db, rc);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (q == 0) {
				ret->attempts = sqlite3_column_int64(st, 0);
			} else if (ret->n_hosts < ELEMENTSOF(ret->hosts)) {
				const char *h = (const char *)sqlite3_column_text(st, 0);

				strlcpy_n(ret->hosts[ret->n_hosts++], sizeof ret->hosts[0], h ? h : "",
					  h ? strlen(h) : 0);
			} else {
				ret->more_hosts = true;
			}
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return store_errno(s->db, rc);
	}
	return 0;
}

/* ingest's overlap check (overlap.h) and store_summary(): the span of the
 * stored attempts' starts, two walks of the attempts_start index (no row
 * count). */
int
store_time_span(struct store *s, int64_t *ret_first, int64_t *ret_last)
{
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	rc = sqlite3_prepare_v2(s->db, "SELECT (SELECT min(start_us) FROM attempts), "
				"(SELECT max(start_us) FROM attempts)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(s->db, rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*ret_first = sqlite3_column_int64(st, 0);
		*ret_last = sqlite3_column_int64(st, 1);
		r = 1;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_errno(s->db, rc);
	sqlite3_finalize(st);
	return r;
}

/* follow's per-host journal positions (source.h): every row of kind. */
int
store_list_positions(struct store *s, const char *kind, int (*cb)(const char *key, const char *position, void *ud),
		     void *ud)
{
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	rc = sqlite3_prepare_v2(s->db, "SELECT key, position FROM positions WHERE kind = ?1 ORDER BY key",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(s->db, rc);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	while (r >= 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *p = (const char *)sqlite3_column_text(st, 1);

		r = cb(k ? k : "", p ? p : "", ud);
	}
	if (r >= 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = store_errno(s->db, rc);
	sqlite3_finalize(st);
	return r;
}
