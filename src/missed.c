/* The missed-lines report: see missed.h. Printing escapes everything that came
 * from a log (escape_terminal), so a hostile line cannot reach the terminal. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "i18n.h"
#include "missed.h"
#include "util.h"
#include "banned.h"

/* tag: missed-reasons */
static const char *const reason_names[_MISSED_REASON_MAX] = {
	[MISSED_NONE] = "none",
	[MISSED_UNKNOWN] = "unknown message",
	[MISSED_MALFORMED] = "malformed header",
	[MISSED_CUT] = "cut",
	[MISSED_NOT_SSHD] = "not sshd",
};

const char *
missed_reason_to_string(enum missed_reason r)
{
	return (unsigned)r < _MISSED_REASON_MAX ? reason_names[r] : "?";
}

/* log.c:do_log() hands syslog at most "%.500s" */
#define SSHD_SYSLOG_MAX 500

enum missed_reason
missed_reason_of_unrecognised(const struct log_line *line)
{
	const char *m = line->msg;
	size_t n = line->msg_len;

	if (line->cut || n >= SSHD_SYSLOG_MAX)
		return MISSED_CUT;
	/* relays that cut a line mark the cut: "port 3>", "...", U+2026 */
	if ((n >= 1 && m[n - 1] == '>' && (n < 2 || m[n - 2] != '<')) ||
	    (n >= 3 && memcmp(m + n - 3, "...", 3) == 0) ||
	    (n >= 3 && memcmp(m + n - 3, "\xe2\x80\xa6", 3) == 0))
		return MISSED_CUT;
	return MISSED_UNKNOWN;
}

void
missed_report_add(struct missed_report *m, const struct log_line *line, enum missed_reason r)
{
	struct buf b;
	char pid[16] = "";

	if (!m || (unsigned)r >= _MISSED_REASON_MAX)
		return;
	m->count[r]++;
	if (!m->out || (r == MISSED_NOT_SSHD && !m->print_not_sshd))
		return;
	buf_init(&b);
	if (line->lineno)
		buf_printf(&b, "%s:%llu: %s: ", m->input ? m->input : "-", (unsigned long long)line->lineno,
			   reason_names[r]);
	else
		buf_printf(&b, "%s: %s: ", m->input ? m->input : "-", reason_names[r]);
	if (!line->missed && line->ident_len) {
		if (line->pid)
			snprintf(pid, sizeof pid, "[%u]", (unsigned)line->pid);
		buf_append(&b, line->ident, line->ident_len);
		buf_printf(&b, "%s: ", pid);
	}
	buf_append(&b, line->msg, line->msg_len);
	if (b.data) {
		_cleanup_(freep) char *safe = escape_terminal_dup(b.data, b.len);

		fprintf(m->out, "%s\n", safe ? safe : "?");
	}
	buf_release(&b);
}

void
missed_report_print_summary(const struct missed_report *m, FILE *f)
{
	uint64_t total = 0;

	for (unsigned r = MISSED_UNKNOWN; r < _MISSED_REASON_MAX; r++)
		total += m->count[r];
	fprintf(f, ngettext("%llu line not read as sshd events: %llu unknown message, %llu malformed header, "
			    "%llu cut, %llu not sshd\n", "%llu lines not read as sshd events: %llu unknown message, "
			    "%llu malformed header, %llu cut, %llu not sshd\n", total), (unsigned long long)total,
		(unsigned long long)m->count[MISSED_UNKNOWN], (unsigned long long)m->count[MISSED_MALFORMED],
		(unsigned long long)m->count[MISSED_CUT], (unsigned long long)m->count[MISSED_NOT_SSHD]);
}
