/* Renderers: json_escape cases, JSON validity of a hostile attempt (checked
 * by python3's json module when available), table escaping, colour, width
 * fitting, and the detail view. */
#include "config.h"

#include <fcntl.h>
#include <sys/wait.h>

#include "attempt.h"
#include "cause.h"
#include "harness.h"
#include "json.h"
#include "render.h"
#include "util.h"
#include "banned.h"

static const struct {
	const char *in;
	size_t n;
	const char *want;
} escape_cases[] = {
#define C(s, w) { s, sizeof(s) - 1, w }
	C("plain", "\"plain\""),
	C("", "\"\""),
	C("a\"b\\c", "\"a\\\"b\\\\c\""),
	C("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\""),
	C("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""),
	C("\033[2J", "\"\\u001b[2J\""),
	C("\xff", "\"\\ufffd\""),
	C("a\xc3", "\"a\\ufffd\""),                     /* cut sequence */
	C("\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\""),        /* été kept */
	C("\xf0\x9f\x94\x91", "\"\xf0\x9f\x94\x91\""),          /* U+1F511 kept */
	C("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""),        /* surrogate */
	C("\xc0\xaf", "\"\\ufffd\\ufffd\""),                  /* overlong '/' */
	C("\xc2\x85", "\"\\u0085\""),                         /* C1 NEL */
	C("\xe2\x80\xa8", "\"\\u2028\""),
	C("x\0y", "\"x\\u0000y\""),                          /* NUL inside the length */
#undef C
};

START_TEST(test_json_escape_cases)
{
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(json_escape(&b, escape_cases[_i].in, escape_cases[_i].n), 0);
	ck_assert_msg(streq(b.data, escape_cases[_i].want), "case %d: got %s want %s", _i, b.data,
		      escape_cases[_i].want);
	buf_release(&b);
}
END_TEST

static struct attempt *
hostile_attempt(void)
{
	struct attempt *a = attempt_new();
	static const char user[] = "\033[2J\033]0;x\007adm\xffin\" \\";
	static const char line[] = "2026-11-22T02:24:41+00:00 web1 sshd[1]: Invalid user \033[2J\xff";

	ck_assert_ptr_nonnull(a);
	a->id = 42;
	a->uid = 1;
	strlcpy_n(a->host, sizeof a->host, "we\xff" "b1", 5);
	a->pid = 27478;
	a->child_pid = 27480;
	a->start_us = INT64_C(1795314281) * USEC_PER_SEC + 513874;
	a->end_us = a->start_us + 2000000;
	a->open = false;
	strlcpy_n(a->addr, sizeof a->addr, "2001:db8::1", 11);
	a->port = 50522;
	a->server_port = 22;
	strlcpy_n(a->user, sizeof a->user, user, sizeof user - 1);
	a->user_valid = 0;
	a->outcome = OUTCOME_FAILED;
	a->cause = CAUSE_PUBKEY_REJECTED_NO_REASON;
	a->candidates[0] = CAUSE_KEY_NOT_AUTHORIZED;
	a->candidates[1] = CAUSE_AUTHORIZED_KEYS_MISSING;
	a->n_candidates = 2;
	ck_assert_int_eq(attempt_set_text(&a->explanation, "The key was \"refused\".\n"), 0);
	ck_assert_int_eq(attempt_set_text(&a->decide, "a client log"), 0);
	strlcpy_n(a->loglevel, sizeof a->loglevel, "INFO", 4);
	attempt_add_key(a, "ED25519", "SHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ", KEY_FAILED);
	ck_assert_int_eq(attempt_add_evidence(a, line, sizeof line - 1, 1), 0);
	return a;
}

/* 0 = valid JSON per python3, 77 = no python3, else invalid. */
static int
python_json_check(const char *data, size_t n)
{
	FILE *p;
	int st;

	if (system("command -v python3 >/dev/null 2>&1") != 0)
		return 77;
	p = popen("python3 -c 'import json,sys\n"
		  "for l in sys.stdin.buffer.read().decode(\"utf-8\").splitlines(): json.loads(l)'", "w");
	ck_assert_ptr_nonnull(p);
	fwrite(data, 1, n, p);
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

START_TEST(test_render_attempt_json_valid)
{
	struct attempt *a = hostile_attempt();
	struct buf b;
	int r;

	buf_init(&b);
	ck_assert_int_eq(render_attempt_json(&b, a), 0);
	a->open = true;
	a->child_pid = 0;
	a->user_valid = -1;
	ck_assert_int_eq(render_attempt_json(&b, a), 0);
	/* raw control bytes never appear; newlines only end objects */
	for (size_t i = 0; i < b.len; i++)
		ck_assert_msg((unsigned char)b.data[i] >= 0x20 || b.data[i] == '\n',
			      "raw byte 0x%02x at %zu", (unsigned char)b.data[i], i);
	ck_assert_ptr_nonnull(strstr(b.data, "\"id\":42,"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"start\":\"2026-11-22T"));
	ck_assert_ptr_nonnull(strstr(b.data, ".513874+"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"end\":null"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"user_valid\":false"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"user_valid\":null"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"candidates\":[\"key-not-authorized\",\"authorized-keys-missing\"]"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"keys\":[{\"type\":\"ED25519\",\"fingerprint\":\"SHA256:"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"result\":\"failed\"}]"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"fix\":null"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"outcome\":\"failed\""));
	ck_assert_ptr_nonnull(strstr(b.data, "\"cause\":\"pubkey-rejected-no-reason\""));
	ck_assert_ptr_nonnull(strstr(b.data, "\"evidence_dropped\":0}\n"));
	r = python_json_check(b.data, b.len);
	ck_assert_msg(r == 0 || r == 77, "python3 json.loads failed on: %s", b.data);
	buf_release(&b);
	attempt_free(a);
}
END_TEST

static char *
print_table(struct attempt **as, size_t n, const struct render_opts *o, size_t *len)
{
	struct table *t = NULL;
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(table_new(o, &t), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(table_add_attempt(t, as[i]), 0);
	ck_assert_int_eq(table_print(t, f), 0);
	fclose(f);
	table_free(t);
	return out;
}

static size_t
display_width(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

START_TEST(test_table_escapes_log_text)
{
	struct attempt *a = hostile_attempt();
	struct render_opts o = { .utc = true };
	size_t len;
	_cleanup_(freep) char *out = print_table(&a, 1, &o, &len);

	ck_assert_ptr_null(memchr(out, '\033', len));
	ck_assert_ptr_null(memchr(out, '\007', len));
	ck_assert_ptr_null(memchr(out, '\xff', len));
	ck_assert_ptr_nonnull(strstr(out, "\\033[2J"));
	ck_assert_ptr_nonnull(strstr(out, "\\xFF"));
	ck_assert_ptr_nonnull(strstr(out, "[2001:db8::1]:50522"));
	ck_assert_ptr_nonnull(strstr(out, "2026-11-22 02:24:41"));
	ck_assert_ptr_nonnull(strstr(out, "SHA256:abc"));
	ck_assert_ptr_nonnull(strstr(out, "ID  TIME"));
	attempt_free(a);
}
END_TEST

START_TEST(test_table_color_only_when_asked)
{
	struct attempt *a = hostile_attempt();
	struct render_opts o = { .color = true };
	size_t len;
	char *out;

	a->outcome = OUTCOME_ACCEPTED;
	out = print_table(&a, 1, &o, &len);
	ck_assert_ptr_nonnull(strstr(out, "\033[32maccepted\033[0m"));
	free(out);
	o.color = false;
	out = print_table(&a, 1, &o, &len);
	ck_assert_ptr_null(memchr(out, '\033', len));
	free(out);
	attempt_free(a);
}
END_TEST

/* Every line of out fits width columns. */
static void
assert_fits(const char *out, size_t width)
{
	const char *p = out;

	while (*p) {
		const char *nl = strchr(p, '\n');

		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(display_width(p, (size_t)(nl - p)) <= width, "line too wide (%zu > %zu): %.*s",
			      display_width(p, (size_t)(nl - p)), width, (int)(nl - p), p);
		p = nl + 1;
	}
}

START_TEST(test_table_fits_width)
{
	struct attempt *as[2] = { hostile_attempt(), hostile_attempt() };
	struct render_opts o = { .utc = true, .width = 0 };
	size_t len, natural;
	char *out;
	const char *nl;

	memset(as[1]->user, 'u', 60);
	as[1]->user[60] = '\0';
	memset(as[1]->host, 'h', 40);
	as[1]->host[40] = '\0';
	as[1]->id = 7;

	/* unlimited: nothing cut */
	out = print_table(as, 2, &o, &len);
	ck_assert_ptr_null(strstr(out, "\xe2\x80\xa6"));
	/* the widest line (the header's last cell is not padded) */
	natural = 0;
	for (const char *p = out; (nl = strchr(p, '\n')); p = nl + 1)
		natural = MAX(natural, display_width(p, (size_t)(nl - p)));
	ck_assert_ptr_nonnull(strstr(out, "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"));
	free(out);

	/* a bit narrower: USER/HOST cut with an ellipsis, key kept */
	o.width = (int)natural - 40;
	out = print_table(as, 2, &o, &len);
	assert_fits(out, (size_t)o.width);
	ck_assert_ptr_nonnull(strstr(out, "\xe2\x80\xa6"));
	ck_assert_ptr_nonnull(strstr(out, "SHA256:"));
	free(out);

	/* narrow: the key column goes */
	o.width = 100;
	out = print_table(as, 2, &o, &len);
	assert_fits(out, 100);
	ck_assert_ptr_null(strstr(out, "SHA256:"));
	ck_assert_ptr_null(strstr(out, "KEY"));
	ck_assert_ptr_nonnull(strstr(out, "pubkey-rejected-no-reason"));
	free(out);

	/* 80 columns: cause and address give way too, cut with an ellipsis */
	o.width = 80;
	out = print_table(as, 2, &o, &len);
	assert_fits(out, 80);
	ck_assert_ptr_nonnull(strstr(out, "pubkey-rej"));
	ck_assert_ptr_nonnull(strstr(out, "11-22 02:24:41"));
	ck_assert_ptr_nonnull(strstr(out, "2001:db8::1"));
	free(out);

	attempt_free(as[0]);
	attempt_free(as[1]);
}
END_TEST

START_TEST(test_table_no_key_column_without_keys)
{
	struct attempt *a = hostile_attempt();
	struct render_opts o = { 0 };
	size_t len;
	_cleanup_(freep) char *out = NULL;

	a->n_keys = 0;
	a->addr[0] = '\0';
	a->user[0] = '\0';
	out = print_table(&a, 1, &o, &len);
	ck_assert_ptr_null(strstr(out, "KEY"));
	/* empty cells print as "-", no trailing blanks */
	ck_assert_ptr_nonnull(strstr(out, "  -  "));
	ck_assert_ptr_null(strstr(out, " \n"));
	attempt_free(a);
}
END_TEST

START_TEST(test_render_attempt_line_no_repeat)
{
	struct attempt *a = hostile_attempt();
	struct render_opts o = { .utc = true };
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(render_attempt_line(&b, a, &o), 0);
	ck_assert_ptr_null(memchr(b.data, '\033', b.len));
	ck_assert_ptr_nonnull(strstr(b.data, " failed pubkey-rejected-no-reason: The key was"));
	buf_clear(&b);
	a->outcome = OUTCOME_ACCEPTED;
	a->cause = CAUSE_ACCEPTED;
	ck_assert_int_eq(render_attempt_line(&b, a, &o), 0);
	ck_assert_ptr_nonnull(strstr(b.data, " accepted: The key was"));
	ck_assert_ptr_null(strstr(b.data, "accepted accepted"));
	ck_assert_ptr_eq(strchr(b.data, '\n'), b.data + b.len - 1);    /* width 0: one line */
	/* a terminal 60 columns wide: the explanation wraps between words */
	strlcpy_n(a->user, sizeof a->user, "alice", 5);
	strlcpy_n(a->host, sizeof a->host, "web1", 4);
	ck_assert_int_eq(attempt_set_text(&a->explanation, "The key offered was refused by every "
					  "authorized_keys line, which is what sshd says when nothing matches."), 0);
	buf_clear(&b);
	o.width = 60;
	ck_assert_int_eq(render_attempt_line(&b, a, &o), 0);
	assert_fits(b.data, 60);
	ck_assert_ptr_nonnull(strstr(b.data, "\n    "));
	ck_assert_ptr_nonnull(strstr(b.data, "authorized_keys"));
	ck_assert_ptr_nonnull(strstr(b.data, "[SHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ]"));
	buf_release(&b);
	attempt_free(a);
}
END_TEST

START_TEST(test_render_attempt_detail)
{
	struct attempt *a = hostile_attempt();
	struct render_opts o = { .utc = true };
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	ck_assert_int_eq(render_attempt_detail(f, a, &o), 0);
	fclose(f);
	ck_assert_ptr_null(memchr(out, '\033', len));
	ck_assert_ptr_null(memchr(out, '\xff', len));
	ck_assert_ptr_nonnull(strstr(out, "attempt 42"));
	ck_assert_ptr_nonnull(strstr(out, "2026-11-22T02:24:41.513874+00:00 .. 2026-11-22T02:24:43.513874+00:00"));
	ck_assert_ptr_nonnull(strstr(out, "27478 (user child 27480)"));
	ck_assert_ptr_nonnull(strstr(out, "(invalid/refused account)"));
	ck_assert_ptr_nonnull(strstr(out, "generic: the log cannot prove more"));
	ck_assert_ptr_nonnull(strstr(out, "key-not-authorized, authorized-keys-missing"));
	ck_assert_ptr_nonnull(strstr(out, "decide:"));
	ck_assert_ptr_nonnull(strstr(out, "INFO (inferred"));
	ck_assert_ptr_nonnull(strstr(out, "The key was \"refused\".\\n"));
	ck_assert_ptr_nonnull(strstr(out, "evidence (1 line):\n  2026-11-22T02:24:41+00:00 web1 sshd[1]: Invalid user \\033[2J\\xFF\n"));
	free(out);
	attempt_free(a);
}
END_TEST

START_TEST(test_render_opts_from_env)
{
	struct render_opts o = { .color = true, .width = 5 };
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	setenv("COLUMNS", "123", 1);
	render_opts_from_env(&o, fd);    /* not a TTY */
	ck_assert(!o.color);
	ck_assert_int_eq(o.width, 123);
	setenv("COLUMNS", "junk", 1);
	render_opts_from_env(&o, fd);
	ck_assert_int_eq(o.width, 0);
	unsetenv("COLUMNS");
	close(fd);
}
END_TEST

START_TEST(test_json_writer_commas_and_nesting)
{
	struct buf b;
	struct json j;

	buf_init(&b);
	json_init(&j, &b);
	json_begin_object(&j);
	json_key(&j, "a");
	json_int(&j, -3);
	json_key(&j, "b");
	json_begin_array(&j);
	json_end_array(&j);
	json_key(&j, "c");
	json_begin_array(&j);
	json_uint(&j, 18446744073709551615u);
	json_string(&j, NULL);
	json_begin_object(&j);
	json_end_object(&j);
	json_begin_object(&j);
	json_key(&j, "d\"");
	json_bool(&j, true);
	json_key(&j, "e");
	json_bool(&j, false);
	json_end_object(&j);
	json_null(&j);
	json_string_n(&j, "x\ny", 3);
	json_end_array(&j);
	json_key(&j, "f");
	json_string(&j, "\033[31m");
	json_end_object(&j);
	ck_assert_int_eq(json_done(&j), 0);
	ck_assert_str_eq(b.data, "{\"a\":-3,\"b\":[],\"c\":[18446744073709551615,null,{},"
			 "{\"d\\\"\":true,\"e\":false},null,\"x\\ny\"],\"f\":\"\\u001b[31m\"}");
	buf_release(&b);
}
END_TEST

START_TEST(test_json_writer_misuse)
{
	struct buf b;
	struct json j;

	buf_init(&b);
	json_init(&j, &b);
	json_begin_array(&j);
	ck_assert_int_eq(json_done(&j), -EINVAL);       /* left open */
	json_key(&j, "k");                               /* a key in an array */
	json_end_array(&j);
	ck_assert_int_eq(json_done(&j), -EINVAL);
	json_init(&j, &b);
	json_end_object(&j);                             /* an end without a begin */
	ck_assert_int_eq(json_done(&j), -EINVAL);
	json_init(&j, &b);
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_begin_array(&j);
	ck_assert_int_eq(json_done(&j), -EINVAL);
	json_init(&j, &b);
	json_begin_object(&j);
	json_key(&j, "k");
	json_end_object(&j);                             /* a key without its value */
	ck_assert_int_eq(json_done(&j), -EINVAL);
	buf_release(&b);
}
END_TEST

START_TEST(test_escape_terminal_buf_appends)
{
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(buf_puts(&b, "user "), 0);
	ck_assert_int_eq(escape_terminal_buf(&b, "a\033]0;x\007\\b\xff\xc2\x9b", 12), 0);
	ck_assert_str_eq(b.data, "user a\\033]0;x\\007\\b\\xFF\\xC2\\x9B");
	ck_assert_uint_eq(b.len, strlen(b.data));
	/* escaped text escapes to itself (log.c relies on it) */
	{
		_cleanup_(freep) char *again = escape_terminal_dup(b.data, b.len);

		ck_assert_str_eq(again, b.data);
	}
	buf_release(&b);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc;

	tc = tcase_create("json");
	tcase_add_loop_test(tc, test_json_escape_cases, 0, (int)ELEMENTSOF(escape_cases));
	tcase_add_test(tc, test_render_attempt_json_valid);
	tcase_add_test(tc, test_json_writer_commas_and_nesting);
	tcase_add_test(tc, test_json_writer_misuse);
	tcase_add_test(tc, test_escape_terminal_buf_appends);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_table_escapes_log_text);
	tcase_add_test(tc, test_table_color_only_when_asked);
	tcase_add_test(tc, test_table_fits_width);
	tcase_add_test(tc, test_table_no_key_column_without_keys);
	tcase_add_test(tc, test_render_attempt_detail);
	tcase_add_test(tc, test_render_attempt_line_no_repeat);
	tcase_add_test(tc, test_render_opts_from_env);
	suite_add_tcase(s, tc);
	return s;
}
