/* The missed-lines report (sshwhy ingest --print-unrecognised): every input
 * line that did not become a typed sshd event, with its file and line number,
 * escaped, and a count per reason. Sources deliver the lines they cannot read
 * as sshd lines (struct log_line.missed) when asked to
 * (source_options.deliver_missed); the ingest pipeline hands those and the
 * messages no parser row knows to missed_report_add(). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct log_line;

/* tag: missed-reasons. Values of struct log_line.missed (0 = not missed). */
enum missed_reason {
	MISSED_NONE,
	MISSED_UNKNOWN,         /* an sshd line whose message no pattern knows */
	MISSED_MALFORMED,       /* the header (time, host, ident[pid]:) could not be read */
	MISSED_CUT,             /* cut: at the reader's line limit, at sshd's 500 bytes, or by a relay */
	MISSED_NOT_SSHD,        /* another program's line */
	_MISSED_REASON_MAX,
};

const char *missed_reason_to_string(enum missed_reason r);

struct missed_report {
	FILE *out;              /* where lines are printed; NULL: count only */
	bool print_not_sshd;    /* also print other programs' lines (they are always counted) */
	const char *input;      /* label of the input being read (borrowed) */
	uint64_t count[_MISSED_REASON_MAX];
};

/* Count one missed line and print it as "INPUT:LINE: REASON: TEXT" (TEXT
 * escaped; for a parsed header "IDENT[PID]: MSG"). */
void missed_report_add(struct missed_report *m, const struct log_line *line, enum missed_reason r);

/* The reason an unrecognised sshd line gets: cut when the source cut it, when
 * it fills sshd's 500 bytes or ends in a relay's cut mark, else unknown. */
enum missed_reason missed_reason_of_unrecognised(const struct log_line *line);

/* "N lines not read: A unknown message, B malformed header, C cut, D not sshd". */
void missed_report_print_summary(const struct missed_report *m, FILE *f);
