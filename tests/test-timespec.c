/* parse_timespec(): keywords, relative forms, epoch, ISO 8601, in UTC and in
 * a zone with DST (POSIX TZ string, no tzdata needed). Fixed "now". */
#include "config.h"

#include <time.h>

#include "harness.h"
#include "timespec.h"
#include "util.h"
#include "banned.h"

#define S(x) ((int64_t)(x) * USEC_PER_SEC)
/* 2026-11-22T12:34:56Z */
#define NOW S(1795350896)

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static const struct {
	const char *in;
	int64_t want;
} utc_cases[] = {
	{ "now", NOW },
	{ " now ", NOW },
	{ "today", S(1795305600) },
	{ "yesterday", S(1795219200) },
	{ "tomorrow", S(1795305600 + 86400) },
	{ "-2h", NOW - S(7200) },
	{ "-30m", NOW - S(1800) },
	{ "-3d", NOW - S(3 * 86400) },
	{ "-45s", NOW - S(45) },
	{ "-1w", NOW - S(7 * 86400) },
	{ "-2 hours", NOW - S(7200) },
	{ "+1h", NOW + S(3600) },
	{ "2 hours ago", NOW - S(7200) },
	{ "1 hour ago", NOW - S(3600) },
	{ "3 days ago", NOW - S(3 * 86400) },
	{ "30min ago", NOW - S(1800) },
	{ "10 minutes ago", NOW - S(600) },
	{ "2 weeks ago", NOW - S(14 * 86400) },
	{ "@1763778281", S(1763778281) },
	{ "@1763778281.5", S(1763778281) + 500000 },
	{ "@0", 0 },
	{ "2026-11-22", S(1795305600) },
	{ "2026-11-22T02:24:41", S(1795314281) },
	{ "2026-11-22 02:24:41", S(1795314281) },
	{ "2026-11-22T02:24", S(1795314281 - 41) },
	{ "2026-11-22 02:24:41+01:00", S(1795310681) },
	{ "2026-11-22T02:24:41+0100", S(1795310681) },
	{ "2026-11-22T02:24:41+01", S(1795310681) },
	{ "2026-11-22T02:24:41-05:30", S(1795334081) },
	{ "2026-11-22T02:24:41Z", S(1795314281) },
	{ "2026-11-22T02:24:41.513874Z", S(1795314281) + 513874 },
	{ "2026-11-22T02:24:41.5+00:00", S(1795314281) + 500000 },
	{ "2024-02-29", S(1709164800) },
};

START_TEST(test_parse_timespec_utc)
{
	int64_t got = -1;

	set_tz("UTC");
	ck_assert_msg(parse_timespec(utc_cases[_i].in, NOW, &got) == 0, "'%s' rejected",
		      utc_cases[_i].in);
	ck_assert_msg(got == utc_cases[_i].want, "'%s': got %lld want %lld", utc_cases[_i].in,
		      (long long)got, (long long)utc_cases[_i].want);
}
END_TEST

static const char *const bad_cases[] = {
	"", "   ", "garbage", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-22T25:00",
	"2026-11-22T02:60", "2026-11-22T02:24:41+1", "2026-11-22T02:24:41+25:00",
	"2026-11-22X", "26-11-22", "-2x", "-", "-h", "2 fortnights ago", "ago", " ago",
	"@", "@abc", "@1.", "@1.x", "yesterday ago", "2026-11-22T02:24:41.", "todays",
	"99999999999 days ago",
};

START_TEST(test_parse_timespec_invalid)
{
	int64_t got = 42;

	set_tz("UTC");
	ck_assert_msg(parse_timespec(bad_cases[_i], NOW, &got) == -EINVAL, "'%s' accepted",
		      bad_cases[_i]);
	ck_assert_int_eq(got, 42);      /* ret untouched on failure */
}
END_TEST

START_TEST(test_parse_timespec_local_dst)
{
	int64_t got;

	/* Central Europe: +01:00 in winter, +02:00 in summer. */
	set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
	ck_assert_int_eq(parse_timespec("2026-07-01 12:00", NOW, &got), 0);
	ck_assert_int_eq(got, S(1782900000));
	ck_assert_int_eq(parse_timespec("2026-01-01T12:00:00", NOW, &got), 0);
	ck_assert_int_eq(got, S(1767265200));
	/* an explicit offset wins over the zone */
	ck_assert_int_eq(parse_timespec("2026-01-01T12:00:00Z", NOW, &got), 0);
	ck_assert_int_eq(got, S(1767265200 + 3600));
	/* local midnight: 2026-11-22T00:00+01:00 */
	ck_assert_int_eq(parse_timespec("today", NOW, &got), 0);
	ck_assert_int_eq(got, S(1795302000));
	ck_assert_int_eq(parse_timespec("yesterday", NOW, &got), 0);
	ck_assert_int_eq(got, S(1795302000 - 86400));
	/* relative forms do not care about the zone */
	ck_assert_int_eq(parse_timespec("-2h", NOW, &got), 0);
	ck_assert_int_eq(got, NOW - S(7200));
	set_tz("UTC");
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("timespec");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse_timespec_utc, 0, (int)ELEMENTSOF(utc_cases));
	tcase_add_loop_test(tc, test_parse_timespec_invalid, 0, (int)ELEMENTSOF(bad_cases));
	tcase_add_test(tc, test_parse_timespec_local_dst);
	suite_add_tcase(s, tc);
	return s;
}
