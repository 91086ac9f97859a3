/* The filter options that commands listing or summarising attempts share
 * (--user, --from, --fingerprint, --since, --until, --outcome, --cause,
 * --host), each next to its help line, validated where they are parsed:
 * `attempts` and `stats` accept the same values and say the same things
 * about bad ones. */
#pragma once

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"

struct attempt_filter;

/* getopt_long values of the filter options: FILTER_OPT_BASE and up. A
 * command numbers its own long-only options from FILTER_OPT_END. */
#define FILTER_OPT_BASE 0x100
#define FILTER_OPT_END 0x120

#define N_FILTER_OPTIONS 8
extern const struct option_help filter_options[N_FILTER_OPTIONS];

/* The getopt_long() table of the filter options followed by the command's
 * own: ret holds N_FILTER_OPTIONS + n + 1 entries. */
void filter_getopt(const struct option_help *own, size_t n, struct option *ret);

/* Applies filter option c (getopt_long's value) with arg to f; now is the
 * time relative times count from. Returns 1 applied, 0 c is not a filter
 * option, or usage_error()'s value for a bad value (message printed). */
int filter_option(const char *cmd, int c, const char *arg, int64_t now, struct attempt_filter *f);

/* Checks the whole filter (--since before --until); 0 or usage_error(). */
int filter_check(const char *cmd, const struct attempt_filter *f);
