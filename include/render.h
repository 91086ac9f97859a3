/* Presentation of attempts: aligned text tables that fit the terminal, a
 * detailed view, and JSON lines. All escaping of log-derived text is done here
 * (escape.h: escape_terminal for text, json_escape for JSON). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "escape.h"     /* json_escape(), escape_terminal() */

struct attempt;
struct buf;

struct render_opts {
	bool color;             /* ANSI colour (TTY and no NO_COLOR) */
	int width;              /* terminal columns; 0 = unlimited */
	bool utc;               /* print times in UTC instead of local */
};

/* One attempt as one JSON object + '\n' (with "penalty": the one that
 * dropped it, a->penalty, or null). */
int render_attempt_json(struct buf *b, const struct attempt *a);

/* One penalty as one JSON object + '\n', its "record" "penalty". */
struct penalty;
int render_penalty_json(struct buf *b, const struct penalty *p);
/* The penalties on `from` after the attempts table: a title and aligned rows
 * (ID, time, host, network, state, for how long, until, reason), escaped.
 * Rows are made as penalties are added; print shows nothing for none. */
struct penalty_table;
int penalty_table_new(const struct render_opts *o, struct penalty_table **ret);
struct penalty_table *penalty_table_free(struct penalty_table *t);
int penalty_table_add(struct penalty_table *t, const struct penalty *p);
size_t penalty_table_rows(const struct penalty_table *t);
int penalty_table_print(struct penalty_table *t, const char *from, FILE *f);

/* Table of attempts: collect rows, then print aligned. */
struct table;
int table_new(const struct render_opts *o, struct table **ret);
struct table *table_free(struct table *t);
int table_add_attempt(struct table *t, const struct attempt *a);
int table_print(struct table *t, FILE *f);

/* One line per attempt for follow: time, host, user, address:port, outcome,
 * cause, explanation [fingerprint], escaped, coloured if o->color. */
int render_attempt_line(struct buf *b, const struct attempt *a, const struct render_opts *o);

/* Detailed multi-line view (sshwhy show). */
int render_attempt_detail(FILE *f, const struct attempt *a, const struct render_opts *o);

/* --color=WHEN: auto (the default: colour on a terminal, unless NO_COLOR is
 * set or TERM=dumb), always, never. The choice is the process's: the global
 * option and each command's set it through render_set_color(). */
enum render_color { RENDER_COLOR_AUTO, RENDER_COLOR_ALWAYS, RENDER_COLOR_NEVER };
/* "auto", "always", "never" (also "yes"/"no") -> 0 and the mode set; else
 * -EINVAL and nothing changed. */
int render_set_color(const char *when);

/* Fill opts from the environment: color per --color (auto: isatty(fd),
 * NO_COLOR unset, TERM not dumb), width from TIOCGWINSZ / $COLUMNS. */
void render_opts_from_env(struct render_opts *o, int fd);
