/* Messages for people in their language: _() marks and translates a string
 * at run time, N_() only marks one kept in a table and translated where it
 * is shown. Cause codes, JSON keys and log evidence are never translated. */
#pragma once

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) s

/* Sets LC_MESSAGES and LC_CTYPE from the environment (not LC_NUMERIC: JSON
 * and the store want '.' decimals) and binds the catalogue, from
 * $SSHWHY_LOCALEDIR when set (tests run from the build tree), else the
 * installed one. */
void i18n_init(void);
