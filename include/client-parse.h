/* Client side: a pasted client log (OpenSSH 7.x-10.x `ssh -v/-vv/-vvv` or
 * none on Linux, macOS, Windows, Git Bash; PuTTY/plink event logs; paramiko;
 * CRLF; UTF-16 with or without BOM; mixed with prose; partial) turned into a
 * report of what the client did and saw, with what kind of input it was when
 * it is no client log (server log, known_hosts, private key, binary, empty);
 * public keys and fingerprints given instead of a log; and the redacted
 * excerpt a partner should send. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "sshkey.h"

struct buf;

#define CLIENT_MAX_KEYS 32

/* tag: client-key-states. What became of one key, in the client's words. */
enum client_key_state {
	CKEY_LISTED,            /* identity file / Will attempt key: known, not offered (yet) */
	CKEY_NOT_LOADED,        /* could not be loaded: see problem */
	CKEY_SKIPPED,           /* skipped: algorithm not accepted / no mutual signature algorithm */
	CKEY_OFFERED,           /* Offering public key / Trying private key, no answer seen */
	CKEY_REJECTED,          /* offered, server answered failure (Authentications that can continue) */
	CKEY_ACCEPTED,          /* Server accepts key (PK_OK): the server found it authorised */
	CKEY_USED,              /* authentication succeeded with it */
	_CKEY_STATE_MAX,
};
const char *client_key_state_to_string(enum client_key_state s);

/* tag: client-key-problems */
enum client_key_problem {
	CKP_NONE,
	CKP_BAD_PERMISSIONS,    /* UNPROTECTED PRIVATE KEY FILE / Load key: bad permissions */
	CKP_MISSING,            /* no such identity / Identity file not accessible */
	CKP_WRONG_PASSPHRASE,   /* incorrect passphrase supplied / bad passphrase given */
	CKP_ENCRYPTED_NO_PROMPT,/* encrypted key, no passphrase could be asked (BatchMode, no tty) */
	CKP_NO_MUTUAL_SIGNATURE,/* send_pubkey_test: no mutual signature algorithm */
	CKP_NOT_IN_ALGORITHMS,  /* Skipping ... not in PubkeyAcceptedAlgorithms / not supported by server */
	CKP_INVALID_FORMAT,     /* Load key: invalid format */
	CKP_SIGN_FAILED,        /* signing failed / agent refused operation */
	_CKP_MAX,
};
const char *client_key_problem_to_string(enum client_key_problem p);

struct client_key {
	char source[512];       /* path as printed (vis-decoded), or the agent comment */
	char type[KEYTYPE_MAX]; /* ED25519, RSA, ED25519-CERT, ... ("" when not printed) */
	char fingerprint[FP_MAX];       /* SHA256:... / MD5:...; "" when the log does not show it */
	bool agent, explicit_file, certificate;
	enum client_key_state state;
	enum client_key_problem problem;
	char problem_text[256]; /* the client's own words for the problem, or a text of sshwhy's marked N_() */
	unsigned first_line;    /* 1-based line numbers in the input, for evidence */
	unsigned problem_line;
	/* Added by client-parse.c: */
	bool offered;           /* the key (or a signature with it) went to the server; false when skipped */
	bool pubkey_missing;    /* "identity file PATH type -1": no public half next to the private key */
	bool no_signature;      /* PK_OK seen, then the client sent no signature (private key unusable) */
	bool signature_refused; /* PK_OK seen, signed request sent, server still answered failure */
	bool problem_inferred;  /* problem deduced from missing lines (e.g. -v hides the debug2/3 reason) */
	unsigned offer_line;    /* last Offering / Trying private key line */
	unsigned answer_line;   /* the server's answer to that offer (failure, PK_OK, success) */
};

