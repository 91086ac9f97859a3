/* account.c: the Unix account behind a login and the file system as sshd
 * sees it for that account. account_lookup() reads passwd, the group list
 * and (as root) shadow; path_check() walks a file the way misc.c safe_path()
 * does under StrictModes, with Debian's user-group-modes.patch
 * secure_permissions() when asked, and judges readability as the user (a
 * child that drops to the user's ids when we are root). Never changes
 * anything on the system. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <shadow.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "account-int.h"
#include "account.h"
#include "i18n.h"
#include "util.h"
#include "banned.h"

#define NSS_BUF_MIN 16384
#define NSS_BUF_MAX (1024 * 1024)
#define GROUPS_MAX 65536

static const char *const verdict_names[_PATH_VERDICT_MAX] = {
	[PATH_OK] = "ok",
	[PATH_OK_PRIVATE_GROUP] = "ok-private-group",
	[PATH_MISSING] = "missing",
	[PATH_NOT_DIRECTORY] = "not-directory",
	[PATH_NOT_REGULAR] = "not-regular",
	[PATH_BAD_OWNER] = "bad-owner",
	[PATH_GROUP_WRITABLE] = "group-writable",
	[PATH_WORLD_WRITABLE] = "world-writable",
	[PATH_UNREADABLE] = "unreadable",
	[PATH_STAT_FAILED] = "stat-failed",
};

const char *
path_verdict_to_string(enum path_verdict v)
{
	if ((unsigned)v >= _PATH_VERDICT_MAX)
		return NULL;
	return verdict_names[v];
}

/* ---- NSS helpers ---------------------------------------------------------- */

/* getpwnam_r (name) or getpwuid_r (name NULL) with a growing buffer.
 * Returns 1 found (*buf owned by the caller), 0 none, negative errno. */
static int
pw_get(const char *name, uid_t uid, struct passwd *pw, char **buf)
{
	size_t sz = NSS_BUF_MIN;

	for (;;) {
		struct passwd *res = NULL;
		char *b = realloc(*buf, sz);
		int r;

		if (!b)
			return -ENOMEM;
		*buf = b;
		r = name ? getpwnam_r(name, pw, b, sz, &res) : getpwuid_r(uid, pw, b, sz, &res);
		if (r == ERANGE && sz < NSS_BUF_MAX) {
			sz *= 2;
			continue;
		}
		if (r == 0)
			return res ? 1 : 0;
		/* glibc: "not found" may come back as ENOENT/ESRCH/EBADF/EPERM */
		if (r == ENOENT || r == ESRCH || r == EBADF || r == EPERM)
			return 0;
		return -r;
	}
}

static int
gr_get(gid_t gid, struct group *gr, char **buf)
{
	size_t sz = NSS_BUF_MIN;

	for (;;) {
		struct group *res = NULL;
		char *b = realloc(*buf, sz);
		int r;

		if (!b)
			return -ENOMEM;
		*buf = b;
		r = getgrgid_r(gid, gr, b, sz, &res);
		if (r == ERANGE && sz < NSS_BUF_MAX) {
			sz *= 2;
			continue;
		}
		if (r == 0)
			return res ? 1 : 0;
		if (r == ENOENT || r == ESRCH || r == EBADF || r == EPERM)
			return 0;
		return -r;
	}
}

/* The user's group ids (getgrouplist: primary first), malloc'ed. */
static int
group_ids(const char *name, gid_t gid, gid_t **ret, size_t *ret_n)
{
	int n = 32;
	gid_t *g = NULL;

	for (;;) {
		int got = n;
		gid_t *ng = realloc(g, (size_t)n * sizeof *g);

		if (!ng) {
			free(g);
			return -ENOMEM;
		}
		g = ng;
		if (getgrouplist(name, gid, g, &got) >= 0) {
			n = got;
			break;
		}
		if (got <= n || got > GROUPS_MAX) {
			free(g);
			return -E2BIG;
		}
		n = got;
	}
	*ret = g;
	*ret_n = (size_t)n;
	return 0;
}

