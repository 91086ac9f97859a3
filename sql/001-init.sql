-- sshwhy schema, version 1. Applied by store.c (store_migrate) inside one
-- transaction; the last statements stamp application_id and user_version,
-- which store.c checks after running the file.
--
-- tag: outcomes / tag: causes. attempts.outcome and attempts.cause hold the
-- kebab-case strings of include/cause.h OUTCOMES and CAUSES; candidates is a
-- comma-separated list of CAUSES codes. attempt_keys.result holds the strings
-- of include/attempt.h KEY_RESULTS (tag: key-results). Strings, not numbers, so
-- reordering the C tables never changes what a stored row means.

-- One row per connection (struct attempt).
CREATE TABLE attempts (
	id               INTEGER PRIMARY KEY,
	uid              INTEGER NOT NULL,          -- hash(host, pid, first line), signed bit pattern; informational
	host             TEXT    NOT NULL,
	pid              INTEGER NOT NULL,
	child_pid        INTEGER NOT NULL DEFAULT 0,
	start_us         INTEGER NOT NULL,          -- UTC microseconds since the epoch
	end_us           INTEGER NOT NULL,
	open             INTEGER NOT NULL DEFAULT 0,
	addr             TEXT    NOT NULL DEFAULT '',
	port             INTEGER NOT NULL DEFAULT 0,
	server_port      INTEGER NOT NULL DEFAULT 0,
	user             TEXT    NOT NULL DEFAULT '', -- as logged (sshd vis encoding), bytes may be invalid UTF-8
	user_valid       INTEGER NOT NULL DEFAULT -1, -- 1 valid, 0 invalid/refused, -1 unknown
	outcome          TEXT    NOT NULL,          -- tag: outcomes
	cause            TEXT    NOT NULL,          -- tag: causes
	candidates       TEXT    NOT NULL DEFAULT '', -- tag: causes, comma-separated
	detail           TEXT    NOT NULL DEFAULT '', -- the verdict's particular; texts are derived from cause + fields
	reason           TEXT    NOT NULL DEFAULT '',
	loglevel         TEXT    NOT NULL DEFAULT '',
	evidence         TEXT    NOT NULL DEFAULT '', -- raw lines joined with '\n' (lines never hold '\n')
	evidence_dropped INTEGER NOT NULL DEFAULT 0
);

-- A connection's identity: host, pid, client port and the time of its first line
-- (listener drops share the pid and, in syslog's 1 s resolution, the time).
-- Unique, so a re-ingested connection is a no-op (ON CONFLICT DO NOTHING), and
-- time-ordered, so inserts append. `sshwhy attempts` without a driving filter
-- walks it newest first.
CREATE UNIQUE INDEX attempts_start ON attempts(start_us, pid, port, host);
-- --user, --from ADDR / CIDR prefix, --cause: equality then time order. (--outcome has
-- few distinct values and walks attempts_start: one index less to update per insert.)
CREATE INDEX attempts_user ON attempts(user, start_us);
CREATE INDEX attempts_addr ON attempts(addr, start_us);
CREATE INDEX attempts_cause ON attempts(cause, start_us);
-- store_load_open(): few rows are open, so a partial index stays tiny.
CREATE INDEX attempts_open ON attempts(start_us) WHERE open = 1;

-- Keys offered or used in an attempt, in the order seen.
CREATE TABLE attempt_keys (
	attempt_id  INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,
	type        TEXT    NOT NULL,
	fingerprint TEXT    NOT NULL,
	result      TEXT    NOT NULL,               -- tag: key-results
	PRIMARY KEY (attempt_id, seq)
) WITHOUT ROWID;
-- --fingerprint
CREATE INDEX attempt_keys_fingerprint ON attempt_keys(fingerprint);

-- sshd lines that no attempt holds (unrecognised text, listener lines).
CREATE TABLE orphans (
	id      INTEGER PRIMARY KEY,
	hash    INTEGER NOT NULL UNIQUE,            -- dedup on re-ingest
	time_us INTEGER NOT NULL,
	host    TEXT    NOT NULL,
	pid     INTEGER NOT NULL,
	kind    TEXT    NOT NULL,                   -- tag: event-kinds (include/event.h)
	line    TEXT    NOT NULL
);

-- Where each source stopped (journal cursor, file dev/ino/offset), saved in
-- the same transaction as the attempts it produced. Used by `follow`.
CREATE TABLE positions (
	kind       TEXT    NOT NULL,                -- "journal", "file", ...
	key        TEXT    NOT NULL,                -- machine id / path
	position   TEXT    NOT NULL,
	updated_us INTEGER NOT NULL,
	PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- Free-form settings for later versions.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT
) WITHOUT ROWID;

-- 0x73736877 = "sshw": tells our files from other SQLite databases.
PRAGMA application_id = 1936943223;
PRAGMA user_version = 1;
