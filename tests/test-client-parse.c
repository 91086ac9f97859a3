/* client-parse: every corpus client log against its expected.json (via
 * data/client/corpus-expected.tsv), encodings and pasting variants made from
 * the corpus at test time, hostile bytes, public keys vs ssh-keygen, redact. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client-parse.h"
#include "harness.h"
#include "util.h"
#include "banned.h"

static const char *
corpus_dir(void)
{
	const char *d = getenv("CORPUS_DIR");

	return d ? d : "tests/corpus";
}

static char *
corpus_read(const char *rel, size_t *ret_len)
{
	_cleanup_(freep) char *path = NULL;

	if (asprintf(&path, "%s/%s", corpus_dir(), rel) < 0)
		return NULL;
	return read_fixture(path, ret_len);
}

struct row {
	char path[256], user[64], cause[64];
	unsigned port;
	char fps[1024], not_sent[1024];
};

static struct row rows[256];
static size_t n_rows;

static void
load_rows(void)
{
	_cleanup_(freep) char *path = test_data_path("client/corpus-expected.tsv"), *data = NULL;
	char *save = NULL, *l;

	if (n_rows)
		return;
	ck_assert_ptr_nonnull(path);
	data = read_fixture(path, NULL);
	ck_assert_msg(data, "cannot read %s", path);
	for (l = strtok_r(data, "\n", &save); l && n_rows < ELEMENTSOF(rows); l = strtok_r(NULL, "\n", &save)) {
		struct row *r = &rows[n_rows];
		char *f[6], *s2 = NULL;
		size_t nf = 0;

		if (l[0] == '#')
			continue;
		for (char *t = strtok_r(l, "\t", &s2); t && nf < 6; t = strtok_r(NULL, "\t", &s2))
			f[nf++] = t;
		ck_assert_uint_eq(nf, 6);
		strlcpy_n(r->path, sizeof(r->path), f[0], strlen(f[0]));
		strlcpy_n(r->user, sizeof(r->user), f[1], strlen(f[1]));
		ck_assert_int_ge(safe_atou(f[2], &r->port), 0);
		strlcpy_n(r->cause, sizeof(r->cause), f[3], strlen(f[3]));
		strlcpy_n(r->fps, sizeof(r->fps), streq(f[4], "-") ? "" : f[4], strlen(f[4]));
		strlcpy_n(r->not_sent, sizeof(r->not_sent), streq(f[5], "-") ? "" : f[5], strlen(f[5]));
		n_rows++;
	}
	ck_assert_uint_gt(n_rows, 150);
}

static bool
is_nc_capture(const struct row *w)
{
	/* 14a/new-14a: the "client" is nc, its output is no ssh log */
	return strstr(w->path, "14a-logingracetime-idle-tcp") != NULL;
}

/* Comma list of the fingerprints of keys with offered set (deduplicated, in order). */
static void
offered_fps(const struct client_report *r, char *out, size_t cap)
{
	out[0] = '\0';
	for (size_t i = 0; i < r->n_keys; i++) {
		const struct client_key *k = &r->keys[i];
		size_t n = strlen(out);

		if (!k->offered || !*k->fingerprint || strstr(out, k->fingerprint))
			continue;
		snprintf(out + n, cap - n, "%s%s", n ? "," : "", k->fingerprint);
	}
}

/* Same set, order-insensitive. */
static bool
same_fp_set(const char *a, const char *b)
{
	char x[1024], *save = NULL;
	size_t na = 0, nb = 0;

	strlcpy_n(x, sizeof(x), a, strlen(a));
	for (char *t = strtok_r(x, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strstr(b, t))
			return false;
		na++;
	}
	strlcpy_n(x, sizeof(x), b, strlen(b));
	save = NULL;
	for (char *t = strtok_r(x, ",", &save); t; t = strtok_r(NULL, ",", &save))
		nb++;
	return na == nb;
}

static bool
has_problem(const struct client_report *r, enum client_key_problem p)
{
	for (size_t i = 0; i < r->n_keys; i++)
		if (r->keys[i].problem == p)
			return true;
	return false;
}

static const struct client_key *
key_in_state(const struct client_report *r, enum client_key_state s)
{
	for (size_t i = 0; i < r->n_keys; i++)
		if (r->keys[i].state == s)
			return &r->keys[i];
	return NULL;
}

/* What the report must show for each cause the client log can prove. */
static void
check_cause(const struct row *w, const struct client_report *r)
{
	const char *c = w->cause, *p = w->path;
	const struct client_key *k;

	if (streq(c, "CLIENT_KEY_BAD_PERMISSIONS"))
		ck_assert_msg(has_problem(r, CKP_BAD_PERMISSIONS), "%s: no bad-permissions key", p);
	else if (streq(c, "CLIENT_IDENTITY_FILE_MISSING")) {
		bool ok = false;

		for (size_t i = 0; i < r->n_keys; i++)
			ok |= r->keys[i].explicit_file && r->keys[i].problem == CKP_MISSING &&
			      !r->keys[i].problem_inferred && r->keys[i].state == CKEY_NOT_LOADED;
		ck_assert_msg(ok, "%s: no missing explicit identity file", p);
	} else if (streq(c, "CLIENT_WRONG_PASSPHRASE"))
		ck_assert_msg(has_problem(r, CKP_WRONG_PASSPHRASE), "%s: no wrong-passphrase key", p);
	else if (streq(c, "CLIENT_KEY_ENCRYPTED_NO_PROMPT"))
		ck_assert_msg(has_problem(r, CKP_ENCRYPTED_NO_PROMPT) && r->batch_mode,
			      "%s: no encrypted-no-prompt key", p);
	else if (streq(c, "CLIENT_NO_MUTUAL_SIGNATURE_ALGORITHM")) {
		k = key_in_state(r, CKEY_SKIPPED);
		ck_assert_msg(k && k->problem == CKP_NO_MUTUAL_SIGNATURE, "%s: no skipped key", p);
	} else if (streq(c, "CLIENT_HAS_NO_KEY")) {
		for (size_t i = 0; i < r->n_keys; i++)
			ck_assert_msg(!r->keys[i].offered && !r->keys[i].explicit_file &&
				      r->keys[i].state == CKEY_NOT_LOADED, "%s: key %zu", p, i);
		ck_assert_int_eq(r->result, CR_PERMISSION_DENIED);
	} else if (streq(c, "TOO_MANY_AUTH_FAILURES")) {
		ck_assert_int_eq(r->result, CR_TOO_MANY_FAILURES);
		ck_assert_ptr_nonnull(key_in_state(r, CKEY_REJECTED));
	} else if (streq(c, "KEX_NO_MATCH") || streq(c, "HOSTKEY_ALG_NO_MATCH") || streq(c, "MAC_NO_MATCH"))
		ck_assert_int_eq(r->result, CR_NEGOTIATION_FAILED);
	else if (streq(c, "SECOND_FACTOR_MISSING")) {
		ck_assert(r->partial_success);
		ck_assert_ptr_nonnull(key_in_state(r, CKEY_USED));
		ck_assert_int_eq(r->result, CR_PERMISSION_DENIED);
	} else if (streq(c, "ROOT_LOGIN_REFUSED") && strstr(p, "07a-")) {
		k = key_in_state(r, CKEY_ACCEPTED);
		ck_assert_msg(k && k->signature_refused && !k->no_signature, "%s", p);
	} else if (streq(c, "KEY_NOT_AUTHORIZED"))
		ck_assert_msg(key_in_state(r, CKEY_REJECTED), "%s: no rejected key", p);
	else if (streq(c, "ACCEPTED")) {
		ck_assert_int_eq(r->result, CR_AUTHENTICATED);
		ck_assert_msg(key_in_state(r, CKEY_USED), "%s: no used key", p);
	} else if (streq(c, "PER_SOURCE_PENALTY") && !*w->fps)
		ck_assert_msg(r->result == CR_BANNER_FAILED && streq(r->banner, "Not allowed at this time"),
			      "%s: result %s", p, client_result_to_string(r->result));
	/* client-side causes only where the log proves them */
	if (!startswith(c, "CLIENT_"))
		for (size_t i = 0; i < r->n_keys; i++)
			ck_assert_msg(r->keys[i].problem == CKP_NONE || r->keys[i].problem == CKP_MISSING ||
				      r->keys[i].problem == CKP_NOT_IN_ALGORITHMS ||
				      (streq(c, "LOGIN_GRACE_TIMEOUT") && r->keys[i].problem == CKP_NONE),
				      "%s: key %zu has problem %s", p, i,
				      client_key_problem_to_string(r->keys[i].problem));
}

