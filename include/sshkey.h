/* OpenSSH public key blobs: base64, type names, fingerprints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"      /* FP_MAX, KEYTYPE_MAX */

/* SHA256 fingerprint ("SHA256:" + unpadded base64) and short type name
 * ("ED25519", "RSA", "ED25519-CERT", ...) of the base64 key blob b64[0..n).
 * For a certificate, the fingerprint is the certified (plain) key's, as sshd
 * logs it. ret_md5 (may be NULL, else FP_MAX bytes): "MD5:xx:xx:...".
 * Returns 0 or -EINVAL (not base64, truncated, trailing bytes). */
int pubkey_fingerprint(const char *b64, size_t n, char ret_sha256[FP_MAX], char ret_type[KEYTYPE_MAX],
		       char *ret_md5);

/* s[0..n) is a key or certificate protocol name sshwhy knows
 * ("ssh-ed25519", "rsa-sha2-..." is not one: that is a signature algorithm). */
bool sshkey_type_known(const char *s, size_t n);

/* The value of one base64 character (standard alphabet), or -1. */
int sshkey_b64_value(char c);

#define SSHKEY_NAME_MAX 80              /* a key type name, NUL included */

/* Check a decoded key or certificate blob blob[0..n) the way sshd's
 * sshkey_from_blob() does before it accepts a key: the fields of the type,
 * RSA of 1024 bits or more, a 32-byte Ed25519 key, an ECDSA point of the
 * named curve, a certificate's body and signing CA key (the signature itself
 * is not verified), nothing after the last field. ret_name (may be NULL,
 * else SSHKEY_NAME_MAX bytes): the type name inside the blob, non-printable
 * bytes as '?'. ret_reason (may be NULL): a static text saying what is
 * wrong. Returns 0 valid, -ENODATA the blob ends before its last field (a
 * key cut short), -EPROTONOSUPPORT a type sshd does not know, -EINVAL
 * malformed, -ENOMEM. */
int sshkey_blob_check(const uint8_t *blob, size_t n, char *ret_name, const char **ret_reason);

/* pubkey_fingerprint() of a decoded blob. */
int pubkey_fingerprint_blob(const uint8_t *blob, size_t n, char ret_sha256[FP_MAX], char ret_type[KEYTYPE_MAX]);

#define SSHKEY_CERT_MAX_PRINCIPALS 64

/* The fields of an OpenSSH certificate (PROTOCOL.certkeys) that decide
 * whether sshd accepts it. */
struct sshkey_cert {
	char type[KEYTYPE_MAX];         /* ED25519-CERT, RSA-CERT, ... */
	char fingerprint[FP_MAX];       /* the certified key's SHA256 */
	bool user_cert;                 /* type 1 = user, 2 = host */
	uint64_t serial;
	char key_id[256];               /* cut at 255 bytes; may hold any bytes: escape before display */
	char principals[SSHKEY_CERT_MAX_PRINCIPALS][128];
	size_t n_principals;            /* 0: valid for any principal */
	bool principals_cut;            /* more than SSHKEY_CERT_MAX_PRINCIPALS, or longer than 127 bytes */
	uint64_t valid_after, valid_before;     /* seconds since the epoch; 0 / UINT64_MAX = unbounded */
	char ca_type[KEYTYPE_MAX];      /* the signing CA key */
	char ca_fingerprint[FP_MAX];
	char critical[256];             /* critical option names, comma separated (force-command, source-address, ...) */
	char source_address[256];       /* the source-address critical option's value, "" none */
};

/* Decode the base64 certificate blob b64[0..n). Returns 0, -EINVAL (not a
 * certificate or malformed), -ENOMEM. */
int sshkey_cert_parse(const char *b64, size_t n, struct sshkey_cert *ret);
