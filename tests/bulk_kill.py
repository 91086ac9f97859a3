#!/usr/bin/env python3
"""A bulk load killed (SIGKILL) at random points, then ingested again, holds
exactly the attempts of a clean run (issue 15): the transaction in flight is
lost, the ones committed stay, the file is never damaged (integrity_check),
and the re-ingest stores what was lost without a duplicate.

usage: bulk_kill.py SSHWHY [LINES [KILLS]]   (GEN_AUTHLOG from the environment)
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

SSHWHY = sys.argv[1]
LINES = int(sys.argv[2]) if len(sys.argv) > 2 else 400000
KILLS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
GEN = os.environ.get("GEN_AUTHLOG") or os.path.join(os.path.dirname(__file__), "tools", "gen_authlog.py")


def ingest(db, log):
    p = subprocess.run([SSHWHY, "--db", db, "ingest", "--no-progress", log], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("ingest: exit %d: %s" % (p.returncode, p.stderr))
    return p.stdout.strip()


def dump(db):
    """Every attempt as JSON without its id (rowids depend on the order of
    the commits), sorted; and the answer of a few posted filters."""
    p = subprocess.run([SSHWHY, "--db", db, "attempts", "--json", "--limit", "0"], capture_output=True, check=True)
    rows = []
    for line in p.stdout.splitlines():
        a = json.loads(line)
        del a["id"]
        rows.append(json.dumps(a, sort_keys=True))
    rows.sort()
    counts = []
    for f in (["--user", "root"], ["--cause", "invalid-user"], ["--from", "10.0.0.0/8"]):
        q = subprocess.run([SSHWHY, "--db", db, "attempts", "--json", "--limit", "0"] + f,
                           capture_output=True, check=True)
        counts.append(len(q.stdout.splitlines()))
    return rows, counts


def main():
    tmp = tempfile.mkdtemp(prefix="sshwhy-bulk-kill-")
    log = os.path.join(tmp, "auth.log")
    subprocess.run([sys.executable, GEN, "-n", str(LINES), "--seed", "16", "-o", log], check=True)
    clean = os.path.join(tmp, "clean.db")
    t0 = time.monotonic()
    print("clean: " + ingest(clean, log))
    took = time.monotonic() - t0
    want, want_counts = dump(clean)
    print("%d attempts; filters %s; clean ingest %.2f s" % (len(want), want_counts, took))

    rnd = random.Random(int(os.environ.get("BULK_KILL_SEED", "16")))
    fails = 0
    for k in range(KILLS):
        db = os.path.join(tmp, "k%d.db" % k)
        at = rnd.uniform(0.05, max(0.1, took * 0.95))
        p = subprocess.Popen([SSHWHY, "--db", db, "ingest", "--no-progress", log],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(at)
        p.send_signal(signal.SIGKILL)
        rc = p.wait()
        stored = "-"
        if os.path.exists(db):
            con = sqlite3.connect(db)
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            try:
                stored = con.execute("SELECT count(*) FROM attempts").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0      # killed before the schema was committed
            con.close()
            if ok != "ok":
                print("FAIL kill %d: integrity_check: %s" % (k, ok))
                fails += 1
        again = ingest(db, log)
        got, got_counts = dump(db)
        same = got == want and got_counts == want_counts
        print("%s kill %d at %.2f s (%s): %s attempts stored before; re-ingest: %s" %
              ("ok  " if same else "FAIL", k, at, "killed" if rc == -9 else "exit %d" % rc, stored, again))
        if not same:
            fails += 1
            missing = set(want) - set(got)
            extra = set(got) - set(want)
            print("  %d missing, %d extra, filters %s want %s" % (len(missing), len(extra), got_counts, want_counts))
            for r in list(missing)[:2]:
                print("  missing: " + r[:300])
            for r in list(extra)[:2]:
                print("  extra:   " + r[:300])
    subprocess.run(["rm", "-rf", tmp])
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
