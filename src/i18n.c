/* gettext set-up, once, from main(), and texts kept in two languages. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
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

void
l10n_vsnprintf(char *en, size_t en_cap, char *loc, size_t loc_cap, const char *fmt, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	vsnprintf(en, en_cap, fmt, ap);
	vsnprintf(loc, loc_cap, _(fmt), aq);
	va_end(aq);
}

void
l10n_snprintf(char *en, size_t en_cap, char *loc, size_t loc_cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	l10n_vsnprintf(en, en_cap, loc, loc_cap, fmt, ap);
	va_end(ap);
}

void
l10n_cut(char *s, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, cap, fmt, ap);
	va_end(ap);
}

const char *
strerror_en(int errnum)
{
	static locale_t c_locale;

	if (!c_locale)
		c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return c_locale ? strerror_l(errnum, c_locale) : strerror(errnum);
}
