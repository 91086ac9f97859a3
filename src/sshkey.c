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

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

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

int
sshkey_b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
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
		int v = sshkey_b64_value(s[i]);

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

/* ---- blob checks and certificates (sshkey.c:sshkey_from_blob_internal(),
 * cert_parse(); PROTOCOL.certkeys) ---- */

#define SSHBUF_MAX_BIGNUM 2048          /* sshbuf.h: 16384 bits */
#define SSHBUF_MAX_ECPOINT 133          /* sshbuf.h: (528 * 2 / 8) + 1 */
#define RSA_MIN_BITS 1024               /* ssh.h: SSH_RSA_MINIMUM_MODULUS_SIZE */
#define CERT_MAX_PRINCIPALS 256         /* sshkey.h: SSHKEY_CERT_MAX_PRINCIPALS */

static int
blob_u32(struct blob_reader *br, uint32_t *ret)
{
	if (br->n - br->off < 4)
		return -ENODATA;
	*ret = (uint32_t)br->p[br->off] << 24 | (uint32_t)br->p[br->off + 1] << 16 |
	       (uint32_t)br->p[br->off + 2] << 8 | br->p[br->off + 3];
	br->off += 4;
	return 0;
}

static int
blob_u64(struct blob_reader *br, uint64_t *ret)
{
	uint32_t hi = 0, lo = 0;

	if (blob_u32(br, &hi) < 0 || blob_u32(br, &lo) < 0)
		return -ENODATA;
	*ret = (uint64_t)hi << 32 | lo;
	return 0;
}

/* A string field; running out of bytes is -ENODATA (a cut blob). */
static int
blob_str(struct blob_reader *br, const uint8_t **ret, size_t *ret_len)
{
	return blob_string(br, ret, ret_len) < 0 ? -ENODATA : 0;
}

/* sshbuf_get_cstring(): a NUL is allowed only as the last byte. */
static int
blob_cstr(struct blob_reader *br, const uint8_t **ret, size_t *ret_len, const char **reason)
{
	const uint8_t *p;
	const void *z;
	size_t l;
	int r = blob_str(br, &p, &l);

	if (r < 0)
		return r;
	if (l > 0 && (z = memchr(p, '\0', l)) && (const uint8_t *)z < p + l - 1) {
		*reason = "a text field holds a NUL byte";
		return -EINVAL;
	}
	if (ret)
		*ret = p;
	if (ret_len)
		*ret_len = l;
	return 0;
}

/* sshbuf_get_bignum2_bytes_direct(); returns the significant bits. */
static int
blob_mpint(struct blob_reader *br, unsigned *ret_bits, const char **reason)
{
	const uint8_t *d;
	size_t l;
	unsigned bits = 0;
	int r = blob_str(br, &d, &l);

	if (r < 0)
		return r;
	if (l != 0 && (d[0] & 0x80)) {
		*reason = "a key number is negative";
		return -EINVAL;
	}
	if (l > SSHBUF_MAX_BIGNUM + 1 || (l == SSHBUF_MAX_BIGNUM + 1 && d[0] != 0)) {
		*reason = "a key number is longer than 16384 bits";
		return -EINVAL;
	}
	while (l > 0 && d[0] == 0) {
		d++;
		l--;
	}
	if (l > 0) {
		bits = (unsigned)(l - 1) * 8;
		for (uint8_t top = d[0]; top; top >>= 1)
			bits++;
	}
	if (ret_bits)
		*ret_bits = bits;
	return 0;
}

