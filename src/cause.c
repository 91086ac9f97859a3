/* Outcome and cause tables: stable codes (from the X-macros in cause.h) and,
 * per cause, one row: where the fix lies, a one-sentence explanation
 * template, the fix an admin applies (and its Windows-client form), what
 * decides between the candidates of a generic cause, and the explanation
 * when only the client's log testifies. Templates use {user} {addr} {fp}
 * {fp_with} {detail} {reason}; attempt-text.c and explain.c expand them.
 * The texts are marked N_() and translated by the accessors (cause_tr():
 * English when --json asked for machine output). */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>

#include "cause.h"
#include "i18n.h"
#include "util.h"
#include "banned.h"

static const char *const outcome_table[] = {
#define X(n, s) [OUTCOME_##n] = s,
	OUTCOMES(X)
#undef X
};

struct cause_info {
	enum fix_side side;             /* where the fix lies */
	const char *explanation;        /* template */
	const char *fix;                /* template, NULL: nothing to do */
	const char *fix_windows;        /* template for a Windows client, NULL: fix */
	const char *decide;             /* what decides between the candidates (generic causes) */
	const char *witness;            /* explanation when no server line was searched, NULL: explanation */
};

/* One row per cause: T(NAME, side, explanation, fix), or TX(...) with more
 * of struct cause_info's fields (what decides between candidates, the fix on
 * a Windows client, the explanation when only the client's log testifies). */
