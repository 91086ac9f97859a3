/* JSON lines: one object per attempt. json_escape() is the only place a
 * string becomes JSON; it always produces valid JSON whatever the bytes
 * (log text is hostile and not necessarily UTF-8). */
#include "config.h"

#include "attempt.h"
#include "cause.h"
#include "render.h"
#include "util.h"
#include "banned.h"

int
json_escape(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;         /* start of the pending run of bytes copied as is */
	char esc[8];

	if (buf_reserve(b, n + 2) < 0 || buf_append(b, "\"", 1) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n;) {
		const char *rep = NULL;
		size_t replen = 0, adv = 1;
		uint32_t cp;

		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\') {
			i++;
			continue;
		}
		if (p[i] >= 0x80) {
			size_t l = utf8_decode(p + i, n - i, &cp);

			if (l == 0) {
				rep = "\\ufffd";        /* invalid byte */
				replen = 6;
			} else if (cp <= 0x9f || cp == 0x2028 || cp == 0x2029) {
				/* C1 controls and the JavaScript line separators. */
				replen = (size_t)snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
				rep = esc;
				adv = l;
			} else {
				i += l;
				continue;
			}
		} else {
			switch (p[i]) {
			case '"': rep = "\\\""; break;
			case '\\': rep = "\\\\"; break;
			case '\n': rep = "\\n"; break;
			case '\r': rep = "\\r"; break;
			case '\t': rep = "\\t"; break;
			case '\b': rep = "\\b"; break;
			case '\f': rep = "\\f"; break;
			default:
				/* other C0 controls and DEL */
				snprintf(esc, sizeof esc, "\\u%04x", p[i]);
				rep = esc;
				break;
			}
			replen = strlen(rep);
		}
		if (buf_append(b, s + run, i - run) < 0 || buf_append(b, rep, replen) < 0)
			return -ENOMEM;
		i += adv;
		run = i;
	}
	if (buf_append(b, s + run, n - run) < 0 || buf_append(b, "\"", 1) < 0)
		return -ENOMEM;
	return 0;
}

static int
json_str(struct buf *b, const char *s)
{
	if (!s)
		return buf_puts(b, "null");
	return json_escape(b, s, strlen(s));
}

/* "key": — keys are our own ASCII constants. */
static int
json_key(struct buf *b, bool first, const char *k)
{
	if (!first && buf_append(b, ",", 1) < 0)
		return -ENOMEM;
	return buf_printf(b, "\"%s\":", k);
}

static int
json_time(struct buf *b, int64_t us)
{
	char t[48];

	format_iso8601(us, /* utc= */ false, 6, t, sizeof t);
	return json_str(b, t);
}

int
render_attempt_json(struct buf *b, const struct attempt *a)
{
	int r = 0;

	r |= buf_append(b, "{", 1);
	r |= json_key(b, true, "id");
	r |= buf_printf(b, "%lld", (long long)a->id);
	r |= json_key(b, false, "host");
	r |= json_str(b, a->host);
	r |= json_key(b, false, "pid");
	r |= buf_printf(b, "%u", a->pid);
	r |= json_key(b, false, "child_pid");
	r |= a->child_pid ? buf_printf(b, "%u", a->child_pid) : buf_puts(b, "null");
	r |= json_key(b, false, "start");
	r |= json_time(b, a->start_us);
	r |= json_key(b, false, "end");
	r |= a->open ? buf_puts(b, "null") : json_time(b, a->end_us);
	r |= json_key(b, false, "open");
	r |= buf_puts(b, a->open ? "true" : "false");
	r |= json_key(b, false, "duration_s");
	r |= a->open ? buf_puts(b, "null") :
		       buf_printf(b, "%.3f", (double)(a->end_us - a->start_us) / 1e6);
	r |= json_key(b, false, "session_end");
	r |= a->session_end[0] ? json_str(b, a->session_end) : buf_puts(b, "null");
	r |= json_key(b, false, "address");
	r |= a->addr[0] ? json_str(b, a->addr) : buf_puts(b, "null");
	r |= json_key(b, false, "port");
	r |= a->port ? buf_printf(b, "%u", a->port) : buf_puts(b, "null");
	r |= json_key(b, false, "server_port");
	r |= a->server_port ? buf_printf(b, "%u", a->server_port) : buf_puts(b, "null");
	r |= json_key(b, false, "user");
	r |= a->user[0] ? json_str(b, a->user) : buf_puts(b, "null");
	r |= json_key(b, false, "user_valid");
	r |= buf_puts(b, a->user_valid > 0 ? "true" : a->user_valid == 0 ? "false" : "null");
	r |= json_key(b, false, "outcome");
	r |= json_str(b, outcome_to_string(a->outcome));
	r |= json_key(b, false, "cause");
	r |= json_str(b, cause_to_string(a->cause));
	r |= json_key(b, false, "generic");
	r |= buf_puts(b, cause_is_generic(a->cause) > 0 ? "true" : "false");
	r |= json_key(b, false, "candidates");
	r |= buf_append(b, "[", 1);
	for (size_t i = 0, k = 0; i < a->n_candidates && i < ATTEMPT_MAX_CANDIDATES; i++) {
		const char *c = cause_to_string(a->candidates[i]);

		if (!c)
			continue;
		if (k++)
			r |= buf_append(b, ",", 1);
		r |= json_str(b, c);
	}
	r |= buf_append(b, "]", 1);
	r |= json_key(b, false, "explanation");
	r |= json_str(b, a->explanation);
	r |= json_key(b, false, "fix");
	r |= json_str(b, a->fix);
	r |= json_key(b, false, "decide");
	r |= json_str(b, a->decide);
	r |= json_key(b, false, "loglevel");
	r |= a->loglevel[0] ? json_str(b, a->loglevel) : buf_puts(b, "null");
	r |= json_key(b, false, "keys");
	r |= buf_append(b, "[", 1);
	for (size_t i = 0; i < a->n_keys && i < ATTEMPT_MAX_KEYS; i++) {
		const char *res = key_result_to_string(a->keys[i].result);

		r |= buf_puts(b, i ? ",{\"type\":" : "{\"type\":");
		r |= json_str(b, a->keys[i].type);
		r |= buf_puts(b, ",\"fingerprint\":");
		r |= json_str(b, a->keys[i].fingerprint);
		r |= buf_puts(b, ",\"result\":");
		r |= json_str(b, res);
		r |= buf_append(b, "}", 1);
	}
	r |= buf_append(b, "]", 1);
	r |= json_key(b, false, "evidence");
	r |= buf_append(b, "[", 1);
	for (size_t i = 0; i < a->n_evidence; i++) {
		if (i)
			r |= buf_append(b, ",", 1);
		r |= json_str(b, a->evidence[i]);
	}
	r |= buf_append(b, "]", 1);
	r |= json_key(b, false, "evidence_dropped");
	r |= buf_printf(b, "%zu", a->n_evidence_dropped);
	r |= buf_append(b, "}\n", 2);
	/* Every helper returns 0 or -ENOMEM (-EINVAL never happens for our
	 * formats); OR-ing keeps the sequence readable. */
	return r < 0 ? -ENOMEM : 0;
}
