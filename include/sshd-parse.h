/* sshd and PAM message parser: one message text (after "ident[pid]: ") into a
 * typed struct auth_event. Patterns are compiled once per parser (pcre2 JIT);
 * a parser is not thread-safe (one match_data). */
#pragma once

#include <stddef.h>

struct auth_event;
struct sshd_parser;

/* Compile every pattern. Returns 0 or negative errno; on a pattern compile
 * error -EINVAL and *reterr (caller frees) says which. */
int sshd_parser_new(struct sshd_parser **ret, char **reterr);
struct sshd_parser *sshd_parser_free(struct sshd_parser *p);

/* Parse msg[0..len) (need not be NUL-terminated; may contain NUL bytes).
 * Returns 1 and fills *ret when a pattern matched (ret->kind != UNRECOGNISED),
 * 0 when no pattern knows the text (ret->kind = EVENT_UNRECOGNISED, detail =
 * the text, truncated), negative errno on failure. Never reads past len. */
int sshd_parse_message(struct sshd_parser *p, const char *msg, size_t len, struct auth_event *ret);

/* True if ident[0..n) is one of sshd's syslog identifiers (sshd, sshd-session, sshd-auth). */
int sshd_ident_match(const char *ident, size_t n);
