/* pattern: match.c / addrmatch.c semantics, one table per function. Every
 * row is a case sshd decides; the comments name the sshd rule it pins. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pattern.h"
#include "util.h"
#include "banned.h"

static const struct glob_case {
	const char *s, *pattern;
	bool match;
} glob_cases[] = {
	{ "abc", "abc", true },
	{ "abc", "a*", true },
	{ "abc", "*c", true },
	{ "abc", "a?c", true },
	{ "abc", "a?", false },
	{ "abc", "abcd", false },
	{ "", "", true },
	{ "a", "", false },
	{ "", "*", true },
	{ "", "?", false },
	{ "", "**", true },
	{ "aaa", "a*a*a", true },
	{ "aa", "a*a*a", false },
	{ "ABC", "abc", false },                /* case sensitive */
	{ "mississippi", "*sip*", true },
	{ "mississippi", "m*iss*ppi", true },
	{ "mississippi", "m*x*", false },
	{ "x.example.com", "*.example.com", true },
	{ "example.com", "*.example.com", false },
	{ "a\\b", "a\\b", true },               /* no escapes: backslash is literal */
	{ "a*b", "a\\*b", false },
	{ "a[b", "a[b", true },                 /* no character classes */
	{ "ab", "a[b]", false },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*a*a*a*a*a*c", false },
	{ "\xc3\xa9t\xc3\xa9", "?t*", false },  /* '?' is one byte, not one character */
	{ "\xc3\xa9t\xc3\xa9", "??t??", true },
};

START_TEST(test_pattern_match_table)
{
	const struct glob_case *c = &glob_cases[_i];

	ck_assert_msg(pattern_match(c->s, c->pattern) == c->match, "'%s' ~ '%s': expected %d", c->s, c->pattern,
		      c->match);
}
END_TEST

static const struct list_case {
	const char *s, *list;
	bool dolower;
	int expect;
} list_cases[] = {
	{ "alice", "alice,bob", false, 1 },
	{ "carol", "alice,bob", false, 0 },
	{ "bob", "*,!bob", false, -1 },         /* negation wins wherever it is */
	{ "bob", "!bob,*", false, -1 },
	{ "carol", "*,!bob", false, 1 },
	{ "carol", "!bob", false, 0 },          /* only negations: no positive match */
	{ "BOB", "bob", false, 0 },
	{ "BOB", "bob", true, 1 },
	{ "host.Example.COM", "*.EXAMPLE.com", true, 1 },
	{ "x", "", false, 0 },
	{ "", ",a", false, 1 },                 /* empty subpattern matches the empty string */
	{ "a", "a,", false, 1 },                /* trailing comma: no empty subpattern */
	{ "", "!", false, -1 },
	{ "a", "!", false, 0 },
	{ "a", "b,,a", false, 1 },
	{ "ssh-ed25519", "ssh-ed25519,rsa-sha2-*", false, 1 },
	{ "rsa-sha2-512", "ssh-ed25519,rsa-sha2-*", false, 1 },
	{ "ssh-rsa", "ssh-ed25519,rsa-sha2-*", false, 0 },
};

START_TEST(test_pattern_match_list_table)
{
	const struct list_case *c = &list_cases[_i];

	ck_assert_msg(pattern_match_list(c->s, c->list, c->dolower) == c->expect, "'%s' in '%s' (lower %d): expected %d",
		      c->s, c->list, c->dolower, c->expect);
}
END_TEST

/* match.c: a subpattern of 1023 bytes or more fails the whole list, even
 * after a positive match. */
START_TEST(test_pattern_match_list_long_subpattern)
{
	char list[1100];
	size_t n;

	memcpy(list, "a,", 2);
	memset(list + 2, 'x', 1022);
	list[2 + 1022] = '\0';
	ck_assert_int_eq(pattern_match_list("a", list, false), 1);
	n = strlen(list);
	list[n] = 'x';
	list[n + 1] = '\0';
	ck_assert_int_eq(pattern_match_list("a", list, false), 0);
	ck_assert_int_eq(pattern_match_list("x", list + 2, false), 0);
}
END_TEST

