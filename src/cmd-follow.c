/* sshwhy follow: the journal or a syslog file, live. Each connection is
 * printed once, when it is complete, and stored. The options and the
 * printing; the engine (signals, checkpoints, store failures) is follow.c. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <unistd.h>

#include "cause.h"
#include "attempt.h"
#include "command.h"
#include "i18n.h"
#include "follow.h"
#include "log.h"
#include "missed.h"
#include "options.h"
#include "progress.h"
#include "render.h"
#include "retention.h"
#include "source.h"
#include "store.h"
#include "timespec.h"
#include "width.h"
#include "util.h"
#include "banned.h"

#define MAX_NAMES 32

enum {
	ARG_NO_CATCH_UP = 0x100,
	ARG_CATCH_UP_OUTPUT,
	ARG_KEEP,
	ARG_COLOR,
};

/* Verdicts printed after a catch-up when no -n is given (journalctl's 10). */
#define DEFAULT_LINES 10
#define MAX_LINES 100000

/* Each option next to its help line. */
static const struct option_help options[] = {
	{ { NULL, 0, NULL, 0 }, "(nothing)",
	  N_("the journal if this machine has one, else /var/log/auth.log or /var/log/secure"), 0 },
	{ { "file", required_argument, NULL, 'f' }, "PATH",
	  N_("follow a syslog file (rotation-proof, like tail -F)"), 0 },
	{ { "directory", required_argument, NULL, 'D' }, "DIR",
	  N_("follow the journal files in DIR (systemd-journal-remote)"), 0 },
	{ { "journal", no_argument, NULL, 'j' }, NULL, N_("follow the local journal"), 0 },
	{ { "json", no_argument, NULL, 'J' }, NULL,
	  N_("one JSON object per attempt (as 'attempts --json'), flushed"), 0 },
	{ { "lines", required_argument, NULL, 'n' }, "N",
	  N_("first start: the backlog goes to the database silently (progress on a terminal), "
	  "then its last N verdicts are printed, oldest first (default 10; 'all': every one)"), 'n' },
	{ { "catch-up-output", no_argument, NULL, ARG_CATCH_UP_OUTPUT }, NULL,
	  N_("print every verdict of the backlog (as -n all)"), 0 },
	{ { "since", required_argument, NULL, 's' }, "TIME",
	  N_("first start: begin at TIME instead of the beginning"), 0 },
	{ { "no-catch-up", no_argument, NULL, ARG_NO_CATCH_UP }, NULL, N_("first start: begin at the end"), 0 },
	{ { "unit", required_argument, NULL, 'u' }, "UNIT",
	  N_("journal: match _SYSTEMD_UNIT=UNIT (repeatable)"), 0 },
	{ { "identifier", required_argument, NULL, 'i' }, "ID",
	  N_("journal: match SYSLOG_IDENTIFIER=ID (repeatable)"), 0 },
	{ { "login-grace-time", required_argument, NULL, 'g' }, "S",
	  N_("sshd's LoginGraceTime (default 120): an unauthenticated connection silent for S+10 s "
	  "is finalised as login-grace-timeout"), 0 },
	{ { "keep", required_argument, NULL, ARG_KEEP }, "DURATION",
	  N_("once a day, delete finished attempts older than DURATION (90d, 12w; as 'sshwhy prune "
	  "--older-than')"), 0 },
	{ { "verbose", no_argument, NULL, 'v' }, NULL,
	  N_("print every line not read as an sshd event on stderr (FILE:LINE: reason: text), and "
	  "their count by reason at exit"), 'v' },
	{ { "utc", no_argument, NULL, 'U' }, NULL, N_("print times in UTC (default: local, with offset)"), 0 },
	{ { "color", required_argument, NULL, ARG_COLOR }, "WHEN",
	  N_("auto (default: on a terminal, unless NO_COLOR is set), always, never"), 0 },
	{ { "help", no_argument, NULL, 'h' }, NULL, N_("show this help"), 'h' },
};

