/* Syslog text lines: "TIMESTAMP HOST IDENT[PID]: MSG" with an RFC 3339
 * timestamp (rsyslog's RSYSLOG_FileFormat, Debian 12's default) or the
 * traditional "Mmm dd hh:mm:ss" (RSYSLOG_TraditionalFileFormat, RHEL's
 * /var/log/secure). The hot path finds the ident first and parses the
 * timestamp only of lines it returns; timestamps are cached per minute.
 *
 * Lines the strict prefix parser refuses get a second, slower look for the
 * shapes found in the wild (parse_wild()): a "<PRI>" in front, RFC 5424
 * ("<PRI>1 TS HOST APP PROCID MSGID [SD] MSG"), ISO 8601 with a space for the
 * 'T' and no offset (local time), several spaces before the host, a host in
 * brackets, no ':' after "ident[pid]", a log viewer's "YYYY-MM-DD HH:MM:SS | "
 * in front of a syslog line, and Win32-OpenSSH's own log file
 * ("PID YYYY-MM-DD HH:MM:SS.mmm MSG", local time, no host: the file's name).
 * Well-formed lines never reach it, so it costs them nothing. */
#include "config.h"

#include <time.h>

#include "missed.h"
#include "source-int.h"
#include "sshd-parse.h"
#include "util.h"
#include "banned.h"

enum ts_style {
	TS_RFC3339,             /* also ISO 8601 with ' ' for 'T', and without an offset (local time) */
	TS_TRADITIONAL,
};

struct prefix {
	enum ts_style style;
	const char *ts;
	size_t ts_len;
	const char *host, *ident, *msg;
	size_t host_len, ident_len, msg_len;
	uint32_t pid;
	int year;               /* traditional: year from a viewer's prefix; 0 = the source's rule */
	bool windows;           /* Win32-OpenSSH log file line: no host (the caller names it) */
};

/* Out of line and cold: well-formed lines never get there, and keeping it out
 * of the hot loop keeps parse_strict() inlined there. */
static int parse_wild(const char *l, size_t len, struct prefix *p, unsigned depth)
	__attribute__((noinline, cold));
static void windows_names(const char *name, const char *host, struct prefix *p);

