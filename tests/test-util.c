/* util.c: number parsing, escaping, time formatting, hashing, buffers. */
#include "config.h"

#include <stdlib.h>

#include "harness.h"
#include "util.h"

START_TEST(test_safe_atou_strict)
{
	unsigned u;
	uint64_t v;

	ck_assert_int_eq(safe_atou("42", &u), 0);
	ck_assert_uint_eq(u, 42);
	ck_assert_int_eq(safe_atou("", &u), -EINVAL);
	ck_assert_int_eq(safe_atou("-1", &u), -EINVAL);
	ck_assert_int_eq(safe_atou("12a", &u), -EINVAL);
	ck_assert_int_eq(safe_atou(" 1", &u), -EINVAL);
	ck_assert_int_eq(safe_atou("4294967296", &u), -ERANGE);
	ck_assert_int_eq(safe_atou64("18446744073709551615", &v), 0);
	ck_assert_int_eq(safe_atou64("18446744073709551616", &v), -ERANGE);
}
END_TEST

START_TEST(test_escape_terminal_controls)
{
	char out[128];
	size_t len = 0;

	escape_terminal(out, sizeof out, &len, "a\033[2Jb\x7f\n\tc", 10);
	ck_assert_str_eq(out, "a\\033[2Jb\\177\\n\\tc");
	len = 0;
	/* valid UTF-8 kept, invalid bytes and C1 controls escaped */
	escape_terminal(out, sizeof out, &len, "\xc3\xa9\xff\xc2\x9b", 5);
	ck_assert_str_eq(out, "\xc3\xa9\\xFF\\xC2\\x9B");
}
END_TEST

START_TEST(test_escape_terminal_truncates_safely)
{
	char out[8];
	size_t len = 0;

	ck_assert_int_eq(escape_terminal(out, sizeof out, &len, "\033\033\033", 3), 1);
	ck_assert_str_eq(out, "\\033");
	ck_assert_uint_eq(strlen(out), len);
}
END_TEST

START_TEST(test_format_iso8601_utc)
{
	char buf[48];

	ck_assert_str_eq(format_iso8601(INT64_C(1795314264986806), true, 6, buf, sizeof buf),
			 "2026-11-22T02:24:24.986806+00:00");
	ck_assert_str_eq(format_iso8601(0, true, 0, buf, sizeof buf), "1970-01-01T00:00:00+00:00");
}
END_TEST

START_TEST(test_hash_bytes_stable)
{
	/* Stored in databases: the value must never change silently. */
	ck_assert(hash_bytes(HASH_INIT, "abc", 3) == hash_bytes(HASH_INIT, "abc", 3));
	ck_assert(hash_bytes(HASH_INIT, "abc", 3) != hash_bytes(HASH_INIT, "abd", 3));
	ck_assert(hash_bytes(HASH_INIT, "abcdefgh", 8) != hash_bytes(HASH_INIT, "abcdefg", 7));
	ck_assert(hash_bytes(HASH_INIT, "", 0) != hash_bytes(HASH_INIT, "\0", 1));
}
END_TEST

START_TEST(test_buf_printf_grows)
{
	struct buf b;

	buf_init(&b);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(buf_printf(&b, "%d,", i), 0);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	buf_release(&b);
}
END_TEST

/* memmem_short() finds what memmem() finds, on texts and needles of spaces
 * and two letters at every length and offset. */
START_TEST(test_memmem_short)
{
	static const char alphabet[] = " ab";
	char text[12], needle[5];
	unsigned seed = 1;

	for (unsigned round = 0; round < 200000; round++) {
		size_t n = (seed >> 3) % sizeof text, len = (seed >> 7) % sizeof needle;

		for (size_t i = 0; i < n; i++, seed = seed * 1103515245 + 12345)
			text[i] = alphabet[(seed >> 16) % 3];
		for (size_t i = 0; i < len; i++, seed = seed * 1103515245 + 12345)
			needle[i] = alphabet[(seed >> 16) % 3];
		seed = seed * 1103515245 + 12345;
		ck_assert_ptr_eq(memmem_short(text, n, needle, len), memmem(text, n, needle, len));
	}
}
END_TEST

START_TEST(test_levenshtein)
{
	ck_assert_uint_eq(levenshtein("ingest", "ingets"), 2);
	ck_assert_uint_eq(levenshtein("show", "show"), 0);
	ck_assert_uint_eq(levenshtein("", "abc"), 3);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, test_safe_atou_strict);
	tcase_add_test(tc, test_escape_terminal_controls);
	tcase_add_test(tc, test_escape_terminal_truncates_safely);
	tcase_add_test(tc, test_format_iso8601_utc);
	tcase_add_test(tc, test_hash_bytes_stable);
	tcase_add_test(tc, test_buf_printf_grows);
	tcase_add_test(tc, test_levenshtein);
	tcase_add_test(tc, test_memmem_short);
	suite_add_tcase(s, tc);
	return s;
}
