/* Journal entries as text: the export format (journalctl -o export: entries
 * of "FIELD=value\n" or binary "FIELD\n" + le64 length + data + "\n",
 * separated by an empty line) and JSON (journalctl -o json, one object per
 * line; values are strings, numbers, null, byte arrays for binary data, or
 * arrays of those for repeated fields). Both fill a struct jentry with the
 * few fields we use, bounded, and share the match rule with sd-journal. */
#include "config.h"

#include "source-int.h"
#include "util.h"
#include "banned.h"

/* Account for one finished entry; returns 1 when *ret is to be delivered. */
static int
entry_done(struct source *s, bool bad, bool unterminated, struct log_line *ret)
{
	int r;

	s->stats.lines++;
	if (bad || (unterminated && !s->je.have_msg)) {
		s->stats.malformed++;
		return 0;
	}
	r = jentry_emit(&s->je, s->opts.all_idents, ret);
	if (r < 0) {
		s->stats.malformed++;
		return 0;
	}
	if (r == 0)
		return 0;
	if (s->je.msg_truncated)
		s->stats.truncated++;
	s->stats.matched++;
	return 1;
}

/* ---- export format ---- */

static bool
valid_field_name(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > 64)
		return false;
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/* Binary field: name already read; le64 size, data, '\n'. Returns 1 read,
 * 0 EOF inside the field, -EBADMSG framing broken, other negative errno. */
static int
export_binary_field(struct source *s, const char *name, size_t nlen)
{
	char nbuf[65];
	const char *p;
	uint64_t size = 0;
	size_t take;
	int64_t n;
	int i, r;

	memcpy(nbuf, name, nlen); /* name points into the buffer, which may move */
	n = reader_peek(&s->rd, 8, &p);
	if (n < 0)
		return (int)n;
	if (n < 8)
		return 0;
	for (i = 7; i >= 0; i--)
		size = size << 8 | (unsigned char)p[i];
	reader_consume(&s->rd, 8);
	take = size > s->opts.max_line ? s->opts.max_line : (size_t)size;
	n = reader_peek(&s->rd, take + 1, &p);
	if (n < 0)
		return (int)n;
	if ((size_t)n < take)
		return 0;
	jentry_set(&s->je, nbuf, nlen, p, take);
	if (take < size && nlen == 7 && memcmp(nbuf, "MESSAGE", 7) == 0)
		s->je.msg_truncated = true;
	reader_consume(&s->rd, take);
	if (take < size) {
		r = reader_skip(&s->rd, size - take);
		if (r <= 0)
			return r;
	}
	n = reader_peek(&s->rd, 1, &p);
	if (n < 0)
		return (int)n;
	if (n < 1)
		return 0;
	if (p[0] != '\n')
		return -EBADMSG;
	reader_consume(&s->rd, 1);
	return 1;
}

static int
export_next(struct source *s, struct log_line *ret, char **reterr)
{
	/* Room for the field name in front of a max_line value. */
	const size_t limit = s->opts.max_line + 80;

	for (;;) {
		bool bad = false, eof = false;
		size_t nfields = 0;

		jentry_reset(&s->je);
		for (;;) {
			const char *l, *eq;
			size_t len;
			bool cut;
			int r;

			r = reader_line(&s->rd, limit, &l, &len, &cut);
			if (r < 0)
				return r;
			if (r == 0) {
				eof = true;
				break;
			}
			if (len == 0) {
				if (nfields == 0)
					continue; /* stray empty line between entries */
				break;
			}
			nfields++;
			eq = memchr(l, '=', len);
			if (eq) {
				size_t nlen = (size_t)(eq - l);

				if (!valid_field_name(l, nlen)) {
					bad = true;
					continue;
				}
				jentry_set(&s->je, l, nlen, eq + 1, len - nlen - 1);
				if (cut && nlen == 7 && memcmp(l, "MESSAGE", 7) == 0)
					s->je.msg_truncated = true;
				continue;
			}
			if (!valid_field_name(l, len)) {
				bad = true;
				continue;
			}
			r = export_binary_field(s, l, len);
			if (r == -EBADMSG) {
				/* Framing lost: the entry is bad; resynchronise on the
				 * next empty line. */
				bad = true;
				continue;
			}
			if (r < 0)
				return r;
			if (r == 0) {
				eof = true;
				break;
			}
		}
		if (nfields == 0)
			return 0;
		if (entry_done(s, bad, eof, ret))
			return 1;
		if (eof)
			return 0;
	}
}

/* ---- JSON ---- */

/* A bounded output for one decoded value. */
struct vbuf {
	char *d;
	size_t len, cap;
	bool truncated;
};

static inline void
vb_put(struct vbuf *v, char c)
{
	if (!v)
		return;
	if (v->len < v->cap)
		v->d[v->len++] = c;
	else
		v->truncated = true;
}

