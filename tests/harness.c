/* main() for every check test executable. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

char *
test_data_path(const char *rel)
{
	const char *dir = getenv("TEST_DATA_DIR");
	size_t n;
	char *p;

	if (!dir)
		dir = "tests/data";
	n = strlen(dir) + strlen(rel) + 2;
	p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

char *
read_fixture(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	char *data = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *p = realloc(data, cap ? cap * 2 : 8192);

			if (!p) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = p;
			cap = cap ? cap * 2 : 8192;
		}
		n = fread(data + len, 1, cap - len - 1, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	data[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return data;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
