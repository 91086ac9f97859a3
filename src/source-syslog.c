/* Syslog text lines: "TIMESTAMP HOST IDENT[PID]: MSG" with an RFC 3339
 * timestamp (rsyslog's RSYSLOG_FileFormat, Debian 12's default) or the
 * traditional "Mmm dd hh:mm:ss" (RSYSLOG_TraditionalFileFormat, RHEL's
 * /var/log/secure). The hot path finds the ident first and parses the
 * timestamp only of lines it returns; timestamps are cached per minute. */
#include "config.h"

#include <time.h>

#include "source-int.h"
#include "util.h"
#include "banned.h"

enum ts_style {
	TS_RFC3339,
	TS_TRADITIONAL,
};

struct prefix {
	enum ts_style style;
	const char *ts;
	size_t ts_len;
	const char *host, *ident, *msg;
	size_t host_len, ident_len, msg_len;
	uint32_t pid;
};

static inline bool
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
month_from_abbr(const char *p)
{
	/* Case-sensitive, as syslog writes them. */
	switch (p[0]) {
	case 'J':
		if (p[1] == 'a' && p[2] == 'n')
			return 1;
		if (p[1] == 'u' && p[2] == 'n')
			return 6;
		if (p[1] == 'u' && p[2] == 'l')
			return 7;
		return 0;
	case 'F':
		return p[1] == 'e' && p[2] == 'b' ? 2 : 0;
	case 'M':
		if (p[1] == 'a' && p[2] == 'r')
			return 3;
		if (p[1] == 'a' && p[2] == 'y')
			return 5;
		return 0;
	case 'A':
		if (p[1] == 'p' && p[2] == 'r')
			return 4;
		if (p[1] == 'u' && p[2] == 'g')
			return 8;
		return 0;
	case 'S':
		return p[1] == 'e' && p[2] == 'p' ? 9 : 0;
	case 'O':
		return p[1] == 'c' && p[2] == 't' ? 10 : 0;
	case 'N':
		return p[1] == 'o' && p[2] == 'v' ? 11 : 0;
	case 'D':
		return p[1] == 'e' && p[2] == 'c' ? 12 : 0;
	default:
		return 0;
	}
}

/* Split a line into timestamp text, host, ident, pid and message without
 * interpreting the timestamp. Returns 1 or 0 (not a syslog line). */
