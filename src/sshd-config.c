/* sshd-config.c: the effective sshd configuration for one connection. As
 * root, `sshd -T -C ...` is run on the real binary (fork/execve, no shell,
 * empty environment, stdin /dev/null, 10 s limit) and its output is taken as
 * is. Otherwise, or when it fails, the config file is read here with
 * servconf.c's rules: a startup pass, a per-connection pass over the Match
 * blocks, copy_set_server_options() to merge them, then OpenSSH 9.2's
 * defaults (marked is_default). Values use sshd -T's spelling in both cases. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "pattern.h"
#include "sshd-config.h"
#include "util.h"
#include "banned.h"

#define SSHD_DEFAULT_PATH "/usr/sbin/sshd"
#define SSHD_DEFAULT_CONFIG "/etc/ssh/sshd_config"
#define SSHD_SSHDIR "/etc/ssh"                  /* relative Include base: servconf.c SSHDIR */
#define SSHD_RUN_TIMEOUT_MS 10000
#define SSHD_VERSION_TIMEOUT_MS 3000
#define SSHD_OUT_MAX (1024 * 1024)              /* sshd -T prints ~6 KiB */
#define SSHD_ERR_MAX (64 * 1024)
#define CONFIG_FILE_MAX (1024 * 1024)
#define CONFIG_MAX_DEPTH 16                     /* servconf.c SERVCONF_MAX_DEPTH */
#define CONFIG_MAX_FILES 64                     /* files read per pass; more are ignored */
#define CONFIG_MAX_TOTAL (4 * 1024 * 1024)      /* bytes read per pass; more are ignored */
#define CONFIG_MAX_ENTRIES 65536                /* entries kept (defaults aside); more are dropped */
#define CONFIG_MAX_LIST 4096                    /* values of one list keyword; more are dropped */
#define USER_NAME_MAX 100                       /* sshd logs %.100s */
#define HOST_NAME_MAX_LEN 253

/* Include flags, as servconf.c's SSHCFG_NEVERMATCH and SSHCFG_MATCH_ONLY. */
#define INC_NEVERMATCH 0x1u     /* Match lines never match (Include inside a Match that did not) */
#define INC_MATCH_ONLY 0x2u     /* connection pass, before the first Match of this file */

/* Codes in --json, translated where check shows them (N_()). */
static const char *const source_names[_SSHD_CONFIG_SOURCE_MAX] = {
	[SSHD_CONFIG_SSHD_T] = N_("sshd -T"),
	[SSHD_CONFIG_FILE] = N_("file"),
	[SSHD_CONFIG_DEFAULTS] = N_("defaults"),
};

const char *
sshd_config_source_to_string(enum sshd_config_source s)
{
	if ((unsigned)s >= _SSHD_CONFIG_SOURCE_MAX)
		return NULL;
	return source_names[s];
}

/* ---- keywords ------------------------------------------------------------ */

enum kw_kind {
	KW_SCALAR,      /* first value wins; the line's arguments joined by one space */
	KW_RAW,         /* first value wins; the rest of the line verbatim (ForceCommand) */
	KW_ACCUM,       /* every active line adds each argument (AllowUsers, AcceptEnv) */
	KW_ACCUM_LINE,  /* every active line adds one entry (HostKey, Port, ListenAddress) */
	KW_FIRST_LINE,  /* only the first active line counts, one entry per argument */
	KW_SUBSYSTEM,   /* first definition of each name wins */
	KW_INCLUDE,
	KW_MATCH,
};

enum {
	KWF_MATCH = 1 << 0,     /* copied from a Match block: servconf.c copy_set_server_options() */
	KWF_LOWER = 1 << 1,     /* yes/no style value, printed lower case by sshd -T */
	KWF_UPPER = 1 << 2,     /* printed upper case (LogLevel INFO) */
	KWF_ALGOS = 1 << 3,     /* algorithm list: '+', '-', '^' against the default */
};

struct keyword {
	const char *name;       /* lower case, as in servconf.c keywords[] */
	const char *canon;      /* the name sshd -T prints (first table entry of the opcode) */
	enum kw_kind kind;
	unsigned flags;
};

/* tag: sshd-keywords. servconf.c keywords[] of OpenSSH 9.2, with the
 * handling of each opcode in process_server_config_line_depth(). */
