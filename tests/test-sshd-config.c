/* sshd-config.c: the config file read with sshd's rules (first value wins,
 * lists, quotes, Include, Match for a connection), spec validation against
 * hostile values, and, as root with /usr/sbin/sshd, the real `sshd -T`
 * compared with our own reading of the same fixtures. */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "sshd-config.h"
#include "util.h"

#define NO_SSHD "/nonexistent/sshd"     /* forces the file reader */
#define REAL_SSHD "/usr/sbin/sshd"

static char tmpdir[64];
/* sshd -T refuses to run without its privilege separation directory, which
 * only ssh.service creates (RuntimeDirectory=sshd): a fresh machine whose
 * daemon never started has none. A test that needs it makes it, and the
 * teardown removes what the test made. */
#define PRIVSEP_DIR "/run/sshd"
static bool made_privsep_dir;

static void
tmp_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test-sshd-config-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	ck_assert_int_eq(chmod(tmpdir, 0755), 0);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
tmp_teardown(void)
{
	if (made_privsep_dir) {
		ck_assert_int_eq(rmdir(PRIVSEP_DIR), 0);
		made_privsep_dir = false;
	}
	ck_assert_int_eq(nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* Copies fixture name into tmpdir with @DIR@ replaced by the fixture
 * directory and "HostKey <tmpdir>/hk" first (for sshd -T). Returns the
 * malloc'ed path. */
static char *
fixture(const char *name)
{
	_cleanup_(freep) char *src = NULL, *data = NULL, *dir = NULL;
	char *out = NULL;
	const char *p, *at;
	FILE *f;

	src = test_data_path(name);
	dir = test_data_path("sshd-config");
	ck_assert_ptr_nonnull(src);
	data = read_fixture(src, NULL);
	ck_assert_msg(data != NULL, "cannot read %s", src);
	ck_assert_int_ge(asprintf(&out, "%s/%s", tmpdir, strrchr(name, '/') + 1), 0);
	f = fopen(out, "we");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "HostKey %s/hk\n", tmpdir);
	for (p = data; (at = strstr(p, "@DIR@")); p = at + 5) {
		fwrite(p, 1, (size_t)(at - p), f);
		fputs(dir, f);
	}
	fputs(p, f);
	ck_assert_int_eq(fclose(f), 0);
	return out;
}

static struct sshd_config *
load(const char *sshd, const char *name, const char *user, const char *host, const char *addr, unsigned lport)
{
	_cleanup_(freep) char *path = fixture(name);
	struct sshd_conn_spec spec = { .user = user, .host = host, .addr = addr, .lport = lport };
	struct sshd_config *c = NULL;

	ck_assert_int_eq(sshd_config_load(sshd, path, &spec, &c), 0);
	ck_assert_ptr_nonnull(c);
	return c;
}

static const char *
get(const struct sshd_config *c, const char *key)
{
	const char *v = sshd_config_get(c, key);

	ck_assert_msg(v != NULL, "no %s", key);
	return v;
}

static bool
is_default(const struct sshd_config *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (streq(c->entries[i].key, key))
			return c->entries[i].is_default;
	ck_abort_msg("no %s", key);
	return false;
}

/* ---- the file reader ------------------------------------------------------ */

START_TEST(test_file_first_value_wins)
{
	_cleanup_(sshd_config_freep) struct sshd_config *c = load(NO_SSHD, "sshd-config/first-wins.conf",
								   NULL, NULL, NULL, 0);

	ck_assert_int_eq(c->source, SSHD_CONFIG_FILE);
	ck_assert_ptr_nonnull(c->why_fallback);
	ck_assert_ptr_nonnull(strstr(c->why_fallback, "no executable sshd"));
	ck_assert_str_eq(c->sshd_path, "");
	ck_assert_str_eq(get(c, "loglevel"), "VERBOSE");
	ck_assert_str_eq(get(c, "passwordauthentication"), "no");
	/* "=" separator, and sshd -T's spelling of prohibit-password */
	ck_assert_str_eq(get(c, "permitrootlogin"), "without-password");
	ck_assert_str_eq(get(c, "maxauthtries"), "4");
	/* alias keyword, printed under its canonical name */
	ck_assert_str_eq(get(c, "kbdinteractiveauthentication"), "no");
	ck_assert_ptr_null(sshd_config_get(c, "challengeresponseauthentication"));
	ck_assert(!is_default(c, "loglevel"));
	ck_assert(is_default(c, "x11forwarding"));
	ck_assert_str_eq(get(c, "x11forwarding"), "no");
}
END_TEST

START_TEST(test_file_lists)
{
	_cleanup_(sshd_config_freep) struct sshd_config *c = load(NO_SSHD, "sshd-config/first-wins.conf",
								   NULL, NULL, NULL, 0);
	const char *v[8];

	ck_assert_uint_eq(sshd_config_get_all(c, "allowusers", v, 8), 3);
	ck_assert_str_eq(v[0], "alice");
	ck_assert_str_eq(v[2], "carol");
	ck_assert_uint_eq(sshd_config_get_all(c, "acceptenv", v, 8), 3);
	ck_assert_str_eq(v[1], "LC_*");
	ck_assert_uint_eq(sshd_config_get_all(c, "hostkey", v, 8), 3);
	ck_assert_str_eq(v[1], "/etc/ssh/ssh_host_ed25519_key");
	ck_assert_uint_eq(sshd_config_get_all(c, "authorizedkeysfile", v, 8), 2);
	ck_assert_str_eq(v[0], ".ssh/authorized_keys");
	ck_assert_str_eq(v[1], "/etc/ssh/keys/%u");
	ck_assert_uint_eq(sshd_config_get_all(c, "subsystem", v, 8), 1);
	ck_assert_str_eq(v[0], "sftp /usr/lib/openssh/sftp-server -f AUTHPRIV");
	/* count beyond cap */
	ck_assert_uint_eq(sshd_config_get_all(c, "allowusers", v, 1), 3);
	ck_assert_uint_eq(sshd_config_get_all(c, "nosuchkey", v, 8), 0);
}
END_TEST

START_TEST(test_file_algorithms_assembled)
{
	_cleanup_(sshd_config_freep) struct sshd_config *c = load(NO_SSHD, "sshd-config/first-wins.conf",
								   NULL, NULL, NULL, 0);
	const char *pk = get(c, "pubkeyacceptedalgorithms"), *ca = get(c, "casignaturealgorithms");
	const char *hk = get(c, "hostkeyalgorithms");
	size_t n = strlen(pk);

	/* +: appended to the 9.2 default (old alias keyword) */
	ck_assert(n > 8 && streq(pk + n - 8, ",ssh-rsa"));
	ck_assert(strneq(pk, "ssh-ed25519-cert-v01@openssh.com,", 33));
	/* -: patterns removed */
	ck_assert_str_eq(ca, "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
		"sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com");
	/* ^: put first */
	ck_assert(strneq(hk, "ssh-rsa,ssh-ed25519-cert-v01@openssh.com,", 41));
}
END_TEST

START_TEST(test_file_quotes_and_comments)
{
	_cleanup_(sshd_config_freep) struct sshd_config *c = load(NO_SSHD, "sshd-config/quotes.conf",
								   NULL, NULL, NULL, 0);
	const char *v[8];

	ck_assert_str_eq(get(c, "banner"), "/etc/ssh/my banner");
	ck_assert_uint_eq(sshd_config_get_all(c, "authorizedkeysfile", v, 8), 3);
	ck_assert_str_eq(v[0], ".ssh/with space");
	ck_assert_str_eq(v[1], ".ssh/single");
	ck_assert_str_eq(v[2], ".ssh/esc aped");
	ck_assert_str_eq(get(c, "forcecommand"), "/usr/bin/printf \"%s\\n\" hello   # kept verbatim, as sshd does");
	ck_assert_str_eq(get(c, "denyusers"), "malloryeve");
	ck_assert_str_eq(get(c, "strictmodes"), "no");
}
END_TEST

START_TEST(test_file_bad_quotes_noted)
{
	_cleanup_(sshd_config_freep) struct sshd_config *c = load(NO_SSHD, "sshd-config/bad-quotes.conf",
								   NULL, NULL, NULL, 0);

	ck_assert_str_eq(get(c, "chrootdirectory"), "none");
	ck_assert(is_default(c, "chrootdirectory"));
	ck_assert_str_eq(get(c, "strictmodes"), "no");
	ck_assert_ptr_nonnull(strstr(c->why_fallback, "invalid quotes"));
}
END_TEST

START_TEST(test_file_match_user)
{
	_cleanup_(sshd_config_freep) struct sshd_config *a = load(NO_SSHD, "sshd-config/match.conf",
								   "alice", NULL, "203.0.113.5", 22);
	_cleanup_(sshd_config_freep) struct sshd_config *b = load(NO_SSHD, "sshd-config/match.conf",
								   "bob", NULL, "203.0.113.5", 22);
	const char *v[8];

	ck_assert_str_eq(get(a, "passwordauthentication"), "no");
	/* AllowUsers in a matching block replaces the global list */
	ck_assert_uint_eq(sshd_config_get_all(a, "allowusers", v, 8), 1);
	ck_assert_str_eq(v[0], "alice@10.0.0.0/8");
	ck_assert_str_eq(get(b, "passwordauthentication"), "yes");
	ck_assert_uint_eq(sshd_config_get_all(b, "allowusers", v, 8), 3);
	/* Match All */
	ck_assert_str_eq(get(b, "clientaliveinterval"), "30");
}
END_TEST

START_TEST(test_file_match_address_host_port)
{
	_cleanup_(sshd_config_freep) struct sshd_config *in = load(NO_SSHD, "sshd-config/match.conf",
								    "bob", NULL, "192.0.2.1", 0);
	_cleanup_(sshd_config_freep) struct sshd_config *neg = load(NO_SSHD, "sshd-config/match.conf",
								     "bob", NULL, "192.0.2.7", 0);
	_cleanup_(sshd_config_freep) struct sshd_config *host = load(NO_SSHD, "sshd-config/match.conf",
								      "bob", "ws1.EXAMPLE.org", "198.51.100.1", 2222);
	_cleanup_(sshd_config_freep) struct sshd_config *both = load(NO_SSHD, "sshd-config/match.conf",
								      "carol", NULL, "198.51.100.1", 0);
	const char *v[8];

	ck_assert_str_eq(get(in, "maxauthtries"), "2");
	ck_assert_str_eq(get(in, "passwordauthentication"), "no");
	ck_assert_str_eq(get(neg, "maxauthtries"), "6");
	/* host names compare case-insensitively */
	ck_assert_str_eq(get(host, "banner"), "/etc/issue.example");
	ck_assert_str_eq(get(in, "banner"), "none");
	/* lport 0: the config's first Port (22) */
	ck_assert_str_eq(get(host, "x11forwarding"), "yes");
	ck_assert_str_eq(get(in, "x11forwarding"), "no");
	/* two criteria, both must match; one-line list split per method list */
	ck_assert_uint_eq(sshd_config_get_all(both, "authenticationmethods", v, 8), 2);
	ck_assert_str_eq(v[0], "publickey,password");
	ck_assert_str_eq(get(in, "authenticationmethods"), "any");
}
END_TEST

START_TEST(test_file_match_group)
{
	_cleanup_(sshd_config_freep) struct sshd_config *r = load(NO_SSHD, "sshd-config/match.conf",
								   "root", NULL, NULL, 0);
	_cleanup_(sshd_config_freep) struct sshd_config *n = load(NO_SSHD, "sshd-config/match.conf",
								   "nobody", NULL, NULL, 0);
	_cleanup_(sshd_config_freep) struct sshd_config *none = load(NO_SSHD, "sshd-config/match.conf",
								      NULL, NULL, NULL, 0);

	ck_assert_str_eq(get(r, "permitrootlogin"), "without-password");
	ck_assert_str_eq(get(n, "permitrootlogin"), "no");
	/* no user in the spec: Match User/Group do not match (sshd -T -C) */
	ck_assert_str_eq(get(none, "passwordauthentication"), "yes");
	ck_assert_str_eq(get(none, "clientaliveinterval"), "30");
}
END_TEST

START_TEST(test_file_include)
{
	_cleanup_(sshd_config_freep) struct sshd_config *a = load(NO_SSHD, "sshd-config/include.conf",
								   "alice", NULL, NULL, 0);
	_cleanup_(sshd_config_freep) struct sshd_config *b = load(NO_SSHD, "sshd-config/include.conf",
								   "bob", NULL, NULL, 0);

	/* included before the main file's own LogLevel: first wins */
	ck_assert_str_eq(get(b, "loglevel"), "QUIET");
	ck_assert_str_eq(get(b, "pubkeyauthentication"), "no");
	/* 10-first.conf's Match ends with that file */
	ck_assert_str_eq(get(b, "maxsessions"), "3");
	ck_assert_str_eq(get(a, "banner"), "/etc/issue.alice");
	ck_assert_str_eq(get(b, "banner"), "none");
	/* never.d inside "Match User alice": its lines apply, and its own
	 * Match All matches too (the block it is in did match) */
	ck_assert_str_eq(get(a, "x11forwarding"), "yes");
	ck_assert_str_eq(get(a, "permittty"), "no");
	ck_assert_str_eq(get(a, "maxauthtries"), "1");
	/* for bob, the block including never.d does not match: nothing from it */
	ck_assert_str_eq(get(b, "permittty"), "yes");
	ck_assert_str_eq(get(b, "maxauthtries"), "6");
}
END_TEST

START_TEST(test_file_hostile_bounds)
{
	_cleanup_(sshd_config_freep) struct sshd_config *c = NULL;
	_cleanup_(freep) char *path = NULL;
	struct sshd_conn_spec spec = { .user = "alice" };
	const char *v[1];
	size_t n;
	FILE *f;

	/* a file that includes itself twice per level, one huge line, and a
	 * keyword sshd does not know */
	ck_assert_int_ge(asprintf(&path, "%s/hostile.conf", tmpdir), 0);
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "Include %s %s\nNoSuchKeyword \033[2J\nAllowUsers", path, path);
	for (int i = 0; i < 200000; i++)
		fputs(" u", f);
	fputs("\nMaxAuthTries 3\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(sshd_config_load(NO_SSHD, path, &spec, &c), 0);
	ck_assert_int_eq(c->source, SSHD_CONFIG_FILE);
	ck_assert_str_eq(get(c, "maxauthtries"), "3");
	n = sshd_config_get_all(c, "allowusers", v, 1);
	ck_assert_uint_gt(n, 1000);
	ck_assert_uint_le(n, 4096);
	/* 400 KB per file: the byte budget ends the recursion first */
	ck_assert_ptr_nonnull(strstr(c->why_fallback, "MiB included, the rest ignored"));
	ck_assert_ptr_nonnull(strstr(c->why_fallback, "unknown keyword 'NoSuchKeyword'"));
	ck_assert_ptr_null(sshd_config_get(c, "nosuchkeyword"));
	ck_assert_uint_lt(strlen(c->why_fallback), 4096);
}
END_TEST

START_TEST(test_defaults_when_unreadable)
{
	_cleanup_(sshd_config_freep) struct sshd_config *c = NULL;
	struct sshd_conn_spec spec = { .user = "alice" };
	const char *v[8];

	ck_assert_int_eq(sshd_config_load(NO_SSHD, "/nonexistent/sshd_config", &spec, &c), 0);
	ck_assert_int_eq(c->source, SSHD_CONFIG_DEFAULTS);
	ck_assert_str_eq(sshd_config_source_to_string(c->source), "defaults");
	ck_assert_ptr_nonnull(strstr(c->why_fallback, "cannot read '/nonexistent/sshd_config'"));
	ck_assert_str_eq(get(c, "loglevel"), "INFO");
	ck_assert_str_eq(get(c, "pubkeyauthentication"), "yes");
	ck_assert_str_eq(get(c, "passwordauthentication"), "yes");
	ck_assert_str_eq(get(c, "kbdinteractiveauthentication"), "yes");
	ck_assert_str_eq(get(c, "usepam"), "no");
	ck_assert_str_eq(get(c, "strictmodes"), "yes");
	ck_assert_str_eq(get(c, "authenticationmethods"), "any");
	ck_assert_str_eq(get(c, "maxauthtries"), "6");
	ck_assert_str_eq(get(c, "authorizedkeyscommand"), "none");
	ck_assert_str_eq(get(c, "authorizedprincipalsfile"), "none");
	ck_assert_str_eq(get(c, "revokedkeys"), "none");
	ck_assert_str_eq(get(c, "trustedusercakeys"), "none");
	ck_assert_str_eq(get(c, "chrootdirectory"), "none");
	ck_assert_uint_eq(sshd_config_get_all(c, "authorizedkeysfile", v, 8), 2);
	ck_assert_str_eq(v[1], ".ssh/authorized_keys2");
	ck_assert_uint_eq(sshd_config_get_all(c, "hostkey", v, 8), 3);
	ck_assert_str_eq(v[2], "/etc/ssh/ssh_host_ed25519_key");
	ck_assert(strstr(get(c, "pubkeyacceptedalgorithms"), "rsa-sha2-512") != NULL);
	ck_assert(strstr(get(c, "pubkeyacceptedalgorithms"), "ssh-rsa,") == NULL);
	for (size_t i = 0; i < c->n; i++)
		ck_assert(c->entries[i].is_default);
}
END_TEST

/* ---- validation ----------------------------------------------------------- */

static const char *const good_users[] = {
	"alice", "a", "_apt", "www-data", "first.last", "MACHINE$", "user@example.com", "x1_2-3",
};
static const char *const bad_users[] = {
	"", "a,b", "x=y", "-oProxyCommand", "admin from 6.6.6.6", "root\n", "a\033[2Jb", "a b", "$", "a$b",
	"user,addr=1.2.3.4", "@host", "a\tb", "ünï", "a/b", "a:b", "a\\b", "a'b", "a;b",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};

START_TEST(test_user_valid)
{
	for (size_t i = 0; i < ELEMENTSOF(good_users); i++)
		ck_assert_msg(sshd_conn_user_valid(good_users[i]), "rejected '%s'", good_users[i]);
	for (size_t i = 0; i < ELEMENTSOF(bad_users); i++)
		ck_assert_msg(!sshd_conn_user_valid(bad_users[i]), "accepted '%s'", bad_users[i]);
	ck_assert(!sshd_conn_user_valid(NULL));
	/* 100 characters is the limit */
	ck_assert(sshd_conn_user_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}
END_TEST

START_TEST(test_host_and_addr_valid)
{
	static const char *const good_hosts[] = {
		"example.org", "ws-1.example.org", "localhost", "example.org.", "192.0.2.1", "2001:db8::1",
		"_srv.example.org", "a",
	};
	static const char *const bad_hosts[] = {
		"", "a,b", "x=y", "-oProxyCommand", "host name", "a..b", ".a", "-a.b", "a.-b", "a\nb",
		"a\033]0;x\007", "host,addr=6.6.6.6", "a/b", "[::1]",
	};

	for (size_t i = 0; i < ELEMENTSOF(good_hosts); i++)
		ck_assert_msg(sshd_conn_host_valid(good_hosts[i]), "rejected '%s'", good_hosts[i]);
	for (size_t i = 0; i < ELEMENTSOF(bad_hosts); i++)
		ck_assert_msg(!sshd_conn_host_valid(bad_hosts[i]), "accepted '%s'", bad_hosts[i]);
	ck_assert(sshd_conn_addr_valid("10.0.0.1"));
	ck_assert(sshd_conn_addr_valid("::ffff:10.0.0.1"));
	ck_assert(!sshd_conn_addr_valid("10.0.0.1,user=root"));
	ck_assert(!sshd_conn_addr_valid("10.0.0"));
	ck_assert(!sshd_conn_addr_valid("fe80::1%eth0"));
	ck_assert(!sshd_conn_addr_valid("example.org"));
	ck_assert(!sshd_conn_addr_valid(" 10.0.0.1"));
}
END_TEST

START_TEST(test_load_rejects_invalid_spec)
{
	struct sshd_config *c = NULL;
	struct sshd_conn_spec s1 = { .user = "a,addr=6.6.6.6" };
	struct sshd_conn_spec s2 = { .user = "alice", .host = "x,user=root" };
	struct sshd_conn_spec s3 = { .user = "alice", .addr = "6.6.6.6 " };
	struct sshd_conn_spec s4 = { .user = "alice", .lport = 70000 };

	ck_assert_int_eq(sshd_config_load(NO_SSHD, "/nonexistent", &s1, &c), -EINVAL);
	ck_assert_int_eq(sshd_config_load(NO_SSHD, "/nonexistent", &s2, &c), -EINVAL);
	ck_assert_int_eq(sshd_config_load(NO_SSHD, "/nonexistent", &s3, &c), -EINVAL);
	ck_assert_int_eq(sshd_config_load(NO_SSHD, "/nonexistent", &s4, &c), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_ptr_null(sshd_config_free(NULL));
	ck_assert_ptr_null(sshd_config_source_to_string(_SSHD_CONFIG_SOURCE_MAX));
}
END_TEST

/* ---- running sshd --------------------------------------------------------- */

static char *
write_script(const char *name, const char *body)
{
	char *path = NULL;
	FILE *f;

	ck_assert_int_ge(asprintf(&path, "%s/%s", tmpdir, name), 0);
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fputs(body, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0755), 0);
	return path;
}

/* A stand-in sshd: the version in usage(), and for -T its argv and how
 * many environment variables it got (dash adds PWD itself). */
static const char fake_sshd[] =
	"#!/bin/sh\n"
	"case \"$1\" in\n"
	"-T) printf 'port 22\\nauthorizedkeysfile .ssh/a .ssh/b\\nallowusers x\\nallowusers y\\n'\n"
	"    for a in \"$@\"; do printf 'arg %s\\n' \"$a\"; done\n"
	"    printf 'envcount %s\\n' \"$(env | grep -cv '^PWD=')\"\n"
	"    printf 'stdin %s\\n' \"$(cat | wc -c)\"\n"
	"    exit 0;;\n"
	"*) echo 'OpenSSH_9.6p1 Ubuntu-3ubuntu13.5, OpenSSL 3.0.13 30 Jan 2024' >&2; exit 1;;\n"
	"esac\n";

START_TEST(test_fake_sshd_argv_env_and_version)
{
	_cleanup_(freep) char *sshd = write_script("sshd", fake_sshd);
	_cleanup_(sshd_config_freep) struct sshd_config *c = load(sshd, "sshd-config/match.conf",
								   "alice", NULL, "192.0.2.1", 0);
	const char *v[16];
	size_t n;

	ck_assert_str_eq(c->version, "OpenSSH_9.6p1 Ubuntu-3ubuntu13.5");
	ck_assert(c->debian);
	ck_assert_str_eq(c->sshd_path, sshd);
	if (geteuid() != 0) {
		ck_assert_int_eq(c->source, SSHD_CONFIG_FILE);
		ck_assert_ptr_nonnull(strstr(c->why_fallback, "not root"));
		fprintf(stderr, "test-sshd-config: SKIP sshd -T argv checks (not root)\n");
		return;
	}
	ck_assert_int_eq(c->source, SSHD_CONFIG_SSHD_T);
	ck_assert_ptr_null(c->why_fallback);
	n = sshd_config_get_all(c, "arg", v, 16);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(v[0], "-T");
	ck_assert_str_eq(v[1], "-C");
	/* host defaults to the address (UseDNS no) */
	ck_assert_str_eq(v[2], "user=alice,host=192.0.2.1,addr=192.0.2.1");
	ck_assert_str_eq(v[3], "-f");
	ck_assert_str_eq(get(c, "envcount"), "0");
	ck_assert_str_eq(get(c, "stdin"), "0");
	/* one-line lists split */
	ck_assert_uint_eq(sshd_config_get_all(c, "authorizedkeysfile", v, 16), 2);
	ck_assert_str_eq(v[1], ".ssh/b");
	ck_assert_uint_eq(sshd_config_get_all(c, "allowusers", v, 16), 2);
}
END_TEST

START_TEST(test_failing_sshd_falls_back)
{
	_cleanup_(freep) char *sshd = write_script("sshd",
		"#!/bin/sh\n"
		"echo \"$1: fatal: \033[31mBad configuration option\" >&2\n"
		"exit 255\n");
	_cleanup_(sshd_config_freep) struct sshd_config *c = load(sshd, "sshd-config/match.conf",
								   "alice", NULL, NULL, 0);

	ck_assert_str_eq(c->version, "");
	ck_assert(!c->debian);
	ck_assert_int_eq(c->source, SSHD_CONFIG_FILE);
	ck_assert_str_eq(get(c, "passwordauthentication"), "no");
	if (geteuid() == 0) {
		ck_assert_ptr_nonnull(strstr(c->why_fallback, "exited with status 255: -T: fatal:"));
		/* the escape sequence from sshd's stderr does not get through raw */
		ck_assert_ptr_null(strchr(c->why_fallback, '\033'));
	}
}
END_TEST

START_TEST(test_missing_privsep_dir_explained)
{
	/* what sshd 9.2 says on a fresh machine (no /run/sshd) */
	_cleanup_(freep) char *sshd = write_script("sshd",
		"#!/bin/sh\n"
		"echo 'Missing privilege separation directory: /run/sshd' >&2\n"
		"exit 255\n");
	_cleanup_(sshd_config_freep) struct sshd_config *c = load(sshd, "sshd-config/match.conf",
								   "alice", NULL, NULL, 0);

	ck_assert_int_eq(c->source, SSHD_CONFIG_FILE);
	if (geteuid() != 0) {
		fprintf(stderr, "test-sshd-config: SKIP privsep message (not root: sshd -T not run)\n");
		return;
	}
	ck_assert_msg(strstr(c->why_fallback, "Missing privilege separation directory: /run/sshd (ssh.service "
			     "creates it when it starts; 'install -d -m 0755 /run/sshd' or 'systemctl start ssh', "
			     "then check again)"), "%s", c->why_fallback);
}
END_TEST

static bool
can_run_real_sshd(void)
{
	if (geteuid() != 0 || access(REAL_SSHD, X_OK) != 0 || access("/usr/bin/ssh-keygen", X_OK) != 0) {
		fprintf(stderr, "test-sshd-config: SKIP real sshd -T (%s)\n",
			geteuid() != 0 ? "not root" : "no " REAL_SSHD " or ssh-keygen");
		return false;
	}
	if (mkdir(PRIVSEP_DIR, 0755) == 0)
		made_privsep_dir = true;
	else
		ck_assert_msg(errno == EEXIST, "cannot create " PRIVSEP_DIR ": %s", strerror(errno));
	return true;
}

static void
make_host_key(void)
{
	char key[128];
	pid_t pid;
	int status;

	snprintf(key, sizeof key, "%s/hk", tmpdir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *const argv[] = { (char *)"ssh-keygen", (char *)"-q", (char *)"-t", (char *)"ed25519",
				       (char *)"-N", (char *)"", (char *)"-f", key, NULL };

		execv("/usr/bin/ssh-keygen", argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

START_TEST(test_real_sshd_t_match_user)
{
	_cleanup_(sshd_config_freep) struct sshd_config *a = NULL, *b = NULL;

	if (!can_run_real_sshd())
		return;
	make_host_key();
	a = load(REAL_SSHD, "sshd-config/match.conf", "alice", NULL, "203.0.113.9", 0);
	b = load(REAL_SSHD, "sshd-config/match.conf", "bob", NULL, "203.0.113.9", 0);
	ck_assert_msg(a->source == SSHD_CONFIG_SSHD_T, "fell back: %s", a->why_fallback);
	ck_assert_ptr_null(a->why_fallback);
	ck_assert(strneq(a->version, "OpenSSH_", 8));
	ck_assert_str_eq(get(a, "passwordauthentication"), "no");
	ck_assert_str_eq(get(b, "passwordauthentication"), "yes");
	ck_assert_str_eq(get(a, "allowusers"), "alice@10.0.0.0/8");
	/* the config has "Match LocalPort": sshd 9.2 needs lport, we retried */
	ck_assert_str_eq(get(a, "x11forwarding"), "no");
	for (size_t i = 0; i < a->n; i++)
		ck_assert(!a->entries[i].is_default);
}
END_TEST

/* Our reading of each fixture against sshd's own, for several connections:
 * every key the file sets (is_default false) must have the same values. */
START_TEST(test_real_sshd_t_agrees_with_file_reader)
{
	static const struct {
		const char *fixture, *user, *host, *addr;
		unsigned lport;
	} cases[] = {
		{ "sshd-config/first-wins.conf", "alice", NULL, "10.0.0.1", 0 },
		{ "sshd-config/match.conf", "alice", NULL, "10.0.0.1", 0 },
		{ "sshd-config/match.conf", "bob", NULL, "192.0.2.1", 0 },
		{ "sshd-config/match.conf", "bob", NULL, "192.0.2.7", 0 },
		{ "sshd-config/match.conf", "carol", "ws.example.org", "198.51.100.1", 2222 },
		{ "sshd-config/match.conf", "root", NULL, NULL, 0 },
		{ "sshd-config/match.conf", "nobody", NULL, NULL, 0 },
		{ "sshd-config/include.conf", "alice", NULL, NULL, 0 },
		{ "sshd-config/include.conf", "bob", NULL, NULL, 0 },
	};

	if (!can_run_real_sshd())
		return;
	make_host_key();
	for (size_t k = 0; k < ELEMENTSOF(cases); k++) {
		_cleanup_(sshd_config_freep) struct sshd_config *t = load(REAL_SSHD, cases[k].fixture,
			cases[k].user, cases[k].host, cases[k].addr, cases[k].lport);
		_cleanup_(sshd_config_freep) struct sshd_config *f = load(NO_SSHD, cases[k].fixture,
			cases[k].user, cases[k].host, cases[k].addr, cases[k].lport);

		ck_assert_msg(t->source == SSHD_CONFIG_SSHD_T, "%s: %s", cases[k].fixture, t->why_fallback);
		for (size_t i = 0; i < f->n; i++) {
			const char *key = f->entries[i].key, *tv[64], *fv[64];
			size_t tn, fn;

			if (f->entries[i].is_default)
				continue;
			tn = sshd_config_get_all(t, key, tv, 64);
			fn = sshd_config_get_all(f, key, fv, 64);
			ck_assert_msg(tn == fn, "%s %s: %s: sshd -T has %zu values, we have %zu", cases[k].fixture,
				      cases[k].user, key, tn, fn);
			for (size_t j = 0; j < fn && j < 64; j++)
				/* Debian's log.c names SYSLOG_LEVEL_QUIET "SILENT" */
				ck_assert_msg(streq(tv[j], fv[j]) || (streq(key, "loglevel") &&
					      streq(tv[j], "SILENT") && streq(fv[j], "QUIET")), "%s %s: %s: sshd -T '%s', we '%s'",
					      cases[k].fixture, cases[k].user, key, tv[j], fv[j]);
		}
	}
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("sshd-config");
	TCase *tc;

	tc = tcase_create("file");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_file_first_value_wins);
	tcase_add_test(tc, test_file_lists);
	tcase_add_test(tc, test_file_algorithms_assembled);
	tcase_add_test(tc, test_file_quotes_and_comments);
	tcase_add_test(tc, test_file_bad_quotes_noted);
	tcase_add_test(tc, test_file_match_user);
	tcase_add_test(tc, test_file_match_address_host_port);
	tcase_add_test(tc, test_file_match_group);
	tcase_add_test(tc, test_file_include);
	tcase_add_test(tc, test_file_hostile_bounds);
	tcase_add_test(tc, test_defaults_when_unreadable);
	suite_add_tcase(s, tc);

	tc = tcase_create("validation");
	tcase_add_test(tc, test_user_valid);
	tcase_add_test(tc, test_host_and_addr_valid);
	tcase_add_test(tc, test_load_rejects_invalid_spec);
	suite_add_tcase(s, tc);

	tc = tcase_create("sshd");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fake_sshd_argv_env_and_version);
	tcase_add_test(tc, test_failing_sshd_falls_back);
	tcase_add_test(tc, test_missing_privsep_dir_explained);
	tcase_add_test(tc, test_real_sshd_t_match_user);
	tcase_add_test(tc, test_real_sshd_t_agrees_with_file_reader);
	suite_add_tcase(s, tc);
	return s;
}
