/* libFuzzer harness: a pasted client log (any encoding) through the client
 * parser, the key reader and redact. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "client-parse.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client_report *r = calloc(1, sizeof *r);
	struct buf b;

	if (!r)
		return 0;
	(void)client_parse((const char *)data, size, r);
	(void)client_parse_keys((const char *)data, size, r);
	free(r);
	buf_init(&b);
	(void)client_redact((const char *)data, size, &b);
	buf_release(&b);
	return 0;
}