static int
check_ec_point(const char *curve, const uint8_t *d, size_t l, const char **reason)
{
	int nid = streq(curve, "nistp256") ? NID_X9_62_prime256v1 :
		  streq(curve, "nistp384") ? NID_secp384r1 : NID_secp521r1;
	EC_GROUP *g;
	EC_POINT *pt = NULL;
	int r = -EINVAL;

	/* sshbuf-getput-crypto.c:get_ec(): uncompressed points only */
	if (l == 0 || l > SSHBUF_MAX_ECPOINT || d[0] != POINT_CONVERSION_UNCOMPRESSED) {
		*reason = "the ECDSA public point is malformed";
		return -EINVAL;
	}
	g = EC_GROUP_new_by_curve_name(nid);
	if (!g)
		return -ENOMEM;
	pt = EC_POINT_new(g);
	if (!pt) {
		r = -ENOMEM;
		goto out;
	}
	if (EC_POINT_oct2point(g, pt, d, l, NULL) != 1 || EC_POINT_is_at_infinity(g, pt))
		*reason = "the ECDSA public point is not on the curve";
	else
		r = 0;
out:
	EC_POINT_free(pt);
	EC_GROUP_free(g);
	ERR_clear_error();
	return r;
}

/* The public key fields of kt after the name (and a certificate's nonce):
 * the checks of each type's deserialize_public(). */
static int
check_key_fields(struct blob_reader *br, const struct key_type *kt, const char **reason)
{
	const uint8_t *d;
	size_t l;
	unsigned bits;
	int r;

	if (streq(kt->name, "ssh-rsa")) {
		if ((r = blob_mpint(br, NULL, reason)) < 0 || (r = blob_mpint(br, &bits, reason)) < 0)
			return r;
		if (bits < RSA_MIN_BITS) {
			*reason = "the RSA key is shorter than 1024 bits";
			return -EINVAL;
		}
		return 0;
	}
	if (streq(kt->name, "ssh-dss")) {
		for (unsigned i = 0; i < 4; i++)
			if ((r = blob_mpint(br, NULL, reason)) < 0)
				return r;
		return 0;
	}
	if (strstr(kt->name, "ecdsa-sha2-nistp")) {
		const char *want = strstr(kt->name, "nistp");
		char curve[16];

		if ((r = blob_cstr(br, &d, &l, reason)) < 0)
			return r;
		strlcpy_n(curve, sizeof(curve), (const char *)d, l);
		if (l != 8 || strncmp(curve, want, 8) != 0) {
			*reason = "the ECDSA curve does not match the key type";
			return -EINVAL;
		}
		if ((r = blob_str(br, &d, &l)) < 0)
			return r;
		if ((r = check_ec_point(curve, d, l, reason)) < 0)
			return r;
	} else {
		/* ssh-ed25519, sk-ssh-ed25519@openssh.com */
		if ((r = blob_str(br, &d, &l)) < 0)
			return r;
		if (l != 32) {
			*reason = "the Ed25519 public key is not 32 bytes";
			return -EINVAL;
		}
	}
	if (strncmp(kt->name, "sk-", 3) == 0)
		return blob_cstr(br, NULL, NULL, reason);       /* application */
	return 0;
}

/* A plain key blob at p[0..n) with nothing after it. */
static int
check_plain_blob(const uint8_t *p, size_t n, const struct key_type **ret_kt, const char **reason)
{
	struct blob_reader br = { .p = p, .n = n };
	const struct key_type *kt;
	const uint8_t *name;
	size_t name_len;
	bool cert;
	int r;

	if ((r = blob_cstr(&br, &name, &name_len, reason)) < 0)
		return r;
	kt = key_type_lookup((const char *)name, name_len, &cert);
	if (!kt || cert) {
		*reason = kt ? "the key is a certificate" : "unknown key type";
		return kt ? -EINVAL : -EPROTONOSUPPORT;
	}
	if ((r = check_key_fields(&br, kt, reason)) < 0)
		return r;
	if (br.off != br.n) {
		*reason = "bytes follow the key";
		return -EINVAL;
	}
	if (ret_kt)
		*ret_kt = kt;
	return 0;
}

static void
list_append(char *out, size_t cap, const uint8_t *s, size_t n)
{
	size_t o = strlen(out);

	if (o + (o ? 1 : 0) + n >= cap)
		return;
	if (o)
		out[o++] = ',';
	strlcpy_n(out + o, cap - o, (const char *)s, n);
}

/* Everything after the certified key's fields (cert_parse()), into ret
 * when not NULL. The CA signature is not verified. */
