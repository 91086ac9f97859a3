#!/usr/bin/env python3
"""A version-1 and a version-2 database migrate to postings in place and keep
every attempt (issue 15): the same rows, and the posted filters (--user,
--from ADDR, --from CIDR, --cause) answer as on a database this version
wrote itself.

The old databases are made from the old schema files (sql/001, sql/002) and
filled with the rows of a database this version ingested from a generated
log (version 1 has no session_end: its reference has them emptied).

usage: postings_upgrade.py SSHWHY SQL_DIR   (GEN_AUTHLOG from the environment)
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

SSHWHY, SQL = sys.argv[1], sys.argv[2]
GEN = os.environ.get("GEN_AUTHLOG") or os.path.join(os.path.dirname(__file__), "tools", "gen_authlog.py")
V1_COLS = ("id, uid, host, pid, child_pid, start_us, end_us, open, addr, port, server_port, user, "
           "user_valid, outcome, cause, candidates, detail, reason, loglevel, evidence, evidence_dropped")
FILTERS = [[], ["--user", "root"], ["--user", "alice"], ["--cause", "invalid-user"], ["--cause", "accepted"],
           ["--from", "10.0.0.0/8"], ["--from", "2000::/3"], ["--from", "66.0.0.0/8", "--cause", "banner-exchange-failed"]]


def sshwhy(db, *args):
    p = subprocess.run([SSHWHY, "--db", db] + list(args), capture_output=True)
    if p.returncode != 0:
        sys.exit("sshwhy %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout, p.stderr.decode(errors="replace")


def make_old(path, src, version):
    con = sqlite3.connect(path)
    for v in range(1, version + 1):
        name = [f for f in sorted(os.listdir(SQL)) if f.startswith("%03d-" % v)][0]
        with open(os.path.join(SQL, name)) as f:
            con.executescript(f.read())
    cols = V1_COLS + (", session_end" if version >= 2 else "")
    con.execute("ATTACH DATABASE ? AS src", (src,))
    con.execute("INSERT INTO attempts (%s) SELECT %s FROM src.attempts" % (cols, cols))
    for t in ("attempt_keys", "orphans", "positions"):
        con.execute("INSERT INTO %s SELECT * FROM src.%s" % (t, t))
    con.commit()
    con.execute("DETACH DATABASE src")
    con.execute("PRAGMA journal_mode = WAL")
    con.close()


def answers(db):
    out = []
    for f in FILTERS:
        for lim in (["--limit", "50"], ["--limit", "0"]):
            out.append(sshwhy(db, "attempts", "--json", *(lim + f))[0])
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="sshwhy-postings-upgrade-")
    log = os.path.join(tmp, "auth.log")
    subprocess.run([sys.executable, GEN, "-n", "120000", "--seed", "17", "-o", log], check=True)
    src = os.path.join(tmp, "src.db")
    subprocess.run([SSHWHY, "--db", src, "ingest", "--no-progress", log], check=True, capture_output=True)
    ref2 = answers(src)
    ref1_db = os.path.join(tmp, "ref1.db")
    shutil.copy(src, ref1_db)
    con = sqlite3.connect(ref1_db)
    con.execute("UPDATE attempts SET session_end = ''")
    con.commit()
    con.close()
    ref1 = answers(ref1_db)
    n = sqlite3.connect(src).execute("SELECT count(*) FROM attempts").fetchone()[0]

    fails = 0
    for version, ref in ((1, ref1), (2, ref2)):
        db = os.path.join(tmp, "v%d.db" % version)
        make_old(db, src, version)
        _, err = sshwhy(db, "attempts", "--limit", "1")
        con = sqlite3.connect(db)
        uv = con.execute("PRAGMA user_version").fetchone()[0]
        got_n = con.execute("SELECT count(*) FROM attempts").fetchone()[0]
        posted = con.execute("SELECT count(*) FROM postings").fetchone()[0]
        old = con.execute("SELECT count(*) FROM sqlite_master WHERE name IN "
                          "('attempts_user', 'attempts_addr', 'attempts_cause')").fetchone()[0]
        con.close()
        got = answers(db)
        bad = [" ".join(f) or "(all)" for i, f in enumerate(FILTERS) if got[2 * i:2 * i + 2] != ref[2 * i:2 * i + 2]]
        ok = uv >= 3 and got_n == n and posted > 0 and old == 0 and not bad and "upgrading" in err
        print("%s version %d -> %d: %d of %d attempts, %d postings, old indexes left %d, filters differing: %s" %
              ("ok  " if ok else "FAIL", version, uv, got_n, n, posted, old, bad or "none"))
        fails += not ok
    shutil.rmtree(tmp)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
