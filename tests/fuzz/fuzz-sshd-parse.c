/* libFuzzer harness: one sshd message through the sshd parser, and again with
 * every row's regex (no literal matcher, sshd-parse-int.h): both ways must
 * give the same event, or the harness aborts. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "sshd-parse-int.h"
#include "sshd-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
same_event(const struct auth_event *a, const struct auth_event *b)
{
	return a->kind == b->kind && a->flags == b->flags && a->port == b->port &&
	       a->lport == b->lport && a->code == b->code && a->ref_pid == b->ref_pid &&
	       strcmp(a->user, b->user) == 0 && strcmp(a->addr, b->addr) == 0 &&
	       strcmp(a->laddr, b->laddr) == 0 && strcmp(a->method, b->method) == 0 &&
	       strcmp(a->key_type, b->key_type) == 0 && strcmp(a->fingerprint, b->fingerprint) == 0 &&
	       strcmp(a->detail, b->detail) == 0 && strcmp(a->reason, b->reason) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sshd_parser *p;
	struct auth_event ev, rev;
	int r, rr;

	if (!p && sshd_parser_new(&p, NULL) < 0)
		return 0;
	r = sshd_parse_message(p, (const char *)data, size, &ev);
	sshd_parser_set_regex_only(p, true);
	rr = sshd_parse_message(p, (const char *)data, size, &rev);
	sshd_parser_set_regex_only(p, false);
	if (r != rr || !same_event(&ev, &rev))
		abort();
	return 0;
}
