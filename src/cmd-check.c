/* sshwhy check: the server side of a login for a user (and a partner's key):
 * configuration, account, access lists, StrictModes paths, authorized_keys
 * inventory, algorithm, revocation, certificates, host keys; or --lockout.
 * Exit 0 when nothing would block the login, 1 when something would. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "log.h"
#include "render.h"
#include "server-check.h"
#include "store.h"
#include "timespec.h"
#include "util.h"
#include "banned.h"

#define KEY_INPUT_MAX (1024u * 1024)

static const struct option options[] = {
	{ "user",        required_argument, NULL, 'u' },
	{ "key",         required_argument, NULL, 'k' },
	{ "fingerprint", required_argument, NULL, 'F' },
	{ "from",        required_argument, NULL, 'f' },
	{ "from-host",   required_argument, NULL, 'H' },
	{ "sshd",        required_argument, NULL, 's' },
	{ "config",      required_argument, NULL, 'c' },
	{ "at",          required_argument, NULL, 'a' },
	{ "lockout",     no_argument,       NULL, 'L' },
	{ "json",        no_argument,       NULL, 'J' },
	{ "all",         no_argument,       NULL, 'A' },
	{ "db",          required_argument, NULL, 'D' },      /* --lockout: the database (as sshwhy --db) */
	{ "help",        no_argument,       NULL, 'h' },
	{ 0 }
};

static void
help(void)
{
	printf("Options:\n"
	       "  --user U             the login name to check\n"
	       "  --key FILE|-         the partner's public key or certificate (.pub, an authorized_keys\n"
	       "                       line, ssh-keygen -l output)\n"
	       "  --fingerprint FP     the partner's key fingerprint (SHA256:...)\n"
	       "  --from ADDR          the partner's address (AllowUsers user@host, from=, Match Address)\n"
	       "  --from-host NAME     the partner's host name, for host name patterns\n"
	       "  --sshd PATH          the sshd binary for 'sshd -T' (default /usr/sbin/sshd)\n"
	       "  --config FILE        the sshd configuration (default /etc/ssh/sshd_config)\n"
	       "  --at TIME            judge expiry times at TIME instead of now\n"
	       "  --lockout            who would be locked out if password logins were turned off\n"
	       "                       (users seen logging in by password in the database)\n"
	       "  --db FILE            the database --lockout reads (same as sshwhy --db FILE)\n"
	       "  --all                show the evidence of passing items too\n"
	       "  --json               one JSON object: items with status, topic, cause, text, fix, evidence\n"
	       "Run as root: sshd -T, /etc/shadow and other users' files need it; otherwise sshwhy reads\n"
	       "what it can and marks the rest as unknown.\n"
	       "Exit status: 0 nothing would block the login, 1 something would (or an error), 2 usage.\n");
}

static int
render_json(struct buf *b, const struct check_report *r)
{
	int k = 0;

	k |= buf_puts(b, "{\"user\":");
	k |= json_escape(b, r->user, strlen(r->user));
	k |= buf_puts(b, ",\"from\":");
	if (*r->from)
		k |= json_escape(b, r->from, strlen(r->from));
	else
		k |= buf_puts(b, "null");
	k |= buf_puts(b, ",\"key\":");
	if (*r->key_fingerprint) {
		k |= buf_puts(b, "{\"fingerprint\":");
		k |= json_escape(b, r->key_fingerprint, strlen(r->key_fingerprint));
		k |= buf_puts(b, ",\"type\":");
		k |= json_escape(b, r->key_type, strlen(r->key_type));
		k |= buf_puts(b, "}");
	} else
		k |= buf_puts(b, "null");
	k |= buf_puts(b, ",\"config_source\":");
	k |= json_escape(b, r->config_source, strlen(r->config_source));
	k |= buf_printf(b, ",\"blocked\":%s,\"usable_keys\":%zu,\"items\":[", r->blocked ? "true" : "false",
			r->n_usable_keys);
	for (size_t i = 0; i < r->n; i++) {
		const struct check_item *it = &r->items[i];

		k |= buf_printf(b, "%s{\"status\":\"%s\",\"topic\":", i ? "," : "", check_status_to_string(it->status));
		k |= json_escape(b, it->topic, strlen(it->topic));
		k |= buf_puts(b, ",\"cause\":");
		if (it->cause != CAUSE_NONE)
			k |= buf_printf(b, "\"%s\"", cause_to_string(it->cause));
		else
			k |= buf_puts(b, "null");
		k |= buf_puts(b, ",\"text\":");
		k |= json_escape(b, it->text, strlen(it->text));
		k |= buf_puts(b, ",\"fix\":");
		if (it->fix)
			k |= json_escape(b, it->fix, strlen(it->fix));
		else
			k |= buf_puts(b, "null");
		k |= buf_puts(b, ",\"evidence\":[");
		for (size_t j = 0; j < it->n_evidence; j++) {
			if (j)
				k |= buf_puts(b, ",");
			k |= json_escape(b, it->evidence[j], strlen(it->evidence[j]));
		}
		k |= buf_puts(b, "]}");
	}
	k |= buf_puts(b, "]}\n");
	return k < 0 ? -ENOMEM : 0;
}

