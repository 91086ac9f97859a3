/* PerSourcePenalties in the store (store-penalty.c): a typed PENALTY event
 * to a row (states, durations, ranges, bad networks), and on a :memory:
 * store the lookups by address and CIDR at the edges of a range, the
 * prefix lengths in use changing between lookups, the penalty of a drop
 * (newest active one before it, on its host, within a day), and stats' count
 * (by host and time, the rows only). */
#include "config.h"

#include <string.h>
#include <time.h>

#include "attempt.h"
#include "cause.h"
#include "event.h"
#include "harness.h"
#include "store-penalty.h"
#include "store.h"
#include "util.h"
#include "banned.h"

#define T0 (INT64_C(1779201150) * USEC_PER_SEC)        /* 2026-05-19T14:32:30Z */

static struct auth_event
penalty_event(const char *net, const char *state, int ms, const char *detail)
{
	struct auth_event ev;

	auth_event_clear(&ev);
	ev.kind = EVENT_PENALTY;
	strlcpy_n(ev.addr, sizeof ev.addr, net, strlen(net));
	strlcpy_n(ev.method, sizeof ev.method, state, strlen(state));
	ev.code = ms;
	strlcpy_n(ev.detail, sizeof ev.detail, detail, strlen(detail));
	return ev;
}

START_TEST(test_penalty_from_event_fields)
{
	struct auth_event ev = penalty_event("2001:db8::/48", "active", 90000, "penalty: caused crash");
	struct penalty p;
	static const unsigned char lo[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	unsigned char hi[16];

	ck_assert_int_eq(penalty_from_event(&ev, T0, "web1", 900, &p), 1);
	ck_assert_int_eq(p.state, PENALTY_ACTIVE);
	ck_assert_int_eq(p.duration_ms, 90000);
	ck_assert_str_eq(p.reason, "caused crash");
	ck_assert_str_eq(p.network, "2001:db8::/48");
	ck_assert_uint_eq(p.bits, 48);
	ck_assert_mem_eq(p.lo, lo, 16);
	memcpy(hi, lo, 16);
	memset(hi + 6, 0xff, 10);
	ck_assert_mem_eq(p.hi, hi, 16);

	/* IPv4: mapped, 96 + N; table-full has no duration */
	ev = penalty_event("203.0.113.0/24", "table-full", -1, "penalty: failed authentication");
	ck_assert_int_eq(penalty_from_event(&ev, T0, "web1", 900, &p), 1);
	ck_assert_uint_eq(p.bits, 120);
	ck_assert_int_eq(p.lo[10], 0xff);
	ck_assert_int_eq(p.lo[15], 0);
	ck_assert_int_eq(p.hi[15], 0xff);
	ck_assert_int_eq(p.duration_ms, -1);
}
END_TEST

START_TEST(test_penalty_from_event_refuses)
{
	static const struct {
		const char *net, *state;
	} bad[] = {
		{ "203.0.113.5/33", "active" },         /* IPv4 prefix over 32 */
		{ "2001:db8::/129", "active" },
		{ "203.0.113.5", "active" },            /* no prefix: not a network */
		{ "host.example/32", "active" },
		{ "203.0.113.5/32", "" },               /* SIGINFO "client ..." line: no state */
		{ "203.0.113.5/32", "expired" },
		{ "203.0.113.5/x", "deferred" },
	};
	struct penalty p;

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct auth_event ev = penalty_event(bad[i].net, bad[i].state, 5000, "penalty: x");

		ck_assert_msg(penalty_from_event(&ev, T0, "h", 1, &p) == 0, "case %zu accepted", i);
	}
	{
		struct auth_event ev = penalty_event("203.0.113.5/32", "active", 5000, "penalty: x");

		ev.kind = EVENT_DROP_CONNECTION;
		ck_assert_int_eq(penalty_from_event(&ev, T0, "h", 1, &p), 0);
	}
}
END_TEST

static struct store *st;

static void
mem_setup(void)
{
	ck_assert_int_eq(store_open(":memory:", STORE_CREATE, &st, NULL), 0);
}

static void
mem_teardown(void)
{
	st = store_free(st);
}