START_TEST(test_client_parse_corpus)
{
	load_rows();
	for (size_t i = 0; i < n_rows; i++) {
		const struct row *w = &rows[i];
		_cleanup_(freep) char *data = NULL;
		_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));
		char fps[2048];
		size_t len;
		int ret;

		ck_assert_ptr_nonnull(r);
		data = corpus_read(w->path, &len);
		ck_assert_msg(data, "cannot read %s", w->path);
		ret = client_parse(data, len, r);
		if (is_nc_capture(w)) {
			ck_assert_msg(ret == 0, "%s: nc output taken for an ssh log", w->path);
			continue;
		}
		ck_assert_msg(ret == 1, "%s: ret %d", w->path, ret);
		if (r->paramiko) {
			/* paramiko prints MD5 fingerprints only (checked in test_client_parse_paramiko) */
			ck_assert_int_eq(r->result, CR_AUTHENTICATED);
			ck_assert_uint_eq(r->port, w->port);
			continue;
		}
		if (strstr(data, "Authenticating to "))
			ck_assert_msg(streq(r->user, w->user), "%s: user '%s'", w->path, r->user);
		ck_assert_msg(r->port == w->port, "%s: port %u", w->path, r->port);
		offered_fps(r, fps, sizeof(fps));
		ck_assert_msg(same_fp_set(fps, w->fps), "%s: offered '%s' expected '%s'", w->path, fps, w->fps);
		if (*w->not_sent) {
			const struct client_key *k = key_in_state(r, CKEY_SKIPPED);

			ck_assert_msg(k && strstr(w->not_sent, k->fingerprint) && !k->offered, "%s", w->path);
		}
		ck_assert_msg(r->result != CR_UNKNOWN, "%s: no result", w->path);
		ck_assert_uint_gt(r->result_line, 0);
		check_cause(w, r);
	}
}
END_TEST

START_TEST(test_client_parse_paramiko)
{
	_cleanup_(freep) char *data = NULL, *pub = NULL;
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));
	char sha[FP_MAX], type[KEYTYPE_MAX], md5[FP_MAX], *sp, *e;
	size_t len;

	data = corpus_read("08d-server-accepts-ssh-rsa-legacy-client/info/client.log", &len);
	pub = corpus_read("_keys/alice_rsa2048.pub", NULL);
	ck_assert(data && pub && r);
	sp = strchr(pub, ' ');
	ck_assert_ptr_nonnull(sp);
	e = strchr(sp + 1, ' ');
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(pubkey_fingerprint(sp + 1, (size_t)(e - sp - 1), sha, type, md5), 0);
	ck_assert_int_eq(client_parse(data, len, r), 1);
	ck_assert(r->paramiko);
	ck_assert_str_eq(r->version, "paramiko_2.12.0");
	ck_assert_str_eq(r->addr, "127.0.0.1");
	ck_assert_uint_eq(r->port, 2222);
	ck_assert_str_eq(r->hostkey_type, "ssh-ed25519");
	ck_assert_uint_eq(r->n_keys, 1);
	ck_assert_str_eq(r->keys[0].fingerprint, md5);
	ck_assert_int_eq(r->keys[0].state, CKEY_USED);
	ck_assert_int_eq(r->result, CR_AUTHENTICATED);
}
END_TEST

/* The parts of a report that must not change between variants of one log. */
static void
summary(const struct client_report *r, struct buf *b)
{
	buf_clear(b);
	ck_assert_int_ge(buf_printf(b, "user=%s host=%s port=%u result=%s hk=%s methods=%s denied=%s batch=%d partial=%d\n",
				    r->user, r->host, r->port, client_result_to_string(r->result), r->hostkey_fp,
				    r->methods, r->denied_methods, r->batch_mode, r->partial_success), 0);
	ck_assert_int_ge(buf_printf(b, "family=%s windows=%d succeeded=%s user_source=%s kind=%s sv=%s acl=%s\n",
				    client_family_to_string(r->family), r->windows, r->succeeded_method,
				    client_user_source_to_string(r->user_source),
				    client_input_kind_to_string(r->input_kind), r->server_version, r->acl_account), 0);
	for (size_t i = 0; i < r->n_keys; i++) {
		const struct client_key *k = &r->keys[i];

		ck_assert_int_ge(buf_printf(b, "key %s %s %s offered=%d cert=%d problem=%s%s\n", k->fingerprint,
					    k->type, client_key_state_to_string(k->state), k->offered,
					    k->certificate, client_key_problem_to_string(k->problem),
					    k->problem_inferred ? "?" : ""), 0);
	}
}

enum variant {
	V_CRLF,
	V_UTF16LE_BOM,
	V_UTF16BE_BOM,
	V_UTF16LE_NOBOM,
	V_UTF8_BOM_CR,
	V_PROSE,
	_V_MAX,
};

static void
make_variant(enum variant v, const char *s, size_t n, struct buf *out)
{
	buf_clear(out);
	if (v == V_UTF16LE_BOM)
		ck_assert_int_ge(buf_append(out, "\xff\xfe", 2), 0);
	if (v == V_UTF16BE_BOM)
		ck_assert_int_ge(buf_append(out, "\xfe\xff", 2), 0);
	if (v == V_UTF8_BOM_CR)
		ck_assert_int_ge(buf_append(out, "\xef\xbb\xbf", 3), 0);
	if (v == V_PROSE)
		ck_assert_int_ge(buf_puts(out, "Hi Bob,\n\nhere is the log you asked for:\n\n"), 0);
	for (size_t i = 0, ln = 0; i < n; i++, ln++) {
		const char *e = memchr(s + i, '\n', n - i);
		size_t l = e ? (size_t)(e - s - i) : n - i;

		if (v == V_PROSE) {
			/* mixes: "> " quoting, 4-space indentation, a logger's time stamp */
			static const char *const pre[] = { "> ", "    ", "[2026-11-22 10:02:01] ", ">> ",
							   "2026-11-22T10:02:01.123Z " };

			ck_assert_int_ge(buf_puts(out, pre[ln % ELEMENTSOF(pre)]), 0);
			ck_assert_int_ge(buf_append(out, s + i, l), 0);
			ck_assert_int_ge(buf_append(out, "\n", 1), 0);
		} else if (v == V_CRLF || v == V_UTF8_BOM_CR) {
			ck_assert_int_ge(buf_append(out, s + i, l), 0);
			ck_assert_int_ge(buf_append(out, v == V_CRLF ? "\r\n" : "\r", v == V_CRLF ? 2 : 1), 0);
		} else {
			for (size_t k = 0; k <= l; k++) {
				unsigned char c = k < l ? (unsigned char)s[i + k] : '\n';
				char u[2];

				/* ASCII as UTF-16; other bytes Latin-1 (the corpus is ASCII) */
				if (v == V_UTF16BE_BOM) {
					u[0] = 0;
					u[1] = (char)c;
				} else {
					u[0] = (char)c;
					u[1] = 0;
				}
				ck_assert_int_ge(buf_append(out, u, 2), 0);
			}
		}
		i += l;
	}
	if (v == V_PROSE)
		ck_assert_int_ge(buf_puts(out, "\nThanks,\nAlice\n-- \nsent from my phone\n"), 0);
}

START_TEST(test_client_parse_variants)
{
	struct buf var, a, b;

	load_rows();
	buf_init(&var);
	buf_init(&a);
	buf_init(&b);
	for (size_t i = 0; i < n_rows; i++) {
		_cleanup_(freep) char *data = NULL;
		_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r)), *r2 = calloc(1, sizeof(*r2));
		size_t len;

		if (is_nc_capture(&rows[i]))
			continue;
		data = corpus_read(rows[i].path, &len);
		ck_assert(data && r && r2);
		ck_assert_int_eq(client_parse(data, len, r), 1);
		summary(r, &a);
		for (int v = 0; v < _V_MAX; v++) {
			make_variant((enum variant)v, data, len, &var);
			ck_assert_msg(client_parse(var.data, var.len, r2) == 1, "%s variant %d", rows[i].path, v);
			summary(r2, &b);
			ck_assert_msg(streq(a.data, b.data), "%s variant %d:\n%s---\n%s", rows[i].path, v, a.data,
				      b.data);
			ck_assert(r2->utf16 == (v == V_UTF16LE_BOM || v == V_UTF16BE_BOM || v == V_UTF16LE_NOBOM));
			if (v == V_CRLF || v == V_UTF16LE_BOM) {
				/* line numbers survive the encodings */
				ck_assert_uint_eq(r2->result_line, r->result_line);
				ck_assert_uint_eq(r2->n_lines, r->n_lines);
			}
		}
	}
	buf_release(&var);
	buf_release(&a);
	buf_release(&b);
}
END_TEST

/* Only the lines from the first "Authentications that can continue" to
 * "Permission denied": user from "U@H: Permission denied", the keys offered. */