static void
help(void)
{
	fputs(_("Options:\n"), stdout);
	options_print(options, ELEMENTSOF(options));
	help_wrap("", 0, _("A restart continues where the last run stopped (the position is stored with "
		  "the attempts) and prints every verdict since then, as journalctl --cursor-file "
		  "does. SIGTERM/SIGINT: commit and exit; SIGHUP: reopen the source."));
}

/* A verdict of the backlog, rendered, with its time for the order shown. */
struct shown {
	int64_t start_us;
	uint64_t seq;
	char *text;                     /* owned; NULL: empty slot */
};

struct follow {
	struct render_opts ro;
	bool json;
	struct buf out;                 /* verdicts waiting for their commit */
	struct progress progress;
	/* The backlog of a first start: its verdicts go to the ring (the last
	 * n_lines of them), printed when caught up. */
	bool quiet_backlog;
	unsigned n_lines;               /* UINT_MAX: all */
	bool lines_given;               /* -n given */
	struct shown *ring;             /* n_lines entries */
	uint64_t n_backlog;             /* verdicts of the backlog */
	/* for the start line */
	const char *file, *directory;
	char *const *units, *const *idents;
	int64_t since_us;
	bool at_end;
};

/* "ssh.service, sshd-session": the names given, else the default matches. */
static void
names_list(struct buf *b, char *const *v, const char *fallback)
{
	if (!v || !*v) {
		buf_puts(b, fallback);
		return;
	}
	for (size_t i = 0; v[i]; i++)
		buf_printf(b, "%s%s", i ? ", " : "", v[i]);
}

/* log_info() of text (escaped) wrapped to width columns (0: one line),
 * each line with "sshwhy: follow: " in front: a path wider than a line
 * is broken, not cut. */
static void
log_wrapped(int width, const char *text)
{
	size_t lead = strlen(program_name) + 2 + (log_command ? strlen(log_command) + 2 : 0);
	struct buf b;

	buf_init(&b);
	if (width > 0 && (size_t)width > lead + 20 &&
	    text_wrap_hard(&b, text, 0, (size_t)width - lead, 0) >= 0 && b.data) {
		for (char *p = b.data, *nl; p; p = nl ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			log_info("%s", p);
		}
	} else
		log_info("%s", text);
	buf_release(&b);
}

/* Say once what is followed and from where: the saved position a restart
 * resumes from, or where a first start begins. */
