/* Text output: the attempts table (aligned, fitted to the terminal) and the
 * detailed view of one attempt. Every log-derived string goes through
 * escape_terminal() before it is measured or printed, so no control byte
 * from a log reaches the terminal; colour is added only around our own text. */
#include "config.h"

#include <sys/ioctl.h>
#include <time.h>

#include "attempt.h"
#include "cause.h"
#include "i18n.h"
#include "render.h"
#include "store-penalty.h"
#include "util.h"
#include "width.h"
#include "banned.h"

#define ANSI_RED "\033[31m"
#define ANSI_GREEN "\033[32m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_BOLD "\033[1m"
#define ANSI_RESET "\033[0m"

#define ELLIPSIS "\xe2\x80\xa6"         /* U+2026, one column */
#define MIN_SHRUNK 8                    /* USER/HOST are never cut below this */

enum column {
	COL_ID,
	COL_TIME,
	COL_HOST,
	COL_USER,
	COL_FROM,
	COL_OUTCOME,
	COL_CAUSE,
	COL_SESSION,
	COL_PENALTY,
	COL_KEY,
	_COL_MAX,
};

static const char *const col_header[_COL_MAX] = {
	[COL_ID] = N_("ID"),
	[COL_TIME] = N_("TIME"),
	[COL_HOST] = N_("HOST"),
	[COL_USER] = N_("USER"),
	[COL_FROM] = N_("FROM"),
	[COL_OUTCOME] = N_("OUTCOME"),
	[COL_CAUSE] = N_("CAUSE"),
	[COL_SESSION] = N_("SESSION"),
	[COL_PENALTY] = N_("PENALTY"),
	[COL_KEY] = N_("KEY"),
};

struct row {
	char *cell[_COL_MAX];           /* owned, escaped; NULL = "-" */
	enum outcome outcome;
	char offset[8];                 /* of the time: "+01:00" */
};

struct table {
	struct render_opts opts;
	struct row *rows;               /* owned */
	size_t n_rows;
	size_t cap_rows;
};

/* Display columns of an escaped (valid UTF-8, no controls) string: East
 * Asian wide characters (Japanese) count two (width.h). */
static size_t
str_width(const char *s)
{
	return text_width(s, strlen(s));
}

/* Byte length of the longest prefix of s that fits `cols` columns. */
static size_t
prefix_bytes(const char *s, size_t cols)
{
	size_t i = 0, w = 0;

	while (s[i]) {
		size_t n = 1, cw;

		while (((unsigned char)s[i + n] & 0xc0) == 0x80)
			n++;
		cw = text_width(s + i, n);
		if (w + cw > cols)
			break;
		w += cw;
		i += n;
	}
	return i;
}

static char *
escape_str(const char *s)
{
	return escape_terminal_dup(s, strlen(s));
}

int
table_new(const struct render_opts *o, struct table **ret)
{
	struct table *t = calloc(1, sizeof *t);

	if (!t)
		return -ENOMEM;
	if (o)
		t->opts = *o;
	*ret = t;
	return 0;
}

struct table *
table_free(struct table *t)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->n_rows; i++)
		for (size_t c = 0; c < _COL_MAX; c++)
			free(t->rows[i].cell[c]);
	free(t->rows);
	free(t);
	return NULL;
}

/* "2026-11-22 02:24:41" in buf, and its offset from UTC ("+01:00"; UTC:
 * "+00:00") in off (8 bytes). */
static void
format_time(int64_t us, bool utc, char *buf, size_t n, char *off)
{
	time_t t = (time_t)(us >= 0 ? us / USEC_PER_SEC : (us - USEC_PER_SEC + 1) / USEC_PER_SEC);
	struct tm tm;
	long g;

	off[0] = '\0';
	if (utc ? !gmtime_r(&t, &tm) : !localtime_r(&t, &tm)) {
		snprintf(buf, n, "@%lld", (long long)(us / USEC_PER_SEC));
		return;
	}
	strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
	g = utc ? 0 : tm.tm_gmtoff;
	snprintf(off, 8, "%c%02d:%02d", g < 0 ? '-' : '+', (int)(labs(g) / 3600 % 100),
		 (int)(labs(g) % 3600 / 60));
}

/* "addr:port", "[v6]:port", "addr" without a port; escaped. NULL if no address. */
static char *
format_from(const struct attempt *a)
{
	_cleanup_(freep) char *e = NULL;
	char *out = NULL;

	if (!a->addr[0])
		return NULL;
	e = escape_str(a->addr);
	if (!e)
		return NULL;
	if (!a->port)
		return TAKE_PTR(e);
	if (asprintf(&out, strchr(e, ':') ? "[%s]:%u" : "%s:%u", e, a->port) < 0)
		return NULL;
	return out;
}