static void
uid_name(uid_t uid, char *out, size_t cap)
{
	_cleanup_(freep) char *buf = NULL;
	struct passwd pw;

	if (pw_get(NULL, uid, &pw, &buf) > 0)
		strlcpy_n(out, cap, pw.pw_name, strlen(pw.pw_name));
	else
		snprintf(out, cap, "%lu", (unsigned long)uid);
}

static void
gid_name(gid_t gid, char *out, size_t cap)
{
	_cleanup_(freep) char *buf = NULL;
	struct group gr;

	if (gr_get(gid, &gr, &buf) > 0)
		strlcpy_n(out, cap, gr.gr_name, strlen(gr.gr_name));
	else
		snprintf(out, cap, "%lu", (unsigned long)gid);
}

/* ---- account_lookup ------------------------------------------------------- */

/* Shadow fields the way sshd reads them when UsePAM is no:
 *  - platform.c platform_locked_account(): the shadow password (the passwd
 *    one without a shadow entry) starting with LOCKED_PASSWD_PREFIX "!"
 *    (configure.ac, Linux) is locked; "*" is NOT locked on Linux (no
 *    LOCKED_PASSWD_STRING there), so a "*" account can still use keys. An
 *    expired account (auth-shadow.c auth_shadow_acctexpired(): today >
 *    sp_expire, the expiry "occurs the day after") is also reported by
 *    sshd as "account is locked".
 *  - auth-shadow.c auth_shadow_pwexpired(): sp_lstchg == 0 (root forced a
 *    change), else with sp_max != -1, sp_lstchg + sp_max < today. It only
 *    forces a password change after password authentication; key logins
 *    are not refused by it.
 * With UsePAM yes (Debian's default) none of this is sshd's: pam_unix's
 * account stage refuses expired accounts for every method, and a '!'
 * password does not stop key logins. */
void
account_shadow_apply(struct account *a, const char *passwd, bool have_shadow, long lstchg, long max,
		     long expire, int64_t today)
{
	a->shadow_read = true;
	a->locked = passwd[0] == '!';
	/* no crypt hash starts with '!' or '*' */
	a->no_password = passwd[0] == '\0' || passwd[0] == '!' || passwd[0] == '*';
	a->expire_day = -1;
	a->expired = a->password_expired = false;
	if (!have_shadow)
		return;
	a->expire_day = expire;
	a->expired = expire != -1 && (int64_t)expire - today < 0;
	if (lstchg == 0)
		a->password_expired = true;
	else if (max != -1)
		a->password_expired = (int64_t)lstchg + max - today < 0;
}

static int
lookup_shadow(struct account *a, const char *pw_passwd, int64_t today)
{
	_cleanup_(freep) char *buf = NULL;
	size_t sz = NSS_BUF_MIN;

	if (geteuid() != 0)
		return 0;
	for (;;) {
		struct spwd sp, *res = NULL;
		char *b = realloc(buf, sz);
		int r;

		if (!b)
			return -ENOMEM;
		buf = b;
		r = getspnam_r(a->name, &sp, b, sz, &res);
		if (r == ERANGE && sz < NSS_BUF_MAX) {
			sz *= 2;
			continue;
		}
		if (r == 0 && res)
			account_shadow_apply(a, sp.sp_pwdp ? sp.sp_pwdp : "", true, sp.sp_lstchg, sp.sp_max,
					     sp.sp_expire, today);
		else if (r == 0 || r == ENOENT)
			/* no shadow entry: sshd uses the passwd field */
			account_shadow_apply(a, pw_passwd ? pw_passwd : "", false, -1, -1, -1, today);
		return 0;
	}
}

