#!/usr/bin/env python3
"""Database faults, with the real binary and real SQLite files in a temporary
directory. Each case starts from a database holding known attempts, breaks
it, and checks:
  * a clear message on stderr ("sshwhy: ..." naming the problem), exit 1,
    no crash;
  * no partial attempt stored and nothing lost that was stored before (the
    attempts read back are exactly the earlier ones, and the file passes
    PRAGMA integrity_check) -- except where the file itself is destroyed;
  * follow stops (exit 1) on a fault it cannot write through, and a restart
    continues from the last commit: at the end every connection is stored
    exactly once.

Cases (run them all, or name some):
  root only (mounts a tmpfs; without root: exit 77, shown as SKIP):
    disk-full-ingest, disk-full-follow, readonly-fs
  any user:
    readonly-file, readonly-dir, locked-ingest, locked-follow, deleted-follow,
    replaced-follow, corrupt-pages, not-a-database, other-sqlite-file

usage: db_faults.py SSHWHY [--root-only | --no-root] [CASE...]
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("CORPUS_DIR", os.path.join(HERE, "corpus"))
GEN = os.environ.get("GEN_AUTHLOG", os.path.join(HERE, "tools", "gen_authlog.py"))
BASE_LOG = os.path.join(CORPUS, "02-key-not-in-authorized-keys", "verbose", "auth.log")
MORE_LOG = os.path.join(CORPUS, "05-invalid-user", "info", "auth.log")
ROOT_CASES = ["disk-full-ingest", "disk-full-follow", "readonly-fs"]
NOBODY = 65534


class Fail(Exception):
    pass


class Env:
    def __init__(self, sshwhy, tmp):
        self.sshwhy = sshwhy
        self.tmp = tmp
        self.env = dict(os.environ, TZ="UTC", NO_COLOR="1")
        self.env.pop("SSHWHY_DB", None)
        self._big = None

    def run(self, *args, db, as_nobody=False, timeout=60):
        argv = [self.sshwhy, "--db", db] + list(args)
        if as_nobody:
            argv = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"] + argv
        return subprocess.run(argv, capture_output=True, text=True, env=self.env, timeout=timeout)

    def attempts(self, db):
        p = self.run("attempts", "--json", db=db)
        if p.returncode != 0:
            raise Fail("attempts --json on %s: exit %d: %s" % (db, p.returncode, p.stderr.strip()))
        return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]

    def base_db(self, d, name="a.db"):
        """A database holding the attempts of BASE_LOG; returns (path, their JSON)."""
        db = os.path.join(d, name)
        p = self.run("ingest", "-q", "--year", "2026", BASE_LOG, db=db)
        if p.returncode != 0:
            raise Fail("setting up %s: %s" % (db, p.stderr))
        got = self.attempts(db)
        close_wal(db)
        return db, got

    def big_log(self):
        """A generated auth.log of 20,000 lines (about 5,000 connections)."""
        if not self._big:
            self._big = os.path.join(self.tmp, "big.log")
            subprocess.run([sys.executable, GEN, "-n", "20000", "--seed", "7", "--format", "rfc3339",
                            "-o", self._big], check=True)
        return self._big

    def follow(self, db, log, out_name):
        out = open(os.path.join(self.tmp, out_name + ".out"), "wb")
        err = open(os.path.join(self.tmp, out_name + ".err"), "wb")
        p = subprocess.Popen([self.sshwhy, "--db", db, "follow", "--file", log, "--login-grace-time", "0"],
                             stdout=out, stderr=err, env=self.env)
        p.out_name = out_name
        return p

    def stderr_of(self, p):
        return open(os.path.join(self.tmp, p.out_name + ".err")).read()


def close_wal(db):
    """Leave the database without its -wal and -shm files, as the last
    writer closing does (a reader closing leaves them)."""
    c = sqlite3.connect(db)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(db + suffix):
            raise Fail("%s%s still there after the last writer closed" % (db, suffix))


def expect_error(p, what, *words):
    """Exit 1 (not a crash), one "sshwhy: " line naming the problem."""
    if p.returncode != 1:
        raise Fail("%s: exit %d, expected 1; stderr: %s" % (what, p.returncode, p.stderr.strip()[-400:]))
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    if not lines or not all(l.startswith("sshwhy: ") for l in lines):
        raise Fail("%s: stderr is not 'sshwhy: ...' lines: %r" % (what, p.stderr[-400:]))
    low = p.stderr.lower()
    if not any(w.lower() in low for w in words):
        raise Fail("%s: stderr names none of %s: %r" % (what, words, p.stderr.strip()))
    return lines[0]


def same_attempts(env, db, before, what):
    after = env.attempts(db)
    if after != before:
        raise Fail("%s: the stored attempts changed: %d before, %d after" % (what, len(before), len(after)))


def integrity(db, what):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        r = c.execute("PRAGMA integrity_check").fetchall()
    finally:
        c.close()
    if r != [("ok",)]:
        raise Fail("%s: integrity_check: %s" % (what, r[:5]))


def key(a):
    return (a["host"], a["pid"], a["port"])


def wait_caught_up(env, db, want, proc, timeout=60):
    """Until the database holds `want` attempts (or proc ends)."""
    deadline = time.monotonic() + timeout
    n = -1
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if os.path.exists(db):
            try:
                n = len(env.attempts(db))
            except Fail:
                continue
            if n >= want:
                return n
    return n


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def reference(env, d, *logs):
    """What one ingest of logs stores, by connection."""
    db = os.path.join(d, "reference.db")
    for log in logs:
        p = env.run("ingest", "-q", "--year", "2026", log, db=db)
        if p.returncode != 0:
            raise Fail("reference ingest: %s" % p.stderr)
    return sorted(key(a) for a in env.attempts(db))


class Tmpfs:
    def __init__(self, path, size):
        self.path, self.size = path, size

    def __enter__(self):
        os.makedirs(self.path, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0755" % self.size, "sshwhy-test", self.path],
                       check=True)
        return self

    def remount(self, opt):
        subprocess.run(["mount", "-o", "remount,%s" % opt, self.path], check=True)

    def __exit__(self, *a):
        subprocess.run(["umount", "-l", self.path])


# ---- cases ------------------------------------------------------------------

def case_disk_full_ingest(env, d):
    with Tmpfs(os.path.join(d, "small"), "1m") as fs:
        db, before = env.base_db(fs.path)
        p = env.run("ingest", "--year", "2026", env.big_log(), MORE_LOG, db=db)
        first = expect_error(p, "ingest on a full disk", "full", "space")
        if p.stdout.strip():
            raise Fail("ingest on a full disk printed a summary: %r" % p.stdout)
        integrity(db, "after disk full")
        same_attempts(env, db, before, "ingest on a full disk")
        # Still usable for reading and, once there is room, for writing.
        fs.remount("size=64m")
        p = env.run("ingest", "-q", "--year", "2026", MORE_LOG, db=db)
        if p.returncode != 0:
            raise Fail("ingest after room was made: %s" % p.stderr)
        if len(env.attempts(db)) != len(before) + 1:
            raise Fail("ingest after room was made did not add the one attempt")
    return first


def case_disk_full_follow(env, d):
    with Tmpfs(os.path.join(d, "small"), "1m") as fs:
        db, before = env.base_db(fs.path)
        log = os.path.join(d, "auth.log")
        shutil.copy(env.big_log(), log)
        f = env.follow(db, log, "full")
        try:
            rc = f.wait(60)
        except subprocess.TimeoutExpired:
            stop(f)
            raise Fail("follow did not stop on a full disk")
        err = env.stderr_of(f)
        if rc != 1 or "full" not in err:
            raise Fail("follow on a full disk: exit %d, stderr %r" % (rc, err[-300:]))
        integrity(db, "follow after disk full")
        got = env.attempts(db)
        if [a for a in got if key(a) in {key(b) for b in before}] != before:
            raise Fail("follow on a full disk lost or changed attempts stored before")
        # Room again: a restart continues from its last commit.
        fs.remount("size=64m")
        f = env.follow(db, log, "full2")
        want = reference(env, d, BASE_LOG, log)
        wait_caught_up(env, db, len(want), f)
        time.sleep(0.5)
        rc = stop(f)
        if rc != 0:
            raise Fail("follow restarted after disk full: exit %d: %s" % (rc, env.stderr_of(f)[-300:]))
        got = sorted(key(a) for a in env.attempts(db))
        if got != want:
            raise Fail("after disk full and a restart: %d attempts, expected %d (%d missing, %d extra)" % (
                len(got), len(want), len(set(want) - set(got)), len(got) - len(set(got)) + len(set(got) - set(want))))
    return err.strip().splitlines()[0] + " -> restart: %d attempts, each once" % len(got)


def case_readonly_fs(env, d):
    with Tmpfs(os.path.join(d, "ro"), "4m") as fs:
        db, before = env.base_db(fs.path)
        fs.remount("ro")
        try:
            p = env.run("ingest", "-q", MORE_LOG, db=db)
            first = expect_error(p, "ingest on a read-only file system", "read-only")
            # No -wal/-shm to use and none can be made: even reading fails,
            # and says why (not "no database").
            p = env.run("attempts", db=db)
            expect_error(p, "attempts on a read-only file system", "-wal")
        finally:
            fs.remount("rw")
        # With the -wal and -shm files there (a reader left them), reading works.
        env.attempts(db)
        fs.remount("ro")
        try:
            same_attempts(env, db, before, "reading on a read-only file system")
            p = env.run("ingest", "-q", MORE_LOG, db=db)
            expect_error(p, "ingest on a read-only file system, -wal present", "read-only")
        finally:
            fs.remount("rw")
        same_attempts(env, db, before, "read-only file system")
    return first


def readonly_setup(env, d, dir_too):
    """A database the user running sshwhy can read but not write: as root,
    the files belong to nobody and sshwhy runs as nobody; otherwise chmod."""
    root = os.getuid() == 0
    sub = os.path.join(d, "rodir")
    os.mkdir(sub)
    db, before = env.base_db(sub)
    if root:
        os.chmod(env.tmp, 0o755)
        os.chmod(d, 0o755)
        for f in os.listdir(sub):
            os.chown(os.path.join(sub, f), NOBODY, NOBODY)
        os.chown(sub, NOBODY, NOBODY)
    if dir_too:
        os.chmod(sub, 0o500)    # the file stays writable; SQLite cannot make -wal
    else:
        for f in os.listdir(sub):
            os.chmod(os.path.join(sub, f), 0o400)
    return db, before, root


def case_readonly_file(env, d):
    db, before, root = readonly_setup(env, d, dir_too=False)
    p = env.run("ingest", "-q", MORE_LOG, db=db, as_nobody=root)
    first = expect_error(p, "ingest into a read-only file", "read-only")
    p = env.run("attempts", "--json", db=db, as_nobody=root)
    if p.returncode != 0:
        raise Fail("attempts on a read-only file: exit %d: %s" % (p.returncode, p.stderr))
    if [json.loads(l) for l in p.stdout.splitlines()] != before:
        raise Fail("read-only file: attempts differ")
    return first


def case_readonly_dir(env, d):
    db, before, root = readonly_setup(env, d, dir_too=True)
    p = env.run("ingest", "-q", MORE_LOG, db=db, as_nobody=root)
    first = expect_error(p, "ingest into a read-only directory", "-wal")
    os.chmod(os.path.dirname(db), 0o700)
    same_attempts(env, db, before, "read-only directory")
    return first


class Lock:
    """Another writer: a python sqlite3 connection holding BEGIN EXCLUSIVE."""
    def __init__(self, db, seconds):
        self.db, self.seconds = db, seconds

    def __enter__(self):
        ready = self.db + ".locked"
        self.p = subprocess.Popen([sys.executable, "-c", """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
