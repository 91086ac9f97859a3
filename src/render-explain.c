/* render-explain: explain's verdict as text for a person (in their language,
 * wrapped to the terminal's columns) and as one JSON object (English, the
 * same whatever the locale). Everything that came from a log is escaped
 * here. */
#include "config.h"

#include <stdio.h>

#include "attempt.h"
#include "cause.h"
#include "client-parse.h"
#include "explain.h"
#include "i18n.h"
#include "render.h"
#include "util.h"
#include "width.h"
#include "banned.h"

static int
put_escaped(struct buf *b, const char *s)
{
	_cleanup_(freep) char *e = escape_terminal_dup(s, strlen(s));

	return e ? buf_puts(b, e) : -ENOMEM;
}

/* The confidence code ("strong", "likely", "weak", "none") in words. */
static const char *
confidence_words(const char *c)
{
	if (streq(c, "strong"))
		return _("strong");
	if (streq(c, "likely"))
		return _("likely");
	if (streq(c, "weak"))
		return _("weak");
	if (streq(c, "ambiguous"))
		return _("ambiguous");
	return _("none");
}

/* What a line must not start with (kinsoku): closing punctuation, the long
 * vowel mark and small kana, kept with the unit before it. */
static size_t
closing_mark(const char *s)
{
	static const char *const marks[] = {
		"、", "。", "）", "」", "』", "：", "ー", "々", "ッ", "ャ", "ュ", "ョ", "ァ", "ィ", "ゥ", "ェ",
		"ォ", "っ", "ゃ", "ゅ", "ょ", "ぁ", "ぃ", "ぅ", "ぇ", "ぉ", ")", ",", ".", ";", ":",
	};

	for (size_t i = 0; i < ELEMENTSOF(marks); i++)
		if (startswith(s, marks[i]))
			return strlen(marks[i]);
	return 0;
}

/* Whether the unit s[0..n) ends with a full-width opening bracket. */
static bool
opening_mark(const char *s, size_t n)
{
	static const char *const marks[] = { "（", "「", "『" };

	for (size_t i = 0; i < ELEMENTSOF(marks); i++)
		if (n >= strlen(marks[i]) && memcmp(s + n - strlen(marks[i]), marks[i], strlen(marks[i])) == 0)
			return true;
	return false;
}

/* Append the line s[0..n) to b, wrapped at width columns: a unit (a word,
 * or one wide character: Japanese breaks between any two; closing marks
 * stay with what they close) that would pass the width starts a new line
 * indented two columns past the line's own indentation; the spaces at a
 * break are dropped. */
static int
put_line_wrapped(struct buf *b, const char *s, size_t n, size_t width)
{
	_cleanup_(freep) char *line = strndup(s, n);
	size_t lead, indent, col = 0;
	int e = 0;

	if (!line)
		return -ENOMEM;
	lead = strspn(line, " ");
	indent = MIN(lead + 2, width / 2);
	e |= buf_append(b, line, lead);
	col = lead;
	for (const char *p = line + lead; *p;) {
		size_t sp = strspn(p, " "), w, u;

		if (!p[sp])
			break;
		u = text_wrap_unit(p + sp, width - indent, &w);
		for (size_t m; p[sp + u] && (m = closing_mark(p + sp + u)) && w + 2 <= width - indent; u += m)
			w += text_width(p + sp + u, m);
		/* an opening bracket stays with what it opens */
		if (p[sp + u] && p[sp + u] != ' ' && (p[sp + u - 1] == '(' || opening_mark(p + sp, u)) &&
		    w + 2 <= width - indent) {
			size_t w2, u2 = text_wrap_unit(p + sp + u, width - indent - w, &w2);

			u += u2;
			w += w2;
		}
		if (col > indent && col + sp + w > width) {
			e |= buf_printf(b, "\n%*s", (int)indent, "");
			col = indent;
		} else {
			e |= buf_append(b, p, sp);
			col += sp;
		}
		e |= buf_append(b, p + sp, u);
		col += w;
		p += sp + u;
	}
	return e;
}

