/* The evidence line (evidence.h): written from a log line, its time read
 * back, split back into the log line it records, packed for the store and
 * unpacked. The only code that knows the line's layout. */
#include "config.h"

#include <time.h>

#include "event.h"
#include "evidence.h"
#include "util.h"
#include "banned.h"

static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Decimal digits of v, right-aligned in width (zero-padded); returns width. */
static size_t
put_uint(char *out, uint64_t v, size_t width)
{
	size_t i = width;

	for (; i >= 2; i -= 2) {
		memcpy(out + i - 2, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (i)
		out[0] = (char)('0' + v % 10);
	return width;
}

/* v in decimal, ending just before end; returns where it starts. */
static char *
put_dec_before(char *end, uint64_t v)
{
	while (v >= 100) {
		end -= 2;
		memcpy(end, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		end -= 2;
		memcpy(end, digit_pairs + 2 * v, 2);
	} else
		*--end = (char)('0' + v);
	return end;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Within +-10^11 s (years -1200 to 5100) gmtime_r() never fails: the
 * cached day is then a real one whose time of day can be rewritten. */
#define CLOCK_DAY_MAX INT64_C(100000000000)

/* "YYYY-MM-DDTHH:MM:SS.uuuuuu+00:00" (32 bytes) for usec. strftime() runs once
 * a day: within the day of the last line only the time of day is written. */
static size_t
format_date(struct evidence_clock *c, int64_t usec, char *out)
{
	int64_t sec = usec >= 0 ? usec / USEC_PER_SEC : (usec - USEC_PER_SEC + 1) / USEC_PER_SEC;
	int64_t frac = usec - sec * USEC_PER_SEC;

	if (sec != c->sec) {
		int64_t day = floor_div(sec, 86400);

		if (c->sec != INT64_MIN && day == floor_div(c->sec, 86400) && c->date_len >= 8 &&
		    sec > -CLOCK_DAY_MAX && sec < CLOCK_DAY_MAX) {
			/* the same day: only "HH:MM:SS" changes */
			int64_t tod = sec - day * 86400;
			char *o = c->date + c->date_len - 8;

			put_uint(o, (uint64_t)(tod / 3600), 2);
			put_uint(o + 3, (uint64_t)(tod / 60 % 60), 2);
			put_uint(o + 6, (uint64_t)(tod % 60), 2);
		} else {
			time_t tt = (time_t)sec;
			struct tm tm;

			if (!gmtime_r(&tt, &tm))
				memset(&tm, 0, sizeof tm);
			c->date_len = strftime(c->date, sizeof c->date, "%Y-%m-%dT%H:%M:%S", &tm);
		}
		c->sec = sec;
	}
	memcpy(out, c->date, c->date_len);
	out[c->date_len] = '.';
	if (frac == 0)
		memcpy(out + c->date_len + 1, "000000", 6);     /* syslog's whole seconds */
	else
		put_uint(out + c->date_len + 1, (uint64_t)frac, 6);
	memcpy(out + c->date_len + 7, "+00:00", 6);
	return c->date_len + 13;
}

void
evidence_clock_init(struct evidence_clock *c)
{
	c->sec = INT64_MIN;
	c->date_len = 0;
}

size_t
evidence_format(struct evidence_clock *c, char *out, size_t cap, const struct log_line *line)
{
	size_t host_len = MIN(line->host_len, (size_t)255);
	size_t ident_len = MIN(line->ident_len, (size_t)63);
	size_t o;

	o = format_date(c, line->time_us, out);
	out[o++] = ' ';
	memcpy(out + o, line->host, host_len);
	o += host_len;
	out[o++] = ' ';
	memcpy(out + o, line->ident, ident_len);
	o += ident_len;
	if (line->pid) {
		char num[10], *d = put_dec_before(num + sizeof num, line->pid);

		out[o++] = '[';
		memcpy(out + o, d, (size_t)(num + sizeof num - d));
		o += (size_t)(num + sizeof num - d);
		out[o++] = ']';
	}
	out[o++] = ':';
	out[o++] = ' ';
	if (line->msg_len + 5 < cap - o && !memchr(line->msg, '\0', line->msg_len) &&
	    !memchr(line->msg, '\n', line->msg_len) && !memchr(line->msg, '\r', line->msg_len)) {
		/* nothing to escape (nearly always): one copy */
		memcpy(out + o, line->msg, line->msg_len);
		o += line->msg_len;
		out[o] = '\0';
		return o;
	}
	for (size_t i = 0; i < line->msg_len && o + 5 < cap; i++) {
		unsigned char ch = (unsigned char)line->msg[i];

		if (_unlikely_(ch == '\0' || ch == '\n' || ch == '\r')) {
			out[o++] = '\\';
			out[o++] = '0';
			out[o++] = (char)('0' + (ch >> 3));
			out[o++] = (char)('0' + (ch & 7));
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
	return o;
}

int
evidence_cmp_time(const char *a, const char *b)
{
	return strncmp(a, b, EVIDENCE_TS_LEN);
}

static int
digits(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* The seconds of a "YYYY-MM-DDTHH:MM:SS" (validated: a real time, 1970 or
 * later), or -1. The last day and the last second read are kept per thread:
 * the lines of an attempt are packed one after the other. */
static int64_t
evidence_seconds(const char *l)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	static _Thread_local struct {
		char text[19];
		int64_t days, sec;
	} last = { "", -1, -1 };
	int h, mi, se;

	if (memcmp(l, last.text, 19) == 0)
		return last.sec;
	if (memcmp(l, last.text, 10) != 0) {
		int y = digits(l, 4), mo = digits(l + 5, 2), d = digits(l + 8, 2);

		if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
		    (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))) || l[4] != '-' || l[7] != '-')
			return -1;
		memcpy(last.text, l, 10);
		memset(last.text + 10, 0, 9);
		last.days = days_from_civil(y, (unsigned)mo, (unsigned)d);
		last.sec = -1;
	}
	if (last.days < 0)
		return -1;
	h = digits(l + 11, 2), mi = digits(l + 14, 2), se = digits(l + 17, 2);
	if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 ||
	    l[10] != 'T' || l[13] != ':' || l[16] != ':')
		return -1;
	memcpy(last.text + 10, l + 10, 9);
	last.sec = last.days * 86400 + h * 3600 + mi * 60 + se;
	return last.sec;
}

bool
evidence_time(const char *l, size_t len, int64_t *ret_us)
{
	int64_t sec;
	int us;

	if (len <= EVIDENCE_TS_LEN)
		return false;
	sec = evidence_seconds(l);
	us = digits(l + 20, 6);
	/* Only what format_iso8601() gives back byte for byte. */
	if (sec < 0 || us < 0 || l[19] != '.' || memcmp(l + 26, "+00:00 ", 7) != 0)
		return false;
	*ret_us = sec * INT64_C(1000000) + us;
	return true;
}

int
evidence_parse(const char *line, size_t len, struct log_line *ret)
{
	const char *end = line + len, *q, *host, *ident, *sp;
	size_t host_len, ident_len;
	uint32_t pid = 0;
	int64_t t;

	if (!evidence_time(line, len, &t))
		return 0;
	q = line + EVIDENCE_TS_LEN + 1;
	/* The host: up to the next space (as a syslog header's). */
	sp = memchr(q, ' ', (size_t)(end - q));
	if (!sp || sp == q)
		return 0;
	host = q;
	host_len = (size_t)(sp - q);
	q = sp + 1;
	/* The ident: up to '[' or ':', no space, bounded. */
	for (ident_len = 0; q + ident_len < end && ident_len < 128; ident_len++)
		if (q[ident_len] == '[' || q[ident_len] == ':' || q[ident_len] == ' ')
			break;
	if (ident_len == 0 || q + ident_len >= end || q[ident_len] == ' ' || ident_len == 128)
		return 0;
	ident = q;
	q += ident_len;
	if (*q == '[') {
		/* "[PID]:", PID 1 to 10 digits (a uint32_t) */
		const char *close = memchr(q, ']', MIN((size_t)(end - q), (size_t)12));
		char num[12];
		uint64_t v;

		if (!close || close == q + 1 || close + 1 >= end || close[1] != ':')
			return 0;
		strlcpy_n(num, sizeof num, q + 1, (size_t)(close - q - 1));
		if (safe_atou64(num, &v) < 0 || v > UINT32_MAX)
			return 0;
		pid = (uint32_t)v;
		q = close + 1;
	}
	q++;            /* the ':' */
	if (q < end && *q == ' ')
		q++;
	*ret = (struct log_line){
		.time_us = t,
		.host = host, .host_len = host_len,
		.ident = ident, .ident_len = ident_len,
		.pid = pid,
		.msg = q, .msg_len = (size_t)(end - q),
	};
	return 1;
}

int
evidence_pack(struct buf *b, const char *line, size_t ll, const char *host, size_t hl, int64_t start_us)
{
	int64_t t;

	if (ll > EVIDENCE_TS_LEN + 1 + hl + 1 && evidence_time(line, ll, &t) &&
	    memcmp(line + EVIDENCE_TS_LEN + 1, host, hl) == 0 && line[EVIDENCE_TS_LEN + 1 + hl] == ' ') {
		char tmp[24], *p = tmp + sizeof tmp;
		int64_t delta = t - start_us;
		uint64_t v = delta < 0 ? (uint64_t)-delta : (uint64_t)delta;

		const char *rest = line + EVIDENCE_TS_LEN + 1 + hl + 1;
		size_t pl, rl = ll - (EVIDENCE_TS_LEN + 1 + hl + 1);

		*--p = ' ';
		p = put_dec_before(p, v);
		if (delta < 0)
			*--p = '-';
		*--p = '+';
		pl = (size_t)(tmp + sizeof tmp - p);
		if (buf_reserve(b, pl + rl) < 0)
			return -ENOMEM;
		memcpy(b->data + b->len, p, pl);
		memcpy(b->data + b->len + pl, rest, rl);
		b->len += pl + rl;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_append(b, line, ll);
}

int
evidence_unpack(struct buf *out, const char *p, size_t l, const char *host, int64_t start_us)
{
	const char *sp;
	int64_t delta;
	char num[24], ts[48];

	buf_clear(out);
	if (l > 2 && p[0] == '+' && (sp = memchr(p, ' ', l)) && (size_t)(sp - p) < sizeof num) {
		strlcpy_n(num, sizeof num, p + 1, (size_t)(sp - p - 1));
		if (safe_atoi64(num, &delta) == 0) {
			format_iso8601(start_us + delta, true, 6, ts, sizeof ts);
			if (buf_puts(out, ts) < 0 || buf_append(out, " ", 1) < 0 ||
			    buf_puts(out, host) < 0 || buf_append(out, sp, l - (size_t)(sp - p)) < 0)
				return -ENOMEM;
			return 0;
		}
	}
	if (buf_append(out, p, l) < 0)
		return -ENOMEM;
	return 0;
}
