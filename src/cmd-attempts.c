/* sshwhy attempts: list stored attempts matching filters, as an aligned
 * table (newest last) or JSON lines. Glue only: options -> attempt_filter ->
 * store_query -> render. */
#include "config.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>

#include "attempt-text.h"
#include "attempt.h"
#include "cause.h"
#include "command.h"
#include "log.h"
#include "options.h"
#include "render.h"
#include "store.h"
#include "timespec.h"
#include "util.h"
#include "banned.h"

/* Rows the table shows on a terminal when no --limit is given. */
#define TTY_DEFAULT_LIMIT 50

enum {
	ARG_USER = 0x100,
	ARG_FROM,
	ARG_FINGERPRINT,
	ARG_SINCE,
	ARG_UNTIL,
	ARG_OUTCOME,
	ARG_CAUSE,
	ARG_HOST,
	ARG_LIMIT,
	ARG_JSON,
	ARG_UTC,
	ARG_HELP,
	ARG_ACTIVE,
};

/* Each option next to its help line. */
static const struct option_help options[] = {
	{ { "user", required_argument, NULL, ARG_USER }, "USER", "user name, exactly as logged", 0 },
	{ { "from", required_argument, NULL, ARG_FROM }, "ADDR|CIDR",
	  "client address or network (192.0.2.0/24, 2001:db8::/32)", 0 },
	{ { "fingerprint", required_argument, NULL, ARG_FINGERPRINT }, "FP",
	  "a key fingerprint (SHA256:...) offered or used", 0 },
	{ { "since", required_argument, NULL, ARG_SINCE }, "TIME",
	  "attempts starting at or after TIME (see below)", 0 },
	{ { "until", required_argument, NULL, ARG_UNTIL }, "TIME", "attempts starting before TIME", 0 },
	{ { "outcome", required_argument, NULL, ARG_OUTCOME }, "OUTCOME",
	  "accepted, failed, refused, session-refused, aborted, timeout, dropped or open", 0 },
	{ { "cause", required_argument, NULL, ARG_CAUSE }, "CAUSE",
	  "a cause code, e.g. strictmodes-dir-perms (README lists them)", 0 },
	{ { "host", required_argument, NULL, ARG_HOST }, "HOST", "the server that logged the attempt", 0 },
	{ { "limit", required_argument, NULL, ARG_LIMIT }, "N",
	  "the newest N attempts (0 = all); default: all, except 50 for the table on a terminal", 0 },
	{ { "json", no_argument, NULL, ARG_JSON }, NULL, "one JSON object per line", 0 },
	{ { "utc", no_argument, NULL, ARG_UTC }, NULL, "print times in UTC", 0 },
	{ { "help", no_argument, NULL, ARG_HELP }, NULL, "show this help", 0 },
	{ { "active", no_argument, NULL, ARG_ACTIVE }, NULL,
	  "only sessions still open: who is logged in now, per the log, on every host", 0 },
};

static void
attempts_help(void)
{
	printf("Attempts print oldest first: the newest is the last line.\n\nOptions:\n");
	options_print(options, ELEMENTSOF(options));
	printf("\n");
	help_wrap("", 0, "TIME: 2026-11-22, 2026-11-22T02:24:41, 2026-11-22 02:24:41+01:00, now, today, "
		  "yesterday, -2h, -30m, -3d, '2 hours ago', '3 days ago', @1763778281.\n"
		  "Dates and times without an offset are local time. Filters combine with AND.");
}

/* The names of a table, for "did you mean". */
#define X(n, s) s,
static const char *const outcome_names[] = { OUTCOMES(X) };
#undef X
#define X(n, s, g) s,
static const char *const cause_names[] = { CAUSES(X) };
#undef X

/* Unknown code: a usage error naming the closest known ones. */
static int
unknown_code(const char *what, const char *arg, const char *const *names, size_t n)
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
		r = usage_error("attempts", "unknown %s '%s', did you mean %s?", what, arg, b.data);
	else
		r = usage_error("attempts", "unknown %s '%s'", what, arg);
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

struct ctx {
	bool json;
	struct table *table;
	struct buf out;
	int64_t rows;
};

static int
on_attempt(const struct attempt *a, void *ud)
{
	struct ctx *c = ud;
	int r;

	c->rows++;
	if (c->table)
		return table_add_attempt(c->table, a);
	buf_clear(&c->out);
	/* The store gives plain rows; the texts are made where they are shown
	 * (a is the store's row, ours until we return). */
	r = attempt_fill_texts((struct attempt *)a);
	if (r >= 0)
		r = render_attempt_json(&c->out, a);
	if (r < 0)
		return r;
	if (fwrite(c->out.data, 1, c->out.len, stdout) != c->out.len)
		return -EIO;
	return 0;
}