static void
vb_utf8(struct vbuf *v, uint32_t cp)
{
	if (cp < 0x80)
		vb_put(v, (char)cp);
	else if (cp < 0x800) {
		vb_put(v, (char)(0xc0 | cp >> 6));
		vb_put(v, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		vb_put(v, (char)(0xe0 | cp >> 12));
		vb_put(v, (char)(0x80 | ((cp >> 6) & 0x3f)));
		vb_put(v, (char)(0x80 | (cp & 0x3f)));
	} else {
		vb_put(v, (char)(0xf0 | cp >> 18));
		vb_put(v, (char)(0x80 | ((cp >> 12) & 0x3f)));
		vb_put(v, (char)(0x80 | ((cp >> 6) & 0x3f)));
		vb_put(v, (char)(0x80 | (cp & 0x3f)));
	}
}

struct jp {
	const char *p, *end;
};

static inline void
jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static int
hex4(const char *p, uint32_t *ret)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -EBADMSG;
	}
	*ret = v;
	return 0;
}

/* First byte in [p, end) that ends a plain JSON string run: '"', '\\' or a
 * control character; end if none. Eight bytes at a time (SWAR): the lowest
 * flagged byte of each word is exact, later ones may be false positives. */
static const char *
find_special(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);

	while (end - p >= 8) {
		uint64_t x, q, b, m;

		memcpy(&x, p, 8);
		q = x ^ (ones * '"');
		b = x ^ (ones * '\\');
		m = ((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x);
		m &= highs;
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
		p++;
	return p;
}

/* String at j->p (the opening quote). Decoded into out (may be NULL: only
 * validate). Raw control characters are an error (strict JSON). */
static int
jp_string(struct jp *j, struct vbuf *out)
{
	const char *p = j->p + 1, *end = j->end;

	if (j->p >= end || *j->p != '"')
		return -EBADMSG;
	for (;;) {
		const char *run = p;

		p = find_special(p, end);
		if (out) {
			size_t n = (size_t)(p - run), room = out->cap - out->len;

			if (n > room) {
				n = room;
				out->truncated = true;
			}
			memcpy(out->d + out->len, run, n);
			out->len += n;
		}
		if (p >= end || (unsigned char)*p < 0x20)
			return -EBADMSG;
		if (*p == '"') {
			j->p = p + 1;
			return 0;
		}
		/* backslash */
		if (p + 1 >= end)
			return -EBADMSG;
		switch (p[1]) {
		case '"': vb_put(out, '"'); break;
		case '\\': vb_put(out, '\\'); break;
		case '/': vb_put(out, '/'); break;
		case 'b': vb_put(out, '\b'); break;
		case 'f': vb_put(out, '\f'); break;
		case 'n': vb_put(out, '\n'); break;
		case 'r': vb_put(out, '\r'); break;
		case 't': vb_put(out, '\t'); break;
		case 'u': {
			uint32_t cp, lo;

			if (end - p < 6 || hex4(p + 2, &cp) < 0)
				return -EBADMSG;
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 8 && p[2] == '\\' && p[3] == 'u' &&
			    hex4(p + 4, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd; /* lone surrogate */
			vb_utf8(out, cp);
			break;
		}
		default:
			return -EBADMSG;
		}
		p += 2;
	}
}

static int
jp_number(struct jp *j, struct vbuf *out)
{
	const char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || !(*j->p >= '0' && *j->p <= '9'))
		return -EBADMSG;
	while (j->p < j->end && ((*j->p >= '0' && *j->p <= '9') || *j->p == '.' || *j->p == 'e' ||
				 *j->p == 'E' || *j->p == '+' || *j->p == '-'))
		j->p++;
	if (out)
		for (; s < j->p; s++)
			vb_put(out, *s);
	return 0;
}

static int
jp_literal(struct jp *j, const char *lit, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return -EBADMSG;
	j->p += n;
	return 0;
}

/* Value into out; *ret_present false for null / empty array. depth bounds
 * arrays: a field value may be an array (repeated field) of byte arrays. */
static int
jp_value(struct jp *j, struct vbuf *out, bool *ret_present, int depth)
{
	bool present = true;
	int r;

	if (j->p >= j->end)
		return -EBADMSG;
	switch (*j->p) {
	case '"':
		r = jp_string(j, out);
		break;
	case 'n':
		r = jp_literal(j, "null", 4);
		present = false;
		break;
	case 't':
		r = jp_literal(j, "true", 4);
		if (out)
			out->len = strlcpy_n(out->d, out->cap + 1, "true", 4);
		break;
	case 'f':
		r = jp_literal(j, "false", 5);
		if (out)
			out->len = strlcpy_n(out->d, out->cap + 1, "false", 5);
		break;
	case '[': {
		/* Either bytes ([104, 105]) or a repeated field (["a", "b"] or
		 * [[104], [105]]): for the latter the first value is used. */
		bool first = true, bytes = false;

		if (depth >= 2)
			return -EBADMSG;
		j->p++;
		jp_ws(j);
		present = false;
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			r = 0;
			break;
		}
		for (;;) {
			jp_ws(j);
			if (j->p >= j->end)
				return -EBADMSG;
			if (first)
				bytes = (*j->p >= '0' && *j->p <= '9');
			if (bytes) {
				unsigned v = 0;
				size_t nd = 0;

				while (j->p < j->end && *j->p >= '0' && *j->p <= '9' && nd < 4) {
					v = v * 10 + (unsigned)(*j->p - '0');
					j->p++;
					nd++;
				}
				if (nd == 0 || v > 255)
					return -EBADMSG;
				vb_put(out, (char)v);
				present = true;
			} else {
				bool p2 = false;

				r = jp_value(j, first ? out : NULL, &p2, depth + 1);
				if (r < 0)
					return r;
				if (first)
					present = p2;
			}
			first = false;
			jp_ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == ']') {
				j->p++;
				break;
			}
			return -EBADMSG;
		}
		r = 0;
		break;
	}
	default:
		r = jp_number(j, out);
		break;
	}
	if (r < 0)
		return r;
	*ret_present = present;
	return 0;
}

