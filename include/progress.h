/* Progress of a long read, drawn on a terminal by the command that runs it:
 * "LABEL: 12/40 MiB (30%) 1.2M lines, 400k lines/s, ETA 0:05". Modules
 * (ingest, follow) fill a struct progress_report and hand it to a callback;
 * only the command draws. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct progress_report {
	const char *label;              /* what is read (a path: escaped when drawn) */
	const char *unit;               /* N_("lines"), N_("entries"): translated when drawn */
	uint64_t count;                 /* units read so far */
	uint64_t bytes_done;            /* with bytes_total: the share read */
	uint64_t bytes_total;           /* 0: unknown (no share, no ETA) */
	int64_t elapsed_us;             /* since this input started */
	bool final;                     /* the input is read: end the line */
};

struct progress {
	bool enabled;                   /* draw at all (stderr is a terminal, no --no-progress) */
	bool drawn;                     /* a line is on the screen, not ended yet */
	int64_t last_us;                /* when it was drawn last */
	const char *final_note;         /* appended to the final line (N_(", following")), or NULL */
};

/* Draw r on stderr: at most four times a second, and the final line only if
 * a line was drawn (a short read shows nothing). */
void progress_draw(struct progress *p, const struct progress_report *r);

/* "1.2M", "400k", "950": n in at most four characters (buf: 16 bytes). */
void progress_human_count(uint64_t n, char *buf, size_t sz);
