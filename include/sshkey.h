/* OpenSSH public key blobs: base64, type names, fingerprints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

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
