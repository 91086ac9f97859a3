/* Filter options shared by the commands that select attempts: parsing and
 * validation in one place, so `attempts` and `stats` accept the same values
 * and say the same things about bad ones. */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cause.h"
#include "command.h"
#include "filter-opts.h"
#include "i18n.h"
#include "store.h"
#include "timespec.h"
#include "util.h"
#include "banned.h"

enum {
	OPT_USER = FILTER_OPT_BASE,
	OPT_FROM,
	OPT_FINGERPRINT,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_OUTCOME,
	OPT_CAUSE,
	OPT_HOST,
};

const struct cmd_option filter_options[] = {
	{ { "user", required_argument, NULL, OPT_USER }, "USER", N_("user name, exactly as logged") },
	{ { "from", required_argument, NULL, OPT_FROM }, "ADDR|CIDR",
	  N_("client address or network (192.0.2.0/24, 2001:db8::/32)") },
	{ { "fingerprint", required_argument, NULL, OPT_FINGERPRINT }, "FP",
	  N_("a key fingerprint (SHA256:...) offered or used") },
	{ { "since", required_argument, NULL, OPT_SINCE }, "TIME", N_("attempts starting at or after TIME") },
	{ { "until", required_argument, NULL, OPT_UNTIL }, "TIME", N_("attempts starting before TIME") },
	{ { "outcome", required_argument, NULL, OPT_OUTCOME }, "OUTCOME",
	  N_("accepted, failed, refused, session-refused, aborted,\n"
	  "                                timeout, dropped or open") },
	{ { "cause", required_argument, NULL, OPT_CAUSE }, "CAUSE",
	  N_("a cause code, e.g. strictmodes-dir-perms (README lists them)") },
	{ { "host", required_argument, NULL, OPT_HOST }, "HOST", N_("the server that logged the attempt") },
};
const size_t n_filter_options = ELEMENTSOF(filter_options);

#define X(n, s) s,
static const char *const outcome_names[] = { OUTCOMES(X) };
#undef X
#define X(n, s, g) s,
static const char *const cause_names[] = { CAUSES(X) };
#undef X

/* Unknown code: a usage error naming the closest known ones. */
static int
unknown_code(const char *cmd, const char *what, const char *arg, const char *const *names, size_t n)
{
	struct buf b;
	unsigned best = UINT_MAX;
	int r;

	buf_init(&b);
	for (size_t i = 0; i < n; i++)
		best = MIN(best, levenshtein(arg, names[i]));
	for (size_t i = 0; i < n && best <= 4; i++) {
		if (levenshtein(arg, names[i]) != best && !strstr(names[i], arg))
			continue;
		if (buf_printf(&b, "%s'%s'", b.len ? ", " : "", names[i]) < 0)
			break;
	}
	if (b.len)
		r = usage_error(cmd, "unknown %s '%s', did you mean %s?", what, arg, b.data);
	else
		r = usage_error(cmd, "unknown %s '%s'", what, arg);
	buf_release(&b);
	return r;
}

/* An address (IPv4, IPv6, or a name as sshd logs some) or a network with a
 * valid prefix length. */
static bool
valid_from(const char *s)
{
	unsigned char bytes[16];
	char tmp[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	unsigned prefix;
	size_t n;

	if (!*s)
		return false;
	if (!slash)
		return true;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof tmp || safe_atou(slash + 1, &prefix) < 0)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, bytes) == 1)
		return prefix <= 32;
	if (inet_pton(AF_INET6, tmp, bytes) == 1)
		return prefix <= 128;
	return false;
}

int
filter_option(const char *cmd, int c, const char *arg, int64_t now, struct attempt_filter *f)
{
	int64_t t;

	switch (c) {
	case OPT_USER:
		f->user = arg;
		return 1;
	case OPT_FROM:
		if (!valid_from(arg))
			return usage_error(cmd, "invalid address or network '%s'", arg);
		f->from = arg;
		return 1;
	case OPT_FINGERPRINT:
		f->fingerprint = arg;
		return 1;
	case OPT_SINCE:
	case OPT_UNTIL:
		if (parse_timespec(arg, now, &t) < 0)
			return usage_error(cmd, "invalid time '%s' for --%s", arg, c == OPT_SINCE ? "since" : "until");
		/* 0 means "unbounded" in the filter; the epoch itself is 1 us later. */
		if (t == 0)
			t = c == OPT_SINCE ? 0 : 1;
		if (c == OPT_SINCE)
			f->since_us = t;
		else
			f->until_us = t;
		return 1;
	case OPT_OUTCOME:
		f->outcome = outcome_from_string(arg);
		if (f->outcome < 0)
			return unknown_code(cmd, "outcome", arg, outcome_names, ELEMENTSOF(outcome_names));
		return 1;
	case OPT_CAUSE:
		f->cause = cause_from_any_case(arg);
		if (f->cause < 0)
			return unknown_code(cmd, "cause", arg, cause_names, ELEMENTSOF(cause_names));
		return 1;
	case OPT_HOST:
		f->host = arg;
		return 1;
	default:
		return 0;
	}
}

int
filter_check(const char *cmd, const struct attempt_filter *f)
{
	if (f->since_us && f->until_us && f->since_us >= f->until_us)
		return usage_error(cmd, "--since is not before --until");
	return 0;
}

void
cmd_options_help(const struct cmd_option *o, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char lhs[64];

		snprintf(lhs, sizeof lhs, "--%s%s%s", o[i].opt.name, o[i].arg ? " " : "", o[i].arg ? o[i].arg : "");
		printf("  %-28s  %s\n", lhs, _(o[i].help));
	}
}
