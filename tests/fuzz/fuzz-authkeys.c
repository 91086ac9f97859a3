/* libFuzzer harness: an authorized_keys file (any bytes) through the
 * parser, every entry through authkeys_entry_allows() and its from= list
 * through the pattern matchers, and every word that might be a key through
 * pubkey_fingerprint() and sshkey_cert_parse(). An input starting with the
 * byte 0xff is instead a raw key blob (the rest), so the binary certificate
 * parser is explored without base64 in the way. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "authkeys.h"
#include "pattern.h"
#include "sshkey.h"
#include "util.h"

#define MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
key_word(const char *w, size_t n)
{
	struct sshkey_cert *c;
	char fp[FP_MAX], type[KEYTYPE_MAX], md5[FP_MAX];

	(void)pubkey_fingerprint(w, n, fp, type, md5);
	c = malloc(sizeof(*c));
	if (!c)
		return;
	(void)sshkey_cert_parse(w, n, c);
	free(c);
}

static void
raw_blob(const uint8_t *p, size_t n)
{
	char name[SSHKEY_NAME_MAX], fp[FP_MAX], type[KEYTYPE_MAX];
	const char *reason;
	char *b64;
	int l;

	(void)sshkey_blob_check(p, n, name, &reason);
	(void)pubkey_fingerprint_blob(p, n, fp, type);
	if (n > 48 * 1024)
		return;
	b64 = malloc(4 * ((n + 2) / 3) + 1);
	if (!b64)
		return;
	l = EVP_EncodeBlock((unsigned char *)b64, p, (int)n);
	if (l > 0)
		key_word(b64, (size_t)l);
	free(b64);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ips[] = { "127.0.0.1", "10.1.2.3", "::1", "fe80::1%1", NULL };
	static const char *const hosts[] = { NULL, "Host.Example.COM" };
	const char *s = (const char *)data;
	struct authkeys *ak = NULL;
	size_t i, words = 0;

	if (size > 0 && data[0] == 0xff) {
		raw_blob(data + 1, size - 1);
		return 0;
	}
	if (authkeys_parse(s, size, &ak) == 0) {
		for (i = 0; i < ak->n; i++) {
			const struct ak_entry *e = &ak->entries[i];
			char why[256];

			(void)ak_problem_to_string(e->problem);
			for (size_t k = 0; k < ELEMENTSOF(ips); k++)
				(void)authkeys_entry_allows(e, ips[k], hosts[k % 2], 1800000000, why, sizeof(why));
			(void)authkeys_entry_allows(e, "10.1.2.3", NULL, 0, NULL, 0);
			if (e->opts.from) {
				(void)pattern_match_list("host.example.com", e->opts.from, true);
				(void)pattern_match_user("alice", NULL, "10.1.2.3", e->opts.from);
				(void)pattern_match_user_legacy("alice@x", "h", "::1", e->opts.from);
			}
			(void)authkeys_find(ak, e->fingerprint);
		}
		authkeys_free(ak);
	}
	/* words that could be base64 keys or certificates */
	for (i = 0; i < size && words < MAX_WORDS;) {
		size_t j = i;

		while (j < size && data[j] != ' ' && data[j] != '\t' && data[j] != '\n' && data[j] != '\r')
			j++;
		if (j - i >= 16 && data[i] == 'A') {
			key_word(s + i, j - i);
			words++;
		}
		i = j + 1;
	}
	return 0;
}
