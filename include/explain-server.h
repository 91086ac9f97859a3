/* A few sshd lines pasted where a client log was expected (the admin's own
 * journalctl or auth.log lines, with or without their syslog header): read
 * as ingest reads them, into a throw-away database (deleted afterwards), so
 * each connection they show gets its verdict on its own. Nothing is stored
 * in the real database. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct attempt;

/* At most this many lines and connections: a longer server log belongs in
 * the database (sshwhy ingest), where its connections meet the rest of
 * their lines and a partner's client log can pick the right one. */
#define EXPLAIN_SERVER_MAX_LINES 500
#define EXPLAIN_SERVER_MAX_ATTEMPTS 5

struct explain_server_stats {
	size_t lines;                   /* non-empty lines in the paste */
	size_t sshd_lines;              /* read as sshd's */
	size_t bare;                    /* of which had no header (no time, host or pid) */
};

/* Reads data[0..len) as sshd lines and calls cb for every attempt they make
 * (texts filled; borrowed), oldest first. Returns the number of attempts
 * (0: no line was sshd's), -E2BIG beyond EXPLAIN_SERVER_MAX_LINES lines
 * (nothing read: sshd_lines 0) or EXPLAIN_SERVER_MAX_ATTEMPTS attempts (cb
 * not called), or another negative errno (*reterr may say more; caller
 * frees). */
int explain_server_lines(const char *data, size_t len, int (*cb)(const struct attempt *a, void *ud), void *ud,
			 struct explain_server_stats *ret_stats, char **reterr);