/* Escaped text of s appended to b (file contents and log text may carry
 * terminal escapes). */
static int
put_safe(struct buf *b, const char *s)
{
	_cleanup_(freep) char *e = escape_terminal_dup(s, strlen(s));

	return e ? buf_puts(b, e) : -ENOMEM;
}

static int
render_text(struct buf *b, const struct check_report *r, bool color, bool all)
{
	static const char *const tag[_CHECK_STATUS_MAX] = {
		[CHECK_OK] = "ok     ", [CHECK_INFO] = "info   ", [CHECK_WARNING] = "warning",
		[CHECK_PROBLEM] = "PROBLEM", [CHECK_UNKNOWN] = "unknown",
	};
	static const char *const col[_CHECK_STATUS_MAX] = {
		[CHECK_OK] = "\033[32m", [CHECK_INFO] = "", [CHECK_WARNING] = "\033[33m",
		[CHECK_PROBLEM] = "\033[1;31m", [CHECK_UNKNOWN] = "\033[35m",
	};
	size_t problems = 0, warnings = 0, unknown = 0;
	int k = 0;

	if (*r->user) {
		k |= buf_puts(b, "check for ");
		k |= put_safe(b, r->user);
		if (*r->from) {
			k |= buf_puts(b, " from ");
			k |= put_safe(b, r->from);
		}
		if (*r->key_fingerprint)
			k |= buf_printf(b, ", key %s %s", *r->key_type ? r->key_type : "", r->key_fingerprint);
		k |= buf_printf(b, " (configuration: %s)\n", r->config_source);
	} else
		k |= buf_puts(b, "lock-out check\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct check_item *it = &r->items[i];
		bool details = all || it->status == CHECK_PROBLEM || it->status == CHECK_WARNING ||
			       it->status == CHECK_UNKNOWN || it->status == CHECK_INFO;

		problems += it->status == CHECK_PROBLEM;
		warnings += it->status == CHECK_WARNING;
		unknown += it->status == CHECK_UNKNOWN;
		k |= buf_printf(b, "  %s%s%s  %-23s ", color ? col[it->status] : "", tag[it->status],
				color && *col[it->status] ? "\033[0m" : "", it->topic);
		k |= put_safe(b, it->text);
		if (it->cause != CAUSE_NONE && it->status != CHECK_OK && it->status != CHECK_INFO)
			k |= buf_printf(b, "  [%s]", cause_to_string(it->cause));
		k |= buf_puts(b, "\n");
		if (!details)
			continue;
		for (size_t j = 0; j < it->n_evidence; j++) {
			k |= buf_puts(b, "              | ");
			k |= put_safe(b, it->evidence[j]);
			k |= buf_puts(b, "\n");
		}
		if (it->fix && it->status != CHECK_OK && it->status != CHECK_INFO) {
			k |= buf_puts(b, "              fix: ");
			k |= put_safe(b, it->fix);
			k |= buf_puts(b, "\n");
		}
	}
	if (problems) {
		k |= buf_printf(b, "%sverdict: blocked%s: %zu problem%s would stop this login:", color ? "\033[1;31m" : "",
				color ? "\033[0m" : "", problems, problems == 1 ? "" : "s");
		for (size_t i = 0; i < r->n; i++) {
			bool dup = false;

			if (r->items[i].status != CHECK_PROBLEM || r->items[i].cause == CAUSE_NONE)
				continue;
			for (size_t j = 0; j < i && !dup; j++)
				dup = r->items[j].status == CHECK_PROBLEM && r->items[j].cause == r->items[i].cause;
			if (!dup)
				k |= buf_printf(b, " %s", cause_to_string(r->items[i].cause));
		}
		k |= buf_puts(b, "\n");
	} else
		k |= buf_printf(b, "verdict: nothing found that would block %s (%zu warning%s, %zu unknown)\n",
				*r->user ? "this login" : "these logins", warnings, warnings == 1 ? "" : "s", unknown);
	return k < 0 ? -ENOMEM : 0;
}