#define T(n, s, e, f) [CAUSE_##n] = { .side = SIDE_##s, .explanation = e, .fix = f }
#define TX(n, s, e, f, ...) [CAUSE_##n] = { .side = SIDE_##s, .explanation = e, .fix = f, __VA_ARGS__ }
static const struct cause_info cause_text[] = {
	T(NONE, UNKNOWN, N_("Nothing is known about this connection yet."), NULL),
	TX(ACCEPTED, SERVER, N_("{user} logged in from {addr}{fp_with}."), NULL,
	   .witness = N_("{user} logged in{fp_with}.")),
	T(STRICTMODES_DIR_PERMS, SERVER,
	  N_("sshd ignored {user}'s authorized_keys because the directory {detail} is writable by group or others or has the wrong owner (StrictModes)."),
	  N_("chmod go-w {detail} and make sure it is owned by {user} or root; ~/.ssh should be 0700.")),
	T(STRICTMODES_FILE_PERMS, SERVER,
	  N_("sshd ignored {detail} because the file is writable by group or others or has the wrong owner (StrictModes)."),
	  N_("chmod 600 {detail} and chown it to {user}.")),
	T(SSH_DIR_NOT_A_DIRECTORY, SERVER,
	  N_("sshd could not read {user}'s authorized keys: a component of the path {detail} is not a directory."),
	  N_("Make ~/.ssh a directory (mode 0700) holding authorized_keys (mode 0600).")),
	T(AUTHORIZED_KEYS_UNREADABLE, SERVER,
	  N_("sshd could not open {detail} as {user} ({reason}), so no key can match."),
	  N_("Give {user} read access: chown {user} {detail}; chmod 600 {detail} (and check SELinux labels / NFS root-squash).")),
	T(FROM_RESTRICTION, SERVER,
	  N_("The key is in authorized_keys but its from= option does not allow {addr} (required {detail})."),
	  N_("Add {addr} (or its network) to the from=\"...\" option of that authorized_keys line, or connect from an allowed address.")),
	T(KEY_ALGORITHM_NOT_ACCEPTED, BOTH,
	  N_("The server's PubkeyAcceptedAlgorithms does not include {detail}, so the key was refused before it was looked up."),
	  N_("Add {detail} to PubkeyAcceptedAlgorithms in sshd_config, or give the client a key of an accepted type (ed25519).")),
	T(SSH_RSA_SHA1_REFUSED, BOTH,
	  N_("The client signs with ssh-rsa (RSA/SHA-1), which OpenSSH 8.8+ refuses by default."),
	  N_("Upgrade the client so it uses rsa-sha2-256/512, or switch it to an ed25519 key; only as a stopgap add PubkeyAcceptedAlgorithms +ssh-rsa.")),
	T(KEY_TYPE_UNSUPPORTED, SERVER,
	  N_("The server does not support the key algorithm {detail} at all (e.g. DSA removed in OpenSSH 10.1)."),
	  N_("Give the client an ed25519 or RSA (>= 3072 bits) key.")),
	T(RSA_KEY_TOO_SMALL, SERVER,
	  N_("The RSA key is shorter than the server's RequiredRSASize."),
	  N_("Generate a new key: ssh-keygen -t ed25519 (or RSA >= 3072 bits).")),
	T(KEY_REVOKED, SERVER,
	  N_("The key {fp} is listed in the server's RevokedKeys file {detail}."),
	  N_("If the revocation is wrong, remove the key from {detail}; otherwise issue the user a new key.")),
	T(REVOKED_KEYS_UNREADABLE, SERVER,
	  N_("sshd could not read its RevokedKeys file {detail}, and then refuses every key."),
	  N_("Fix the RevokedKeys file (path, permissions, format) or remove the RevokedKeys line.")),
	T(CERT_EXPIRED, SERVER,
	  N_("The user certificate has expired."),
	  N_("Sign a new certificate (ssh-keygen -s CA -I ID -n {user} -V +52w key.pub).")),
	T(CERT_NOT_YET_VALID, SERVER,
	  N_("The user certificate is not valid yet (check its validity window and the clocks)."),
	  N_("Fix the client or server clock, or re-sign the certificate with a validity that starts now.")),
	T(CERT_PRINCIPAL_NOT_LISTED, SERVER,
	  N_("The certificate does not name {user} among its principals."),
	  N_("Re-sign the certificate with -n {user}, or list its principal in AuthorizedPrincipalsFile.")),
	T(CERT_UNTRUSTED_CA, SERVER,
	  N_("The certificate is signed by a CA that TrustedUserCAKeys does not list."),
	  N_("Add the CA's public key to TrustedUserCAKeys, or have the certificate signed by a trusted CA.")),
	T(CERT_INVALID, SERVER,
	  N_("sshd refused the user certificate: {detail}."),
	  N_("Inspect it with ssh-keygen -L -f cert.pub and re-sign it.")),
	T(CERT_SOURCE_RESTRICTION, SERVER,
	  N_("The certificate's source-address option does not allow {addr}."),
	  N_("Re-sign the certificate with a source-address that includes {addr}.")),
	T(AUTHORIZED_KEYS_COMMAND_FAILED, SERVER,
	  N_("The AuthorizedKeysCommand failed ({detail}), so no key could be authorised."),
	  N_("Run the AuthorizedKeysCommand by hand as its AuthorizedKeysCommandUser and fix it (ownership/modes must be root-only).")),
	T(AUTHORIZED_KEYS_BAD_OPTIONS, SERVER,
	  N_("The matching authorized_keys line has options sshd cannot parse, so the key is ignored."),
	  N_("Fix the options field of that line (quotes, commas); check it with sshwhy check --user USER or ssh-keygen -l -f.")),
	T(FIDO_REQUIREMENT_NOT_MET, SERVER,
	  N_("The FIDO key's signature lacked user presence or verification that the server requires ({detail})."),
	  N_("Touch the security key when asked / enter its PIN, or relax no-touch-required / verify-required.")),
	T(TOO_MANY_AUTH_FAILURES, CLIENT,
	  N_("The client offered more keys than MaxAuthTries allows and was disconnected; the right key may never have been tried."),
	  N_("Have the client use only the right key (IdentitiesOnly yes + IdentityFile), or raise MaxAuthTries.")),
	T(KEY_NOT_AUTHORIZED, SERVER,
	  N_("The key {user} offered is not in their authorized_keys."),
	  N_("Add the client's public key to ~{user}/.ssh/authorized_keys.")),
	TX(AUTHORIZED_KEYS_MISSING, SERVER,
	  N_("{user} has no authorized_keys file ({detail})."),
	  N_("Create ~{user}/.ssh/authorized_keys (0600, owned by {user}) with the client's public key."),
	   .decide = N_("sshwhy check --user {user} tells whether the home directory, ~/.ssh or only the file is missing.")),
	TX(AUTHORIZED_KEYS_WRONG_LOCATION, SERVER,
	  N_("sshd looks for keys in {detail}, not where the key was installed (AuthorizedKeysFile)."),
	  N_("Put the key where AuthorizedKeysFile points (sshd -T | grep authorizedkeysfile), or change AuthorizedKeysFile."),
	   .decide = N_("sshd -T | grep authorizedkeysfile shows where sshd looks; compare with where the key was installed.")),
	T(AUTHORIZED_KEYS_LINE_BROKEN, SERVER,
	  N_("The authorized_keys entry is broken across lines, so sshd cannot parse it."),
	  N_("Put each key on exactly one line (re-paste it with ssh-copy-id).")),
	T(AUTHORIZED_KEYS_KEY_CORRUPT, SERVER,
	  N_("The key in authorized_keys is truncated or corrupt."),
	  N_("Re-install the public key (ssh-copy-id) and compare fingerprints with ssh-keygen -lf.")),
	T(AUTHORIZED_KEYS_CONTAINS_PRIVATE_KEY, SERVER,
	  N_("authorized_keys contains a private key instead of the public one."),
	  N_("Replace it with the .pub file's single line, and treat the pasted private key as compromised.")),
	T(AUTHORIZED_KEYS_ENTRY_EXPIRED, SERVER,
	  N_("The authorized_keys entry has an expiry-time that has passed."),
	  N_("Update or remove the expiry-time option.")),
	T(HOME_DIRECTORY_MISSING, SERVER,
	  N_("{user}'s home directory does not exist, so there is no authorized_keys to read."),
	  N_("Create or mount the home directory (NFS/autofs), or point AuthorizedKeysFile elsewhere.")),
	T(PUBKEY_AUTH_DISABLED, SERVER,
	  N_("Public-key authentication is disabled for this connection (PubkeyAuthentication no, possibly in a Match block)."),
	  N_("Enable PubkeyAuthentication for this user/address (check Match blocks: sshd -T -C user={user},addr={addr}).")),
	T(SECOND_FACTOR_MISSING, CLIENT,
	  N_("The key was accepted but AuthenticationMethods requires another method that the client did not complete."),
	  N_("Complete the second factor, or change AuthenticationMethods.")),
	T(INVALID_USER, CLIENT,
	  N_("The server has no account {user} (or refuses to admit it exists)."),
	  N_("Check the user name the client uses (ssh -l, User in ~/.ssh/config), or create the account.")),
	T(NOT_IN_ALLOWUSERS, SERVER,
	  N_("{user} is not listed in AllowUsers, so sshd refused the account before looking at keys."),
	  N_("Add {user} to AllowUsers in sshd_config (or its Match block) and reload sshd.")),
	T(IN_DENYUSERS, SERVER,
	  N_("{user} is listed in DenyUsers."),
	  N_("Remove {user} from DenyUsers if the access is intended.")),
	T(NOT_IN_ALLOWGROUPS, SERVER,
	  N_("None of {user}'s groups is listed in AllowGroups."),
	  N_("Add {user} to an allowed group (usermod -aG GROUP {user}) or extend AllowGroups.")),
	T(IN_DENYGROUPS, SERVER,
	  N_("One of {user}'s groups is listed in DenyGroups."),
	  N_("Remove the group from DenyGroups or {user} from that group.")),
	T(NOT_IN_ANY_GROUP, SERVER,
	  N_("{user} has no group sshd could resolve, so AllowGroups/DenyGroups refused the account."),
	  N_("Fix the account's group membership (getent group).")),
	T(SHELL_MISSING, SERVER,
	  N_("{user}'s login shell {detail} does not exist."),
	  N_("Install the shell or change it: usermod -s /bin/bash {user}.")),
	T(SHELL_NOT_EXECUTABLE, SERVER,
	  N_("{user}'s login shell {detail} is not executable."),
	  N_("chmod 755 the shell or set a valid one: usermod -s /bin/bash {user}.")),
	T(SHELL_NOLOGIN, SERVER,
	  N_("{user} authenticated but the account's shell refuses logins (nologin)."),
	  N_("Give {user} a real shell (usermod -s /bin/bash {user}) if interactive access is intended.")),
	T(SHELL_EXEC_FAILED, SERVER,
	  N_("{user} authenticated but the login shell could not be started ({detail})."),
	  N_("Set a valid shell: usermod -s /bin/bash {user}.")),
	T(ACCOUNT_LOCKED, SERVER,
	  N_("{user}'s account is locked (password field starts with '!'), and with UsePAM no sshd refuses locked accounts even for keys."),
	  N_("Unlock it (usermod -U {user}) or set a '*' password instead of '!', or use UsePAM yes.")),
	T(ACCOUNT_EXPIRED, SERVER,
	  N_("{user}'s account has expired."),
	  N_("Extend it: chage -E -1 {user} (or a new date).")),
	T(PASSWORD_EXPIRED, SERVER,
	  N_("{user}'s password has expired; the login was accepted but a password change is forced before a session."),
	  N_("Set a new password (passwd {user}) or clear the expiry (chage -d $(date +%F) {user}).")),
	TX(PAM_ACCOUNT_REFUSED, SERVER,
	  N_("The key or password was accepted, but the PAM account stack refused {user} (expiry, pam_access, nologin, SSSD/HBAC)."),
	  N_("Check the pam_* account lines around this time and /etc/pam.d/sshd's account stack."),
	   .decide = N_("The pam_* lines of the account stack just before, or /etc/pam.d/sshd, name the module.")),
	T(PAM_ACCESS_DENIED, SERVER,
	  N_("pam_access denied {user} from {addr} (access.conf)."),
	  N_("Allow {user} from {addr} in /etc/security/access.conf.")),
	T(NOLOGIN_FILE, SERVER,
	  N_("/etc/nologin exists, so only root may log in."),
	  N_("Remove /etc/nologin once maintenance is over.")),
	T(ROOT_LOGIN_REFUSED, SERVER,
	  N_("root authenticated but PermitRootLogin forbids this method."),
	  N_("Log in as a normal user and use sudo, or set PermitRootLogin prohibit-password for key logins.")),
	T(ROOT_PASSWORD_NOT_PERMITTED, SERVER,
	  N_("A root password login was tried but PermitRootLogin does not allow passwords."),
	  N_("Use a key for root (PermitRootLogin prohibit-password) or log in as a normal user.")),
	T(CHROOT_BAD_OWNERSHIP, SERVER,
	  N_("{user} authenticated, but the ChrootDirectory path ({detail}) is not root-owned and root-only writable, so sshd killed the session."),
	  N_("chown root:root every component of the ChrootDirectory path and chmod 755 it.")),
	T(REFUSED_BY_ADMIN, SERVER,
	  N_("The connection was refused by RefuseConnection in sshd_config."),
	  N_("Check Match blocks with RefuseConnection yes.")),
	T(KEX_NO_MATCH, BOTH,
	  N_("Client and server share no key exchange algorithm."),
	  N_("Align KexAlgorithms: update the old side, or add a common algorithm to the server's KexAlgorithms.")),
	T(HOSTKEY_ALG_NO_MATCH, BOTH,
	  N_("Client and server share no host key algorithm."),
	  N_("Add a modern host key type (ssh-ed25519, rsa-sha2-512) to the server's HostKeyAlgorithms / HostKey.")),
	T(CIPHER_NO_MATCH, BOTH,
	  N_("Client and server share no cipher."),
	  N_("Align Ciphers on both sides (sshd -T | grep ciphers).")),
	T(MAC_NO_MATCH, BOTH,
	  N_("Client and server share no MAC algorithm."),
	  N_("Align MACs on both sides (sshd -T | grep macs).")),
	T(COMPRESSION_NO_MATCH, BOTH,
	  N_("Client and server share no compression method."),
	  N_("Align Compression settings.")),
	T(BANNER_EXCHANGE_FAILED, SERVER,
	  N_("The peer closed or sent garbage before the SSH identification exchange (scanner, health check, or non-SSH client)."),
	  NULL),
	T(PROTOCOL_ERROR, SERVER,
	  N_("The connection failed with an SSH protocol error ({detail})."),
	  NULL),
	TX(LOGIN_GRACE_TIMEOUT, SERVER,
	  N_("The client did not finish authenticating within LoginGraceTime."),
	  N_("Find out what the client waits for (passphrase prompt, FIDO touch, network), or raise LoginGraceTime."),
	   .witness = N_("The server closed the connection after accepting the key {fp} for {user}, before the login completed: most often LoginGraceTime expired while the client was still signing (a slow passphrase or FIDO prompt); an account PAM refuses (expired, locked) ends the same way.")),
	T(PER_SOURCE_PENALTY, SERVER,
	  N_("sshd's PerSourcePenalties dropped this connection from {addr} before authentication ({detail}), because of earlier failures from that address."),
	  N_("Wait for the penalty to expire, fix the client's failing logins, or exempt the address with PerSourcePenaltyExemptList.")),
	T(MAXSTARTUPS_DROP, SERVER,
	  N_("sshd dropped the connection because too many unauthenticated connections were pending (MaxStartups)."),
	  N_("Raise MaxStartups or find what opens so many connections.")),
	T(NO_AUTH_ATTEMPTED, CLIENT,
	  N_("The client connected and never tried to authenticate (not an SSH client, or it gave up first)."),
	  NULL),
	T(DIFFERENT_SERVER, NETWORK,
	  N_("The client reached another machine: the host key it saw ({detail}) is not one of this server's host keys."),
	  N_("Check the address and port the client connects to (DNS, NAT, port forwarding, a tunnel), and the known_hosts entry; compare with ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub.")),
	T(CLIENT_HOST_KEY_VERIFICATION_FAILED, CLIENT,
	  N_("The client refused this server's host key (known_hosts has another key for it), so it never tried to log in."),
	  N_("If this server's host key really changed, the client removes the old entry: ssh-keygen -R HOST; otherwise find out what the client connects to.")),
	T(SERVER_NOT_REACHED, NETWORK,
	  N_("The client never reached sshd (connection refused or timed out), so the server has nothing to show."),
	  N_("Check the address, the port, firewalls and that sshd listens there (ss -ltnp).")),
	TX(CLIENT_KEY_BAD_PERMISSIONS, CLIENT,
	  N_("The client ignored its private key {detail} because the file is readable by others, so the server never got a signature."),
	  N_("On the client: chmod 600 {detail}."),
	   .fix_windows = N_("On the client: let only the user read {detail}: in the file's Properties, Security tab, remove every other user and group (Advanced: disable inheritance), or icacls \"{detail}\" /inheritance:r /grant:r \"%USERNAME%\":R.")),
	T(CLIENT_IDENTITY_FILE_MISSING, CLIENT,
	  N_("The client's identity file {detail} does not exist, so it had no key to offer."),
	  N_("On the client: fix the -i / IdentityFile path.")),
	T(CLIENT_WRONG_PASSPHRASE, CLIENT,
	  N_("The client could not decrypt its private key {detail} (wrong passphrase), so it could not sign with it."),
	  N_("On the client: use the right passphrase (ssh-keygen -y -f KEY to test it).")),
	T(CLIENT_KEY_ENCRYPTED_NO_PROMPT, CLIENT,
	  N_("The client's key {detail} is passphrase-protected and the client could not ask for the passphrase (BatchMode, no terminal), so it could not sign with it."),
	  N_("On the client: load the key into ssh-agent, or use an unencrypted deploy key for automation.")),
	T(CLIENT_NO_MUTUAL_SIGNATURE_ALGORITHM, CLIENT,
	  N_("The client and server share no signature algorithm for this key type, so the client did not offer it."),
	  N_("Upgrade the client or use an ed25519 key.")),
	T(CLIENT_HAS_NO_KEY, CLIENT,
	  N_("The client had no key to offer."),
	  N_("Give the client the right key (-i / IdentityFile).")),
	TX(PREAUTH_CLOSE_NO_DETAIL, SERVER,
	  N_("The client gave up while authenticating as {user}; at this LogLevel sshd does not log which keys were offered or why they were refused."),
	  N_("Set LogLevel VERBOSE in sshd_config (or a Match block), get the client's ssh -vvv output (sshwhy explain), or run sshwhy check --user {user}."),
	   .decide = N_("At LogLevel INFO sshd logs neither the offered keys nor why they were refused: LogLevel VERBOSE, the client's ssh -vvv (sshwhy explain) or sshwhy check --user {user} decides.")),
	TX(PUBKEY_REJECTED_NO_REASON, SERVER,
	  N_("sshd refused the key {fp} for {user} without logging a reason: most often it is not in authorized_keys."),
	  N_("Compare {fp} with ssh-keygen -lf ~{user}/.ssh/authorized_keys (sshwhy check --user {user}); LogLevel DEBUG1 would log the reason."),
	   .decide = N_("sshwhy check --user {user} compares the fingerprint with authorized_keys; LogLevel DEBUG1 logs which files sshd read."),
	   .witness = N_("The server refused the key {fp} the client offered for {user} (it answered with the methods that can continue, without accepting the key): most often the key is not in the user's authorized_keys.")),
	TX(KEY_ACCEPTED_NO_SIGNATURE, CLIENT,
	  N_("sshd accepted the key {fp} for {user}, but the client never sent the signature (it could not use the private key)."),
	  N_("On the client: check the passphrase / agent / private key file (ssh -vvv shows why)."),
	   .decide = N_("Only the client log decides (sshwhy explain): it says why the private key could not be used."),
	   .witness = N_("The server accepted the key {fp} for {user} (the client saw it say so), then the login did not complete: the client sent no valid signature, or the server refused the account after it.")),
	TX(NO_KEY_OFFERED, SERVER,
	  N_("The client connected as {user} but offered no key sshd logged."),
	  N_("Check the client's keys and IdentityFile (ssh -vvv), and that the client tries publickey."),
	   .decide = N_("The client log (sshwhy explain) shows whether a key was loaded and offered; sshd -T -C user={user},addr={addr} shows pubkeyauthentication.")),
	TX(KEY_OPTIONS_REFUSED, SERVER,
	  N_("The key matched an authorized_keys line, but that line's options refused this login."),
	  N_("Check the options (from=, expiry-time=, no-... ) of the matching authorized_keys line."),
	   .decide = N_("The line before 'Refused by key options' (or LogLevel DEBUG1) names the option; sshwhy check --user {user} shows the authorized_keys line.")),
	TX(PASSWORD_FAILED, SERVER,
	  N_("A password login for {user} failed."),
	  N_("Check the password; if it was right, see PAM lines and PermitRootLogin."),
	   .decide = N_("A wrong password and a refused account look the same to the client; the server's log for that time (sshwhy ingest) or PermitRootLogin for root decides."),
	   .witness = N_("The server refused the password the client sent for {user}.")),
	TX(PARTIAL_AUTH_INCOMPLETE, SERVER,
	  N_("{user} passed one authentication step but not the next one that AuthenticationMethods requires."),
	  N_("Complete the second method (e.g. password or keyboard-interactive), or change AuthenticationMethods."),
	   .decide = N_("sshd -T -C user={user} | grep authenticationmethods shows the required chain; the client log shows which method it could not do.")),
	TX(AUTHORIZED_KEYS_LINE_UNPARSABLE, SERVER,
	  N_("sshd could not parse a line of the authorized_keys file (see the debug lines)."),
	  N_("Fix the line: one key per line, type + base64 + optional comment."),
	   .decide = N_("sshwhy check --user {user} shows which authorized_keys line is malformed.")),
	TX(CONNECTION_ENDED_WITHOUT_CLOSE_LOG, SERVER,
	  N_("The connection left no closing line; it may still be in progress, have timed out silently (LoginGraceTime logs nothing on Debian 12), or the log was cut."),
	  N_("Look for later lines; a LoginGraceTime expiry is the usual cause when nothing follows."),
	   .decide = N_("Later lines of this connection, if any; on Debian 12 a LoginGraceTime expiry logs nothing.")),
	TX(NO_SERVER_TRACE, UNKNOWN,
	  N_("The server logged nothing for this connection at its LogLevel."),
	  N_("Raise LogLevel to VERBOSE."),
	   .witness = N_("The client's log does not show why the login failed, and no attempt of this connection is in the database to tell.")),
	T(SESSION_ENDED_ABNORMALLY, SERVER,
	  N_("{user} logged in but the session ended abnormally ({detail})."),
	  NULL),
	T(SESSION_END_START_MISSING, SERVER,
	  N_("A session of {user} from {addr} ended here; its login is not in the log read (an earlier file or before the log began)."),
	  N_("Ingest the older log (sshwhy ingest FILE) and the end joins its login.")),
};
#undef T
#undef TX

