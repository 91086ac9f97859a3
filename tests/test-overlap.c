/* overlap.h: which attempts of an ingest are looked up in the store. A host's
 * attempts are looked up only near the head of its lines, and only when the
 * database before the run, or the host's own earlier lines, come near. */
#include "config.h"

#include "harness.h"
#include "overlap.h"
#include "util.h"
#include "banned.h"

#define MIN_US(x) ((int64_t)(x) * 60 * USEC_PER_SEC)
#define T0 (INT64_C(1795350896) * USEC_PER_SEC)

static struct overlap *o;

static void
setup(void)
{
	ck_assert_int_eq(overlap_new(&o), 0);
}

static void
teardown(void)
{
	o = overlap_free(o);
}

static void
line(const char *host, int64_t t)
{
	ck_assert_int_eq(overlap_line(o, host, strlen(host), t), 0);
}

/* Follow reads one endless input from a position: no lookups. */
START_TEST(test_overlap_check_no_input)
{
	overlap_set_stored(o, T0, T0);
	ck_assert(!overlap_check(o, "a", T0));
}
END_TEST

/* A fresh database, hosts one after another at the same times (a fleet read
 * host by host, or their logs concatenated): nothing to look up. */
START_TEST(test_overlap_check_fleet_fresh)
{
	overlap_new_input(o);
	for (int h = 0; h < 100; h++) {
		char name[16];

		snprintf(name, sizeof name, "h%d", h);
		for (int i = 0; i < 10; i++)
			line(name, T0 + MIN_US(i));
		ck_assert(!overlap_check(o, name, T0));
	}
	ck_assert(!overlap_check(o, "h0", T0 + MIN_US(5)));
}
END_TEST

/* The database held attempts around this time: the head of each host's lines
 * is looked up (15 minutes), the rest not. */
START_TEST(test_overlap_check_stored)
{
	overlap_set_stored(o, T0 - MIN_US(600), T0);
	overlap_new_input(o);
	line("a", T0 + MIN_US(1));
	line("a", T0 + MIN_US(40));
	line("b", T0 + MIN_US(30));
	ck_assert(overlap_check(o, "a", T0 + MIN_US(1)));
	ck_assert(!overlap_check(o, "a", T0 + MIN_US(40)));
	ck_assert(overlap_check(o, "b", T0 + MIN_US(31)));
	/* a host never seen on a line: the input's head, as before */
	ck_assert(overlap_check(o, "c", T0 + MIN_US(2)));
	ck_assert(!overlap_check(o, "c", T0 + MIN_US(20)));
}
END_TEST

/* Two overlapping files of one host in one stream (time goes back), and the
 * same host again in a second input: their heads are looked up; another
 * host's lines never make a host look. */
START_TEST(test_overlap_check_time_back)
{
	overlap_new_input(o);
	for (int i = 0; i < 120; i++)
		line("a", T0 + MIN_US(60 + i));
	for (int i = 0; i < 120; i++)
		line("b", T0 + MIN_US(i));
	ck_assert(!overlap_check(o, "b", T0));
	for (int i = 0; i < 90; i++)
		line("a", T0 + MIN_US(i));
	ck_assert(overlap_check(o, "a", T0 + MIN_US(5)));
	ck_assert(!overlap_check(o, "a", T0 + MIN_US(30)));
	/* jitter is not a restart */
	line("b", T0 + MIN_US(119) - 30 * USEC_PER_SEC);
	ck_assert(!overlap_check(o, "b", T0 + MIN_US(2)));
	overlap_new_input(o);
	line("b", T0 + MIN_US(200));
	ck_assert(overlap_check(o, "b", T0 + MIN_US(201)));
	/* far from anything stored: nothing to look up */
	line("b", T0 + MIN_US(5000));
	line("a", T0 + MIN_US(5000));
	ck_assert(!overlap_check(o, "a", T0 + MIN_US(5001)));
	ck_assert(!overlap_check(o, "b", T0 + MIN_US(5001)));
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("overlap");
	TCase *tc = tcase_create("check");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_overlap_check_no_input);
	tcase_add_test(tc, test_overlap_check_fleet_fresh);
	tcase_add_test(tc, test_overlap_check_stored);
	tcase_add_test(tc, test_overlap_check_time_back);
	suite_add_tcase(s, tc);
	return s;
}