static bool
json_field_wanted(const char *k, size_t n)
{
	switch (n) {
	case 7: return memcmp(k, "MESSAGE", 7) == 0;
	case 20: return memcmp(k, "__REALTIME_TIMESTAMP", 20) == 0;
	case 9: return memcmp(k, "_HOSTNAME", 9) == 0;
	case 17: return memcmp(k, "SYSLOG_IDENTIFIER", 17) == 0;
	case 10: return memcmp(k, "SYSLOG_PID", 10) == 0;
	case 4: return memcmp(k, "_PID", 4) == 0;
	case 13: return memcmp(k, "_SYSTEMD_UNIT", 13) == 0;
	case 5: return memcmp(k, "_COMM", 5) == 0;
	default: return false;
	}
}

struct json_priv {
	char key[80];
	char *val;              /* max_line + 1 */
};

/* One object; fills s->je. Returns 0 or -EBADMSG. */
static int
json_object(struct source *s, struct json_priv *jpv, const char *line, size_t len)
{
	struct jp j = { line, line + len };
	struct vbuf key = { jpv->key, 0, sizeof(jpv->key) - 1, false };
	struct vbuf val = { jpv->val, 0, s->opts.max_line, false };
	int r;

	jp_ws(&j);
	if (j.p >= j.end || *j.p != '{')
		return -EBADMSG;
	j.p++;
	jp_ws(&j);
	if (j.p < j.end && *j.p == '}') {
		j.p++;
		goto end;
	}
	for (;;) {
		bool present = false, want;

		jp_ws(&j);
		key.len = 0;
		key.truncated = false;
		r = jp_string(&j, &key);
		if (r < 0)
			return r;
		jp_ws(&j);
		if (j.p >= j.end || *j.p != ':')
			return -EBADMSG;
		j.p++;
		jp_ws(&j);
		want = !key.truncated && json_field_wanted(key.d, key.len);
		val.len = 0;
		val.truncated = false;
		r = jp_value(&j, want ? &val : NULL, &present, 0);
		if (r < 0)
			return r;
		if (want && present) {
			jentry_set(&s->je, key.d, key.len, val.d, val.len);
			if (val.truncated && key.len == 7)
				s->je.msg_truncated = true;
		}
		jp_ws(&j);
		if (j.p < j.end && *j.p == ',') {
			j.p++;
			continue;
		}
		if (j.p < j.end && *j.p == '}') {
			j.p++;
			break;
		}
		return -EBADMSG;
	}
end:
	jp_ws(&j);
	return j.p == j.end ? 0 : -EBADMSG;
}

static int
json_next(struct source *s, struct log_line *ret, char **reterr)
{
	struct json_priv *jpv = s->priv;
	const size_t limit = 4 * s->opts.max_line + 65536;

	for (;;) {
		const char *l;
		size_t len, i;
		bool cut;
		int r;

		r = reader_line(&s->rd, limit, &l, &len, &cut);
		if (r <= 0)
			return r;
		for (i = 0; i < len && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r'); i++)
			;
		if (i == len)
			continue;
		jentry_reset(&s->je);
		if (cut || json_object(s, jpv, l, len) < 0) {
			if (cut)
				s->stats.truncated++;
			s->stats.lines++;
			s->stats.malformed++;
			continue;
		}
		if (entry_done(s, false, false, ret))
			return 1;
	}
}

static void
json_release(struct source *s)
{
	struct json_priv *jpv = s->priv;

	if (jpv)
		free(jpv->val);
	free(jpv);
	s->priv = NULL;
}

static const struct source_ops export_ops = {
	.next = export_next,
};

static const struct source_ops json_ops = {
	.next = json_next,
	.release = json_release,
};

int
source_export_setup(struct source *s)
{
	s->format = SOURCE_EXPORT;
	s->ops = &export_ops;
	return jentry_init(&s->je, s->opts.max_line);
}

int
source_json_setup(struct source *s)
{
	struct json_priv *jpv;

	s->format = SOURCE_JSON;
	s->ops = &json_ops;
	jpv = calloc(1, sizeof(*jpv));
	if (!jpv)
		return -ENOMEM;
	s->priv = jpv;
	jpv->val = malloc(s->opts.max_line + 1);
	if (!jpv->val)
		return -ENOMEM;
	return jentry_init(&s->je, s->opts.max_line);
}
