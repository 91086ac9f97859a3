-- sshwhy schema, version 5: summaries for `sshwhy stats` over long ranges
-- (issue 14). Applied in place by store.c (store_migrate), inside one
-- transaction. src/store-summary.c reads and writes these tables. The store's
-- writers only mark hours dirty (summary_writer_flush() in store_commit(), from
-- a pre-update hook: no trigger, as a trigger on attempts would make every
-- INSERT keep a statement journal, measured +70% CPU for ingest).
--
-- summary: one row per bucket of start times, the aggregate of its attempts
-- (counts by host, outcome and cause; per user, per source address, per user
-- and key fingerprint, per minute) packed in data (format: store-summary.c,
-- tag: summary-format). Levels: 0 = one hour, 1 = one day (24 hours), 2 = 16
-- days (384 hours); hour = the first hour of the bucket, in hours since the
-- epoch (floor), a multiple of the level's size. A row is valid while no hour
-- inside it is in summary_dirty; an hour without a row and not dirty holds no
-- attempt.
CREATE TABLE summary (
	level INTEGER NOT NULL,
	hour  INTEGER NOT NULL,
	data  BLOB    NOT NULL,
	PRIMARY KEY (level, hour)
);

-- Hours [lo, hi] whose attempts changed since their summary was made (an
-- attempt's hour is that of its start_us; inserted, updated: old and new,
-- deleted). Writers add single hours; the migration adds the whole range of
-- an existing database, so the first `stats` after an upgrade makes its
-- summaries (with progress). Other programs that write attempts must add the
-- hours they change here too (bench/stats.sh does).
CREATE TABLE summary_dirty (
	lo INTEGER NOT NULL,
	hi INTEGER NOT NULL,
	PRIMARY KEY (lo, hi)
) WITHOUT ROWID;

-- An existing database: all of it, one range (two seeks of attempts_start).
INSERT INTO summary_dirty (lo, hi)
	SELECT lo / 3600000000 - (lo % 3600000000 < 0), hi / 3600000000 - (hi % 3600000000 < 0)
	FROM (SELECT (SELECT min(start_us) FROM attempts) AS lo, (SELECT max(start_us) FROM attempts) AS hi)
	WHERE lo IS NOT NULL;

PRAGMA user_version = 5;