static const struct keyword keywords[] = {
	{ "usepam", "usepam", KW_SCALAR, KWF_LOWER },
	{ "port", "port", KW_ACCUM_LINE, 0 },
	{ "hostkey", "hostkey", KW_ACCUM_LINE, 0 },
	{ "hostdsakey", "hostkey", KW_ACCUM_LINE, 0 },
	{ "hostkeyagent", "hostkeyagent", KW_SCALAR, 0 },
	{ "pidfile", "pidfile", KW_SCALAR, 0 },
	{ "modulifile", "modulifile", KW_SCALAR, 0 },
	{ "logingracetime", "logingracetime", KW_SCALAR, 0 },
	{ "permitrootlogin", "permitrootlogin", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "syslogfacility", "syslogfacility", KW_SCALAR, KWF_UPPER },
	{ "loglevel", "loglevel", KW_SCALAR, KWF_MATCH | KWF_UPPER },
	{ "logverbose", "logverbose", KW_FIRST_LINE, KWF_MATCH },
	{ "hostbasedauthentication", "hostbasedauthentication", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "hostbasedusesnamefrompacketonly", "hostbasedusesnamefrompacketonly", KW_SCALAR,
	  KWF_MATCH | KWF_LOWER },
	{ "hostbasedacceptedalgorithms", "hostbasedacceptedalgorithms", KW_SCALAR, KWF_MATCH | KWF_ALGOS },
	{ "hostbasedacceptedkeytypes", "hostbasedacceptedalgorithms", KW_SCALAR, KWF_MATCH | KWF_ALGOS },
	{ "hostkeyalgorithms", "hostkeyalgorithms", KW_SCALAR, KWF_ALGOS },
	{ "pubkeyauthentication", "pubkeyauthentication", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "pubkeyacceptedalgorithms", "pubkeyacceptedalgorithms", KW_SCALAR, KWF_MATCH | KWF_ALGOS },
	{ "pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms", KW_SCALAR, KWF_MATCH | KWF_ALGOS },
	{ "pubkeyauthoptions", "pubkeyauthoptions", KW_FIRST_LINE, KWF_MATCH | KWF_LOWER },
	/* servconf.c: "dsaauthentication" is an alias, but only global */
	{ "dsaauthentication", "pubkeyauthentication", KW_SCALAR, KWF_LOWER },
	{ "kerberosauthentication", "kerberosauthentication", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "kerberosorlocalpasswd", "kerberosorlocalpasswd", KW_SCALAR, KWF_LOWER },
	{ "kerberosticketcleanup", "kerberosticketcleanup", KW_SCALAR, KWF_LOWER },
	{ "kerberosgetafstoken", "kerberosgetafstoken", KW_SCALAR, KWF_LOWER },
	{ "gssapiauthentication", "gssapiauthentication", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "gssapicleanupcredentials", "gssapicleanupcredentials", KW_SCALAR, KWF_LOWER },
	{ "gssapistrictacceptorcheck", "gssapistrictacceptorcheck", KW_SCALAR, KWF_LOWER },
	{ "passwordauthentication", "passwordauthentication", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "kbdinteractiveauthentication", "kbdinteractiveauthentication", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "challengeresponseauthentication", "kbdinteractiveauthentication", KW_SCALAR,
	  KWF_MATCH | KWF_LOWER },
	{ "skeyauthentication", "kbdinteractiveauthentication", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "listenaddress", "listenaddress", KW_ACCUM_LINE, 0 },
	{ "addressfamily", "addressfamily", KW_SCALAR, KWF_LOWER },
	{ "printmotd", "printmotd", KW_SCALAR, KWF_LOWER },
	{ "printlastlog", "printlastlog", KW_SCALAR, KWF_LOWER },
	{ "ignorerhosts", "ignorerhosts", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "ignoreuserknownhosts", "ignoreuserknownhosts", KW_SCALAR, KWF_LOWER },
	{ "x11forwarding", "x11forwarding", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "x11displayoffset", "x11displayoffset", KW_SCALAR, KWF_MATCH },
	{ "x11uselocalhost", "x11uselocalhost", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "xauthlocation", "xauthlocation", KW_SCALAR, 0 },
	{ "strictmodes", "strictmodes", KW_SCALAR, KWF_LOWER },
	{ "permitemptypasswords", "permitemptypasswords", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "permituserenvironment", "permituserenvironment", KW_SCALAR, 0 },
	{ "compression", "compression", KW_SCALAR, KWF_LOWER },
	{ "rekeylimit", "rekeylimit", KW_SCALAR, KWF_MATCH },
	{ "tcpkeepalive", "tcpkeepalive", KW_SCALAR, KWF_LOWER },
	{ "keepalive", "tcpkeepalive", KW_SCALAR, KWF_LOWER },
	{ "allowtcpforwarding", "allowtcpforwarding", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "allowagentforwarding", "allowagentforwarding", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "allowusers", "allowusers", KW_ACCUM, KWF_MATCH },
	{ "denyusers", "denyusers", KW_ACCUM, KWF_MATCH },
	{ "allowgroups", "allowgroups", KW_ACCUM, KWF_MATCH },
	{ "denygroups", "denygroups", KW_ACCUM, KWF_MATCH },
	{ "ciphers", "ciphers", KW_SCALAR, KWF_ALGOS },
	{ "macs", "macs", KW_SCALAR, KWF_ALGOS },
	{ "gatewayports", "gatewayports", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "subsystem", "subsystem", KW_SUBSYSTEM, 0 },
	{ "maxstartups", "maxstartups", KW_SCALAR, 0 },
	{ "persourcemaxstartups", "persourcemaxstartups", KW_SCALAR, 0 },
	{ "persourcenetblocksize", "persourcenetblocksize", KW_SCALAR, 0 },
	{ "maxauthtries", "maxauthtries", KW_SCALAR, KWF_MATCH },
	{ "maxsessions", "maxsessions", KW_SCALAR, KWF_MATCH },
	{ "banner", "banner", KW_SCALAR, KWF_MATCH },
	{ "usedns", "usedns", KW_SCALAR, KWF_LOWER },
	{ "clientaliveinterval", "clientaliveinterval", KW_SCALAR, KWF_MATCH },
	{ "clientalivecountmax", "clientalivecountmax", KW_SCALAR, KWF_MATCH },
	{ "authorizedkeysfile", "authorizedkeysfile", KW_FIRST_LINE, KWF_MATCH },
	{ "acceptenv", "acceptenv", KW_ACCUM, KWF_MATCH },
	{ "setenv", "setenv", KW_FIRST_LINE, KWF_MATCH },
	{ "permittunnel", "permittunnel", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "permittty", "permittty", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "permituserrc", "permituserrc", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "match", "match", KW_MATCH, 0 },
	{ "permitopen", "permitopen", KW_FIRST_LINE, KWF_MATCH },
	{ "permitlisten", "permitlisten", KW_FIRST_LINE, KWF_MATCH },
	{ "forcecommand", "forcecommand", KW_RAW, KWF_MATCH },
	{ "chrootdirectory", "chrootdirectory", KW_SCALAR, KWF_MATCH },
	{ "hostcertificate", "hostcertificate", KW_ACCUM_LINE, 0 },
	{ "revokedkeys", "revokedkeys", KW_SCALAR, KWF_MATCH },
	{ "trustedusercakeys", "trustedusercakeys", KW_SCALAR, KWF_MATCH },
	{ "authorizedprincipalsfile", "authorizedprincipalsfile", KW_SCALAR, KWF_MATCH },
	{ "kexalgorithms", "kexalgorithms", KW_SCALAR, KWF_ALGOS },
	{ "include", "include", KW_INCLUDE, 0 },
	{ "ipqos", "ipqos", KW_SCALAR, KWF_MATCH },
	{ "authorizedkeyscommand", "authorizedkeyscommand", KW_RAW, KWF_MATCH },
	{ "authorizedkeyscommanduser", "authorizedkeyscommanduser", KW_SCALAR, KWF_MATCH },
	{ "authorizedprincipalscommand", "authorizedprincipalscommand", KW_RAW, KWF_MATCH },
	{ "authorizedprincipalscommanduser", "authorizedprincipalscommanduser", KW_SCALAR, KWF_MATCH },
	{ "versionaddendum", "versionaddendum", KW_RAW, 0 },
	{ "authenticationmethods", "authenticationmethods", KW_FIRST_LINE, KWF_MATCH },
	{ "streamlocalbindmask", "streamlocalbindmask", KW_SCALAR, KWF_MATCH },
	{ "streamlocalbindunlink", "streamlocalbindunlink", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "allowstreamlocalforwarding", "allowstreamlocalforwarding", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "fingerprinthash", "fingerprinthash", KW_SCALAR, KWF_UPPER },
	{ "disableforwarding", "disableforwarding", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "exposeauthinfo", "exposeauthinfo", KW_SCALAR, KWF_MATCH | KWF_LOWER },
	{ "rdomain", "rdomain", KW_SCALAR, KWF_MATCH },
	{ "casignaturealgorithms", "casignaturealgorithms", KW_SCALAR, KWF_MATCH | KWF_ALGOS },
	{ "securitykeyprovider", "securitykeyprovider", KW_SCALAR, 0 },
	{ "requiredrsasize", "requiredrsasize", KW_SCALAR, KWF_MATCH },
	{ "channeltimeout", "channeltimeout", KW_FIRST_LINE, KWF_MATCH },
	{ "unusedconnectiontimeout", "unusedconnectiontimeout", KW_SCALAR, KWF_MATCH },
	/* Debian's GSSAPI key exchange and DebianBanner patches */
	{ "gssapikeyexchange", "gssapikeyexchange", KW_SCALAR, KWF_LOWER },
	{ "gssapistorecredentialsonrekey", "gssapistorecredentialsonrekey", KW_SCALAR, KWF_LOWER },
	{ "gssapikexalgorithms", "gssapikexalgorithms", KW_SCALAR, 0 },
	{ "debianbanner", "debianbanner", KW_SCALAR, KWF_LOWER },
};

/* Multi-valued keywords sshd -T prints on one line (servconf.c
 * dump_cfg_strarray_oneline() and the permitopen/permitlisten/
 * pubkeyauthoptions printers): split into one entry per value. */
static const char *const oneline_keys[] = {
	"authorizedkeysfile", "authenticationmethods", "logverbose", "channeltimeout",
	"permitopen", "permitlisten", "pubkeyauthoptions",
};

static const struct keyword *
keyword_find(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(keywords); i++)
		if (strcaseeq(keywords[i].name, name))
			return &keywords[i];
	return NULL;
}

static const struct keyword *
keyword_find_canon(const char *canon)
{
	for (size_t i = 0; i < ELEMENTSOF(keywords); i++)
		if (streq(keywords[i].canon, canon))
			return &keywords[i];
	return NULL;
}

/* ---- defaults (OpenSSH 9.2p1) --------------------------------------------- */

/* myproposal.h KEX_DEFAULT_PK_ALG */
#define DEFAULT_PK_ALGS \
	"ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com," \
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521," \
	"sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
/* myproposal.h SSH_ALLOWED_CA_SIGALGS */
#define DEFAULT_CA_ALGS \
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521," \
	"sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
/* myproposal.h KEX_SERVER_KEX */
#define DEFAULT_KEX \
	"sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org," \
	"ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521," \
	"diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512," \
	"diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"
/* myproposal.h KEX_SERVER_ENCRYPT */
#define DEFAULT_CIPHERS \
	"chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr," \
	"aes128-gcm@openssh.com,aes256-gcm@openssh.com"
/* myproposal.h KEX_SERVER_MAC */
#define DEFAULT_MACS \
	"umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com," \
	"hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com," \
	"umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"

/* servconf.c fill_default_server_options() as `sshd -T` prints it for an
 * empty config (9.2p1; Debian's GSSAPI key exchange extras left out, and
 * ListenAddress, which sshd derives from Port and AddressFamily). A key
 * listed twice has several values. */