START_TEST(test_client_parse_partial)
{
	unsigned done = 0;

	load_rows();
	for (size_t i = 0; i < n_rows; i++) {
		_cleanup_(freep) char *data = NULL;
		_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r)), *full = calloc(1, sizeof(*full));
		const char *s, *e;
		char fps[2048], ffps[2048];
		size_t len;

		data = corpus_read(rows[i].path, &len);
		ck_assert(data && r && full);
		s = strstr(data, "debug1: Authentications that can continue");
		e = strstr(data, ": Permission denied (");
		if (!s || !e || e < s)
			continue;
		e = strchr(e, '\n');
		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(client_parse(data, len, full), 1);
		ck_assert_int_eq(client_parse(s, (size_t)(e + 1 - s), r), 1);
		ck_assert_str_eq(r->user, rows[i].user);
		ck_assert_int_eq(r->result, CR_PERMISSION_DENIED);
		offered_fps(r, fps, sizeof(fps));
		offered_fps(full, ffps, sizeof(ffps));
		ck_assert_msg(same_fp_set(fps, ffps), "%s: '%s' vs '%s'", rows[i].path, fps, ffps);
		done++;
	}
	ck_assert_uint_gt(done, 80);
}
END_TEST

/* "Permissions 0644 for 'PATH' are too open.": the path between the quotes;
 * a line with one quote right before " are too open." has no path (the
 * fuzzer's input read past the buffer there). */
START_TEST(test_client_parse_perms_too_open_quotes)
{
	static const char *const logs[] = {
		"OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023\n"
		"debug1: Connecting to 192.0.2.1 [192.0.2.1] port 22.\n"
		"Permissions 0644 for '/home/alice/.ssh/id_ed25519' are too open.\n"
		"alice@192.0.2.1: Permission denied (publickey).\n",
		"OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023\n"
		"debug1: Connecting to 192.0.2.1 [192.0.2.1] port 22.\n"
		"Permissions 0644 for ' are too open.\n"
		"Permissions 0644 for '' are too open.\n"
		"Permissions 0644 for are too open.'\n"
		"alice@192.0.2.1: Permission denied (publickey).\n",
	};

	for (size_t i = 0; i < ELEMENTSOF(logs); i++) {
		_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));

		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(client_parse(logs[i], strlen(logs[i]), r), 1);
		ck_assert_int_eq(r->result, CR_PERMISSION_DENIED);
		if (i == 0)
			ck_assert(has_problem(r, CKP_BAD_PERMISSIONS));
	}
}
END_TEST

/* Windows client: version string and doubled backslashes (vis) in paths. */
START_TEST(test_client_parse_windows)
{
	_cleanup_(freep) char *data = NULL;
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));
	struct buf w;
	size_t len;
	const char *from = "/tmp/sshlab/keys/alice_ed25519";
	const char *to = "C:\\\\Users\\\\alice\\\\.ssh\\\\id_ed25519";

	data = corpus_read("02-key-not-in-authorized-keys/info/client.log", &len);
	ck_assert(data && r);
	buf_init(&w);
	for (size_t i = 0; i < len;) {
		if (startswith(data + i, "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.22 25 Aug 2026")) {
			ck_assert_int_ge(buf_puts(&w, "OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2"), 0);
			i += strlen("OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.22 25 Aug 2026");
		} else if (strneq(data + i, from, strlen(from))) {
			ck_assert_int_ge(buf_puts(&w, to), 0);
			i += strlen(from);
		} else if (data[i] == '\n') {
			ck_assert_int_ge(buf_append(&w, "\r\n", 2), 0);
			i++;
		} else
			ck_assert_int_ge(buf_append(&w, data + i++, 1), 0);
	}
	ck_assert_int_eq(client_parse(w.data, w.len, r), 1);
	ck_assert_str_eq(r->version, "OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2");
	ck_assert_str_eq(r->user, "alice");
	ck_assert_uint_eq(r->n_keys, 1);
	ck_assert_str_eq(r->keys[0].source, "C:\\Users\\alice\\.ssh\\id_ed25519");
	ck_assert_str_eq(r->keys[0].fingerprint, "SHA256:/37eZ2DybBswSKKshFei2NSjDzTsOqtuIxCBf3Xr774");
	ck_assert_int_eq(r->keys[0].state, CKEY_REJECTED);
	ck_assert(r->keys[0].explicit_file);
	ck_assert_int_eq(r->result, CR_PERMISSION_DENIED);
	buf_release(&w);
}
END_TEST

/* Older and other wordings (openssh-messages.md §4.3-4.5). */
START_TEST(test_client_parse_old_formats)
{
	static const char log74[] =
		"OpenSSH_7.4p1, OpenSSL 1.0.2k-fips  26 Jan 2017\n"
		"debug1: Connecting to web1 [198.51.100.10] port 22.\n"
		"debug1: identity file /home/alice/.ssh/id_rsa type 1\n"
		"debug1: Authenticating to web1:22 as 'alice'\n"
		"debug2: key: /home/alice/.ssh/id_rsa (0x55d0c3a1b2c0)\n"
		"debug2: key: alice@laptop (0x55d0c3a1b3d0), agent\n"
		"debug1: Authentications that can continue: publickey\n"
		"debug1: Next authentication method: publickey\n"
		"debug1: Offering RSA public key: alice@laptop\n"
		"debug1: Authentications that can continue: publickey\n"
		"debug1: Offering RSA public key: /home/alice/.ssh/id_rsa\n"
		"debug1: Server accepts key: pkalg rsa-sha2-512 blen 279\n"
		"debug2: input_userauth_pk_ok: fp SHA256:JiMZoxWpM6iUQHwUb+EnOB9BvZX9zAm5+4L76ovH7lo\n"
		"debug1: Authentication succeeded (publickey).\n"
		"Authenticated to web1 ([198.51.100.10]:22).\n";
	static const char log77[] =
		"OpenSSH_7.7p1 Ubuntu-4ubuntu0.3, OpenSSL 1.0.2n  7 Dec 2017\n"
		"debug1: Authenticating to h:2200 as 'bob'\n"
		"debug1: Offering public key: ED25519 SHA256:mUviN59eSQhmX9tE2IggvPDZ8yCZIZ++J07PqItW3po /home/bob/.ssh/id_ed25519\n"
		"debug1: Authentications that can continue: publickey\n"
		"debug1: Skipping ssh-dss key /home/bob/.ssh/id_dsa - not in PubkeyAcceptedKeyTypes\n"
		"Received disconnect from 192.0.2.7 port 2200:2: Too many authentication failures\n"
		"Disconnected from 192.0.2.7 port 2200\n";
	static const char changed[] =
		"debug1: Server host key: ecdsa-sha2-nistp256 SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		"The fingerprint for the ECDSA key sent by the remote host is\n"
		"SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB.\n"
		"Host key for web1 has changed and you have requested strict checking.\n"
		"Host key verification failed.\n";
	static const char tty[] =
		"debug1: Authenticating to h:22 as 'carol'\n"
		"debug1: Will attempt key: /home/carol/.ssh/id_ed25519 ED25519 SHA256:mUviN59eSQhmX9tE2IggvPDZ8yCZIZ++J07PqItW3po\n"
		"debug1: Offering public key: /home/carol/.ssh/id_ed25519 ED25519 SHA256:mUviN59eSQhmX9tE2IggvPDZ8yCZIZ++J07PqItW3po\n"
		"debug1: Server accepts key: /home/carol/.ssh/id_ed25519 ED25519 SHA256:mUviN59eSQhmX9tE2IggvPDZ8yCZIZ++J07PqItW3po\n"
		"debug1: read_passphrase: can't open /dev/tty: No such device or address\n"
		"debug2: no passphrase given, try next key\n"
		"sign_and_send_pubkey: signing failed for ED25519 \"/x\" from agent: agent refused operation\n"
		"debug2: we did not send a packet, disable method\n"
		"carol@h: Permission denied (publickey).\n";
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(client_parse(log74, strlen(log74), r), 1);
	ck_assert_str_eq(r->user, "alice");
	ck_assert_uint_eq(r->port, 22);
	ck_assert_uint_eq(r->n_keys, 2);
	ck_assert_str_eq(r->keys[0].source, "/home/alice/.ssh/id_rsa");
	ck_assert_int_eq(r->keys[0].state, CKEY_USED);
	ck_assert_str_eq(r->keys[0].fingerprint, "SHA256:JiMZoxWpM6iUQHwUb+EnOB9BvZX9zAm5+4L76ovH7lo");
	ck_assert_str_eq(r->keys[1].source, "alice@laptop");
	ck_assert(r->keys[1].agent);
	ck_assert_str_eq(r->keys[1].type, "RSA");
	ck_assert_int_eq(r->keys[1].state, CKEY_REJECTED);
	ck_assert_int_eq(r->result, CR_AUTHENTICATED);

	ck_assert_int_eq(client_parse(log77, strlen(log77), r), 1);
	ck_assert_uint_eq(r->port, 2200);
	ck_assert_str_eq(r->keys[0].type, "ED25519");
	ck_assert_str_eq(r->keys[0].source, "/home/bob/.ssh/id_ed25519");
	ck_assert_int_eq(r->keys[0].state, CKEY_REJECTED);
	ck_assert_int_eq(r->keys[1].state, CKEY_SKIPPED);
	ck_assert_int_eq(r->keys[1].problem, CKP_NOT_IN_ALGORITHMS);
	ck_assert_int_eq(r->result, CR_TOO_MANY_FAILURES);
	ck_assert_str_eq(r->addr, "192.0.2.7");

	ck_assert_int_eq(client_parse(changed, strlen(changed), r), 1);
	ck_assert(r->hostkey_changed);
	ck_assert_str_eq(r->hostkey_fp, "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
	ck_assert_int_eq(r->result, CR_HOSTKEY_FAILED);
	ck_assert_uint_eq(r->result_line, 8);

	ck_assert_int_eq(client_parse(tty, strlen(tty), r), 1);
	ck_assert(r->batch_mode);
	ck_assert_int_eq(r->keys[0].problem, CKP_ENCRYPTED_NO_PROMPT);
	ck_assert(!r->keys[0].problem_inferred);
	ck_assert_uint_eq(r->keys[0].problem_line, 6);
	ck_assert(r->keys[0].no_signature);
}
END_TEST

START_TEST(test_client_parse_not_a_log)
{
	static const char *const texts[] = {
		"Hello,\nI cannot log in, it says permission denied. Can you help?\n",
		"",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C7okWi0dh2l9GKJl alice@x\n",
	};
	static const char *const files[] = {
		"README.md",
		"02-key-not-in-authorized-keys/verbose/auth.log",
		"02-key-not-in-authorized-keys/verbose/auth-traditional.log",
		"14a-logingracetime-idle-tcp/info/client.log",
	};
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
		ck_assert_int_eq(client_parse(texts[i], strlen(texts[i]), r), 0);
		ck_assert_uint_eq(r->n_keys, 0);
	}
	ck_assert_int_eq(client_parse(NULL, 0, r), 0);
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_(freep) char *data = NULL;
		size_t len;

		data = corpus_read(files[i], &len);
		ck_assert_msg(data, "%s", files[i]);
		ck_assert_msg(client_parse(data, len, r) == 0, "%s", files[i]);
	}
}
END_TEST

