/* gettext set-up, once, from main(). */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "i18n.h"
#include "banned.h"

void
i18n_init(void)
{
	const char *dir = getenv("SSHWHY_LOCALEDIR");

	setlocale(LC_MESSAGES, "");
	setlocale(LC_CTYPE, "");
	bindtextdomain(GETTEXT_PACKAGE, dir && *dir ? dir : LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
}
