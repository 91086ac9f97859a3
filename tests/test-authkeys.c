/* authkeys + sshkey_cert_parse: every key and certificate of
 * data/authkeys against ssh-keygen's own -l / -L output (fingerprints.tsv,
 * certs.tsv, made by make-fixtures.sh); line cases and option strings whose
 * verdicts were checked against a real sshd 9.2 (sshd -d, one connection per
 * variant); the corpus scenarios' authorized_keys lines; hostile input. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authkeys.h"
#include "harness.h"
#include "sshkey.h"
#include "util.h"
#include "banned.h"

/* alice_ed25519.pub from the corpus */
#define ALICE_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIFFrlVTr3lwKbS9JDTGUPOx8j820QYFnbbbwI4ajZexz"
#define ALICE "ssh-ed25519 " ALICE_B64 " alice@laptop"
#define ALICE_FP "SHA256:/37eZ2DybBswSKKshFei2NSjDzTsOqtuIxCBf3Xr774"
/* user_ca.pub */
#define CA "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDwmqBM43eEIWHCIuTU1bCuabzW1ZPwnNko2s+vLNveH corpus-user-ca"
#define CA_FP "SHA256:XimhoEp9pE/TgE+uKoIfhB9tllIVLRw8fJ8cAJXkniI"

static char *
fixture(const char *name, size_t *ret_len)
{
	_cleanup_(freep) char *rel = NULL, *path = NULL;
	char *data;

	ck_assert_int_ge(asprintf(&rel, "authkeys/%s", name), 0);
	path = test_data_path(rel);
	ck_assert_ptr_nonnull(path);
	data = read_fixture(path, ret_len);
	ck_assert_msg(data, "cannot read %s", path);
	return data;
}

static struct authkeys *
parse_str(const char *s)
{
	struct authkeys *ak = NULL;

	ck_assert_int_eq(authkeys_parse(s, strlen(s), &ak), 0);
	ck_assert_ptr_nonnull(ak);
	return ak;
}

/* Split a TSV line in place into at most max fields. */
static size_t
tsv_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, "\t", &save); t && n < max; t = strtok_r(NULL, "\t", &save))
		f[n++] = t;
	return n;
}

/* ---- fingerprints and certificates against ssh-keygen ---- */