static const char *const cause_code_table[] = {
#define X(n, s, g) [CAUSE_##n] = s,
	CAUSES(X)
#undef X
};

static const int cause_generic_table[] = {
#define X(n, s, g) [CAUSE_##n] = g,
	CAUSES(X)
#undef X
};

const char *
outcome_to_string(enum outcome o)
{
	if ((int)o < 0 || o >= _OUTCOME_MAX)
		return NULL;
	return outcome_table[o];
}

enum outcome
outcome_from_string(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(outcome_table); i++)
		if (streq(outcome_table[i], s))
			return (enum outcome)i;
	return _OUTCOME_INVALID;
}

const char *
cause_to_string(enum cause c)
{
	if ((int)c < 0 || c >= _CAUSE_MAX)
		return NULL;
	return cause_code_table[c];
}

enum cause
cause_from_string(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(cause_code_table); i++)
		if (streq(cause_code_table[i], s))
			return (enum cause)i;
	return _CAUSE_INVALID;
}

enum cause
cause_from_any_case(const char *s)
{
	char tmp[128];
	size_t n = strlen(s);

	if (n >= sizeof tmp)
		return _CAUSE_INVALID;
	for (size_t i = 0; i < n; i++)
		tmp[i] = s[i] == '_' ? '-' : (char)tolower((unsigned char)s[i]);
	tmp[n] = '\0';
	return cause_from_string(tmp);
}

