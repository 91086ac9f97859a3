/* Progress lines on stderr (progress.h): one line, redrawn in place with
 * \r and erase-line, ended by the final report. */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "progress.h"
#include "util.h"
#include "banned.h"

#define PROGRESS_EVERY_US (250 * 1000)

void
progress_human_count(uint64_t n, char *buf, size_t sz)
{
	if (n >= 10000000)
		snprintf(buf, sz, "%.0fM", (double)n / 1e6);
	else if (n >= 1000000)
		snprintf(buf, sz, "%.1fM", (double)n / 1e6);
	else if (n >= 10000)
		snprintf(buf, sz, "%.0fk", (double)n / 1e3);
	else
		snprintf(buf, sz, "%llu", (unsigned long long)n);
}

void
progress_draw(struct progress *p, const struct progress_report *r)
{
	int64_t now = now_usec();
	double secs = (double)r->elapsed_us / 1e6;
	char count[16], rate[16], where[64] = "", eta[32] = "";
	_cleanup_(freep) char *safe = NULL;

	if (!p->enabled)
		return;
	if (r->final ? !p->drawn : now - p->last_us < PROGRESS_EVERY_US)
		return;
	p->last_us = now;
	progress_human_count(r->count, count, sizeof count);
	progress_human_count(secs > 0 ? (uint64_t)((double)r->count / secs) : 0, rate, sizeof rate);
	if (r->bytes_total) {
		double frac = (double)r->bytes_done / (double)r->bytes_total;

		snprintf(where, sizeof where, " %.0f/%.0f MiB (%.0f%%)", (double)r->bytes_done / 1048576.0,
			 (double)r->bytes_total / 1048576.0, frac * 100);
		if (frac > 0.01 && !r->final) {
			double left = secs / frac - secs;

			snprintf(eta, sizeof eta, _(", ETA %d:%02d"), (int)left / 60, (int)left % 60);
		}
	}
	/* The label is a path the user gave; keep control bytes off the terminal. */
	safe = escape_terminal_dup(r->label, strlen(r->label));
	/* unit and final_note are N_() texts */
	fprintf(stderr, "\r\033[K%s:%s %s %s, %s %s/s%s%s", safe ? safe : "?", where, count, _(r->unit),
		rate, _(r->unit), eta, r->final && p->final_note ? _(p->final_note) : "");
	if (r->final)
		fputc('\n', stderr);
	fflush(stderr);
	p->drawn = !r->final;
}