static uint64_t rng = 0x9e3779b97f4a7c15;

static unsigned
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)rng;
}

START_TEST(test_client_parse_hostile)
{
	_cleanup_(freep) char *data = NULL, *big = NULL, *mut = NULL;
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));
	struct buf out;
	size_t len, bl = 1024 * 1024 + 100;
	int ret;

	data = corpus_read("10-too-many-authentication-failures/debug1/client.log", &len);
	ck_assert(data && r);
	buf_init(&out);

	/* a 1 MiB line, then a real line: the line is cut, the next one counts */
	big = malloc(bl);
	ck_assert_ptr_nonnull(big);
	memset(big, 'A', bl);
	memcpy(big, "debug1: Offering public key: ", 29);
	memcpy(big + bl - 60, "\ndebug1: Authenticating to h:22 as 'x'\nPermission denied (a)", 60);
	ck_assert_int_eq(client_parse(big, bl, r), 1);
	ck_assert_str_eq(r->user, "x");
	ck_assert_uint_eq(r->n_lines, 3);
	ck_assert_int_ge(client_redact(big, bl, &out), 0);
	ck_assert_uint_lt(out.len, 16384);

	/* NUL bytes, invalid UTF-8, escape sequences inside real lines */
	{
		static const char nasty[] =
			"debug1: Authenticating to h:22 as 'ev\x1b[31mil\x00\xff\xfe'\n"
			"\x1b]0;title\x07\x1b[2Jdebug1: Offering public key: /a\x00b ED25519 SHA256:mUviN59eSQhmX9tE2IggvPDZ8yCZIZ++J07PqItW3po\n"
			"\xc3\x28\xa0\xa1\xf0\x28\x8c\xbc \xe2\x82\x28 Permission denied (publickey).\n"
			"\\777\\\\\\";

		ret = client_parse(nasty, sizeof(nasty) - 1, r);
		ck_assert_int_eq(ret, 1);
		ck_assert_str_eq(r->user, "evil\xff\xfe");
		for (const char *p = r->user; *p; p++)
			ck_assert((unsigned char)*p >= 0x20);
	}

	/* every prefix of a real log; random mutations of it */
	for (size_t n = 0; n <= len; n += 1 + n / 64)
		ck_assert_int_ge(client_parse(data, n, r), 0);
	mut = malloc(len);
	ck_assert_ptr_nonnull(mut);
	for (int round = 0; round < 400; round++) {
		memcpy(mut, data, len);
		for (int k = 0; k < 1 + round % 50; k++) {
			size_t at = rnd() % len;

			switch (rnd() % 4) {
			case 0: mut[at] = (char)(rnd() & 0xff); break;
			case 1: mut[at] = '\0'; break;
			case 2: mut[at] = '\r'; break;
			default: mut[at] = "'\"\\@ :[]()"[rnd() % 10]; break;
			}
		}
		ret = client_parse(mut, len, r);
		ck_assert(ret == 0 || ret == 1);
		ck_assert_uint_le(r->n_keys, CLIENT_MAX_KEYS);
		buf_clear(&out);
		ck_assert_int_ge(client_redact(mut, len, &out), 0);
		ck_assert_int_ge(client_parse_keys(mut, len, r), 0);
		/* odd lengths for the UTF-16 path */
		ret = client_parse(mut + 1, len - 1, r);
		ck_assert(ret == 0 || ret == 1);
	}
	/* UTF-16 with a lone surrogate and an odd byte at the end */
	{
		static const char u16[] = "\xff\xfe" "d\0e\0" "\x00\xd8" "\n\0" "x";

		ck_assert_int_ge(client_parse(u16, sizeof(u16) - 1, r), 0);
		ck_assert(r->utf16);
	}
	buf_release(&out);
}
END_TEST

START_TEST(test_client_parse_key_limit)
{
	struct buf b;
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	buf_init(&b);
	for (int i = 0; i < 100; i++)
		ck_assert_int_ge(buf_printf(&b, "debug1: Will attempt key: /k/%d \n", i), 0);
	ck_assert_int_eq(client_parse(b.data, b.len, r), 1);
	ck_assert_uint_eq(r->n_keys, CLIENT_MAX_KEYS);
	ck_assert_uint_eq(r->keys_dropped, 100 - CLIENT_MAX_KEYS);
	buf_release(&b);
}
END_TEST

/* Run a command, first line of its output into out. false if it failed. */
static bool
run_first_line(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	bool ok;

	if (!p)
		return false;
	ok = fgets(out, (int)cap, p) != NULL;
	if (pclose(p) != 0)
		ok = false;
	if (ok)
		out[strcspn(out, "\n")] = '\0';
	return ok;
}

/* Every public key and certificate of the corpus vs ssh-keygen -l / -E md5
 * (fingerprints.tsv when ssh-keygen is missing). */
START_TEST(test_pubkey_fingerprint_vs_ssh_keygen)
{
	static const char *const names[] = {
		"alice-cert-expired-cert.pub", "alice-cert-rogueca-cert.pub", "alice-cert-valid-cert.pub",
		"alice-cert-wrongprincipal-cert.pub", "alice_certkey_ed25519.pub", "alice_ecdsa.pub",
		"alice_ed25519.pub", "alice_pem_rsa.pub", "alice_rsa2048.pub", "bob_rsa2048.pub",
		"heidi_ecdsa.pub", "rogue_ca.pub", "ssh_host_ecdsa_key.pub", "ssh_host_rsa_key.pub",
		"user_ca.pub", "stray1.pub",
	};
	bool have_keygen = system("ssh-keygen -? >/dev/null 2>&1; command -v ssh-keygen >/dev/null") == 0;
	unsigned certs = 0;

	if (!have_keygen)
		fprintf(stderr, "ssh-keygen not found: comparing with fingerprints.tsv only\n");
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		_cleanup_(freep) char *pub = NULL;
		char rel[256], sha[FP_MAX], type[KEYTYPE_MAX], md5[FP_MAX], line[1024], want[1024], cmd[2048];
		char *sp, *e;

		snprintf(rel, sizeof(rel), "_keys/%s", names[i]);
		pub = corpus_read(rel, NULL);
		ck_assert_msg(pub, "%s", rel);
		sp = strchr(pub, ' ');
		ck_assert_ptr_nonnull(sp);
		e = sp + 1 + strcspn(sp + 1, " \n");
		ck_assert_int_eq(pubkey_fingerprint(sp + 1, (size_t)(e - sp - 1), sha, type, md5), 0);
		certs += strstr(type, "-CERT") != NULL;
		if (!have_keygen)
			continue;
		snprintf(cmd, sizeof(cmd), "ssh-keygen -lf '%s/%s'", corpus_dir(), rel);
		ck_assert(run_first_line(cmd, line, sizeof(line)));
		snprintf(want, sizeof(want), " %s ", sha);
		ck_assert_msg(strstr(line, want), "%s: %s vs %s", names[i], sha, line);
		snprintf(want, sizeof(want), "(%s)", type);
		ck_assert_msg(strstr(line, want), "%s: type %s vs %s", names[i], type, line);
		snprintf(cmd, sizeof(cmd), "ssh-keygen -E md5 -lf '%s/%s'", corpus_dir(), rel);
		ck_assert(run_first_line(cmd, line, sizeof(line)));
		snprintf(want, sizeof(want), " %s ", md5);
		ck_assert_msg(strstr(line, want), "%s: %s vs %s", names[i], md5, line);
	}
	ck_assert_uint_eq(certs, 4);
}
END_TEST

