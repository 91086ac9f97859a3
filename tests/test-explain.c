/* explain's verdict rules, one case per rule (explain_rule_ids), the
 * address-family check of matching, and matching against a real store:
 * the time decides among look-alikes, and a time given to the minute says
 * it is ambiguous. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "attempt.h"
#include "cause.h"
#include "client-parse.h"
#include "explain-int.h"
#include "explain.h"
#include "harness.h"
#include "store.h"
#include "util.h"

struct rule_case {
	const char *rule;
	enum cause want;
	enum cause want_candidate;      /* CAUSE_NONE: no candidate checked */
	void (*setup)(struct client_report *c, struct attempt *a, int *hostkey, bool *with_attempt);
};

static void
key(struct client_report *c, enum client_key_state st, enum client_key_problem p)
{
	struct client_key *k = &c->keys[c->n_keys++];

	snprintf(k->source, sizeof k->source, "/home/u/.ssh/id_ed25519");
	snprintf(k->type, sizeof k->type, "ED25519");
	snprintf(k->fingerprint, sizeof k->fingerprint, "SHA256:abc");
	k->state = st;
	k->problem = p;
	k->explicit_file = true;
}

static void
denied(struct client_report *c)
{
	c->result = CR_PERMISSION_DENIED;
	snprintf(c->methods, sizeof c->methods, "publickey,password");
	snprintf(c->denied_methods, sizeof c->denied_methods, "publickey,password");
}

static void
s_hostkey(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)with;
	snprintf(c->hostkey_fp, sizeof c->hostkey_fp, "SHA256:other");
	denied(c);
	*hk = 0;
}

static void
s_refused_hostkey(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	c->result = CR_HOSTKEY_FAILED;
}

static void
s_connect(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	c->result = CR_CONNECT_FAILED;
}

static void
s_nologin(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	c->result = CR_AUTHENTICATED;
	c->session_failure = 1;
}

static void
s_exec(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	c->result = CR_AUTHENTICATED;
	c->session_failure = 2;
}

static void
s_session_refused(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)hk;
	c->result = CR_AUTHENTICATED;
	a->outcome = OUTCOME_SESSION_REFUSED;
	a->cause = CAUSE_CHROOT_BAD_OWNERSHIP;
	*with = true;
}

static void
s_authenticated(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	key(c, CKEY_USED, CKP_NONE);
	c->result = CR_AUTHENTICATED;
}

static void
s_key_problem(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	key(c, CKEY_NOT_LOADED, CKP_BAD_PERMISSIONS);
	denied(c);
}

static void
s_too_many(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	key(c, CKEY_REJECTED, CKP_NONE);
	c->result = CR_TOO_MANY_FAILURES;
}

static void
s_partial(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	key(c, CKEY_USED, CKP_NONE);
	denied(c);
	c->partial_success = true;
}

static void
s_negotiation_server(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)hk;
	c->result = CR_NEGOTIATION_FAILED;
	a->outcome = OUTCOME_ABORTED;
	a->cause = CAUSE_MAC_NO_MATCH;
	*with = true;
}

static void
s_negotiation_client(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	c->result = CR_NEGOTIATION_FAILED;
	snprintf(c->result_text, sizeof c->result_text, "Unable to negotiate: no matching cipher found");
}

static void
s_banner_server(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)hk;
	c->result = CR_BANNER_FAILED;
	a->outcome = OUTCOME_DROPPED;
	a->cause = CAUSE_PER_SOURCE_PENALTY;
	*with = true;
}

static void
s_banner_client(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	c->result = CR_BANNER_FAILED;
	snprintf(c->banner, sizeof c->banner, "Not allowed at this time");
}

static void
s_never_ssh(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	c->user[0] = '\0';
	snprintf(c->server_version, sizeof c->server_version, "OpenSSH_9.2p1 Debian-2+deb12u10");
}

static void
s_server_proves(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)hk;
	key(c, CKEY_REJECTED, CKP_NONE);
	denied(c);
	a->outcome = OUTCOME_FAILED;
	a->cause = CAUSE_STRICTMODES_DIR_PERMS;
	*with = true;
}

static void
s_no_publickey(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	key(c, CKEY_LISTED, CKP_NONE);
	c->result = CR_PERMISSION_DENIED;
	snprintf(c->denied_methods, sizeof c->denied_methods, "password");
}

static void
s_accepted_closed(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	key(c, CKEY_ACCEPTED, CKP_NONE);
	c->result = CR_CONNECTION_CLOSED;
}

static void
s_accepted_no_sig(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	key(c, CKEY_ACCEPTED, CKP_NONE);
	denied(c);
}

static void
s_key_refused(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	key(c, CKEY_REJECTED, CKP_NONE);
	denied(c);
}

static void
s_password(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	denied(c);
	snprintf(c->tried_methods, sizeof c->tried_methods, "publickey,password");
}

