/* Time expressions for --since/--until: keywords (now, today, yesterday),
 * relative offsets ("-2h", "2 hours ago"), "@EPOCH[.frac]" and ISO 8601 dates
 * and times with an optional offset. Wall-clock forms without an offset are
 * local time (mktime with tm_isdst = -1, so DST is resolved by the zone). */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <time.h>

#include "timespec.h"
#include "util.h"
#include "banned.h"

struct unit {
	const char *name;
	int64_t usec;
};

/* Singular names; a trailing 's' is accepted for the long ones. */
static const struct unit units[] = {
	{ "us", 1 },
	{ "usec", 1 },
	{ "ms", 1000 },
	{ "msec", 1000 },
	{ "s", USEC_PER_SEC },
	{ "sec", USEC_PER_SEC },
	{ "second", USEC_PER_SEC },
	{ "m", 60 * USEC_PER_SEC },
	{ "min", 60 * USEC_PER_SEC },
	{ "minute", 60 * USEC_PER_SEC },
	{ "h", 3600 * USEC_PER_SEC },
	{ "hr", 3600 * USEC_PER_SEC },
	{ "hour", 3600 * USEC_PER_SEC },
	{ "d", 86400 * USEC_PER_SEC },
	{ "day", 86400 * USEC_PER_SEC },
	{ "w", 7 * 86400 * USEC_PER_SEC },
	{ "week", 7 * 86400 * USEC_PER_SEC },
};

static int
unit_lookup(const char *s, size_t n, int64_t *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(units); i++) {
		size_t l = strlen(units[i].name);

		if ((n == l || (n == l + 1 && s[l] == 's' && l > 2)) && strneq(s, units[i].name, l)) {
			*ret = units[i].usec;
			return 0;
		}
	}
	return -EINVAL;
}

/* "N UNIT" / "NUNIT" (s points at N), the whole rest of the string. */
static int
parse_duration(const char *s, int64_t *ret)
{
	uint64_t n = 0;
	int64_t unit;
	const char *u;
	size_t ul;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > (uint64_t)INT32_MAX)
			return -ERANGE;
	}
	while (*s == ' ')
		s++;
	u = s;
	while (isalpha((unsigned char)*s))
		s++;
	ul = (size_t)(s - u);
	if (*s != '\0' || ul == 0)
		return -EINVAL;
	if (unit_lookup(u, ul, &unit) < 0)
		return -EINVAL;
	if ((int64_t)n > INT64_MAX / unit)
		return -ERANGE;
	*ret = (int64_t)n * unit;
	return 0;
}

/* Read exactly n digits. */
static bool
digits(const char **p, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return true;
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Local midnight of the day containing now_us, shifted by day_delta days. */
static int
local_midnight(int64_t now_us, int day_delta, int64_t *ret)
{
	time_t t = (time_t)(now_us / USEC_PER_SEC);
	struct tm tm;
	time_t m;

	if (!localtime_r(&t, &tm))
		return -EINVAL;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += day_delta;
	tm.tm_isdst = -1;
	m = mktime(&tm);
	if (m == (time_t)-1)
		return -EINVAL;
	*ret = (int64_t)m * USEC_PER_SEC;
	return 0;
}

/* YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]][Z|(+|-)HH[:MM|MM]] */
static int
parse_iso(const char *s, int64_t *ret)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t frac = 0, off_sec = 0;
	bool have_off = false;
	struct tm tm = { 0 };
	time_t t;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -EINVAL;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return -EINVAL;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &sec))
				return -EINVAL;
			if (*p == '.' || *p == ',') {
				int64_t scale = 100000;

				p++;
				if (!isdigit((unsigned char)*p))
					return -EINVAL;
				for (; isdigit((unsigned char)*p); p++, scale /= 10)
					frac += (*p - '0') * scale;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -EINVAL;
		if (*p == 'Z' || *p == 'z') {
			have_off = true;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1, oh, om = 0;

			p++;
			if (!digits(&p, 2, &oh))
				return -EINVAL;
			if (*p == ':')
				p++;
			if (isdigit((unsigned char)*p) && !digits(&p, 2, &om))
				return -EINVAL;
			if (oh > 23 || om > 59)
				return -EINVAL;
			have_off = true;
			off_sec = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p != '\0')
		return -EINVAL;

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (have_off) {
		t = timegm(&tm);
		if (t == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
			return -EINVAL;
		t -= (time_t)off_sec;
	} else {
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (t == (time_t)-1)
			return -EINVAL;
	}
	*ret = (int64_t)t * USEC_PER_SEC + frac;
	return 0;
}

/* now_us + sign * d (d >= 0), or -EINVAL when that leaves int64_t
 * ("+15250284w" is a valid duration but no time). Found by fuzz-timespec. */
static int
shift_time(int64_t now_us, int sign, int64_t d, int64_t *ret_us)
{
	if (sign > 0 ? now_us > INT64_MAX - d : now_us < INT64_MIN + d)
		return -EINVAL;
	*ret_us = sign > 0 ? now_us + d : now_us - d;
	return 0;
}

int
parse_timespec(const char *s, int64_t now_us, int64_t *ret_us)
{
	int64_t d, v;
	size_t n;
	int r;

	if (!s)
		return -EINVAL;
	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0 || n > 64)
		return -EINVAL;

	char t[65];

	memcpy(t, s, n);
	t[n] = '\0';

	if (streq(t, "now")) {
		*ret_us = now_us;
		return 0;
	}
	if (streq(t, "today") || streq(t, "yesterday") || streq(t, "tomorrow")) {
		r = local_midnight(now_us, t[0] == 'y' ? -1 : t[1] == 'o' && t[2] == 'm' ? 1 : 0, &v);
		if (r < 0)
			return r;
		*ret_us = v;
		return 0;
	}
	if (t[0] == '@') {
		/* @SECONDS[.frac], seconds since the epoch (UTC). */
		char *dot = strchr(t + 1, '.');
		int64_t sec, frac = 0;

		if (dot) {
			int64_t scale = 100000;

			*dot = '\0';
			if (!dot[1])
				return -EINVAL;
			for (const char *p = dot + 1; *p; p++, scale /= 10) {
				if (!isdigit((unsigned char)*p))
					return -EINVAL;
				frac += (*p - '0') * scale;
			}
		}
		r = safe_atoi64(t + 1, &sec);
		if (r < 0)
			return -EINVAL;
		if (sec > INT64_MAX / USEC_PER_SEC - 1 || sec < INT64_MIN / USEC_PER_SEC + 1)
			return -EINVAL;
		*ret_us = sec * USEC_PER_SEC + (sec < 0 ? -frac : frac);
		return 0;
	}
	if (t[0] == '-' || t[0] == '+') {
		/* -2h, -30m, -3d, "-2 hours"; "+1h" for the future. */
		r = parse_duration(t + 1, &d);
		if (r < 0)
			return -EINVAL;
		return shift_time(now_us, t[0] == '-' ? -1 : 1, d, ret_us);
	}
	if (n > 4 && streq(t + n - 4, " ago")) {
		/* "2 hours ago", "3 days ago", "30min ago" */
		t[n - 4] = '\0';
		r = parse_duration(t, &d);
		if (r < 0)
			return -EINVAL;
		return shift_time(now_us, -1, d, ret_us);
	}
	r = parse_iso(t, &v);
	if (r < 0)
		return -EINVAL;
	*ret_us = v;
	return 0;
}
