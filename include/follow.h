/* The follow engine: read a source live, correlate, store and hand each
 * verdict to the caller once the transaction covering it has committed. The
 * source position is committed with the attempts it covers, so a restart (or
 * a crash at any instant) continues with no lost and no duplicated attempt. */
#pragma once

#include <stdbool.h>

#include "source.h"

struct attempt;
struct progress_report;
struct store;

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
