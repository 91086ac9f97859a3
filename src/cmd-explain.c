/* sshwhy explain: a partner's ssh -v output (or their key) against this
 * server's stored attempts: which attempt it was, why it failed, and on which
 * side the fix lies. */
#include "config.h"

#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cause.h"
#include "client-parse.h"
#include "command.h"
#include "explain-server.h"
#include "explain.h"
#include "follow.h"
#include "i18n.h"
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
	{ "window",      required_argument, NULL, 'w' },  /* the furthest from --around (30 min) */
	{ "from",        required_argument, NULL, 'f' },  /* the partner's public address */
	{ "host-keys",   required_argument, NULL, 'H' },  /* the server's host keys (sshd -T's) */
	{ "json",        no_argument,       NULL, 'J' },
	{ "no-update",   no_argument,       NULL, 'N' },  /* do not read new log lines first */
	{ "no-check",    no_argument,       NULL, 'C' },  /* do not consult this server's files */
	{ "sshd",        required_argument, NULL, 's' },  /* for check: the sshd binary */
	{ "config",      required_argument, NULL, 'c' },  /* for check: sshd_config */
	{ "help",        no_argument,       NULL, 'h' },
	{ 0 }
};

/* What an --around text stands for: a time to the microsecond ("10:02:17.25",
 * an epoch), to the second ("10:02:17"), the minute ("10:02", "-5m"), or
 * the day ("2026-11-22"). The interval [t, t + precision] is the partner's
 * time; a coarse one lets time tie more attempts (match.c). */