c.execute("ROLLBACK")
""", self.db, ready, str(self.seconds)])
        deadline = time.monotonic() + 10
        while not os.path.exists(ready):
            if time.monotonic() > deadline or self.p.poll() is not None:
                raise Fail("could not lock %s" % self.db)
            time.sleep(0.02)
        os.unlink(ready)
        return self

    def __exit__(self, *a):
        self.p.kill()
        self.p.wait()


def case_locked_ingest(env, d):
    db, before = env.base_db(d)
    with Lock(db, 30):
        t = time.monotonic()
        p = env.run("ingest", "-q", MORE_LOG, db=db)
        took = time.monotonic() - t
        first = expect_error(p, "ingest into a locked database", "locked")
    same_attempts(env, db, before, "locked database")
    return "%s (after %.1f s)" % (first, took)


def case_locked_follow(env, d):
    db, before = env.base_db(d)
    log = os.path.join(d, "auth.log")
    shutil.copy(BASE_LOG, log)
    f = env.follow(db, log, "locked")
    time.sleep(1.0)
    with Lock(db, 30):
        with open(log, "ab") as w, open(MORE_LOG, "rb") as r:
            w.write(r.read())
        try:
            rc = f.wait(20)
        except subprocess.TimeoutExpired:
            stop(f)
            raise Fail("follow kept running with the database locked for 20 s")
    err = env.stderr_of(f)
    if rc != 1 or "locked" not in err:
        raise Fail("follow, database locked: exit %d, stderr %r" % (rc, err[-300:]))
    same_attempts(env, db, before, "follow while locked")
    f = env.follow(db, log, "locked2")
    want = reference(env, d, BASE_LOG, MORE_LOG)
    wait_caught_up(env, db, len(want), f)
    time.sleep(0.5)
    stop(f)
    got = sorted(key(a) for a in env.attempts(db))
    if got != want:
        raise Fail("after the lock and a restart: %s, expected %s" % (got, want))
    return err.strip().splitlines()[0] + " -> restart: every attempt once"


def deleted_or_replaced(env, d, replace):
    db, before = env.base_db(d)
    log = os.path.join(d, "auth.log")
    shutil.copy(BASE_LOG, log)
    f = env.follow(db, log, "deleted")
    time.sleep(1.0)
    if replace:
        other, _ = env.base_db(d, "other.db")
        os.rename(other, db)
    else:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
    try:
        rc = f.wait(10)
    except subprocess.TimeoutExpired:
        stop(f)
        raise Fail("follow kept running for 10 s after its database was %s" % (
            "replaced" if replace else "deleted"))
    err = env.stderr_of(f)
    if rc != 1 or "deleted or replaced" not in err:
        raise Fail("follow, database gone: exit %d, stderr %r" % (rc, err[-300:]))
    # A restart (Restart=on-failure) opens whatever is at the path now and
    # continues from the position stored there; a new file catches up from
    # the start of the log.
    if not replace:
        with open(log, "ab") as w, open(MORE_LOG, "rb") as r:
            w.write(r.read())
    f = env.follow(db, log, "deleted2")
    want = reference(env, d, log)
    wait_caught_up(env, db, len(want), f)
    time.sleep(0.5)
    stop(f)
    got = sorted(key(a) for a in env.attempts(db))
    if got != want:
        raise Fail("after a restart: %s, expected %s" % (got, want))
    if not replace and os.stat(db).st_mode & 0o777 != 0o600:
        raise Fail("the new database has mode %o" % (os.stat(db).st_mode & 0o777))
    return err.strip().splitlines()[0]


def case_deleted_follow(env, d):
    return deleted_or_replaced(env, d, replace=False)


def case_replaced_follow(env, d):
    return deleted_or_replaced(env, d, replace=True)


def case_corrupt_pages(env, d):
    db = os.path.join(d, "a.db")
    logs = sorted(os.path.join(CORPUS, c, "info", "auth.log") for c in os.listdir(CORPUS)
                  if os.path.exists(os.path.join(CORPUS, c, "info", "auth.log")))
    p = env.run("ingest", "-q", "--year", "2026", *logs, db=db)
    if p.returncode != 0:
        raise Fail("setup: %s" % p.stderr)
    size = os.path.getsize(db)
    with open(db, "r+b") as f:
        for off in range(8192, size, 4096):
            f.seek(off + 100)
            f.write(b"\xa5" * 200)
    results = []
    for args in (["attempts"], ["attempts", "--json"], ["ingest", "-q", MORE_LOG]):
        p = env.run(*args, db=db)
        results.append(expect_error(p, " ".join(args[:1]) + " on a corrupt file", "malformed", "corrupt"))
    return results[0]


def case_not_a_database(env, d):
    db = os.path.join(d, "a.db")
    data = b"SQLite format 3\x00" + os.urandom(5000)
    with open(db, "wb") as f:
        f.write(data)
    for args in (["attempts"], ["ingest", "-q", MORE_LOG]):
        p = env.run(*args, db=db)
        first = expect_error(p, args[0] + " on a damaged header", "not an sshwhy database")
    if open(db, "rb").read() != data:
        raise Fail("sshwhy wrote to a file that is not its database")
    return first


def case_other_sqlite_file(env, d):
    db = os.path.join(d, "a.db")
    c = sqlite3.connect(db)
    c.execute("CREATE TABLE t (x)")
    c.execute("INSERT INTO t VALUES (42)")
    c.commit()
    c.close()
    data = open(db, "rb").read()
    p = env.run("ingest", "-q", MORE_LOG, db=db)
    first = expect_error(p, "ingest into another program's SQLite file", "not an sshwhy database")
    if open(db, "rb").read() != data:
        raise Fail("sshwhy changed another program's SQLite file")
    return first


CASES = {
    "disk-full-ingest": case_disk_full_ingest,
    "disk-full-follow": case_disk_full_follow,
    "readonly-fs": case_readonly_fs,
    "readonly-file": case_readonly_file,
    "readonly-dir": case_readonly_dir,
    "locked-ingest": case_locked_ingest,
    "locked-follow": case_locked_follow,
    "deleted-follow": case_deleted_follow,
    "replaced-follow": case_replaced_follow,
    "corrupt-pages": case_corrupt_pages,
    "not-a-database": case_not_a_database,
    "other-sqlite-file": case_other_sqlite_file,
}


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    sshwhy = os.path.abspath(argv[1])
    names = [a for a in argv[2:] if not a.startswith("--")]
    if "--root-only" in argv:
        names = names or ROOT_CASES
    elif "--no-root" in argv:
        names = names or [c for c in CASES if c not in ROOT_CASES]
    names = names or list(CASES)
    for n in names:
        if n not in CASES:
            print("unknown case %s" % n)
            return 2
    root = os.getuid() == 0
    if not root and all(n in ROOT_CASES for n in names):
        print("SKIP: %s need root (a tmpfs is mounted)" % ", ".join(names))
        return 77
    if root and not shutil.which("setpriv"):
        print("SKIP: setpriv (util-linux) is needed to drop privileges")
        return 77
    failures = 0
    with tempfile.TemporaryDirectory(prefix="sshwhy-faults-") as tmp:
        env = Env(sshwhy, tmp)
        for n in names:
            if n in ROOT_CASES and not root:
                print("SKIP %-18s needs root" % n)
                continue
            d = os.path.join(tmp, n)
            os.mkdir(d)
            t = time.monotonic()
            try:
                msg = CASES[n](env, d)
                print("ok   %-18s %.1f s  %s" % (n, time.monotonic() - t, msg))
            except Fail as e:
                failures += 1
                print("FAIL %-18s %s" % (n, e))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
