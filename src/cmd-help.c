/* sshwhy help [COMMAND] */
#include "config.h"

#include <stdio.h>

#include "command.h"
#include "log.h"
#include "util.h"
#include "banned.h"

static void
help_overview(void)
{
	printf("Usage: sshwhy [--db PATH] COMMAND [OPTIONS]\n\n"
	       "Explain SSH login attempts from sshd's logs.\n\n"
	       "Commands:\n");
	for (size_t i = 0; commands[i]; i++)
		printf("  %-10s %s\n", commands[i]->name, commands[i]->summary);
	printf("\nGlobal options:\n"
	       "  --db PATH      database file (default: $SSHWHY_DB, /var/lib/sshwhy/sshwhy.db as root,\n"
	       "                 else $XDG_STATE_HOME/sshwhy/sshwhy.db)\n"
	       "  -v, --verbose  debug diagnostics\n"
	       "  --version      print the version\n\n"
	       "Not implemented yet (planned): check.\n"
	       "Run 'sshwhy help COMMAND' for a command's options.\n");
}

static int
run(int argc, char **argv, const struct global_opts *g)
{
	(void)g;
	if (argc < 2) {
		help_overview();
		return 0;
	}
	for (size_t i = 0; commands[i]; i++) {
		if (streq(commands[i]->name, argv[1])) {
			printf("Usage: sshwhy %s\n%s\n\n", commands[i]->synopsis, commands[i]->summary);
			if (commands[i]->help)
				commands[i]->help();
			return 0;
		}
	}
	return usage_error(/* cmd= */ NULL, "no such command '%s'", argv[1]);
}

const struct command cmd_help = {
	.name = "help",
	.synopsis = "help [COMMAND]",
	.summary = "show help for sshwhy or one command",
	.run = run,
};
