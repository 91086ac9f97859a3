-- sshwhy schema, version 4: PerSourcePenalties queryable (issue 12). Applied in
-- place by store.c (store_migrate), inside one transaction; store-penalty.c
-- (store_penalty_migrated) then fills the table from the orphan lines of kind
-- 'penalty' stored before this version.
--
-- One row per srclimit_penalise line of the listener: a penalty imposed
-- (deferred or active), activated, or refused because the table was full.
-- The network is the address's PerSourceNetBlockSize prefix, kept as a range
-- of 16-byte addresses (IPv4 mapped into ::ffff:0:0/96, bits = 96 + N), so
-- `--from ADDR` and `--from CIDR` find the penalties that contain or overlap
-- them with one index seek per distinct prefix length.
CREATE TABLE penalties (
	id          INTEGER PRIMARY KEY,
	hash        INTEGER NOT NULL UNIQUE,        -- the orphan line's hash: dedup on re-ingest
	time_us     INTEGER NOT NULL,
	host        TEXT    NOT NULL,
	pid         INTEGER NOT NULL,               -- the listener's
	network     TEXT    NOT NULL,               -- as logged: 203.0.113.5/32
	lo          BLOB    NOT NULL,               -- first address of the range, 16 bytes
	hi          BLOB    NOT NULL,               -- last address of the range, 16 bytes
	bits        INTEGER NOT NULL,               -- prefix length over the 16 bytes
	state       TEXT    NOT NULL,               -- tag: penalty-states (include/store-penalty.h)
	duration_ms INTEGER,                        -- as logged; NULL when table-full
	reason      TEXT    NOT NULL                -- sshd's reason without "penalty: "
);
-- Containment and overlap: per distinct prefix length (few), a seek on lo;
-- a drop's penalty is the newest before it (time_us last).
CREATE INDEX penalties_net ON penalties(bits, lo, time_us);

-- The evidence line stays in orphans (joined by hash): pruning an orphan line
-- (sshwhy prune) takes its penalty with it.
CREATE TRIGGER penalties_prune AFTER DELETE ON orphans WHEN old.kind = 'penalty'
BEGIN
	DELETE FROM penalties WHERE hash = old.hash;
END;

PRAGMA user_version = 4;
