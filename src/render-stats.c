/* render-stats: struct stats as text for a terminal, as JSON and as SVG.
 * Every string that came from a log (users, sources) is escaped for the
 * terminal (text) or as a JSON/XML string here, and cut to the width. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cause.h"
#include "i18n.h"
#include "render-stats.h"
#include "render.h"
#include "stats.h"
#include "util.h"
#include "width.h"
#include "banned.h"

#define MIN_US INT64_C(60000000)
#define CHART_FAILED_ROWS 8
#define CHART_ACCEPTED_ROWS 3
#define Y_LABEL_COLS 8                  /* "  12345 " left of the chart */
#define STATS_KEYS_SHOWN 8              /* fingerprints listed per user */

static const int64_t bucket_minutes[] = {
	1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 43200,
};

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static long
local_offset_sec(int64_t us, bool utc)
{
	time_t t = (time_t)floordiv(us, 1000000);
	struct tm tm;

	if (utc || !localtime_r(&t, &tm))
		return 0;
	return tm.tm_gmtoff;
}

int64_t
stats_bucket(int64_t t_lo, int64_t t_hi, size_t cols, bool utc, int64_t *t0, size_t *n)
{
	int64_t b = 0, off;

	if (cols == 0)
		cols = 1;
	if (t_hi <= t_lo)
		t_hi = t_lo + MIN_US;
	for (size_t i = 0; i < ELEMENTSOF(bucket_minutes); i++) {
		b = bucket_minutes[i] * MIN_US;
		/* aligned start, then the columns the range needs */
		off = b >= 1440 * MIN_US ? local_offset_sec(t_lo, utc) * 1000000 : 0;
		*t0 = floordiv(t_lo + off, b) * b - off;
		*n = (size_t)((t_hi - *t0 + b - 1) / b);
		if (*n <= cols)
			return b;
	}
	/* beyond 30-day buckets: a multiple of them */
	b *= (int64_t)((*n + cols - 1) / cols);
	*n = (size_t)((t_hi - *t0 + b - 1) / b);
	return b;
}

