/* The effective sshd configuration for one connection: `sshd -T -C
 * user=U,host=H,addr=A` run on the real binary (Match blocks applied by sshd
 * itself), or, when that cannot run (not root, no sshd, config error), the
 * config file read directly with OpenSSH's defaults, marked as such. Values
 * are kept as sshd -T prints them: lower-case keyword, then the value;
 * multi-valued keywords (allowusers, hostkey, authorizedkeysfile, ...) keep
 * every value in order. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* tag: sshd-config-sources */
enum sshd_config_source {
	SSHD_CONFIG_SSHD_T,     /* from `sshd -T -C ...`: authoritative */
	SSHD_CONFIG_FILE,       /* sshd_config (+ Include) read by sshwhy; Match blocks evaluated by sshwhy */
	SSHD_CONFIG_DEFAULTS,   /* nothing readable: OpenSSH defaults only */
	_SSHD_CONFIG_SOURCE_MAX,
};
const char *sshd_config_source_to_string(enum sshd_config_source s);

struct sshd_config_entry {
	char *key;              /* lower case, owned */
	char *value;            /* owned; one value per entry (allowusers a b -> two entries) */
	bool is_default;        /* SSHD_CONFIG_FILE / _DEFAULTS: not set in the file */
};

struct sshd_config {
	enum sshd_config_source source;
	struct sshd_config_entry *entries;      /* owned */
	size_t n;
	char sshd_path[256];    /* the binary used, "" when none */
	char config_path[256];  /* the config file */
	char version[128];      /* "OpenSSH_9.2p1 Debian-2+deb12u3" from the binary, "" unknown */
	bool debian;            /* Debian/Ubuntu patched sshd: StrictModes tolerates a private group */
	char *why_fallback;     /* owned; why sshd -T was not used (stderr line, errno text), NULL when it was */
	char *why_fallback_l10n; /* owned; the same in the reader's language (for the screen), NULL with it */
};

/* Which connection to evaluate Match blocks for. Every field is validated
 * by sshd_config_load before it reaches the sshd command line (user: a POSIX
 * login name, no comma; host: a DNS name; addr: a numeric address);
 * an invalid one is -EINVAL, never passed on. NULL fields are left out
 * (sshd -T then evaluates Match with defaults). */
struct sshd_conn_spec {
	const char *user, *host, *addr;
	unsigned lport;         /* 0: not given */
};
/* Defaults (both sources): host NULL and addr given: host = addr, what
 * sshd itself uses with UseDNS no (the default); sshd -T -C matches "Match
 * Host" only when host= is given. lport 0: left out, except that sshd 9.2
 * refuses a config with "Match LocalPort" when -C has no lport
 * (servconf.c match_test_missing_fatal()): then the config's first Port
 * (22 without one) is used. Missing user/host/addr: those Match criteria
 * do not match, as with sshd -T -C. */

/* Values in sshd -T's spelling from both sources: "permitrootlogin
 * without-password" (= prohibit-password), yes/no lower case, LogLevel
 * upper case (Debian's sshd -T prints QUIET as SILENT; the file reader
 * keeps QUIET), algorithm lists with +/-/^ applied to the 9.2 defaults.
 * Load the effective configuration. sshd_path NULL: /usr/sbin/sshd;
 * config_path NULL: /etc/ssh/sshd_config. Runs sshd -T (fork/exec, no shell,
 * empty environment, 10 s timeout) when the caller is root; otherwise or
 * on failure reads the file. Returns 0 (check ret->source), -EINVAL (invalid
 * spec), -ENOMEM. Caller frees *ret with sshd_config_free. */
int sshd_config_load(const char *sshd_path, const char *config_path, const struct sshd_conn_spec *spec,
		     struct sshd_config **ret);
struct sshd_config *sshd_config_free(struct sshd_config *c);
void sshd_config_freep(struct sshd_config **c);

/* The first value of key (lower case), or NULL when absent. */
const char *sshd_config_get(const struct sshd_config *c, const char *key);
/* Every value of key in order: fills ret[0..cap), returns the count (may
 * exceed cap). */
size_t sshd_config_get_all(const struct sshd_config *c, const char *key, const char **ret, size_t cap);

/* Valid for sshd -T -C: user names and host names as sshd would get them.
 * Exposed for tests and for check's own argument validation. */
bool sshd_conn_user_valid(const char *user);
bool sshd_conn_host_valid(const char *host);
/* A numeric IPv4 or IPv6 address (inet_pton), no zone or brackets. */
bool sshd_conn_addr_valid(const char *addr);
