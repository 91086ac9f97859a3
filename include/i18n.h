/* Messages for people in their language: _() marks and translates a string
 * at run time, N_() only marks one kept in a table and translated where it
 * is shown. Cause codes, JSON keys and log evidence are never translated. */
#pragma once

#include <libintl.h>
#include <stdarg.h>
#include <stddef.h>

#include "util.h"         /* _printf_ */

#define _(s) gettext(s)
#define N_(s) s

/* Sets LC_MESSAGES and LC_CTYPE from the environment (not LC_NUMERIC: JSON
 * and the store want '.' decimals) and binds the catalogue, from
 * $SSHWHY_LOCALEDIR when set (tests run from the build tree), else the
 * installed one. */
void i18n_init(void);

/* One message for two readers, from one format marked N_() and the same
 * arguments: formatted as written into en (English, whatever LANG is: --json,
 * the store, the rules that read it) and translated into loc (the screen).
 * A module whose texts go to both keeps both; one that knows its reader uses
 * _() or cause_tr(). A text that is an argument of another is passed in its
 * own language to each (en's to en, loc's to loc: l10n_snprintf2). Both are
 * cut to their capacity and always NUL-terminated. */
void l10n_snprintf(char *en, size_t en_cap, char *loc, size_t loc_cap, const char *fmt, ...) _printf_(5, 6);
void l10n_vsnprintf(char *en, size_t en_cap, char *loc, size_t loc_cap, const char *fmt, va_list ap)
	_printf_(5, 0);

/* l10n_snprintf() where some arguments differ between the two texts (a text
 * in two languages itself, strerror_en() and strerror()): EN and L10N are
 * parenthesised argument lists, fmt a literal marked N_(). */
#define l10n_snprintf2(en, en_cap, loc, loc_cap, fmt, EN, L10N) do { \
		l10n_cut((en), (en_cap), fmt, I18N_UNPAREN EN); \
		l10n_cut((loc), (loc_cap), _(fmt), I18N_UNPAREN L10N); \
	} while (0)
#define I18N_UNPAREN(...) __VA_ARGS__
/* snprintf() into s[0..cap), cut there (on purpose: no truncation warning). */
void l10n_cut(char *s, size_t cap, const char *fmt, ...) _printf_(3, 4);

/* strerror() in English whatever LC_MESSAGES says (glibc translates it): for
 * the English text of a message in two languages. */
const char *strerror_en(int errnum);