static const struct {
	const char *key, *value;
} defaults[] = {
	{ "port", "22" },
	{ "addressfamily", "any" },
	{ "usepam", "no" },
	{ "logingracetime", "120" },
	{ "x11displayoffset", "10" },
	{ "maxauthtries", "6" },
	{ "maxsessions", "10" },
	{ "clientaliveinterval", "0" },
	{ "clientalivecountmax", "3" },
	{ "requiredrsasize", "1024" },
	{ "streamlocalbindmask", "0177" },
	{ "unusedconnectiontimeout", "none" },
	{ "permitrootlogin", "without-password" },   /* = prohibit-password, sshd -T's spelling */
	{ "ignorerhosts", "yes" },
	{ "ignoreuserknownhosts", "no" },
	{ "hostbasedauthentication", "no" },
	{ "hostbasedusesnamefrompacketonly", "no" },
	{ "pubkeyauthentication", "yes" },
	{ "kerberosauthentication", "no" },
	{ "kerberosorlocalpasswd", "yes" },
	{ "kerberosticketcleanup", "yes" },
	{ "gssapiauthentication", "no" },
	{ "gssapicleanupcredentials", "yes" },
	{ "gssapistrictacceptorcheck", "yes" },
	{ "passwordauthentication", "yes" },
	{ "kbdinteractiveauthentication", "yes" },
	{ "printmotd", "yes" },
	{ "printlastlog", "yes" },
	{ "x11forwarding", "no" },
	{ "x11uselocalhost", "yes" },
	{ "permittty", "yes" },
	{ "permituserrc", "yes" },
	{ "strictmodes", "yes" },
	{ "tcpkeepalive", "yes" },
	{ "permitemptypasswords", "no" },
	{ "compression", "yes" },
	{ "gatewayports", "no" },
	{ "usedns", "no" },
	{ "allowtcpforwarding", "yes" },
	{ "allowagentforwarding", "yes" },
	{ "disableforwarding", "no" },
	{ "allowstreamlocalforwarding", "yes" },
	{ "streamlocalbindunlink", "no" },
	{ "fingerprinthash", "SHA256" },
	{ "exposeauthinfo", "no" },
	{ "pidfile", "/run/sshd.pid" },
	{ "modulifile", "/etc/ssh/moduli" },
	{ "xauthlocation", "/usr/bin/xauth" },
	{ "ciphers", DEFAULT_CIPHERS },
	{ "macs", DEFAULT_MACS },
	{ "banner", "none" },
	{ "forcecommand", "none" },
	{ "chrootdirectory", "none" },
	{ "trustedusercakeys", "none" },
	{ "revokedkeys", "none" },
	{ "securitykeyprovider", "internal" },
	{ "authorizedprincipalsfile", "none" },
	{ "versionaddendum", "none" },
	{ "authorizedkeyscommand", "none" },
	{ "authorizedkeyscommanduser", "none" },
	{ "authorizedprincipalscommand", "none" },
	{ "authorizedprincipalscommanduser", "none" },
	{ "hostkeyagent", "none" },
	{ "kexalgorithms", DEFAULT_KEX },
	{ "casignaturealgorithms", DEFAULT_CA_ALGS },
	{ "hostbasedacceptedalgorithms", DEFAULT_PK_ALGS },
	{ "hostkeyalgorithms", DEFAULT_PK_ALGS },
	{ "pubkeyacceptedalgorithms", DEFAULT_PK_ALGS },
	{ "loglevel", "INFO" },
	{ "syslogfacility", "AUTH" },
	{ "authorizedkeysfile", ".ssh/authorized_keys" },
	{ "authorizedkeysfile", ".ssh/authorized_keys2" },
	{ "hostkey", "/etc/ssh/ssh_host_rsa_key" },
	{ "hostkey", "/etc/ssh/ssh_host_ecdsa_key" },
	{ "hostkey", "/etc/ssh/ssh_host_ed25519_key" },
	{ "authenticationmethods", "any" },
	{ "maxstartups", "10:30:100" },
	{ "persourcemaxstartups", "none" },
	{ "persourcenetblocksize", "32:128" },
	{ "permittunnel", "no" },
	{ "ipqos", "lowdelay throughput" },
	{ "rekeylimit", "0 0" },
	{ "permitopen", "any" },
	{ "permitlisten", "any" },
	{ "permituserenvironment", "no" },
	{ "pubkeyauthoptions", "none" },
};

static const char *
default_value(const char *key)
{
	for (size_t i = 0; i < ELEMENTSOF(defaults); i++)
		if (streq(defaults[i].key, key))
			return defaults[i].value;
	return NULL;
}

/* ---- entry sets ----------------------------------------------------------- */

#define OPTSET_KEYS_MAX 256

struct optset {
	struct sshd_config_entry *e;    /* owned */
	size_t n, cap;
	const char *keys[OPTSET_KEYS_MAX];      /* distinct keys (point into e[].key) */
	size_t counts[OPTSET_KEYS_MAX];         /* entries per key */
	size_t n_keys;                  /* > OPTSET_KEYS_MAX: index full, scan e[] */
};

static void
optset_release(struct optset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->e[i].key);
		free(s->e[i].value);
	}
	free(s->e);
	*s = (struct optset) { 0 };
}

/* How many entries key has. */
static size_t
optset_count(const struct optset *s, const char *key)
{
	size_t n = 0;

	if (s->n_keys <= OPTSET_KEYS_MAX) {
		for (size_t i = 0; i < s->n_keys; i++)
			if (streq(s->keys[i], key))
				return s->counts[i];
		return 0;
	}
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->e[i].key, key))
			n++;
	return n;
}

static bool
optset_has(const struct optset *s, const char *key)
{
	return optset_count(s, key) > 0;
}

/* Appends key=value (copies both). Beyond CONFIG_MAX_ENTRIES the entry is
 * dropped: a hostile config cannot make us allocate without bound. */
static int
optset_add(struct optset *s, const char *key, const char *value, bool is_default)
{
	char *k, *v;

	if (s->n >= CONFIG_MAX_ENTRIES && !is_default)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct sshd_config_entry *e = realloc(s->e, cap * sizeof *e);

		if (!e)
			return -ENOMEM;
		s->e = e;
		s->cap = cap;
	}
	k = strdup(key);
	v = strdup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	if (s->n_keys <= OPTSET_KEYS_MAX) {
		size_t i = 0;

		while (i < s->n_keys && !streq(s->keys[i], k))
			i++;
		if (i == s->n_keys) {
			if (i < OPTSET_KEYS_MAX) {
				s->keys[i] = k;
				s->counts[i] = 0;
			}
			s->n_keys++;
		}
		if (i < OPTSET_KEYS_MAX)
			s->counts[i]++;
	}
	s->e[s->n++] = (struct sshd_config_entry) { .key = k, .value = v, .is_default = is_default };
	return 0;
}

/* Adds each space-separated word of value as its own entry. */
static int
optset_add_split(struct optset *s, const char *key, const char *value)
{
	const char *p = value;

	for (;;) {
		char word[4096];
		size_t n;
		int r;

		p += strspn(p, " \t");
		if (*p == '\0')
			return 0;
		n = strcspn(p, " \t");
		strlcpy_n(word, sizeof word, p, n);
		r = optset_add(s, key, word, false);
		if (r < 0)
			return r;
		p += n;
	}
}

/* ---- small string helpers ------------------------------------------------- */

static void
ascii_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void
ascii_upper(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

static char *
join_args(char **av, size_t ac)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < ac; i++)
		if ((i > 0 && buf_puts(&b, " ") < 0) || buf_puts(&b, av[i]) < 0) {
			buf_release(&b);
			return NULL;
		}
	if (!b.data)
		return strdup("");
	return b.data;
}

static void
argv_free(char **av, size_t ac)
{
	if (!av)
		return;
	for (size_t i = 0; i < ac; i++)
		free(av[i]);
	free(av);
}