static void
on_start(const char *position, void *ud)
{
	struct follow *f = ud;
	struct buf b;
	_cleanup_(freep) char *safe = NULL;

	buf_init(&b);
	if (f->file)
		buf_printf(&b, _("following '%s'"), f->file);
	else {
		if (f->directory)
			buf_printf(&b, _("following the journal files in '%s'"), f->directory);
		else
			buf_puts(&b, _("following the journal"));
		buf_puts(&b, " (");
		if (f->units && *f->units) {
			names_list(&b, f->units, "");
			buf_puts(&b, "; ");
		}
		names_list(&b, f->idents, f->units && *f->units ? "sshd, sshd-session, sshd-auth" :
			   _("ssh.service or sshd.service; sshd, sshd-session, sshd-auth"));
		buf_puts(&b, ")");
	}
	if (position) {
		const char *off = strstr(position, " off=");

		if (f->file && off)
			buf_printf(&b, _(" from byte %llu (saved position)"), strtoull(off + 5, NULL, 10));
		else if (f->file)
			buf_puts(&b, _(" from the saved position"));
		else if (streq(position, SOURCE_POSITION_HOSTS))
			buf_puts(&b, _(" from each host's saved position"));
		else
			buf_printf(&b, _(" from cursor %s (saved position)"), position);
	} else if (f->since_us) {
		char t[64];

		format_iso8601(f->since_us, f->ro.utc, 0, t, sizeof t);
		buf_printf(&b, _(" from %s (--since)"), t);
	} else if (f->at_end)
		buf_puts(&b, _(" from the end (--no-catch-up)"));
	else
		buf_puts(&b, _(" from the start"));
	safe = b.data ? escape_terminal_dup(b.data, b.len) : NULL;
	log_wrapped(f->ro.width, safe ? safe : "?");
	buf_release(&b);
	/* A first start prints only the end of its backlog (from --since: all
	 * of it, unless -n is given); a restart prints every verdict since its
	 * saved position (none was printed yet). */
	f->quiet_backlog = !position && !f->at_end && f->n_lines != UINT_MAX &&
			   (!f->since_us || f->lines_given);
}

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
	struct buf one;
	int r;

	if (!f->quiet_backlog) {
		if (f->json)
			return render_attempt_json(&f->out, a);
		return render_attempt_line(&f->out, a, &f->ro);
	}
	/* the backlog: keep the last n_lines, oldest overwritten */
	f->n_backlog++;
	if (f->n_lines == 0)
		return 0;
	buf_init(&one);
	r = f->json ? render_attempt_json(&one, a) : render_attempt_line(&one, a, &f->ro);
	if (r < 0) {
		buf_release(&one);
		return r;
	}
	{
		struct shown *slot = &f->ring[(f->n_backlog - 1) % f->n_lines];

		free(slot->text);
		*slot = (struct shown){ a->start_us, f->n_backlog, one.data };  /* NUL-terminated */
	}
	return 0;
}

