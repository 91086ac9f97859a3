/* sshwhy help [COMMAND] */
#include "config.h"

#include <stdio.h>

#include "command.h"
#include "i18n.h"
#include "log.h"
#include "options.h"
#include "util.h"
#include "banned.h"

static void
help_overview(void)
{
	printf("Usage: sshwhy [--db PATH] COMMAND [OPTIONS]\n\n"
	       "Explain SSH login attempts from sshd's logs.\n\n"
	       "Commands:\n");
	for (size_t i = 0; commands[i]; i++) {
		char lead[32];

		snprintf(lead, sizeof lead, "  %s", commands[i]->name);
		help_wrap(lead, 13, _(commands[i]->summary));
	}
	printf("\nGlobal options:\n");
	help_wrap("  --db PATH", 17, "database file (default: $SSHWHY_DB, /var/lib/sshwhy/sshwhy.db "
		  "as root, else $XDG_STATE_HOME/sshwhy/sshwhy.db)");
	help_wrap("  -v, --verbose", 17, "debug diagnostics");
	help_wrap("  --color WHEN", 17, "auto (default), always, never; NO_COLOR also turns colour off");
	help_wrap("  --version", 17, "print the version");
	printf("\nRun 'sshwhy help COMMAND' for a command's options.\n");
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
			command_help(commands[i]);
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
