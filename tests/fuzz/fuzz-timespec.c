/* libFuzzer harness: a --since/--until time expression (parse_timespec). The
 * input is the expression; "now" is one of two fixed, realistic clocks (the
 * program passes now_usec()), one past 2038. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timespec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t nows[] = {
		INT64_C(1763778281000000),      /* 2025-11-22 02:24:41 UTC */
		INT64_C(4102444800000000),      /* 2100-01-01 00:00:00 UTC */
	};
	char *s;
	int64_t us;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (size_t i = 0; i < sizeof nows / sizeof nows[0]; i++)
		(void)parse_timespec(s, nows[i], &us);
	free(s);
	return 0;
}
