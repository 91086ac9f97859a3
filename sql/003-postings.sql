-- sshwhy schema, version 3: postings instead of the user, address and cause
-- indexes (issue 15). Applied in place by store.c (store_migrate) inside one
-- transaction; store.c then posts every stored attempt (post_all_attempts(),
-- with progress), since an address key is made in C.
--
-- Per batch of written attempts (store-postings.c, POST_BATCH), one row per
-- kind and key holding the batch's attempt ids: ~65k appended rows per 1M
-- lines instead of 733k index insertions in random key order. An update
-- (follow closing an attempt, a merge, a session join) appends a posting; the
-- stale ones stay until prune, and readers re-check every row they fetch.
CREATE TABLE postings (
	kind     INTEGER NOT NULL,          -- tag: posting-kinds: 1 user, 2 address, 3 cause, 4 fingerprint
	k        BLOB    NOT NULL,          -- user or cause bytes; address: 0x04 + 4 bytes,
					    -- 0x06 + 16 bytes, else 0x00 + text (a CIDR is a range)
	max_us   INTEGER NOT NULL,          -- newest start_us of its attempts when written
	min_us   INTEGER NOT NULL,          -- oldest
	first_id INTEGER NOT NULL,          -- the smallest attempt id
	ids      BLOB    NOT NULL           -- the others, ascending, as varint deltas
);
-- A key's postings newest first (the first page of --user stops early); the
-- start range filters postings without reading them.
CREATE INDEX postings_key ON postings(kind, k, max_us, min_us);

DROP INDEX attempts_user;
DROP INDEX attempts_addr;
DROP INDEX attempts_cause;

PRAGMA user_version = 3;
