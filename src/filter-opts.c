/* Filter options shared by the commands that select attempts: parsing and
 * validation in one place, so `attempts` and `stats` accept the same values
 * and say the same things about bad ones. */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdbool.h>
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

const struct option_help filter_options[N_FILTER_OPTIONS] = {
	{ { "user", required_argument, NULL, OPT_USER }, "USER", N_("user name, exactly as logged"), 0 },
	{ { "from", required_argument, NULL, OPT_FROM }, "ADDR|CIDR",
	  N_("client address or network (192.0.2.0/24, 2001:db8::/32)"), 0 },
	{ { "fingerprint", required_argument, NULL, OPT_FINGERPRINT }, "FP",
	  N_("a key fingerprint (SHA256:...) offered or used"), 0 },
	{ { "since", required_argument, NULL, OPT_SINCE }, "TIME", N_("attempts starting at or after TIME"), 0 },
	{ { "until", required_argument, NULL, OPT_UNTIL }, "TIME", N_("attempts starting before TIME"), 0 },
	{ { "outcome", required_argument, NULL, OPT_OUTCOME }, "OUTCOME",
	  N_("accepted, failed, refused, session-refused, aborted,\n"
	  "                                timeout, dropped or open"), 0 },
	{ { "cause", required_argument, NULL, OPT_CAUSE }, "CAUSE",
	  N_("a cause code, e.g. strictmodes-dir-perms (README lists them)"), 0 },
	{ { "host", required_argument, NULL, OPT_HOST }, "HOST", N_("the server that logged the attempt"), 0 },
};

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
	/* A near miss (a third of the letters wrong at most), or a part of a
	 * name: "bogus" is not a near "none". */
	for (size_t i = 0; i < n; i++) {
		bool near = best <= MAX(2, strlen(arg) / 3) && levenshtein(arg, names[i]) == best;

		if (!near && !(strlen(arg) >= 3 && strstr(names[i], arg)))
			continue;
		if (buf_printf(&b, "%s'%s'", b.len ? ", " : "", names[i]) < 0)
			break;
	}
	if (b.len)
		r = usage_error(cmd, _("unknown %s '%s', did you mean %s?"), what, arg, b.data);
	else
		r = usage_error(cmd, _("unknown %s '%s'"), what, arg);
	buf_release(&b);
	return r;
}

/* An address, or a DNS name as sshd logs some (UseDNS): what looks like an
 * IPv4 or IPv6 address must be one, "999.1.1.1" matches nothing ever. */
static bool
valid_host(const char *s)
{
	unsigned char bytes[16];

	if (strchr(s, ':'))
		return inet_pton(AF_INET6, s, bytes) == 1;
	if (strspn(s, "0123456789.") == strlen(s))
		return inet_pton(AF_INET, s, bytes) == 1;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == strlen(s);
}

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
		return valid_host(s);
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
			return usage_error(cmd, _("invalid address or network '%s'"), arg);
		f->from = arg;
		return 1;
	case OPT_FINGERPRINT:
		f->fingerprint = arg;
		return 1;
	case OPT_SINCE:
	case OPT_UNTIL:
		if (parse_timespec(arg, now, &t) < 0)
			return usage_error(cmd, _("invalid time '%s' for --%s"), arg, c == OPT_SINCE ? "since" : "until");
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
		return usage_error(cmd, _("--since is not before --until"));
	return 0;
}

void
filter_getopt(const struct option_help *own, size_t n, struct option *ret)
{
	options_getopt(filter_options, N_FILTER_OPTIONS, ret);
	options_getopt(own, n, ret + N_FILTER_OPTIONS);
}