START_TEST(test_pubkey_fingerprint_invalid)
{
	char sha[FP_MAX], type[KEYTYPE_MAX];
	static const char *const bad[] = {
		"", "A", "AAAA", "!!!!", "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C7okWi0dh2l9GKJ",
		"AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C7okWi0dh2l9GKJlAA==",
		"AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C7okWi0dh2l9GKJl=A",
		"AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29t",   /* cert name, nothing else */
		"/////w==",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_msg(pubkey_fingerprint(bad[i], strlen(bad[i]), sha, type, NULL) < 0, "%zu", i);
	ck_assert_int_eq(pubkey_fingerprint("AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C7okWi0dh2l9GKJl",
					    68, sha, type, NULL), 0);
	ck_assert_str_eq(type, "ED25519");
	ck_assert_uint_eq(strlen(sha), 7 + 43);
}
END_TEST

START_TEST(test_client_parse_keys_inputs)
{
	_cleanup_(freep) char *pub = NULL, *cert = NULL;
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));
	struct buf b;

	pub = corpus_read("_keys/alice_ed25519.pub", NULL);
	cert = corpus_read("_keys/alice-cert-valid-cert.pub", NULL);
	ck_assert(pub && cert && r);
	buf_init(&b);
	ck_assert_int_ge(buf_printf(&b, "Here are my keys:\n%s", pub), 0);
	ck_assert_int_ge(buf_printf(&b, "from=\"10.0.0.0/8,192.0.2.1\",command=\"echo a b\",no-pty %s", pub), 0);
	ck_assert_int_ge(buf_printf(&b, "> %s", cert), 0);
	ck_assert_int_ge(buf_puts(&b, "2048 SHA256:elNcwWyxevqKT1j2AKzfgSeopBR+Q54KKP3M+plBEnQ alice@legacy rsa (RSA)\n"), 0);
	ck_assert_int_ge(buf_puts(&b, "2048 MD5:45:df:37:18:65:e1:d6:ff:d6:84:71:6d:c7:b2:25:c2 alice@legacy-rsa (RSA)\n"), 0);
	ck_assert_int_ge(buf_puts(&b, "  SHA256:M0R0CkahCw87KvO5ry51TesNNFgGJYAOtR0brWpr5qs\n"), 0);
	ck_assert_int_ge(buf_puts(&b, "no key here\nssh-ed25519 AAAAbroken comment\n"), 0);
	ck_assert_int_eq(client_parse_keys(b.data, b.len, r), 5);
	ck_assert_str_eq(r->keys[0].fingerprint, "SHA256:/37eZ2DybBswSKKshFei2NSjDzTsOqtuIxCBf3Xr774");
	ck_assert_str_eq(r->keys[0].type, "ED25519");
	ck_assert_str_eq(r->keys[0].source, "alice@laptop");
	ck_assert_int_eq(r->keys[0].state, CKEY_LISTED);
	ck_assert_str_eq(r->keys[1].fingerprint, "SHA256:joMz5In/yOQPLZ/DT8X+sp2y76WXnhtsoNbJUnJ8Xos");
	ck_assert_str_eq(r->keys[1].type, "ED25519-CERT");
	ck_assert(r->keys[1].certificate);
	ck_assert_str_eq(r->keys[2].type, "RSA");
	ck_assert_str_eq(r->keys[2].source, "alice@legacy rsa");
	ck_assert_str_eq(r->keys[3].fingerprint, "MD5:45:df:37:18:65:e1:d6:ff:d6:84:71:6d:c7:b2:25:c2");
	ck_assert_str_eq(r->keys[4].fingerprint, "SHA256:M0R0CkahCw87KvO5ry51TesNNFgGJYAOtR0brWpr5qs");
	/* appends: a second call adds nothing new */
	ck_assert_int_eq(client_parse_keys(pub, strlen(pub), r), 0);
	buf_release(&b);
}
END_TEST

/* redact keeps what matching needs: parsing the excerpt gives the same
 * user, target, keys (fingerprints, states, problems) and result. */
START_TEST(test_client_redact_round_trip)
{
	struct buf red, a, b;

	load_rows();
	buf_init(&red);
	buf_init(&a);
	buf_init(&b);
	for (size_t i = 0; i < n_rows; i++) {
		_cleanup_(freep) char *data = NULL;
		_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r)), *r2 = calloc(1, sizeof(*r2));
		size_t len;

		if (is_nc_capture(&rows[i]))
			continue;
		data = corpus_read(rows[i].path, &len);
		ck_assert(data && r && r2);
		ck_assert_int_eq(client_parse(data, len, r), 1);
		buf_clear(&red);
		ck_assert_int_ge(client_redact(data, len, &red), 0);
		ck_assert_int_eq(client_parse(red.data, red.len, r2), 1);
		summary(r, &a);
		summary(r2, &b);
		ck_assert_msg(streq(a.data, b.data), "%s:\n%s---\n%s", rows[i].path, a.data, b.data);
		ck_assert_uint_lt(red.len, len);
		ck_assert_msg(!strstr(red.data, "/tmp/") && !strstr(red.data, "/root/") &&
			      !strstr(red.data, "/home/"), "%s: a local path survived", rows[i].path);
		ck_assert_msg(!strstr(red.data, "@laptop"), "%s: a client host name survived", rows[i].path);
		ck_assert(!strstr(red.data, "Reading configuration"));
		ck_assert(!strstr(red.data, "KEXINIT"));
		ck_assert(!strstr(red.data, "setting env"));
		ck_assert(!strstr(red.data, "SSH_CONNECTION="));
	}
	buf_release(&red);
	buf_release(&a);
	buf_release(&b);
}
END_TEST