int
account_lookup(const char *user, int64_t today, struct account *ret)
{
	_cleanup_(freep) char *pwbuf = NULL, *grbuf = NULL;
	_cleanup_(freep) gid_t *gids = NULL;
	struct account a = { .expire_day = -1 };
	struct passwd pw;
	size_t ngids = 0;
	int r;

	if (!user || !*user)
		return -EINVAL;
	if (strlen(user) >= sizeof a.name)
		return -ENAMETOOLONG;
	strlcpy_n(a.name, sizeof a.name, user, strlen(user));

	r = pw_get(user, 0, &pw, &pwbuf);
	if (r < 0)
		return r;
	if (r == 0) {
		*ret = a;
		return 0;
	}
	if (strlen(pw.pw_dir) >= sizeof a.home || strlen(pw.pw_shell) >= sizeof a.shell)
		return -ENAMETOOLONG;
	a.exists = true;
	a.uid = pw.pw_uid;
	a.gid = pw.pw_gid;
	strlcpy_n(a.home, sizeof a.home, pw.pw_dir, strlen(pw.pw_dir));
	strlcpy_n(a.shell, sizeof a.shell, pw.pw_shell, strlen(pw.pw_shell));

	/* groupaccess.c ga_init(): getgrouplist(), the primary group first */
	r = group_ids(pw.pw_name, pw.pw_gid, &gids, &ngids);
	if (r < 0)
		return r;
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ngids; i++) {
			struct group gr;
			char *slot;

			/* pass 0: the primary group; pass 1: the others */
			if ((pass == 0) != (gids[i] == pw.pw_gid))
				continue;
			if (pass == 0 && a.n_groups > 0)
				continue;
			if (a.n_groups >= ACCOUNT_MAX_GROUPS) {
				a.groups_cut = true;
				continue;
			}
			slot = a.groups[a.n_groups++];
			r = gr_get(gids[i], &gr, &grbuf);
			if (r < 0)
				return r;
			if (r > 0)
				strlcpy_n(slot, sizeof a.groups[0], gr.gr_name, strlen(gr.gr_name));
			else
				snprintf(slot, sizeof a.groups[0], "%lu", (unsigned long)gids[i]);
		}

	r = lookup_shadow(&a, pw.pw_passwd, today);
	if (r < 0)
		return r;
	*ret = a;
	return 1;
}

/* ---- StrictModes ---------------------------------------------------------- */

/* Debian user-group-modes.patch, misc.c secure_permissions(), the
 * group-writable part: allowed when the group exists, every passwd entry
 * whose primary group it is has the USER's uid, the FILE OWNER has a passwd
 * entry, gr_mem is empty or exactly the file owner's name, and at least one
 * member was counted. (Primary members are compared with the user, listed
 * members with the owner: a root-owned, group-writable directory whose
 * group is the user's private group passes.) The patch's early returns
 * skip endpwent(), so sshd's next enumeration resumes mid-database; we
 * always rewind. Not thread-safe: getpwent_r shares one enumeration. */
static bool
private_group_ok(const struct stat *st, uid_t uid)
{
	_cleanup_(freep) char *grbuf = NULL, *ownbuf = NULL;
	char pwbuf[NSS_BUF_MIN];
	struct group gr;
	struct passwd pw, *res, owner;
	unsigned members = 0;
	bool ok = true;

	if (gr_get(st->st_gid, &gr, &grbuf) <= 0)
		return false;
	setpwent();
	for (;;) {
		int r = getpwent_r(&pw, pwbuf, sizeof pwbuf, &res);

		if (r == ENOENT || (r == 0 && !res))
			break;
		if (r != 0) {
			/* an entry we cannot read might be a member: refuse */
			ok = false;
			break;
		}
		if (pw.pw_gid == gr.gr_gid) {
			members++;
			if (pw.pw_uid != uid) {
				ok = false;
				break;
			}
		}
	}
	endpwent();
	if (!ok)
		return false;
	if (pw_get(NULL, st->st_uid, &owner, &ownbuf) <= 0)
		return false;
	if (gr.gr_mem && gr.gr_mem[0]) {
		members++;
		if (!streq(owner.pw_name, gr.gr_mem[0]) || gr.gr_mem[1])
			return false;
	}
	return members > 0;
}

/* misc.c safe_path() / secure_permissions(): owner root
 * (platform_sys_dir_uid()) or the user, not world-writable, not
 * group-writable unless Debian's exception applies. */
