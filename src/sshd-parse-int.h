/* sshd-parse.c's white-box switch for tests and the fuzz harness. */
#pragma once

#include <stdbool.h>

struct sshd_parser;

/* on: every row runs its regex; the literal matchers of the most common
 * messages (sshd-parse.c, natives[]) are not used. They must give the same
 * events either way; tests compare the two. */
void sshd_parser_set_regex_only(struct sshd_parser *p, bool on);
