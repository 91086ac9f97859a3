"""Scenarios of test_check.py: server-side states that block (or allow) a
public-key login, each built for real on this machine.

Everything a scenario creates is a throwaway: users and groups named
sshwhy-ck-* (GECOS lab.USER_GECOS), files in their homes, and files in
Ctx.rundir (/run/sshwhy-ck-PID, root 0755, removed by the lab on exit). root
is only a login name in a config: its home and files are never touched (its
key lives in Ctx.rundir, which the root sshd's AuthorizedKeysFile names).

A scenario says what the REAL login must do (`real`: login, refused or
session-refused; a mismatch is a bug in the test setup), which server log line
proves the state is what blocks it (`confirm`, a regex over sshd's DEBUG2
lines), and what `sshwhy check` must report (`cause` with one of `statuses`;
cause None = a clean bill: exit 0, not blocked, no problem item).
"""
import grp
import os
import pwd
import shutil
import subprocess

import lab

P = "sshwhy-ck-"                 # prefix of every user and group this test makes
GROUP_ALLOW = P + "grp"          # AllowGroups / DenyGroups target (member: P+"grpm")
GROUP_SHARED = P + "shared"      # 04h: group of the home directory, with other members
NOBODY = "nobody"                # owner for "wrong owner" states (a file we made, chown'ed)
ESCAPES = "\x1b[31mred\x1b[0m\x07\rx"   # terminal escapes planted in authorized_keys text

# sshd configs (lab.Lab.sshd extra= lines, first value wins over the Debian defaults);
# {rundir} is replaced by Ctx.rundir.
SSHD_CONFIGS = {
    "default": ("", ""),
    "allowusers": ("AllowUsers %sother" % P, ""),
    "denyusers": ("DenyUsers %sok" % P, ""),
    "allowgroups": ("AllowGroups %s" % GROUP_ALLOW, ""),
    "denygroups": ("DenyGroups %s" % GROUP_ALLOW, ""),
    "usepam-no": ("UsePAM no", ""),
    "root": ("PermitRootLogin no\nAuthorizedKeysFile {rundir}/keys/%u", ""),
    "pkalg-no-ed25519": ("PubkeyAcceptedAlgorithms rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256", ""),
    "pkalg-ssh-rsa-only": ("PubkeyAcceptedAlgorithms ssh-rsa", ""),
    "revoked": ("RevokedKeys {rundir}/revoked_keys", ""),
    "akf-elsewhere": ("AuthorizedKeysFile {rundir}/authorized_keys/%u", ""),
    "pubkey-no": ("PubkeyAuthentication no", ""),
    "match-deny": ("", "Match Address 127.0.0.0/8\n    PubkeyAuthentication no"),
    "trusted-ca": ("TrustedUserCAKeys {rundir}/user_ca.pub", ""),
    "akc-missing": ("AuthorizedKeysFile none\n"
                    "AuthorizedKeysCommand {rundir}/no-such-command %u\n"
                    "AuthorizedKeysCommandUser nobody", ""),
}


class Ctx:
    """What setups need: the lab, the run directory, users and groups made."""

    def __init__(self, L, rundir):
        self.L, self.rundir = L, rundir
        self.users = []          # names created (removed at the end)
        self.groups = []

    def key(self, name, ktype="ed25519"):
        return self.L.key(name, ktype)

    def user(self, name, keys=()):
        for attempt in range(5):        # /etc/passwd lock held by a concurrent useradd
            try:
                u = self.L.user(name, keys)
                break
            except lab.LabError:
                if attempt == 4:
                    raise
                import time
                time.sleep(0.3)
        if name not in self.users:
            self.users.append(name)
        return u

    def group(self, name, members):
        try:
            grp.getgrnam(name)
        except KeyError:
            lab.run(["groupadd", name])
        if name not in self.groups:
            self.groups.append(name)
        lab.run(["gpasswd", "-M", ",".join(members), name])


def write_ak(u, text, mode=0o600, owner=None):
    """Write u's authorized_keys verbatim (bytes or str)."""
    data = text.encode() if isinstance(text, str) else text
    with open(u.authorized_keys, "wb") as f:
        f.write(data)
    uid, gid = owner if owner else (u.uid, u.gid)
    os.chown(u.authorized_keys, uid, gid)
    os.chmod(u.authorized_keys, mode)


def nobody_ids():
    pw = pwd.getpwnam(NOBODY)
    return pw.pw_uid, pw.pw_gid


