/* Log sources: every input kind yields struct log_line records and a position.
 *  - syslog text (RFC 3339 rsyslog format, traditional "Mmm dd hh:mm:ss", RHEL
 *    /var/log/secure), plain or .gz, or "-" for stdin;
 *  - journal export text (journalctl -o export) and JSON (-o json);
 *  - journal files through sd-journal (local, --directory, --file).
 * The format of a file or stream is detected from its first bytes. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct log_line;
struct source;

enum source_format {
	SOURCE_SYSLOG,          /* either timestamp style, line by line */
	SOURCE_EXPORT,          /* journal export format */
	SOURCE_JSON,            /* journalctl -o json */
	SOURCE_JOURNAL,         /* sd-journal */
};

struct source_options {
	int year;               /* traditional timestamps: fixed year; 0 = infer from mtime */
	bool all_idents;        /* false: only sshd/sshd-session/sshd-auth lines are returned */
	size_t max_line;        /* longer lines are cut (and counted); 0 = default 64 KiB */
	bool deliver_missed;    /* syslog text: also return the lines that are not sshd lines
				 * (malformed header, other programs) with log_line.missed set */
	const char *host;       /* Win32-OpenSSH log files: the host (NULL: the file's name) */
};

/* Open a text input ("-" = stdin). Detects gzip and the format. Errors: negative
 * errno with *reterr (caller frees) saying what is wrong (e.g. "binary data",
 * "UTF-16 text", "truncated gzip stream"). */
int source_open_path(const char *path, const struct source_options *o, struct source **ret, char **reterr);

/* Does this machine keep a journal (persistent or volatile) sd-journal can read? */
bool source_have_local_journal(void);

/* The embedded default input: the local journal if there is one (returns 1),
 * else /var/log/auth.log, else /var/log/secure (returns 0, *ret_file set, a
 * static string); -ENOENT when there is none of them. */
int source_default(const char **ret_file);

/* Open the journal: directory (NULL = local system journal) or files (NULL-terminated). */
int source_open_journal(const char *directory, char **files, const struct source_options *o,
			struct source **ret, char **reterr);

/* Next matching line. 1 = *ret filled (borrowed until the next call), 0 = end
 * of input, negative errno on a read error (*reterr says what, caller frees). */
int source_next(struct source *s, struct log_line *ret, char **reterr);

struct source *source_free(struct source *s);

struct source_stats {
	uint64_t lines;         /* records read (lines or journal entries) */
	uint64_t matched;       /* sshd lines returned */
	uint64_t malformed;     /* lines whose prefix could not be parsed (skipped, counted) */
	uint64_t truncated;     /* lines cut at max_line */
	uint64_t bytes_done;    /* progress: bytes consumed (compressed bytes for .gz) */
	uint64_t bytes_total;   /* 0 = unknown (stdin, journal) */
	uint64_t truncations;   /* follow file: copytruncate or rewritten in place, read again from 0 */
	uint64_t rotations;     /* follow file: moved on to a new file at the path */
};
void source_get_stats(const struct source *s, struct source_stats *ret);
enum source_format source_get_format(const struct source *s);
/* May a batch reader read this source on another thread (prefetch.h)? */
bool source_can_read_ahead(const struct source *s);

/* Parse one syslog text line (no trailing newline) into *ret (pointers into
 * line). year: used for traditional timestamps; ref_mtime: for the year rule
 * when year == 0 (see source-syslog.c). Returns 1 parsed, 0 not a syslog line. */
int syslog_parse_line(const char *line, size_t len, int year, time_t ref_time, struct log_line *ret);

/* The year rule for traditional timestamps: the year that puts month/day at or
 * before ref_time + 1 day (so a December line read in January is last year's). */
int syslog_infer_year(int month, int day, time_t ref_time);

