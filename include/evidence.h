/* The evidence line: the record of one log line that an attempt keeps, shows
 * and stores, written and read only here (evidence.c).
 *
 *   "YYYY-MM-DDTHH:MM:SS.uuuuuu+00:00 HOST IDENT[PID]: MSG"
 *
 * The timestamp is UTC with microseconds, EVIDENCE_TS_LEN bytes, so lines
 * compare in time order as strings. "[PID]" only when the line had a pid.
 * HOST is cut to 255 bytes, IDENT to 63; NUL, CR and LF in MSG are written as
 * \000 \015 \012, so a line never holds a newline and is one C string.
 *
 * Packed (the store's evidence column): "+DELTA IDENT[PID]: MSG", DELTA the
 * time in µs after the attempt's start, the host implied by the row; a line
 * of any other shape is packed as it is. Unpacking gives back the exact line. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct log_line;

#define EVIDENCE_TS_LEN 32
#define EVIDENCE_CAP_MIN 512            /* the least room evidence_format() writes into */

/* The date part of the last second formatted (consecutive lines nearly always
 * share it). Initialise with evidence_clock_init(). */
struct evidence_clock {
	int64_t sec;
	char date[40];
	size_t date_len;
};

void evidence_clock_init(struct evidence_clock *c);

/* Write the evidence line of line into out (cap >= EVIDENCE_CAP_MIN bytes,
 * NUL-terminated; the message is cut to fit). Returns its length. */
size_t evidence_format(struct evidence_clock *c, char *out, size_t cap, const struct log_line *line);

/* The time of an evidence line (its first EVIDENCE_TS_LEN bytes and the space
 * after them, exactly as evidence_format() writes them). false: not one. */
bool evidence_time(const char *line, size_t len, int64_t *ret_us);

/* Order two evidence lines by their timestamps (strcmp-like). */
int evidence_cmp_time(const char *a, const char *b);

/* Split an evidence line back into the log line it records (pointers into
 * line; the message stays escaped, cut is false). Returns 1, or 0 when line
 * is not an evidence line. */
int evidence_parse(const char *line, size_t len, struct log_line *ret);

/* Append line[0..len) packed, for an attempt on host[0..host_len) starting at
 * start_us. Returns 0 or -ENOMEM. */
int evidence_pack(struct buf *b, const char *line, size_t len, const char *host, size_t host_len,
		  int64_t start_us);
/* Unpack one stored line p[0..len) into out (cleared first). 0 or -ENOMEM. */
int evidence_unpack(struct buf *out, const char *p, size_t len, const char *host, int64_t start_us);