static enum path_verdict
modes_verdict(const struct stat *st, uid_t uid, bool debian)
{
	if (st->st_uid != 0 && st->st_uid != uid)
		return PATH_BAD_OWNER;
	if (st->st_mode & S_IWOTH)
		return PATH_WORLD_WRITABLE;
	if (st->st_mode & S_IWGRP) {
		if (debian && private_group_ok(st, uid))
			return PATH_OK_PRIVATE_GROUP;
		return PATH_GROUP_WRITABLE;
	}
	return PATH_OK;
}

/* One path to check. */
struct walk_step {
	char path[PATH_MAX];
	bool is_file;           /* step 0 */
	int stat_errno;         /* 0: st valid */
	struct stat st;
	int access_errno;       /* as the user: open (file) / search (dir); -1 not tested */
};

/* Readable / searchable as a, from the mode bits (no ACLs). */
static bool
mode_allows(const struct stat *st, const struct account *a, const gid_t *gids, size_t n, mode_t want)
{
	mode_t bits;

	if (a->uid == 0)
		/* root: reads anything; searches a directory with any x bit */
		return want != S_IXOTH || (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH));
	if (st->st_uid == a->uid)
		bits = (st->st_mode >> 6) & 7;
	else {
		bool in_group = st->st_gid == a->gid;

		for (size_t i = 0; i < n && !in_group; i++)
			in_group = gids[i] == st->st_gid;
		bits = in_group ? (st->st_mode >> 3) & 7 : st->st_mode & 7;
	}
	return bits & want;
}

/* The access test itself: open the regular file read-only and
 * non-blocking, as sshd's auth_openfile() does, or search the directory. */
static int
try_access(const struct walk_step *s)
{
	if (s->is_file) {
		int fd = open(s->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	}
	return access(s->path, X_OK) == 0 ? 0 : errno;
}

/* Runs try_access() on every step that exists (directories, and the file
 * when it is a regular file) in a child that became the user: setgroups,
 * setgid, setuid, like sshd's temporarily_use_uid(). One result byte per
 * step comes back through a pipe. Returns 0, negative errno. */
static int
access_as_user(struct walk_step *steps, size_t n, const struct account *a, const gid_t *gids, size_t ngids)
{
	_cleanup_(closep) int rfd = -1;
	unsigned char res[512];
	int p[2], status;
	size_t got = 0;
	pid_t pid;

	if (n > sizeof res)
		n = sizeof res;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(p[0]);
		close(p[1]);
		return r;
	}
	if (pid == 0) {
		/* Child: async-signal-safe calls only. */
		close(p[0]);
		if (setgroups(ngids, gids) < 0 || setgid(a->gid) < 0 || setuid(a->uid) < 0)
			_exit(2);
		/* paranoia: the drop must be irreversible */
		if (getuid() != a->uid || geteuid() != a->uid || (a->uid != 0 && setuid(0) == 0))
			_exit(3);
		for (size_t i = 0; i < n; i++) {
			int e = 0;

			if (steps[i].stat_errno == 0 && (!steps[i].is_file || S_ISREG(steps[i].st.st_mode)))
				e = try_access(&steps[i]);
			else
				e = 255;        /* not tested */
			res[i] = (unsigned char)(e > 254 ? 254 : e);
		}
		for (size_t off = 0; off < n;) {
			ssize_t w = write(p[1], res + off, n - off);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				_exit(4);
			}
			off += (size_t)w;
		}
		_exit(0);
	}
	close(p[1]);
	rfd = p[0];
	while (got < n) {
		ssize_t k = read(rfd, res + got, n - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != n)
		return -EPROTO;
	for (size_t i = 0; i < n; i++)
		steps[i].access_errno = res[i] == 255 ? -1 : res[i];
	return 0;
}

/* The path with the file's existing ancestor canonicalised (realpath, as
 * safe_path() does) and the missing rest appended as written. */
