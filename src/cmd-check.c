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
#include "render-check.h"
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
	r = json ? render_check_json(&out, rep) : render_check_text(&out, rep, ro.color, all);
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