/* tag: client-results */
enum client_result {
	CR_UNKNOWN,             /* the paste ends before a result */
	CR_AUTHENTICATED,
	CR_PERMISSION_DENIED,   /* Permission denied (methods) */
	CR_TOO_MANY_FAILURES,   /* Received disconnect ...: Too many authentication failures */
	CR_CONNECTION_CLOSED,   /* Connection closed / reset by the server during authentication */
	CR_NEGOTIATION_FAILED,  /* Unable to negotiate ... */
	CR_HOSTKEY_FAILED,      /* Host key verification failed / REMOTE HOST IDENTIFICATION HAS CHANGED */
	CR_BANNER_FAILED,       /* kex_exchange_identification: ... (closed before the banner) */
	CR_CONNECT_FAILED,      /* ssh: connect to host ... : Connection refused / timed out */
	CR_DISCONNECTED,        /* Received disconnect (other reasons) */
	_CR_MAX,
};
const char *client_result_to_string(enum client_result r);

/* tag: client-families. Which client printed the log. */
enum client_family {
	CF_UNKNOWN,
	CF_OPENSSH_UNIX,        /* OpenSSH on Linux, macOS, BSD; also Git Bash/MSYS2/Cygwin's ssh (then windows is set) */
	CF_OPENSSH_WINDOWS,     /* OpenSSH_for_Windows (Win32-OpenSSH ssh.exe): key file permissions are ACLs (icacls) */
	CF_PUTTY,               /* PuTTY/plink event log: `plink -v` or the Event Log window */
	CF_PARAMIKO,            /* paramiko.transport log records */
	_CF_MAX,
};
const char *client_family_to_string(enum client_family f);

/* tag: client-user-sources. Where client_report.user came from, most
 * reliable first (a better source overrides a worse one). */
enum client_user_source {
	CUS_NONE,
	CUS_AUTHENTICATING,     /* "Authenticating to H:P as 'U'" (ssh -v): the name sent */
	CUS_PUTTY,              /* PuTTY "Using username \"U\".": the name sent */
	CUS_DENIED,             /* "U@H: Permission denied (...)." */
	CUS_PROMPT,             /* "U@H's password:" / "(U@H) Password:" prompts */
	CUS_COMMAND_LINE,       /* the ssh/plink command line in the paste: U@H, -l U, -o User=U, ssh://U@H */
	_CUS_MAX,
};
const char *client_user_source_to_string(enum client_user_source s);

/* tag: client-input-kinds. What the input is, so that callers can refuse
 * what is not a client log. */
enum client_input_kind {
	CIK_UNKNOWN,            /* text that is none of the kinds below (prose, another program's output) */
	CIK_CLIENT_LOG,         /* a client log: client_parse() returned 1 */
	CIK_EMPTY,              /* nothing, or white space only */
	CIK_SERVER_LOG,         /* sshd lines (with or without a syslog/journal header) and no client line */
	CIK_KNOWN_HOSTS,        /* known_hosts entries */
	CIK_PUBLIC_KEYS,        /* public key lines or fingerprints: for client_parse_keys() */
	CIK_PRIVATE_KEY,        /* a private key (PEM, OpenSSH, PuTTY PPK); its text is never copied anywhere */
	CIK_BINARY,             /* binary data */
	_CIK_MAX,
};
const char *client_input_kind_to_string(enum client_input_kind k);