START_TEST(test_client_redact_lines)
{
	static const char in[] =
		"Hi, here is the log:\n"
		"debug1: Reading configuration data /home/alice/.ssh/config\n"
		"debug1: Authenticating to web1:22 as 'alice'\n"
		"debug1: Will attempt key: alice@laptop ED25519 SHA256:mUviN59eSQhmX9tE2IggvPDZ8yCZIZ++J07PqItW3po agent\n"
		"debug1: Offering public key: C:\\\\Users\\\\Alice Smith\\\\.ssh\\\\id_ed25519 ED25519 SHA256:JiMZoxWpM6iUQHwUb+EnOB9BvZX9zAm5+4L76ovH7lo explicit\n"
		"Load key \"/home/alice/.ssh/id_rsa\": bad permissions\n"
		"debug1: channel 0: setting env LANG = \"C.UTF-8\"\n"
		"alice@web1: Permission denied (publickey).\n";
	struct buf out;

	buf_init(&out);
	ck_assert_int_ge(client_redact(in, strlen(in), &out), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "debug1: Authenticating to web1:22 as 'alice'\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "debug1: Will attempt key: alice@host-"));
	ck_assert_ptr_nonnull(strstr(out.data, "debug1: Offering public key: id_ed25519 ED25519 SHA256:JiMZ"));
	ck_assert_ptr_nonnull(strstr(out.data, "Load key \"id_rsa\": bad permissions\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "alice@web1: Permission denied (publickey).\n"));
	ck_assert_ptr_null(strstr(out.data, "laptop"));
	ck_assert_ptr_null(strstr(out.data, "Smith"));
	ck_assert_ptr_null(strstr(out.data, "Hi, here"));
	ck_assert_ptr_null(strstr(out.data, "LANG"));
	ck_assert_ptr_null(strstr(out.data, "config"));
	buf_release(&out);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Client families (issue 16): one fixture each in data/client/, see its
 * README for which were captured for real and which were written from the
 * clients' format strings. */

struct family_case {
	const char *file;
	int rc;
	enum client_input_kind kind;
	enum client_family family;
	bool windows;
	const char *user;
	enum client_user_source user_source;
	const char *host;
	unsigned port;
	const char *version;            /* prefix */
	const char *server_version;
	const char *succeeded;
	enum client_result result;
	int key_state;                  /* of keys[0]; -1: no key */
	enum client_key_problem key_problem;
	bool hostkey;                   /* hostkey_fp is set and printed in the file */
};

static const struct family_case family_cases[] = {
	/* real captures (capture.sh) */
	{ "openssh92-rsa-refused-password-ok-real.txt", 1, CIK_CLIENT_LOG, CF_OPENSSH_UNIX, false, "sshwhy-cp",
	  CUS_AUTHENTICATING, "127.0.0.1", 22722, "OpenSSH_9.2p1", "OpenSSH_9.2p1 Debian-2+deb12u10", "password",
	  CR_AUTHENTICATED, CKEY_REJECTED, CKP_NONE, true },
	{ "openssh92-ed25519-ok-ipv6-real.txt", 1, CIK_CLIENT_LOG, CF_OPENSSH_UNIX, false, "sshwhy-cp",
	  CUS_AUTHENTICATING, "::1", 22722, "OpenSSH_9.2p1", "OpenSSH_9.2p1 Debian-2+deb12u10", "publickey",
	  CR_AUTHENTICATED, CKEY_USED, CKP_NONE, true },
	{ "openssh92-password-denied-real.txt", 1, CIK_CLIENT_LOG, CF_OPENSSH_UNIX, false, "sshwhy-cp",
	  CUS_AUTHENTICATING, "localhost", 22722, "OpenSSH_9.2p1", "OpenSSH_9.2p1 Debian-2+deb12u10", "",
	  CR_PERMISSION_DENIED, CKEY_LISTED, CKP_NONE, true },
	{ "plink078-rsa-refused-password-ok-real.txt", 1, CIK_CLIENT_LOG, CF_PUTTY, true, "sshwhy-cp",
	  CUS_PUTTY, "127.0.0.1", 22722, "PuTTY_Release_0.78", "OpenSSH_9.2p1 Debian-2+deb12u10", "password",
	  CR_AUTHENTICATED, CKEY_REJECTED, CKP_NONE, true },
	{ "plink078-ed25519-ok-real.txt", 1, CIK_CLIENT_LOG, CF_PUTTY, true, "sshwhy-cp",
	  CUS_PUTTY, "127.0.0.1", 22722, "PuTTY_Release_0.78", "OpenSSH_9.2p1 Debian-2+deb12u10", "publickey",
	  CR_AUTHENTICATED, CKEY_USED, CKP_NONE, true },
	{ "plink078-key-refused-batch-real.txt", 1, CIK_CLIENT_LOG, CF_PUTTY, true, "sshwhy-cp",
	  CUS_PUTTY, "127.0.0.1", 22722, "PuTTY_Release_0.78", "OpenSSH_9.2p1 Debian-2+deb12u10", "",
	  CR_PERMISSION_DENIED, CKEY_REJECTED, CKP_NONE, true },
	{ "paramiko212-rsa-refused-password-ok-real.txt", 1, CIK_CLIENT_LOG, CF_PARAMIKO, false, "",
	  CUS_NONE, "", 22722, "paramiko_2.12.0", "OpenSSH_9.2p1 Debian-2+deb12u10", "password",
	  CR_AUTHENTICATED, CKEY_REJECTED, CKP_NONE, false },
	/* written from the format strings */
	{ "openssh-windows-info-password-prompt.txt", 1, CIK_CLIENT_LOG, CF_OPENSSH_WINDOWS, true, "alice",
	  CUS_PROMPT, "files.example.com", 2222, "", "", "", CR_UNKNOWN, -1, CKP_NONE, false },
	{ "openssh-windows-acl-then-password.txt", 1, CIK_CLIENT_LOG, CF_OPENSSH_WINDOWS, true, "alice",
	  CUS_AUTHENTICATING, "files.example.com", 2222, "OpenSSH_for_Windows_9.5p1", "OpenSSH_7.9p1 Debian-10+deb10u2",
	  "password", CR_AUTHENTICATED, CKEY_ACCEPTED, CKP_BAD_PERMISSIONS, true },
	{ "openssh-windows-utf16le-bom.txt", 1, CIK_CLIENT_LOG, CF_OPENSSH_WINDOWS, true, "alice",
	  CUS_AUTHENTICATING, "files.example.com", 2222, "OpenSSH_for_Windows_9.5p1", "OpenSSH_7.9p1 Debian-10+deb10u2",
	  "password", CR_AUTHENTICATED, CKEY_ACCEPTED, CKP_BAD_PERMISSIONS, true },
	{ "openssh-macos-denied.txt", 1, CIK_CLIENT_LOG, CF_OPENSSH_UNIX, false, "deploy",
	  CUS_AUTHENTICATING, "build.example.com", 22, "OpenSSH_9.0p1, LibreSSL", "OpenSSH_8.4p1 Debian-5+deb11u3", "",
	  CR_PERMISSION_DENIED, CKEY_REJECTED, CKP_NONE, true },
	{ "openssh-gitbash-ok.txt", 1, CIK_CLIENT_LOG, CF_OPENSSH_UNIX, true, "git",
	  CUS_AUTHENTICATING, "git.example.com", 2222, "OpenSSH_9.6p1", "OpenSSH_9.6p1 Ubuntu-3ubuntu13.5", "publickey",
	  CR_AUTHENTICATED, CKEY_USED, CKP_NONE, true },
	{ "openssh74-rsa-refused-password-ok.txt", 1, CIK_CLIENT_LOG, CF_OPENSSH_UNIX, false, "bob",
	  CUS_AUTHENTICATING, "10.0.0.5", 22, "OpenSSH_7.4p1", "OpenSSH_7.9p1 Debian-10+deb10u2", "password",
	  CR_AUTHENTICATED, CKEY_REJECTED, CKP_NONE, true },
	{ "openssh10-no-mutual-signature.txt", 1, CIK_CLIENT_LOG, CF_OPENSSH_UNIX, false, "hype",
	  CUS_AUTHENTICATING, "10.129.232.136", 2201, "OpenSSH_10.0p2", "OpenSSH_5.9p1 Debian-5ubuntu1.10", "",
	  CR_UNKNOWN, CKEY_ACCEPTED, CKP_NO_MUTUAL_SIGNATURE, true },
	{ "openssh-info-no-mutual-signature.txt", 1, CIK_CLIENT_LOG, CF_OPENSSH_UNIX, false, "hype",
	  CUS_DENIED, "10.129.232.136", 0, "", "", "", CR_PERMISSION_DENIED, CKEY_SKIPPED, CKP_NO_MUTUAL_SIGNATURE,
	  false },
	{ "putty-eventlog-window-japanese.txt", 1, CIK_CLIENT_LOG, CF_PUTTY, true, "tanaka",
	  CUS_PUTTY, "srv01.example.jp", 22, "PuTTY_Release_0.81", "OpenSSH_8.9p1 Ubuntu-3ubuntu0.6", "",
	  CR_PERMISSION_DENIED, CKEY_REJECTED, CKP_NONE, true },
	/* not client logs */
	{ "server-log-syslog.txt", 0, CIK_SERVER_LOG, CF_UNKNOWN, false, "", CUS_NONE, "", 0, "", "", "",
	  CR_UNKNOWN, -1, CKP_NONE, false },
	{ "server-log-bare.txt", 0, CIK_SERVER_LOG, CF_UNKNOWN, false, "", CUS_NONE, "", 0, "", "", "",
	  CR_UNKNOWN, -1, CKP_NONE, false },
	{ "known-hosts.txt", 0, CIK_KNOWN_HOSTS, CF_UNKNOWN, false, "", CUS_NONE, "", 0, "", "", "",
	  CR_UNKNOWN, -1, CKP_NONE, false },
	{ "private-key-pasted.txt", 0, CIK_PRIVATE_KEY, CF_UNKNOWN, false, "", CUS_NONE, "", 0, "", "", "",
	  CR_UNKNOWN, -1, CKP_NONE, false },
};

static char *
fixture_read(const char *name, size_t *ret_len)
{
	_cleanup_(freep) char *rel = NULL, *path = NULL;

	if (asprintf(&rel, "client/%s", name) < 0)
		return NULL;
	path = test_data_path(rel);
	return path ? read_fixture(path, ret_len) : NULL;
}

static void
check_family_case(const struct family_case *c, const struct client_report *r, const char *data, size_t len)
{
	const char *f = c->file;

	ck_assert_msg(r->input_kind == c->kind, "%s: kind %s", f, client_input_kind_to_string(r->input_kind));
	ck_assert_msg(r->family == c->family, "%s: family %s", f, client_family_to_string(r->family));
	ck_assert_msg(r->windows == c->windows, "%s: windows %d", f, r->windows);
	ck_assert_msg(streq(r->user, c->user), "%s: user '%s'", f, r->user);
	ck_assert_msg(r->user_source == c->user_source, "%s: user source %s", f,
		      client_user_source_to_string(r->user_source));
	ck_assert_msg(streq(r->host, c->host), "%s: host '%s'", f, r->host);
	ck_assert_msg(r->port == c->port, "%s: port %u", f, r->port);
	ck_assert_msg(startswith(r->version, c->version), "%s: version '%s'", f, r->version);
	ck_assert_msg(streq(r->server_version, c->server_version), "%s: server version '%s'", f, r->server_version);
	ck_assert_msg(streq(r->succeeded_method, c->succeeded), "%s: succeeded '%s'", f, r->succeeded_method);
	ck_assert_msg(r->result == c->result, "%s: result %s", f, client_result_to_string(r->result));
	if (c->key_state < 0)
		ck_assert_msg(r->n_keys == 0, "%s: %zu keys", f, r->n_keys);
	else {
		ck_assert_msg(r->n_keys >= 1, "%s: no key", f);
		ck_assert_msg((int)r->keys[0].state == c->key_state, "%s: key state %s", f,
			      client_key_state_to_string(r->keys[0].state));
		ck_assert_msg(r->keys[0].problem == c->key_problem, "%s: key problem %s", f,
			      client_key_problem_to_string(r->keys[0].problem));
	}
	if (c->hostkey) {
		ck_assert_msg(startswith(r->hostkey_fp, "SHA256:") || startswith(r->hostkey_fp, "MD5:"), "%s: hk", f);
		ck_assert_msg(r->utf16 || memmem(data, len, r->hostkey_fp + 7, strlen(r->hostkey_fp + 7)),
			      "%s: hk %s", f, r->hostkey_fp);
	}
}

START_TEST(test_client_parse_families)
{
	const struct family_case *c = &family_cases[_i];
	_cleanup_(freep) char *data = NULL;
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r)), *r2 = calloc(1, sizeof(*r2));
	struct buf var, a, b;
	size_t len;

	data = fixture_read(c->file, &len);
	ck_assert_msg(data && r && r2, "%s", c->file);
	ck_assert_msg(client_parse(data, len, r) == c->rc, "%s", c->file);
	check_family_case(c, r, data, len);
	if (c->rc == 0 || r->utf16)
		return;
	/* the same from every encoding and pasting variant */
	buf_init(&var);
	buf_init(&a);
	buf_init(&b);
	summary(r, &a);
	for (int v = 0; v < _V_MAX; v++) {
		make_variant((enum variant)v, data, len, &var);
		ck_assert_msg(client_parse(var.data, var.len, r2) == 1, "%s variant %d", c->file, v);
		summary(r2, &b);
		ck_assert_msg(streq(a.data, b.data), "%s variant %d:\n%s---\n%s", c->file, v, a.data, b.data);
	}
	buf_release(&var);
	buf_release(&a);
	buf_release(&b);
}
END_TEST

/* Keys and their fate beyond keys[0]; the succeeded method is never the
 * refused key's. */
START_TEST(test_client_parse_succeeded_method)
{
	_cleanup_(freep) char *data = NULL;
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));
	size_t len;

	data = fixture_read("openssh92-rsa-refused-password-ok-real.txt", &len);
	ck_assert(data && r);
	ck_assert_int_eq(client_parse(data, len, r), 1);
	ck_assert_uint_eq(r->n_keys, 1);
	ck_assert_str_eq(r->keys[0].type, "RSA");
	ck_assert(r->keys[0].offered);
	ck_assert_int_ne(r->keys[0].state, CKEY_USED);
	ck_assert_str_eq(r->tried_methods, "publickey,password");
	ck_assert_str_eq(r->succeeded_method, "password");
	ck_assert(r->command_line);
	free(data);

	data = fixture_read("plink078-rsa-refused-password-ok-real.txt", &len);
	ck_assert(data);
	ck_assert_int_eq(client_parse(data, len, r), 1);
	ck_assert_str_eq(r->keys[0].source, "/home/partner/.ssh/rsa.ppk");
	ck_assert_int_eq(r->keys[0].state, CKEY_REJECTED);
	ck_assert_str_eq(r->tried_methods, "password");
	ck_assert_str_eq(r->succeeded_method, "password");
	free(data);

	data = fixture_read("openssh-windows-acl-then-password.txt", &len);
	ck_assert(data);
	ck_assert_int_eq(client_parse(data, len, r), 1);
	/* one key whatever the spelling of its path (C:\\Users\\..., C:/Users/...) */
	ck_assert_uint_eq(r->n_keys, 1);
	ck_assert_str_eq(r->keys[0].source, "C:\\Users\\alice\\.ssh\\id_rsa");
	ck_assert_str_eq(r->acl_account, "NT AUTHORITY\\Authenticated Users (S-1-5-11)");
	ck_assert_ptr_nonnull(strstr(r->keys[0].problem_text, "Bad permissions"));
	ck_assert_str_eq(r->succeeded_method, "password");
}
END_TEST