/* misc.c argv_split(s, ..., terminate_on_comment=1): words separated by
 * blanks, "..." and '...' quoting anywhere in a word, backslash escapes
 * \" \' \\ and (unquoted) "\ ", other backslashes kept, '#' at the start of
 * a word ends the line. -EINVAL on an unterminated quote (sshd: "invalid
 * quotes", a bad option). */
static int
argv_split(const char *s, char ***ret_av, size_t *ret_ac)
{
	_cleanup_(freep) char *scratch = malloc(strlen(s) + 1);
	char **av = NULL;
	size_t ac = 0, cap = 0;

	if (!scratch)
		return -ENOMEM;
	for (size_t i = 0; s[i] != '\0'; i++) {
		char quote = 0, **nav;
		size_t j = 0;

		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if (s[i] == '#')
			break;
		for (; s[i] != '\0'; i++) {
			if (s[i] == '\\') {
				if (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' ||
				    (quote == 0 && s[i + 1] == ' '))
					i++;
				scratch[j++] = s[i];
			} else if (quote == 0 && (s[i] == ' ' || s[i] == '\t'))
				break;
			else if (quote == 0 && (s[i] == '"' || s[i] == '\''))
				quote = s[i];
			else if (quote != 0 && s[i] == quote)
				quote = 0;
			else
				scratch[j++] = s[i];
		}
		if (s[i] == '\0' && quote != 0) {
			argv_free(av, ac);
			return -EINVAL;
		}
		if (ac + 2 > cap) {
			cap = cap ? cap * 2 : 8;
			nav = realloc(av, cap * sizeof *av);
			if (!nav)
				goto oom;
			av = nav;
		}
		av[ac] = strndup(scratch, j);
		if (!av[ac])
			goto oom;
		av[++ac] = NULL;
		if (s[i] == '\0')
			break;
	}
	*ret_av = av;
	*ret_ac = ac;
	return 0;
oom:
	argv_free(av, ac);
	return -ENOMEM;
}

/* ---- validation ----------------------------------------------------------- */

bool
sshd_conn_user_valid(const char *user)
{
	size_t n;

	if (!user)
		return false;
	n = strlen(user);
	if (n == 0 || n > USER_NAME_MAX)
		return false;
	/* A leading '-' would read as an option to many tools; '@' first is
	 * no login name. */
	if (user[0] == '-' || user[0] == '@')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)user[i];

		if (isalnum(ch) && ch < 0x80)
			continue;
		if (ch == '.' || ch == '_' || ch == '-')
			continue;
		/* user@domain: sssd/winbind fully qualified names */
		if (ch == '@')
			continue;
		/* Samba machine accounts end in '$' */
		if (ch == '$' && i == n - 1 && n > 1)
			continue;
		return false;
	}
	return true;
}

bool
sshd_conn_addr_valid(const char *addr)
{
	unsigned char b[sizeof(struct in6_addr)];

	if (!addr || strlen(addr) >= INET6_ADDRSTRLEN)
		return false;
	return inet_pton(AF_INET, addr, b) == 1 || inet_pton(AF_INET6, addr, b) == 1;
}

bool
sshd_conn_host_valid(const char *host)
{
	size_t n, label = 0;

	if (!host)
		return false;
	/* With UseDNS no (the default) sshd's "host" is the address itself. */
	if (sshd_conn_addr_valid(host))
		return true;
	n = strlen(host);
	if (n == 0 || n > HOST_NAME_MAX_LEN + 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)host[i];

		if (ch == '.') {
			/* no empty label; one trailing dot allowed */
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((isalnum(ch) && ch < 0x80) || ch == '-' || ch == '_'))
			return false;
		if (label == 0 && ch == '-')
			return false;
		if (++label > 63)
			return false;
	}
	return n <= HOST_NAME_MAX_LEN || host[n - 1] == '.';
}

/* ---- running sshd --------------------------------------------------------- */

struct run_result {
	int status;             /* exit status, 128+signal when killed, -1 not started */
	bool timed_out;
	struct buf out, err;
};

static void
run_result_release(struct run_result *r)
{
	buf_release(&r->out);
	buf_release(&r->err);
}

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what is there from fd into b (keeping at most max bytes, draining
 * the rest). Returns 1 more may come, 0 EOF, negative errno. */
static int
drain_fd(int fd, struct buf *b, size_t max)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof chunk);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (n == 0)
		return 0;
	if (b->len < max) {
		int r = buf_append(b, chunk, MIN((size_t)n, max - b->len));

		if (r < 0)
			return r;
	}
	return 1;
}

/* Runs path with argv, an empty environment, stdin from /dev/null and
 * stdout/stderr captured, killing it after timeout_ms. Only the three
 * standard fds reach the child (closefrom(3) on top of O_CLOEXEC).
 * Returns 0 (see ret->status), negative errno when it could not start. */
static int
run_capture(const char *path, char *const argv[], int timeout_ms, struct run_result *ret)
{
	static char *const envp[] = { NULL };
	_cleanup_(closep) int devnull = -1, out_r = -1, out_w = -1, err_r = -1, err_w = -1;
	int p[2], wstatus, r = 0;
	bool out_open = true, err_open = true;
	int64_t deadline;
	pid_t pid;

	buf_init(&ret->out);
	buf_init(&ret->err);
	ret->status = -1;
	ret->timed_out = false;

	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (devnull < 0)
		return -errno;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	out_r = p[0];
	out_w = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	err_r = p[0];
	err_w = p[1];

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* Child: async-signal-safe calls only. */
		struct sigaction sa = { .sa_handler = SIG_DFL };
		sigset_t none;

		/* own process group, so a timeout kills its children too */
		setpgid(0, 0);
		if (dup2(devnull, STDIN_FILENO) < 0 || dup2(out_w, STDOUT_FILENO) < 0 ||
		    dup2(err_w, STDERR_FILENO) < 0)
			_exit(126);
		closefrom(3);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		sigemptyset(&sa.sa_mask);
		sigaction(SIGPIPE, &sa, NULL);
		execve(path, argv, envp);
		_exit(127);
	}
	setpgid(pid, pid);      /* either of the two calls wins the race */
	close(out_w);
	out_w = -1;
	close(err_w);
	err_w = -1;
	fcntl(out_r, F_SETFL, O_NONBLOCK);
	fcntl(err_r, F_SETFL, O_NONBLOCK);

	deadline = monotonic_ms() + timeout_ms;
	while (out_open || err_open) {
		struct pollfd pfd[2] = {
			{ .fd = out_open ? out_r : -1, .events = POLLIN },
			{ .fd = err_open ? err_r : -1, .events = POLLIN },
		};
		int64_t left = deadline - monotonic_ms();
		int n;

		if (left <= 0) {
			ret->timed_out = true;
			break;
		}
		n = poll(pfd, 2, (int)left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (out_open && pfd[0].revents) {
			int k = drain_fd(out_r, &ret->out, SSHD_OUT_MAX);

			if (k < 0)
				r = k;
			if (k <= 0)
				out_open = false;
		}
		if (err_open && pfd[1].revents) {
			int k = drain_fd(err_r, &ret->err, SSHD_ERR_MAX);

			if (k < 0)
				r = k;
			if (k <= 0)
				err_open = false;
		}
		if (r < 0)
			break;
	}
	if (ret->timed_out || r < 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR) {
			if (r == 0)
				r = -errno;
			break;
		}
	if (r < 0) {
		run_result_release(ret);
		return r;
	}
	if (WIFEXITED(wstatus))
		ret->status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		ret->status = 128 + WTERMSIG(wstatus);
	return 0;
}

/* The first line of s[0..n) with control characters escaped (sshd's
 * stderr can quote config lines). Caller frees; NULL on ENOMEM. */
static char *
first_line_escaped(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && s[k] != '\n')
		k++;
	/* sshd's log.c ends lines with "\r\n" on a non-tty stderr */
	while (k > 0 && s[k - 1] == '\r')
		k--;
	return escape_terminal_dup(s, MIN(k, (size_t)512));
}

/* The release string, e.g. "OpenSSH_9.2p1 Debian-2+deb12u10": sshd 9.2's
 * -V prints only SSH_VERSION ("OpenSSH_9.2"), but usage() prints
 * SSH_RELEASE, where Debian and Ubuntu put their patch level. So an
 * invalid option is tried first, then -V. */
