/* Shared test main(): each test-<module>.c defines make_suite(). */
#pragma once

#include <check.h>
#include <stddef.h>

Suite *make_suite(void);

/* $TEST_DATA_DIR/<rel>, or "<source>/tests/data/<rel>". Caller frees. */
char *test_data_path(const char *rel);
/* Whole file into a malloc'ed NUL-terminated buffer (*ret_len without the NUL). Caller frees. */
char *read_fixture(const char *path, size_t *ret_len);
