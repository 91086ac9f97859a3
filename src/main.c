/* sshwhy: global options, the command table, dispatch and exit codes
 * (0 success, 1 runtime failure, 2 usage error). */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <syslog.h>

#include "command.h"
#include "i18n.h"
#include "log.h"
#include "options.h"
#include "render.h"
#include "store.h"
#include "util.h"
#include "banned.h"

const struct command *const commands[] = {
	&cmd_follow,
	&cmd_ingest,
	&cmd_attempts,
	&cmd_show,
	&cmd_stats,
	&cmd_explain,
	&cmd_redact,
	&cmd_check,
	&cmd_prune,
	&cmd_help,
	NULL,
};

/* Exact name, else a unique prefix. *ret_ambiguous set when several match. */
static const struct command *
find_command(const char *name, bool *ret_ambiguous)
{
	const struct command *found = NULL;
	size_t n = strlen(name);

	*ret_ambiguous = false;
	for (size_t i = 0; commands[i]; i++)
		if (streq(commands[i]->name, name))
			return commands[i];
	for (size_t i = 0; commands[i]; i++) {
		if (strncmp(commands[i]->name, name, n) == 0) {
			if (found) {
				*ret_ambiguous = true;
				return NULL;
			}
			found = commands[i];
		}
	}
	return found;
}

static const char *
suggest_command(const char *name)
{
	const char *best = NULL;
	unsigned best_d = 3;

	for (size_t i = 0; commands[i]; i++) {
		unsigned d = levenshtein(name, commands[i]->name);

		if (d < best_d) {
			best_d = d;
			best = commands[i]->name;
		}
	}
	return best;
}

static int
finish_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return 0;
		log_error_errno(errno, _("write error on standard output"));
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "db",      required_argument, NULL, 'd' },  /* database file */
		{ "verbose", no_argument,       NULL, 'v' },  /* debug diagnostics */
		{ "color",   required_argument, NULL, 'C' },  /* auto, always, never (render.h) */
		{ "version", no_argument,       NULL, 'V' },
		{ "help",    no_argument,       NULL, 'h' },
		{ 0 }
	};
	struct global_opts g = { 0 };
	_cleanup_(freep) char *default_db = NULL;
	const struct command *cmd;
	bool ambiguous;
	int c, r;

	signal(SIGPIPE, SIG_IGN);
	i18n_init();
	while ((c = getopt_long(argc, argv, "+:d:vVh", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!*optarg) {
				usage_error(/* cmd= */ NULL, _("option '--db' needs a file name, not ''"));
				return EXIT_USAGE_ERROR;
			}
			g.db_path = optarg;
			break;
		case 'v':
			g.verbose++;
			log_max_level = LOG_DEBUG;
			break;
		case 'C':
			if (render_set_color(optarg) < 0) {
				usage_error(/* cmd= */ NULL, _("invalid --color '%s' (auto, always, never)"), optarg);
				return EXIT_USAGE_ERROR;
			}
			break;
		case 'V':
			printf("sshwhy %s\n", PACKAGE_VERSION);
			return finish_stdout();
		case 'h':
			cmd_help.run(1, (char *[]){ "help", NULL }, &g);
			return finish_stdout();
		default:
			usage_bad_option(/* cmd= */ NULL, c, argv);
			return EXIT_USAGE_ERROR;
		}
	}
	if (!g.db_path) {
		default_db = store_default_path();
		if (!default_db) {
			log_error(_("out of memory"));
			return 1;
		}
		g.db_path = default_db;
	}
	if (optind >= argc) {
		cmd_help.run(1, (char *[]){ "help", NULL }, &g);
		return finish_stdout() ? 1 : EXIT_USAGE_ERROR;
	}
	cmd = find_command(argv[optind], &ambiguous);
	if (!cmd) {
		const char *s = ambiguous ? NULL : suggest_command(argv[optind]);

		if (ambiguous)
			log_error(_("ambiguous command '%s'; try '%s help'"), argv[optind], program_name);
		else if (s)
			log_error(_("unknown command '%s', did you mean '%s'?"), argv[optind], s);
		else
			log_error(_("unknown command '%s'; try '%s help'"), argv[optind], program_name);
		return EXIT_USAGE_ERROR;
	}
	{
		int idx = optind;

		optind = 0;     /* glibc: reinitialise getopt for the command's own options */
		log_command = cmd->name;
		r = cmd->run(argc - idx, argv + idx, &g);
		log_command = NULL;
	}
	if (usage_error_happened())
		return EXIT_USAGE_ERROR;
	if (finish_stdout())
		return 1;
	return r < 0 ? 1 : r > 0 ? 1 : 0;     /* r > 0: a finding (check: blocked) */
}
