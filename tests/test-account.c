/* account.c: passwd/shadow lookup and the StrictModes walk (misc.c
 * safe_path(), Debian's secure_permissions()) in a mkdtemp tree. As root
 * the tree belongs to a uid without a passwd entry (or, for Debian's
 * private-group case, to a real account found at run time) and
 * readability is tested by a child running as that uid; otherwise the
 * tree is ours and root-only cases are skipped visibly. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account-int.h"
#include "account.h"
#include "harness.h"
#include "util.h"

#define TEST_UID 54321          /* no passwd entry expected */
#define TEST_GID 54321
#define OTHER_UID 54322

static char home[64];
static struct account ta;

static bool
is_root(void)
{
	return geteuid() == 0;
}

static void
skip(const char *what)
{
	fprintf(stderr, "test-account: SKIP %s (not root)\n", what);
}

static void
mkpath(const char *rel, mode_t mode, bool dir)
{
	char p[256];

	snprintf(p, sizeof p, "%s/%s", home, rel);
	if (dir)
		ck_assert_int_eq(mkdir(p, mode), 0);
	else {
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, "x\n", 2), 2);
		close(fd);
	}
	ck_assert_int_eq(chmod(p, mode), 0);
	if (is_root())
		ck_assert_int_eq(chown(p, ta.uid, ta.gid), 0);
}

static void
set_owner(const char *rel, uid_t uid, gid_t gid, mode_t mode)
{
	char p[256];

	snprintf(p, sizeof p, "%s%s%s", home, *rel ? "/" : "", rel);
	ck_assert_int_eq(chown(p, uid, gid), 0);
	ck_assert_int_eq(chmod(p, mode), 0);
}

static char *
at(const char *rel)
{
	static char p[256];

	snprintf(p, sizeof p, "%s/%s", home, rel);
	return p;
}