static void
detect_version(struct sshd_config *c)
{
	static const char *const opts[] = { "-?", "-V" };

	for (size_t i = 0; i < ELEMENTSOF(opts); i++) {
		char *argv[] = { c->sshd_path, (char *)opts[i], NULL };
		struct run_result rr;
		const char *p, *end;

		if (run_capture(c->sshd_path, argv, SSHD_VERSION_TIMEOUT_MS, &rr) < 0)
			return;
		if (rr.timed_out) {
			run_result_release(&rr);
			return;
		}
		if (rr.err.data) {
			end = rr.err.data + rr.err.len;
			for (p = rr.err.data; p < end;) {
				const char *nl = memchr(p, '\n', (size_t)(end - p));
				size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

				if (len > 8 && strneq(p, "OpenSSH_", 8)) {
					const char *comma = memchr(p, ',', len);

					if (comma)
						len = (size_t)(comma - p);
					strlcpy_n(c->version, sizeof c->version, p, len);
					break;
				}
				p += len + 1;
			}
		}
		run_result_release(&rr);
		if (c->version[0])
			break;
	}
	c->debian = strstr(c->version, "Debian") || strstr(c->version, "Ubuntu");
}

/* Parses sshd -T output: "keyword value" per line. */
static int
parse_sshd_t_output(const char *s, size_t n, struct optset *set)
{
	const char *end = s + n;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		char line[8192], *sp;
		bool split = false;
		int r;

		strlcpy_n(line, sizeof line, s, len);
		s += len + 1;
		sp = strchr(line, ' ');
		if (!sp || sp == line)
			continue;
		*sp++ = '\0';
		ascii_lower(line);
		for (size_t i = 0; i < ELEMENTSOF(oneline_keys); i++)
			if (streq(line, oneline_keys[i]))
				split = true;
		r = split ? optset_add_split(set, line, sp) : optset_add(set, line, sp, false);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- config file reading -------------------------------------------------- */

/* The connection Match blocks are evaluated for (spec with defaults). */
struct conn {
	const char *user, *host, *addr;
	unsigned lport;
};

/* Problems sshd would reject, "; "-separated, in English and in the
 * reader's language (i18n.h l10n_snprintf()). */
struct notes {
	struct buf en, l10n;
};

struct pass {
	const struct conn *conn;        /* NULL: sshd's startup pass (no connection) */
	struct optset *set;
	struct notes *notes;
	unsigned n_files;
	size_t n_bytes;
};

static void
notes_release(struct notes *n)
{
	buf_release(&n->en);
	buf_release(&n->l10n);
}

/* Best effort: a note lost to ENOMEM only loses detail. */
static void
notes_add(struct notes *n, const char *en, const char *l10n)
{
	if (n->en.len > 2048 || (n->en.data && strstr(n->en.data, en)))
		return;
	if (n->en.len) {
		buf_puts(&n->en, "; ");
		buf_puts(&n->l10n, "; ");
	}
	buf_puts(&n->en, en);
	buf_puts(&n->l10n, l10n);
}

/* A note from fmt (marked N_()), in both languages. */
static void _printf_(2, 3)
notes_printf(struct notes *n, const char *fmt, ...)
{
	char msg[1024], msg_l10n[2048];
	va_list ap;

	va_start(ap, fmt);
	l10n_vsnprintf(msg, sizeof msg, msg_l10n, sizeof msg_l10n, fmt, ap);
	va_end(ap);
	notes_add(n, msg, msg_l10n);
}

/* servconf.c match_cfg_line_group(): any of the user's groups matches the
 * pattern list; a negated match wins (groupaccess.c ga_match_pattern_list). */
static bool
match_group(const char *user, const char *list)
{
	_cleanup_(freep) char *pwbuf = NULL;
	_cleanup_(freep) gid_t *gids = NULL;
	struct passwd pw, *pwr = NULL;
	long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
	int ngroups = 64;
	bool found = false;

	if (sz < 16384)
		sz = 16384;
	pwbuf = malloc((size_t)sz);
	if (!pwbuf || getpwnam_r(user, &pw, pwbuf, (size_t)sz, &pwr) != 0 || !pwr)
		return false;   /* sshd: "Can't match group ... user does not exist" */
	for (;;) {
		int ng = ngroups;
		gid_t *g = realloc(gids, (size_t)ngroups * sizeof *g);

		if (!g)
			return false;
		gids = g;
		if (getgrouplist(pw.pw_name, pw.pw_gid, gids, &ng) >= 0) {
			ngroups = ng;
			break;
		}
		if (ng <= ngroups || ng > 65536)
			return false;
		ngroups = ng;
	}
	for (int i = 0; i < ngroups; i++) {
		char grbuf[16384];
		struct group gr, *grr = NULL;

		if (getgrgid_r(gids[i], &gr, grbuf, sizeof grbuf, &grr) != 0 || !grr)
			continue;
		switch (pattern_match_list(gr.gr_name, list, false)) {
		case -1:
			return false;
		case 1:
			found = true;
			break;
		default:
			break;
		}
	}
	return found;
}

/* servconf.c match_cfg_line() for `sshd -T -C` (ci->test): a criterion
 * whose connection field is missing does not match. conn NULL is the
 * startup pass: only "Match all" matches. Returns 1 match, 0 no match, -1
 * invalid line (sshd: "Bad Match condition", fatal). */
static int
match_line(const struct conn *conn, char **av, size_t ac)
{
	size_t i = 0, attributes = 0;
	int result = 1;

	while (i < ac) {
		const char *attrib = av[i++], *arg;

		attributes++;
		if (strcaseeq(attrib, "all"))
			return attributes > 1 || i < ac ? -1 : 1;
		if (i >= ac)
			return -1;      /* "Missing Match criteria" */
		arg = av[i++];
		if (strcaseeq(attrib, "user")) {
			/* match_usergroup_pattern_list(): case sensitive */
			if (!conn || !conn->user || pattern_match_list(conn->user, arg, false) != 1)
				result = 0;
		} else if (strcaseeq(attrib, "group")) {
			if (!conn || !conn->user || !match_group(conn->user, arg))
				result = 0;
		} else if (strcaseeq(attrib, "host")) {
			/* match_hostname(): host lower-cased */
			if (!conn || !conn->host || pattern_match_list(conn->host, arg, true) != 1)
				result = 0;
		} else if (strcaseeq(attrib, "address")) {
			if (pattern_match_addr_list(conn ? conn->addr : NULL, arg) == -2)
				return -1;
			if (!conn || !conn->addr || pattern_match_addr_list(conn->addr, arg) != 1)
				result = 0;
		} else if (strcaseeq(attrib, "localport")) {
			unsigned port;

			if (safe_atou(arg, &port) < 0 || port == 0 || port > 65535)
				return -1;
			if (!conn || conn->lport != port)
				result = 0;
		} else if (strcaseeq(attrib, "localaddress")) {
			/* no laddr in our connection spec */
			if (pattern_match_addr_list(NULL, arg) == -2)
				return -1;
			result = 0;
		} else if (strcaseeq(attrib, "rdomain"))
			result = 0;
		else
			return -1;      /* "Unsupported Match attribute" */
	}
	return attributes == 0 ? -1 : result;
}

static int parse_file(struct pass *p, const char *path, int depth, unsigned flags, bool *active);

/* The value as sshd -T would print it. Caller frees; NULL on ENOMEM. */
static char *
normalize_value(const struct keyword *kw, const char *value)
{
	/* servconf.c multistate tables: sshd -T prints the first name of a
	 * value, so synonyms become that name. */
	static const struct {
		const char *key, *from, *to;
	} synonyms[] = {
		{ "permitrootlogin", "prohibit-password", "without-password" },
		{ "compression", "delayed", "yes" },
		{ "allowtcpforwarding", "all", "yes" },
		/* log.c log_levels[]; Debian's 9.2 prints QUIET as SILENT */
		{ "loglevel", "DEBUG1", "DEBUG" },
	};
	char *v = strdup(value);

	if (!v || !kw)
		return v;
	if (kw->flags & KWF_LOWER)
		ascii_lower(v);
	if (kw->flags & KWF_UPPER)
		ascii_upper(v);
	for (size_t i = 0; i < ELEMENTSOF(synonyms); i++)
		if (streq(kw->canon, synonyms[i].key) && streq(v, synonyms[i].from)) {
			free(v);
			return strdup(synonyms[i].to);
		}
	return v;
}

static int
apply_directive(struct pass *p, const struct keyword *kw, const char *keyword, const char *raw,
		char **av, size_t ac)
{
	_cleanup_(freep) char *key = NULL, *joined = NULL, *value = NULL;
	enum kw_kind kind = kw ? kw->kind : KW_SCALAR;
	int r;

	key = strdup(kw ? kw->canon : keyword);
	if (!key)
		return -ENOMEM;
	ascii_lower(key);

	switch (kind) {
	case KW_SCALAR:
	case KW_RAW:
		if (optset_has(p->set, key))
			return 0;
		joined = kind == KW_RAW ? strdup(raw) : join_args(av, ac);
		if (!joined)
			return -ENOMEM;
		value = normalize_value(kw, joined);
		if (!value)
			return -ENOMEM;
		return optset_add(p->set, key, value, false);
	case KW_ACCUM:
		for (size_t i = 0; i < ac && optset_count(p->set, key) < CONFIG_MAX_LIST; i++)
			if ((r = optset_add(p->set, key, av[i], false)) < 0)
				return r;
		return 0;
	case KW_ACCUM_LINE:
		if (optset_count(p->set, key) >= CONFIG_MAX_LIST)
			return 0;
		joined = join_args(av, ac);
		if (!joined)
			return -ENOMEM;
		return optset_add(p->set, key, joined, false);
	case KW_FIRST_LINE:
		if (optset_has(p->set, key))
			return 0;
		for (size_t i = 0; i < ac && i < CONFIG_MAX_LIST; i++) {
			_cleanup_(freep) char *v = normalize_value(kw, av[i]);

			if (!v)
				return -ENOMEM;
			if ((r = optset_add(p->set, key, v, false)) < 0)
				return r;
		}
		return 0;
	case KW_SUBSYSTEM:
		/* "subsystem NAME COMMAND ARGS" (subsystem_args, as sshd -T
		 * prints it); a second definition of NAME is fatal in sshd. */
		if (ac < 2)
			return 0;
		for (size_t i = 0; i < p->set->n; i++) {
			const char *v = p->set->e[i].value;
			size_t n = strlen(av[0]);

			if (streq(p->set->e[i].key, key) && strneq(v, av[0], n) && v[n] == ' ')
				return 0;
		}
		joined = join_args(av, ac);
		if (!joined)
			return -ENOMEM;
		return optset_add(p->set, key, joined, false);
	case KW_INCLUDE:
	case KW_MATCH:
		break;
	}
	return 0;
}

/* servconf.c sInclude: each argument is a glob, relative to /etc/ssh;
 * included files see the including file's Match state but cannot change
 * it; inside a Match block that did not match their own Match lines never
 * match (SSHCFG_NEVERMATCH). */
static int
process_include(struct pass *p, const char *file, char **av, size_t ac, int depth, unsigned flags,
		bool *active)
{
	for (size_t i = 0; i < ac; i++) {
		_cleanup_(freep) char *pattern = NULL;
		glob_t g = { 0 };
		int r;

		if (av[i][0] == '\0')
			continue;
		if (av[i][0] == '/' || av[i][0] == '~')
			pattern = strdup(av[i]);
		else if (asprintf(&pattern, "%s/%s", SSHD_SSHDIR, av[i]) < 0)
			pattern = NULL;
		if (!pattern)
			return -ENOMEM;
		r = glob(pattern, 0, NULL, &g);
		if (r == GLOB_NOSPACE) {
			globfree(&g);
			return -ENOMEM;
		}
		if (r != 0 && r != GLOB_NOMATCH)
			notes_printf(p->notes, N_("%s: Include '%s' glob failed"), file, pattern);
		for (size_t k = 0; r == 0 && k < g.gl_pathc; k++) {
			bool oactive = *active;
			unsigned child = (flags & INC_MATCH_ONLY) ? INC_MATCH_ONLY :
					 oactive ? 0 : INC_NEVERMATCH;

			r = parse_file(p, g.gl_pathv[k], depth + 1, child, active);
			*active = oactive;
			if (r == -ENOMEM) {
				globfree(&g);
				return r;
			}
			r = 0;
		}
		globfree(&g);
	}
	return 0;
}

/* One line, servconf.c process_server_config_line_depth(). */
static int
process_line(struct pass *p, const char *file, char *line, int depth, unsigned *flags, bool *active)
{
	char **av = NULL, *kwstart, *rest;
	const struct keyword *kw;
	size_t ac = 0, len = strlen(line);
	char saved;
	int r;

	/* trailing whitespace; \f only at the end */
	while (len > 0 && strchr(" \t\r\n\f", line[len - 1]))
		line[--len] = '\0';
	kwstart = line + strspn(line, " \t\r\n");
	if (*kwstart == '\0' || *kwstart == '#')
		return 0;
	/* misc.c strdelim(): the keyword ends at a blank, a quote or one '=' */
	rest = kwstart + strcspn(kwstart, " \t\r\n\"=");
	saved = *rest;
	*rest = '\0';
	if (saved != '\0') {
		rest++;
		rest += strspn(rest, " \t\r\n");
		if (saved != '=' && *rest == '=') {
			rest++;
			rest += strspn(rest, " \t\r\n");
		}
	}
	if (*rest == '\0')
		return 0;       /* sshd: "no argument after keyword", fatal */
	kw = keyword_find(kwstart);

	r = argv_split(rest, &av, &ac);
	if (r == -EINVAL) {
		notes_printf(p->notes, N_("%s: invalid quotes after '%s', ignored"), file, kwstart);
		return 0;
	}
	if (r < 0)
		return r;

	if (kw && kw->kind == KW_MATCH) {
		int m = match_line((*flags & INC_NEVERMATCH) ? NULL : p->conn, av, ac);

		if (m < 0)
			notes_printf(p->notes, N_("%s: bad Match condition '%s'"), file, rest);
		*active = !(*flags & INC_NEVERMATCH) && m > 0;
		*flags &= ~INC_MATCH_ONLY;
		argv_free(av, ac);
		return 0;
	}
	if (!kw) {
		/* sshd: "Bad configuration option", fatal at the end of the file */
		notes_printf(p->notes, N_("%s: unknown keyword '%.64s', ignored"), file, kwstart);
		r = 0;
	} else if (kw->kind == KW_INCLUDE)
		r = process_include(p, file, av, ac, depth, *flags, active);
	else if (*active)
		r = apply_directive(p, kw, kwstart, rest, av, ac);
	argv_free(av, ac);
	return r;
}

/* servconf.c parse_server_config_depth(): flags are this file's own copy. */
static int
parse_file(struct pass *p, const char *path, int depth, unsigned flags, bool *active)
{
	_cleanup_(freep) char *data = NULL;
	char *line, *next;
	size_t len;
	int r;

	if (depth > CONFIG_MAX_DEPTH) {
		notes_printf(p->notes, N_("%s: too many recursive includes"), path);
		return -ELOOP;
	}
	if (p->n_files >= CONFIG_MAX_FILES || p->n_bytes >= CONFIG_MAX_TOTAL) {
		notes_printf(p->notes, N_("more than %d files or %d MiB included, the rest ignored"), CONFIG_MAX_FILES,
			  CONFIG_MAX_TOTAL / (1024 * 1024));
		return -E2BIG;
	}
	p->n_files++;
	r = read_full(path, CONFIG_FILE_MAX, &data, &len);
	if (r < 0) {
		if (depth > 0) {
			char msg[1024], msg_l10n[2048];

			l10n_snprintf2(msg, sizeof msg, msg_l10n, sizeof msg_l10n, N_("cannot read included '%s': %s"),
				       (path, strerror_en(-r)), (path, strerror(-r)));
			notes_add(p->notes, msg, msg_l10n);
		}
		return r;
	}
	p->n_bytes += len;
	/* NUL-terminate; an embedded NUL ends the file (sshd refuses it) */
	{
		char *d = realloc(data, len + 1);

		if (!d)
			return -ENOMEM;
		data = d;
		data[len] = '\0';
	}
	for (line = data; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		r = process_line(p, path, line, depth, &flags, active);
		if (r == -ENOMEM)
			return r;
	}
	return 0;
}

/* kex.c kex_assemble_names(): "+list" appends to the default, "-list"
 * removes patterns from it, "^list" puts the list first, anything else
 * replaces it. Names are not checked against the supported algorithms
 * (sshd would; explicit wildcards are kept as written). Caller frees. */
static char *
assemble_algorithms(const char *value, const char *def)
{
	struct buf b;
	const char *first = NULL, *second = NULL;

	if (value[0] == '+') {
		first = def;
		second = value + 1;
	} else if (value[0] == '^') {
		first = value + 1;
		second = def;
	} else if (value[0] != '-')
		return strdup(value);
	buf_init(&b);
	if (value[0] == '-') {
		_cleanup_(freep) char *copy = strdup(def);
		char *save = NULL, *name;

		if (!copy)
			return NULL;
		for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
			if (pattern_match_list(name, value + 1, false) == 1)
				continue;
			if ((b.len && buf_puts(&b, ",") < 0) || buf_puts(&b, name) < 0)
				goto oom;
		}
		return b.data ? b.data : strdup("");
	}
	/* kex.c kex_names_cat(): the second list's names not already present */
	if (buf_puts(&b, first) < 0)
		goto oom;
	{
		_cleanup_(freep) char *copy = strdup(second);
		char *save = NULL, *name;

		if (!copy)
			goto oom;
		for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
			bool dup = false;
			const char *q = b.data ? b.data : "";

			while (*q) {
				size_t n = strcspn(q, ",");

				if (n == strlen(name) && strneq(q, name, n))
					dup = true;
				q += n + (q[n] == ',');
			}
			if (dup)
				continue;
			if ((b.len && buf_puts(&b, ",") < 0) || buf_puts(&b, name) < 0)
				goto oom;
		}
	}
	return b.data ? b.data : strdup("");