static int
shown_cmp(const void *x, const void *y)
{
	const struct shown *a = x, *b = y;

	if (a->start_us != b->start_us)
		return a->start_us < b->start_us ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The backlog is read: queue its last verdicts (printed after the next
 * commit, oldest first) and print the live ones from now on. */
static void
on_caught_up(void *ud)
{
	struct follow *f = ud;
	uint64_t n;

	if (!f->quiet_backlog)
		return;
	f->quiet_backlog = false;
	n = f->n_backlog < f->n_lines ? f->n_backlog : f->n_lines;
	/* the last n completed, shown oldest first as journalctl does (-n 0:
	 * no ring at all, and qsort() must not be handed its NULL) */
	if (n > 0)
		qsort(f->ring, n, sizeof *f->ring, shown_cmp);
	for (uint64_t i = 0; i < n; i++) {
		if (f->ring[i].text)
			buf_puts(&f->out, f->ring[i].text);
		free(f->ring[i].text);
		f->ring[i].text = NULL;
	}
	if (f->n_backlog > n) {
		char msg[256];

		snprintf(msg, sizeof msg, _("caught up: %llu attempts stored, the last %llu shown"),
			 (unsigned long long)f->n_backlog, (unsigned long long)n);
		log_wrapped(f->ro.width, msg);
	}
}

static void
on_pruned(const struct store_prune_stats *s, void *ud)
{
	struct follow *f = ud;
	char msg[256];

	snprintf(msg, sizeof msg, _("--keep: deleted %lld attempts and %lld unattached lines past the retention "
				    "period"), (long long)s->attempts, (long long)s->orphans);
	log_wrapped(f->ro.width, msg);
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
	bool journal = false, catch_up = true, verbose = g->verbose > 0;
	unsigned login_grace = 120, n_lines = DEFAULT_LINES;
	struct missed_report missed = { .out = stderr };
	int64_t keep_us = 0;
	struct option longopts[ELEMENTSOF(options) + 1];
	int c, r;

	options_getopt(options, ELEMENTSOF(options), longopts);
	while ((c = getopt_long(argc, argv, ":n:vh", longopts, NULL)) != -1) {
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
				return usage_error("follow", _("invalid --since '%s'"), optarg);
			break;
		case ARG_NO_CATCH_UP:
			catch_up = false;
			break;
		case 'n':
			fl.lines_given = true;
			if (streq(optarg, "all"))
				n_lines = UINT_MAX;
			else if (safe_atou(optarg, &n_lines) < 0 || n_lines > MAX_LINES)
				return usage_error("follow", _("invalid --lines '%s' (a number up to %u, or 'all')"),
						   optarg, MAX_LINES);
			break;
		case ARG_CATCH_UP_OUTPUT:
			fl.lines_given = true;
			n_lines = UINT_MAX;
			break;
		case ARG_KEEP:
			if (retention_parse_duration(optarg, &keep_us) < 0)
				return usage_error("follow", _("invalid --keep '%s' (90d, 12w, 36h)"), optarg);
			break;
		case 'v':
			verbose = true;
			break;
		case ARG_COLOR:
			if (render_set_color(optarg) < 0)
				return usage_error("follow", _("invalid --color '%s' (auto, always, never)"), optarg);
			break;
		case 'u':
			if (n_units == MAX_NAMES)
				return usage_error("follow", _("too many --unit"));
			units[n_units++] = optarg;
			break;
		case 'i':
			if (n_idents == MAX_NAMES)
				return usage_error("follow", _("too many --identifier"));
			idents[n_idents++] = optarg;
			break;
		case 'g':
			if (safe_atou(optarg, &login_grace) < 0 || login_grace > 86400)
				return usage_error("follow", _("invalid --login-grace-time '%s'"), optarg);
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
		return usage_error("follow", _("unexpected argument '%s'"), argv[optind]);
	if (file && journal)
		return usage_error("follow", _("--file and --journal/--directory cannot be combined"));
	if (!file && !journal) {
		r = source_default(&file);
		if (r > 0)
			journal = true;
		else if (r < 0) {
			log_error(_("no journal and no /var/log/auth.log or /var/log/secure here; "
				  "give --file or --directory"));
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
	/* A mistyped path waits (as tail -F does), but not in silence; what
	 * is followed, and from where, is said by on_start(). */
	if (file && access(file, F_OK) < 0 && errno == ENOENT)
		log_warning(_("'%s' does not exist (yet); waiting for it to appear"), file);
	fl.n_lines = n_lines;
	if (n_lines != UINT_MAX && n_lines > 0) {
		fl.ring = calloc(n_lines, sizeof *fl.ring);
		if (!fl.ring)
			return log_oom();
	}
	fl.file = file;
	fl.directory = directory;
	fl.units = fc.source.units;
	fl.idents = fc.source.identifiers;
	fl.since_us = fc.source.since_us;
	fl.at_end = fc.source.at_end;
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
	fc.start = on_start;
	fc.caught_up = on_caught_up;
	fc.keep_us = keep_us;
	fc.pruned = on_pruned;
	if (verbose) {
		_cleanup_(freep) char *label = escape_terminal_dup(file ? file : directory ? directory : "journal",
								 strlen(file ? file : directory ? directory : "journal"));

		missed.input = label ? TAKE_PTR(label) : NULL;
		fc.missed = &missed;
	}
	fl.progress = (struct progress){ .enabled = isatty(STDERR_FILENO), .final_note = N_(", following") };
	fc.userdata = &fl;
	r = follow_run(&fc, &err);
	if (r < 0 && err)
		log_error("%s", err);
	else if (r < 0)
		log_error_errno(r, _("follow failed"));
	if (fc.missed) {
		missed_report_print_summary(&missed, stderr);
		free((char *)missed.input);
	}
	store_free(fc.store);
	buf_release(&fl.out);
	if (fl.ring)
		for (unsigned i = 0; i < n_lines; i++)
			free(fl.ring[i].text);
	free(fl.ring);
	return r;
}

const struct command cmd_follow = {
	.name = "follow",
	.synopsis = "follow [--file PATH | --directory DIR | --journal] [--json] [-n N] [--since T | --no-catch-up]",
	.summary = N_("follow the journal or auth.log and explain each connection as it completes"),
	.run = run,
	.help = help,
};
