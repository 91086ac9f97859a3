/* Subcommands: each src/cmd-<name>.c exports one struct command. */
#pragma once

struct global_opts {
	const char *db_path;            /* --db, $SSHWHY_DB, or store_default_path() */
	int verbose;
};

struct command {
	const char *name;
	const char *synopsis;           /* "ingest [OPTIONS] FILE..." */
	const char *summary;            /* one line */
	int (*run)(int argc, char **argv, const struct global_opts *g);
	void (*help)(void);
};

extern const struct command cmd_follow;
extern const struct command cmd_ingest;
extern const struct command cmd_attempts;
extern const struct command cmd_show;
extern const struct command cmd_explain;
extern const struct command cmd_redact;
extern const struct command cmd_check;
extern const struct command cmd_help;
extern const struct command cmd_stats;

extern const struct command *const commands[];

/* Catch up on this machine's sshd log (journal, else auth.log/secure) from
 * where follow stopped, store it and stop: what explain reads first so a
 * fresh attempt is not missed. Returns 0 (also when there is nothing to
 * read) or negative errno. */
int follow_update_default(const struct global_opts *g);

struct store;
/* Open the database of g (flags as store_open()), logging a clear message on
 * failure ("no database at ..." for a missing one opened read-only). */
int command_open_store(const struct global_opts *g, unsigned flags, struct store **ret);

/* Exit codes (STYLE.md 17). A command returns 0, a negative errno (runtime
 * failure, already logged) or EXIT_USAGE_ERROR via usage_error(). */
#define EXIT_USAGE 2
/* Log "sshwhy: <msg>" and "Try 'sshwhy help <cmd>'." and return -EXIT_USAGE_SENTINEL. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define EXIT_USAGE_SENTINEL 10000
