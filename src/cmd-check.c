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
#include "options.h"
#include "render.h"
#include "render-check.h"
#include "server-check.h"
#include "store.h"
#include "timespec.h"
#include "util.h"
#include "banned.h"

#define KEY_INPUT_MAX (1024u * 1024)

/* Each option next to its help line. */
static const struct option_help options[] = {
	{ { "user", required_argument, NULL, 'u' }, "U", "the login name to check", 0 },
	{ { "key", required_argument, NULL, 'k' }, "FILE|-",
	  "the partner's public key or certificate (.pub, an authorized_keys line, ssh-keygen -l "
	  "output)", 0 },
	{ { "fingerprint", required_argument, NULL, 'F' }, "FP",
	  "the partner's key fingerprint (SHA256:...)", 0 },
	{ { "from", required_argument, NULL, 'f' }, "ADDR",
	  "the partner's address (AllowUsers user@host, from=, Match Address)", 0 },
	{ { "from-host", required_argument, NULL, 'H' }, "NAME",
	  "the partner's host name, for host name patterns", 0 },
	{ { "sshd", required_argument, NULL, 's' }, "PATH",
	  "the sshd binary for 'sshd -T' (default /usr/sbin/sshd)", 0 },
	{ { "config", required_argument, NULL, 'c' }, "FILE",
	  "the sshd configuration (default /etc/ssh/sshd_config)", 0 },
	{ { "at", required_argument, NULL, 'a' }, "TIME", "judge expiry times at TIME instead of now", 0 },
	{ { "lockout", no_argument, NULL, 'L' }, NULL,
	  "who would be locked out if password logins were turned off (users seen logging in by "
	  "password in the database)", 0 },
	{ { "db", required_argument, NULL, 'D' }, "FILE",
	  "the database --lockout reads (same as sshwhy --db FILE)", 0 },
	{ { "all", no_argument, NULL, 'A' }, NULL, "show the evidence of passing items too", 0 },
	{ { "json", no_argument, NULL, 'J' }, NULL,
	  "one JSON object: items with status, topic, cause, text, fix, evidence", 0 },
	{ { "help", no_argument, NULL, 'h' }, NULL, "show this help", 'h' },
};

static void
help(void)
{
	printf("Options:\n");
	options_print(options, ELEMENTSOF(options));
	help_wrap("", 0, "Run as root: sshd -T, /etc/shadow and other users' files need it; otherwise "
		  "sshwhy reads what it can and marks the rest as unknown.\n"
		  "Exit status: 0 nothing would block the login, 1 something would (or an error), 2 usage.");
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
	struct option longopts[ELEMENTSOF(options) + 1];
	int ch, r;

	options_getopt(options, ELEMENTSOF(options), longopts);
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
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
			command_help(&cmd_check);
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