int
cause_is_generic(enum cause c)
{
	if ((int)c < 0 || c >= _CAUSE_MAX)
		return 0;
	return cause_generic_table[c];
}

const char *
cause_explanation_template(enum cause c)
{
	if ((int)c < 0 || c >= _CAUSE_MAX || !cause_text[c].explanation)
		return cause_tr(N_("No explanation is available."));
	return cause_tr(cause_text[c].explanation);
}

const char *
cause_fix(enum cause c)
{
	if ((int)c < 0 || c >= _CAUSE_MAX)
		return NULL;
	return cause_tr(cause_text[c].fix);
}

const char *
cause_fix_for(enum cause c, bool windows)
{
	if ((int)c < 0 || c >= _CAUSE_MAX)
		return NULL;
	return cause_tr(windows && cause_text[c].fix_windows ? cause_text[c].fix_windows : cause_text[c].fix);
}

const char *
cause_witness_template(enum cause c)
{
	if ((int)c < 0 || c >= _CAUSE_MAX || !cause_text[c].witness)
		return cause_explanation_template(c);
	return cause_tr(cause_text[c].witness);
}

const char *
cause_decide(enum cause c)
{
	if ((int)c < 0 || c >= _CAUSE_MAX)
		return NULL;
	return cause_tr(cause_text[c].decide);
}

