/* OpenSSH public key blobs: base64 decoding, key type names, SHA256/MD5
 * fingerprints, certificate fields (sshkey.c, PROTOCOL.certkeys). Shared by
 * the client-log parser, explain's key input and check's authorized_keys
 * reader, so a key gets the same fingerprint wherever it is read. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <openssl/evp.h>

#include "sshkey.h"
#include "util.h"
#include "banned.h"


/* tag: key-type-names. Protocol name, certificate name, short name
 * (sshkey_type()), number of string/mpint fields after the name. */
static const struct key_type {
	const char *name, *cert, *short_name;
	unsigned nfields;
} key_types[] = {
	{ "ssh-rsa", "ssh-rsa-cert-v01@openssh.com", "RSA", 2 },                    /* e, n */
	{ "ssh-dss", "ssh-dss-cert-v01@openssh.com", "DSA", 4 },                    /* p, q, g, y */
	{ "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ECDSA", 2 }, /* curve, Q */
	{ "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ECDSA", 2 },
	{ "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ECDSA", 2 },
	{ "ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", "ED25519", 1 },        /* pk */
	{ "sk-ecdsa-sha2-nistp256@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "ECDSA-SK", 3 },
	{ "sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com", "ED25519-SK", 2 },
};

static const struct key_type *
key_type_lookup(const char *s, size_t n, bool *ret_cert)
{
	for (size_t i = 0; i < ELEMENTSOF(key_types); i++) {
		if (strlen(key_types[i].name) == n && memcmp(key_types[i].name, s, n) == 0) {
			*ret_cert = false;
			return &key_types[i];
		}
		if (strlen(key_types[i].cert) == n && memcmp(key_types[i].cert, s, n) == 0) {
			*ret_cert = true;
			return &key_types[i];
		}
	}
	return NULL;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict base64: standard alphabet, '=' padding only at the end, optional.
 * out must hold n / 4 * 3 + 3 bytes. Returns the decoded length or -EINVAL. */
static ssize_t
b64_decode(const char *s, size_t n, uint8_t *out)
{
	size_t o = 0, pad = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	while (pad < 2 && n > 0 && s[n - 1] == '=') {
		n--;
		pad++;
	}
	if (n == 0 || n % 4 == 1 || (pad && (n + pad) % 4 != 0))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value(s[i]);

		if (v < 0)
			return -EINVAL;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (acc & ((1u << bits) - 1))
		return -EINVAL;         /* non-zero trailing bits: not canonical */
	return (ssize_t)o;
}

struct blob_reader {
	const uint8_t *p;
	size_t n, off;
};

static int
blob_string(struct blob_reader *br, const uint8_t **ret, size_t *ret_len)
{
	uint32_t l;

	if (br->n - br->off < 4)
		return -EINVAL;
	l = (uint32_t)br->p[br->off] << 24 | (uint32_t)br->p[br->off + 1] << 16 |
	    (uint32_t)br->p[br->off + 2] << 8 | br->p[br->off + 3];
	if (l > br->n - br->off - 4)
		return -EINVAL;
	if (ret)
		*ret = br->p + br->off + 4;
	if (ret_len)
		*ret_len = l;
	br->off += 4 + (size_t)l;
	return 0;
}

static void
fp_sha256(const uint8_t *p, size_t n, char out[FP_MAX])
{
	unsigned char md[EVP_MAX_MD_SIZE], enc[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	unsigned mdlen = 0;
	int l;

	out[0] = '\0';
	if (!EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL))
		return;
	l = EVP_EncodeBlock(enc, md, (int)mdlen);
	while (l > 0 && enc[l - 1] == '=')
		l--;
	memcpy(out, "SHA256:", 7);
	strlcpy_n(out + 7, FP_MAX - 7, (const char *)enc, (size_t)l);
}

static void
fp_md5(const uint8_t *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	size_t o = 4;

	out[0] = '\0';
	if (!EVP_Digest(p, n, md, &mdlen, EVP_md5(), NULL))
		return;
	memcpy(out, "MD5:", 4);
	for (unsigned i = 0; i < mdlen; i++) {
		if (i)
			out[o++] = ':';
		out[o++] = hex[md[i] >> 4];
		out[o++] = hex[md[i] & 15];
	}
	out[o] = '\0';
}

int
pubkey_fingerprint(const char *b64, size_t n, char ret_sha256[FP_MAX], char ret_type[KEYTYPE_MAX],
		   char *ret_md5)
{
	_cleanup_(freep) uint8_t *blob = NULL, *plain = NULL;
	struct blob_reader br;
	const struct key_type *kt;
	const uint8_t *name;
	size_t name_len, fields;
	bool cert = false;
	ssize_t bl;

	if (!b64 || n == 0 || n > 64 * 1024)
		return -EINVAL;
	blob = malloc(n / 4 * 3 + 3);
	if (!blob)
		return -ENOMEM;
	bl = b64_decode(b64, n, blob);
	if (bl < 0)
		return (int)bl;
	br = (struct blob_reader) { .p = blob, .n = (size_t)bl };
	if (blob_string(&br, &name, &name_len) < 0 || name_len == 0 || name_len > 64)
		return -EINVAL;
	for (size_t i = 0; i < name_len; i++)
		if (name[i] < 0x21 || name[i] > 0x7e)
			return -EINVAL;
	kt = key_type_lookup((const char *)name, name_len, &cert);
	if (!kt) {
		/* a well-formed blob of a type we do not know: hash it whole */
		fp_sha256(blob, (size_t)bl, ret_sha256);
		if (ret_md5)
			fp_md5(blob, (size_t)bl, ret_md5);
		strlcpy_n(ret_type, KEYTYPE_MAX, "unknown", 7);
		return 0;
	}
	if (cert && blob_string(&br, NULL, NULL) < 0)   /* nonce */
		return -EINVAL;
	fields = br.off;
	for (unsigned i = 0; i < kt->nfields; i++)
		if (blob_string(&br, NULL, NULL) < 0)
			return -EINVAL;
	if (!cert && br.off != br.n)
		return -EINVAL;
	if (cert && br.n - br.off < 8 + 4 + 4)          /* serial, type, key id ... must follow */
		return -EINVAL;
	if (cert) {
		/* the plain key blob: string plain-name, then the key fields verbatim */
		size_t pl = strlen(kt->name), kl = br.off - fields;

		plain = malloc(4 + pl + kl);
		if (!plain)
			return -ENOMEM;
		plain[0] = (uint8_t)(pl >> 24);
		plain[1] = (uint8_t)(pl >> 16);
		plain[2] = (uint8_t)(pl >> 8);
		plain[3] = (uint8_t)pl;
		memcpy(plain + 4, kt->name, pl);
		memcpy(plain + 4 + pl, blob + fields, kl);
		fp_sha256(plain, 4 + pl + kl, ret_sha256);
		if (ret_md5)
			fp_md5(plain, 4 + pl + kl, ret_md5);
	} else {
		fp_sha256(blob, (size_t)bl, ret_sha256);
		if (ret_md5)
			fp_md5(blob, (size_t)bl, ret_md5);
	}
	if (!*ret_sha256)
		return -EINVAL;
	if (cert) {
		char t[KEYTYPE_MAX];
		size_t sl = strlen(kt->short_name);

		memcpy(t, kt->short_name, sl);
		memcpy(t + sl, "-CERT", 6);
		strlcpy_n(ret_type, KEYTYPE_MAX, t, strlen(t));
	} else
		strlcpy_n(ret_type, KEYTYPE_MAX, kt->short_name, strlen(kt->short_name));
	return 0;
}

bool
sshkey_type_known(const char *s, size_t n)
{
	bool cert;

	return key_type_lookup(s, n, &cert) != NULL;
}