START_TEST(test_authkeys_fingerprints_match_ssh_keygen)
{
	_cleanup_(freep) char *tsv = fixture("fingerprints.tsv", NULL);
	char *save = NULL;
	unsigned rows = 0;

	for (char *l = strtok_r(tsv, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
		_cleanup_(freep) char *data = NULL;
		char *f[3], type[KEYTYPE_MAX + 2];
		const struct ak_entry *e;
		size_t len;

		ck_assert_uint_eq(tsv_fields(l, f, 3), 3);
		data = fixture(f[0], &len);
		ck_assert_int_eq(authkeys_parse(data, len, &ak), 0);
		ck_assert_uint_eq(ak->n, 1);
		e = &ak->entries[0];
		if (streq(f[1], "-")) {
			/* ssh-keygen cannot read it: neither can sshd */
			ck_assert_msg(!e->usable, "%s: usable", f[0]);
			continue;
		}
		ck_assert_msg(e->usable, "%s: %s", f[0], e->problem_text);
		ck_assert_str_eq(e->fingerprint, f[1]);
		snprintf(type, sizeof(type), "(%s)", e->type);
		ck_assert_str_eq(type, f[2]);
		rows++;
	}
	ck_assert_uint_ge(rows, 25);
}
END_TEST

static const char *
u64str(uint64_t v, char buf[32])
{
	snprintf(buf, 32, "%llu", (unsigned long long)v);
	return buf;
}

START_TEST(test_sshkey_cert_parse_matches_ssh_keygen)
{
	_cleanup_(freep) char *tsv = fixture("certs.tsv", NULL);
	char *save = NULL;
	unsigned rows = 0;

	for (char *l = strtok_r(tsv, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		_cleanup_(freep) char *data = NULL;
		_cleanup_(freep) struct sshkey_cert *c = calloc(1, sizeof(*c));
		char *f[13], *b, principals[4096] = "", *p;
		size_t bl, n = 0;

		ck_assert_ptr_nonnull(c);
		ck_assert_uint_eq(tsv_fields(l, f, 13), 13);
		data = fixture(f[0], NULL);
		b = strchr(data, ' ');
		ck_assert_ptr_nonnull(b);
		b++;
		bl = strcspn(b, " \n");
		ck_assert_int_eq(sshkey_cert_parse(b, bl, c), 0);
		ck_assert_str_eq(c->type, f[1]);
		ck_assert_str_eq(c->fingerprint, f[2]);
		ck_assert(c->user_cert == streq(f[3], "user"));
		ck_assert_str_eq(u64str(c->serial, principals), f[4]);
		ck_assert_str_eq(c->key_id, f[5]);
		ck_assert_str_eq(u64str(c->valid_after, principals), f[6]);
		ck_assert_str_eq(u64str(c->valid_before, principals), f[7]);
		principals[0] = '\0';
		for (size_t i = 0; i < c->n_principals; i++) {
			n = strlen(principals);
			snprintf(principals + n, sizeof(principals) - n, "%s%s", i ? "," : "", c->principals[i]);
		}
		if (c->principals_cut) {
			/* the reference has them all: ours must be its prefix */
			ck_assert_uint_eq(c->n_principals, SSHKEY_CERT_MAX_PRINCIPALS);
			ck_assert_msg(strneq(f[8], principals, strlen(principals)), "%s: principals", f[0]);
		} else
			ck_assert_str_eq(streq(f[8], "-") ? "" : f[8], principals);
		ck_assert_str_eq(streq(f[9], "-") ? "" : f[9], c->critical);
		ck_assert_str_eq(streq(f[10], "-") ? "" : f[10], c->source_address);
		ck_assert_str_eq(c->ca_type, f[11]);
		ck_assert_str_eq(c->ca_fingerprint, f[12]);
		p = strstr(f[0], "many");
		if (p)
			ck_assert(c->principals_cut);
		rows++;
	}
	ck_assert_uint_ge(rows, 10);
}
END_TEST

/* Certificates cut, corrupted or not certificates at all. */
START_TEST(test_sshkey_cert_parse_rejects)
{
	_cleanup_(freep) char *data = fixture("cert_critical-cert.pub", NULL);
	struct sshkey_cert c;
	char *b = strchr(data, ' ') + 1;
	size_t bl = strcspn(b, " \n");

	ck_assert_int_eq(sshkey_cert_parse(b, bl, &c), 0);
	for (size_t cut = 4; cut < bl; cut += 4)
		ck_assert_int_eq(sshkey_cert_parse(b, cut, &c), -EINVAL);
	ck_assert_int_eq(sshkey_cert_parse(ALICE_B64, strlen(ALICE_B64), &c), -EINVAL);
	ck_assert_int_eq(sshkey_cert_parse("", 0, &c), -EINVAL);
	ck_assert_int_eq(sshkey_cert_parse("!!!!", 4, &c), -EINVAL);
	/* one flipped byte in the middle: either still parses or is refused, never more */
	for (size_t i = 0; i < bl; i += 7) {
		char save = b[i];

		b[i] = b[i] == 'A' ? 'B' : 'A';
		(void)sshkey_cert_parse(b, bl, &c);
		b[i] = save;
	}
}
END_TEST

/* ---- line cases (verdicts checked against sshd 9.2 -d) ---- */

struct want {
	unsigned lineno;
	enum ak_problem problem;
	const char *fp;         /* NULL: don't care; "": none */
	const char *text;       /* substring of problem_text, NULL: don't care */
};

static const struct line_case {
	const char *name, *text;
	unsigned n_lines, n_comments;
	bool crlf;
	struct want want[4];
} line_cases[] = {
	{ "plain", ALICE "\n", 1, 0, false, { { 1, AKP_NONE, ALICE_FP, NULL } } },
	{ "no final newline", ALICE, 1, 0, false, { { 1, AKP_NONE, ALICE_FP, NULL } } },
	{ "comments and blanks", "# c\n\n   \n\t# d\n" ALICE "\n", 5, 2, false, { { 5, AKP_NONE, ALICE_FP, NULL } } },
	{ "leading blanks", " \t " ALICE "\n", 1, 0, false, { { 1, AKP_NONE, ALICE_FP, NULL } } },
	{ "crlf no comment", "ssh-ed25519 " ALICE_B64 "\r\n", 1, 0, true, { { 1, AKP_NONE, ALICE_FP, NULL } } },
	{ "crlf", ALICE "\r\n\r\n", 2, 0, true, { { 1, AKP_NONE, ALICE_FP, NULL } } },
	{ "tabs", "ssh-ed25519\t" ALICE_B64 "\talice@laptop\n", 1, 0, false, { { 1, AKP_NONE, ALICE_FP, NULL } } },
	{ "cr inside base64", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFFr\rlVTr3lwKbS9JDTGUPOx8j820QYFnbbbwI4ajZexz x\n",
	  1, 0, false, { { 1, AKP_NONE, ALICE_FP, NULL } } },
	{ "nul after key", ALICE "\0junk\n" ALICE "\n", 2, 0, false,
	  { { 1, AKP_NONE, ALICE_FP, NULL }, { 2, AKP_NONE, ALICE_FP, NULL } } },
	{ "nul in key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFFrlVTr3l\0wKbS9JDTGUPOx8j820QYFnbbbwI4ajZexz x\n", 1, 0,
	  false, { { 1, AKP_TRUNCATED_KEY, "", "NUL byte" } } },
	{ "split", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFFrlVTr3lwKbS9J\nDTGUPOx8j820QYFnbbbwI4ajZexz alice@laptop\n", 2,
	  0, false, { { 1, AKP_SPLIT_KEY, ALICE_FP, "lines 1-2" }, { 2, AKP_CONTINUATION, ALICE_FP, NULL } } },
	{ "split in three", "ssh-ed25519 AAAAC3NzaC1lZDI1\nNTE5AAAAIFFrlVTr3lwKbS9JDTGUPOx8j8\r\n20QYFnbbbwI4ajZexz\n", 3, 0,
	  true, { { 1, AKP_SPLIT_KEY, ALICE_FP, "lines 1-3" }, { 2, AKP_CONTINUATION, ALICE_FP, NULL },
		  { 3, AKP_CONTINUATION, ALICE_FP, NULL } } },
	{ "split after type", "ssh-ed25519\n" ALICE_B64 " alice@laptop\n", 2, 0, false,
	  { { 1, AKP_SPLIT_KEY, ALICE_FP, NULL }, { 2, AKP_CONTINUATION, ALICE_FP, NULL } } },
	{ "split with options", "no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFFrlVTr3lwKbS9J\nDTGUPOx8j820QYFnbbbwI4ajZexz\n",
	  2, 0, false, { { 1, AKP_SPLIT_KEY, ALICE_FP, NULL }, { 2, AKP_CONTINUATION, ALICE_FP, NULL } } },
	{ "truncated", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFFrlVTr3lwKbS9JDTGUPOx8j820QYFnbbbwI4 alice@laptop\n", 1, 0,
	  false, { { 1, AKP_TRUNCATED_KEY, "", "cut short" } } },
	{ "truncated at the end", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFFrlVTr3lwKbS9J\n", 1, 0, false,
	  { { 1, AKP_TRUNCATED_KEY, "", NULL } } },
	{ "truncated then a key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFFrlVTr3lwKbS9J\n" ALICE "\n", 2, 0, false,
	  { { 1, AKP_TRUNCATED_KEY, "", NULL }, { 2, AKP_NONE, ALICE_FP, NULL } } },
	{ "type alone", "ssh-ed25519\n", 1, 0, false, { { 1, AKP_TRUNCATED_KEY, "", "not followed by a key" } } },
	{ "not base64", "ssh-ed25519 AAAA!!!notbase64 x\n", 1, 0, false, { { 1, AKP_BAD_BASE64, "", "'!'" } } },
	{ "padding added", "ssh-ed25519 " ALICE_B64 "= x\n", 1, 0, false, { { 1, AKP_BAD_BASE64, ALICE_FP, "padding" } } },
	{ "type mismatch", "ssh-rsa " ALICE_B64 " x\n", 1, 0, false,
	  { { 1, AKP_TYPE_MISMATCH, ALICE_FP, "says ssh-rsa but the key is ssh-ed25519" } } },
	{ "type missing", ALICE_B64 " alice@laptop\n", 1, 0, false,
	  { { 1, AKP_UNKNOWN_KEY_TYPE, ALICE_FP, "missing" } } },
	{ "type upper case", "SSH-ED25519 " ALICE_B64 " x\n", 1, 0, false,
	  { { 1, AKP_UNKNOWN_KEY_TYPE, ALICE_FP, "case sensitive" } } },
	{ "signature algorithm", "rsa-sha2-512 " ALICE_B64 " x\n", 1, 0, false,
	  { { 1, AKP_UNKNOWN_KEY_TYPE, ALICE_FP, "signature algorithm" } } },
	{ "garbage", "hello world\n", 1, 0, false, { { 1, AKP_UNKNOWN_KEY_TYPE, "", "neither a key type" } } },
	{ "utf-8 bom", "\xef\xbb\xbf" ALICE "\n" ALICE "\n", 2, 0, false,
	  { { 1, AKP_UNKNOWN_KEY_TYPE, ALICE_FP, "byte order mark" }, { 2, AKP_NONE, ALICE_FP, NULL } } },
	{ "utf-8 bom before options", "\xef\xbb\xbfno-pty " ALICE "\n", 1, 0, false,
	  { { 1, AKP_BAD_OPTIONS, ALICE_FP, "byte order mark" } } },
	{ "vertical tab", "ssh-ed25519\v" ALICE_B64 " x\n", 1, 0, false, { { 1, AKP_UNKNOWN_KEY_TYPE, NULL, NULL } } },
	{ "options glued to the type", "from=\"127.0.0.1\"" ALICE "\n", 1, 0, false,
	  { { 1, AKP_UNKNOWN_KEY_TYPE, ALICE_FP, NULL } } },
	{ "blank inside options", "no-pty, no-agent-forwarding " ALICE "\n", 1, 0, false,
	  { { 1, AKP_BAD_OPTIONS, ALICE_FP, "'no-agent-forwarding' as the key type" } } },
	{ "comma then blank", "no-pty, " ALICE "\n", 1, 0, false, { { 1, AKP_NONE, ALICE_FP, NULL } } },
	{ "unterminated quote", "command=\"echo " ALICE "\n", 1, 0, false,
	  { { 1, AKP_BAD_OPTIONS, ALICE_FP, "invalid key option string" } } },
	{ "unknown option", "no-pty,no-bogus " ALICE "\n", 1, 0, false,
	  { { 1, AKP_BAD_OPTIONS, ALICE_FP, "unknown key option (at 'no-bogus')" } } },
	{ "key twice", "ssh-ed25519 " ALICE "\n", 1, 0, false,
	  { { 1, AKP_BAD_OPTIONS, ALICE_FP, "unknown key option" } } },
	{ "private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
	  ALICE "\n", 4, 0, false, { { 1, AKP_PRIVATE_KEY, "", "lines 1-3" }, { 4, AKP_NONE, ALICE_FP, NULL } } },
	{ "private key end only", "-----END RSA PRIVATE KEY-----\n", 1, 0, false, { { 1, AKP_PRIVATE_KEY, "", NULL } } },
	{ "pem public key", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n", 3, 0, false,
	  { { 1, AKP_UNKNOWN_KEY_TYPE, "", "PEM public key" } } },
};

static void
check_wants(const struct authkeys *ak, const struct want *want, size_t max, const char *name)
{
	size_t n = 0;

	while (n < max && want[n].lineno)
		n++;
	ck_assert_msg(ak->n == n, "%s: %zu entries, want %zu", name, ak->n, n);
	for (size_t i = 0; i < n; i++) {
		const struct ak_entry *e = &ak->entries[i];
		const struct want *w = &want[i];

		ck_assert_msg(e->lineno == w->lineno, "%s: entry %zu on line %u, want %u", name, i, e->lineno,
			      w->lineno);
		ck_assert_msg(e->problem == w->problem, "%s: line %u is %s (%s), want %s", name, e->lineno,
			      ak_problem_to_string(e->problem), e->problem_text, ak_problem_to_string(w->problem));
		ck_assert(e->usable == (w->problem == AKP_NONE));
		if (w->fp)
			ck_assert_msg(streq(e->fingerprint, w->fp), "%s: line %u fingerprint '%s', want '%s'", name,
				      e->lineno, e->fingerprint, w->fp);
		if (w->text)
			ck_assert_msg(strstr(e->problem_text, w->text), "%s: line %u says '%s', want '%s'", name,
				      e->lineno, e->problem_text, w->text);
	}
}

START_TEST(test_authkeys_parse_lines)
{
	const struct line_case *c = &line_cases[_i];
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	size_t len = strlen(c->text);

	/* the NUL cases: the text goes on after the embedded NUL */
	if (strstr(c->name, "nul"))
		len += strlen(c->text + len + 1) + 1;
	ck_assert_int_eq(authkeys_parse(c->text, len, &ak), 0);
	ck_assert_msg(ak->n_lines == c->n_lines, "%s: %u lines", c->name, ak->n_lines);
	ck_assert_uint_eq(ak->n_comments, c->n_comments);
	ck_assert(ak->has_crlf == c->crlf);
	ck_assert(ak->has_nul == (strstr(c->name, "nul") != NULL));
	check_wants(ak, c->want, ELEMENTSOF(c->want), c->name);
}
END_TEST

/* The authorized_keys lines of the corpus scenarios, as the debug3 logs
 * show them ("check options: '...'", "advance: '...'"). */
static const struct corpus_case {
	const char *file;
	struct want want[3];
} corpus_cases[] = {
	{ "corpus-20a-line-break.keys",
	  { { 1, AKP_SPLIT_KEY, ALICE_FP, NULL }, { 2, AKP_CONTINUATION, ALICE_FP, NULL } } },
	{ "corpus-20c-crlf-no-comment.keys", { { 1, AKP_NONE, ALICE_FP, NULL } } },
	{ "corpus-20d-broken-options.keys", { { 1, AKP_BAD_OPTIONS, ALICE_FP, "invalid key option string" } } },
	{ "corpus-20f-truncated.keys", { { 1, AKP_TRUNCATED_KEY, "", NULL } } },
	{ "corpus-09-from.keys", { { 1, AKP_NONE, ALICE_FP, NULL } } },
	{ "corpus-20l-private-key.keys", { { 1, AKP_PRIVATE_KEY, NULL, "private key" } } },
};

START_TEST(test_authkeys_parse_corpus)
{
	const struct corpus_case *c = &corpus_cases[_i];
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	_cleanup_(freep) char *data = NULL;
	size_t len;

	data = fixture(c->file, &len);
	ck_assert_int_eq(authkeys_parse(data, len, &ak), 0);
	check_wants(ak, c->want, ELEMENTSOF(c->want), c->file);
}
END_TEST

/* corpus 09: sshd's own words for the refusal. */
START_TEST(test_authkeys_corpus_from_refused)
{
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	_cleanup_(freep) char *data = NULL;
	const struct ak_entry *e;
	char why[256];
	size_t len;

	data = fixture("corpus-09-from.keys", &len);
	ck_assert_int_eq(authkeys_parse(data, len, &ak), 0);
	e = authkeys_find(ak, ALICE_FP);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(authkeys_entry_allows(e, "127.0.0.1", NULL, 1795227599, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "correct key but not from a permitted host (host=127.0.0.1, ip=127.0.0.1, "
			 "required=10.9.9.9).");
	ck_assert_int_eq(authkeys_entry_allows(e, "10.9.9.9", NULL, 1795227599, why, sizeof(why)), 1);
}
END_TEST

/* A private key pasted between two good lines is one entry for the whole
 * block; for OpenSSH keys (even encrypted) and PuTTY files the public half
 * is named. */
static const struct block_case {
	const char *file;
	const char *pub;        /* .pub whose fingerprint the block must name; NULL: none */
	enum ak_problem problem;
} block_cases[] = {
	{ "throwaway_ed25519", "throwaway_ed25519.pub", AKP_PRIVATE_KEY },
	{ "throwaway_enc_ed25519", "throwaway_enc_ed25519.pub", AKP_PRIVATE_KEY },
	{ "throwaway_pem_rsa", NULL, AKP_PRIVATE_KEY },
	{ "throwaway_ed25519.ppk", "throwaway_ed25519.pub", AKP_PRIVATE_KEY },
	{ "throwaway_ed25519.rfc4716", "throwaway_ed25519.pub", AKP_UNKNOWN_KEY_TYPE },
};

START_TEST(test_authkeys_parse_blocks)
{
	const struct block_case *c = &block_cases[_i];
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	_cleanup_(freep) char *block = NULL, *text = NULL, *pub = NULL;
	unsigned block_lines = 0;
	size_t len;
	char fp[FP_MAX] = "", type[KEYTYPE_MAX];
	const char *e;

	block = fixture(c->file, &len);
	for (size_t i = 0; i < len; i++)
		block_lines += block[i] == '\n';
	if (c->pub) {
		char *b, *end;

		pub = fixture(c->pub, NULL);
		b = strchr(pub, ' ') + 1;
		end = strchr(b, ' ');
		ck_assert_int_eq(pubkey_fingerprint(b, (size_t)(end - b), fp, type, NULL), 0);
	}
	ck_assert_int_ge(asprintf(&text, CA "\n%s" ALICE "\n", block), 0);
	ak = parse_str(text);
	ck_assert_uint_eq(ak->n, 3);
	ck_assert_uint_eq(ak->n_lines, block_lines + 2);
	ck_assert(ak->entries[0].usable);
	ck_assert_uint_eq(ak->entries[1].lineno, 2);
	ck_assert_msg(ak->entries[1].problem == c->problem, "%s: %s", c->file, ak->entries[1].problem_text);
	ck_assert_str_eq(ak->entries[1].fingerprint, fp);
	e = strstr(ak->entries[1].problem_text, "lines 2-");
	ck_assert_msg(e, "%s: %s", c->file, ak->entries[1].problem_text);
	ck_assert_uint_eq(ak->entries[2].lineno, block_lines + 2);
	ck_assert(ak->entries[2].usable);
}
END_TEST

/* ---- options (sshauthopt_parse(); verdicts checked against sshd 9.2) ---- */

static const struct opt_case {
	const char *opts;
	const char *error;      /* NULL: accepted; else substring of problem_text */
} opt_cases[] = {
	{ "no-pty", NULL },
	{ "NO-PTY", NULL },
	{ "no-pty,,no-x11-forwarding", NULL },
	{ "ptyfoo", "unknown key option" },
	{ "no-restrict", "unknown key option" },
	{ "restrict,pty,command=\"true\"", NULL },
	{ "command=\"echo \\\"x\\\"\"", NULL },
	{ "command=\"a\",command=\"b\"", "multiple \"command\" clauses" },
	{ "from=\"127.0.0.1\",from=\"127.0.0.1\"", "multiple \"from\" clauses" },
	{ "from=127.0.0.1", "missing start quote" },
	{ "expiry-time=\"20991231\"", NULL },
	{ "expiry-time=\"209912312359Z\"", NULL },
	{ "expiry-time=\"20991231UTC\"", NULL },
	{ "expiry-time=\"20991231z\"", NULL },
	{ "expiry-time=\"2099-12-31\"", "invalid expires time" },
	{ "expiry-time=\"19700101Z\"", "invalid expires time" },
	{ "expiry-time=\"20991301\"", "invalid expires time" },
	{ "expiry-time=\"2099123\"", "invalid expires time" },
	{ "environment=\"A=b\"", NULL },
	{ "environment=\"1A=b\"", NULL },
	{ "environment=\"A-B=c\"", "invalid environment string" },
	{ "environment=\"AB\"", "invalid environment string" },
	{ "permitopen=\"host:22\"", NULL },
	{ "permitopen=\"[::1]:22\"", NULL },
	{ "permitopen=\"host/22\"", NULL },
	{ "permitopen=\"host:*\"", NULL },
	{ "permitopen=\"host:ssh\"", NULL },
	{ "permitopen=\"host\"", "invalid permission port" },
	{ "permitopen=\"host:0\"", "invalid permission port" },
	{ "permitopen=\"host:65536\"", "invalid permission port" },
	{ "permitopen=\"[::1\"", "invalid permission hostname" },
	{ "permitlisten=\"8080\"", NULL },
	{ "tunnel=\"any\"", NULL },
	{ "tunnel=\"0\"", NULL },
	{ "tunnel=\"x\"", "invalid tun device" },
	{ "tunnel=\"-1\"", "invalid tun device" },
	{ "cert-authority,principals=\"a,b\"", NULL },
	{ "no-touch-required,verify-required", NULL },
	{ "x", "unknown key option" },
};

START_TEST(test_authkeys_options)
{
	const struct opt_case *c = &opt_cases[_i];
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	_cleanup_(freep) char *text = NULL;
	const struct ak_entry *e;

	ck_assert_int_ge(asprintf(&text, "%s " ALICE "\n", c->opts), 0);
	ak = parse_str(text);
	ck_assert_uint_eq(ak->n, 1);
	e = &ak->entries[0];
	ck_assert_str_eq(e->fingerprint, ALICE_FP);
	ck_assert_ptr_nonnull(e->options_text);
	ck_assert_str_eq(e->options_text, c->opts);
	if (!c->error) {
		ck_assert_msg(e->usable, "'%s': %s", c->opts, e->problem_text);
		return;
	}
	ck_assert_msg(e->problem == AKP_BAD_OPTIONS && strstr(e->problem_text, c->error), "'%s': %s", c->opts,
		      e->problem_text);
}
END_TEST

START_TEST(test_authkeys_options_fields)
{
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	const struct ak_options *o;

	ak = parse_str("restrict,pty,Command=\"echo \\\"hi there\\\"\",from=\"10.0.0.0/8,!10.1.2.3\",principals=\"a\","
		       "expiry-time=\"20991231Z\",expiry-time=\"20300101000000Z\",environment=\"A=1\",environment=\"A=2\","
		       "environment=\"B=1\",permitopen=\"h:1\",permitopen=\"h:2\",permitlisten=\"3\",tunnel=\"5\","
		       "cert-authority,no-touch-required,verify-required " ALICE "\n");
	ck_assert_uint_eq(ak->n, 1);
	o = &ak->entries[0].opts;
	ck_assert(ak->entries[0].usable);
	ck_assert(o->restrict_);
	ck_assert(o->cert_authority);
	ck_assert(!o->no_pty);
	ck_assert(o->no_port_forwarding && o->no_agent_forwarding && o->no_x11_forwarding && o->no_user_rc);
	ck_assert(o->verify_required && o->no_touch_required);
	ck_assert_str_eq(o->command, "echo \"hi there\"");
	ck_assert_str_eq(o->from, "10.0.0.0/8,!10.1.2.3");
	ck_assert_str_eq(o->principals, "a");
	ck_assert_uint_eq(o->expiry_time, 1893456000);         /* the earlier one wins */
	ck_assert_uint_eq(o->n_environment, 2);                /* the repeated name counts once */
	ck_assert_uint_eq(o->n_permitopen, 2);
	ck_assert_uint_eq(o->n_permitlisten, 1);
	ck_assert_str_eq(o->tunnel, "5");
	ck_assert_str_eq(ak->entries[0].comment, "alice@laptop");
}
END_TEST

/* expiry-time without Z is local time (misc.c:parse_absolute_time()). */
START_TEST(test_authkeys_expiry_local_time)
{
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	_cleanup_(freep) char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	if (access("/usr/share/zoneinfo/Europe/Berlin", R_OK) < 0)
		return;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	ak = parse_str("expiry-time=\"20300101\" " ALICE "\n");
	ck_assert_uint_eq(ak->entries[0].opts.expiry_time, 1893452400);   /* 2029-12-31T23:00:00Z */
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
}
END_TEST

/* ---- authkeys_entry_allows() (auth_authorise_keyopts()) ---- */

static const struct allow_case {
	const char *opts, *ip, *host;
	time_t now;
	int expect;
	const char *why;
} allow_cases[] = {
	{ "", "127.0.0.1", NULL, 1800000000, 1, "" },
	{ "from=\"127.0.0.1\"", "127.0.0.1", NULL, 1800000000, 1, "" },
	{ "from=\"10.9.9.9\"", "127.0.0.1", NULL, 1800000000, 0,
	  "correct key but not from a permitted host (host=127.0.0.1, ip=127.0.0.1, required=10.9.9.9)." },
	{ "from=\"*.example.com\"", "10.1.2.3", "Host.Example.COM", 1800000000, 1, "" },
	{ "from=\"*.example.com,!10.1.2.3\"", "10.1.2.3", "host.example.com", 1800000000, 0, "not from a permitted" },
	{ "from=\"localhost\"", "127.0.0.1", NULL, 1800000000, 0, "host=127.0.0.1" },
	{ "from=\"127.0.0.1,\"", "127.0.0.1", NULL, 1800000000, -EINVAL, "invalid from criteria" },
	{ "from=\"127.0.0.0/33\"", "127.0.0.1", NULL, 1800000000, -EINVAL, "invalid from criteria" },
	{ "from=\"127.0.0.1/8\"", "127.0.0.1", NULL, 1800000000, -EINVAL, "invalid from criteria" },
	{ "from=\"\"", "127.0.0.1", NULL, 1800000000, -EINVAL, "invalid from criteria" },
	{ "from=\"10.9.9.9\"", NULL, NULL, 1800000000, 1, "" },           /* no address: not judged */
	{ "from=\"10.0.0.0/33\"", NULL, NULL, 1800000000, -EINVAL, "invalid from criteria" },
	{ "expiry-time=\"20200101Z\"", "127.0.0.1", NULL, 1800000000, 0, "entry expired at 2020-01-01T00:00:00" },
	{ "expiry-time=\"20200101Z\"", "127.0.0.1", NULL, 1577836800, 1, "" },  /* not before the second */
	{ "expiry-time=\"20200101Z\"", "127.0.0.1", NULL, 1577836801, 0, "entry expired" },
	{ "expiry-time=\"20200101Z\",from=\"10.9.9.9\"", "127.0.0.1", NULL, 1800000000, 0, "entry expired" },
	{ "principals=\"root\"", "127.0.0.1", NULL, 1800000000, -EINVAL, "principals on non-CA key" },
	{ "cert-authority,principals=\"root\"", "127.0.0.1", NULL, 1800000000, 1, "" },
};

START_TEST(test_authkeys_entry_allows_table)
{
	const struct allow_case *c = &allow_cases[_i];
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	_cleanup_(freep) char *text = NULL;
	char why[512];
	int r;

	ck_assert_int_ge(asprintf(&text, "%s%s" ALICE "\n", c->opts, *c->opts ? " " : ""), 0);
	ak = parse_str(text);
	ck_assert_uint_eq(ak->n, 1);
	ck_assert(ak->entries[0].usable);
	r = authkeys_entry_allows(&ak->entries[0], c->ip, c->host, c->now, why, sizeof(why));
	ck_assert_msg(r == c->expect, "'%s' from %s: %d (%s), want %d", c->opts, c->ip ? c->ip : "-", r, why, c->expect);
	if (*c->why)
		ck_assert_msg(strstr(why, c->why), "'%s': why '%s', want '%s'", c->opts, why, c->why);
	else
		ck_assert_str_eq(why, "");
	/* no buffer is fine too */
	ck_assert_int_eq(authkeys_entry_allows(&ak->entries[0], c->ip, c->host, c->now, NULL, 0), c->expect);
}
END_TEST

/* ---- authkeys_find() ---- */

START_TEST(test_authkeys_find)
{
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	_cleanup_(freep) char *cert = fixture("alice-cert-valid-cert.pub", NULL);
	_cleanup_(freep) char *text = NULL;
	const struct ak_entry *e;
	unsigned n = 0;

	/* a certificate of alice's certkey, a cert-authority line holding alice's
	 * key, from= refusing, then the plain line sshd would let in */
	ck_assert_int_ge(asprintf(&text, "%scert-authority " ALICE "\nfrom=\"10.9.9.9\" " ALICE "\n" ALICE "\n"
				  "cert-authority " CA "\n", cert), 0);
	ak = parse_str(text);
	ck_assert_uint_eq(ak->n, 5);
	ck_assert(ak->entries[0].usable);
	ck_assert_str_eq(ak->entries[0].type, "ED25519-CERT");
	ck_assert_ptr_nonnull(strstr(ak->entries[0].problem_text, "certificate"));
	ck_assert_ptr_null(authkeys_find(ak, ak->entries[0].fingerprint));     /* certificates never match */
	e = authkeys_find(ak, ALICE_FP);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->lineno, 3);                                        /* not the cert-authority line */
	for (e = authkeys_find_next(ak, ALICE_FP, NULL); e; e = authkeys_find_next(ak, ALICE_FP, e)) {
		char why[256];

		if (e->opts.cert_authority || authkeys_entry_allows(e, "127.0.0.1", NULL, 1800000000, why,
								   sizeof(why)) != 1)
			continue;
		ck_assert_uint_eq(e->lineno, 4);
		n++;
	}
	ck_assert_uint_eq(n, 1);
	e = authkeys_find(ak, CA_FP);
	ck_assert_ptr_nonnull(e);
	ck_assert(e->opts.cert_authority);                                      /* the fallback */
	ck_assert_ptr_null(authkeys_find(ak, "SHA256:nope"));
	ck_assert_ptr_null(authkeys_find(ak, ""));
	ck_assert_ptr_null(authkeys_find(NULL, ALICE_FP));
}
END_TEST

START_TEST(test_authkeys_problem_strings)
{
	for (int p = 0; p < _AKP_MAX; p++)
		ck_assert_ptr_nonnull(ak_problem_to_string((enum ak_problem)p));
	ck_assert_ptr_null(ak_problem_to_string(_AKP_MAX));
	ck_assert_ptr_null(ak_problem_to_string(_AKP_INVALID));
	ck_assert_str_eq(ak_problem_to_string(AKP_SPLIT_KEY), "split-key");
}
END_TEST

/* ---- hostile input ---- */

START_TEST(test_authkeys_hostile)
{
	size_t n = 1 << 20;
	_cleanup_(freep) char *buf = malloc(n + 256);
	struct authkeys *ak = NULL;
	unsigned seed = 12345;

	ck_assert_ptr_nonnull(buf);
	/* one 1 MiB line of every kind that makes the parser scan */
	static const char *const fill[] = { "x", "\"", "a ", "A", ",", "\\\"", "environment=\"A=1\",", "\xff\xfe",
					     "ssh-ed25519 ", "-----BEGIN OPENSSH PRIVATE KEY-----\n" };
	for (size_t f = 0; f < ELEMENTSOF(fill); f++) {
		size_t fl = strlen(fill[f]), o = 0;

		while (o + fl <= n) {
			memcpy(buf + o, fill[f], fl);
			o += fl;
		}
		ck_assert_int_eq(authkeys_parse(buf, o, &ak), 0);
		ck_assert_uint_le(ak->n, AUTHKEYS_MAX_ENTRIES);
		ak = authkeys_free(ak);
	}
	/* NULs, random bytes, many short lines */
	memset(buf, 0, n);
	ck_assert_int_eq(authkeys_parse(buf, n, &ak), 0);
	ck_assert(ak->has_nul);
	ck_assert_uint_eq(ak->n, 0);
	ak = authkeys_free(ak);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (char)(seed >> 16);
	}
	ck_assert_int_eq(authkeys_parse(buf, n, &ak), 0);
	ak = authkeys_free(ak);
	for (size_t i = 0; i < n; i += 2)
		memcpy(buf + i, "x\n", 2);
	ck_assert_int_eq(authkeys_parse(buf, n, &ak), 0);
	ck_assert_uint_eq(ak->n_lines, n / 2);
	ck_assert_uint_eq(ak->n, AUTHKEYS_MAX_ENTRIES);
	ck_assert(ak->entries_cut);
	ak = authkeys_free(ak);
	/* empty input */
	ck_assert_int_eq(authkeys_parse("", 0, &ak), 0);
	ck_assert_uint_eq(ak->n, 0);
	ak = authkeys_free(ak);
	ck_assert_int_eq(authkeys_parse(NULL, 0, &ak), 0);
	ak = authkeys_free(ak);
	ck_assert_int_eq(authkeys_parse("x", 1, NULL), -EINVAL);
}
END_TEST

/* Every prefix of a file with each kind of line parses without trouble. */
START_TEST(test_authkeys_prefixes)
{
	_cleanup_(freep) char *text = NULL;
	size_t len;

	ck_assert_int_ge(asprintf(&text, "# c\n%s\nfrom=\"10.0.0.0/8\" %s\r\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF\n"
				  "Frl alice\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n", ALICE, ALICE), 0);
	len = strlen(text);
	for (size_t i = 0; i <= len; i++) {
		struct authkeys *ak = NULL;

		ck_assert_int_eq(authkeys_parse(text, i, &ak), 0);
		for (size_t k = 0; k < ak->n; k++)
			(void)authkeys_entry_allows(&ak->entries[k], "10.1.2.3", NULL, 1800000000, NULL, 0);
		authkeys_free(ak);
	}
}
END_TEST

/* sshkey_blob_check(): what sshd's sshkey_from_blob() refuses. */
START_TEST(test_sshkey_blob_check)
{
	_cleanup_(freep) char *rsa768 = fixture("rsa768.pub", NULL);
	_cleanup_(authkeys_freep) struct authkeys *ak = NULL;
	uint8_t blob[64];
	char name[SSHKEY_NAME_MAX];
	const char *reason;

	ak = parse_str(rsa768);
	ck_assert_uint_eq(ak->n, 1);
	ck_assert(!ak->entries[0].usable);
	ck_assert_ptr_nonnull(strstr(ak->entries[0].problem_text, "shorter than 1024 bits"));
	/* an Ed25519 key of 31 bytes */
	memcpy(blob, "\0\0\0\x0bssh-ed25519\0\0\0\x1f", 19);
	memset(blob + 19, 1, 31);
	ck_assert_int_eq(sshkey_blob_check(blob, 50, name, &reason), -EINVAL);
	ck_assert_str_eq(name, "ssh-ed25519");
	ck_assert_int_eq(sshkey_blob_check(blob, 10, name, &reason), -ENODATA);
	memcpy(blob, "\0\0\0\x03xyz", 7);
	ck_assert_int_eq(sshkey_blob_check(blob, 7, name, &reason), -EPROTONOSUPPORT);
	ck_assert_str_eq(name, "xyz");
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("authkeys");
	TCase *tc;

	tc = tcase_create("keys");
	tcase_add_test(tc, test_authkeys_fingerprints_match_ssh_keygen);
	tcase_add_test(tc, test_sshkey_cert_parse_matches_ssh_keygen);
	tcase_add_test(tc, test_sshkey_cert_parse_rejects);
	tcase_add_test(tc, test_sshkey_blob_check);
	suite_add_tcase(s, tc);

	tc = tcase_create("lines");
	tcase_add_loop_test(tc, test_authkeys_parse_lines, 0, ELEMENTSOF(line_cases));
	tcase_add_loop_test(tc, test_authkeys_parse_corpus, 0, ELEMENTSOF(corpus_cases));
	tcase_add_loop_test(tc, test_authkeys_parse_blocks, 0, ELEMENTSOF(block_cases));
	tcase_add_test(tc, test_authkeys_corpus_from_refused);
	tcase_add_test(tc, test_authkeys_problem_strings);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_loop_test(tc, test_authkeys_options, 0, ELEMENTSOF(opt_cases));
	tcase_add_test(tc, test_authkeys_options_fields);
	tcase_add_test(tc, test_authkeys_expiry_local_time);
	tcase_add_loop_test(tc, test_authkeys_entry_allows_table, 0, ELEMENTSOF(allow_cases));
	tcase_add_test(tc, test_authkeys_find);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_test(tc, test_authkeys_hostile);
	tcase_add_test(tc, test_authkeys_prefixes);
	suite_add_tcase(s, tc);
	return s;
}