static int
canonical_path(const char *file, char *out, size_t cap)
{
	char prefix[PATH_MAX], real[PATH_MAX];
	size_t cut;

	if (realpath(file, real)) {
		if (strlen(real) >= cap)
			return -ENAMETOOLONG;
		strlcpy_n(out, cap, real, strlen(real));
		return 0;
	}
	if (strlen(file) >= sizeof prefix)
		return -ENAMETOOLONG;
	strlcpy_n(prefix, sizeof prefix, file, strlen(file));
	/* drop trailing components until the rest resolves */
	for (;;) {
		char *slash;

		while ((cut = strlen(prefix)) > 1 && prefix[cut - 1] == '/')
			prefix[cut - 1] = '\0';
		slash = strrchr(prefix, '/');
		if (!slash)
			return -EINVAL;
		if (slash == prefix) {
			prefix[1] = '\0';
			if (!realpath(prefix, real))
				return -errno;
			break;
		}
		*slash = '\0';
		if (realpath(prefix, real))
			break;
	}
	cut = strlen(prefix);
	if (snprintf(out, cap, "%s%s%s", real, streq(real, "/") ? "" : "/",
		     file + cut + (file[cut] == '/')) >= (int)cap)
		return -ENAMETOOLONG;
	return 0;
}

static bool
missing_errno(int e)
{
	return e == ENOENT || e == ENOTDIR;
}

static int
walk_collect(const char *canon, const char *home, struct walk_step **ret, size_t *ret_n)
{
	struct walk_step *steps = NULL;
	char cur[PATH_MAX];
	size_t n = 0, cap = 0;

	strlcpy_n(cur, sizeof cur, canon, strlen(canon));
	for (;;) {
		struct walk_step *s;
		char *slash;

		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct walk_step *ns = realloc(steps, ncap * sizeof *ns);

			if (!ns) {
				free(steps);
				return -ENOMEM;
			}
			steps = ns;
			cap = ncap;
		}
		s = &steps[n];
		*s = (struct walk_step) { .is_file = n == 0, .access_errno = -1 };
		strlcpy_n(s->path, sizeof s->path, cur, strlen(cur));
		if (stat(cur, &s->st) < 0)
			s->stat_errno = errno;
		n++;
		/* safe_path(): stop after the home directory, or at "/" */
		if (n > 1 && home && streq(cur, home))
			break;
		if (streq(cur, "/"))
			break;
		slash = strrchr(cur, '/');
		if (!slash)
			break;
		if (slash == cur)
			cur[1] = '\0';
		else
			*slash = '\0';
	}
	*ret = steps;
	*ret_n = n;
	return 0;
}

static void
fill_step(struct path_step *out, const struct walk_step *w, enum path_verdict v)
{
	*out = (struct path_step) { .exists = w->stat_errno == 0, .verdict = v };
	strlcpy_n(out->path, sizeof out->path, w->path, strlen(w->path));
	if (w->stat_errno == 0) {
		out->mode = w->st.st_mode;
		out->uid = w->st.st_uid;
		out->gid = w->st.st_gid;
		uid_name(w->st.st_uid, out->owner, sizeof out->owner);
		gid_name(w->st.st_gid, out->group, sizeof out->group);
	}
}

int
path_check(const char *file, const struct account *a, bool debian_private_group,
	   struct path_step *steps, size_t cap, bool *ret_exact)
{
	_cleanup_(freep) struct walk_step *walk = NULL;
	_cleanup_(freep) gid_t *gids = NULL;
	char canon[PATH_MAX], home[PATH_MAX];
	bool have_home = false, exact = true;
	size_t n = 0, ngids = 0, out = 0;
	ssize_t top_missing = -1;
	int r;

	if (!file || file[0] != '/' || !a)
		return -EINVAL;
	if (strlen(file) >= PATH_MAX)
		return -ENAMETOOLONG;
	r = canonical_path(file, canon, sizeof canon);
	if (r < 0)
		return r;
	/* safe_path(): the walk stops at realpath(pw_dir) when it resolves */
	if (a->home[0] && realpath(a->home, home))
		have_home = true;

	r = walk_collect(canon, have_home ? home : NULL, &walk, &n);
	if (r < 0)
		return r;

