/* sshwhy follow: the journal or a syslog file, live. Each connection is
 * printed once, when it is complete, and stored. The options and the
 * printing; the engine (signals, checkpoints, store failures) is follow.c. */
#include "config.h"

#include <getopt.h>
#include <unistd.h>

#include "cause.h"
#include "command.h"
#include "follow.h"
#include "log.h"
#include "options.h"
#include "progress.h"
#include "render.h"
#include "source.h"
#include "store.h"
#include "timespec.h"
#include "util.h"
#include "banned.h"

#define MAX_NAMES 32

/* Each option next to its help line. */
static const struct option_help options[] = {
	{ { NULL, 0, NULL, 0 }, "(nothing)",
	  "the journal if this machine has one, else /var/log/auth.log or /var/log/secure", 0 },
	{ { "file", required_argument, NULL, 'f' }, "PATH",
	  "follow a syslog file (rotation-proof, like tail -F)", 0 },
	{ { "directory", required_argument, NULL, 'D' }, "DIR",
	  "follow the journal files in DIR (systemd-journal-remote)", 0 },
	{ { "journal", no_argument, NULL, 'j' }, NULL, "follow the local journal", 0 },
	{ { "json", no_argument, NULL, 'J' }, NULL,
	  "one JSON object per attempt (as 'attempts --json'), flushed", 0 },
	{ { "since", required_argument, NULL, 's' }, "TIME",
	  "first start: begin at TIME instead of the beginning", 0 },
	{ { "no-catch-up", no_argument, NULL, 'n' }, NULL, "first start: begin at the end", 0 },
	{ { "unit", required_argument, NULL, 'u' }, "UNIT",
	  "journal: match _SYSTEMD_UNIT=UNIT (repeatable)", 0 },
	{ { "identifier", required_argument, NULL, 'i' }, "ID",
	  "journal: match SYSLOG_IDENTIFIER=ID (repeatable)", 0 },
	{ { "login-grace-time", required_argument, NULL, 'g' }, "S",
	  "sshd's LoginGraceTime (default 120): an unauthenticated connection silent for S+10 s "
	  "is finalised as login-grace-timeout", 0 },
	{ { "utc", no_argument, NULL, 'U' }, NULL, "print times in UTC", 0 },
	{ { "help", no_argument, NULL, 'h' }, NULL, "show this help", 'h' },
};

static void
help(void)
{
	printf("Options:\n");
	options_print(options, ELEMENTSOF(options));
	help_wrap("", 0, "A restart continues where the last run stopped (the position is stored with "
		  "the attempts). SIGTERM/SIGINT: commit and exit; SIGHUP: reopen the source.");
}

struct follow {
	struct render_opts ro;
	bool json;
	struct buf out;                 /* verdicts waiting for their commit */
	struct progress progress;
};

static void
on_warning(const char *msg, void *ud)
{
	(void)ud;
	log_warning("%s", msg);
}

static void
on_progress(const struct progress_report *r, void *ud)
{
	struct follow *f = ud;

	progress_draw(&f->progress, r);
}

static int
on_verdict(const struct attempt *a, void *ud)
{
	struct follow *f = ud;

	if (f->json)
		return render_attempt_json(&f->out, a);
	return render_attempt_line(&f->out, a, &f->ro);
}

/* Print what the last commit made durable. */
static int
flush_out(void *ud)
{
	struct follow *f = ud;

	if (f->out.len == 0)
		return 0;
	if (fwrite(f->out.data, 1, f->out.len, stdout) != f->out.len || fflush(stdout) != 0) {
		buf_clear(&f->out);
		return -errno;
	}
	buf_clear(&f->out);
	return 0;
}

static int
run(int argc, char **argv, const struct global_opts *g)
{
	struct follow_config fc = { 0 };
	_cleanup_(freep) char *err = NULL;
	struct follow fl = { 0 };
	const char *file = NULL, *directory = NULL;
	char *units[MAX_NAMES + 1] = { 0 }, *idents[MAX_NAMES + 1] = { 0 };
	size_t n_units = 0, n_idents = 0;
	bool journal = false, catch_up = true;
	unsigned login_grace = 120;
	struct option longopts[ELEMENTSOF(options) + 1];
	int c, r;

	options_getopt(options, ELEMENTSOF(options), longopts);
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case 'D':
			directory = optarg;
			journal = true;
			break;
		case 'j':
			journal = true;
			break;
		case 'J':
			fl.json = true;
			cause_texts_english(true);     /* JSON: texts in English whatever LANG */
			break;
		case 's':
			if (parse_timespec(optarg, now_usec(), &fc.source.since_us) < 0)
				return usage_error("follow", "invalid --since '%s'", optarg);
			break;
		case 'n':
			catch_up = false;
			break;
		case 'u':
			if (n_units == MAX_NAMES)
				return usage_error("follow", "too many --unit");
			units[n_units++] = optarg;
			break;
		case 'i':
			if (n_idents == MAX_NAMES)
				return usage_error("follow", "too many --identifier");
			idents[n_idents++] = optarg;
			break;
		case 'g':
			if (safe_atou(optarg, &login_grace) < 0 || login_grace > 86400)
				return usage_error("follow", "invalid --login-grace-time '%s'", optarg);
			break;
		case 'U':
			fl.ro.utc = true;
			break;
		case 'h':
			command_help(&cmd_follow);
			return 0;
		default:
			return usage_bad_option("follow", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("follow", "unexpected argument '%s'", argv[optind]);
	if (file && journal)
		return usage_error("follow", "--file and --journal/--directory cannot be combined");
	if (!file && !journal) {
		r = source_default(&file);
		if (r > 0)
			journal = true;
		else if (r < 0) {
			log_error("no journal and no /var/log/auth.log or /var/log/secure here; "
				  "give --file or --directory");
			return -ENOENT;
		}
	}
	fc.source.units = n_units ? units : NULL;
	fc.source.identifiers = n_idents ? idents : NULL;
	fc.source.at_end = !catch_up && !fc.source.since_us;

	{
		bool utc = fl.ro.utc;

		render_opts_from_env(&fl.ro, STDOUT_FILENO);
		fl.ro.utc = utc;
	}
	/* Say once what is followed: a mistyped path waits (as tail -F does),
	 * but not in silence. */
	if (file && access(file, F_OK) < 0 && errno == ENOENT)
		log_warning("'%s' does not exist (yet); waiting for it to appear", file);
	if (file)
		log_info("following '%s'", file);
	else if (directory)
		log_info("following the journal files in '%s'", directory);
	else
		log_info("following the journal");
	r = command_open_store(g, STORE_CREATE, &fc.store);
	if (r < 0)
		return r;
	buf_init(&fl.out);
	fc.db_path = g->db_path;
	fc.file = file;
	fc.directory = directory;
	fc.login_grace = login_grace;
	fc.verdict = on_verdict;
	fc.flush = flush_out;
	fc.progress = on_progress;
	fc.warning = on_warning;
	fl.progress = (struct progress){ .enabled = isatty(STDERR_FILENO), .final_note = ", following" };
	fc.userdata = &fl;
	r = follow_run(&fc, &err);
	if (r < 0 && err)
		log_error("%s", err);
	else if (r < 0)
		log_error_errno(r, "follow failed");
	store_free(fc.store);
	buf_release(&fl.out);
	return r;
}

const struct command cmd_follow = {
	.name = "follow",
	.synopsis = "follow [--file PATH | --directory DIR | --journal] [--json] [--since T | --no-catch-up]",
	.summary = "follow the journal or auth.log and explain each connection as it completes",
	.run = run,
	.help = help,
};