static int64_t
around_precision(const char *s)
{
	const char *colon = NULL;
	bool digits = *s != '\0';

	for (const char *p = s; *p; p++) {
		if (*p == ':' && p > s && p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' && p[1] <= '9')
			colon = colon ? colon : p;
		if (!(*p >= '0' && *p <= '9') && *p != '@')
			digits = false;
	}
	if (digits)
		return USEC_PER_SEC;            /* epoch seconds */
	if (colon) {
		const char *sec = strchr(colon + 1, ':');

		if (!sec || !(sec[1] >= '0' && sec[1] <= '9'))
			return 60 * USEC_PER_SEC;
		return sec[3] == '.' || sec[3] == ',' ? 0 : USEC_PER_SEC;
	}
	if (strchr(s, '-') && s[0] >= '0' && s[0] <= '9')
		return 24 * 3600 * USEC_PER_SEC;        /* a date alone */
	return 60 * USEC_PER_SEC;               /* relative ("-5m", "yesterday"): a person's guess */
}

/* What a pasted input is when it is not what explain reads: client-parse.c
 * classifies it (enum client_input_kind); explain refuses a private key
 * even inside a client log (the partner must replace it), and a paste whose
 * sshd lines outnumber the client's is a server log (a DEBUG server log
 * holds "debug1:" lines a client's could too). */
enum input_kind {
	INPUT_OK,
	INPUT_EMPTY,
	INPUT_BINARY,
	INPUT_PRIVATE_KEY,
	INPUT_SERVER_LOG,
	INPUT_KNOWN_HOSTS,
};

static enum input_kind
input_kind(const struct client_report *c)
{
	if (c->has_private_key)
		return INPUT_PRIVATE_KEY;
	if (c->input_kind == CIK_SERVER_LOG || (c->n_server_lines && c->n_server_lines >= c->n_recognised))
		return INPUT_SERVER_LOG;
	switch (c->input_kind) {
	case CIK_EMPTY:
		return INPUT_EMPTY;
	case CIK_BINARY:
		return INPUT_BINARY;
	case CIK_KNOWN_HOSTS:
		return INPUT_KNOWN_HOSTS;
	default:
		return INPUT_OK;
	}
}

/* A raw TCP session (nc, telnet, a health check) that got the server's
 * banner and never spoke SSH: "Connection to HOST PORT port [tcp/ssh]
 * succeeded!" / "Connected to HOST." then "SSH-2.0-OpenSSH_9.2p1 ...". Fills
 * the server's version, target and port; 1 when it is one. */
static int
raw_tcp_session(const char *data, size_t len, struct client_report *c)
{
	unsigned n = 0;

	for (const char *p = data, *end = data + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[512], host[256];
		unsigned port;

		strlcpy_n(line, sizeof line, p, l);
		line[strcspn(line, "\r")] = '\0';
		if (startswith(line, "SSH-2.0-") || startswith(line, "SSH-1.99-")) {
			strlcpy_n(c->server_version, sizeof c->server_version, strchr(line + 4, '-') + 1,
				  strlen(strchr(line + 4, '-') + 1));
			n++;
		} else if (sscanf(line, "Connection to %255s %u port", host, &port) == 2 && port < 65536) {
			strlcpy_n(c->addr, sizeof c->addr, host, strlen(host));
			c->port = (uint16_t)port;
			n++;
		} else if (sscanf(line, "Connected to %255[^. ]", host) == 1) {
			n++;
		}
		p += l + 1;
	}
	if (!c->server_version[0])
		return 0;
	c->n_recognised = n;
	c->n_lines = n;
	return 1;
}

struct paste_out {
	bool json;
	struct render_opts ro;
	struct buf b;
	size_t n;
};

static int
on_paste_attempt(const struct attempt *a, void *ud)
{
	struct paste_out *o = ud;
	int r;

	if (o->json) {
		buf_clear(&o->b);
		r = render_attempt_json(&o->b, a);
		if (r >= 0 && fwrite(o->b.data, 1, o->b.len, stdout) != o->b.len)
			r = -EIO;
	} else {
		if (o->n)
			putchar('\n');
		r = render_attempt_detail(stdout, a, &o->ro);
	}
	o->n++;
	return r;
}

/* sshd lines pasted instead of a client log: each connection they show,
 * explained on its own (explain-server.c). Returns the number of attempts
 * shown (0: the paste held no sshd line), -E2BIG for a whole log, or a
 * negative errno (logged). */
static int
explain_server_paste(const char *data, size_t len, bool json, const char *what)
{
	struct paste_out o = { .json = json };
	struct explain_server_stats ss;
	_cleanup_(freep) char *err = NULL;
	int r;

	render_opts_from_env(&o.ro, STDOUT_FILENO);
	buf_init(&o.b);
	r = explain_server_lines(data, len, on_paste_attempt, &o, &ss, &err);
	buf_release(&o.b);
	if (r == -E2BIG && ss.sshd_lines == 0)
		return 0;       /* too long to be a paste of a few lines: not read */
	if (r == -E2BIG || r == 0)
		return r;
	if (r < 0)
		return log_error_errno(r, _("cannot read the sshd lines of '%s'%s%s"), what, err ? ": " : "",
				       err ? err : "");
	/* on stderr: stdout is the verdicts (or JSON) */
	log_info(_("'%s' holds sshd's own lines, not a client's: %zu read on their own (nothing stored)%s; "
		   "to match them with the rest of their connection, store the log with 'sshwhy ingest' and "
		   "explain the partner's ssh -vvv output"), what, ss.sshd_lines,
		 ss.bare ? _("; lines without a header have no time or process: times shown are now") : "");
	return r;
}

/* Say what the input is and what to give instead; -EINVAL (exit 1). */
static int
input_refused(enum input_kind k, const char *what)
{
	switch (k) {
	case INPUT_EMPTY:
		log_error(_("'%s' is empty: give the output of ssh -vvv USER@HOST (or the partner's .pub key)"), what);
		break;
	case INPUT_BINARY:
		log_error(_("'%s' is binary data: it does not look like ssh client output (give ssh -vvv "
			    "USER@HOST's output as text)"),
			  what);
		break;
	case INPUT_PRIVATE_KEY:
		log_error(_("'%s' holds a PRIVATE key: not read further, not shown, not stored; the partner "
			    "should treat it as exposed (make a new key) and send the .pub file or ssh -vvv output "
			    "instead"), what);
		break;
	case INPUT_SERVER_LOG:
		log_error(_("'%s' is sshd's log (server lines), not a client's: store it with 'sshwhy ingest "
			    "FILE' and explain the partner's ssh -vvv output against it"), what);
		break;
	case INPUT_KNOWN_HOSTS:
		log_error(_("'%s' is a known_hosts file (the client's list of server host keys): give the "
			    "output of ssh -vvv USER@HOST, or the partner's own .pub key"), what);
		break;
	default:
		return 0;
	}
	return -EINVAL;
}

static void
help(void)
{
	fputs(_("Options:\n"
		"  FILE | -             a pasted ssh -v/-vv/-vvv log (CRLF, UTF-16, prose\n"
		"                       around it: fine)\n"
		"  --key FILE           the partner's public key (.pub, authorized_keys line,\n"
		"                       ssh-keygen -l)\n"
		"  --fingerprint FP     the partner's key fingerprint (repeatable)\n"
		"  --user U             the login name, when the log does not show it\n"), stdout);
	fputs(_("  --around TIME        when the partner tried (e.g. '2026-11-22 10:02:17',\n"
		"                       '2026-11-22 10:02', '-1h'); as precise as written: to\n"
		"                       the second the nearest attempt wins, to the minute\n"
		"                       attempts within 2 minutes of it tie (said as ambiguous)\n"
		"  --window N           the furthest an attempt may be from --around: minutes,\n"
		"                       or 90s, 5m, 2h (default 30m)\n"
		"  --from ADDR          the partner's public address (attempts from elsewhere\n"
		"                       are not theirs)\n"), stdout);
	fputs(_("  --host-keys DIR      the server's ssh_host_*_key.pub, for attempts of every\n"
		"                       host (default: this machine's, as sshd -T lists them,\n"
		"                       for its own attempts)\n"
		"  --json               one JSON object: client, matches, ambiguous,\n"
		"                       alternatives, rule, cause, candidates, side, fix,\n"
		"                       decide, evidence (texts in English)\n"
		"  --no-update          do not read this machine's new sshd log lines first\n"
		"  --no-check           do not consult this server's files (sshwhy check) when\n"
		"                       the logs leave the cause ambiguous\n"
		"  --sshd PATH, --config FILE\n"
		"                       the sshd binary and configuration check uses\n"), stdout);
	fputs(_("The attempts come from the database. First, new lines of this machine's\n"
		"journal (or auth.log) since follow last stopped are read, so a fresh attempt\n"
		"is not missed.\n"), stdout);
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
		return log_error_errno(-ENOMEM, _("out of memory"));
	while ((ch = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (ch) {
		case 'k':
			keyfile = optarg;
			break;
		case 'F':
			if (n_fps == ELEMENTSOF(fps))
				return usage_error("explain", _("too many --fingerprint"));
			fps[n_fps++] = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'a':
			if (parse_timespec(optarg, now_usec(), &eo.around_us) < 0)
				return usage_error("explain", _("invalid --around '%s'"), optarg);
			eo.around_precision_us = around_precision(optarg);
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
				return usage_error("explain", _("invalid --window '%s'"), optarg);
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
			cause_texts_english(true);     /* JSON is for machines: the same under any LANG */
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
			command_help(&cmd_explain);
			return 0;
		default:
			return usage_error("explain", _("invalid option"));
		}
	}
	if (optind + 1 < argc)
		return usage_error("explain", _("one client log at a time"));
	if (optind == argc && !keyfile && !n_fps)
		return usage_error("explain", _("give a client log (FILE or -), --key or --fingerprint"));

	if (optind < argc) {
		_cleanup_(freep) char *data = NULL;
		_cleanup_(freep) char *safe = escape_terminal_dup(argv[optind], strlen(argv[optind]));
		size_t len = 0;

		r = read_full(argv[optind], INPUT_MAX, &data, &len);
		if (r < 0)
			return log_error_errno(r, _("cannot read '%s': %s"), safe ? safe : "?",
					       r == -EFBIG ? _("larger than 16 MiB") : strerror(-r));
		/* client_parse() skips a private key block and copies none of it */
		r = client_parse(data, len, c);
		if (r < 0)
			return log_error_errno(r, _("cannot parse '%s': %s"), safe ? safe : "?", strerror(-r));
		if (input_kind(c) == INPUT_SERVER_LOG || (r == 0 && c->input_kind != CIK_PRIVATE_KEY &&
							  c->input_kind != CIK_BINARY)) {
			/* sshd's own lines (with or without their header): a few are
			 * explained on their own; a whole log belongs in the database */
			int k = explain_server_paste(data, len, json, safe ? safe : "?");

			if (k == -E2BIG || (k == 0 && input_kind(c) == INPUT_SERVER_LOG))
				return input_refused(INPUT_SERVER_LOG, safe ? safe : "?");
			if (k != 0)
				return k > 0 ? 0 : k;
		}
		if (input_refused(input_kind(c), safe ? safe : "?") < 0)
			return -EINVAL;
		if (r == 0 && raw_tcp_session(data, len, c) <= 0 && client_parse_keys(data, len, c) <= 0) {
			log_error(_("'%s' does not look like ssh client output (ssh -v) nor public keys"),
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
			return log_error_errno(r, _("cannot read '%s': %s"), safe ? safe : "?", strerror(-r));
		{
			/* what the file is, from a scratch report: keys go into c below */
			_cleanup_(freep) struct client_report *k = calloc(1, sizeof *k);

			if (!k)
				return log_oom();
			r = client_parse(data, len, k);
			if (r < 0)
				return log_error_errno(r, _("cannot parse '%s'"), safe ? safe : "?");
			if (input_refused(input_kind(k), safe ? safe : "?") < 0)
				return -EINVAL;
		}
		if (client_parse_keys(data, len, c) <= 0) {
			log_error(_("no public key or fingerprint in '%s'"), safe ? safe : "?");
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < n_fps; i++)
		if (client_parse_keys(fps[i], strlen(fps[i]), c) <= 0)
			return usage_error("explain", _("invalid --fingerprint '%s'"), fps[i]);
	if (user)
		strlcpy_n(c->user, sizeof c->user, user, strlen(user));

	if (update) {
		r = follow_update_default(g->db_path);
		if (r < 0)
			log_warning(_("cannot read this machine's new sshd log lines first (%s), ignoring"),
				    strerror(-r));
	}
	r = command_open_store(g, STORE_READONLY, &st);
	if (r < 0)
		return r;
	r = explain_run(st, c, &eo, &res);
	if (r < 0)
		return log_error_errno(r, _("cannot explain: %s"), strerror(-r));
	render_opts_from_env(&ro, STDOUT_FILENO);
	buf_init(&out);
	r = json ? explain_render_json(&out, c, &res)
		 : explain_render_text(&out, c, &res, ro.color, g->verbose, ro.width > 0 ? (size_t)ro.width : 0);
	if (r >= 0 && out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
		r = -EIO;
	buf_release(&out);
	explain_result_release(&res);
	return r < 0 ? log_error_errno(r, _("cannot print: %s"), strerror(-r)) : 0;
}

const struct command cmd_explain = {
	.name = "explain",
	.synopsis = "explain [OPTIONS] CLIENT-LOG | --key FILE | --fingerprint FP",
	.summary = N_("match a partner's ssh -v output or key to this server's attempts and say why"),
	.run = run,
	.help = help,
};
