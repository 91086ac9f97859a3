/* The follow engine: read a source live, correlate, store and hand each
 * verdict to the caller once the transaction covering it has committed. The
 * source position is committed with the attempts it covers, so a restart (or
 * a crash at any instant) continues with no lost and no duplicated attempt. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "source.h"

struct attempt;
struct missed_report;
struct progress_report;
struct store;
struct store_prune_stats;

struct follow_config {
	struct store *store;            /* open; borrowed */
	const char *db_path;            /* for messages */
	const char *file;               /* follow this syslog file; NULL: the journal */
	const char *directory;          /* journal: the files in DIR; NULL: the local journal */
	struct follow_options source;   /* since, at_end, units, identifiers (position: the engine's) */
	unsigned login_grace;           /* seconds (sshd's LoginGraceTime); 0: no such expiry */
	/* Called for each completed attempt before its transaction commits:
	 * render it into a buffer, print nothing yet. */
	int (*verdict)(const struct attempt *a, void *userdata);
	/* Called after each commit: print what verdict() buffered. A negative
	 * return (stdout gone) stops the engine. */
	int (*flush)(void *userdata);
	/* Called while catching up, and once when caught up (r->final); NULL:
	 * not asked. */
	void (*progress)(const struct progress_report *r, void *userdata);
	/* Called for what is skipped without stopping (unreadable lines, a
	 * failed reopen on SIGHUP), worded, ending in ", ignoring"; NULL: not
	 * asked. */
	void (*warning)(const char *msg, void *userdata);
	void *userdata;
	/* Called once before the first line is read, with the saved position
	 * the read resumes from (NULL: none, a first start, which begins as
	 * source.since_us / source.at_end say); NULL: not asked. */
	void (*start)(const char *position, void *userdata);
	/* Called once when the backlog is read and what its end expired is
	 * stored (the verdicts after it are live); NULL: not asked. */
	void (*caught_up)(void *userdata);
	/* > 0: retention, applied once a day between batches
	 * (retention_prune_if_due()); pruned() is told what went. */
	int64_t keep_us;
	void (*pruned)(const struct store_prune_stats *s, void *userdata);
	/* Not NULL: every line not read as an sshd event is reported there
	 * (missed.h); the caller sets its input label and prints the summary. */
	struct missed_report *missed;
};

/* Run until SIGTERM/SIGINT (returns 0, everything committed) or a failure
 * (returns negative errno; *reterr says what, worded for the user, or stays
 * NULL without memory; caller frees). SIGHUP reopens the source. Blocks
 * SIGTERM, SIGINT and SIGHUP and reads them through a signalfd. Prints
 * nothing itself. */
int follow_run(const struct follow_config *c, char **reterr);

/* Catch up on this machine's sshd log (journal, else auth.log/secure) from
 * where follow stopped, store it and stop: what explain reads first so a
 * fresh attempt is not missed. Returns 0 (also when there is nothing to
 * read) or negative errno. Prints nothing. */
int follow_update_default(const char *db_path);
