#!/usr/bin/env python3
"""A journal-remote directory of many hosts, followed host by host (issue 15).

HOSTS hosts' generator entries, one remote-HOST.journal each (made by
systemd-journal-remote). The reference is `ingest --journal --directory`.
  1. follow is SIGKILLed at random moments while it catches up, and restarted
     until it has caught up: the attempts must be the reference's, none lost,
     none twice; every host has its own position.
  2. A database of the single-cursor days (one journal position for the
     directory, the attempts of the entries before it in sd-journal's merged
     order): follow resumes every host after that cursor, with the same
     result, and keeps one position per host from then on.
  3. Live: a known host's new entries and a new sender whose backlog is older
     than everything read are both stored, as an ingest of the final
     directory stores them.
Exit 77 without systemd-journal-remote or journalctl.

usage: fleet_follow.py SSHWHY GENERATOR [HOSTS]; env SSHWHY_FLEET_SEED replays.
"""
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

REMOTE = "/lib/systemd/systemd-journal-remote"
PER_HOST = 300


def rows(db):
    c = sqlite3.connect(db)
    r = c.execute("SELECT host, pid, port, start_us, end_us, outcome, cause, open, evidence "
                  "FROM attempts ORDER BY host, start_us, pid, port").fetchall()
    c.close()
    return r


def positions(db):
    c = sqlite3.connect(db)
    r = c.execute("SELECT kind, key, position FROM positions").fetchall()
    c.close()
    return r


def make_host(gen, tmp, d, name, seed, start=None):
    ex = os.path.join(tmp, name + ".export")
    argv = [sys.executable, gen, "-n", str(PER_HOST), "--seed", str(seed), "--host", name,
            "--format", "export", "-o", ex]
    if start:
        argv += ["--start", start]
    subprocess.run(argv, check=True)
    subprocess.run([REMOTE, "-o", os.path.join(d, "remote-%s.journal" % name), ex],
                   check=True, stderr=subprocess.DEVNULL)
    os.unlink(ex)


def follow(sshwhy, db, d):
    err = open(db + ".err", "wb")
    return subprocess.Popen([sshwhy, "--db", db, "follow", "-n", "0", "--directory", d],
                            stdout=subprocess.DEVNULL, stderr=err)


