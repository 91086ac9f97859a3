/* The Unix account behind a login, and the file system the way sshd sees
 * it: passwd, shadow, groups, shell (auth.c:allowed_user()), and every path
 * component of a file under StrictModes (misc.c:safe_path(), with Debian's
 * private-group patch when the sshd has it), shown like `namei -l`. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ACCOUNT_MAX_GROUPS 64

struct account {
	bool exists;
	char name[64];
	uid_t uid;
	gid_t gid;
	char home[256];
	char shell[256];        /* as in passwd; "" means /bin/sh to sshd */
	char groups[ACCOUNT_MAX_GROUPS][64];    /* primary first, then supplementary */
	size_t n_groups;
	bool groups_cut;
	/* shadow (only when readable: root) */
	bool shadow_read;
	bool locked;            /* password field starts with '!' (sshd: LOCKED_PASSWD_PREFIX) */
	bool no_password;       /* '*' or '!' alone, or empty: password logins cannot work */
	int64_t expire_day;     /* sp_expire, days since the epoch; -1 none */
	bool expired;           /* account expired today (sp_expire) */
	bool password_expired;  /* sp_lstchg + sp_max passed, or sp_lstchg == 0 (must change) */
};

/* Look the user up (getpwnam_r, getgrouplist, getspnam_r). Returns 1 found,
 * 0 no such user (ret->exists false), negative errno. today: days since the
 * epoch for the expiry checks (tests pass their own). */
int account_lookup(const char *user, int64_t today, struct account *ret);

/* tag: path-verdicts */
enum path_verdict {
	PATH_OK,
	PATH_OK_PRIVATE_GROUP,  /* group-writable, allowed by Debian's private-group exception */
	PATH_MISSING,
	PATH_NOT_DIRECTORY,     /* a parent that is not a directory */
	PATH_NOT_REGULAR,       /* the file itself is not a regular file */
	PATH_BAD_OWNER,         /* owned by neither root nor the user */
	PATH_GROUP_WRITABLE,
	PATH_WORLD_WRITABLE,
	PATH_UNREADABLE,        /* exists, but the user cannot open it (or search the directory) */
	PATH_STAT_FAILED,
	_PATH_VERDICT_MAX,
};
const char *path_verdict_to_string(enum path_verdict v);

struct path_step {
	char path[4096];
	bool exists;
	mode_t mode;            /* st_mode, type bits included */
	uid_t uid;
	gid_t gid;
	char owner[64], group[64];
	enum path_verdict verdict;
};

/* Walk file the way sshd's safe_path() does with StrictModes: the file
 * itself, then each parent up to the user's home (inclusive) or '/'. Every
 * step is reported (not only the first failure); the first failing one is
 * what sshd would name. Readability is judged as the user (run as root:
 * a child process drops to the user's uid, gid and groups and tries to open
 * it, so ACLs count; otherwise from the mode bits, marked in ret_exact).
 * steps[0..cap): file first. Returns the number of steps (may exceed cap),
 * negative errno. */
int path_check(const char *file, const struct account *a, bool debian_private_group,
	       struct path_step *steps, size_t cap, bool *ret_exact);

/* Format one step like `namei -l`: "drwxr-x--- alice alice /home/alice". */
void path_step_format(const struct path_step *s, char *out, size_t cap);
/* The same with its words ("(missing)") in the reader's language. */
void path_step_format_l10n(const struct path_step *s, char *out, size_t cap);