/* The key worth a column: the accepted one, else the last one tried. */
static const struct attempt_key *
main_key(const struct attempt *a)
{
	if (a->n_keys == 0)
		return NULL;
	for (size_t i = 0; i < a->n_keys; i++)
		if (a->keys[i].result == KEY_ACCEPTED)
			return &a->keys[i];
	return &a->keys[MIN(a->n_keys, (size_t)ATTEMPT_MAX_KEYS) - 1];
}

/* A duration the way people say it: "45s", "12m05s", "6h40m", "3d02h". */
static void
format_duration(int64_t us, char *buf, size_t n)
{
	int64_t s = MAX(us, 0) / USEC_PER_SEC;

	if (s < 60)
		snprintf(buf, n, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, n, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, n, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else
		snprintf(buf, n, "%lldd%02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
}

/* A session (accepted): "open", or how long it lasted and how it ended.
 * NULL for other attempts. Caller frees. */
static char *
session_text(const struct attempt *a)
{
	char d[32], *s;

	if (a->outcome != OUTCOME_ACCEPTED && a->outcome != OUTCOME_SESSION_REFUSED)
		return NULL;
	/* session_end is one of conn.c's N_() texts: translated here */
	if (a->open)
		return strdup(cause_tr(N_("open")));
	if (a->cause == CAUSE_SESSION_END_START_MISSING)
		return strdup(a->session_end[0] ? cause_tr(a->session_end) : cause_tr(N_("ended")));
	format_duration(a->end_us - a->start_us, d, sizeof d);
	if (asprintf(&s, "%s%s%s", d, a->session_end[0] ? cause_tr(N_(", ")) : "", cause_tr(a->session_end)) < 0)
		return NULL;
	return s;
}

int
table_add_attempt(struct table *t, const struct attempt *a)
{
	const struct attempt_key *k = main_key(a);
	const char *o = outcome_to_string(a->outcome), *c = cause_to_string(a->cause);
	struct row row = { .outcome = a->outcome };
	char tb[64];
	bool oom = false;

	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 64;
		struct row *rows = realloc(t->rows, cap * sizeof *rows);

		if (!rows)
			return -ENOMEM;
		t->rows = rows;
		t->cap_rows = cap;
	}
	format_time(a->start_us, t->opts.utc, tb, sizeof tb, row.offset);
	if (asprintf(&row.cell[COL_ID], "%lld", (long long)a->id) < 0)
		row.cell[COL_ID] = NULL, oom = true;
	row.cell[COL_TIME] = strdup(tb);
	oom |= !row.cell[COL_TIME];
	if (a->host[0])
		oom |= !(row.cell[COL_HOST] = escape_str(a->host));
	if (a->user[0])
		oom |= !(row.cell[COL_USER] = escape_str(a->user));
	if (a->addr[0])
		oom |= !(row.cell[COL_FROM] = format_from(a));
	oom |= !(row.cell[COL_OUTCOME] = strdup(o ? o : "?"));
	oom |= !(row.cell[COL_CAUSE] = strdup(c ? c : "?"));
	if (k && k->fingerprint[0])
		oom |= !(row.cell[COL_KEY] = escape_str(k->fingerprint));
	if (a->outcome == OUTCOME_ACCEPTED || a->outcome == OUTCOME_SESSION_REFUSED)
		oom |= !(row.cell[COL_SESSION] = session_text(a));
	/* the penalty that dropped it: its ID in the penalties listed below */
	if (a->penalty && asprintf(&row.cell[COL_PENALTY], "#%lld", (long long)a->penalty->id) < 0)
		row.cell[COL_PENALTY] = NULL, oom = true;
	if (oom) {
		for (size_t i = 0; i < _COL_MAX; i++)
			free(row.cell[i]);
		return -ENOMEM;
	}
	t->rows[t->n_rows++] = row;
	return 0;
}

static const char *
outcome_color(enum outcome o)
{
	switch (o) {
	case OUTCOME_ACCEPTED:
		return ANSI_GREEN;
	case OUTCOME_FAILED:
	case OUTCOME_REFUSED:
	case OUTCOME_SESSION_REFUSED:
		return ANSI_RED;
	default:
		return ANSI_YELLOW;
	}
}

static size_t
total_width(const size_t *w, const bool *show)
{
	size_t total = 0, n = 0;

	for (size_t c = 0; c < _COL_MAX; c++)
		if (show[c]) {
			total += w[c];
			n++;
		}
	return total + (n ? 2 * (n - 1) : 0);
}

/* What gives way when the table is too wide, in this order: USER and HOST
 * (the one with more room first), then CAUSE and FROM (the full code is in
 * 'sshwhy show'; an IPv4 address keeps its 15 columns), then OUTCOME, then
 * SESSION (show has it whole; in Japanese it is wide). A stage starts when
 * the one before has reached its minimums. */
static const struct {
	enum column col[2];
	size_t min[2];
} shrink_stages[] = {
	{ { COL_USER, COL_HOST }, { MIN_SHRUNK, MIN_SHRUNK } },
	{ { COL_CAUSE, COL_FROM }, { 12, 15 } },
	{ { COL_OUTCOME, COL_OUTCOME }, { 7, 7 } },
	{ { COL_SESSION, COL_SESSION }, { 8, 8 } },
};

/* Shrink columns (the first n_stages of shrink_stages) until the table fits
 * `width`. Returns true when it fits. */
static bool
shrink_to_fit(size_t *w, const size_t *natural, const bool *show, size_t width, size_t n_stages)
{
	size_t st = 0;

	for (size_t c = 0; c < _COL_MAX; c++)
		w[c] = natural[c];
	while (total_width(w, show) > width) {
		size_t room[2];
		int k;

		if (st == n_stages)
			return false;
		for (int i = 0; i < 2; i++) {
			size_t cw = w[shrink_stages[st].col[i]];

			room[i] = cw > shrink_stages[st].min[i] ? cw - shrink_stages[st].min[i] : 0;
		}
		k = room[0] >= room[1] ? 0 : 1;
		if (room[k] == 0)
			st++;
		else
			w[shrink_stages[st].col[k]]--;
	}
	return true;
}

/* All rows' times in one year: the year can go ("11-22 02:24:41"). */
static bool
one_year(const struct table *t)
{
	for (size_t i = 0; i < t->n_rows; i++) {
		const char *a = t->rows[i].cell[COL_TIME], *b = t->rows[0].cell[COL_TIME];

		if (!a || strlen(a) != 19 || a[4] != '-' || strncmp(a, b, 5) != 0)
			return false;
	}
	return t->n_rows > 0;
}

static int
print_cell(FILE *f, const char *s, size_t w, bool right, bool last, const char *color)
{
	size_t sw = str_width(s);

	if (sw > w) {
		/* cut to w-1 columns and mark it */
		size_t nb = prefix_bytes(s, w > 0 ? w - 1 : 0);

		if (color)
			fputs(color, f);
		fwrite(s, 1, nb, f);
		if (w > 0)
			fputs(ELLIPSIS, f);
		if (color)
			fputs(ANSI_RESET, f);
		return 0;
	}
	if (right)
		fprintf(f, "%*s", (int)(w - sw), "");
	if (color)
		fputs(color, f);
	fputs(s, f);
	if (color)
		fputs(ANSI_RESET, f);
	if (!right && !last)
		fprintf(f, "%*s", (int)(w - sw), "");
	return 0;
}

int
table_print(struct table *t, FILE *f)
{
	size_t natural[_COL_MAX] = { 0 }, w[_COL_MAX];
	bool show[_COL_MAX], short_time = false, one_offset = true;
	const char *header[_COL_MAX];
	char time_header[32];
	size_t lastcol = 0;

	/* The time zone once in the header ("TIME (+01:00)", "TIME (UTC)")
	 * when every row has the same offset; else on each row. */
	for (size_t i = 1; i < t->n_rows; i++)
		one_offset &= streq(t->rows[i].offset, t->rows[0].offset);
	if (t->n_rows && !one_offset)
		for (size_t i = 0; i < t->n_rows; i++) {
			char *cell = t->rows[i].cell[COL_TIME], *with = NULL;

			if (cell && asprintf(&with, "%s%s", cell, t->rows[i].offset) >= 0) {
				free(cell);
				t->rows[i].cell[COL_TIME] = with;
			}
		}
	if (t->n_rows && one_offset && t->rows[0].offset[0])
		snprintf(time_header, sizeof time_header, _("TIME (%s)"),
			 t->opts.utc ? "UTC" : t->rows[0].offset);
	else
		snprintf(time_header, sizeof time_header, "%s", _("TIME"));
	for (size_t c = 0; c < _COL_MAX; c++) {
		header[c] = c == COL_TIME ? time_header : _(col_header[c]);
		natural[c] = str_width(header[c]);
		show[c] = c != COL_KEY && c != COL_SESSION && c != COL_PENALTY;
	}
	for (size_t i = 0; i < t->n_rows; i++)
		for (size_t c = 0; c < _COL_MAX; c++) {
			const char *s = t->rows[i].cell[c];

			natural[c] = MAX(natural[c], s ? str_width(s) : 1);
			if ((c == COL_KEY || c == COL_SESSION || c == COL_PENALTY) && s)
				show[c] = true;
		}
	if (t->opts.width > 0 && !shrink_to_fit(w, natural, show, (size_t)t->opts.width, 1)) {
		/* Still too wide with USER/HOST cut: the key column goes first
		 * (sshwhy show has it), then USER/HOST get their room back, and
		 * the other columns give way if they must. */
		show[COL_KEY] = false;
		if (!shrink_to_fit(w, natural, show, (size_t)t->opts.width, 1) && one_year(t)) {
			short_time = true;
			natural[COL_TIME] -= 5;
		}
		/* the penalty goes before OUTCOME is cut (show has it, and
		 * attempts --from lists the penalties after the table) */
		if (!shrink_to_fit(w, natural, show, (size_t)t->opts.width, 2))
			show[COL_PENALTY] = false;
		/* still too wide with every column at its minimum: the
		 * session goes (sshwhy show has it) */
		if (!shrink_to_fit(w, natural, show, (size_t)t->opts.width, ELEMENTSOF(shrink_stages))) {
			show[COL_SESSION] = false;
			shrink_to_fit(w, natural, show, (size_t)t->opts.width, ELEMENTSOF(shrink_stages));
		}
	} else if (t->opts.width <= 0)
		memcpy(w, natural, sizeof w);
	for (size_t c = 0; c < _COL_MAX; c++)
		if (show[c])
			lastcol = c;

	for (size_t c = 0; c < _COL_MAX; c++) {
		if (!show[c])
			continue;
		if (c)
			fputs("  ", f);
		print_cell(f, header[c], w[c], c == COL_ID, c == lastcol,
			   t->opts.color ? ANSI_BOLD : NULL);
	}
	fputc('\n', f);
	for (size_t i = 0; i < t->n_rows; i++) {
		const struct row *row = &t->rows[i];

		for (size_t c = 0; c < _COL_MAX; c++) {
			const char *cell = row->cell[c] ? row->cell[c] : "-";

			if (!show[c])
				continue;
			if (c)
				fputs("  ", f);
			if (c == COL_TIME && short_time)
				cell += 5;      /* "2026-" */
			print_cell(f, cell, w[c], c == COL_ID,
				   c == lastcol,
				   t->opts.color && c == COL_OUTCOME ? outcome_color(row->outcome) : NULL);
		}
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

static int buf_put_wrapped(struct buf *b, const char *s, size_t *col, size_t width, size_t indent);

/* label (in the reader's language) padded to 13 display columns. Returns
 * the column it ends at. */
static size_t
put_label(FILE *f, const char *label)
{
	size_t w = text_width(label, strlen(label));

	fprintf(f, "%s%*s", label, (int)(w < 13 ? 13 - w : 0), "");
	return w < 13 ? 13 : w;
}

/* "label:      value\n" with value escaped; on a terminal (width > 0) wrapped
 * at word boundaries under the value's column. */
static void
detail_line(FILE *f, int width, const char *label, const char *value, const char *suffix)
{
	_cleanup_(freep) char *e = NULL;
	struct buf b;
	size_t w = text_width(label, strlen(label)), col = w < 13 ? 13 : w;

	if (width > 0 && value) {
		buf_init(&b);
		if (buf_printf(&b, "%s%*s", label, (int)(col - w), "") >= 0 &&
		    buf_put_wrapped(&b, value, &col, (size_t)width, 14) >= 0 &&
		    (!suffix || buf_put_wrapped(&b, suffix + strspn(suffix, " "), &col, (size_t)width, 14) >= 0)) {
			fprintf(f, "%s\n", b.data);
			buf_release(&b);
			return;
		}
		buf_release(&b);
	}
	e = value ? escape_str(value) : NULL;
	put_label(f, label);
	fprintf(f, " %s%s\n", e ? e : "-", suffix ? suffix : "");
}

/* An evidence line as logged (escaped), on a terminal broken at its width
 * with the rest under it: every byte kept, none cut. */
static void
evidence_line(FILE *f, int width, const char *line)
{
	_cleanup_(freep) char *e = escape_str(line);
	struct buf b;

	buf_init(&b);
	if (e && width > 0 && buf_puts(&b, "  ") >= 0 && text_wrap_hard(&b, e, 2, (size_t)width, 4) >= 0)
		fprintf(f, "%s\n", b.data);
	else
		fprintf(f, "  %s\n", e ? e : "?");
	buf_release(&b);
}

/* "5s", "16s", "1m30s", "2.500s": a penalty's length as logged. */
static void
format_penalty_duration(int64_t ms, char *buf, size_t n)
{
	if (ms < 0)
		snprintf(buf, n, "-");
	else if (ms % 1000 && ms < 60000)
		snprintf(buf, n, "%lld.%03llds", (long long)(ms / 1000), (long long)(ms % 1000));
	else
		format_duration(ms * 1000, buf, n);
}

/* One line about a penalty: "#2 activating 2026-08-21T10:15:01+00:00 for
 * 16s (until ...): failed authentication (203.0.113.5/32, host web1)".
 * Log text escaped. Caller frees. */
static char *
penalty_text(const struct penalty *p, bool utc)
{
	_cleanup_(freep) char *net = escape_str(p->network);
	_cleanup_(freep) char *reason = escape_str(p->reason);
	_cleanup_(freep) char *host = escape_str(p->host);
	const char *st = penalty_state_to_string(p->state);
	char t[48], until[48], d[32];
	char *out = NULL;
	int r;

	if (!net || !reason || !host)
		return NULL;
	st = st ? st : "?";
	format_iso8601(p->time_us, utc, 0, t, sizeof t);
	if (p->duration_ms >= 0) {
		format_penalty_duration(p->duration_ms, d, sizeof d);
		format_iso8601(p->time_us + p->duration_ms * 1000, utc, 0, until, sizeof until);
		r = asprintf(&out, _("#%lld %s %s for %s (until %s): %s (%s, host %s)"), (long long)p->id,
			     st, t, d, until, reason, net, host);
	} else
		r = asprintf(&out, _("#%lld %s %s: %s (%s, host %s)"), (long long)p->id, st, t, reason, net,
			     host);
	return r < 0 ? NULL : out;
}

enum { P_ID, P_TIME, P_HOST, P_NET, P_STATE, P_FOR, P_UNTIL, P_REASON, _P_MAX };

/* The penalties after the attempts table: rows of escaped cells, made as
 * they come (a penalty is not kept), printed aligned. */
struct penalty_table {
	struct render_opts opts;
	char **cell;                    /* owned: n_rows * _P_MAX, each owned */
	char (*offset)[8];              /* owned: each row's UTC offset ("+01:00") */
	size_t n_rows, cap_rows;
	size_t w[_P_MAX];
};

static const char *const penalty_header[_P_MAX] = {
	N_("ID"), N_("TIME"), N_("HOST"), N_("NETWORK"), N_("STATE"), N_("FOR"), N_("UNTIL"), N_("REASON"),
};

int
penalty_table_new(const struct render_opts *o, struct penalty_table **ret)
{
	struct penalty_table *t = calloc(1, sizeof *t);

	if (!t)
		return -ENOMEM;
	if (o)
		t->opts = *o;
	for (size_t c = 0; c < _P_MAX; c++)
		t->w[c] = str_width(_(penalty_header[c]));
	*ret = t;
	return 0;
}

struct penalty_table *
penalty_table_free(struct penalty_table *t)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->n_rows * _P_MAX; i++)
		free(t->cell[i]);
	free(t->cell);
	free(t->offset);
	free(t);
	return NULL;
}

size_t
penalty_table_rows(const struct penalty_table *t)
{
	return t ? t->n_rows : 0;
}

int
penalty_table_add(struct penalty_table *t, const struct penalty *p)
{
	const char *st = penalty_state_to_string(p->state);
	char *row[_P_MAX] = { NULL }, tb[64], off[8], d[32];
	bool oom = false;

	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
		char **cell = realloc(t->cell, cap * _P_MAX * sizeof *cell);
		char (*offset)[8];

		if (!cell)
			return -ENOMEM;
		t->cell = cell;
		offset = realloc(t->offset, cap * sizeof *offset);
		if (!offset)
			return -ENOMEM;
		t->offset = offset;
		t->cap_rows = cap;
	}
	format_time(p->time_us, t->opts.utc, tb, sizeof tb, off);
	memcpy(t->offset[t->n_rows], off, sizeof off);
	format_penalty_duration(p->duration_ms, d, sizeof d);
	if (asprintf(&row[P_ID], "%lld", (long long)p->id) < 0)
		row[P_ID] = NULL;
	row[P_TIME] = strdup(tb);
	row[P_HOST] = escape_str(p->host);
	row[P_NET] = escape_str(p->network);
	row[P_STATE] = strdup(st ? st : "?");
	row[P_FOR] = strdup(d);
	if (p->duration_ms >= 0) {
		char uoff[8];

		format_time(p->time_us + p->duration_ms * 1000, t->opts.utc, tb, sizeof tb, uoff);
		row[P_UNTIL] = strdup(tb);
	} else
		row[P_UNTIL] = strdup("-");
	row[P_REASON] = escape_str(p->reason);
	for (size_t c = 0; c < _P_MAX; c++)
		oom |= !row[c];
	if (oom) {
		for (size_t c = 0; c < _P_MAX; c++)
			free(row[c]);
		return -ENOMEM;
	}
	for (size_t c = 0; c < _P_MAX; c++) {
		t->w[c] = MAX(t->w[c], str_width(row[c]));
		t->cell[t->n_rows * _P_MAX + c] = row[c];
	}
	t->n_rows++;
	return 0;
}