/* Re-flow the rendered text so that no line passes width columns (0: as
 * it is). */
static int
wrap_to_width(struct buf *out, const struct buf *in, size_t width)
{
	int e = 0;

	for (size_t i = 0; i < in->len;) {
		const char *nl = memchr(in->data + i, '\n', in->len - i);
		size_t n = nl ? (size_t)(nl - (in->data + i)) : in->len - i;

		if (!width || width < 8 || text_width(in->data + i, n) <= width)
			e |= buf_append(out, in->data + i, n);
		else
			e |= put_line_wrapped(out, in->data + i, n, width);
		if (nl)
			e |= buf_puts(out, "\n");
		i += n + 1;
	}
	return e;
}

static int
time_of(struct buf *b, int64_t us)
{
	char tb[48];

	format_iso8601(us, false, 0, tb, sizeof tb);
	return buf_puts(b, tb);
}

/* Several attempts fit as well and their causes differ: said first, one
 * line per cause with its count and nearest attempt (the verdict's first);
 * -v lists every one. */
static int
render_ambiguity(struct buf *b, const struct explain_result *r, bool color, int verbose)
{
	int e = 0;

	e |= buf_printf(b, "%s%s%s ", color ? "\033[1m" : "", _("ambiguous:"), color ? "\033[0m" : "");
	e |= buf_printf(b, r->timed ? _("%zu attempts fit the client's log and the time given equally well, and "
					"their causes differ:")
				    : _("%zu attempts fit what was given (no time) equally well, and their causes "
					"differ:"),
			r->n_tied);
	e |= buf_puts(b, "\n");
	for (size_t i = 0; i < r->n_alternatives; i++) {
		const struct explain_alternative *al = &r->alternatives[i];
		size_t n = 0;
		bool seen = false;

		for (size_t j = 0; j < r->n_alternatives; j++) {
			seen |= j < i && r->alternatives[j].cause == al->cause;
			n += r->alternatives[j].cause == al->cause;
		}
		if (seen && !verbose)
			continue;
		e |= buf_printf(b, "  %s %-34s ", i == 0 ? "*" : " ", cause_to_string(al->cause));
		if (!verbose)
			e |= buf_printf(b, r->timed ? ngettext("%3zu attempt, nearest ", "%3zu attempts, nearest ", n)
						    : ngettext("%3zu attempt, newest ", "%3zu attempts, newest ", n),
					n);
		e |= buf_printf(b, "#%lld ", (long long)al->a->id);
		e |= time_of(b, al->a->start_us);
		e |= buf_puts(b, " ");
		e |= put_escaped(b, al->a->user[0] ? al->a->user : "-");
		e |= buf_printf(b, " %s:%u%s\n", al->a->addr, al->a->port,
				i == 0 ? _(" (the best fit: the verdict below is for this one)") : "");
	}
	if (r->n_alternatives < r->n_tied)
		e |= buf_printf(b, _("  (%zu more not listed)\n"), r->n_tied - r->n_alternatives);
	return e;
}