oom:
	buf_release(&b);
	return NULL;
}

/* First Port of the startup pass, 22 without one: the local port a
 * connection spec without lport is evaluated for. */
static unsigned
config_first_port(const struct optset *global)
{
	for (size_t i = 0; i < global->n; i++) {
		unsigned port;

		if (streq(global->e[i].key, "port") && safe_atou(global->e[i].value, &port) == 0 &&
		    port > 0 && port <= 65535)
			return port;
	}
	return 22;
}

/* The startup pass alone (Match blocks skipped except "Match all"). */
static int
read_global(const char *path, struct optset *ret, struct notes *notes)
{
	struct pass p = { .conn = NULL, .set = ret, .notes = notes };
	bool active = true;

	return parse_file(&p, path, 0, 0, &active);
}

/* servconf.c copy_set_server_options(): each Match-copyable keyword set in
 * a matching block replaces the global value(s) entirely (AllowUsers in a
 * Match block is not appended to the global list). */
static int
merge_match(struct optset *global, const struct optset *match, struct optset *ret)
{
	int r;

	for (size_t i = 0; i < global->n; i++) {
		const char *key = global->e[i].key;
		const struct keyword *kw = keyword_find_canon(key);
		bool overridden = kw && (kw->flags & KWF_MATCH) && optset_has(match, key);

		if (!overridden) {
			r = optset_add(ret, key, global->e[i].value, false);
			if (r < 0)
				return r;
			continue;
		}
		/* first global occurrence: the match values go here */
		if (optset_has(ret, key))
			continue;
		for (size_t j = 0; j < match->n; j++)
			if (streq(match->e[j].key, key) && (r = optset_add(ret, key, match->e[j].value, false)) < 0)
				return r;
	}
	for (size_t j = 0; j < match->n; j++) {
		const char *key = match->e[j].key;
		const struct keyword *kw = keyword_find_canon(key);

		if (!kw || !(kw->flags & KWF_MATCH) || optset_has(global, key))
			continue;
		if ((r = optset_add(ret, key, match->e[j].value, false)) < 0)
			return r;
	}
	return 0;
}

