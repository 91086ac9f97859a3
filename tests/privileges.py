#!/usr/bin/env python3
"""Least privilege, with the real binary:

  * the database (and its -wal/-shm files) is created 0600 and the missing
    directories above it 0700, whatever the umask (000, 022, 077);
  * ingest and follow need nothing but read access to the log and write
    access to the database: as an unprivileged user (nobody, no
    capabilities) in group adm they read an auth.log that is root:adm 0640,
    and in group systemd-journal the journal files (root:systemd-journal
    0640, made by systemd-journal-remote); without the group they fail with
    a clear "Permission denied" / "no journal" message and exit 1.

Switching users needs root: without it only the umask checks run, the user
checks print SKIP, and the exit status is 77 so the skip shows in meson's
summary (a failed umask check still fails the test).

usage: privileges.py SSHWHY
"""
import grp
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("CORPUS_DIR", os.path.join(HERE, "corpus"))
CAPTURE = os.path.join(CORPUS, "02-key-not-in-authorized-keys", "verbose")
NOBODY = 65534
JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote"

failures = 0


def result(ok, name, detail=""):
    global failures
    if not ok:
        failures += 1
    print("%s %s%s" % ("ok  " if ok else "FAIL", name, (": " + detail) if detail else ""))


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def run(sshwhy, args, db, groups=None, umask=None, env=None):
    """Run sshwhy, as nobody in `groups` (a list of gids) when groups is not None."""
    argv = [sshwhy, "--db", db] + args
    if groups is not None:
        argv = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                "--groups=" + ",".join(str(g) for g in groups) if groups else "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"] + argv
    e = dict(os.environ, TZ="UTC")
    e.pop("SSHWHY_DB", None)
    if env:
        e.update(env)

    def pre():
        if umask is not None:
            os.umask(umask)
    return subprocess.run(argv, capture_output=True, text=True, env=e, preexec_fn=pre, timeout=120)


def count(sshwhy, db):
    p = run(sshwhy, ["attempts", "--json"], db)
    return len([l for l in p.stdout.splitlines() if l.strip()]) if p.returncode == 0 else -1


def check_umask(sshwhy, tmp):
    """follow creates the database (and SQLite its -wal and -shm files, which
    exist while it runs) under each umask."""
    log = os.path.join(CAPTURE, "auth.log")
    for um in (0o000, 0o022, 0o077):
        top = os.path.join(tmp, "umask-%03o" % um)
        db = os.path.join(top, "state", "sshwhy", "sshwhy.db")

        def pre(um=um):
            os.umask(um)
        f = subprocess.Popen([sshwhy, "--db", db, "follow", "--file", log], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, preexec_fn=pre, env=dict(os.environ, TZ="UTC"))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (os.path.exists(db + "-wal") and count(sshwhy, db) > 0):
            time.sleep(0.1)
        modes = {}
        for name, path in (("db", db), ("-wal", db + "-wal"), ("-shm", db + "-shm"),
                           ("dir", os.path.dirname(db)), ("parent", os.path.dirname(os.path.dirname(db)))):
            modes[name] = mode(path) if os.path.exists(path) else None
        f.send_signal(signal.SIGTERM)
        f.communicate(timeout=20)
        want = {"db": 0o600, "-wal": 0o600, "-shm": 0o600, "dir": 0o700, "parent": 0o700}
        result(modes == want, "umask %03o: database, -wal, -shm 0600, new directories 0700" % um,
               "" if modes == want else repr({k: "%o" % v if v is not None else None for k, v in modes.items()}))


def as_nobody_dir(tmp, name):
    d = os.path.join(tmp, name)
    os.mkdir(d)
    os.chown(d, NOBODY, NOBODY)
    os.chmod(d, 0o700)
    return d


