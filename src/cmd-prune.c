/* sshwhy prune --older-than DURATION: retention. Deletes closed attempts and
 * orphan lines older than the cut (store_prune(): open attempts and the
 * source positions a follow resumes from are kept), optionally VACUUMs. */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "i18n.h"
#include "log.h"
#include "options.h"
#include "retention.h"
#include "store.h"
#include "util.h"
#include "banned.h"

enum {
	ARG_OLDER_THAN = 0x100,
	ARG_VACUUM,
	ARG_DRY_RUN,
	ARG_HELP,
};

/* Each option next to its help line. */
static const struct {
	struct option opt;
	const char *arg;
	const char *help;
} options[] = {
	{ { "older-than", required_argument, NULL, ARG_OLDER_THAN }, "DURATION",
	  N_("the age to cut at: 90d, 12w, 36h, 45min, 600s") },
	{ { "vacuum", no_argument, NULL, ARG_VACUUM }, NULL,
	  N_("then VACUUM: give the freed pages back to the file system") },
	{ { "dry-run", no_argument, NULL, ARG_DRY_RUN }, NULL, N_("count what would be deleted, delete nothing") },
	{ { "help", no_argument, NULL, ARG_HELP }, NULL, N_("show this help") },
};

static void
prune_help(void)
{
	help_wrap("", 0, _("Deletes finished attempts (with their keys) and unattached log lines older "
			   "than DURATION. Attempts still open and the positions follow resumes from "
			   "are kept whatever their age, so a running or restarted follow loses "
			   "nothing. Safe while follow runs: it deletes in small transactions."));
	printf("\n%s\n", _("Options:"));
	for (size_t i = 0; i < ELEMENTSOF(options); i++) {
		char lhs[40];

		snprintf(lhs, sizeof lhs, "  --%s%s%s", options[i].opt.name, options[i].arg ? " " : "",
			 options[i].arg ? options[i].arg : "");
		help_wrap(lhs, 26, _(options[i].help));
	}
}

static int
prune_run(int argc, char **argv, const struct global_opts *g)
{
	struct option longopts[ELEMENTSOF(options) + 1];
	_cleanup_(store_freep) struct store *st = NULL;
	struct store_prune_stats stats = { 0 };
	const char *older = NULL;
	bool vacuum = false, dry_run = false;
	int64_t age_us = 0, cut_us;
	struct buf line;
	char when[40] = "?";
	struct tm tm;
	time_t t;
	int c, r;

	for (size_t i = 0; i < ELEMENTSOF(options); i++)
		longopts[i] = options[i].opt;
	longopts[ELEMENTSOF(options)] = (struct option){ 0 };

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case ARG_OLDER_THAN:
			older = optarg;
			break;
		case ARG_VACUUM:
			vacuum = true;
			break;
		case ARG_DRY_RUN:
			dry_run = true;
			break;
		case ARG_HELP:
			command_help(&cmd_prune);
			return 0;
		case ':':
			return usage_error("prune", _("option '%s' needs a value"), argv[optind - 1]);
		default:
			return usage_error("prune", _("unknown option '%s'"), argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("prune", _("unexpected argument '%s'"), argv[optind]);
	if (!older)
		return usage_error("prune", _("missing --older-than DURATION (e.g. --older-than 90d)"));
	if (retention_parse_duration(older, &age_us) < 0) {
		_cleanup_(freep) char *safe = escape_terminal_dup(older, strlen(older));

		return usage_error("prune", _("invalid duration '%s' (a number and s, min, h, d or w: 90d)"),
				   safe ? safe : "?");
	}
	cut_us = now_usec() - age_us;

	/* an existing database only: pruning must not create one (read-only
	 * first gives the usual "no database at ..." for a missing one) */
	if (access(g->db_path, F_OK) < 0 && errno == ENOENT)
		return command_open_store(g, STORE_READONLY, &st);
	r = command_open_store(g, 0, &st);
	if (r < 0)
		return r;

	t = (time_t)(cut_us / 1000000);
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);

	r = store_prune(st, cut_us, /* chunk= */ 0, dry_run, &stats);
	if (r < 0)
		return log_error_errno(r, _("cannot prune (%" PRId64 " attempts deleted before the failure): %s"),
				       stats.attempts, store_last_error(st));
	/* one count at a time: each has its own plural; wrapped at 80 columns */
	buf_init(&line);
	r = buf_printf(&line, dry_run ? ngettext("would delete %" PRId64 " attempt", "would delete %" PRId64 " attempts",
						 (unsigned long)stats.attempts)
				      : ngettext("deleted %" PRId64 " attempt", "deleted %" PRId64 " attempts",
						 (unsigned long)stats.attempts), stats.attempts);
	r |= buf_printf(&line, ngettext(" (%" PRId64 " key)", " (%" PRId64 " keys)", (unsigned long)stats.keys),
			stats.keys);
	r |= buf_printf(&line, ngettext(" and %" PRId64 " unattached line", " and %" PRId64 " unattached lines",
					(unsigned long)stats.orphans), stats.orphans);
	r |= buf_printf(&line, _(" older than %s"), when);
	if (r < 0) {
		buf_release(&line);
		return log_oom();
	}
	help_wrap("", 0, line.data);
	buf_release(&line);
	if (stats.open_kept > 0)
		printf(ngettext("kept %" PRId64 " older attempt still open (follow finishes it)\n",
				"kept %" PRId64 " older attempts still open (follow finishes them)\n",
				(unsigned long)stats.open_kept), stats.open_kept);
	if (vacuum && !dry_run) {
		r = store_vacuum(st);
		if (r < 0)
			return log_error_errno(r, _("cannot vacuum the database: %s"), store_last_error(st));
		printf("%s\n", _("vacuumed"));
	}
	return 0;
}

const struct command cmd_prune = {
	.name = "prune",
	.synopsis = "prune --older-than DURATION [--vacuum] [--dry-run]",
	.summary = N_("delete attempts older than DURATION (retention)"),
	.run = prune_run,
	.help = prune_help,
};