def pub_fields(k):
    """(type, base64, comment) of a Key's public line."""
    f = k.pub.strip().split(None, 2)
    return f[0], f[1], (f[2] if len(f) > 2 else "")


class Scenario:
    def __init__(self, id, title, real, cause=None, statuses=("problem",), sshd="default",
                 user=None, key=None, setup=None, confirm=None, corpus=None, check_key=None,
                 ktype="ed25519", client_confirm=None):
        self.id, self.title, self.real, self.cause = id, title, real, cause
        self.statuses, self.sshd, self.corpus = tuple(statuses), sshd, corpus
        self.user = user or (P + id.split("-", 1)[0])
        self.key_name = key or ("ck_" + id.split("-", 1)[0])
        self.ktype = ktype
        self.setup_fn, self.confirm, self.check_key = setup, confirm, check_key
        self.client_confirm = client_confirm      # regex over the ssh -vvv output (multiline)
        self.key = None          # lab.Key, set by prepare()

    def prepare(self, ctx):
        """Create the key and (for users of its own) the user and its broken state."""
        self.key = ctx.key(self.key_name, self.ktype)
        if self.setup_fn:
            self.setup_fn(ctx, self)

    def check_key_path(self):
        return self.check_key or (self.key.path + ".pub")


# --------------------------------------------------------------------------- setups

def own_user(state=None):
    """Setup: a user of the scenario's own with its key authorized, then state(ctx, sc, u)."""
    def setup(ctx, sc):
        u = ctx.user(sc.user, [sc.key])
        if state:
            state(ctx, sc, u)
    return setup


def st_stray_key(ctx, sc, u):
    stray = ctx.key("ck_stray")
    t, b, _ = pub_fields(stray)
    write_ak(u, "%s %s stray%s\n" % (t, b, ESCAPES))


def st_no_ak(ctx, sc, u):
    os.unlink(u.authorized_keys)


def st_no_ssh_dir(ctx, sc, u):
    shutil.rmtree(u.ssh_dir)


def st_chmod(path_attr, mode):
    def st(ctx, sc, u):
        os.chmod(getattr(u, path_attr), mode)
    return st


def st_ak_owner_nobody(ctx, sc, u):
    os.chown(u.authorized_keys, *nobody_ids())
    os.chmod(u.authorized_keys, 0o644)


def st_ak_root_0600(ctx, sc, u):
    os.chown(u.authorized_keys, 0, 0)
    os.chmod(u.authorized_keys, 0o600)


def st_ssh_dir_owner_nobody(ctx, sc, u):
    os.chown(u.ssh_dir, *nobody_ids())
    os.chmod(u.ssh_dir, 0o755)       # readable: sshd gets past open() to the StrictModes walk


def st_home_shared_group(ctx, sc, u):
    ctx.group(GROUP_SHARED, [sc.user, P + "other"])
    os.chown(u.home, u.uid, grp.getgrnam(GROUP_SHARED).gr_gid)
    os.chmod(u.home, 0o775)


def st_ssh_dir_is_file(ctx, sc, u):
    shutil.rmtree(u.ssh_dir)
    with open(u.ssh_dir, "w") as f:
        f.write(sc.key.pub)
    os.chown(u.ssh_dir, u.uid, u.gid)
    os.chmod(u.ssh_dir, 0o600)


def st_shell(path):
    def st(ctx, sc, u):
        lab.run(["usermod", "-s", path.format(rundir=ctx.rundir), sc.user])
    return st


def st_lock(ctx, sc, u):
    lab.run(["usermod", "-L", sc.user])


def st_expire(ctx, sc, u):
    lab.run(["usermod", "-e", "1", sc.user])          # expired on 1970-01-02


def st_options(opts):
    def st(ctx, sc, u):
        write_ak(u, "%s %s\n" % (opts, sc.key.pub.strip()))
    return st


def st_line_break(ctx, sc, u):
    t, b, c = pub_fields(sc.key)
    write_ak(u, "%s %s\n%s %s\n" % (t, b[:40], b[40:], c))


def st_crlf_no_comment(ctx, sc, u):
    t, b, _ = pub_fields(sc.key)
    write_ak(u, "%s %s\r\n" % (t, b))


def st_broken_options(ctx, sc, u):
    # unterminated quote: the whole rest of the line is the option value
    write_ak(u, 'command="echo hi %s\n' % sc.key.pub.strip())


def st_truncated(ctx, sc, u):
    t, b, c = pub_fields(sc.key)
    write_ak(u, "%s %s %s\n" % (t, b[:-6], c))