/* Notes on the contract above (source.c, source-syslog.c, source-export.c,
 * source-journal.c):
 *  - Refusals at open: -EMEDIUMTYPE for UTF-16 and binary input; -EISDIR,
 *    -ENOENT, -EACCES ... from open(). Damaged gzip: -EBADMSG from
 *    source_next() ("truncated gzip stream" / "corrupt gzip stream") after
 *    every complete line before the damage was returned. reterr messages
 *    name the input with control characters escaped; print them as they are.
 *  - source_open_journal(): -ENOENT with "no journal ..." when the local
 *    journal (or the directory) has no journal files at all; an existing
 *    but empty journal opens and yields 0 entries. A corrupt entry or file
 *    is counted in stats.malformed and iteration ends cleanly, never fatal.
 *  - Journal-derived inputs (export, JSON, sd-journal) match on
 *    SYSLOG_IDENTIFIER sshd/sshd-session/sshd-auth OR _SYSTEMD_UNIT
 *    ssh.service/sshd.service/ssh@*.service/sshd@*.service; host from
 *    _HOSTNAME, pid from SYSLOG_PID else _PID, time from __REALTIME_TIMESTAMP.
 *  - stats.lines counts records: text lines, or journal entries. For
 *    SOURCE_JOURNAL bytes_total is 0 and bytes_done counts entries.
 *  - struct log_line strings may contain NUL bytes and invalid UTF-8. */

/* ---- Follow mode (sshwhy follow) ------------------------------------------
 * A follow source never ends: when it has returned everything there is,
 * source_next() returns -EAGAIN and the caller waits (source_wait()) and calls
 * it again. Positions are opaque strings a later run passes back to resume
 * exactly after the last line returned: for a file "file dev=D ino=I off=O
 * head=H" (H: hash of the first 4 KiB, to notice a different file at the
 * same size), for the journal the sd-journal cursor. */

struct follow_options {
	const char *position;   /* resume after this (NULL: start per since/at_end) */
	int64_t since_us;       /* no position: start at the first entry at or after this; 0 = not set */
	bool at_end;            /* no position and no since: start at the end (--no-catch-up) */
	char **units;           /* journal: _SYSTEMD_UNIT matches (NULL: the defaults) */
	char **identifiers;     /* journal: SYSLOG_IDENTIFIER matches (NULL: sshd, sshd-session, sshd-auth) */
	char **host_positions;  /* journal directory: the per-host positions saved earlier, a
				 * NULL-terminated list of pairs host, position (see
				 * source_foreach_host_position()); NULL: none */
};

/* Follow a syslog text file the way tail -F does: survives rename+create
 * (drains the old file, then reads the new one from its start), copytruncate
 * (size below the offset: read again from 0), a different file at the same
 * path and size (head hash), and the file missing for a while (waits). */
int source_open_follow_file(const char *path, const struct source_options *o,
			    const struct follow_options *f, struct source **ret, char **reterr);

/* Follow the journal (directory NULL = the local system journal). */
int source_open_follow_journal(const char *directory, const struct source_options *o,
			       const struct follow_options *f, struct source **ret, char **reterr);

/* Position after the last line source_next() returned, or NULL before the
 * first (then nothing is to be saved). Borrowed: valid until the next call. */
const char *source_get_position(struct source *s);

/* A journal directory of many hosts (at least 16 files at the start) is
 * followed host by host: each host's files are caught up as a stream of
 * their own, then the directory is followed live. Each host has a position;
 * source_get_position() then says SOURCE_POSITION_HOSTS, and a later run
 * resumes from follow_options.host_positions (an old single cursor in
 * follow_options.position is where every host resumes; a host with no
 * position under SOURCE_POSITION_HOSTS is new: read from its start).
 * source_foreach_host_position() calls cb(host, position) for every host
 * whose position moved since its last call (forgotten as moved when cb
 * returns 0); returns 0 or cb's first negative return. Other sources: 0. */
#define SOURCE_POSITION_HOSTS "hosts"
int source_foreach_host_position(struct source *s, int (*cb)(const char *host, const char *position, void *ud),
				 void *ud);

/* Wait until more data may be there, at most timeout_us (-1 = forever).
 * Returns 1 data may be ready, 0 timeout, -EINTR on a signal, negative errno. */
int source_wait(struct source *s, int64_t timeout_us);

/* A file descriptor to poll (POLLIN) together with others, or -1 when the
 * source can only be polled by timeout (then call source_wait with a short
 * timeout). After it fires, call source_next(). */
int source_get_fd(struct source *s);

/* Reopen the underlying file or journal (SIGHUP); the position is kept. */
int source_reopen(struct source *s, char **reterr);
