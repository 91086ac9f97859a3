/* Subcommands: each src/cmd-<name>.c exports one struct command. */
#pragma once

#include <stdbool.h>

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
extern const struct command cmd_prune;

extern const struct command *const commands[];

/* "Usage: sshwhy SYNOPSIS", the summary and the command's help, on stdout. */
void command_help(const struct command *c);

struct store;
/* Open the database of g (flags as store_open()), logging a clear message on
 * failure ("no database at ..." for a missing one opened read-only). */
int command_open_store(const struct global_opts *g, unsigned flags, struct store **ret);

/* Exit codes (STYLE.md 17): 0 success, EXIT_FAILURE (1) a runtime failure
 * or a finding, EXIT_USAGE_ERROR (2) a usage error. A command returns 0, a
 * positive value (a finding: check's "blocked"), a negative errno (failure,
 * already logged), or what usage_error() returns. */
#define EXIT_USAGE_ERROR 2

/* Log one line, "sshwhy: CMD: MESSAGE; try 'sshwhy help CMD'", note that the
 * run ends with exit status 2, and return -EINVAL. cmd NULL: no command. */
/* usage_error() was called during this run: main() exits EXIT_USAGE_ERROR. */
bool usage_error_happened(void);
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* usage_error() for what getopt_long() returned for a bad option: ':' (the
 * optstring starts with ':') a missing value, else an unknown option or a
 * value given to an option that takes none. Call it right after getopt_long. */
int usage_bad_option(const char *cmd, int c, char **argv);