static int
render_text(struct buf *b, const struct client_report *c, const struct explain_result *r, bool color,
	    int verbose)
{
	int e = 0;

	if (r->ambiguous)
		e |= render_ambiguity(b, r, color, verbose);
	e |= buf_printf(b, "%s%s %s%s (%s", color ? "\033[1m" : "", _("verdict:"), cause_to_string(r->cause),
			color ? "\033[0m" : "", fix_side_words(r->side));
	if (cause_is_generic(r->cause))
		e |= buf_puts(b, _("; generic: the logs cannot prove more"));
	if (!r->ambiguous && r->n_same_cause > 1)
		e |= buf_printf(b, _("; %zu attempts, same cause"), r->n_same_cause);
	e |= buf_puts(b, ")\n");
	if (verbose && r->rule)
		e |= buf_printf(b, "%s %s\n", _("rule:"), r->rule);
	e |= buf_puts(b, "  ");
	e |= put_escaped(b, r->explanation ? r->explanation : "");
	e |= buf_puts(b, "\n");
	if (r->fix) {
		e |= buf_printf(b, "%s ", _("fix:"));
		e |= put_escaped(b, r->fix);
		e |= buf_puts(b, "\n");
	}
	if (r->n_candidates) {
		e |= buf_puts(b, _("could be:"));
		for (size_t i = 0; i < r->n_candidates; i++)
			e |= buf_printf(b, "%s %s", i ? "," : "", cause_to_string(r->candidates[i]));
		e |= buf_puts(b, "\n");
	}
	if (r->decide) {
		e |= buf_printf(b, "%s ", _("decide:"));
		e |= put_escaped(b, r->decide);
		e |= buf_puts(b, "\n");
	}
	if (r->facts_note) {
		e |= buf_printf(b, "%s ", _("server files:"));
		e |= put_escaped(b, r->facts_note);
		e |= buf_puts(b, "\n");
		for (size_t i = 0; i < r->n_facts_evidence; i++) {
			e |= buf_puts(b, "  | ");
			e |= put_escaped(b, r->facts_evidence[i]);
			e |= buf_puts(b, "\n");
		}
	}
	if (r->db_note) {
		e |= buf_printf(b, "%s ", _("database:"));
		e |= put_escaped(b, r->db_note);
		e |= buf_puts(b, "\n");
	}
	if (r->hostkey_note[0]) {
		e |= buf_printf(b, "%s ", _("host key:"));
		e |= put_escaped(b, r->hostkey_note);
		e |= buf_puts(b, "\n");
	}
	e |= buf_printf(b, "\n%s (", _("client"));
	e |= put_escaped(b, c->version[0] ? c->version : _("version not in the log"));
	e |= buf_puts(b, r->windows ? ", Windows):\n" : "):\n");
	if (c->server_version[0]) {
		e |= buf_printf(b, "  %s ", _("server software (its banner):"));
		e |= put_escaped(b, c->server_version);
		e |= buf_puts(b, "\n");
	}
	for (size_t i = 0; i < r->n_client_evidence; i++) {
		e |= buf_puts(b, "  ");
		e |= put_escaped(b, r->client_evidence[i]);
		e |= buf_puts(b, "\n");
	}
	e |= buf_printf(b, _("\nserver attempts matched (%s):\n"), confidence_words(r->confidence));
	if (!r->n_matches)
		e |= buf_printf(b, "  %s\n", _("none"));
	for (size_t i = 0; i < r->n_matches; i++) {
		const struct attempt *a = r->matches[i].a;
		char tb[48];

		if (i == EXPLAIN_MAX_MATCHES && !verbose) {
			e |= buf_printf(b, _("  ... %zu more tied (-v lists them)\n"), r->n_matches - i);
			break;
		}
		format_iso8601(a->start_us, false, 0, tb, sizeof tb);
		e |= buf_printf(b, _("  #%lld %s score %d: "), (long long)a->id, tb, r->matches[i].score);
		e |= put_escaped(b, a->user[0] ? a->user : "-");
		/* the endpoint as ssh writes it: [v6]:port, no port when the log gave none */
		if (!a->addr[0])
			e |= buf_puts(b, " -");
		else if (!a->port)
			e |= buf_printf(b, " %s", a->addr);
		else
			e |= buf_printf(b, strchr(a->addr, ':') ? " [%s]:%u" : " %s:%u", a->addr, a->port);
		e |= buf_printf(b, " %s %s", outcome_words(a->outcome), cause_to_string(a->cause));
		if (r->matches[i].reasons[0]) {
			e |= buf_puts(b, " (");
			e |= put_escaped(b, r->matches[i].reasons);
			e |= buf_puts(b, ")");
		}
		e |= buf_puts(b, "\n");
		if (i == 0)
			for (size_t k = 0; k < a->n_evidence; k++) {
				e |= buf_puts(b, "      ");
				e |= put_escaped(b, a->evidence[k]);
				e |= buf_puts(b, "\n");
			}
	}
	return e ? -ENOMEM : 0;
}