static int
parse_prefix(const char *l, size_t len, struct prefix *p)
{
	const char *q, *end = l + len, *sp;
	size_t i;

	if (len >= 16 && l[3] == ' ' && l[15] == ' ' && month_from_abbr(l) > 0) {
		p->style = TS_TRADITIONAL;
		p->ts_len = 15;
	} else if (len >= 20 && isdig(l[0]) && l[4] == '-' && l[10] == 'T') {
		sp = memchr(l, ' ', MIN(len, (size_t)48));
		if (!sp)
			return 0;
		p->style = TS_RFC3339;
		p->ts_len = (size_t)(sp - l);
	} else
		return 0;
	p->ts = l;
	q = l + p->ts_len + 1;

	sp = memchr(q, ' ', (size_t)(end - q));
	if (!sp || sp == q)
		return 0;
	p->host = q;
	p->host_len = (size_t)(sp - q);
	q = sp + 1;

	/* Ident up to '[' or ':' (rsyslog's TAG); bounded, no spaces. */
	for (i = 0; q + i < end && i < 128; i++) {
		char c = q[i];

		if (c == '[' || c == ':' || c == ' ')
			break;
	}
	if (i == 0 || q + i >= end || q[i] == ' ' || i == 128)
		return 0;
	p->ident = q;
	p->ident_len = i;
	q += i;
	p->pid = 0;
	if (*q == '[') {
		uint64_t v = 0;
		size_t nd = 0;

		for (q++; q < end && isdig(*q) && nd < 10; q++, nd++)
			v = v * 10 + (uint64_t)(*q - '0');
		if (nd == 0 || q >= end || *q != ']' || v > UINT32_MAX)
			return 0;
		p->pid = (uint32_t)v;
		q++;
		if (q >= end || *q != ':')
			return 0;
	}
	q++; /* ':' */
	if (q < end && *q == ' ')
		q++;
	p->msg = q;
	p->msg_len = (size_t)(end - q);
	return 1;
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
days_in_month(int y, unsigned m)
{
	static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static inline unsigned
dig2(const char *p)
{
	return (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0');
}

/* The year rule for traditional timestamps (they carry no year). A syslog
 * file only holds the past, so the year is the one that puts month/day at or
 * before the reference time (the file's mtime, or now for stdin) plus one day
 * of slack for clock skew and time zones: "Dec 31" read from a file modified
 * on Jan 2 is last year's, "Jan 1" in the same file this year's. Feb 29 goes
 * back to the latest leap year. */
int
syslog_infer_year(int month, int day, time_t ref_time)
{
	time_t lim = ref_time + 86400;
	struct tm tm;
	int y;

	if (!localtime_r(&lim, &tm))
		return 1970;
	y = tm.tm_year + 1900;
	if (month > tm.tm_mon + 1 || (month == tm.tm_mon + 1 && day > tm.tm_mday))
		y--;
	if (month == 2 && day == 29)
		while (!is_leap(y))
			y--;
	return y;
}

/* RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM|+HHMM). */
static int
parse_rfc3339(struct syslog_ts_cache *c, const char *t, size_t n, int64_t *ret)
{
	int64_t base, us = 0;
	unsigned ss, scale = 100000;
	size_t i;
	int off = 0;

	if (n < 20 || t[7] != '-' || t[13] != ':' || t[16] != ':' || !isdig(t[17]) || !isdig(t[18]))
		return 0;
	if (c->key_len == 16 && memcmp(c->key, t, 16) == 0)
		base = c->base;
	else {
		unsigned y, mo, d, h, mi;

		for (i = 0; i < 16; i++)
			if (i != 4 && i != 7 && i != 10 && i != 13 && !isdig(t[i]))
				return 0;
		y = dig2(t) * 100 + dig2(t + 2);
		mo = dig2(t + 5);
		d = dig2(t + 8);
		h = dig2(t + 11);
		mi = dig2(t + 14);
		if (mo < 1 || mo > 12 || d < 1 || d > days_in_month((int)y, mo) || h > 23 || mi > 59)
			return 0;
		base = (days_from_civil(y, mo, d) * 24 + h) * 3600 + mi * 60;
		memcpy(c->key, t, 16);
		c->key_len = 16;
		c->base = base;
	}
	ss = dig2(t + 17);
	if (ss > 60)
		return 0;
	i = 19;
	if (t[i] == '.' || t[i] == ',') {
		size_t nd = 0;

		for (i++; i < n && isdig(t[i]); i++, nd++)
			if (scale > 0) {
				us += (t[i] - '0') * (int64_t)scale;
				scale /= 10;
			}
		if (nd == 0)
			return 0;
	}
	if (i >= n)
		return 0;
	if (t[i] == 'Z' || t[i] == 'z') {
		if (i + 1 != n)
			return 0;
	} else if (t[i] == '+' || t[i] == '-') {
		const char *o = t + i + 1;
		size_t rest = n - i - 1;
		unsigned oh, om;

		if (rest == 5 && isdig(o[0]) && isdig(o[1]) && o[2] == ':' && isdig(o[3]) && isdig(o[4]))
			om = dig2(o + 3);
		else if (rest == 4 && isdig(o[0]) && isdig(o[1]) && isdig(o[2]) && isdig(o[3]))
			om = dig2(o + 2);
		else if (rest == 2 && isdig(o[0]) && isdig(o[1]))
			om = 0;
		else
			return 0;
		oh = dig2(o);
		if (oh > 23 || om > 59)
			return 0;
		off = (int)(oh * 3600 + om * 60);
		if (t[i] == '-')
			off = -off;
	} else
		return 0;
	*ret = (base + ss - off) * USEC_PER_SEC + us;
	return 1;
}

/* Traditional "Mmm dd hh:mm:ss" in the machine's local time. */
static int
parse_traditional(struct syslog_ts_cache *c, const char *t, int year, time_t ref_time, int64_t *ret)
{
	unsigned ss;
	int64_t base;

	if (t[12] != ':' || !isdig(t[13]) || !isdig(t[14]))
		return 0;
	ss = dig2(t + 13);
	if (ss > 60)
		return 0;
	if (c->key_len == 12 && memcmp(c->key, t, 12) == 0)
		base = c->base;
	else {
		struct tm tm = { 0 };
		unsigned d, h, mi;
		int mo = month_from_abbr(t), y;
		time_t tt;

		if (mo == 0 || !(t[4] == ' ' || isdig(t[4])) || !isdig(t[5]) || t[6] != ' ' ||
		    !isdig(t[7]) || !isdig(t[8]) || t[9] != ':' || !isdig(t[10]) || !isdig(t[11]))
			return 0;
		d = (t[4] == ' ' ? 0 : (unsigned)(t[4] - '0') * 10) + (unsigned)(t[5] - '0');
		h = dig2(t + 7);
		mi = dig2(t + 10);
		y = year != 0 ? year : syslog_infer_year(mo, (int)d, ref_time);
		if (d < 1 || d > days_in_month(y, (unsigned)mo) || h > 23 || mi > 59)
			return 0;
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = (int)d;
		tm.tm_hour = (int)h;
		tm.tm_min = (int)mi;
		tm.tm_isdst = -1;
		tt = mktime(&tm);
		if (tt == (time_t)-1 && !(tm.tm_year == 69 && tm.tm_mon == 11 && tm.tm_mday == 31))
			return 0;
		base = (int64_t)tt;
		memcpy(c->key, t, 12);
		c->key_len = 12;
		c->base = base;
	}
	*ret = (base + ss) * USEC_PER_SEC;
	return 1;
}

static int
parse_ts(struct syslog_ts_cache *c, const struct prefix *p, int year, time_t ref_time, int64_t *ret)
{
	if (p->style == TS_RFC3339)
		return parse_rfc3339(c, p->ts, p->ts_len, ret);
	return parse_traditional(c, p->ts, year, ref_time, ret);
}

/* The line p describes, stamped t; every other field zero. */
static void
line_from_prefix(struct log_line *ret, const struct prefix *p, int64_t t, bool cut)
{
	*ret = (struct log_line) {
		.time_us = t,
		.host = p->host, .host_len = p->host_len,
		.ident = p->ident, .ident_len = p->ident_len,
		.pid = p->pid,
		.msg = p->msg, .msg_len = p->msg_len,
		.cut = cut,
	};
}

int
syslog_parse_line(const char *line, size_t len, int year, time_t ref_time, struct log_line *ret)
{
	struct syslog_ts_cache c = { .key_len = 0 };
	struct prefix p;
	int64_t t;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (!parse_prefix(line, len, &p) || !parse_ts(&c, &p, year, ref_time, &t))
		return 0;
	line_from_prefix(ret, &p, t, /* cut= */ false);
	return 1;
}

static int
syslog_next(struct source *s, struct log_line *ret, char **reterr)
{
	const bool all = s->opts.all_idents;
	const size_t max = s->opts.max_line;

	for (;;) {
		const char *line;
		struct prefix p;
		size_t len;
		bool cut;
		int64_t t;
		int r;

		r = reader_line(&s->rd, max, &line, &len, &cut);
		if (r <= 0)
			return r;
		s->stats.lines++;
		if (_unlikely_(cut))
			s->stats.truncated++;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (_unlikely_(len == 0))
			continue;
		if (_unlikely_(!parse_prefix(line, len, &p))) {
			s->stats.malformed++;
			continue;
		}
		if (!all && !source_ident_is_sshd(p.ident, p.ident_len))
			continue;
		if (_unlikely_(!parse_ts(&s->tscache, &p, s->opts.year, s->ref_time, &t))) {
			s->stats.malformed++;
			continue;
		}
		line_from_prefix(ret, &p, t, cut);
		s->stats.matched++;
		return 1;
	}
}

static const struct source_ops syslog_ops = {
	.next = syslog_next,
};

int
source_syslog_setup(struct source *s)
{
	s->format = SOURCE_SYSLOG;
	s->ops = &syslog_ops;
	return 0;
}