def st_private_key(ctx, sc, u):
    with open(sc.key.path) as f:
        write_ak(u, f.read())


def st_home_missing(ctx, sc, u):
    gone = "/home/%s-unmounted" % sc.user           # never created
    lab.run(["usermod", "-d", gone, sc.user])
    shutil.rmtree(u.home)                           # the home useradd made (ours)


def setup_ok(ctx, sc):
    """The shared healthy user (ed25519 + RSA keys authorized): config-only scenarios."""
    if P + "ok" not in ctx.users:
        ctx.user(P + "ok", [ctx.key("ck_ok"), ctx.key("ck_ok_rsa", "rsa")])


def setup_grpm(ctx, sc):
    ctx.user(sc.user, [sc.key])
    ctx.group(GROUP_ALLOW, [sc.user])


def setup_locked(ctx, sc):
    ctx.user(sc.user, [sc.key])
    st_lock(ctx, sc, None)


def setup_root(ctx, sc):
    """root's key in rundir/keys/root (the root sshd's AuthorizedKeysFile); /root untouched."""
    d = os.path.join(ctx.rundir, "keys")
    os.makedirs(d, mode=0o755, exist_ok=True)
    with open(os.path.join(d, "root"), "w") as f:
        f.write(sc.key.pub)
    os.chmod(os.path.join(d, "root"), 0o644)


def setup_cert(validity, ca):
    def setup(ctx, sc):
        setup_ok(ctx, sc)
        cert = sc.key.path + "-cert.pub"
        if not os.path.exists(cert):
            lab.run([lab.SSH_KEYGEN, "-q", "-s", os.path.join(ctx.rundir, ca), "-I", sc.key_name,
                     "-n", sc.user, "-V", validity, sc.key.path + ".pub"])
        sc.check_key = cert
    return setup


