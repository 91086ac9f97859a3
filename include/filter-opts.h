/* The filter options that commands listing or summarising attempts share
 * (--user, --from, --fingerprint, --since, --until, --outcome, --cause,
 * --host), each next to its help line, validated where they are parsed. */
#pragma once

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

struct attempt_filter;

/* getopt_long values of the filter options: FILTER_OPT_BASE and up. A
 * command numbers its own options from FILTER_OPT_END. */
#define FILTER_OPT_BASE 0x100
#define FILTER_OPT_END 0x120

struct cmd_option {
	struct option opt;
	const char *arg;                /* the value's name in the help, NULL: none */
	const char *help;
};

extern const struct cmd_option filter_options[];
extern const size_t n_filter_options;

/* Applies filter option c (getopt_long's value) with arg to f; now is the
 * time relative times count from. Returns 1 applied, 0 c is not a filter
 * option, or usage_error()'s value for a bad value (message printed). */
int filter_option(const char *cmd, int c, const char *arg, int64_t now, struct attempt_filter *f);

/* Checks the whole filter (e.g. --since before --until); 0 or usage_error(). */
int filter_check(const char *cmd, const struct attempt_filter *f);

/* Prints "  --name ARG   help" lines, aligned. */
void cmd_options_help(const struct cmd_option *o, size_t n);
