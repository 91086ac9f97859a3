/* Long output through a pager on a terminal, as journalctl and git do:
 * $PAGER, else less -FRSX (quits when it fits one screen, keeps colours,
 * chops long lines, leaves the screen as it is), else none. */
#pragma once

#include <stdbool.h>

/* When standard output is a terminal and $PAGER is not "" or "cat": start the
 * pager and make standard output a pipe to it. Returns 1 (paged), 0 (not:
 * not a terminal, or no pager wanted), or negative errno (nothing changed). */
int pager_open(void);

/* Flush standard output, give the pager its end of file and wait for it to
 * exit (the user read it); standard output is the terminal again. A no-op
 * without a pager. */
void pager_close(void);