static inline bool
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static inline unsigned
dig2(const char *p)
{
	return (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0');
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

/* "IDENT[PID]: MSG" or "IDENT: MSG" at q (rsyslog's TAG: up to '[' or ':',
 * bounded, no spaces). lenient: the ':' after "[PID]" may be missing (some
 * relays drop it). */
static inline int
parse_tag(const char *q, const char *end, struct prefix *p, bool lenient)
{
	size_t i;

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
		if (q < end && *q == ':')
			q++;
		else if (!lenient || q >= end || *q != ' ')
			return 0;
	} else
		q++; /* ':' */
	if (q < end && *q == ' ')
		q++;
	p->msg = q;
	p->msg_len = (size_t)(end - q);
	return 1;
}

/* Split a line into timestamp text, host, ident, pid and message without
 * interpreting the timestamp. Returns 1 or 0 (not a syslog line). */
static inline int
parse_strict(const char *l, size_t len, struct prefix *p)
{
	const char *q, *end = l + len, *sp;

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
	if (_unlikely_(q[0] == '[') && p->host_len > 2 && sp[-1] == ']') {
		/* "[host]": some relays bracket the host */
		p->host++;
		p->host_len -= 2;
	}
	return parse_tag(sp + 1, end, p, /* lenient= */ false);
}

/* ISO 8601 date and time at t: "YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|+HH:MM|+HHMM|+HH]"
 * followed by a space or the end. Returns its length, or 0. */
static size_t
iso_len(const char *t, const char *end)
{
	size_t n = (size_t)(end - t), i;

	if (n < 19 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') || t[13] != ':' ||
	    t[16] != ':')
		return 0;
	for (i = 0; i < 19; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && !isdig(t[i]))
			return 0;
	if (i < n && (t[i] == '.' || t[i] == ',')) {
		for (i++; i < n && isdig(t[i]); i++)
			;
	}
	if (i < n && (t[i] == 'Z' || t[i] == 'z'))
		i++;
	else if (i + 2 < n && (t[i] == '+' || t[i] == '-') && isdig(t[i + 1]) && isdig(t[i + 2])) {
		i += 3;
		if (i + 2 < n && t[i] == ':' && isdig(t[i + 1]) && isdig(t[i + 2]))
			i += 3;
		else if (i + 1 < n && isdig(t[i]) && isdig(t[i + 1]))
			i += 2;
	}
	return i == n || t[i] == ' ' ? i : 0;
}

/* The rest after the timestamp, tolerantly: spaces, HOST or [HOST], spaces,
 * IDENT, optional [PID], ':' (optional after [PID]), a space, MSG. */
static int
parse_rest(const char *q, const char *end, struct prefix *p)
{
	const char *sp;

	while (q < end && *q == ' ')
		q++;
	sp = memchr(q, ' ', (size_t)(end - q));
	if (!sp || sp == q)
		return 0;
	p->host = q;
	p->host_len = (size_t)(sp - q);
	if (q[0] == '[' && p->host_len > 2 && sp[-1] == ']') {
		p->host++;
		p->host_len -= 2;
	}
	q = sp + 1;
	while (q < end && *q == ' ')
		q++;
	return parse_tag(q, end, p, /* lenient= */ true);
}

/* RFC 5424 after "<PRI>1 ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
 * STRUCTURED-DATA [MSG]; '-' is the nil value; SD is '-' or one or more
 * "[id k=\"v\" ...]" whose quoted values may hold ']', '"' and '\' escaped. */
static int
parse_5424(const char *q, const char *end, struct prefix *p)
{
	const char *f[4];
	size_t fl[4];
	size_t n = iso_len(q, end);

	if (n == 0 || q + n >= end)
		return 0;
	p->style = TS_RFC3339;
	p->ts = q;
	p->ts_len = n;
	q += n + 1;
	for (int k = 0; k < 4; k++) {
		const char *sp = memchr(q, ' ', (size_t)(end - q));

		if (!sp || sp == q)
			return 0;
		f[k] = q;
		fl[k] = (size_t)(sp - q);
		q = sp + 1;
	}
	if (fl[1] > 128)
		return 0;
	p->host = f[0];
	p->host_len = fl[0];
	p->ident = f[1];
	p->ident_len = fl[1];
	p->pid = 0;
	if (fl[2] <= 10) {
		uint64_t v = 0;
		size_t i;

		for (i = 0; i < fl[2] && isdig(f[2][i]); i++)
			v = v * 10 + (uint64_t)(f[2][i] - '0');
		if (i == fl[2] && v <= UINT32_MAX)
			p->pid = (uint32_t)v;
	}
	if (q < end && *q == '-')
		q++;
	else {
		if (q >= end || *q != '[')
			return 0;
		while (q < end && *q == '[') {
			bool quoted = false;

			for (q++; q < end; q++) {
				if (*q == '\\' && q + 1 < end)
					q++;
				else if (*q == '"')
					quoted = !quoted;
				else if (*q == ']' && !quoted)
					break;
			}
			if (q >= end)
				return 0;
			q++;
		}
	}
	if (q < end && *q == ' ')
		q++;
	if (end - q >= 3 && memcmp(q, "\xef\xbb\xbf", 3) == 0)
		q += 3;         /* MSG-UTF8's BOM */
	p->msg = q;
	p->msg_len = (size_t)(end - q);
	return 1;
}

static int
parse_prefix_at(const char *l, size_t len, struct prefix *p, unsigned depth)
{
	if (parse_strict(l, len, p)) {
		p->year = 0;
		p->windows = false;
		return 1;
	}
	return parse_wild(l, len, p, depth);
}

/* Shapes parse_strict() refuses; see the top of the file. */
static int
parse_wild(const char *l, size_t len, struct prefix *p, unsigned depth)
{
	const char *end = l + len;
	size_t n, i;

	if (depth > 2 || len < 16)
		return 0;
	p->year = 0;
	p->windows = false;
	if (l[0] == '<') {
		/* "<PRI>": a line as it travelled (netcat, UDP dumps, some relays) */
		for (i = 1; i < len && i <= 4 && isdig(l[i]); i++)
			;
		if (i == 1 || i > 4 || i >= len || l[i] != '>')
			return 0;
		l += i + 1;
		if (end - l > 2 && l[0] == '1' && l[1] == ' ')
			return parse_5424(l + 2, end, p);
		return parse_prefix_at(l, (size_t)(end - l), p, depth + 1);
	}
	if (isdig(l[0]) && l[4] != '-') {
		/* Win32-OpenSSH (SyslogFacility LOCAL0): "PID YYYY-MM-DD HH:MM:SS.mmm MSG" */
		uint64_t v = 0;

		for (i = 0; i < 10 && isdig(l[i]); i++)
			v = v * 10 + (uint64_t)(l[i] - '0');
		if (l[i] != ' ' || v > UINT32_MAX)
			return 0;
		n = iso_len(l + i + 1, end);
		if (n != 23 || l[i + 11] != ' ' || l[i + 20] != '.' || l + i + 1 + n >= end)
			return 0;
		p->style = TS_RFC3339;
		p->ts = l + i + 1;
		p->ts_len = n;
		p->windows = true;
		p->pid = (uint32_t)v;
		p->host = "";
		p->host_len = 0;
		p->ident = "sshd";
		p->ident_len = 4;
		p->msg = p->ts + n + 1;
		p->msg_len = (size_t)(end - p->msg);
		return 1;
	}
	n = iso_len(l, end);
	if (n > 0) {
		const char *q = l + n;

		if (end - q > 3 && q[0] == ' ' && q[1] == '|' && q[2] == ' ') {
			/* a log viewer's "2020-05-19 10:32:31 | " before the syslog
			 * line: the line's own time counts, the year comes from here */
			if (!parse_prefix_at(q + 3, (size_t)(end - q - 3), p, depth + 1))
				return 0;
			if (p->style == TS_TRADITIONAL && p->year == 0)
				p->year = (int)(dig2(l) * 100 + dig2(l + 2));
			return 1;
		}
		p->style = TS_RFC3339;
		p->ts = l;
		p->ts_len = n;
		return parse_rest(q, end, p);
	}
	if (l[3] == ' ' && l[15] == ' ' && month_from_abbr(l) > 0) {
		p->style = TS_TRADITIONAL;
		p->ts = l;
		p->ts_len = 15;
		return parse_rest(l + 16, end, p);
	}
	return 0;
}

/* 1 a well-formed line (p->year and p->windows not set), 2 one of the wild
 * shapes (they are set), 0 not a syslog line. */
static inline int
parse_prefix(const char *l, size_t len, struct prefix *p)
{
	if (_likely_(parse_strict(l, len, p)))
		return 1;
	return parse_wild(l, len, p, 0) ? 2 : 0;
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

/* Local wall-clock seconds (as if UTC) to UTC: the offset in force then. */
static int64_t
local_to_utc(int64_t local)
{
	time_t t = (time_t)local;
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return local;
	t = (time_t)(local - tm.tm_gmtoff);
	/* near a DST change the first guess may use the other offset */
	if (localtime_r(&t, &tm))
		t = (time_t)(local - tm.tm_gmtoff);
	return (int64_t)t;
}

/* RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM|+HHMM); also ISO 8601
 * with ' ' for 'T' and without an offset, which is local time. */
static int
parse_rfc3339(struct syslog_ts_cache *c, const char *t, size_t n, int64_t *ret)
{
	int64_t base, us = 0;
	unsigned ss, scale = 100000;
	size_t i;
	int off = 0;

	if (n < 19 || t[7] != '-' || t[13] != ':' || t[16] != ':' || !isdig(t[17]) || !isdig(t[18]))
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
	if (i < n && (t[i] == '.' || t[i] == ',')) {
		size_t nd = 0;

		for (i++; i < n && isdig(t[i]); i++, nd++)
			if (scale > 0) {
				us += (t[i] - '0') * (int64_t)scale;
				scale /= 10;
			}
		if (nd == 0)
			return 0;
	}
	if (i >= n) {
		/* no offset: local time, in the "YYYY-MM-DD HH:MM:SS" form only
		 * (rsyslog's 'T' form always has one: without, it is damage) */
		if (t[10] != ' ')
			return 0;
		*ret = local_to_utc(base + ss) * USEC_PER_SEC + us;
		return 1;
	}
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

/* parse_ts() for a line parse_wild() read: the year of a viewer's prefix
 * (not the cached minute's). */
static int
parse_ts_wild(struct syslog_ts_cache *c, const struct prefix *p, int year, time_t ref_time, int64_t *ret)
{
	if (p->style == TS_TRADITIONAL && p->year) {
		struct syslog_ts_cache own = { .key_len = 0 };

		return parse_traditional(&own, p->ts, p->year, ref_time, ret);
	}
	return parse_ts(c, p, year, ref_time, ret);
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
	int r;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	r = parse_prefix(line, len, &p);
	if (r == 0)
		return 0;
	if (r == 2 && p.windows)
		windows_names(NULL, NULL, &p);
	if (!(r == 2 ? parse_ts_wild(&c, &p, year, ref_time, &t) : parse_ts(&c, &p, year, ref_time, &t)))
		return 0;
	line_from_prefix(ret, &p, t, /* cut= */ false);
	return 1;
}

/* Win32-OpenSSH writes %ProgramData%\\ssh\\logs\\<exe>.log with no host: the
 * host is the one given, else the file's name up to its first '.' unless that
 * is the program's own name (then "localhost"); the ident is the program's. */
static void
windows_names(const char *name, const char *host, struct prefix *p)
{
	const char *b = name ? name : "", *dot, *sl;
	size_t n;
	bool exe;

	sl = strrchr(b, '/');
	if (sl)
		b = sl + 1;
	sl = strrchr(b, '\\');
	if (sl)
		b = sl + 1;
	dot = strchr(b, '.');
	n = dot ? (size_t)(dot - b) : strlen(b);
	exe = sshd_ident_match(b, n);
	if (exe) {
		p->ident = b;
		p->ident_len = n;
	}
	if (host && *host) {
		p->host = host;
		p->host_len = strlen(host);
	} else if (exe || n == 0 || (n == 1 && b[0] == '-') || n >= HOST_MAX) {
		p->host = "localhost";
		p->host_len = 9;
	} else {
		p->host = b;
		p->host_len = n;
	}
}

/* Is this the first line of sshd's own output (sshd -E FILE, sshd -d, sshd -e
 * captured), which has neither time nor process id? */
#define SSHD_OWN_OUTPUT \
	"this is sshd's own output (sshd -E FILE, sshd -d or -e): its lines have no time and no " \
	"process id, so they cannot be grouped into connections; let sshd log to syslog or the " \
	"journal (no -E option) and ingest /var/log/auth.log or the journal (--journal)"

static bool
sshd_own_output(const char *l, size_t len)
{
	static const char *const starts[] = {
		"debug1: ", "debug2: ", "debug3: ", "Server listening on ", "Accepted ", "Failed ",
		"Connection from ", "Connection closed by ", "Invalid user ", "Received signal ",
		"Received disconnect from ", "Disconnected from ", "Server will not fork",
		"Did not receive identification string", "kex_exchange_identification: ",
	};

	for (size_t i = 0; i < ELEMENTSOF(starts); i++) {
		size_t n = strlen(starts[i]);

		if (len >= n && memcmp(l, starts[i], n) == 0)
			return true;
	}
	return false;
}

static int
missed_line(struct log_line *ret, const char *line, size_t len, uint64_t lineno, enum missed_reason why)
{
	*ret = (struct log_line) {
		.host = "", .ident = "",
		.msg = line, .msg_len = len,
		.lineno = lineno,
		.missed = (uint8_t)why,
	};
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
		int r, wild;

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
		wild = parse_prefix(line, len, &p);
		if (_unlikely_(!wild)) {
			if (s->stats.matched == 0 && s->stats.malformed == 0 && sshd_own_output(line, len)) {
				/* source_next() words it as "'NAME': " + errmsg */
				s->rd.errmsg = SSHD_OWN_OUTPUT;
				return source_error(reterr, -EMEDIUMTYPE, "'%s': %s", s->name, SSHD_OWN_OUTPUT);
			}
			s->stats.malformed++;
			if (s->opts.deliver_missed)
				return missed_line(ret, line, len, s->stats.lines, MISSED_MALFORMED);
			continue;
		}
		if (_unlikely_(wild == 2) && p.windows)
			windows_names(s->name, s->opts.host, &p);
		if (!all && !source_ident_is_sshd(p.ident, p.ident_len)) {
			if (_unlikely_(s->opts.deliver_missed))
				return missed_line(ret, line, len, s->stats.lines, MISSED_NOT_SSHD);
			continue;
		}
		if (_unlikely_(wild == 2))
			r = parse_ts_wild(&s->tscache, &p, s->opts.year, s->ref_time, &t);
		else
			r = parse_ts(&s->tscache, &p, s->opts.year, s->ref_time, &t);
		if (_unlikely_(!r)) {
			s->stats.malformed++;
			if (s->opts.deliver_missed)
				return missed_line(ret, line, len, s->stats.lines, MISSED_MALFORMED);
			continue;
		}
		line_from_prefix(ret, &p, t, cut);
		ret->lineno = s->stats.lines;
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