static int
run(int argc, char **argv, const struct global_opts *g)
{
	struct check_request rq = { .now = (time_t)(now_usec() / USEC_PER_SEC) };
	_cleanup_(check_report_freep) struct check_report *rep = NULL;
	_cleanup_(freep) char *key_data = NULL, *err = NULL;
	const char *keyfile = NULL;
	bool json = false, all = false, lockout = false;
	struct global_opts gl = *g;
	struct render_opts ro;
	struct buf out;
	int ch, r;

	while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (ch) {
		case 'u':
			rq.user = optarg;
			break;
		case 'k':
			keyfile = optarg;
			break;
		case 'F':
			rq.fingerprint = optarg;
			break;
		case 'f':
			rq.from = optarg;
			break;
		case 'H':
			rq.from_host = optarg;
			break;
		case 's':
			rq.sshd_path = optarg;
			break;
		case 'c':
			rq.config_path = optarg;
			break;
		case 'a': {
			int64_t us;

			if (parse_timespec(optarg, now_usec(), &us) < 0)
				return usage_error("check", "invalid --at '%s'", optarg);
			rq.now = (time_t)(us / USEC_PER_SEC);
			break;
		}
		case 'L':
			lockout = true;
			break;
		case 'J':
			json = true;
			break;
		case 'A':
			all = true;
			break;
		case 'D':
			gl.db_path = optarg;
			break;
		case 'h':
			help();
			return 0;
		default:
			return usage_bad_option("check", ch, argv);
		}
	}
	if (optind < argc)
		return usage_error("check", "unexpected argument");
	if (!lockout && !rq.user)
		return usage_error("check", "give --user U (or --lockout)");
	if (keyfile && rq.fingerprint)
		return usage_error("check", "give --key or --fingerprint, not both");
	if (keyfile) {
		size_t len = 0;

		r = read_full(streq(keyfile, "-") ? "/dev/stdin" : keyfile, KEY_INPUT_MAX, &key_data, &len);
		if (r == -EFBIG) {
			log_error("cannot read '%s': larger than 1 MiB", keyfile);
			return r;
		}
		if (r < 0)
			return log_error_errno(r, "cannot read '%s'", keyfile);
		rq.key_text = key_data;
		rq.key_len = len;
	}
	if (geteuid() != 0)
		log_warning("not running as root: sshd -T, /etc/shadow and other users' files may be out of reach");

	if (lockout) {
		_cleanup_(store_freep) struct store *st = NULL;

		r = command_open_store(&gl, STORE_READONLY, &st);
		if (r < 0)
			return r;
		r = check_lockout(&rq, st, &rep);
		if (r < 0)
			return log_error_errno(r, "cannot check");
	} else {
		r = check_run(&rq, &rep, &err);
		if (r == -EINVAL)
			return usage_error("check", "%s", err ? err : "invalid argument");
		if (r < 0)
			return log_error_errno(r, "cannot check");
	}

	render_opts_from_env(&ro, STDOUT_FILENO);
	buf_init(&out);
	r = json ? render_json(&out, rep) : render_text(&out, rep, ro.color, all);
	if (r >= 0 && out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
		r = -EIO;
	buf_release(&out);
	if (r < 0)
		return log_error_errno(r, "cannot print");
	/* 1 = blocked: a finding, not an error (nothing was logged) */
	return rep->blocked ? 1 : 0;
}

const struct command cmd_check = {
	.name = "check",
	.synopsis = "check --user U [--key FILE | --fingerprint FP] [--from ADDR] | --lockout",
	.summary = "judge this server's side of a login the way sshd would: config, account, keys, modes",
	.run = run,
	.help = help,
};