static int
cert_body_parse(struct blob_reader *br, struct sshkey_cert *ret, const char **reason)
{
	struct blob_reader pr, cr, er;
	const uint8_t *kid, *princ, *crit, *ext, *ca, *s;
	size_t kid_len, princ_len, crit_len, ext_len, ca_len, l;
	uint64_t serial, va, vb;
	uint32_t type;
	size_t np = 0;
	int r;

	if ((r = blob_u64(br, &serial)) < 0 || (r = blob_u32(br, &type)) < 0 ||
	    (r = blob_cstr(br, &kid, &kid_len, reason)) < 0 || (r = blob_str(br, &princ, &princ_len)) < 0 ||
	    (r = blob_u64(br, &va)) < 0 || (r = blob_u64(br, &vb)) < 0 ||
	    (r = blob_str(br, &crit, &crit_len)) < 0 || (r = blob_str(br, &ext, &ext_len)) < 0 ||
	    (r = blob_str(br, NULL, NULL)) < 0 ||                       /* reserved */
	    (r = blob_str(br, &ca, &ca_len)) < 0 ||
	    (r = blob_str(br, NULL, NULL)) < 0)                         /* signature */
		return r;
	if (br->off != br->n) {
		*reason = "bytes follow the certificate";
		return -EINVAL;
	}
	if (type != 1 && type != 2) {
		*reason = "unknown certificate type";
		return -EINVAL;
	}
	if (ret) {
		ret->serial = serial;
		ret->user_cert = type == 1;
		ret->valid_after = va;
		ret->valid_before = vb;
		/* the key id as a C string: up to a final NUL, cut at 255 */
		if (kid_len && kid[kid_len - 1] == '\0')
			kid_len--;
		strlcpy_n(ret->key_id, sizeof(ret->key_id), (const char *)kid, kid_len);
	}
	pr = (struct blob_reader) { .p = princ, .n = princ_len };
	while (pr.off < pr.n) {
		if (np >= CERT_MAX_PRINCIPALS) {
			*reason = "more than 256 principals";
			return -EINVAL;
		}
		if ((r = blob_cstr(&pr, &s, &l, reason)) < 0)
			return r == -ENODATA ? -EINVAL : r;
		if (l && s[l - 1] == '\0')
			l--;
		if (ret) {
			if (ret->n_principals < SSHKEY_CERT_MAX_PRINCIPALS && l < sizeof(ret->principals[0]))
				strlcpy_n(ret->principals[ret->n_principals++], sizeof(ret->principals[0]),
					  (const char *)s, l);
			else
				ret->principals_cut = true;
		}
		np++;
	}
	/* critical options and extensions: name/data string pairs */
	cr = (struct blob_reader) { .p = crit, .n = crit_len };
	while (cr.off < cr.n) {
		const uint8_t *name, *data;
		size_t name_len, data_len;

		if (blob_str(&cr, &name, &name_len) < 0 || blob_str(&cr, &data, &data_len) < 0) {
			*reason = "the critical options are malformed";
			return -EINVAL;
		}
		if (!ret)
			continue;
		list_append(ret->critical, sizeof(ret->critical), name, name_len);
		if (name_len == 14 && memcmp(name, "source-address", 14) == 0) {
			struct blob_reader dr = { .p = data, .n = data_len };
			const uint8_t *v;
			size_t vl;

			if (blob_string(&dr, &v, &vl) == 0)
				strlcpy_n(ret->source_address, sizeof(ret->source_address), (const char *)v, vl);
		}
	}
	er = (struct blob_reader) { .p = ext, .n = ext_len };
	while (er.off < er.n)
		if (blob_string(&er, NULL, NULL) < 0 || blob_string(&er, NULL, NULL) < 0) {
			*reason = "the extensions are malformed";
			return -EINVAL;
		}
	/* the signature key: a plain key of a known type, nothing after it */
	if ((r = check_plain_blob(ca, ca_len, NULL, reason)) < 0) {
		*reason = "the signing CA key is invalid";
		return -EINVAL;
	}
	if (ret) {
		r = pubkey_fingerprint_blob(ca, ca_len, ret->ca_fingerprint, ret->ca_type);
		if (r < 0)
			return r;
	}
	return 0;
}