/* The account the tree belongs to: TEST_UID as root, ourselves otherwise. */
static void
setup(void)
{
	snprintf(home, sizeof home, "/tmp/test-account-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(home));
	ta = (struct account) { .exists = false, .expire_day = -1 };
	ta.uid = is_root() ? TEST_UID : getuid();
	ta.gid = is_root() ? TEST_GID : getgid();
	snprintf(ta.home, sizeof ta.home, "%s", home);
	ck_assert_int_eq(chmod(home, 0755), 0);
	if (is_root())
		ck_assert_int_eq(chown(home, ta.uid, ta.gid), 0);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
teardown(void)
{
	ck_assert_int_eq(nftw(home, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* The standard tree: ~ 0755, ~/.ssh 0700, ~/.ssh/authorized_keys 0600. */
static void
make_tree(void)
{
	mkpath(".ssh", 0700, true);
	mkpath(".ssh/authorized_keys", 0600, false);
}

static int
check(const char *rel, bool debian, struct path_step *steps, size_t cap, bool *exact)
{
	int n = path_check(at(rel), &ta, debian, steps, cap, exact);

	ck_assert_int_ge(n, 0);
	return n;
}

/* ---- path_check ----------------------------------------------------------- */

START_TEST(test_path_check_ok)
{
	struct path_step s[8];
	bool exact = false;
	int n;

	make_tree();
	n = check(".ssh/authorized_keys", false, s, 8, &exact);
	/* file, ~/.ssh, ~ (the walk stops at the home directory) */
	ck_assert_int_eq(n, 3);
	ck_assert(exact);
	ck_assert_str_eq(s[0].path, at(".ssh/authorized_keys"));
	ck_assert_str_eq(s[1].path, at(".ssh"));
	ck_assert_str_eq(s[2].path, home);
	for (int i = 0; i < n; i++) {
		ck_assert_msg(s[i].verdict == PATH_OK, "%s: %s", s[i].path, path_verdict_to_string(s[i].verdict));
		ck_assert(s[i].exists);
		ck_assert_uint_eq(s[i].uid, ta.uid);
	}
	ck_assert(S_ISREG(s[0].mode));
	ck_assert(S_ISDIR(s[1].mode));
	/* count beyond cap */
	ck_assert_int_eq(path_check(at(".ssh/authorized_keys"), &ta, false, s, 1, NULL), 3);
}
END_TEST

START_TEST(test_path_check_group_writable_dir)
{
	struct path_step s[8];
	int n;

	make_tree();
	ck_assert_int_eq(chmod(at(".ssh"), 0770), 0);
	n = check(".ssh/authorized_keys", false, s, 8, NULL);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(s[0].verdict, PATH_OK);
	ck_assert_int_eq(s[1].verdict, PATH_GROUP_WRITABLE);
	ck_assert_int_eq(s[2].verdict, PATH_OK);
}
END_TEST

START_TEST(test_path_check_world_writable_file)
{
	struct path_step s[8];

	make_tree();
	ck_assert_int_eq(chmod(at(".ssh/authorized_keys"), 0646), 0);
	ck_assert_int_eq(check(".ssh/authorized_keys", true, s, 8, NULL), 3);
	ck_assert_int_eq(s[0].verdict, PATH_WORLD_WRITABLE);
	ck_assert_int_eq(s[1].verdict, PATH_OK);
}
END_TEST

START_TEST(test_path_check_owner)
{
	struct path_step s[8];

	if (!is_root()) {
		skip("wrong owner");
		return;
	}
	make_tree();
	/* another user's file: refused */
	set_owner(".ssh/authorized_keys", OTHER_UID, TEST_GID, 0644);
	ck_assert_int_eq(check(".ssh/authorized_keys", false, s, 8, NULL), 3);
	ck_assert_int_eq(s[0].verdict, PATH_BAD_OWNER);
	ck_assert_str_eq(s[0].owner, "54322");
	/* root's file, readable by the user: fine (platform_sys_dir_uid) */
	set_owner(".ssh/authorized_keys", 0, 0, 0644);
	ck_assert_int_eq(check(".ssh/authorized_keys", false, s, 8, NULL), 3);
	ck_assert_int_eq(s[0].verdict, PATH_OK);
	ck_assert_str_eq(s[0].owner, "root");
	/* a parent owned by someone else */
	set_owner(".ssh", OTHER_UID, TEST_GID, 0755);
	ck_assert_int_eq(check(".ssh/authorized_keys", false, s, 8, NULL), 3);
	ck_assert_int_eq(s[1].verdict, PATH_BAD_OWNER);
}
END_TEST

START_TEST(test_path_check_missing_ssh_dir)
{
	struct path_step s[8];
	char line[512];
	int n;

	n = check(".ssh/authorized_keys", false, s, 8, NULL);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(s[0].verdict, PATH_MISSING);
	ck_assert(!s[0].exists);
	ck_assert_str_eq(s[1].path, at(".ssh"));
	ck_assert_int_eq(s[1].verdict, PATH_MISSING);
	ck_assert_int_eq(s[2].verdict, PATH_OK);
	path_step_format(&s[1], line, sizeof line);
	ck_assert(strneq(line, "(missing) ", 10));
	/* deeper: only the file and the missing directory closest to "/" */
	n = check("a/b/c/file", false, s, 8, NULL);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(s[0].path, at("a/b/c/file"));
	ck_assert_str_eq(s[1].path, at("a"));
	ck_assert_int_eq(s[1].verdict, PATH_MISSING);
}
END_TEST

START_TEST(test_path_check_parent_not_directory)
{
	struct path_step s[8];

	mkpath(".ssh", 0600, false);
	ck_assert_int_eq(check(".ssh/authorized_keys", false, s, 8, NULL), 3);
	ck_assert_int_eq(s[0].verdict, PATH_MISSING);
	ck_assert_int_eq(s[1].verdict, PATH_NOT_DIRECTORY);
	ck_assert_int_eq(s[2].verdict, PATH_OK);
}
END_TEST

START_TEST(test_path_check_not_regular)
{
	struct path_step s[8];

	mkpath(".ssh", 0700, true);
	mkpath(".ssh/authorized_keys", 0700, true);
	ck_assert_int_eq(check(".ssh/authorized_keys", false, s, 8, NULL), 3);
	ck_assert_int_eq(s[0].verdict, PATH_NOT_REGULAR);
}
END_TEST

START_TEST(test_path_check_unreadable_as_user)
{
	struct path_step s[8];
	bool exact = false;

	make_tree();
	if (!is_root()) {
		/* another uid: judged from the mode bits */
		ta.uid = getuid() + 1;
		ta.gid = getgid() + 1;
		ck_assert_int_eq(check(".ssh/authorized_keys", false, s, 8, &exact), 3);
		ck_assert(!exact);
		ck_assert_int_eq(s[0].verdict, PATH_UNREADABLE);
		ck_assert_int_eq(s[1].verdict, PATH_UNREADABLE);       /* 0700, not ours */
		ck_assert_int_eq(s[2].verdict, PATH_BAD_OWNER);        /* ~ not theirs */
		skip("exact readability as another user");
		return;
	}
	/* root-owned 0600: root reads it, the user does not */
	set_owner(".ssh/authorized_keys", 0, 0, 0600);
	ck_assert_int_eq(check(".ssh/authorized_keys", false, s, 8, &exact), 3);
	ck_assert(exact);
	ck_assert_int_eq(s[0].verdict, PATH_UNREADABLE);
	ck_assert_int_eq(s[1].verdict, PATH_OK);
	/* group read through a supplementary group id is not there: 0640 root:root */
	set_owner(".ssh/authorized_keys", 0, 0, 0640);
	ck_assert_int_eq(check(".ssh/authorized_keys", false, s, 8, NULL), 3);
	ck_assert_int_eq(s[0].verdict, PATH_UNREADABLE);
	/* group read through the primary group works */
	set_owner(".ssh/authorized_keys", 0, TEST_GID, 0640);
	ck_assert_int_eq(check(".ssh/authorized_keys", false, s, 8, NULL), 3);
	ck_assert_int_eq(s[0].verdict, PATH_OK);
	/* home not searchable by the user: everything below is unreadable */
	set_owner("", 0, 0, 0700);
	ck_assert_int_eq(check(".ssh/authorized_keys", false, s, 8, NULL), 3);
	ck_assert_int_eq(s[0].verdict, PATH_UNREADABLE);
	ck_assert_int_eq(s[1].verdict, PATH_UNREADABLE);
	ck_assert_int_eq(s[2].verdict, PATH_UNREADABLE);
}
END_TEST

START_TEST(test_path_check_symlink_and_outside_home)
{
	struct path_step s[16];
	char target[256];
	int n;

	make_tree();
	mkpath("keys", 0755, true);
	mkpath("keys/real", 0644, false);
	ck_assert_int_eq(unlink(at(".ssh/authorized_keys")), 0);
	snprintf(target, sizeof target, "%s/keys/real", home);
	ck_assert_int_eq(symlink(target, at(".ssh/authorized_keys")), 0);
	/* safe_path() realpath()s the file: the walk is over the target */
	n = check(".ssh/authorized_keys", false, s, 16, NULL);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(s[0].path, target);
	ck_assert_str_eq(s[1].path, at("keys"));
	ck_assert_int_eq(s[0].verdict, PATH_OK);
	/* a file outside the home directory: up to "/" (/tmp is 1777) */
	ta.home[0] = '\0';
	n = check(".ssh/authorized_keys", false, s, 16, NULL);
	ck_assert_int_ge(n, 5);
	ck_assert_str_eq(s[n - 1].path, "/");
	ck_assert_str_eq(s[n - 2].path, "/tmp");
	ck_assert_int_eq(s[n - 2].verdict, PATH_WORLD_WRITABLE);
	ck_assert_int_eq(path_check("relative/path", &ta, false, s, 16, NULL), -EINVAL);
}
END_TEST

/* A real account whose primary group passes Debian's exception (every
 * passwd entry with that gid is this user, gr_mem empty or just them),
 * non-root preferred. */
static bool
find_private_group_user(struct passwd *ret, char *buf, size_t n)
{
	struct passwd *all = NULL;
	char **bufs = NULL;
	size_t count = 0;
	bool found = false;
	struct passwd pw, *res;
	char tmp[4096];

	setpwent();
	while (getpwent_r(&pw, tmp, sizeof tmp, &res) == 0 && res) {
		all = realloc(all, (count + 1) * sizeof *all);
		bufs = realloc(bufs, (count + 1) * sizeof *bufs);
		ck_assert(all && bufs);
		all[count] = pw;
		bufs[count] = strdup(pw.pw_name);
		all[count].pw_name = bufs[count];
		count++;
	}
	endpwent();
	for (int pass = 0; pass < 2 && !found; pass++)
		for (size_t i = 0; i < count && !found; i++) {
			struct group *gr;
			bool ok = (pass == 1) == (all[i].pw_uid == 0);

			for (size_t j = 0; j < count && ok; j++)
				if (all[j].pw_gid == all[i].pw_gid && all[j].pw_uid != all[i].pw_uid)
					ok = false;
			gr = ok ? getgrgid(all[i].pw_gid) : NULL;
			if (!gr || (gr->gr_mem[0] && (!streq(gr->gr_mem[0], all[i].pw_name) || gr->gr_mem[1])))
				continue;
			found = getpwnam_r(all[i].pw_name, ret, buf, n, &res) == 0 && res;
		}
	for (size_t i = 0; i < count; i++)
		free(bufs[i]);
	free(bufs);
	free(all);
	return found;
}

START_TEST(test_path_check_debian_private_group)
{
	struct path_step s[8];
	struct passwd pw;
	char buf[4096];
	struct group *shared;

	if (!is_root()) {
		skip("Debian private group (needs chown)");
		return;
	}
	if (!find_private_group_user(&pw, buf, sizeof buf)) {
		fprintf(stderr, "test-account: SKIP Debian private group (no account with a private group)\n");
		return;
	}
	ta.uid = pw.pw_uid;
	ta.gid = pw.pw_gid;
	make_tree();
	set_owner("", pw.pw_uid, pw.pw_gid, 0755);
	set_owner(".ssh", pw.pw_uid, pw.pw_gid, 0770);
	set_owner(".ssh/authorized_keys", pw.pw_uid, pw.pw_gid, 0660);
	/* on: allowed */
	ck_assert_int_eq(check(".ssh/authorized_keys", true, s, 8, NULL), 3);
	ck_assert_msg(s[0].verdict == PATH_OK_PRIVATE_GROUP, "%s for %s", path_verdict_to_string(s[0].verdict),
		      pw.pw_name);
	ck_assert_int_eq(s[1].verdict, PATH_OK_PRIVATE_GROUP);
	ck_assert_int_eq(s[2].verdict, PATH_OK);
	/* the patch's quirk: primary members are compared with the USER, so a
	 * root-owned directory writable by the user's private group passes */
	set_owner(".ssh", 0, pw.pw_gid, 0770);
	ck_assert_int_eq(check(".ssh/authorized_keys", true, s, 8, NULL), 3);
	ck_assert_int_eq(s[1].verdict, PATH_OK_PRIVATE_GROUP);
	set_owner(".ssh", pw.pw_uid, pw.pw_gid, 0770);
	/* off (upstream sshd): refused */
	ck_assert_int_eq(check(".ssh/authorized_keys", false, s, 8, NULL), 3);
	ck_assert_int_eq(s[0].verdict, PATH_GROUP_WRITABLE);
	ck_assert_int_eq(s[1].verdict, PATH_GROUP_WRITABLE);
	/* a group that is the primary group of several accounts: refused */
	shared = getgrnam("nogroup");
	if (shared && pw.pw_gid != shared->gr_gid) {
		set_owner(".ssh", pw.pw_uid, shared->gr_gid, 0770);
		ck_assert_int_eq(check(".ssh/authorized_keys", true, s, 8, NULL), 3);
		ck_assert_int_eq(s[1].verdict, PATH_GROUP_WRITABLE);
	}
	/* a group with no entry at all: refused */
	set_owner(".ssh", pw.pw_uid, TEST_GID, 0770);
	ck_assert_int_eq(check(".ssh/authorized_keys", true, s, 8, NULL), 3);
	ck_assert_int_eq(s[1].verdict, PATH_GROUP_WRITABLE);
}
END_TEST

START_TEST(test_path_step_format)
{
	struct path_step s = { .exists = true, .mode = S_IFDIR | 0755, .verdict = PATH_OK };
	char out[256];

	snprintf(s.path, sizeof s.path, "/home");
	snprintf(s.owner, sizeof s.owner, "root");
	snprintf(s.group, sizeof s.group, "root");
	path_step_format(&s, out, sizeof out);
	ck_assert_str_eq(out, "drwxr-xr-x root root /home");
	s.mode = S_IFDIR | 01777;
	snprintf(s.path, sizeof s.path, "/tmp");
	path_step_format(&s, out, sizeof out);
	ck_assert_str_eq(out, "drwxrwxrwt root root /tmp");
	s.mode = S_IFREG | 04750;
	snprintf(s.owner, sizeof s.owner, "alice");
	snprintf(s.path, sizeof s.path, "/x");
	path_step_format(&s, out, sizeof out);
	ck_assert_str_eq(out, "-rwsr-x--- alice root /x");
	s.exists = false;
	s.verdict = PATH_MISSING;
	path_step_format(&s, out, sizeof out);
	ck_assert_str_eq(out, "(missing) /x");
	path_step_format(&s, out, 4);
	ck_assert_str_eq(out, "(mi");
	ck_assert_str_eq(path_verdict_to_string(PATH_OK_PRIVATE_GROUP), "ok-private-group");
	ck_assert_ptr_null(path_verdict_to_string(_PATH_VERDICT_MAX));
}
END_TEST

/* ---- account_lookup ------------------------------------------------------- */

START_TEST(test_account_lookup_root)
{
	struct account a;

	ck_assert_int_eq(account_lookup("root", 20000, &a), 1);
	ck_assert(a.exists);
	ck_assert_str_eq(a.name, "root");
	ck_assert_uint_eq(a.uid, 0);
	ck_assert_uint_eq(a.gid, 0);
	ck_assert_str_eq(a.home, "/root");
	ck_assert_uint_ge(a.n_groups, 1);
	ck_assert_str_eq(a.groups[0], "root");
	ck_assert(!a.groups_cut);
	ck_assert_int_eq(a.shadow_read, is_root());
	if (!is_root())
		skip("shadow fields of root");
}
END_TEST

START_TEST(test_account_lookup_nobody)
{
	struct account a;

	ck_assert_int_eq(account_lookup("nobody", 20000, &a), 1);
	ck_assert_uint_eq(a.uid, 65534);
	ck_assert_str_eq(a.shell, "/usr/sbin/nologin");
	ck_assert_str_eq(a.groups[0], "nogroup");
	if (is_root()) {
		/* Debian: "*" in shadow: no password, but not locked for sshd */
		ck_assert(a.shadow_read);
		ck_assert(a.no_password);
		ck_assert(!a.locked);
	}
}
END_TEST

START_TEST(test_account_lookup_missing)
{
	struct account a;

	ck_assert_int_eq(account_lookup("sshwhy-no-such-user", 20000, &a), 0);
	ck_assert(!a.exists);
	ck_assert_str_eq(a.name, "sshwhy-no-such-user");
	ck_assert_int_eq(account_lookup("", 20000, &a), -EINVAL);
	ck_assert_int_eq(account_lookup(NULL, 20000, &a), -EINVAL);
	ck_assert_int_eq(account_lookup("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					20000, &a), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_shadow_rules)
{
	struct account a = { 0 };

	/* passwd(1) -l: '!' prefix: locked for sshd (UsePAM no) */
	account_shadow_apply(&a, "!$y$j9T$abc", true, 19000, 99999, -1, 20000);
	ck_assert(a.locked && a.no_password && !a.expired && !a.password_expired);
	ck_assert_int_eq(a.expire_day, -1);
	/* '*': no password, NOT locked on Linux (no LOCKED_PASSWD_STRING) */
	account_shadow_apply(&a, "*", true, 19000, -1, -1, 20000);
	ck_assert(!a.locked && a.no_password);
	account_shadow_apply(&a, "$6$salt$hash", true, 19000, -1, -1, 20000);
	ck_assert(!a.locked && !a.no_password);
	account_shadow_apply(&a, "", true, 19000, -1, -1, 20000);
	ck_assert(!a.locked && a.no_password);
	/* sp_expire: expires the day after (auth_shadow_acctexpired) */
	account_shadow_apply(&a, "$6$x", true, 19000, -1, 20000, 20000);
	ck_assert(!a.expired);
	ck_assert_int_eq(a.expire_day, 20000);
	account_shadow_apply(&a, "$6$x", true, 19000, -1, 20000, 20001);
	ck_assert(a.expired);
	account_shadow_apply(&a, "$6$x", true, 19000, -1, 0, 20001);
	ck_assert(a.expired);
	/* auth_shadow_pwexpired(): lstchg 0 forces a change; lstchg + max */
	account_shadow_apply(&a, "$6$x", true, 0, -1, -1, 20000);
	ck_assert(a.password_expired);
	account_shadow_apply(&a, "$6$x", true, 19990, 10, -1, 20000);
	ck_assert(!a.password_expired);
	account_shadow_apply(&a, "$6$x", true, 19990, 10, -1, 20001);
	ck_assert(a.password_expired);
	account_shadow_apply(&a, "$6$x", true, 10, -1, -1, 20001);
	ck_assert(!a.password_expired);
	/* no shadow entry: the passwd field only */
	account_shadow_apply(&a, "!", false, 0, 0, 0, 20000);
	ck_assert(a.locked && !a.expired && !a.password_expired);
}
END_TEST

Suite *
make_suite(void)
{
	Suite *s = suite_create("account");
	TCase *tc;

	tc = tcase_create("path_check");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_path_check_ok);
	tcase_add_test(tc, test_path_check_group_writable_dir);
	tcase_add_test(tc, test_path_check_world_writable_file);
	tcase_add_test(tc, test_path_check_owner);
	tcase_add_test(tc, test_path_check_missing_ssh_dir);
	tcase_add_test(tc, test_path_check_parent_not_directory);
	tcase_add_test(tc, test_path_check_not_regular);
	tcase_add_test(tc, test_path_check_unreadable_as_user);
	tcase_add_test(tc, test_path_check_symlink_and_outside_home);
	tcase_add_test(tc, test_path_check_debian_private_group);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, test_path_step_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("account_lookup");
	tcase_add_test(tc, test_account_lookup_root);
	tcase_add_test(tc, test_account_lookup_nobody);
	tcase_add_test(tc, test_account_lookup_missing);
	tcase_add_test(tc, test_shadow_rules);
	suite_add_tcase(s, tc);
	return s;
}