int
penalty_table_print(struct penalty_table *t, const char *from, FILE *f)
{
	_cleanup_(freep) char *efrom = NULL;
	char time_header[32];
	bool one_offset = true, show_until, short_time = false;
	size_t tw, total = 0, last = _P_MAX - 1, wreason = SIZE_MAX;

	if (!t || t->n_rows == 0)
		return 0;
	efrom = escape_str(from ? from : "");
	if (!efrom)
		return -ENOMEM;
	/* the offset once in the header, as the attempts table does, or on
	 * each row when the rows span a change of offset */
	for (size_t i = 1; i < t->n_rows; i++)
		one_offset &= streq(t->offset[i], t->offset[0]);
	if (one_offset)
		snprintf(time_header, sizeof time_header, _("TIME (%s)"), t->opts.utc ? "UTC" : t->offset[0]);
	else
		snprintf(time_header, sizeof time_header, "%s", _("TIME"));
	tw = MAX(t->w[P_TIME] + (one_offset ? 0 : 6), str_width(time_header));
	/* too wide for the terminal: UNTIL goes (TIME and FOR give it) */
	for (size_t c = 0; c < _P_MAX; c++)
		total += (c == P_TIME ? tw : t->w[c]) + (c ? 2 : 0);
	show_until = t->opts.width <= 0 || total <= (size_t)t->opts.width;
	/* still too wide: the year goes when every row has the same one */
	if (!show_until && total - t->w[P_UNTIL] - 2 > (size_t)t->opts.width) {
		short_time = tw > 5;
		for (size_t i = 1; i < t->n_rows && short_time; i++)
			short_time = strncmp(t->cell[i * _P_MAX + P_TIME], t->cell[P_TIME], 5) == 0;
	}
	/* and what is still too wide comes off the reason's end (show has it) */
	if (!show_until) {
		size_t rest = total - t->w[P_UNTIL] - 2 - (short_time ? 5 : 0) - t->w[P_REASON];

		if (rest + t->w[P_REASON] > (size_t)t->opts.width)
			wreason = (size_t)t->opts.width > rest + 8 ? (size_t)t->opts.width - rest : 8;
	}
	fputc('\n', f);
	fprintf(f, _("Penalties on %s (PerSourcePenalties):\n"), efrom);
	for (size_t i = 0; i <= t->n_rows; i++) {
		char *const *row = i ? t->cell + (i - 1) * _P_MAX : NULL;

		for (size_t c = 0; c < _P_MAX; c++) {
			const char *cell = row ? row[c] : c == P_TIME ? time_header : _(penalty_header[c]);
			char with[64];
			size_t cw;

			if (c == P_UNTIL && !show_until)
				continue;
			if (c)
				fputs("  ", f);
			if (row && c == P_TIME) {
				snprintf(with, sizeof with, "%s%s", cell + (short_time ? 5 : 0),
					 one_offset ? "" : t->offset[i - 1]);
				cell = with;
			}
			cw = c == P_TIME ? tw - (short_time ? 5 : 0) : c == P_REASON ? MIN(t->w[c], wreason) : t->w[c];
			print_cell(f, cell, cw, c == P_ID, c == last, !row && t->opts.color ? ANSI_BOLD : NULL);
		}
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

int
render_attempt_detail(FILE *f, const struct attempt *a, const struct render_opts *o)
{
	const char *os = outcome_to_string(a->outcome), *cs = cause_to_string(a->cause);
	const char *color = o->color ? outcome_color(a->outcome) : "";
	const char *reset = o->color ? ANSI_RESET : "";
	char t1[48], t2[48], num[64], times[160];
	_cleanup_(freep) char *from = format_from(a);
	struct buf cands;
	int w = o->width;

	os = os ? os : "?";
	cs = cs ? cs : "?";
	fprintf(f, "%s", o->color ? ANSI_BOLD : "");
	fprintf(f, _("attempt %lld"), (long long)a->id);
	fprintf(f, "%s  %s%s%s  %s\n", reset, color, os, reset, cs);

	format_iso8601(a->start_us, o->utc, 6, t1, sizeof t1);
	if (a->open)
		snprintf(times, sizeof times, _("%s .. (still open)"), t1);
	else {
		int64_t d = a->end_us - a->start_us;

		format_iso8601(a->end_us, o->utc, 6, t2, sizeof t2);
		snprintf(times, sizeof times, "%s .. %s (%lld.%03lld s)", t1, t2,
			 (long long)(d / USEC_PER_SEC), (long long)(llabs(d) % USEC_PER_SEC / 1000));
	}
	detail_line(f, w, _("time:"), times, NULL);
	if (a->outcome == OUTCOME_ACCEPTED || a->outcome == OUTCOME_SESSION_REFUSED) {
		_cleanup_(freep) char *st = session_text(a);

		put_label(f, _("session:"));
		fprintf(f, " %s", st ? st : "?");
		if (a->open) {
			format_duration(a->end_us - a->start_us, num, sizeof num);
			fprintf(f, _(" (%s so far, to its last line)"), num);
		}
		fputc('\n', f);
	}
	detail_line(f, w, _("host:"), a->host[0] ? a->host : NULL, NULL);
	if (a->child_pid)
		snprintf(num, sizeof num, _("%u (user child %u)"), a->pid, a->child_pid);
	else
		snprintf(num, sizeof num, "%u", a->pid);
	put_label(f, _("pid:"));
	fprintf(f, " %s\n", num);
	put_label(f, _("from:"));
	fprintf(f, " %s\n", from ? from : "-");
	if (a->server_port) {
		put_label(f, _("server port:"));
		fprintf(f, " %u\n", a->server_port);
	}
	detail_line(f, w, _("user:"), a->user[0] ? a->user : NULL,
		    a->user_valid == 0 ? _(" (invalid/refused account)") : NULL);
	put_label(f, _("outcome:"));
	/* in words for people where they differ from the code: "失敗 (failed)" */
	if (outcome_words(a->outcome) && !streq(outcome_words(a->outcome), os))
		fprintf(f, " %s%s%s (%s)\n", color, outcome_words(a->outcome), reset, os);
	else
		fprintf(f, " %s%s%s\n", color, os, reset);
	put_label(f, _("cause:"));
	fprintf(f, " %s%s\n", cs, cause_is_generic(a->cause) > 0 ? _(" (generic: the log cannot prove more)") : "");
	if (a->explanation)
		detail_line(f, w, _("explanation:"), a->explanation, NULL);
	if (a->fix)
		detail_line(f, w, _("fix:"), a->fix, NULL);
	if (a->n_candidates) {
		buf_init(&cands);
		for (size_t i = 0; i < a->n_candidates && i < ATTEMPT_MAX_CANDIDATES; i++) {
			const char *c = cause_to_string(a->candidates[i]);

			buf_printf(&cands, "%s%s", i ? ", " : "", c ? c : "?");
		}
		detail_line(f, w, _("candidates:"), cands.data ? cands.data : "?", NULL);
		buf_release(&cands);
	}
	if (a->decide)
		detail_line(f, w, _("decide:"), a->decide, NULL);
	if (a->penalty) {
		_cleanup_(freep) char *pt = penalty_text(a->penalty, o->utc);

		detail_line(f, w, _("penalty:"), pt ? pt : "?", NULL);
	}
	for (size_t i = 0; i < a->n_keys && i < ATTEMPT_MAX_KEYS; i++) {
		const struct attempt_key *k = &a->keys[i];
		const char *res = key_result_to_string(k->result);
		char key[KEYTYPE_MAX + FP_MAX + 32];

		snprintf(key, sizeof key, "%s %s %s", *k->type ? k->type : "?", *k->fingerprint ? k->fingerprint : "?",
			 res ? res : "?");
		detail_line(f, w, i ? "" : _("keys:"), key, NULL);
	}
	if (a->loglevel[0])
		detail_line(f, w, _("loglevel:"), a->loglevel, _(" (inferred from the lines seen)"));
	if (a->n_evidence_dropped)
		fprintf(f, ngettext("evidence (%zu line, %zu more not kept):\n", "evidence (%zu lines, %zu more not "
				    "kept):\n", a->n_evidence), a->n_evidence, a->n_evidence_dropped);
	else
		fprintf(f, ngettext("evidence (%zu line):\n", "evidence (%zu lines):\n", a->n_evidence),
			a->n_evidence);
	for (size_t i = 0; i < a->n_evidence; i++)
		evidence_line(f, w, a->evidence[i]);
	return ferror(f) ? -EIO : 0;
}

static enum render_color color_mode = RENDER_COLOR_AUTO;

int
render_set_color(const char *when)
{
	if (streq(when, "auto"))
		color_mode = RENDER_COLOR_AUTO;
	else if (streq(when, "always") || streq(when, "yes"))
		color_mode = RENDER_COLOR_ALWAYS;
	else if (streq(when, "never") || streq(when, "no"))
		color_mode = RENDER_COLOR_NEVER;
	else
		return -EINVAL;
	return 0;
}

void
render_opts_from_env(struct render_opts *o, int fd)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM"), *cols;
	struct winsize ws;
	unsigned v;
	bool tty = isatty(fd);

	if (color_mode == RENDER_COLOR_AUTO)
		o->color = tty && (!nc || !*nc) && !(term && streq(term, "dumb"));
	else
		o->color = color_mode == RENDER_COLOR_ALWAYS;
	o->width = 0;
	if (tty && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		o->width = ws.ws_col;
		return;
	}
	cols = getenv("COLUMNS");
	if (cols && safe_atou(cols, &v) == 0 && v > 0 && v < 100000)
		o->width = (int)v;
}

/* Append s escaped for the terminal; *col advances by its width. */
static int
buf_put_escaped(struct buf *b, const char *s, size_t *col)
{
	size_t start = b->len;
	int r = escape_terminal_buf(b, s, strlen(s));

	if (r >= 0)
		*col += str_width(b->data + start);
	return r;
}

/* Append s escaped, unit by unit (a word, or one wide character: Japanese
 * breaks between any two): a unit that would pass `width` starts a new line
 * indented by `indent` (width 0: one line). A word wider than a line is cut
 * there. A space is kept only where the text had one. */
static int
buf_put_wrapped(struct buf *b, const char *s, size_t *col, size_t width, size_t indent)
{
	_cleanup_(freep) char *e = escape_terminal_dup(s, strlen(s));

	if (!e)
		return -ENOMEM;
	return text_wrap(b, e, col, width, indent);
}

int
render_attempt_line(struct buf *b, const struct attempt *a, const struct render_opts *o)
{
	char tb[40], ep[96], off[8];
	const char *fp = NULL, *cause = cause_to_string(a->cause);
	size_t col = 0, width = o->width > 0 ? (size_t)o->width : 0;
	int r = 0;

	for (size_t i = 0; i < a->n_keys; i++)
		if (a->keys[i].result == KEY_ACCEPTED || !fp)
			fp = a->keys[i].fingerprint;
	format_time(a->start_us, o->utc, tb, sizeof tb, off);
	strncat(tb, off, sizeof tb - strlen(tb) - 1);
	if (a->port)
		snprintf(ep, sizeof ep, strchr(a->addr, ':') ? "[%s]:%u" : "%s:%u", a->addr, a->port);
	else
		snprintf(ep, sizeof ep, "%s", a->addr[0] ? a->addr : "-");
	r |= buf_printf(b, "%s ", tb);
	col = strlen(tb) + 1;
	r |= buf_put_escaped(b, a->host, &col);
	r |= buf_puts(b, " ");
	r |= buf_put_escaped(b, a->user[0] ? a->user : "-", &col);
	r |= buf_puts(b, " ");
	r |= buf_put_escaped(b, ep, &col);
	col += 2;
	/* the outcome and cause start a new line rather than pass the width */
	{
		size_t ow = strlen(outcome_to_string(a->outcome)) + 1 +
			    (streq(cause, outcome_to_string(a->outcome)) ? 0 : 1 + strlen(cause));

		if (width && col + 1 + ow > width) {
			r |= buf_puts(b, "\n    ");
			col = 4;
		} else {
			r |= buf_puts(b, " ");
			col++;
		}
	}
	if (o->color)
		r |= buf_puts(b, outcome_color(a->outcome));
	r |= buf_puts(b, outcome_to_string(a->outcome));
	col += strlen(outcome_to_string(a->outcome));
	if (o->color)
		r |= buf_puts(b, ANSI_RESET);
	/* "accepted accepted:" says nothing twice: the cause only when it adds */
	if (!streq(cause, outcome_to_string(a->outcome))) {
		r |= buf_printf(b, " %s", cause);
		col += 1 + strlen(cause);
	}
	/* On a terminal the explanation wraps at word boundaries under a
	 * 4-column indent instead of where the terminal cuts it. */
	if (a->explanation) {
		r |= buf_puts(b, ":");
		col++;
		r |= buf_put_wrapped(b, a->explanation, &col, width, 4);
	}
	if (fp && *fp && !(a->explanation && strstr(a->explanation, fp))) {
		_cleanup_(freep) char *bracketed = NULL;

		if (asprintf(&bracketed, "[%s]", fp) < 0)
			return -ENOMEM;
		r |= buf_put_wrapped(b, bracketed, &col, width, 4);
	}
	r |= buf_puts(b, "\n");
	return r ? -ENOMEM : 0;
}
