/* sshwhy help [COMMAND] */
#include "config.h"

#include <stdio.h>

#include "command.h"
#include "i18n.h"
#include "log.h"
#include "options.h"
#include "util.h"
#include "width.h"
#include "banned.h"

static void
help_overview(void)
{
	const char *usage = _("Usage: ");

	help_wrap(usage, text_width(usage, strlen(usage)), "sshwhy [--db PATH] COMMAND [OPTIONS]");
	printf("\n");
	help_wrap("", 0, _("Explain SSH login attempts from sshd's logs."));
	printf("\n%s\n", _("Commands:"));
	for (size_t i = 0; commands[i]; i++) {
		char lead[32];

		snprintf(lead, sizeof lead, "  %s", commands[i]->name);
		help_wrap(lead, 13, _(commands[i]->summary));
	}
	printf("\n%s\n", _("Global options:"));
	help_wrap("  --db PATH", 17, _("database file (default: $SSHWHY_DB, /var/lib/sshwhy/sshwhy.db "
				     "as root, else $XDG_STATE_HOME/sshwhy/sshwhy.db)"));
	help_wrap("  -v, --verbose", 17, _("debug diagnostics"));
	help_wrap("  --color WHEN", 17, _("auto (default), always, never; NO_COLOR also turns colour off"));
	help_wrap("  --version", 17, _("print the version"));
	printf("\n");
	help_wrap("", 0, _("Run 'sshwhy help COMMAND' for a command's options."));
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
	return usage_error(/* cmd= */ NULL, _("no such command '%s'"), argv[1]);
}

const struct command cmd_help = {
	.name = "help",
	.synopsis = "help [COMMAND]",
	.summary = N_("show help for sshwhy or one command"),
	.run = run,
};