enum fix_side
cause_side(enum cause c)
{
	if ((int)c < 0 || c >= _CAUSE_MAX)
		return SIDE_UNKNOWN;
	return cause_text[c].side;
}

static bool texts_english;

void
cause_texts_english(bool on)
{
	texts_english = on;
}

bool
cause_texts_in_english(void)
{
	return texts_english;
}

const char *
cause_tr(const char *msgid)
{
	return !msgid || !*msgid || texts_english ? msgid : gettext(msgid);
}

const char *
outcome_words(enum outcome o)
{
	static const char *const t[] = {
		[OUTCOME_OPEN] = N_("open"),
		[OUTCOME_ACCEPTED] = N_("accepted"),
		[OUTCOME_SESSION_REFUSED] = N_("session refused"),
		[OUTCOME_FAILED] = N_("failed"),
		[OUTCOME_REFUSED] = N_("refused"),
		[OUTCOME_ABORTED] = N_("aborted"),
		[OUTCOME_TIMEOUT] = N_("timed out"),
		[OUTCOME_DROPPED] = N_("dropped"),
	};

	return (unsigned)o < ELEMENTSOF(t) ? cause_tr(t[o]) : "?";
}

const char *
fix_side_words(enum fix_side s)
{
	static const char *const t[] = {
		[SIDE_UNKNOWN] = N_("side unknown"), [SIDE_SERVER] = N_("server side"),
		[SIDE_CLIENT] = N_("client side"), [SIDE_BOTH] = N_("both sides"), [SIDE_NETWORK] = N_("network"),
	};

	return cause_tr((unsigned)s < ELEMENTSOF(t) ? t[s] : t[SIDE_UNKNOWN]);
}