/* v with thousands separated by ',' (as the admins' locales, en and ja, write them). */
static char *
fmt_count(char *out, size_t n, uint64_t v)
{
	char digits[24];
	int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
	size_t k = 0;

	for (int i = 0; i < len && k + 2 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	return out;
}

static char *
fmt_more(char *out, size_t n, size_t more)
{
	snprintf(out, n, ngettext("%zu more", "%zu more", more), more);
	return out;
}

static int
put_count(struct buf *b, uint64_t v)
{
	char out[48];

	return buf_puts(b, fmt_count(out, sizeof out, v));
}

static int
put_padded_count(struct buf *b, uint64_t v, size_t cols)
{
	struct buf t;
	int r;

	buf_init(&t);
	r = put_count(&t, v);
	for (size_t i = t.len; r >= 0 && i < cols; i++)
		r = buf_puts(b, " ");
	if (r >= 0)
		r = buf_append(b, t.data, t.len);
	buf_release(&t);
	return r;
}

/* A cause's explanation template expanded (cause_expand) with its
 * placeholders as USER and ADDR, the particulars ({detail}, {reason}) as
 * "..." and a key's ({fp}, {fp_with}) as nothing; then the spaces an empty
 * placeholder leaves are tidied. */
static void
cause_meaning(enum cause c, char *out, size_t n)
{
	const struct cause_vars vars = {
		.user = "USER", .addr = "ADDR", .fp = "", .fp_with = "", .detail = "...", .reason = "...",
	};
	const char *t = cause_explanation_template(c);
	_cleanup_(freep) char *e = t ? cause_expand(t, &vars) : NULL;
	size_t k = 0;

	out[0] = '\0';
	if (!e)
		return;
	for (const char *p = e; *p && k + 1 < n; p++) {
		if (*p == ' ' && p[1] == ' ' && k > 0 && (unsigned char)out[k - 1] >= 0x80 &&
		    (unsigned char)p[2] >= 0x80)
			p++;            /* "鍵 {fp} を": between two Japanese words the spaces
					 * that set off the empty placeholder go with it */
		else if (*p == ' ' && k > 0 && out[k - 1] == ' ')
			;               /* one space where a placeholder was empty */
		else if (*p == '.' && p[1] != '.' && k > 0 && out[k - 1] == ' ')
			out[k - 1] = '.';       /* "key ." -> "key." (not " ...") */
		else
			out[k++] = *p;
	}
	out[k] = '\0';
}

static void
format_time(int64_t us, bool utc, bool with_date, bool with_time, char *out, size_t n)
{
	time_t t = (time_t)floordiv(us, 1000000);
	struct tm tm;

	if (utc ? !gmtime_r(&t, &tm) : !localtime_r(&t, &tm)) {
		snprintf(out, n, "@%lld", (long long)us);
		return;
	}
	strftime(out, n, with_date && with_time ? "%Y-%m-%d %H:%M" : with_date ? "%Y-%m-%d" : "%H:%M", &tm);
}

/* Appends text (already escaped) wrapped to width columns at spaces and
 * between wide characters, continuation lines indented by two, then '\n'. */
static int
put_wrapped(struct buf *b, const char *text, size_t width)
{
	size_t col = 0;
	bool space = false;
	int r = 0;

	for (const char *p = text; *p && r >= 0;) {
		size_t w, len;

		if (*p == ' ') {
			space = true;
			p++;
			continue;
		}
		len = text_wrap_unit(p, width > 2 ? width - 2 : 1, &w);
		if (col > 2 && col + (space ? 1 : 0) + w > width) {
			r = buf_puts(b, "\n  ");
			col = 2;
			space = false;
		}
		if (space && col > 0 && r >= 0) {
			r = buf_puts(b, " ");
			col++;
		}
		if (r >= 0)
			r = buf_append(b, p, len);
		col += w;
		space = false;
		p += len;
	}
	return r < 0 ? r : buf_puts(b, "\n");
}

static int
section(struct buf *b, const char *title)
{
	return buf_printf(b, "\n%s\n", title);
}

/* A log string escaped for the terminal and fitted; NULL-safe on ENOMEM. */
static int
put_log_text(struct buf *b, const char *s, size_t len, size_t max, size_t pad, bool utf8)
{
	_cleanup_(freep) char *e = escape_terminal_dup(s, len);

	return text_fit(b, e ? e : "?", max, pad, utf8);
}

static int
top_list(struct buf *b, const struct stats_item *items, size_t n_items, bool accepted, const char *title,
	 const struct stats_view *v)
{
	size_t idx[64], k, top = MIN(v->top, ELEMENTSOF(idx));
	int r;

	k = stats_top(items, n_items, accepted, idx, top);
	if (k == 0)
		return buf_printf(b, _("  %s: none\n"), title);
	if ((r = buf_printf(b, "  %s:", title)) < 0)
		return r;
	r = buf_puts(b, "\n");
	for (size_t i = 0; i < k && r >= 0; i++) {
		const struct stats_item *it = &items[idx[i]];

		r = buf_puts(b, "    ");
		if (r >= 0)
			r = put_padded_count(b, accepted ? it->accepted : it->failed, 9);
		if (r >= 0)
			r = buf_puts(b, "  ");
		if (r >= 0)
			r = put_log_text(b, it->key, it->key_len, v->width > 17 ? v->width - 17 : 1, 0, v->utf8);
		if (r >= 0)
			r = buf_puts(b, "\n");
	}
	return r;
}

static int
keys_section(struct buf *b, const struct stats *s, const struct stats_view *v)
{
	const char *prev = NULL;
	size_t shown_users = 0, in_user = 0;
	char more[64];
	int r = section(b, _("keys per user (accepted / not)"));

	if (r >= 0 && s->n_user_keys == 0)
		return buf_printf(b, "  %s\n", _("none logged (fingerprints appear at LogLevel VERBOSE, and on accepted keys)"));
	for (size_t i = 0; i < s->n_user_keys && r >= 0; i++) {
		const struct stats_item *it = &s->user_keys[i];
		const char *fp = it->key + strlen(it->key) + 1;

		if (!prev || strcmp(prev, it->key) != 0) {
			if (shown_users++ == v->top) {
				r = buf_puts(b, "  ...\n");
				break;
			}
			prev = it->key;
			in_user = 0;
			r = buf_puts(b, "  ");
			if (r >= 0)
				r = put_log_text(b, it->key, strlen(it->key), v->width - 4, 0, v->utf8);
			if (r >= 0)
				r = buf_puts(b, "\n");
		}
		if (r < 0)
			break;
		if (in_user++ >= STATS_KEYS_SHOWN) {
			/* one line for the rest of this user's keys */
			if (i + 1 == s->n_user_keys || strcmp(s->user_keys[i + 1].key, it->key) != 0)
				r = buf_printf(b, "    ... %s\n", fmt_more(more, sizeof more, in_user - STATS_KEYS_SHOWN));
			continue;
		}
		r = buf_puts(b, "    ");
		if (r >= 0)
			r = put_log_text(b, fp, strlen(fp), v->width > 30 ? v->width - 30 : 10, 0, v->utf8);
		if (r >= 0)
			r = buf_printf(b, "  %llu / %llu\n", (unsigned long long)it->accepted,
				       (unsigned long long)it->failed);
	}
	return r;
}

static const char *const blocks_utf8[9] = {
	" ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};

/* Bars of one series, rows high, max from the data; a non-zero bucket
 * shows at least one eighth so a single attempt is visible. */
static int
bars(struct buf *b, const uint64_t *vals, size_t n, unsigned rows, const char *label, const struct stats_view *v)
{
	uint64_t max = 0;
	int r = 0;

	for (size_t i = 0; i < n; i++)
		max = MAX(max, vals[i]);
	if (max == 0)
		return buf_printf(b, _("  %s: none\n"), label);
	r = buf_printf(b, _("  %s (max %llu)\n"), label, (unsigned long long)max);
	for (unsigned row = rows; row-- > 0 && r >= 0;) {
		if (row == rows - 1)
			r = put_padded_count(b, max, Y_LABEL_COLS - 2);
		else
			r = buf_printf(b, "%*s", Y_LABEL_COLS - 2, "");
		if (r >= 0)
			r = buf_puts(b, v->utf8 ? " \xe2\x94\x82" : " |");
		for (size_t i = 0; i < n && r >= 0; i++) {
			uint64_t eighths = vals[i] ? MAX((vals[i] * rows * 8 + max / 2) / max, 1u) : 0;
			int64_t lvl = (int64_t)eighths - (int64_t)row * 8;

			lvl = lvl < 0 ? 0 : lvl > 8 ? 8 : lvl;
			if (v->utf8)
				r = buf_puts(b, blocks_utf8[lvl]);
			else
				r = buf_puts(b, lvl == 0 ? " " : lvl == 8 ? "#" : lvl >= 4 ? "+" : ".");
		}
		if (r >= 0)
			r = buf_puts(b, "\n");
	}
	return r;
}

static int
axis(struct buf *b, int64_t t0, int64_t bucket, size_t n, const struct stats_view *v)
{
	bool with_time = bucket < 1440 * MIN_US;
	char lo[32], hi[32], line[512];
	size_t wl, wh;
	int r;

	r = buf_printf(b, "%*s", Y_LABEL_COLS - 1, "");
	for (size_t i = 0; i <= n && r >= 0; i++)
		r = buf_puts(b, i == 0 ? (v->utf8 ? "\xe2\x94\x94" : "+") : (v->utf8 ? "\xe2\x94\x80" : "-"));
	if (r < 0)
		return r;
	format_time(t0, v->utc, true, with_time, lo, sizeof lo);
	format_time(t0 + (int64_t)n * bucket, v->utc, true, with_time, hi, sizeof hi);
	wl = strlen(lo);
	wh = strlen(hi);
	/* start under the first column, end under the last (or after the start
	 * when the chart is narrower than both labels) */
	if (n + 1 >= wl + wh + 1 && n < sizeof line - Y_LABEL_COLS - 4)
		snprintf(line, sizeof line, "\n%*s%s%*s%s\n", Y_LABEL_COLS, "", lo, (int)(n + 1 - wl - wh), "", hi);
	else    /* as far right as the width allows */
		snprintf(line, sizeof line, "\n%*s%s .. %s\n",
			 (int)MIN((size_t)Y_LABEL_COLS, v->width > wl + wh + 4 ? v->width - wl - wh - 4 : 0), "",
			 lo, hi);
	return buf_puts(b, line);
}

static void
bucket_name(int64_t bucket, char *out, size_t n)
{
	int64_t m = bucket / MIN_US;

	if (m % 1440 == 0)
		snprintf(out, n, ngettext("%lld day", "%lld days", (unsigned long)(m / 1440)), (long long)(m / 1440));
	else if (m % 60 == 0)
		snprintf(out, n, _("%lld h"), (long long)(m / 60));
	else
		snprintf(out, n, _("%lld min"), (long long)m);
}

/* The range the timeline shows. */
static void
view_range(const struct stats *s, const struct stats_view *v, int64_t *lo, int64_t *hi)
{
	*lo = v->since_us ? v->since_us : s->first_us;
	if (v->until_us)
		*hi = v->until_us;
	else if (v->since_us)
		*hi = MAX(v->now_us, s->last_us + MIN_US);
	else
		*hi = s->last_us + MIN_US;
}

static int
timeline(struct buf *b, const struct stats *s, const struct stats_view *v)
{
	size_t cols = v->width > Y_LABEL_COLS + 2 ? v->width - Y_LABEL_COLS - 1 : 1, n;
	_cleanup_(freep) uint64_t *failed = NULL, *accepted = NULL;
	int64_t lo, hi, t0, bucket;
	char name[32];
	int r;

	view_range(s, v, &lo, &hi);
	bucket = stats_bucket(lo, hi, cols, v->utc, &t0, &n);
	failed = calloc(n, sizeof *failed);
	accepted = calloc(n, sizeof *accepted);
	if (!failed || !accepted)
		return -ENOMEM;
	stats_bin(s, t0, bucket, n, failed, accepted);
	bucket_name(bucket, name, sizeof name);
	r = buf_printf(b, _("\ntimeline, one column per %s\n"), name);
	if (r >= 0)
		r = bars(b, failed, n, CHART_FAILED_ROWS, _("did not log in"), v);
	if (r >= 0)
		r = bars(b, accepted, n, CHART_ACCEPTED_ROWS, _("accepted"), v);
	if (r >= 0)
		r = axis(b, t0, bucket, n, v);
	return r;
}

/* "  NAME  COUNT  PCT%  MEANING", the name and count columns as wide as
 * their widest (name_w, count_w), the name cut on a narrow screen; the
 * meaning takes what is left (if 10 columns or more). */
static int
percent_line(struct buf *b, const char *name, uint64_t n, uint64_t total, const char *meaning,
	     size_t name_w, size_t count_w, const struct stats_view *v)
{
	size_t used;
	int r = buf_puts(b, "  ");

	name_w = MIN(name_w, v->width > count_w + 11 ? v->width - count_w - 11 : 1);
	used = 2 + name_w + 2 + count_w + 7;
	if (r >= 0)
		r = text_fit(b, name, name_w, name_w, v->utf8);
	if (r >= 0)
		r = put_padded_count(b, n, count_w + 2);
	if (r >= 0)
		r = buf_printf(b, " %5.1f%%", total ? 100.0 * (double)n / (double)total : 0.0);
	if (r >= 0 && meaning && *meaning && v->width >= used + 2 + 10) {
		r = buf_puts(b, "  ");
		if (r >= 0)
			r = text_fit(b, meaning, v->width - used - 2, 0, v->utf8);
	}
	if (r >= 0)
		r = buf_puts(b, "\n");
	return r;
}

/* The columns a list of names and counts needs. */
static void
columns_for(const char *name, uint64_t n, size_t *name_w, size_t *count_w)
{
	char c[48];

	*name_w = MAX(*name_w, text_width(name, strlen(name)));
	*count_w = MAX(*count_w, strlen(fmt_count(c, sizeof c, n)));
}

int
render_stats_text(struct buf *b, const struct stats *s, const struct stats_view *v)
{
	char lo[32], hi[32], meaning[512], more[64];
	struct buf line;
	int64_t tlo, thi;
	int r;

	if (s->total == 0) {
		r = buf_puts(b, _("no attempts match"));
		if (r >= 0 && v->filters && *v->filters)
			r = buf_printf(b, " (%s)", v->filters);
		return r < 0 ? r : buf_puts(b, "\n");
	}
	view_range(s, v, &tlo, &thi);
	format_time(tlo, v->utc, true, true, lo, sizeof lo);
	format_time(thi, v->utc, true, true, hi, sizeof hi);
	buf_init(&line);
	r = buf_printf(&line, "%s .. %s%s%s%s", lo, hi, v->utc ? " UTC" : "",
		       v->filters && *v->filters ? ", " : "", v->filters ? v->filters : "");
	if (r >= 0)
		r = put_wrapped(b, line.data, v->width);
	buf_clear(&line);
	if (r >= 0) {
		char total[32], acc[32], fail[32];

		fmt_count(total, sizeof total, s->total);
		fmt_count(acc, sizeof acc, s->accepted);
		fmt_count(fail, sizeof fail, s->failed);
		r = buf_printf(&line, _("%s attempts: %s accepted, %s did not log in"), total, acc, fail);
	}
	if (r >= 0 && s->open)
		r = buf_printf(&line, _(", %llu still open"), (unsigned long long)s->open);
	if (r >= 0 && s->penalties > 0)
		r = buf_printf(&line, _("; %lld penalties imposed"), (long long)s->penalties);
	if (r >= 0)
		r = put_wrapped(b, line.data, v->width);
	buf_release(&line);
	if (r >= 0)
		r = timeline(b, s, v);

	if (r >= 0)
		r = section(b, _("by outcome"));
	{
		size_t name_w = 0, count_w = 0;

		for (int o = 0; o < _OUTCOME_MAX; o++)
			if (s->by_outcome[o])
				columns_for(outcome_to_string(o), s->by_outcome[o], &name_w, &count_w);
		for (int o = 0; o < _OUTCOME_MAX && r >= 0; o++)
			if (s->by_outcome[o])
				r = percent_line(b, outcome_to_string(o), s->by_outcome[o], s->total, NULL, name_w,
						 count_w, v);
	}
	if (r >= 0)
		r = section(b, _("by cause"));
	{
		int order[_CAUSE_MAX];
		size_t k = 0;

		for (int c = 0; c < _CAUSE_MAX; c++)
			if (s->by_cause[c])
				order[k++] = c;
		/* insertion sort by count, descending: few causes */
		for (size_t i = 1; i < k; i++)
			for (size_t j = i; j > 0 && s->by_cause[order[j - 1]] < s->by_cause[order[j]]; j--) {
				int t = order[j];

				order[j] = order[j - 1];
				order[j - 1] = t;
			}
		size_t name_w = 0, count_w = 0;

		for (size_t i = 0; i < k && i < v->top * 2; i++)
			columns_for(cause_to_string(order[i]), s->by_cause[order[i]], &name_w, &count_w);
		for (size_t i = 0; i < k && r >= 0; i++) {
			if (i == v->top * 2) {
				r = buf_printf(b, "  ... %s\n", fmt_more(more, sizeof more, k - i));
				break;
			}
			cause_meaning(order[i], meaning, sizeof meaning);
			r = percent_line(b, cause_to_string(order[i]), s->by_cause[order[i]], s->total, meaning,
					 name_w, count_w, v);
		}
	}

	if (r >= 0)
		r = section(b, _("top users"));
	if (r >= 0)
		r = top_list(b, s->users, s->n_users, false, _("did not log in"), v);
	if (r >= 0)
		r = top_list(b, s->users, s->n_users, true, _("accepted"), v);
	if (r >= 0) {
		if (s->v4_prefix || s->v6_prefix)
			r = buf_printf(b, _("\ntop sources (IPv4 by /%u, IPv6 by /%u)\n"), s->v4_prefix ? s->v4_prefix : 32,
				       s->v6_prefix ? s->v6_prefix : 128);
		else
			r = section(b, _("top sources"));
	}
	if (r >= 0)
		r = top_list(b, s->sources, s->n_sources, false, _("did not log in"), v);
	if (r >= 0)
		r = top_list(b, s->sources, s->n_sources, true, _("accepted"), v);
	if (r >= 0)
		r = keys_section(b, s, v);
	if (r >= 0 && s->n_overflow)
		r = buf_printf(b, _("\n(%llu attempts beyond %u distinct users, sources or keys are in the totals only)\n"),
			       (unsigned long long)s->n_overflow, STATS_DISTINCT_MAX);
	return r;
}

static int
json_key(struct buf *b, const char *k)
{
	int r = json_escape(b, k, strlen(k));

	return r < 0 ? r : buf_puts(b, ":");
}

static int
json_time(struct buf *b, int64_t us)
{
	char t[48];

	format_iso8601(us, true, 0, t, sizeof t);
	return buf_printf(b, "\"%s\"", t);
}

static int
json_top(struct buf *b, const struct stats_item *items, size_t n_items, bool accepted, const char *name,
	 size_t top)
{
	size_t idx[64], k = stats_top(items, n_items, accepted, idx, MIN(top, ELEMENTSOF(idx)));
	int r = buf_puts(b, "[");

	for (size_t i = 0; i < k && r >= 0; i++) {
		r = buf_printf(b, "%s{", i ? "," : "");
		if (r >= 0)
			r = json_key(b, name);
		if (r >= 0)
			r = json_escape(b, items[idx[i]].key, items[idx[i]].key_len);
		if (r >= 0)
			r = buf_printf(b, ",\"count\":%llu}",
				       (unsigned long long)(accepted ? items[idx[i]].accepted : items[idx[i]].failed));
	}
	return r < 0 ? r : buf_puts(b, "]");
}

static int
json_series(struct buf *b, const uint64_t *v, size_t n)
{
	int r = buf_puts(b, "[");

	for (size_t i = 0; i < n && r >= 0; i++)
		r = buf_printf(b, "%s%llu", i ? "," : "", (unsigned long long)v[i]);
	return r < 0 ? r : buf_puts(b, "]");
}

/* tag: stats-json. Keep in step with docs/stats.schema.json. */
int
render_stats_json(struct buf *b, const struct stats *s, const struct stats_view *v)
{
	_cleanup_(freep) uint64_t *failed = NULL, *accepted = NULL;
	int64_t lo, hi, t0 = 0, bucket = 0;
	char meaning[512];
	size_t n = 0;
	bool first = true;
	int r;

	view_range(s, v, &lo, &hi);
	if (s->total) {
		/* JSON is not bound to a screen: at most 1,000 buckets */
		bucket = stats_bucket(lo, hi, 1000, true, &t0, &n);
		failed = calloc(n, sizeof *failed);
		accepted = calloc(n, sizeof *accepted);
		if (!failed || !accepted)
			return -ENOMEM;
		stats_bin(s, t0, bucket, n, failed, accepted);
	}
	r = buf_puts(b, "{\"schema\":\"sshwhy-stats/1\",\"since\":");
	if (r >= 0)
		r = s->total || v->since_us ? json_time(b, s->total ? lo : v->since_us) : buf_puts(b, "null");
	if (r >= 0)
		r = buf_puts(b, ",\"until\":");
	if (r >= 0)
		r = s->total || v->until_us ? json_time(b, s->total ? hi : v->until_us) : buf_puts(b, "null");
	if (r >= 0)
		r = buf_printf(b, ",\"attempts\":%llu,\"accepted\":%llu,\"failed\":%llu,\"open\":%llu,\"penalties\":",
			       (unsigned long long)s->total, (unsigned long long)s->accepted,
			       (unsigned long long)s->failed, (unsigned long long)s->open);
	if (r >= 0)
		r = s->penalties >= 0 ? buf_printf(b, "%lld", (long long)s->penalties) : buf_puts(b, "null");
	if (r >= 0)
		r = buf_puts(b, ",\"outcomes\":{");
	for (int o = 0; o < _OUTCOME_MAX && r >= 0; o++)
		if (s->by_outcome[o]) {
			r = buf_printf(b, "%s\"%s\":%llu", first ? "" : ",", outcome_to_string(o),
				       (unsigned long long)s->by_outcome[o]);
			first = false;
		}
	if (r >= 0)
		r = buf_puts(b, "},\"causes\":[");
	first = true;
	for (int c = 0; c < _CAUSE_MAX && r >= 0; c++) {
		if (!s->by_cause[c])
			continue;
		cause_meaning(c, meaning, sizeof meaning);
		r = buf_printf(b, "%s{\"cause\":\"%s\",\"count\":%llu,\"generic\":%s,\"meaning\":", first ? "" : ",",
			       cause_to_string(c), (unsigned long long)s->by_cause[c],
			       cause_is_generic(c) ? "true" : "false");
		if (r >= 0)
			r = json_escape(b, meaning, strlen(meaning));
		if (r >= 0)
			r = buf_puts(b, "}");
		first = false;
	}
	if (r >= 0)
		r = buf_printf(b, "],\"distinct_users\":%zu,\"top_users\":{\"failed\":", s->n_users);
	if (r >= 0)
		r = json_top(b, s->users, s->n_users, false, "user", v->top);
	if (r >= 0)
		r = buf_puts(b, ",\"accepted\":");
	if (r >= 0)
		r = json_top(b, s->users, s->n_users, true, "user", v->top);
	if (r >= 0)
		r = buf_printf(b, "},\"distinct_sources\":%zu,\"source_prefix\":{\"ipv4\":%u,\"ipv6\":%u},"
			       "\"top_sources\":{\"failed\":", s->n_sources, s->v4_prefix ? s->v4_prefix : 32,
			       s->v6_prefix ? s->v6_prefix : 128);
	if (r >= 0)
		r = json_top(b, s->sources, s->n_sources, false, "source", v->top);
	if (r >= 0)
		r = buf_puts(b, ",\"accepted\":");
	if (r >= 0)
		r = json_top(b, s->sources, s->n_sources, true, "source", v->top);
	if (r >= 0)
		r = buf_puts(b, "},\"keys\":[");
	for (size_t i = 0; i < s->n_user_keys && r >= 0; i++) {
		const struct stats_item *it = &s->user_keys[i];
		const char *fp = it->key + strlen(it->key) + 1;

		r = buf_printf(b, "%s{\"user\":", i ? "," : "");
		if (r >= 0)
			r = json_escape(b, it->key, strlen(it->key));
		if (r >= 0)
			r = buf_puts(b, ",\"fingerprint\":");
		if (r >= 0)
			r = json_escape(b, fp, strlen(fp));
		if (r >= 0)
			r = buf_printf(b, ",\"accepted\":%llu,\"failed\":%llu}", (unsigned long long)it->accepted,
				       (unsigned long long)it->failed);
	}
	if (r >= 0)
		r = buf_puts(b, "],\"timeline\":{\"start\":");
	if (r >= 0)
		r = s->total ? json_time(b, t0) : buf_puts(b, "null");
	if (r >= 0)
		r = buf_printf(b, ",\"bucket_seconds\":%lld,\"failed\":", (long long)(bucket / 1000000));
	if (r >= 0)
		r = json_series(b, failed, n);
	if (r >= 0)
		r = buf_puts(b, ",\"accepted\":");
	if (r >= 0)
		r = json_series(b, accepted, n);
	if (r >= 0)
		r = buf_printf(b, "},\"overflow\":%llu}\n", (unsigned long long)s->n_overflow);
	return r;
}

/* A standalone SVG of the timeline: failed bars up (red), accepted bars down
 * (green), one bar per bucket, axis labels in UTC or local time. */
int
render_stats_svg(struct buf *b, const struct stats *s, const struct stats_view *v)
{
	enum { W = 960, H = 360, PAD = 48 };
	_cleanup_(freep) uint64_t *failed = NULL, *accepted = NULL;
	int64_t lo, hi, t0, bucket;
	uint64_t fmax = 0, amax = 0;
	char a[32], z[32], name[32];
	double mid = PAD + (H - 2 * PAD) * 0.7, bw;
	size_t n;
	int r;

	view_range(s, v, &lo, &hi);
	bucket = stats_bucket(lo, hi, 240, v->utc, &t0, &n);
	failed = calloc(n, sizeof *failed);
	accepted = calloc(n, sizeof *accepted);
	if (!failed || !accepted)
		return -ENOMEM;
	stats_bin(s, t0, bucket, n, failed, accepted);
	for (size_t i = 0; i < n; i++) {
		fmax = MAX(fmax, failed[i]);
		amax = MAX(amax, accepted[i]);
	}
	bw = (double)(W - 2 * PAD) / (double)n;
	format_time(t0, v->utc, true, true, a, sizeof a);
	format_time(t0 + (int64_t)n * bucket, v->utc, true, true, z, sizeof z);
	bucket_name(bucket, name, sizeof name);
	r = buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		       "font-family=\"sans-serif\" font-size=\"12\">\n"
		       "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
		       "<text x=\"%d\" y=\"20\">sshwhy: %llu attempts, %llu did not log in (red, up, max %llu per %s), "
		       "%llu accepted (green, down, max %llu)</text>\n",
		       W, H, W, H, PAD, (unsigned long long)s->total, (unsigned long long)s->failed,
		       (unsigned long long)fmax, name, (unsigned long long)s->accepted, (unsigned long long)amax);
	for (size_t i = 0; i < n && r >= 0; i++) {
		double x = PAD + bw * (double)i;

		if (failed[i]) {
			double h = MAX((mid - PAD) * (double)failed[i] / (double)fmax, 1.0);

			r = buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#c0392b\"/>\n",
				       x, mid - h, MAX(bw - 0.5, 0.5), h);
		}
		if (r >= 0 && accepted[i]) {
			double h = MAX((H - PAD - mid - 4) * (double)accepted[i] / (double)amax, 1.0);

			r = buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#27ae60\"/>\n",
				       x, mid + 2, MAX(bw - 0.5, 0.5), h);
		}
	}
	if (r >= 0)
		r = buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\"/>\n"
			       "<text x=\"%d\" y=\"%d\">%s</text>\n"
			       "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n</svg>\n",
			       PAD, mid + 1, W - PAD, mid + 1, PAD, H - 12, a, W - PAD, H - 12, z);
	return r;
}