	if (a->exists && a->name[0]) {
		r = group_ids(a->name, a->gid, &gids, &ngids);
		if (r == -ENOMEM)
			return r;
	}
	if (!gids) {
		gids = malloc(sizeof *gids);
		if (!gids)
			return -ENOMEM;
		gids[0] = a->gid;
		ngids = 1;
	}

	/* readability, as the user */
	if (geteuid() == 0)
		exact = access_as_user(walk, n, a, gids, ngids) == 0;
	else if (geteuid() == a->uid) {
		/* we are the user already (supplementary groups as this process has them) */
		for (size_t i = 0; i < n; i++)
			if (walk[i].stat_errno == 0 && (!walk[i].is_file || S_ISREG(walk[i].st.st_mode)))
				walk[i].access_errno = try_access(&walk[i]);
	} else
		exact = false;
	if (!exact)
		for (size_t i = 0; i < n; i++) {
			mode_t want = walk[i].is_file ? S_IROTH : S_IXOTH;

			if (walk[i].stat_errno == 0)
				walk[i].access_errno = mode_allows(&walk[i].st, a, gids, ngids, want) ? 0 : EACCES;
		}

	/* The missing directory closest to "/" is the one to create; the
	 * missing ones below it are left out. */
	for (size_t i = 1; i < n; i++)
		if (missing_errno(walk[i].stat_errno))
			top_missing = (ssize_t)i;

	for (size_t i = 0; i < n; i++) {
		const struct walk_step *w = &walk[i];
		enum path_verdict v;

		if (i > 0 && missing_errno(w->stat_errno) && (ssize_t)i != top_missing)
			continue;
		if (w->stat_errno)
			v = missing_errno(w->stat_errno) ? PATH_MISSING : PATH_STAT_FAILED;
		else if (w->is_file) {
			/* auth_openfile(): open as the user, then S_ISREG, then
			 * safe_path_fd() */
			if (S_ISREG(w->st.st_mode) && w->access_errno > 0)
				v = PATH_UNREADABLE;
			else if (!S_ISREG(w->st.st_mode))
				v = PATH_NOT_REGULAR;
			else
				v = modes_verdict(&w->st, a->uid, debian_private_group);
		} else if (!S_ISDIR(w->st.st_mode))
			v = PATH_NOT_DIRECTORY;
		else if (w->access_errno > 0)
			v = PATH_UNREADABLE;
		else
			v = modes_verdict(&w->st, a->uid, debian_private_group);
		if (out < cap)
			fill_step(&steps[out], w, v);
		out++;
	}
	if (ret_exact)
		*ret_exact = exact;
	return (int)MIN(out, (size_t)INT_MAX);
}

static void
mode_string(mode_t m, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	out[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' :
		 S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : S_ISREG(m) ? '-' : '?';
	for (int i = 0; i < 9; i++)
		out[1 + i] = (m & (1u << (8 - i))) ? rwx[i] : '-';
	if (m & S_ISUID)
		out[3] = (m & S_IXUSR) ? 's' : 'S';
	if (m & S_ISGID)
		out[6] = (m & S_IXGRP) ? 's' : 'S';
	if (m & S_ISVTX)
		out[9] = (m & S_IXOTH) ? 't' : 'T';
	out[10] = '\0';
}

static void
step_format(const struct path_step *s, char *out, size_t cap, bool l10n)
{
	const char *word = s->verdict == PATH_MISSING ? N_("(missing)") : N_("(cannot stat)");
	char mode[11];

	if (!cap)
		return;
	if (!s->exists) {
		snprintf(out, cap, "%s %s", l10n ? _(word) : word, s->path);
		return;
	}
	mode_string(s->mode, mode);
	snprintf(out, cap, "%s %s %s %s", mode, s->owner, s->group, s->path);
}

void
path_step_format(const struct path_step *s, char *out, size_t cap)
{
	step_format(s, out, cap, /* l10n= */ false);
}

void
path_step_format_l10n(const struct path_step *s, char *out, size_t cap)
{
	step_format(s, out, cap, /* l10n= */ true);
}
