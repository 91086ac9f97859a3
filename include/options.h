/* A command's options, each next to its help line (STYLE.md 15), and help
 * text that fits 80 columns. */
#pragma once

#include <getopt.h>
#include <stddef.h>

#define HELP_WIDTH 80

struct option_help {
	struct option opt;      /* .name NULL: not an option, a line of help for an argument */
	const char *arg;        /* "PATH" after the option (NULL: a flag), or the argument ("FILE...") */
	const char *help;       /* wrapped when printed; '\n' starts a new line */
	char short_name;        /* also -c (in the optstring too), or 0 */
};

/* The getopt_long() table of options[0..n) into ret, which holds n + 1
 * entries (the last one zeroed). */
void options_getopt(const struct option_help *options, size_t n, struct option *ret);

/* "  -q, --name ARG  help", one entry after another, the help wrapped under a
 * column as wide as the longest left side (an entry wider than 26 columns
 * gets its help on the next line). */
void options_print(const struct option_help *options, size_t n);

/* text at column indent (the first line after lead, which fills that column
 * or ends a line of its own when longer), wrapped at word boundaries to fit
 * HELP_WIDTH; '\n' breaks. Japanese wraps between characters. */
void help_wrap(const char *lead, size_t indent, const char *text);

