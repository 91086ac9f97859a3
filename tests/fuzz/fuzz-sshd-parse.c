/* libFuzzer harness: one sshd message through the sshd parser. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "sshd-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sshd_parser *p;
	struct auth_event ev;

	if (!p && sshd_parser_new(&p, NULL) < 0)
		return 0;
	(void)sshd_parse_message(p, (const char *)data, size, &ev);
	return 0;
}