static void
s_server_generic(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)hk;
	key(c, CKEY_LISTED, CKP_NONE);
	denied(c);
	a->outcome = OUTCOME_FAILED;
	a->cause = CAUSE_PREAUTH_CLOSE_NO_DETAIL;
	a->candidates[a->n_candidates++] = CAUSE_KEY_NOT_AUTHORIZED;
	*with = true;
}

static void
s_client_only(struct client_report *c, struct attempt *a, int *hk, bool *with)
{
	(void)a, (void)hk, (void)with;
	key(c, CKEY_LISTED, CKP_NONE);
	denied(c);
}

static const struct rule_case rule_cases[] = {
	{ "host-key-not-ours", CAUSE_DIFFERENT_SERVER, CAUSE_NONE, s_hostkey },
	{ "client-refused-host-key", CAUSE_CLIENT_HOST_KEY_VERIFICATION_FAILED, CAUSE_NONE, s_refused_hostkey },
	{ "client-connect-failed", CAUSE_SERVER_NOT_REACHED, CAUSE_NONE, s_connect },
	{ "session-nologin", CAUSE_SHELL_NOLOGIN, CAUSE_NONE, s_nologin },
	{ "session-exec-failed", CAUSE_SHELL_EXEC_FAILED, CAUSE_NONE, s_exec },
	{ "session-refused-by-server", CAUSE_CHROOT_BAD_OWNERSHIP, CAUSE_NONE, s_session_refused },
	{ "authenticated", CAUSE_ACCEPTED, CAUSE_NONE, s_authenticated },
	{ "client-key-problem", CAUSE_CLIENT_KEY_BAD_PERMISSIONS, CAUSE_NONE, s_key_problem },
	{ "too-many-auth-failures", CAUSE_TOO_MANY_AUTH_FAILURES, CAUSE_NONE, s_too_many },
	{ "partial-success", CAUSE_SECOND_FACTOR_MISSING, CAUSE_NONE, s_partial },
	{ "negotiation-server", CAUSE_MAC_NO_MATCH, CAUSE_NONE, s_negotiation_server },
	{ "negotiation-client", CAUSE_CIPHER_NO_MATCH, CAUSE_NONE, s_negotiation_client },
	{ "banner-server", CAUSE_PER_SOURCE_PENALTY, CAUSE_NONE, s_banner_server },
	{ "banner-client", CAUSE_PER_SOURCE_PENALTY, CAUSE_NONE, s_banner_client },
	{ "client-never-spoke-ssh", CAUSE_NO_AUTH_ATTEMPTED, CAUSE_LOGIN_GRACE_TIMEOUT, s_never_ssh },
	{ "server-proves", CAUSE_STRICTMODES_DIR_PERMS, CAUSE_NONE, s_server_proves },
	{ "no-publickey-method", CAUSE_PUBKEY_AUTH_DISABLED, CAUSE_NONE, s_no_publickey },
	{ "key-accepted-then-closed", CAUSE_LOGIN_GRACE_TIMEOUT, CAUSE_NONE, s_accepted_closed },
	{ "key-accepted-no-signature", CAUSE_KEY_ACCEPTED_NO_SIGNATURE, CAUSE_PAM_ACCOUNT_REFUSED, s_accepted_no_sig },
	/* Without the server's lines the client's log proves the refusal, and
	 * every account refusal that looks alike is a candidate. */
	{ "key-refused-by-server", CAUSE_PUBKEY_REJECTED_NO_REASON, CAUSE_INVALID_USER, s_key_refused },
	{ "password-refused", CAUSE_PASSWORD_FAILED, CAUSE_NOT_IN_ALLOWUSERS, s_password },
	{ "server-generic", CAUSE_PREAUTH_CLOSE_NO_DETAIL, CAUSE_KEY_NOT_AUTHORIZED, s_server_generic },
	{ "client-log-only", CAUSE_NO_SERVER_TRACE, CAUSE_NONE, s_client_only },
};

START_TEST(test_explain_rules_each)
{
	const struct rule_case *t = &rule_cases[_i];
	struct client_report *c = calloc(1, sizeof *c);
	struct attempt *a = attempt_new();
	struct verdict v;
	int hostkey = -1;
	bool with = false, cand = t->want_candidate == CAUSE_NONE;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(a);
	c->n_recognised = 10;
	snprintf(c->user, sizeof c->user, "u");
	snprintf(a->user, sizeof a->user, "u");
	t->setup(c, a, &hostkey, &with);
	explain_rules_run(c, with ? a : NULL, hostkey, &v);
	ck_assert_msg(v.rule && streq(v.rule, t->rule), "rule %s, want %s", v.rule ? v.rule : "(none)", t->rule);
	ck_assert_msg(v.cause == t->want, "%s: cause %s, want %s", t->rule, cause_to_string(v.cause),
		      cause_to_string(t->want));
	for (size_t i = 0; i < v.n_candidates; i++)
		cand |= v.candidates[i] == t->want_candidate;
	ck_assert_msg(cand, "%s: %s not among the candidates", t->rule, cause_to_string(t->want_candidate));
	attempt_free(a);
	free(c);
}
END_TEST