struct client_report {
	char version[128];              /* OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL ... */
	char server_version[128];       /* remote software version */
	char host[256];                 /* Connecting to HOST [ADDR] port N */
	char addr[ADDR_MAX];
	uint16_t port;
	char user[USER_MAX];            /* Authenticating to H:P as 'U' / U@H: Permission denied */
	char hostkey_type[KEYTYPE_MAX]; /* Server host key: ssh-ed25519 SHA256:... (protocol name) */
	char hostkey_fp[FP_MAX];
	bool hostkey_changed;           /* REMOTE HOST IDENTIFICATION HAS CHANGED */
	bool batch_mode;                /* the log shows BatchMode (or no passphrase prompt possible) */
	char methods[256];              /* last "Authentications that can continue" list */
	char denied_methods[256];       /* "Permission denied (...)" list */
	struct client_key keys[CLIENT_MAX_KEYS];
	size_t n_keys;
	enum client_result result;
	char result_text[512];          /* the line that says so (vis-decoded, cut) */
	unsigned result_line;
	unsigned n_lines;               /* lines read */
	unsigned n_recognised;          /* lines that were client log lines */
	bool utf16;                     /* input was UTF-16 (converted) */
	/* Added by client-parse.c: */
	bool partial_success;           /* Authenticated ... with partial success (AuthenticationMethods chain) */
	bool paramiko;                  /* the input was a paramiko DEBUG log, not OpenSSH */
	char tried_methods[128];        /* "Next authentication method" values, comma list, in order */
	char banner[256];               /* server text before its version string (kex_exchange_identification: banner line) */
	/* After authentication, what the session printed when it was refused:
	 * 1 nologin ("This account is currently not available."), 2 the shell
	 * could not be executed ("X: Exec format error" / "No such file ..."). */
	int session_failure;
	char session_text[256];
	char server_sig_algs[512];      /* server-sig-algs=<...> as the client saw it */
	unsigned keys_dropped;          /* keys beyond CLIENT_MAX_KEYS, not recorded */
	unsigned first_line;            /* first recognised client line */
	/* Added for the client families of issue 16: */
	enum client_family family;
	bool windows;                   /* the client ran on Windows: OpenSSH_for_Windows, PuTTY, Git Bash/MSYS/Cygwin
					 * ("Running on MINGW64_NT...", /c/Users/ paths), C:\ paths, a PS C:\> prompt */
	/* The method of the successful authentication: "publickey", "password",
	 * "keyboard-interactive", "hostbased", "gssapi-with-mic", ...; "" unless
	 * result == CR_AUTHENTICATED and the log names it (Authenticated ... using
	 * "M", Authentication succeeded (M), paramiko's "Authentication (M)
	 * successful!", PuTTY's "Sent password"/"Sent public key signature" before
	 * "Access granted") or implies it (the last "Next authentication method"). */
	char succeeded_method[METHOD_MAX];
	enum client_user_source user_source;    /* CUS_NONE when user is "" */
	enum client_input_kind input_kind;      /* set whatever client_parse() returns */
	bool has_private_key;           /* a private key block was in the input: skipped, never copied */
	unsigned n_server_lines;        /* sshd lines in the input, skipped (never read as client lines) */
	bool command_line;              /* the ssh/plink command line was in the paste (user/host/port may come from it) */
	/* Windows ACL message "Bad permissions. Try removing permissions for
	 * user: ACCOUNT on file PATH.": the account (e.g. "NT AUTHORITY\Authenticated
	 * Users (S-1-5-11)"), for an icacls fix; the key gets CKP_BAD_PERMISSIONS. */
	char acl_account[128];
};

/* Parse data[0..len) (any of the encodings above; NUL bytes and invalid
 * UTF-8 are tolerated). OpenSSH (ssh -v..-vvv or none), PuTTY/plink event
 * logs and paramiko logs. sshd lines are counted (n_server_lines) and never
 * read as client lines; private key blocks are skipped. Returns 1 a client
 * log was found (input_kind CIK_CLIENT_LOG), 0 nothing in it looks like
 * client output (ret is cleared but for n_lines, utf16, input_kind,
 * has_private_key, n_server_lines), negative errno. */
int client_parse(const char *data, size_t len, struct client_report *ret);

/* Keys given instead of a log: OpenSSH public key lines ("ssh-ed25519 AAAA...
 * comment", authorized_keys lines with options, certificates), `ssh-keygen
 * -l` output, or bare SHA256:/MD5: fingerprints, one per line. Each becomes a
 * client_key (state CKEY_LISTED) with its SHA256 fingerprint computed
 * (libcrypto) from the key blob. Returns the number of keys added (>= 0). */
int client_parse_keys(const char *data, size_t len, struct client_report *ret);


/* The excerpt a partner should send: target, user, methods, keys offered with
 * fingerprints, the server's answers and the result; configuration lines,
 * environment, local paths beyond the key file name and the client's host
 * name dropped. Never drops a line the matching needs. Appends to out. */
int client_redact(const char *data, size_t len, struct buf *out);