/* User, host and port from the command line typed, and which source wins. */
START_TEST(test_client_parse_command_line)
{
	static const struct {
		const char *text, *user, *host;
		unsigned port;
		enum client_user_source src;
		bool windows;
	} cases[] = {
		{ "$ ssh -v -p 2222 -i ~/.ssh/id_rsa alice@db.example.com\nPermission denied (publickey).\n",
		  "alice", "db.example.com", 2222, CUS_COMMAND_LINE, false },
		{ "user@box:~$ ssh -vvv -l bob -oPort=2200 db\nPermission denied (publickey).\n",
		  "bob", "db", 2200, CUS_COMMAND_LINE, false },
		{ "[me@h ~]# ssh ssh://carol@[2001:db8::1]:2022\nPermission denied (publickey).\n",
		  "carol", "2001:db8::1", 2022, CUS_COMMAND_LINE, false },
		{ "C:\\Users\\d>ssh.exe -o User=dave -p 22 host1\nPermission denied (publickey).\n",
		  "dave", "host1", 22, CUS_COMMAND_LINE, true },
		{ "$ ssh -l bob h\ndebug1: Authenticating to h:22 as 'alice'\nalice@h: Permission denied (publickey).\n",
		  "alice", "h", 22, CUS_AUTHENTICATING, false },
		{ "C:\\> plink -v -P 2022 -pw s3cret -l erin srv\nAccess denied\n",
		  "erin", "srv", 2022, CUS_COMMAND_LINE, true },
		{ "frank@srv's password: \nPermission denied, please try again.\n",
		  "frank", "srv", 0, CUS_PROMPT, false },
		{ "(gina@srv) Password: \nPermission denied, please try again.\n",
		  "gina", "srv", 0, CUS_PROMPT, false },
		{ "ida@corp.example@jump01's password: \nPermission denied, please try again.\n",
		  "ida@corp.example", "jump01", 0, CUS_PROMPT, false },
	};
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));
	struct buf out;

	ck_assert_ptr_nonnull(r);
	buf_init(&out);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		ck_assert_msg(client_parse(cases[i].text, strlen(cases[i].text), r) == 1, "case %zu", i);
		ck_assert_msg(streq(r->user, cases[i].user), "case %zu: user '%s'", i, r->user);
		ck_assert_msg(streq(r->host, cases[i].host), "case %zu: host '%s'", i, r->host);
		ck_assert_msg(r->port == cases[i].port, "case %zu: port %u", i, r->port);
		ck_assert_msg(r->user_source == cases[i].src, "case %zu: %s", i,
			      client_user_source_to_string(r->user_source));
		ck_assert_msg(r->windows == cases[i].windows, "case %zu: windows", i);
		buf_clear(&out);
		ck_assert_int_ge(client_redact(cases[i].text, strlen(cases[i].text), &out), 0);
		ck_assert_msg(!out.data || !strstr(out.data, "s3cret"), "case %zu: password in the excerpt", i);
	}
	/* prose naming ssh is no command line; a command line alone is no client log */
	{
		static const char prose[] = "I ran ssh alice@host and it failed\n", alone[] = "$ ssh -p 2 alice@host\n";

		ck_assert_int_eq(client_parse(prose, sizeof(prose) - 1, r), 0);
		ck_assert_int_eq(r->input_kind, CIK_UNKNOWN);
		ck_assert_int_eq(client_parse(alone, sizeof(alone) - 1, r), 0);
	}
	buf_release(&out);
}
END_TEST

