/* width.c: display columns (Japanese two each), cutting, and the three ways
 * of breaking lines: by unit, with kinsoku, and keeping every byte (log
 * lines). */
#include "config.h"

#include <string.h>

#include "harness.h"
#include "util.h"
#include "width.h"
#include "banned.h"

/* The widest line of s, in display columns. */
static size_t
widest(const char *s)
{
	size_t best = 0;

	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "\n"), w = text_width(p, n);

		best = w > best ? w : best;
		p += n + (p[n] == '\n');
	}
	return best;
}

/* s without the line breaks and the indent after each. */
static char *
unwrapped(const char *s, size_t indent)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	ck_assert_ptr_nonnull(out);
	for (const char *p = s; *p; p++) {
		if (*p == '\n') {
			p += indent;
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

START_TEST(test_text_width_counts_columns)
{
	ck_assert_uint_eq(text_width("abc", 3), 3);
	ck_assert_uint_eq(text_width("鍵", strlen("鍵")), 2);
	ck_assert_uint_eq(text_width("a鍵。", strlen("a鍵。")), 5);
	ck_assert_uint_eq(text_width("e\xcc\x81", 3), 1);       /* combining acute: none */
	ck_assert_uint_eq(text_width("\xff\xfe", 2), 2);        /* not UTF-8: one each */
}
END_TEST

START_TEST(test_text_fit_cuts_between_characters)
{
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(text_fit(&b, "鍵が見つかりません", 7, 0, true), 7);
	ck_assert_str_eq(b.data, "鍵が見\xe2\x80\xa6");
	buf_clear(&b);
	ck_assert_int_eq(text_fit(&b, "鍵", 6, 6, true), 6);
	ck_assert_str_eq(b.data, "鍵    ");
	buf_release(&b);
}
END_TEST

START_TEST(test_text_wrap_fits_and_keeps_kinsoku)
{
	const char *s = "sshd は理由を記録せずに alice の鍵 SHA256:/37eZ2DybBswSKKshFei2NSjDzTsOqtuIxCBf3Xr774 を拒否しました。"
			"多くの場合、鍵が authorized_keys にありません。";
	struct buf b;

	for (size_t width = 30; width <= 80; width++) {
		size_t col = 14;

		buf_init(&b);
		ck_assert_int_eq(buf_printf(&b, "%14s", ""), 0);
		ck_assert_int_eq(text_wrap(&b, s, &col, width, 14), 0);
		ck_assert_uint_le(widest(b.data), width);
		/* no line starts with a closing mark */
		ck_assert_ptr_null(strstr(b.data, "\n              。"));
		ck_assert_ptr_null(strstr(b.data, "\n              、"));
		buf_release(&b);
	}
}
END_TEST

START_TEST(test_text_wrap_hard_keeps_every_byte)
{
	const char *line = "2026-11-22T02:24:19.428037+00:00 vm sshd[21785]: pam_limits(sshd:session): Could not set "
			   "limit for 'nofile' to soft=1024,  hard=32768: Operation not permitted; "
			   "a_word_wider_than_any_line_of_this_terminal_at_all_whatever_its_width_is_here 鍵鍵鍵鍵鍵鍵";
	struct buf b;

	for (size_t width = 20; width <= 100; width += 7) {
		_cleanup_(freep) char *back = NULL;

		buf_init(&b);
		ck_assert_int_eq(buf_puts(&b, "  "), 0);
		ck_assert_int_eq(text_wrap_hard(&b, line, 2, width, 4), 0);
		ck_assert_uint_le(widest(b.data), width);
		/* each break took the place of one space, or none inside a word */
		back = unwrapped(b.data + 2, 4);
		if (strcmp(back, line) != 0) {
			size_t i = 0, j = 0;

			while (line[i]) {
				if (back[j] == line[i]) {
					i++;
					j++;
				} else {
					ck_assert_int_eq(line[i], ' ');
					i++;
				}
			}
			ck_assert_int_eq(back[j], '\0');
		}
		buf_release(&b);
	}
	/* width 0: one line, unchanged */
	buf_init(&b);
	ck_assert_int_eq(text_wrap_hard(&b, line, 0, 0, 4), 0);
	ck_assert_str_eq(b.data, line);
	buf_release(&b);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("width");
	TCase *tc = tcase_create("width");

	tcase_add_test(tc, test_text_width_counts_columns);
	tcase_add_test(tc, test_text_fit_cuts_between_characters);
	tcase_add_test(tc, test_text_wrap_fits_and_keeps_kinsoku);
	tcase_add_test(tc, test_text_wrap_hard_keeps_every_byte);
	suite_add_tcase(s, tc);
	return s;
}