int
explain_render_text(struct buf *b, const struct client_report *c, const struct explain_result *r,
		    bool color, int verbose, size_t width)
{
	struct buf t;
	int e;

	buf_init(&t);
	e = render_text(&t, c, r, color, verbose);
	if (e >= 0)
		e = wrap_to_width(b, &t, width) ? -ENOMEM : 0;
	buf_release(&t);
	return e;
}

/* One attempt as render_attempt_json() prints it, without its newline. */
static int
attempt_json(struct buf *b, const struct attempt *a)
{
	struct buf one;
	int e;

	buf_init(&one);
	e = render_attempt_json(&one, a);
	if (one.len && one.data[one.len - 1] == '\n')
		one.len--;
	e |= buf_append(b, one.data ? one.data : "null", one.data ? one.len : 4);
	buf_release(&one);
	return e;
}

int
explain_render_json(struct buf *b, const struct client_report *c, const struct explain_result *r)
{
	int e = 0;

	e |= buf_puts(b, "{\"client\":{\"version\":");
	e |= json_escape(b, c->version, strlen(c->version));
	e |= buf_puts(b, ",\"user\":");
	e |= json_escape(b, c->user, strlen(c->user));
	e |= buf_puts(b, ",\"host\":");
	e |= json_escape(b, c->host, strlen(c->host));
	e |= buf_puts(b, ",\"address\":");
	e |= json_escape(b, c->addr, strlen(c->addr));
	e |= buf_puts(b, ",\"server_version\":");
	e |= json_escape(b, c->server_version, strlen(c->server_version));
	e |= buf_printf(b, ",\"platform\":\"%s\"", r->windows ? "windows" : "other");
	e |= buf_printf(b, ",\"port\":%u,\"host_key\":", c->port);
	e |= json_escape(b, c->hostkey_fp, strlen(c->hostkey_fp));
	e |= buf_printf(b, ",\"result\":\"%s\",\"methods\":", client_result_to_string(c->result));
	e |= json_escape(b, c->methods, strlen(c->methods));
	e |= buf_puts(b, ",\"keys\":[");
	for (size_t i = 0; i < c->n_keys; i++) {
		const struct client_key *k = &c->keys[i];

		e |= buf_puts(b, i ? ",{\"source\":" : "{\"source\":");
		e |= json_escape(b, k->source, strlen(k->source));
		e |= buf_puts(b, ",\"type\":");
		e |= json_escape(b, k->type, strlen(k->type));
		e |= buf_puts(b, ",\"fingerprint\":");
		e |= json_escape(b, k->fingerprint, strlen(k->fingerprint));
		e |= buf_printf(b, ",\"state\":\"%s\",\"problem\":\"%s\"}", client_key_state_to_string(k->state),
				client_key_problem_to_string(k->problem));
	}
	e |= buf_puts(b, "]},\"matches\":[");
	for (size_t i = 0; i < r->n_matches; i++) {
		e |= buf_puts(b, i ? ",{\"attempt\":" : "{\"attempt\":");
		e |= attempt_json(b, r->matches[i].a);
		e |= buf_printf(b, ",\"score\":%d,\"reasons\":", r->matches[i].score);
		e |= json_escape(b, r->matches[i].reasons, strlen(r->matches[i].reasons));
		e |= buf_puts(b, "}");
	}
	e |= buf_printf(b, "],\"ambiguous\":%s,\"tied\":%zu,\"same_cause\":%zu,\"alternatives\":[",
			r->ambiguous ? "true" : "false", r->n_tied, r->n_same_cause);
	for (size_t i = 0; i < r->n_alternatives; i++) {
		const struct explain_alternative *al = &r->alternatives[i];

		e |= buf_puts(b, i ? ",{\"attempt\":" : "{\"attempt\":");
		e |= attempt_json(b, al->a);
		e |= buf_printf(b, ",\"cause\":\"%s\",\"candidates\":[", cause_to_string(al->cause));
		for (size_t k = 0; k < al->n_candidates; k++)
			e |= buf_printf(b, "%s\"%s\"", k ? "," : "", cause_to_string(al->candidates[k]));
		e |= buf_printf(b, "],\"rule\":\"%s\",\"score\":%d,\"reasons\":", al->rule ? al->rule : "",
				al->score);
		e |= json_escape(b, al->reasons, strlen(al->reasons));
		e |= buf_puts(b, "}");
	}
	e |= buf_printf(b, "],\"rule\":\"%s\",\"confidence\":\"%s\",\"cause\":\"%s\",\"generic\":%s,"
			"\"candidates\":[", r->rule ? r->rule : "",
			r->confidence, cause_to_string(r->cause), cause_is_generic(r->cause) ? "true" : "false");
	for (size_t i = 0; i < r->n_candidates; i++)
		e |= buf_printf(b, "%s\"%s\"", i ? "," : "", cause_to_string(r->candidates[i]));
	e |= buf_printf(b, "],\"side\":\"%s\",\"explanation\":", fix_side_to_string(r->side));
	e |= json_escape(b, r->explanation ? r->explanation : "", r->explanation ? strlen(r->explanation) : 0);
	e |= buf_puts(b, ",\"fix\":");
	if (r->fix)
		e |= json_escape(b, r->fix, strlen(r->fix));
	else
		e |= buf_puts(b, "null");
	e |= buf_puts(b, ",\"decide\":");
	if (r->decide)
		e |= json_escape(b, r->decide, strlen(r->decide));
	else
		e |= buf_puts(b, "null");
	e |= buf_printf(b, ",\"server_facts\":{\"checked\":%s,\"log_cause\":", r->facts_checked ? "true" : "false");
	if (r->log_cause != CAUSE_NONE)
		e |= buf_printf(b, "\"%s\"", cause_to_string(r->log_cause));
	else
		e |= buf_puts(b, "null");
	e |= buf_puts(b, ",\"note\":");
	if (r->facts_note)
		e |= json_escape(b, r->facts_note, strlen(r->facts_note));
	else
		e |= buf_puts(b, "null");
	e |= buf_puts(b, ",\"evidence\":[");
	for (size_t i = 0; i < r->n_facts_evidence; i++) {
		if (i)
			e |= buf_puts(b, ",");
		e |= json_escape(b, r->facts_evidence[i], strlen(r->facts_evidence[i]));
	}
	e |= buf_puts(b, "]},\"database\":");
	if (r->db_note)
		e |= json_escape(b, r->db_note, strlen(r->db_note));
	else
		e |= buf_puts(b, "null");
	e |= buf_puts(b, ",\"host_key_note\":");
	e |= json_escape(b, r->hostkey_note, strlen(r->hostkey_note));
	e |= buf_printf(b, ",\"host_key_ours\":%s,\"evidence\":{\"client\":[",
			r->hostkey < 0 ? "null" : r->hostkey ? "true" : "false");
	for (size_t i = 0; i < r->n_client_evidence; i++) {
		if (i)
			e |= buf_puts(b, ",");
		e |= json_escape(b, r->client_evidence[i], strlen(r->client_evidence[i]));
	}
	e |= buf_puts(b, "],\"server\":[");
	if (r->n_matches)
		for (size_t i = 0; i < r->matches[0].a->n_evidence; i++) {
			if (i)
				e |= buf_puts(b, ",");
			e |= json_escape(b, r->matches[0].a->evidence[i], strlen(r->matches[0].a->evidence[i]));
		}
	e |= buf_puts(b, "]}}\n");
	return e ? -ENOMEM : 0;
}