/* What is not a client log is said, and nothing of a private key is kept. */
START_TEST(test_client_parse_input_kinds)
{
	static const char ppk[] =
		"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 2\n"
		"AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C7okWi0dh2l9GKJl\nPrivate-Lines: 1\n"
		"Q0FOQVJZLVNFQ1JFVC1QUFAtS0VZLUJPRFk=\nPrivate-MAC: 0123abcd\n";
	static const char mixed[] =
		"Mar  5 09:12:04 srv01 sshd[4121]: Failed publickey for tanaka from 192.0.2.77 port 51122 ssh2\n"
		"debug1: Authenticating to srv01:22 as 'tanaka'\n"
		"tanaka@srv01: Permission denied (publickey).\n";
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));
	_cleanup_(freep) char *data = NULL, *bin = NULL;
	struct buf out;
	size_t len;

	ck_assert_ptr_nonnull(r);
	buf_init(&out);
	ck_assert_int_eq(client_parse("", 0, r), 0);
	ck_assert_int_eq(r->input_kind, CIK_EMPTY);
	ck_assert_int_eq(client_parse(" \n\t\r\n\n", 6, r), 0);
	ck_assert_int_eq(r->input_kind, CIK_EMPTY);
	{
		static const char pub[] =
			"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C7okWi0dh2l9GKJl a@b\n";

		ck_assert_int_eq(client_parse(pub, sizeof(pub) - 1, r), 0);
	}
	ck_assert_int_eq(r->input_kind, CIK_PUBLIC_KEYS);
	bin = malloc(4096);
	ck_assert_ptr_nonnull(bin);
	for (size_t i = 0; i < 4096; i++)
		bin[i] = (char)(rnd() & 0xff);
	ck_assert_int_eq(client_parse(bin, 4096, r), 0);
	ck_assert_int_eq(r->input_kind, CIK_BINARY);

	/* a private key: recognised, skipped, not in the report nor the excerpt */
	data = fixture_read("private-key-pasted.txt", &len);
	ck_assert_ptr_nonnull(data);
	ck_assert_int_eq(client_parse(data, len, r), 0);
	ck_assert(r->has_private_key);
	ck_assert_int_eq(client_redact(data, len, &out), 0);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(client_parse(ppk, sizeof(ppk) - 1, r), 0);
	ck_assert_int_eq(r->input_kind, CIK_PRIVATE_KEY);
	free(data);
	/* a client log with a private key in the middle: still the client log */
	data = fixture_read("openssh92-rsa-refused-password-ok-real.txt", &len);
	ck_assert_ptr_nonnull(data);
	{
		struct buf w;
		const char *cut = strstr(data, "debug1: Authentications that can continue");

		ck_assert_ptr_nonnull(cut);
		buf_init(&w);
		ck_assert_int_ge(buf_append(&w, data, (size_t)(cut - data)), 0);
		ck_assert_int_ge(buf_puts(&w, ppk), 0);
		ck_assert_int_ge(buf_puts(&w, "-----BEGIN RSA PRIVATE KEY-----\nTUlJRXBBSUJBQUtDQVFFQS1TRUNSRVQ=\n"
					   "-----END RSA PRIVATE KEY-----\n"), 0);
		ck_assert_int_ge(buf_append(&w, cut, len - (size_t)(cut - data)), 0);
		ck_assert_int_eq(client_parse(w.data, w.len, r), 1);
		ck_assert(r->has_private_key);
		ck_assert_str_eq(r->succeeded_method, "password");
		buf_clear(&out);
		ck_assert_int_ge(client_redact(w.data, w.len, &out), 0);
		ck_assert_ptr_null(strstr(out.data, "Q0FOQVJZ"));
		ck_assert_ptr_null(strstr(out.data, "TUlJRXBB"));
		ck_assert_ptr_null(strstr(out.data, "PRIVATE"));
		buf_release(&w);
	}
	/* client lines and sshd lines in one paste: a client log, the sshd lines counted */
	ck_assert_int_eq(client_parse(mixed, sizeof(mixed) - 1, r), 1);
	ck_assert_uint_eq(r->n_server_lines, 1);
	ck_assert_str_eq(r->user, "tanaka");
	buf_release(&out);
}
END_TEST

/* A 10 MB paste, NUL bytes and invalid UTF-8 in a PuTTY log, an odd-length
 * UTF-16 file. */
START_TEST(test_client_parse_families_hostile)
{
	_cleanup_(freep) char *data = NULL, *big = NULL;
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));
	size_t len, bl = 10 * 1024 * 1024, o = 0;
	int64_t t0;
	struct buf out;

	data = fixture_read("putty-eventlog-window-japanese.txt", &len);
	ck_assert(data && r);
	big = malloc(bl);
	ck_assert_ptr_nonnull(big);
	while (o + len <= bl) {
		memcpy(big + o, data, len);
		o += len;
	}
	memset(big + o, '\0', bl - o);
	t0 = now_usec();
	ck_assert_int_eq(client_parse(big, bl, r), 1);
	ck_assert_int_eq(r->family, CF_PUTTY);
	ck_assert_str_eq(r->user, "tanaka");
	ck_assert_uint_le(r->n_keys, CLIENT_MAX_KEYS);
	ck_assert_msg(now_usec() - t0 < 20 * 1000000, "10 MB took %lld us", (long long)(now_usec() - t0));
	buf_init(&out);
	ck_assert_int_ge(client_redact(big, bl, &out), 0);
	buf_release(&out);

	/* NUL bytes and invalid UTF-8 sprinkled over it */
	for (size_t i = 7; i < len; i += 53)
		data[i] = (i / 53) % 2 ? '\0' : '\xff';
	ck_assert_int_ge(client_parse(data, len, r), 0);
	free(data);

	/* UTF-16LE with BOM, its last byte cut: still read */
	data = fixture_read("openssh-windows-utf16le-bom.txt", &len);
	ck_assert_ptr_nonnull(data);
	ck_assert_int_eq(client_parse(data, len - 1, r), 1);
	ck_assert(r->utf16);
	ck_assert_str_eq(r->user, "alice");
	/* and without its BOM */
	ck_assert_int_eq(client_parse(data + 2, len - 2, r), 1);
	ck_assert(r->utf16);
	ck_assert_int_eq(r->family, CF_OPENSSH_WINDOWS);

	/* "Skipping ... - ... key" (the parts the other way round) */
	{
		static const char odd[] = "debug1: Skipping x - y key z\ndebug1: Skipping - key\nPermission denied (x).\n";

		ck_assert_int_eq(client_parse(odd, sizeof(odd) - 1, r), 1);
	}
}
END_TEST

/* PuTTY wordings beyond the captures: 0.6x's key file line, the terminal's
 * "login as:", plink -batch facing an unknown host key. */
START_TEST(test_client_parse_putty_wordings)
{
	static const char old[] =
		"login as: henry\r\n"
		"Reading private key file \"C:\\Users\\henry\\id.ppk\"\r\n"
		"Offered public key\r\n"
		"Offer of public key accepted\r\n"
		"Authenticating with public key \"rsa-key-2015\"\r\n"
		"Sent public key signature\r\n"
		"Access granted\r\n";
	static const char batch[] =
		"The host key is not cached for this server:\n"
		"  srv (port 22)\n"
		"FATAL ERROR: Cannot confirm a host key in batch mode\n";
	_cleanup_(freep) struct client_report *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(client_parse(old, sizeof(old) - 1, r), 1);
	ck_assert_int_eq(r->family, CF_PUTTY);
	ck_assert(r->windows);
	ck_assert_str_eq(r->user, "henry");
	ck_assert_int_eq(r->user_source, CUS_PROMPT);
	ck_assert_uint_eq(r->n_keys, 1);
	ck_assert_str_eq(r->keys[0].source, "C:\\Users\\henry\\id.ppk");
	ck_assert_int_eq(r->keys[0].state, CKEY_USED);
	ck_assert_str_eq(r->succeeded_method, "publickey");
	ck_assert_int_eq(r->result, CR_AUTHENTICATED);
	ck_assert_int_eq(client_parse(batch, sizeof(batch) - 1, r), 1);
	ck_assert_int_eq(r->family, CF_PUTTY);
	ck_assert_int_eq(r->result, CR_HOSTKEY_FAILED);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("client-parse");
	TCase *tc;

	tc = tcase_create("corpus");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_client_parse_corpus);
	tcase_add_test(tc, test_client_parse_paramiko);
	tcase_add_test(tc, test_client_parse_variants);
	tcase_add_test(tc, test_client_parse_partial);
	tcase_add_test(tc, test_client_parse_perms_too_open_quotes);
	tcase_add_test(tc, test_client_parse_windows);
	suite_add_tcase(s, tc);

	tc = tcase_create("formats");
	tcase_add_test(tc, test_client_parse_old_formats);
	tcase_add_test(tc, test_client_parse_not_a_log);
	tcase_add_test(tc, test_client_parse_key_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("families");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_client_parse_families, 0, (int)ELEMENTSOF(family_cases));
	tcase_add_test(tc, test_client_parse_succeeded_method);
	tcase_add_test(tc, test_client_parse_command_line);
	tcase_add_test(tc, test_client_parse_input_kinds);
	tcase_add_test(tc, test_client_parse_families_hostile);
	tcase_add_test(tc, test_client_parse_putty_wordings);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_client_parse_hostile);
	suite_add_tcase(s, tc);

	tc = tcase_create("keys");
	tcase_add_test(tc, test_pubkey_fingerprint_vs_ssh_keygen);
	tcase_add_test(tc, test_pubkey_fingerprint_invalid);
	tcase_add_test(tc, test_client_parse_keys_inputs);
	suite_add_tcase(s, tc);

	tc = tcase_create("redact");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_client_redact_round_trip);
	tcase_add_test(tc, test_client_redact_lines);
	suite_add_tcase(s, tc);
	return s;
}