const char *
fix_side_to_string(enum fix_side s)
{
	static const char *const t[] = {
		[SIDE_UNKNOWN] = "unknown", [SIDE_SERVER] = "server", [SIDE_CLIENT] = "client",
		[SIDE_BOTH] = "both sides", [SIDE_NETWORK] = "network",
	};

	return (unsigned)s < ELEMENTSOF(t) ? t[s] : "unknown";
}

char *
cause_expand(const char *tmpl, const struct cause_vars *v)
{
	const struct {
		const char *name;
		const char *value;
	} vars[] = {
		{ "{user}", v->user },
		{ "{addr}", v->addr },
		{ "{fp}", v->fp },
		{ "{fp_with}", v->fp_with },
		{ "{detail}", v->detail },
		{ "{reason}", v->reason },
	};
	struct buf b;
	int e = 0;

	buf_init(&b);
	e |= buf_reserve(&b, 256);
	for (const char *p = tmpl; *p && e >= 0;) {
		size_t k, run = strcspn(p + 1, "{") + 1;

		for (k = 0; *p == '{' && k < ELEMENTSOF(vars); k++)
			if (startswith(p, vars[k].name))
				break;
		if (*p == '{' && k < ELEMENTSOF(vars)) {
			e |= buf_puts(&b, vars[k].value ? vars[k].value : "");
			p += strlen(vars[k].name);
		} else {
			e |= buf_append(&b, p, run);
			p += run;
		}
	}
	if (e < 0) {
		buf_release(&b);
		return NULL;
	}
	return b.data;
}