static const struct addr_case {
	const char *addr, *list;
	int expect;
} addr_cases[] = {
	{ "10.1.2.3", "10.0.0.0/8", 1 },
	{ "11.1.2.3", "10.0.0.0/8", 0 },
	{ "10.1.2.3", "10.1.2.3", 1 },
	{ "10.1.2.3", "10.1.2.3/32", 1 },
	{ "10.1.2.3", "10.0.0.0/33", -2 },       /* mask length out of range */
	{ "10.1.2.3", "10.0.0.1/8", -2 },        /* host bits set */
	{ "10.1.2.3", "10.1.2.3/31", -2 },
	{ "10.1.2.3", "0.0.0.0/0", 1 },
	{ "192.168.1.5", "192.168.1.*", 1 },     /* not an address: wildcard */
	{ "192.168.10.5", "192.168.1.?", 0 },
	{ "10.1.2.3", "!10.1.2.3,10.0.0.0/8", -1 },
	{ "10.1.2.3", "10.0.0.0/8,!10.1.2.3", -1 },
	{ "10.1.2.4", "10.0.0.0/8,!10.1.2.3", 1 },
	{ "10.1.2.3", "10.0.0.0/8,", -2 },       /* empty entry after the comma */
	{ "10.1.2.3", "a,,b", -2 },
	{ "10.1.2.3", "", -2 },
	{ "10.1.2.3", "!", -2 },
	{ "10.1.2.3", "!10.1.2.3,10.0.0.0/33", -1 }, /* stops at the negated match */
	{ "10.1.2.3", "10.1.2.3,10.0.0.0/33", -2 },  /* ... but not at a positive one */
	{ "10.1.2.3", "10.0.0.0/abc", 0 },       /* bad mask: wildcard, no match */
	{ "10.1.2.3", "10.0.0.0/-1", 0 },
	{ "10.1.2.3", "10.0.0.0/08", 1 },
	{ "10.1.2.3", "10.0.0.0/ 8", 1 },        /* strtonum() takes leading blanks */
	{ "127.0.0.1", "127.1", 1 },             /* inet_aton forms via getaddrinfo */
	{ "::1", "::1", 1 },
	{ "::1", "::1/128", 1 },
	{ "2001:db8::5", "2001:db8::/32", 1 },
	{ "2001:db9::5", "2001:db8::/32", 0 },
	{ "2001:db8::5", "2001:db8::/129", -2 },
	{ "2001:db8::5", "2001:db8::1/32", -2 },
	{ "10.1.2.3", "::/0", 0 },               /* families never match */
	{ "::ffff:10.1.2.3", "10.0.0.0/8", 0 },
	{ "not-an-ip", "10.0.0.0/33", 0 },       /* unparsable address: list not even checked */
	{ NULL, "10.0.0.0/33", -2 },
	{ NULL, "10.0.0.0/8,*.example.com", 0 },
	{ NULL, "*", 0 },
	{ "10.1.2.3", "10.1.2.3xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0 },
	{ "10.1.2.3", "10.1.2.*", 1 },
};

START_TEST(test_pattern_match_addr_list_table)
{
	const struct addr_case *c = &addr_cases[_i];

	ck_assert_msg(pattern_match_addr_list(c->addr, c->list) == c->expect, "'%s' in '%s': expected %d",
		      c->addr ? c->addr : "(null)", c->list, c->expect);
}
END_TEST

static const struct host_ip_case {
	const char *host, *ip, *list;
	int expect;
} host_ip_cases[] = {
	{ "host.example.com", "10.1.2.3", "*.example.com", 1 },
	{ "Host.EXAMPLE.com", "10.1.2.3", "*.example.com", 1 },
	{ NULL, "10.1.2.3", "10.1.2.3", 1 },            /* NULL host: the address (UseDNS no) */
	{ "127.0.0.1", "127.0.0.1", "10.9.9.9", 0 },    /* corpus 09-authorized-keys-from-restriction */
	{ NULL, "10.1.2.3", "10.1.*", 1 },
	{ "host.example.com", "10.1.2.3", "!*.example.com,10.0.0.0/8", -1 },
	{ "evil.example.com", "10.1.2.3", "10.0.0.0/8,!evil.*", -1 },
	{ "good.example.com", "10.1.2.3", "10.0.0.0/8,!evil.*", 1 },
	{ "h.example.com", "10.1.2.3", "!10.1.2.3,*.example.com", -1 },
	{ "h.example.com", "10.1.2.3", "10.0.0.0/33", -2 },
	{ "h.example.com", "10.1.2.3", "*.example.com,", -2 },
	{ "h", NULL, "10.0.0.0/8", 0 },                 /* no address: validation only */
	{ NULL, NULL, "10.0.0.0/33", -2 },
	{ NULL, NULL, "10.0.0.0/8", 0 },
};

START_TEST(test_pattern_match_host_and_ip_table)
{
	const struct host_ip_case *c = &host_ip_cases[_i];

	ck_assert_msg(pattern_match_host_and_ip(c->host, c->ip, c->list) == c->expect, "%s/%s in '%s': expected %d",
		      c->host ? c->host : "(null)", c->ip ? c->ip : "(null)", c->list, c->expect);
}
END_TEST

static const struct user_case {
	const char *user, *host, *ip, *entry;
	int expect, expect_legacy;
} user_cases[] = {
	{ "alice", NULL, "10.1.2.3", "alice", 1, 1 },
	{ "bob", NULL, "10.1.2.3", "alice", 0, 0 },
	{ "alice", NULL, "10.1.2.3", "al*", 1, 1 },
	{ "alice", NULL, "10.1.2.3", "!alice", 0, 0 },          /* no negation in entries */
	{ "alice", NULL, "10.1.2.3", "alice,bob", 0, 0 },       /* no lists either */
	{ "alice", NULL, "10.1.2.3", "alice@10.0.0.0/8", 1, 1 },
	{ "alice", NULL, "11.1.2.3", "alice@10.0.0.0/8", 0, 0 },
	{ "alice", "h.example.com", "10.1.2.3", "alice@*.example.com", 1, 1 },
	{ "alice", "h.example.com", "10.1.2.3", "alice@*.example.com,!10.1.2.3", 0, 0 },
	{ "alice", NULL, "10.1.2.3", "alice@10.0.0.0/33", -1, -1 },
	{ "bob", NULL, "10.1.2.3", "alice@10.0.0.0/33", -1, -1 },  /* refused at config load */
	{ "alice", NULL, "10.1.2.3", "alice@", -1, -1 },
	{ "a@b", NULL, "10.1.2.3", "a@b@*", 1, 0 },             /* 9.9+: last '@'; 9.2: first */
	{ "a", NULL, "10.1.2.3", "a@b@*", 0, 0 },
	{ "a", "b@h", "10.1.2.3", "a@b@h", 0, 1 },
};

START_TEST(test_pattern_match_user_table)
{
	const struct user_case *c = &user_cases[_i];

	ck_assert_msg(pattern_match_user(c->user, c->host, c->ip, c->entry) == c->expect, "%s from %s: '%s': expected %d",
		      c->user, c->ip, c->entry, c->expect);
	ck_assert_msg(pattern_match_user_legacy(c->user, c->host, c->ip, c->entry) == c->expect_legacy,
		      "legacy %s from %s: '%s': expected %d", c->user, c->ip, c->entry, c->expect_legacy);
}
END_TEST

/* Hostile sizes: long subjects and patterns stay fast and in bounds. */
START_TEST(test_pattern_match_hostile)
{
	size_t n = 64 * 1024;
	_cleanup_(freep) char *s = malloc(n + 1), *p = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(p);
	memset(s, 'a', n);
	s[n] = '\0';
	for (size_t i = 0; i < n; i++)
		p[i] = i % 2 ? 'a' : '*';
	p[n - 1] = 'b';
	p[n] = '\0';
	ck_assert(!pattern_match(s, p));
	ck_assert_int_eq(pattern_match_list(s, p, true), 0);
	ck_assert_int_eq(pattern_match_addr_list("10.1.2.3", p), 0);
	ck_assert_int_eq(pattern_match_host_and_ip(s, "10.1.2.3", p), 0);
	ck_assert_int_eq(pattern_match_user(s, NULL, "10.1.2.3", p), 0);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("pattern");
	TCase *tc;

	tc = tcase_create("match");
	tcase_add_loop_test(tc, test_pattern_match_table, 0, ELEMENTSOF(glob_cases));
	tcase_add_test(tc, test_pattern_match_hostile);
	suite_add_tcase(s, tc);

	tc = tcase_create("list");
	tcase_add_loop_test(tc, test_pattern_match_list_table, 0, ELEMENTSOF(list_cases));
	tcase_add_test(tc, test_pattern_match_list_long_subpattern);
	suite_add_tcase(s, tc);

	tc = tcase_create("addr");
	tcase_add_loop_test(tc, test_pattern_match_addr_list_table, 0, ELEMENTSOF(addr_cases));
	tcase_add_loop_test(tc, test_pattern_match_host_and_ip_table, 0, ELEMENTSOF(host_ip_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("user");
	tcase_add_loop_test(tc, test_pattern_match_user_table, 0, ELEMENTSOF(user_cases));
	suite_add_tcase(s, tc);
	return s;
}