def check_auth_log(sshwhy, tmp, adm):
    logs = os.path.join(tmp, "log")
    os.mkdir(logs)
    os.chmod(logs, 0o755)
    log = os.path.join(logs, "auth.log")
    shutil.copy(os.path.join(CAPTURE, "auth.log"), log)
    os.chown(log, 0, adm)
    os.chmod(log, 0o640)
    home = as_nobody_dir(tmp, "nobody-file")
    db = os.path.join(home, "sshwhy.db")

    p = run(sshwhy, ["ingest", "-q", log], db, groups=[])
    result(p.returncode == 1 and "Permission denied" in p.stderr and p.stderr.startswith("sshwhy: "),
           "ingest without group adm: refused clearly", p.stderr.strip())
    p = run(sshwhy, ["ingest", "-q", log], db, groups=[adm])
    n = count(sshwhy, db)
    result(p.returncode == 0 and n > 0, "ingest as nobody in group adm (auth.log root:adm 0640)",
           "exit %d, %d attempts: %s" % (p.returncode, n, p.stderr.strip()))
    result(os.stat(db).st_uid == NOBODY and mode(db) == 0o600, "database owned by the user, 0600")

    # follow: the same rights; its position is stored with the attempts.
    db2 = os.path.join(home, "follow.db")
    argv = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--groups=%d" % adm,
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
            sshwhy, "--db", db2, "follow", "--file", log]
    f = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, TZ="UTC"))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and count(sshwhy, db2) < n:
        time.sleep(0.2)
    f.send_signal(signal.SIGTERM)
    out, err = f.communicate(timeout=20)
    result(f.returncode == 0 and count(sshwhy, db2) == n,
           "follow --file as nobody in group adm", "exit %d, %d attempts: %s" % (
               f.returncode, count(sshwhy, db2), err.decode(errors="replace").strip()))


def check_journal(sshwhy, tmp, journal_gid):
    if not os.path.exists(JOURNAL_REMOTE):
        print("SKIP journal as nobody: %s not installed" % JOURNAL_REMOTE)
        return
    jdir = os.path.join(tmp, "journal")
    os.mkdir(jdir)
    subprocess.run([JOURNAL_REMOTE, "-o", os.path.join(jdir, "remote.journal"),
                    os.path.join(CAPTURE, "server.export")], check=True, capture_output=True)
    os.chown(jdir, 0, journal_gid)
    os.chmod(jdir, 0o2750)
    for f in os.listdir(jdir):
        os.chown(os.path.join(jdir, f), 0, journal_gid)
        os.chmod(os.path.join(jdir, f), 0o640)
    home = as_nobody_dir(tmp, "nobody-journal")
    db = os.path.join(home, "sshwhy.db")
    p = run(sshwhy, ["ingest", "-q", "--journal", "--directory", jdir], db, groups=[])
    result(p.returncode == 1 and p.stderr.startswith("sshwhy: "),
           "ingest --journal without group systemd-journal: refused clearly", p.stderr.strip())
    p = run(sshwhy, ["ingest", "-q", "--journal", "--directory", jdir], db, groups=[journal_gid])
    n = count(sshwhy, db)
    result(p.returncode == 0 and n > 0, "ingest --journal as nobody in group systemd-journal",
           "exit %d, %d attempts: %s" % (p.returncode, n, p.stderr.strip()))


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    sshwhy = os.path.abspath(argv[1])
    with tempfile.TemporaryDirectory(prefix="sshwhy-priv-") as tmp:
        os.chmod(tmp, 0o755)
        check_umask(sshwhy, tmp)
        if os.getuid() != 0:
            print("SKIP ingest/follow as an unprivileged user: needs root to switch users")
            return 1 if failures else 77
        if not shutil.which("setpriv"):
            print("SKIP ingest/follow as an unprivileged user: setpriv (util-linux) missing")
            return 1 if failures else 77
        try:
            adm = grp.getgrnam("adm").gr_gid
            journal_gid = grp.getgrnam("systemd-journal").gr_gid
        except KeyError as e:
            print("SKIP ingest/follow as an unprivileged user: no group %s" % e)
            return 1 if failures else 77
        # The build directory must be reachable by nobody.
        p = subprocess.run(["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups",
                            sshwhy, "--version"], capture_output=True)
        if p.returncode not in (0, 2):
            print("SKIP ingest/follow as an unprivileged user: nobody cannot run %s" % sshwhy)
            return 1 if failures else 77
        check_auth_log(sshwhy, tmp, adm)
        check_journal(sshwhy, tmp, journal_gid)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