/* An evidence line of the listener at T0 + sec. */
static int
put_line(int sec, const char *host, const char *msg, uint64_t hash)
{
	char line[512];
	struct tm tm;
	time_t t = (time_t)(T0 / USEC_PER_SEC + sec);

	gmtime_r(&t, &tm);
	snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.000000+00:00 %s sshd[900]: %s",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, host, msg);
	return store_penalty_put_orphan(st, T0 + sec * USEC_PER_SEC, host, 900, "penalty", line, hash);
}

static int
count_cb(const struct penalty *p, void *ud)
{
	(void)p;
	(*(int *)ud)++;
	return 0;
}

static int
count_from(const char *from)
{
	struct attempt_filter f = { .from = from, .outcome = -1, .cause = -1 };
	int n = 0, r = store_penalties_query(st, &f, count_cb, &n);

	ck_assert_int_ge(r, 0);
	ck_assert_int_eq(r, n);
	return n;
}

START_TEST(test_query_ranges)
{
	ck_assert_int_eq(put_line(0, "web1", "srclimit_penalise: ipv4: new 10.1.2.0/24 active penalty of 30 seconds for penalty: caused crash", 1), 1);
	ck_assert_int_eq(count_from("10.1.2.0"), 1);        /* first address */
	ck_assert_int_eq(count_from("10.1.2.255"), 1);      /* last */
	ck_assert_int_eq(count_from("10.1.3.0"), 0);        /* one past */
	ck_assert_int_eq(count_from("10.1.1.255"), 0);      /* one before */
	ck_assert_int_eq(count_from("10.0.0.0/8"), 1);      /* contains it */
	ck_assert_int_eq(count_from("10.1.2.128/25"), 1);   /* inside it */
	ck_assert_int_eq(count_from("10.1.3.0/24"), 0);
	ck_assert_int_eq(count_from("0.0.0.0/0"), 1);
	ck_assert_int_eq(count_from("::/0"), 1);            /* IPv4 is mapped into IPv6 */
	ck_assert_int_eq(count_from("host.example"), 0);    /* a name: none */
	/* a new prefix length after a lookup: the cached lengths are renewed */
	ck_assert_int_eq(put_line(1, "web1", "srclimit_penalise: ipv4: new 10.1.2.3/32 deferred penalty of 5.000 seconds for penalty: failed authentication", 2), 1);
	ck_assert_int_eq(count_from("10.1.2.3"), 2);
	ck_assert_int_eq(count_from("10.1.2.4"), 1);
	/* the same line (hash) again: nothing */
	ck_assert_int_eq(put_line(1, "web1", "srclimit_penalise: ipv4: new 10.1.2.3/32 deferred penalty of 5.000 seconds for penalty: failed authentication", 2), 0);
	/* other kinds and SIGINFO lines are no rows */
	ck_assert_int_eq(store_penalty_put_orphan(st, T0, "web1", 900, "unrecognised", "x", 3), 0);
	ck_assert_int_eq(put_line(2, "web1", "client 10.1.2.3/32 penalty: failed authentication (3 secs left)", 4), 0);
	ck_assert_int_eq(count_from("10.1.2.3"), 2);
}
END_TEST

static int64_t
count(const char *host, int since_sec, int until_sec)
{
	int64_t n = -1;

	ck_assert_int_eq(store_penalties_count(st, host, since_sec ? T0 + since_sec * USEC_PER_SEC : 0,
					       until_sec ? T0 + until_sec * USEC_PER_SEC : 0, &n), 0);
	return n;
}

/* The rows in [since, until) on a host; the listener's other penalty lines
 * are orphan lines of kind "penalty" too, but no rows: not counted. */
