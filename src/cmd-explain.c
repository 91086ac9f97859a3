/* sshwhy explain: a partner's ssh -v output (or their key) against this
 * server's stored attempts: which attempt it was, why it failed, and on which
 * side the fix lies. */
#include "config.h"

#include <getopt.h>
#include <unistd.h>

#include "client-parse.h"
#include "command.h"
#include "explain.h"
#include "follow.h"
#include "log.h"
#include "render.h"
#include "store.h"
#include "timespec.h"
#include "util.h"
#include "banned.h"

#define INPUT_MAX (16u * 1024 * 1024)

static const struct option options[] = {
	{ "key",         required_argument, NULL, 'k' },  /* a public key file (or ssh-keygen -l output) */
	{ "fingerprint", required_argument, NULL, 'F' },  /* SHA256:... (repeatable) */
	{ "user",        required_argument, NULL, 'u' },  /* the login name, when the log does not say */
	{ "around",      required_argument, NULL, 'a' },  /* when the partner tried */
	{ "window",      required_argument, NULL, 'w' },  /* minutes of clock skew allowed (30) */
	{ "from",        required_argument, NULL, 'f' },  /* the partner's public address */
	{ "host-keys",   required_argument, NULL, 'H' },  /* this server's host keys (/etc/ssh) */
	{ "json",        no_argument,       NULL, 'J' },
	{ "no-update",   no_argument,       NULL, 'N' },  /* do not read new log lines first */
	{ "no-check",    no_argument,       NULL, 'C' },  /* do not consult this server's files */
	{ "sshd",        required_argument, NULL, 's' },  /* for check: the sshd binary */
	{ "config",      required_argument, NULL, 'c' },  /* for check: sshd_config */
	{ "help",        no_argument,       NULL, 'h' },
	{ 0 }
};

static void
help(void)
{
	printf("Options:\n"
	       "  FILE | -             a pasted ssh -v/-vv/-vvv log (CRLF, UTF-16, prose around it: fine)\n"
	       "  --key FILE           the partner's public key (.pub, authorized_keys line, ssh-keygen -l)\n"
	       "  --fingerprint FP     the partner's key fingerprint (repeatable)\n"
	       "  --user U             the login name, when the log does not show it\n"
	       "  --around TIME        when the partner tried (e.g. '2026-11-22 10:02', '-1h')\n"
	       "  --window N           clock skew allowed around --around: minutes, or 90s, 5m, 2h\n"
	       "                       (default 30m; the tighter, the more the time decides)\n"
	       "  --from ADDR          the partner's public address\n"
	       "  --host-keys DIR      this server's ssh_host_*_key.pub (default /etc/ssh)\n"
	       "  --json               one JSON object: client, matches, cause, side, fix, evidence\n"
	       "  --no-update          do not read this machine's new sshd log lines first\n"
	       "  --no-check           do not consult this server's files (sshwhy check) when the\n"
	       "                       logs leave the cause ambiguous\n"
	       "  --sshd PATH, --config FILE   the sshd binary and configuration check uses\n"
	       "The attempts come from the database. First, new lines of this machine's journal (or\n"
	       "auth.log) since follow last stopped are read, so a fresh attempt is not missed.\n");
}