static inline void
table_freep(struct table **t)
{
	table_free(*t);
}

static int
attempts_run(int argc, char **argv, const struct global_opts *g)
{
	struct option longopts[ELEMENTSOF(options) + 1];
	struct attempt_filter f = { .outcome = -1, .cause = -1 };
	struct render_opts ro = { 0 };
	_cleanup_(store_freep) struct store *st = NULL;
	_cleanup_(table_freep) struct table *table = NULL;
	struct ctx ctx = { 0 };
	bool json = false, utc = false, have_limit = false;
	int64_t now = now_usec();
	int c, r;

	options_getopt(options, ELEMENTSOF(options), longopts);

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case ARG_USER:
			f.user = optarg;
			break;
		case ARG_FROM:
			if (!valid_from(optarg))
				return usage_error("attempts", "invalid address or network '%s'", optarg);
			f.from = optarg;
			break;
		case ARG_FINGERPRINT:
			f.fingerprint = optarg;
			break;
		case ARG_SINCE:
		case ARG_UNTIL: {
			int64_t t;

			if (parse_timespec(optarg, now, &t) < 0)
				return usage_error("attempts", "invalid time '%s' for --%s", optarg,
						   c == ARG_SINCE ? "since" : "until");
			/* 0 means "unbounded" in the filter; the epoch itself is 1 us later. */
			if (t == 0)
				t = c == ARG_SINCE ? 0 : 1;
			if (c == ARG_SINCE)
				f.since_us = t;
			else
				f.until_us = t;
			break;
		}
		case ARG_OUTCOME:
			f.outcome = outcome_from_string(optarg);
			if (f.outcome < 0)
				return unknown_code("outcome", optarg, outcome_names,
						    ELEMENTSOF(outcome_names));
			break;
		case ARG_CAUSE:
			f.cause = cause_from_any_case(optarg);
			if (f.cause < 0)
				return unknown_code("cause", optarg, cause_names,
						    ELEMENTSOF(cause_names));
			break;
		case ARG_HOST:
			f.host = optarg;
			break;
		case ARG_LIMIT: {
			uint64_t v;

			if (safe_atou64(optarg, &v) < 0 || v > INT64_MAX)
				return usage_error("attempts", "invalid number '%s' for --limit", optarg);
			f.limit = (int64_t)v;
			have_limit = true;
			break;
		}
		case ARG_JSON:
			json = true;
			break;
		case ARG_UTC:
			utc = true;
			break;
		case ARG_ACTIVE:
			f.active = true;
			break;
		case ARG_HELP:
			command_help(&cmd_attempts);
			return 0;
		default:
			return usage_bad_option("attempts", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("attempts", "unexpected argument '%s'", argv[optind]);
	if (f.since_us && f.until_us && f.since_us >= f.until_us)
		return usage_error("attempts", "--since is not before --until");

	r = command_open_store(g, STORE_READONLY, &st);
	if (r < 0)
		return r;

	render_opts_from_env(&ro, STDOUT_FILENO);
	ro.utc = utc;
	if (!json) {
		if (!have_limit && isatty(STDOUT_FILENO))
			f.limit = TTY_DEFAULT_LIMIT;
		r = table_new(&ro, &table);
		if (r < 0)
			return log_oom();
		ctx.table = table;
	}
	ctx.json = json;
	buf_init(&ctx.out);
	r = store_query(st, &f, on_attempt, &ctx);
	buf_release(&ctx.out);
	if (r < 0) {
		if (r == -EIO && json)
			return log_error_errno(r, "cannot write output");
		log_error("cannot query the database: %s", store_last_error(st));
		return r;
	}
	if (table) {
		if (ctx.rows == 0) {
			log_info("no attempts match");
			return 0;
		}
		r = table_print(table, stdout);
		if (r < 0)
			return log_error_errno(r, "cannot write output");
		if (!have_limit && f.limit && ctx.rows == f.limit)
			log_info("showing the newest %lld attempts; --limit 0 shows all",
				 (long long)f.limit);
	}
	return 0;
}

const struct command cmd_attempts = {
	.name = "attempts",
	.synopsis = "attempts [--user U] [--from ADDR|CIDR] [--since T] [--until T] [--json] ...",
	.summary = "list stored login attempts, filtered",
	.run = attempts_run,
	.help = attempts_help,
};