static int
fill_defaults(struct optset *set)
{
	size_t n0 = set->n;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(defaults); i++) {
		bool present = false;

		/* "present" only among the entries read, not defaults just added */
		for (size_t j = 0; j < n0; j++)
			if (streq(set->e[j].key, defaults[i].key))
				present = true;
		if (present)
			continue;
		if ((r = optset_add(set, defaults[i].key, defaults[i].value, true)) < 0)
			return r;
	}
	/* algorithm lists given as +, -, ^ against the default */
	for (size_t j = 0; j < n0; j++) {
		const struct keyword *kw = keyword_find_canon(set->e[j].key);
		const char *def;
		char *v;

		if (!kw || !(kw->flags & KWF_ALGOS) || !(def = default_value(kw->canon)))
			continue;
		v = assemble_algorithms(set->e[j].value, def);
		if (!v)
			return -ENOMEM;
		free(set->e[j].value);
		set->e[j].value = v;
	}
	return 0;
}

/* Reads config_path the way sshd would for conn into ret (defaults
 * filled). Returns 0, negative errno when the main file cannot be read
 * (-ENOMEM included). */
static int
read_config_file(const char *config_path, const struct conn *conn0, struct optset *ret, struct notes *notes)
{
	struct optset global = { 0 }, match = { 0 };
	struct conn conn = *conn0;
	struct pass p = { .set = &match, .notes = notes };
	bool active = false;
	int r;

	r = read_global(config_path, &global, notes);
	if (r < 0)
		goto out;
	if (conn.lport == 0)
		conn.lport = config_first_port(&global);
	/* servconf.c parse_server_config(): with a connection, lines are
	 * inactive until a Match matches (SSHCFG_MATCH_ONLY). */
	p.conn = &conn;
	r = parse_file(&p, config_path, 0, INC_MATCH_ONLY, &active);
	if (r < 0)
		goto out;
	r = merge_match(&global, &match, ret);
	if (r < 0)
		goto out;
	r = fill_defaults(ret);
out:
	optset_release(&global);
	optset_release(&match);
	if (r < 0)
		optset_release(ret);
	return r;
}

/* ---- load ----------------------------------------------------------------- */

static int
spec_valid(const struct sshd_conn_spec *spec)
{
	if (!spec)
		return 0;
	if (spec->user && !sshd_conn_user_valid(spec->user))
		return -EINVAL;
	if (spec->host && !sshd_conn_host_valid(spec->host))
		return -EINVAL;
	if (spec->addr && !sshd_conn_addr_valid(spec->addr))
		return -EINVAL;
	if (spec->lport > 65535)
		return -EINVAL;
	return 0;
}

/* One `sshd -T [-C spec] -f config` run. Returns 0 (see ret), negative
 * errno when it could not be started. */
static int
run_sshd_t(const struct sshd_config *c, const struct conn *conn, unsigned lport, struct run_result *ret)
{
	char *argv[8], spec[512], *sshd_path = (char *)c->sshd_path, *config = (char *)c->config_path;
	size_t k = 0, n = 0;

	/* every field was validated: no ',' can add a field of its own */
	spec[0] = '\0';
	if (conn->user)
		n += (size_t)snprintf(spec + n, sizeof spec - n, "user=%s,", conn->user);
	if (conn->host && n < sizeof spec)
		n += (size_t)snprintf(spec + n, sizeof spec - n, "host=%s,", conn->host);
	if (conn->addr && n < sizeof spec)
		n += (size_t)snprintf(spec + n, sizeof spec - n, "addr=%s,", conn->addr);
	if (lport && n < sizeof spec)
		n += (size_t)snprintf(spec + n, sizeof spec - n, "lport=%u,", lport);
	if (n >= sizeof spec)
		return -ENAMETOOLONG;
	argv[k++] = sshd_path;
	argv[k++] = (char *)"-T";
	if (n > 0) {
		spec[n - 1] = '\0';    /* trailing comma */
		argv[k++] = (char *)"-C";
		argv[k++] = spec;
	}
	argv[k++] = (char *)"-f";
	argv[k++] = config;
	argv[k] = NULL;
	return run_capture(c->sshd_path, argv, SSHD_RUN_TIMEOUT_MS, ret);
}