static int
run(int argc, char **argv, const struct global_opts *g)
{
	struct explain_options eo = { .server_facts = true };
	const char *keyfile = NULL;
	char *fps[16];
	size_t n_fps = 0;
	bool json = false, update = true;
	const char *user = NULL;
	_cleanup_(freep) struct client_report *c = calloc(1, sizeof *c);
	_cleanup_(store_freep) struct store *st = NULL;
	struct explain_result res;
	struct render_opts ro;
	struct buf out;
	unsigned minutes;
	int ch, r;

	if (!c)
		return log_error_errno(-ENOMEM, "out of memory");
	while ((ch = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (ch) {
		case 'k':
			keyfile = optarg;
			break;
		case 'F':
			if (n_fps == ELEMENTSOF(fps))
				return usage_error("explain", "too many --fingerprint");
			fps[n_fps++] = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'a':
			if (parse_timespec(optarg, now_usec(), &eo.around_us) < 0)
				return usage_error("explain", "invalid --around '%s'", optarg);
			break;
		case 'w': {
			/* minutes, or with a unit: 90s, 5m, 2h */
			char num[16];
			size_t l = strlen(optarg);
			int64_t unit = 60;

			if (l > 1 && strchr("smh", optarg[l - 1])) {
				unit = optarg[l - 1] == 's' ? 1 : optarg[l - 1] == 'm' ? 60 : 3600;
				l--;
			}
			strlcpy_n(num, sizeof num, optarg, l);
			if (l >= sizeof num || safe_atou(num, &minutes) < 0 || minutes == 0 ||
			    (int64_t)minutes * unit > 7 * 24 * 3600)
				return usage_error("explain", "invalid --window '%s'", optarg);
			eo.window_us = (int64_t)minutes * unit * USEC_PER_SEC;
			break;
		}
		case 'f':
			eo.from = optarg;
			break;
		case 'H':
			eo.host_keys_dir = optarg;
			break;
		case 'J':
			json = true;
			break;
		case 'N':
			update = false;
			break;
		case 'C':
			eo.server_facts = false;
			break;
		case 's':
			eo.sshd_path = optarg;
			break;
		case 'c':
			eo.config_path = optarg;
			break;
		case 'h':
			help();
			return 0;
		default:
			return usage_error("explain", "invalid option");
		}
	}
	if (optind + 1 < argc)
		return usage_error("explain", "one client log at a time");
	if (optind == argc && !keyfile && !n_fps)
		return usage_error("explain", "give a client log (FILE or -), --key or --fingerprint");

	if (optind < argc) {
		_cleanup_(freep) char *data = NULL;
		_cleanup_(freep) char *safe = escape_terminal_dup(argv[optind], strlen(argv[optind]));
		size_t len = 0;

		r = read_full(argv[optind], INPUT_MAX, &data, &len);
		if (r < 0)
			return log_error_errno(r, "cannot read '%s': %s", safe ? safe : "?",
					       r == -EFBIG ? "larger than 16 MiB" : strerror(-r));
		r = client_parse(data, len, c);
		if (r < 0)
			return log_error_errno(r, "cannot parse '%s': %s", safe ? safe : "?", strerror(-r));
		if (r == 0 && client_parse_keys(data, len, c) <= 0) {
			log_error("'%s' does not look like ssh client output (ssh -v) nor public keys",
				  safe ? safe : "?");
			return -EINVAL;
		}
	}
	if (keyfile) {
		_cleanup_(freep) char *data = NULL;
		_cleanup_(freep) char *safe = escape_terminal_dup(keyfile, strlen(keyfile));
		size_t len = 0;

		r = read_full(keyfile, INPUT_MAX, &data, &len);
		if (r < 0)
			return log_error_errno(r, "cannot read '%s': %s", safe ? safe : "?", strerror(-r));
		if (client_parse_keys(data, len, c) <= 0) {
			log_error("no public key or fingerprint in '%s'", safe ? safe : "?");
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < n_fps; i++)
		if (client_parse_keys(fps[i], strlen(fps[i]), c) <= 0)
			return usage_error("explain", "invalid --fingerprint '%s'", fps[i]);
	if (user)
		strlcpy_n(c->user, sizeof c->user, user, strlen(user));

	if (update) {
		r = follow_update_default(g->db_path);
		if (r < 0)
			log_warning("cannot read this machine's new sshd log lines first (%s), ignoring",
				    strerror(-r));
	}
	r = command_open_store(g, STORE_READONLY, &st);
	if (r < 0)
		return r;
	r = explain_run(st, c, &eo, &res);
	if (r < 0)
		return log_error_errno(r, "cannot explain: %s", strerror(-r));
	render_opts_from_env(&ro, STDOUT_FILENO);
	buf_init(&out);
	r = json ? explain_render_json(&out, c, &res) : explain_render_text(&out, c, &res, ro.color);
	if (r >= 0 && out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
		r = -EIO;
	buf_release(&out);
	explain_result_release(&res);
	return r < 0 ? log_error_errno(r, "cannot print: %s", strerror(-r)) : 0;
}

const struct command cmd_explain = {
	.name = "explain",
	.synopsis = "explain [OPTIONS] CLIENT-LOG | --key FILE | --fingerprint FP",
	.summary = "match a partner's ssh -v output or key to this server's attempts and say why",
	.run = run,
	.help = help,
};