int
sshkey_blob_check(const uint8_t *blob, size_t n, char *ret_name, const char **ret_reason)
{
	struct blob_reader br = { .p = blob, .n = n };
	const struct key_type *kt;
	const char *reason = NULL;
	const uint8_t *name;
	size_t name_len;
	bool cert = false;
	int r;

	if (ret_name)
		ret_name[0] = '\0';
	if (ret_reason)
		*ret_reason = NULL;
	if (!blob)
		return -EINVAL;
	r = blob_cstr(&br, &name, &name_len, &reason);
	if (r < 0) {
		if (ret_reason)
			*ret_reason = reason ? reason : "the key blob ends early";
		return r;
	}
	if (ret_name) {
		size_t i;

		for (i = 0; i < name_len && i < SSHKEY_NAME_MAX - 1; i++)
			ret_name[i] = name[i] >= 0x21 && name[i] <= 0x7e ? (char)name[i] : '?';
		ret_name[i] = '\0';
	}
	kt = key_type_lookup((const char *)name, name_len, &cert);
	if (!kt) {
		if (ret_reason)
			*ret_reason = "unknown key type";
		return -EPROTONOSUPPORT;
	}
	if (cert && (r = blob_str(&br, NULL, NULL)) < 0)        /* nonce */
		goto fail;
	if ((r = check_key_fields(&br, kt, &reason)) < 0)
		goto fail;
	if (cert)
		r = cert_body_parse(&br, NULL, &reason);
	else if (br.off != br.n) {
		reason = "bytes follow the key";
		r = -EINVAL;
	}
fail:
	if (r < 0 && ret_reason)
		*ret_reason = r == -ENODATA ? "the key blob ends early" : reason ? reason : "malformed key";
	return r;
}

int
pubkey_fingerprint_blob(const uint8_t *blob, size_t n, char ret_sha256[FP_MAX], char ret_type[KEYTYPE_MAX])
{
	_cleanup_(freep) char *b64 = NULL;
	int l;

	if (!blob || n == 0 || n > 48 * 1024)
		return -EINVAL;
	b64 = malloc(4 * ((n + 2) / 3) + 1);
	if (!b64)
		return -ENOMEM;
	l = EVP_EncodeBlock((unsigned char *)b64, blob, (int)n);
	if (l <= 0)
		return -EINVAL;
	return pubkey_fingerprint(b64, (size_t)l, ret_sha256, ret_type, NULL);
}

int
sshkey_cert_parse(const char *b64, size_t n, struct sshkey_cert *ret)
{
	_cleanup_(freep) uint8_t *blob = NULL;
	struct blob_reader br;
	const struct key_type *kt;
	const char *reason = NULL;
	const uint8_t *name;
	size_t name_len;
	struct sshkey_cert c;
	bool cert = false;
	ssize_t bl;
	int r;

	if (!b64 || !ret || n == 0 || n > 64 * 1024)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	blob = malloc(n / 4 * 3 + 3);
	if (!blob)
		return -ENOMEM;
	bl = b64_decode(b64, n, blob);
	if (bl < 0)
		return -EINVAL;
	br = (struct blob_reader) { .p = blob, .n = (size_t)bl };
	if (blob_cstr(&br, &name, &name_len, &reason) < 0)
		return -EINVAL;
	kt = key_type_lookup((const char *)name, name_len, &cert);
	if (!kt || !cert)
		return -EINVAL;
	if (blob_str(&br, NULL, NULL) < 0 || check_key_fields(&br, kt, &reason) < 0)
		return -EINVAL;
	r = cert_body_parse(&br, &c, &reason);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	/* the certified key's fingerprint and the -CERT type, as sshd logs them */
	r = pubkey_fingerprint(b64, n, c.fingerprint, c.type, NULL);
	if (r < 0)
		return r;
	*ret = c;
	return 0;
}