/* Every rule id has its case above. */
START_TEST(test_explain_rules_all_covered)
{
	size_t n = 0;

	for (; explain_rule_ids[n]; n++) {
		bool found = false;

		for (size_t i = 0; i < ELEMENTSOF(rule_cases); i++)
			found |= streq(rule_cases[i].rule, explain_rule_ids[n]);
		ck_assert_msg(found, "rule %s has no test case", explain_rule_ids[n]);
	}
	ck_assert_uint_eq(n, ELEMENTSOF(rule_cases));
}
END_TEST

START_TEST(test_match_address_consistent)
{
	ck_assert(match_address_consistent("127.0.0.1", "127.0.0.1"));
	ck_assert(!match_address_consistent("127.0.0.1", "::1"));
	ck_assert(!match_address_consistent("::1", "127.0.0.1"));
	ck_assert(match_address_consistent("::1", "::1"));
	ck_assert(match_address_consistent("192.0.2.7", "198.51.100.3"));
	ck_assert(!match_address_consistent("192.0.2.7", "2001:db8::1"));
	ck_assert(match_address_consistent("2001:db8::7", "2001:db8::1"));
	ck_assert(match_address_consistent("server.example", "2001:db8::1"));
	ck_assert(match_address_consistent("", "10.0.0.1"));
}
END_TEST

START_TEST(test_explain_client_is_windows)
{
	struct client_report *c = calloc(1, sizeof *c);

	ck_assert_ptr_nonnull(c);
	ck_assert(!explain_client_is_windows(c));
	/* what client_parse() reports for an OpenSSH_for_Windows banner */
	c->family = CF_OPENSSH_WINDOWS;
	ck_assert(explain_client_is_windows(c));
	/* ... and for Git Bash (a Unix ssh) run on Windows: C:\ paths, MINGW */
	c->family = CF_OPENSSH_UNIX;
	c->windows = true;
	ck_assert(explain_client_is_windows(c));
	c->windows = false;
	ck_assert(!explain_client_is_windows(c));
	/* the parser's own view of a real banner */
	{
		static const char log[] = "OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2\r\n"
					  "debug1: Connecting to h [192.0.2.1] port 22.\r\n";

		ck_assert_int_ge(client_parse(log, sizeof log - 1, c), 0);
		ck_assert(explain_client_is_windows(c));
	}
	free(c);
}
END_TEST

/* A real store: three attempts of u with the same cause-less INFO shape, 10 s
 * before, 0.3 s after and 1.7 s after the client started; the middle one
 * names another cause. */
static struct store *
look_alikes(char *dir)
{
	static const struct {
		int64_t dt_ms;
		uint16_t port;
		enum cause cause;
	} rows[] = {
		{ -10000, 40001, CAUSE_STRICTMODES_DIR_PERMS },
		{ 300, 40002, CAUSE_IN_DENYUSERS },
		{ 1700, 40003, CAUSE_STRICTMODES_DIR_PERMS },
	};
	struct store *st = NULL;
	char path[512];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	ck_assert_int_eq(store_open(path, STORE_CREATE, &st, NULL), 0);
	ck_assert_int_eq(store_begin(st), 0);
	for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
		struct attempt *a = attempt_new();
		char line[256];

		ck_assert_ptr_nonnull(a);
		a->uid = 1000 + i;
		snprintf(a->host, sizeof a->host, "h");
		a->pid = 100 + (uint32_t)i;
		a->start_us = a->end_us = INT64_C(1800000000000000) + rows[i].dt_ms * 1000;
		snprintf(a->addr, sizeof a->addr, "127.0.0.1");
		a->port = rows[i].port;
		snprintf(a->user, sizeof a->user, "u");
		a->outcome = rows[i].cause == CAUSE_IN_DENYUSERS ? OUTCOME_REFUSED : OUTCOME_FAILED;
		a->cause = rows[i].cause;
		snprintf(line, sizeof line, "line %zu", i);
		ck_assert_int_eq(attempt_add_evidence(a, line, strlen(line), i), 0);
		ck_assert_int_ge(store_put_attempt(st, a), 0);
		attempt_free(a);
	}
	ck_assert_int_eq(store_commit(st), 0);
	return st;
}

