-- sshwhy schema, version 2: long sessions (issue 17). Applied in place by
-- store.c (store_migrate) to version-1 files, inside one transaction.
--
-- A session (an accepted attempt) lasts until its end lines, however long:
-- open = 1 while it runs, end_us its last line, and once over, session_end
-- says how it ended (fixed texts from conn.c session_end_text(); '' while open
-- or not a session). A session's end read without its start is a row of its
-- own, cause 'session-end-start-missing' (tag: causes), joined to the start
-- when that is read (ingest.c, store_find_session()).
ALTER TABLE attempts ADD COLUMN session_end TEXT NOT NULL DEFAULT '';

-- Sessions still open, by host and client endpoint (unique while the TCP
-- connection lives): an end line that finds no connection in memory looks its
-- start up here; `attempts --active` walks it. Partial: only open sessions.
CREATE INDEX attempts_open_sessions ON attempts(host, addr, port) WHERE open = 1 AND cause = 'accepted';
-- The same by the monitor's pid, for its "session closed" line (no endpoint).
CREATE INDEX attempts_open_session_pids ON attempts(host, pid) WHERE open = 1 AND cause = 'accepted';
-- Ends stored without their start (a newer file read first): a session start
-- stored later looks for its end here.
CREATE INDEX attempts_session_tails ON attempts(host, addr, port) WHERE cause = 'session-end-start-missing';

PRAGMA user_version = 2;