def wait_rows(db, p, want, timeout=60):
    """Until the database holds want (a restart prints nothing when it has
    caught up) or timeout; the caller compares again after stopping."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if p.poll() is not None:
            raise SystemExit("FAIL follow exited: " + open(db + ".err").read())
        try:
            if rows(db) == want:
                return
        except sqlite3.Error:
            pass
        time.sleep(0.3)


def stop(p):
    """SIGTERM: follow commits and exits 0. A follow stopped before it has set
    its handlers (a restart that found nothing to do ends at once; slower
    under ASan) dies of the signal instead, having committed nothing yet:
    that is a stop too, and the caller compares the database either way."""
    p.send_signal(signal.SIGTERM)
    if p.wait(timeout=60) not in (0, -signal.SIGTERM):
        raise SystemExit("FAIL follow exited %d" % p.returncode)


def same(what, got, want):
    if got == want:
        print("ok   %s: %d attempts, the same as ingest's" % (what, len(want)))
        return 0
    g, w = set(got), set(want)
    print("FAIL %s: %d attempts vs %d; %d missing, %d extra, %d twice" %
          (what, len(got), len(want), len(w - g), len(g - w), len(got) - len(g)))
    for r in sorted(w - g)[:3]:
        print("  missing", r[:8])
    for r in sorted(g - w)[:3]:
        print("  extra  ", r[:8])
    return 1


def main():
    sshwhy, gen = sys.argv[1], sys.argv[2]
    hosts = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    if not os.access(REMOTE, os.X_OK) or not shutil.which("journalctl"):
        print("SKIP: needs %s and journalctl" % REMOTE)
        return 77
    seed = int(os.environ.get("SSHWHY_FLEET_SEED", random.randrange(1 << 30)))
    print("# SSHWHY_FLEET_SEED=%d" % seed)
    rnd = random.Random(seed)
    fails = 0
    tmp = tempfile.mkdtemp(prefix="sshwhy-fleet-")
    try:
        d = os.path.join(tmp, "remote")
        os.mkdir(d)
        for i in range(hosts):
            make_host(gen, tmp, d, "h%03d" % i, 100 + i)
        ref = os.path.join(tmp, "ref.db")
        subprocess.run([sshwhy, "--db", ref, "ingest", "-q", "--journal", "--directory", d], check=True)
        want = rows(ref)

        # 1. SIGKILL while catching up, restarts.
        db = os.path.join(tmp, "kill.db")
        kills = 0
        while True:
            p = follow(sshwhy, db, d)
            if kills < 6:
                time.sleep(rnd.uniform(0.05, 0.8))
                if p.poll() is None:
                    p.send_signal(signal.SIGKILL)
                    p.wait()
                    kills += 1
                    continue
            wait_rows(db, p, want)
            stop(p)
            break
        fails += same("SIGKILLed %d times while catching up" % kills, rows(db), want)
        pos = positions(db)
        per_host = [x for x in pos if x[0] == "journal-host"]
        main_row = [x for x in pos if x[0] == "journal"]
        if len(per_host) == hosts and main_row and main_row[0][2] == "hosts":
            print("ok   one position per host (%d), the directory's says 'hosts'" % hosts)
        else:
            print("FAIL positions: %d per host of %d, directory's %r" % (len(per_host), hosts, main_row))
            fails += 1

        # 2. A single cursor from before: the entries up to it in merged order.
        export = subprocess.run(["journalctl", "--directory", d, "-o", "export"], check=True,
                                stdout=subprocess.PIPE).stdout
        entries = export.split(b"\n\n")
        k = len(entries) // 2
        cursor = entries[k - 1].split(b"\n", 1)[0]
        assert cursor.startswith(b"__CURSOR=")
        head = os.path.join(tmp, "head.export")
        with open(head, "wb") as f:
            f.write(b"\n\n".join(entries[:k]) + b"\n\n")
        old = os.path.join(tmp, "old.db")
        subprocess.run([sshwhy, "--db", old, "ingest", "-q", head], check=True)
        c = sqlite3.connect(old)
        c.execute("INSERT INTO positions (kind, key, position, updated_us) VALUES ('journal', ?, ?, 0)",
                  (d, cursor[9:].decode()))
        c.commit()
        c.close()
        p = follow(sshwhy, old, d)
        wait_rows(old, p, want)
        stop(p)
        fails += same("resumed from a single cursor (entry %d of %d)" % (k, len(entries)), rows(old), want)
        per_host = [x for x in positions(old) if x[0] == "journal-host"]
        if len(per_host) == hosts:
            print("ok   the single cursor became %d per-host positions" % hosts)
        else:
            print("FAIL %d per-host positions after the single cursor, want %d" % (len(per_host), hosts))
            fails += 1

        # 3. Live: new entries of a known host, and a new sender's backlog.
        p = follow(sshwhy, db, d)
        time.sleep(1)
        # same seed: the same machine, two days later, appended to its file
        make_host(gen, tmp, d, "h000", 100, start="2026-11-03T00:00:00+00:00")
        # a new sender's backlog, moved in whole (written in place, its
        # lines would come in pieces, as live lines do)
        make_host(gen, tmp, tmp, "newhost", 9999)
        os.rename(os.path.join(tmp, "remote-newhost.journal"), os.path.join(d, "remote-newhost.journal"))
        subprocess.run([sshwhy, "--db", os.path.join(tmp, "ref2.db"), "ingest", "-q", "--journal",
                        "--directory", d], check=True)
        want2 = rows(os.path.join(tmp, "ref2.db"))
        wait_rows(db, p, want2, timeout=15)
        stop(p)
        fails += same("live: a host's new entries and a new sender's backlog", rows(db), want2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%s" % ("all passed" if not fails else "%d failed" % fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