START_TEST(test_explain_time_decides)
{
	char dir[] = "/tmp/test-explain-XXXXXX";
	struct store *st = look_alikes(dir);
	struct client_report *c = calloc(1, sizeof *c);
	struct explain_options o = { .around_us = INT64_C(1800000000000000) };
	struct explain_result r;

	ck_assert_ptr_nonnull(c);
	c->n_recognised = 10;
	snprintf(c->user, sizeof c->user, "u");
	snprintf(c->addr, sizeof c->addr, "127.0.0.1");
	key(c, CKEY_REJECTED, CKP_NONE);
	denied(c);
	/* The exact start: the one 0.3 s after wins, not ambiguous. */
	ck_assert_int_eq(explain_run(st, c, &o, &r), 0);
	ck_assert_uint_ge(r.n_matches, 1);
	ck_assert_uint_eq(r.matches[0].a->port, 40002);
	ck_assert_int_eq(r.cause, CAUSE_IN_DENYUSERS);
	ck_assert(!r.ambiguous);
	explain_result_release(&r);
	/* To the minute: time cannot choose; the causes differ: said. */
	o.around_precision_us = 60 * USEC_PER_SEC;
	ck_assert_int_eq(explain_run(st, c, &o, &r), 0);
	ck_assert(r.ambiguous);
	ck_assert_uint_eq(r.n_tied, 3);
	ck_assert_uint_eq(r.n_alternatives, 3);
	explain_result_release(&r);
	/* A client that connected to ::1 is none of these. */
	snprintf(c->addr, sizeof c->addr, "::1");
	ck_assert_int_eq(explain_run(st, c, &o, &r), 0);
	ck_assert_uint_eq(r.n_matches, 0);
	ck_assert_ptr_nonnull(r.db_note);
	ck_assert_ptr_nonnull(strstr(r.db_note, "3 attempts"));
	explain_result_release(&r);
	free(c);
	store_free(st);
	{
		char path[600];

		snprintf(path, sizeof path, "rm -rf '%s'", dir);
		ck_assert_int_eq(system(path), 0);
	}
}
END_TEST

/* The client's log alone, on an empty database: a Windows client's key
 * modes get an ACL fix, the side is the client's, and nothing is said
 * about what the server logged; a refused key lists the account refusals
 * that look alike. */
START_TEST(test_explain_client_alone)
{
	char dir[] = "/tmp/test-explain-XXXXXX", path[600];
	struct client_report *c = calloc(1, sizeof *c);
	struct explain_options o = { .host_keys_dir = "/nonexistent" };
	struct explain_result r;
	struct store *st = NULL;
	bool invalid_user = false;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	ck_assert_int_eq(store_open(path, STORE_CREATE, &st, NULL), 0);
	c->n_recognised = 10;
	snprintf(c->version, sizeof c->version, "OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2");
	c->family = CF_OPENSSH_WINDOWS;         /* as client_parse() reports that banner */
	snprintf(c->user, sizeof c->user, "u");
	snprintf(c->addr, sizeof c->addr, "192.0.2.1");
	key(c, CKEY_NOT_LOADED, CKP_BAD_PERMISSIONS);
	denied(c);
	ck_assert_int_eq(explain_run(st, c, &o, &r), 0);
	ck_assert_int_eq(r.cause, CAUSE_CLIENT_KEY_BAD_PERMISSIONS);
	ck_assert_int_eq(r.side, SIDE_CLIENT);
	ck_assert_ptr_nonnull(r.fix);
	ck_assert_ptr_nonnull(strstr(r.fix, "icacls"));
	ck_assert_ptr_nonnull(r.db_note);
	explain_result_release(&r);

	c->version[0] = '\0';
	c->family = CF_UNKNOWN;
	c->n_keys = 0;
	key(c, CKEY_REJECTED, CKP_NONE);
	ck_assert_int_eq(explain_run(st, c, &o, &r), 0);
	ck_assert_int_eq(r.cause, CAUSE_PUBKEY_REJECTED_NO_REASON);
	ck_assert_str_eq(r.rule, "key-refused-by-server");
	ck_assert_ptr_null(strstr(r.explanation, "logg"));
	ck_assert_ptr_null(strstr(r.explanation, "192.0.2.1"));     /* the target is not the source */
	for (size_t i = 0; i < r.n_candidates; i++)
		invalid_user |= r.candidates[i] == CAUSE_INVALID_USER;
	ck_assert(invalid_user);
	explain_result_release(&r);
	free(c);
	store_free(st);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("explain");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, test_explain_rules_each, 0, (int)ELEMENTSOF(rule_cases));
	tcase_add_test(tc, test_explain_rules_all_covered);
	tcase_add_test(tc, test_match_address_consistent);
	tcase_add_test(tc, test_explain_client_is_windows);
	suite_add_tcase(s, tc);
	tc = tcase_create("match");
	tcase_add_test(tc, test_explain_time_decides);
	tcase_add_test(tc, test_explain_client_alone);
	suite_add_tcase(s, tc);
	return s;
}