START_TEST(test_count)
{
	ck_assert_int_eq(count(NULL, 0, 0), 0);
	put_line(0, "web1", "srclimit_penalise: ipv4: new 10.9.9.9/32 deferred penalty of 5 seconds for penalty: failed authentication", 20);
	put_line(5, "web1", "srclimit_penalise: 10.9.9.9/32: activating ipv4 penalty of 18 seconds for penalty: failed authentication", 21);
	put_line(7, "web2", "srclimit_penalise: ipv4: new 10.9.9.9/32 active penalty of 90.000 seconds for penalty: caused crash", 22);
	/* ingest's hook: the orphan line is kept, no row is made */
	ck_assert_int_eq(store_put_orphan(st, T0 + 8 * USEC_PER_SEC, "web1", 900, "penalty",
					  "1 active ipv4 penalties", 23), 1);
	ck_assert_int_eq(put_line(8, "web1", "1 active ipv4 penalties", 23), 0);
	/* a full table imposes nothing: a row, not counted */
	ck_assert_int_eq(put_line(6, "web1", "srclimit_penalise: ipv4 penalty table full, cannot penalise "
				  "10.9.9.8/32 for penalty: failed authentication", 24), 1);
	/* imposed: the active one, and the deferred one once, when it activates */
	ck_assert_int_eq(count(NULL, 0, 0), 2);
	ck_assert_int_eq(count("web1", 0, 0), 1);
	ck_assert_int_eq(count("web2", 0, 0), 1);
	ck_assert_int_eq(count("web3", 0, 0), 0);
	ck_assert_int_eq(count(NULL, 5, 0), 2);         /* since: inclusive */
	ck_assert_int_eq(count(NULL, 0, 7), 1);         /* until: exclusive */
	ck_assert_int_eq(count("web1", 1, 9), 1);
	ck_assert_int_eq(count(NULL, 8, 0), 0);         /* the SIGINFO line alone */
}
END_TEST

static struct attempt *
drop(const char *host, const char *addr, int sec)
{
	struct attempt *a = attempt_new();

	ck_assert_ptr_nonnull(a);
	strlcpy_n(a->host, sizeof a->host, host, strlen(host));
	strlcpy_n(a->addr, sizeof a->addr, addr, strlen(addr));
	a->start_us = T0 + (int64_t)sec * USEC_PER_SEC;
	a->cause = CAUSE_PER_SOURCE_PENALTY;
	return a;
}

START_TEST(test_of_drop)
{
	_cleanup_(attempt_freep) struct attempt *a = NULL;
	struct penalty p;

	put_line(0, "web1", "srclimit_penalise: ipv4: new 10.9.9.9/32 deferred penalty of 5 seconds for penalty: failed authentication", 10);
	put_line(5, "web1", "srclimit_penalise: 10.9.9.9/32: activating ipv4 penalty of 18 seconds for penalty: failed authentication", 11);
	put_line(7, "web2", "srclimit_penalise: ipv4: new 10.9.9.9/32 active penalty of 90.000 seconds for penalty: caused crash", 12);
	put_line(100, "web1", "srclimit_penalise: ipv4: new 10.9.9.0/24 active penalty of 90.000 seconds for penalty: caused crash", 13);

	a = drop("web1", "10.9.9.9", 6);
	ck_assert_int_eq(store_penalty_of_drop(st, a, &p), 1);
	ck_assert_int_eq(p.state, PENALTY_ACTIVATING);          /* not the deferred one, not web2's */
	ck_assert_str_eq(p.host, "web1");
	a = attempt_free(a);
	a = drop("web1", "10.9.9.9", 4);                        /* before activation: none */
	ck_assert_int_eq(store_penalty_of_drop(st, a, &p), 0);
	a = attempt_free(a);
	a = drop("web1", "10.9.9.9", 101);                      /* the newest: the /24 */
	ck_assert_int_eq(store_penalty_of_drop(st, a, &p), 1);
	ck_assert_str_eq(p.network, "10.9.9.0/24");
	a = attempt_free(a);
	a = drop("web1", "10.9.9.9", 2 * 86400);                /* more than a day on: none */
	ck_assert_int_eq(store_penalty_of_drop(st, a, &p), 0);
	a = attempt_free(a);
	a = drop("web1", "10.9.9.9", 6);
	a->cause = CAUSE_MAXSTARTUPS_DROP;                       /* not a penalty drop */
	ck_assert_int_eq(store_penalty_of_drop(st, a, &p), 0);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("store-penalty");
	TCase *tc = tcase_create("event");

	tcase_add_test(tc, test_penalty_from_event_fields);
	tcase_add_test(tc, test_penalty_from_event_refuses);
	suite_add_tcase(s, tc);
	tc = tcase_create("store");
	tcase_add_checked_fixture(tc, mem_setup, mem_teardown);
	tcase_add_test(tc, test_query_ranges);
	tcase_add_test(tc, test_of_drop);
	tcase_add_test(tc, test_count);
	suite_add_tcase(s, tc);
	return s;
}