/* sshd.c privsep_preauth_child() / main(): fatal("Missing privilege
 * separation directory: %s", _PATH_PRIVSEP_CHROOT_DIR) */
#define PRIVSEP_MISSING "Missing privilege separation directory: "

/* Runs sshd -T -C. Returns 1 done (ret filled), 0 it failed (why said),
 * -ENOMEM. */
static int
load_sshd_t(const struct sshd_config *c, const struct conn *conn, struct optset *ret, struct notes *why)
{
	_cleanup_(freep) char *line = NULL;
	struct run_result rr;
	const char *dir;
	int r;

	r = run_sshd_t(c, conn, conn->lport, &rr);
	/* sshd 9.2 refuses a "Match LocalPort" block when -C has no lport
	 * (servconf.c match_test_missing_fatal()): retry with the config's
	 * first Port, the port a client most likely used. */
	if (r == 0 && !conn->lport && rr.status != 0 && rr.err.data &&
	    strstr(rr.err.data, "'lport' not in connection test specification")) {
		struct optset global = { 0 };
		struct notes notes = { 0 };
		unsigned lport;

		r = read_global(c->config_path, &global, &notes);
		lport = r == 0 ? config_first_port(&global) : 22;
		optset_release(&global);
		notes_release(&notes);
		run_result_release(&rr);
		if (r == -ENOMEM)
			return r;
		r = run_sshd_t(c, conn, lport, &rr);
	}
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		char msg[1024], msg_l10n[2048];

		l10n_snprintf2(msg, sizeof msg, msg_l10n, sizeof msg_l10n, N_("cannot run %s: %s"),
			       (c->sshd_path, strerror_en(-r)), (c->sshd_path, strerror(-r)));
		notes_add(why, msg, msg_l10n);
		return why->en.data && why->l10n.data ? 0 : -ENOMEM;
	}

	if (rr.status == 0 && !rr.timed_out && rr.out.len > 0) {
		r = parse_sshd_t_output(rr.out.data, rr.out.len, ret);
		run_result_release(&rr);
		return r < 0 ? r : 1;
	}
	if (rr.err.data) {
		line = first_line_escaped(rr.err.data, rr.err.len);
		if (!line) {
			run_result_release(&rr);
			return -ENOMEM;
		}
	}
	/* sshd's stderr line is quoted as it is, in both */
	if (rr.timed_out)
		notes_printf(why, N_("%s -T did not finish within %d s"), c->sshd_path, SSHD_RUN_TIMEOUT_MS / 1000);
	else if (rr.status == 127)
		notes_printf(why, N_("cannot execute %s"), c->sshd_path);
	else if (line && (dir = strstr(line, PRIVSEP_MISSING)))
		/* sshd.c: a fresh machine whose ssh.service never started has no
		 * /run/sshd (RuntimeDirectory=sshd): say how to make it */
		notes_printf(why, N_("%s -T exited with status %d: %s (ssh.service creates it when it starts; "
			 "'install -d -m 0755 %s' or 'systemctl start ssh', then check again)"),
			 c->sshd_path, rr.status, line, dir + strlen(PRIVSEP_MISSING));
	else if (line && *line)
		notes_printf(why, N_("%s -T exited with status %d: %s"), c->sshd_path, rr.status, line);
	else
		notes_printf(why, N_("%s -T exited with status %d"), c->sshd_path, rr.status);
	run_result_release(&rr);
	return why->en.data && why->l10n.data ? 0 : -ENOMEM;
}

int
sshd_config_load(const char *sshd_path, const char *config_path, const struct sshd_conn_spec *spec,
		 struct sshd_config **ret)
{
	_cleanup_(sshd_config_freep) struct sshd_config *c = NULL;
	struct notes why = { 0 }, notes = { 0 };        /* why sshd -T was not used; the file's notes */
	struct optset set = { 0 };
	struct conn conn = { 0 };
	int r;

	r = spec_valid(spec);
	if (r < 0)
		return r;
	if (!sshd_path)
		sshd_path = SSHD_DEFAULT_PATH;
	if (!config_path)
		config_path = SSHD_DEFAULT_CONFIG;
	if (strlen(sshd_path) >= sizeof c->sshd_path || strlen(config_path) >= sizeof c->config_path)
		return -ENAMETOOLONG;
	if (spec) {
		conn.user = spec->user;
		conn.host = spec->host;
		conn.addr = spec->addr;
		conn.lport = spec->lport;
	}
	/* sshd -T -C evaluates "Match Host" only with host= given; a real
	 * connection with UseDNS no (the default) has host = the address. */
	if (!conn.host && conn.addr)
		conn.host = conn.addr;

	c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	strlcpy_n(c->config_path, sizeof c->config_path, config_path, strlen(config_path));
	if (access(sshd_path, X_OK) == 0) {
		strlcpy_n(c->sshd_path, sizeof c->sshd_path, sshd_path, strlen(sshd_path));
		detect_version(c);
	}

	if (!c->sshd_path[0]) {
		notes_printf(&why, N_("no executable sshd at %s"), sshd_path);
		r = 0;
	} else if (geteuid() != 0) {
		/* server-check.c knows this one by its English start */
		notes_printf(&why, N_("not root: sshd -T must read the host keys"));
		r = 0;
	} else {
		r = load_sshd_t(c, &conn, &set, &why);
		if (r > 0) {
			c->source = SSHD_CONFIG_SSHD_T;
			c->entries = set.e;
			c->n = set.n;
			*ret = TAKE_PTR(c);
			return 0;
		}
	}
	optset_release(&set);
	if (r >= 0)
		r = read_config_file(config_path, &conn, &set, &notes);
	if (r == -ENOMEM) {
		notes_release(&why);
		notes_release(&notes);
		return r;
	}
	if (r < 0) {
		/* nothing readable: defaults only, and the file's notes go */
		char msg[1024], msg_l10n[2048];

		l10n_snprintf2(msg, sizeof msg, msg_l10n, sizeof msg_l10n, N_("cannot read '%s': %s"),
			       (config_path, strerror_en(-r)), (config_path, strerror(-r)));
		notes_release(&notes);
		notes = (struct notes){ 0 };
		notes_add(&notes, msg, msg_l10n);
		r = fill_defaults(&set);
		c->source = SSHD_CONFIG_DEFAULTS;
	} else
		c->source = SSHD_CONFIG_FILE;
	c->entries = set.e;
	c->n = set.n;
	set = (struct optset){ 0 };
	/* why sshd -T was not used, then the file's notes */
	if (notes.en.data)
		notes_add(&why, notes.en.data, notes.l10n.data ? notes.l10n.data : notes.en.data);
	notes_release(&notes);
	c->why_fallback = TAKE_PTR(why.en.data);
	c->why_fallback_l10n = TAKE_PTR(why.l10n.data);
	notes_release(&why);
	if (r < 0)
		return r;
	if (!c->why_fallback || !c->why_fallback_l10n)
		return -ENOMEM;
	*ret = TAKE_PTR(c);
	return 0;
}

struct sshd_config *
sshd_config_free(struct sshd_config *c)
{
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		free(c->entries[i].key);
		free(c->entries[i].value);
	}
	free(c->entries);
	free(c->why_fallback);
	free(c->why_fallback_l10n);
	free(c);
	return NULL;
}

void
sshd_config_freep(struct sshd_config **c)
{
	*c = sshd_config_free(*c);
}

const char *
sshd_config_get(const struct sshd_config *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (streq(c->entries[i].key, key))
			return c->entries[i].value;
	return NULL;
}

size_t
sshd_config_get_all(const struct sshd_config *c, const char *key, const char **ret, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		if (streq(c->entries[i].key, key)) {
			if (n < cap)
				ret[n] = c->entries[i].value;
			n++;
		}
	return n;
}
