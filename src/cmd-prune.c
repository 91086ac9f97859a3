/* sshwhy prune --older-than DURATION: retention. Deletes closed attempts and
 * orphan lines older than the cut (store_prune(): open attempts and the
 * source positions a follow resumes from are kept), optionally VACUUMs. */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "log.h"
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
	  "the age to cut at: 90d, 12w, 36h, 45min, 600s" },
	{ { "vacuum", no_argument, NULL, ARG_VACUUM }, NULL,
	  "then VACUUM: give the freed pages back to the file system" },
	{ { "dry-run", no_argument, NULL, ARG_DRY_RUN }, NULL, "count what would be deleted, delete nothing" },
	{ { "help", no_argument, NULL, ARG_HELP }, NULL, "show this help" },
};

static void
prune_help(void)
{
	printf("Deletes finished attempts (with their keys) and unattached log lines older\n"
	       "than DURATION. Attempts still open and the positions follow resumes from\n"
	       "are kept whatever their age, so a running or restarted follow loses\n"
	       "nothing. Safe while follow runs: it deletes in small transactions.\n\n"
	       "Options:\n");
	for (size_t i = 0; i < ELEMENTSOF(options); i++) {
		char lhs[40];

		snprintf(lhs, sizeof lhs, "--%s%s%s", options[i].opt.name, options[i].arg ? " " : "",
			 options[i].arg ? options[i].arg : "");
		printf("  %-22s  %s\n", lhs, options[i].help);
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
			printf("Usage: sshwhy %s\n%s\n\n", cmd_prune.synopsis, cmd_prune.summary);
			prune_help();
			return 0;
		case ':':
			return usage_error("prune", "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("prune", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("prune", "unexpected argument '%s'", argv[optind]);
	if (!older)
		return usage_error("prune", "missing --older-than DURATION (e.g. --older-than 90d)");
	if (retention_parse_duration(older, &age_us) < 0) {
		_cleanup_(freep) char *safe = escape_terminal_dup(older, strlen(older));

		return usage_error("prune", "invalid duration '%s' (a number and s, min, h, d or w: 90d)",
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
		return log_error_errno(r, "cannot prune (%" PRId64 " attempts deleted before the failure): %s",
				       stats.attempts, store_last_error(st));
	printf("%s %" PRId64 " attempt%s (%" PRId64 " key%s) and %" PRId64 " unattached line%s "
	       "older than %s\n",
	       dry_run ? "would delete" : "deleted", stats.attempts, stats.attempts == 1 ? "" : "s",
	       stats.keys, stats.keys == 1 ? "" : "s", stats.orphans, stats.orphans == 1 ? "" : "s", when);
	if (stats.open_kept > 0)
		printf("kept %" PRId64 " older attempt%s still open (follow finishes %s)\n", stats.open_kept,
		       stats.open_kept == 1 ? "" : "s", stats.open_kept == 1 ? "it" : "them");
	if (vacuum && !dry_run) {
		r = store_vacuum(st);
		if (r < 0)
			return log_error_errno(r, "cannot vacuum the database: %s", store_last_error(st));
		printf("vacuumed\n");
	}
	return 0;
}

const struct command cmd_prune = {
	.name = "prune",
	.synopsis = "prune --older-than DURATION [--vacuum] [--dry-run]",
	.summary = "delete attempts older than DURATION (retention)",
	.run = prune_run,
	.help = prune_help,
};