def prepare_rundir(ctx):
    """Files the configs name: CAs, revoked keys, a non-executable shell, empty dirs."""
    r = ctx.rundir
    for ca in ("user_ca", "rogue_ca"):
        p = os.path.join(r, ca)
        if not os.path.exists(p):
            lab.run([lab.SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", ca + "@sshwhy-ck", "-f", p])
    os.makedirs(os.path.join(r, "authorized_keys"), mode=0o755, exist_ok=True)
    with open(os.path.join(r, "revoked_keys"), "w") as f:
        f.write(ctx.key("ck_ok").pub)
    with open(os.path.join(r, "noexec-shell"), "w") as f:
        f.write("#!/bin/sh\nexec /bin/bash \"$@\"\n")
    os.chmod(os.path.join(r, "noexec-shell"), 0o644)
    # P+"other": listed in AllowUsers and member of the shared group; never logs in
    ctx.user(P + "other", [])


OK = P + "ok"

SCENARIOS = [
    # ---- positive controls (default config)
    Scenario("01a-positive-control", "everything right: ed25519 key authorized, sane modes",
             "login", user=OK, key="ck_ok", setup=setup_ok, corpus="01a-success-ed25519"),
    Scenario("01b-positive-control-rsa", "everything right with an RSA key (rsa-sha2-512)",
             "login", user=OK, key="ck_ok_rsa", ktype="rsa", setup=setup_ok),
    Scenario("04i-home-group-writable-private-group",
             "home 0775 but its group is the user's private group (Debian's StrictModes allows it)",
             "login", setup=own_user(st_chmod("home", 0o775)), corpus="new-04c-strictmodes-home-group-writable"),
    Scenario("06h-locked-account-usepam-yes", "password locked (usermod -L), UsePAM yes: keys still work",
             "login", setup=setup_locked, corpus="06h-locked-account-usepam-yes"),
    Scenario("20c-crlf-no-comment", "authorized_keys line ends in CRLF right after the base64 (9.2 parses it)",
             "login", setup=own_user(st_crlf_no_comment), corpus="20c-authorized-keys-crlf-no-comment"),
    Scenario("15a-cert-valid", "certificate signed by the trusted CA, principal = user",
             "login", sshd="trusted-ca", user=OK, key="ck_cert_valid",
             setup=setup_cert("-1h:+1d", "user_ca"), confirm=r"Accepted publickey for %s .*ED25519-CERT" % OK,
             corpus="15a-cert-success"),

    # ---- authorized_keys content / presence (default config)
    Scenario("02-key-not-authorized", "authorized_keys holds another key (comment with terminal escapes)",
             "refused", "key-not-authorized", setup=own_user(st_stray_key), confirm=r"Failed publickey for ",
             corpus="02-key-not-in-authorized-keys"),
    Scenario("03a-authorized-keys-missing", "~/.ssh exists, authorized_keys does not",
             "refused", "authorized-keys-missing", setup=own_user(st_no_ak),
             confirm=r"Could not open user '\S+' authorized keys '\S+/\.ssh/authorized_keys': No such file",
             corpus="03a-authorized-keys-missing"),
    Scenario("03b-ssh-dir-missing", "no ~/.ssh at all",
             "refused", "authorized-keys-missing", setup=own_user(st_no_ssh_dir),
             confirm=r"Could not open user '\S+' authorized keys '\S+/\.ssh/authorized_keys': No such file",
             corpus="03b-ssh-dir-missing"),
    Scenario("09-from-restriction", 'key line has from="10.9.9.9", client comes from 127.0.0.1',
             "refused", "from-restriction", setup=own_user(st_options('from="10.9.9.9"')),
             confirm=r"correct key but not from a permitted host", corpus="09-authorized-keys-from-restriction"),
    Scenario("20e-entry-expired", 'key line has expiry-time="20200101" (in the past)',
             "refused", "authorized-keys-entry-expired", setup=own_user(st_options('expiry-time="20200101"')),
             confirm=r"entry expired"),
    Scenario("20a-line-break-in-key", "key pasted with a line break inside the base64",
             "refused", "authorized-keys-line-broken", setup=own_user(st_line_break),
             confirm=r"authorized_keys:1: advance:", corpus="20a-authorized-keys-line-break-in-key"),
    Scenario("20d-broken-options", 'options field with an unterminated quote (command="...)',
             "refused", "authorized-keys-bad-options", setup=own_user(st_broken_options),
             confirm=r"invalid key option|bad key options", corpus="20d-authorized-keys-broken-options"),
    Scenario("20f-truncated-key", "key's base64 lost its last 6 characters",
             "refused", "authorized-keys-key-corrupt", setup=own_user(st_truncated),
             confirm=r"authorized_keys:1: advance:", corpus="20f-authorized-keys-truncated-key"),
    Scenario("20l-private-key-pasted", "the private key file pasted into authorized_keys",
             "refused", "authorized-keys-contains-private-key", setup=own_user(st_private_key),
             confirm=r"authorized_keys:1: check options: '-----BEGIN OPENSSH PRIVATE KEY-----",
             corpus="20l-authorized-keys-private-key-pasted"),

    # ---- StrictModes and readability (default config)
    Scenario("04a-ssh-dir-0777", "~/.ssh mode 0777",
             "refused", "strictmodes-dir-perms", setup=own_user(st_chmod("ssh_dir", 0o777)),
             confirm=r"bad ownership or modes for directory /home/\S+/\.ssh$", corpus="04a-strictmodes-ssh-dir-0777"),
    Scenario("04b-authorized-keys-0666", "authorized_keys mode 0666",
             "refused", "strictmodes-file-perms", setup=own_user(st_chmod("authorized_keys", 0o666)),
             confirm=r"bad ownership or modes for file \S+/authorized_keys$", corpus="04b-strictmodes-authorized-keys-0666"),
    Scenario("04d-home-world-writable", "home mode 0757 (world-writable)",
             "refused", "strictmodes-dir-perms", setup=own_user(st_chmod("home", 0o757)),
             confirm=r"bad ownership or modes for directory /home/[^/\s]+$", corpus="04d-strictmodes-home-world-writable"),
    Scenario("04e-authorized-keys-wrong-owner", "authorized_keys owned by nobody, mode 0644",
             "refused", "strictmodes-file-perms", setup=own_user(st_ak_owner_nobody),
             confirm=r"bad ownership or modes for file \S+/authorized_keys$"),
    Scenario("04f-authorized-keys-unreadable", "authorized_keys owned by root, mode 0600 (edited with sudo)",
             "refused", "authorized-keys-unreadable", setup=own_user(st_ak_root_0600),
             confirm=r"Could not open user '\S+' authorized keys '\S+': Permission denied",
             corpus="04f-authorized-keys-unreadable-root-0600"),
    Scenario("04g-ssh-dir-wrong-owner", "~/.ssh owned by nobody (mode 0755)",
             "refused", "strictmodes-dir-perms", setup=own_user(st_ssh_dir_owner_nobody),
             confirm=r"bad ownership or modes for directory /home/\S+/\.ssh$"),
    Scenario("04h-home-group-writable-shared-group", "home 0775, group %s has other members" % GROUP_SHARED,
             "refused", "strictmodes-dir-perms", setup=own_user(st_home_shared_group),
             confirm=r"bad ownership or modes for directory /home/[^/\s]+$",
             corpus="04h-strictmodes-home-group-writable-shared-group"),
    Scenario("04j-ssh-dir-not-a-directory", "~/.ssh is a regular file",
             "refused", "ssh-dir-not-a-directory", setup=own_user(st_ssh_dir_is_file),
             confirm=r"Not a directory"),
    Scenario("20j-home-missing", "home directory in /etc/passwd does not exist",
             "refused", "home-directory-missing", setup=own_user(st_home_missing),
             confirm=r"Could not open user '\S+' authorized keys '/home/\S+-unmounted/\.ssh/authorized_keys': No such file",
             corpus="20j-home-directory-missing"),

    # ---- account (default config unless said)
    Scenario("06e-shell-nologin", "shell /usr/sbin/nologin: key accepted, session refused",
             "session-refused", "shell-nologin", statuses=("warning", "problem"),
             setup=own_user(st_shell("/usr/sbin/nologin")), confirm=r"nologin: Attempted login by sshwhy-ck-06e",
             client_confirm=r"^This account is currently not available\.\r?$", corpus="06e-shell-nologin"),
    Scenario("06f-shell-missing", "shell path does not exist",
             "refused", "shell-missing", setup=own_user(st_shell("/nonexistent/sshwhy-ck-shell")),
             confirm=r"not allowed because shell \S+ does not exist"),
    Scenario("06g-shell-not-executable", "shell is a 0644 script",
             "refused", "shell-not-executable", setup=own_user(st_shell("{rundir}/noexec-shell")),
             confirm=r"not allowed because shell \S+ is not executable", corpus="06g-shell-not-executable"),
    Scenario("06i-locked-usepam-no", "password locked (usermod -L) and UsePAM no",
             "refused", "account-locked", sshd="usepam-no", setup=setup_locked,
             confirm=r"not allowed because account is locked", corpus="06i-locked-account-usepam-no"),
    Scenario("06j-account-expired", "account expired (usermod -e 1), UsePAM yes",
             "refused", "account-expired", setup=own_user(st_expire),
             confirm=r"has expired \(account expired\)", corpus="06j-expired-account-usepam-yes"),

    # ---- configuration (the healthy user, or one of its own)
    Scenario("06a-allowusers", "AllowUsers lists only %sother" % P,
             "refused", "not-in-allowusers", sshd="allowusers", user=OK, key="ck_ok", setup=setup_ok,
             confirm=r"not allowed because not listed in AllowUsers", corpus="06a-allowusers-excludes-user"),
    Scenario("06b-denyusers", "DenyUsers lists the user",
             "refused", "in-denyusers", sshd="denyusers", user=OK, key="ck_ok", setup=setup_ok,
             confirm=r"not allowed because listed in DenyUsers"),
    Scenario("06c-allowgroups", "AllowGroups %s, user not a member" % GROUP_ALLOW,
             "refused", "not-in-allowgroups", sshd="allowgroups", user=OK, key="ck_ok", setup=setup_ok,
             confirm=r"none of user's groups are listed in AllowGroups", corpus="06c-allowgroups-excludes-user"),
    Scenario("06d-denygroups", "DenyGroups %s, user a (supplementary) member" % GROUP_ALLOW,
             "refused", "in-denygroups", sshd="denygroups", user=P + "grpm", key="ck_grpm", setup=setup_grpm,
             confirm=r"because a group is listed in DenyGroups"),
    Scenario("07a-root-permitrootlogin-no", "root's key authorized (AuthorizedKeysFile in a run dir), PermitRootLogin no",
             "refused", "root-login-refused", sshd="root", user="root", key="ck_root", setup=setup_root,
             confirm=r"ROOT LOGIN REFUSED", corpus="07a-root-permitrootlogin-no"),
    Scenario("08a-pkalg-excludes-ed25519", "PubkeyAcceptedAlgorithms without ssh-ed25519",
             "refused", "key-algorithm-not-accepted", sshd="pkalg-no-ed25519", user=OK, key="ck_ok", setup=setup_ok,
             confirm=r"ssh-ed25519 not in PubkeyAcceptedAlgorithms",
             corpus="08a-server-pubkeyacceptedalgorithms-excludes-ed25519"),
    Scenario("08e-server-only-ssh-rsa", "PubkeyAcceptedAlgorithms ssh-rsa (SHA-1) only, RSA key, modern client",
             "refused", "key-algorithm-not-accepted", sshd="pkalg-ssh-rsa-only",
             user=OK, key="ck_ok_rsa", ktype="rsa", setup=setup_ok,
             confirm=r"signature algorithm rsa-sha2-\d+ not in PubkeyAcceptedAlgorithms",
             corpus="08b-client-forces-ssh-rsa-sha1"),
    Scenario("16-revoked-key", "RevokedKeys file lists the key (also in authorized_keys)",
             "refused", "key-revoked", sshd="revoked", user=OK, key="ck_ok", setup=setup_ok,
             confirm=r"revoked by file", corpus="16-revoked-key"),
    Scenario("19-akf-elsewhere", "AuthorizedKeysFile /run/sshwhy-ck-PID/authorized_keys/%u, key in ~/.ssh/authorized_keys",
             "refused", "authorized-keys-wrong-location", sshd="akf-elsewhere", user=OK, key="ck_ok", setup=setup_ok,
             confirm=r"Could not open user '\S+' authorized keys '\S+/authorized_keys/sshwhy-ck-ok': No such file",
             corpus="19-authorizedkeysfile-elsewhere"),
    Scenario("20i-pubkey-auth-no", "PubkeyAuthentication no",
             "refused", "pubkey-auth-disabled", sshd="pubkey-no", user=OK, key="ck_ok", setup=setup_ok,
             client_confirm=r"^debug1: Authentications that can continue: password\r?$",
             corpus="20i-server-pubkeyauthentication-no"),
    Scenario("20m-match-deny", "Match Address 127.0.0.0/8 sets PubkeyAuthentication no",
             "refused", "pubkey-auth-disabled", sshd="match-deny", user=OK, key="ck_ok", setup=setup_ok,
             client_confirm=r"^debug1: Authentications that can continue: password\r?$",
             corpus="20m-matched-deny-with-match-block"),
    Scenario("20k-akc-missing", "AuthorizedKeysFile none, AuthorizedKeysCommand names a missing program",
             "refused", "authorized-keys-command-failed", sshd="akc-missing", user=OK, key="ck_ok", setup=setup_ok,
             confirm=r"Could not stat AuthorizedKeysCommand"),
    Scenario("15b-cert-expired", "certificate from the trusted CA, validity ended 2020-02-01",
             "refused", "cert-expired", sshd="trusted-ca", user=OK, key="ck_cert_expired",
             setup=setup_cert("20200101:20200201", "user_ca"), confirm=r"Certificate invalid: expired",
             corpus="15b-cert-expired"),
    Scenario("15d-cert-untrusted-ca", "certificate signed by a CA not in TrustedUserCAKeys",
             "refused", "cert-untrusted-ca", sshd="trusted-ca", user=OK, key="ck_cert_rogue",
             setup=setup_cert("-1h:+1d", "rogue_ca"),
             # sshd 9.2 sometimes logs no Failed line for the refused cert query when the
             # client hangs up at once; its DEBUG2 line says the same
             confirm=r"Failed publickey for \S+ .*ED25519-CERT .* CA |user_cert_trusted_ca: CA .* is not listed",
             corpus="15d-cert-untrusted-ca"),
]


def remove_leftovers():
    """Users and groups sshwhy-ck-* left by a killed run (users only with the lab's GECOS)."""
    for pw in pwd.getpwall():
        if pw.pw_name.startswith(P) and pw.pw_gecos == lab.USER_GECOS:
            remove_user(pw.pw_name)
    for g in grp.getgrall():
        if g.gr_name.startswith(P):
            subprocess.run(["groupdel", g.gr_name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def remove_user(name):
    """userdel -r an sshwhy-ck-* test user; also the /home/NAME it was created with."""
    if not name.startswith(P):
        raise lab.LabError("refusing to remove %s" % name)
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        return
    if pw.pw_gecos != lab.USER_GECOS:
        raise lab.LabError("user %s is not an sshwhy e2e user" % name)
    subprocess.run(["userdel", "-r", "-f", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for h in (pw.pw_dir, "/home/" + name):
        if h.startswith("/home/" + P) and os.path.isdir(h) and not os.path.islink(h):
            shutil.rmtree(h, ignore_errors=True)
