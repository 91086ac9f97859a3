#!/usr/bin/env python3
"""`sshwhy prune` on the real binary: usage errors (exit 2, one "sshwhy:"
line naming the problem), a missing database (exit 1, none created), a dry
run that deletes nothing, a prune that keeps the attempts still open and the
follow positions, --vacuum.

    prune_cli.py SSHWHY   (CORPUS_DIR: the corpus; times in it are 2026-11)
"""
import os
import sqlite3
import subprocess
import sys
import tempfile

SSHWHY = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SSHWHY", "build/sshwhy")
CORPUS = os.environ.get("CORPUS_DIR", "tests/corpus")
fails = 0


def run(*args):
    p = subprocess.run([SSHWHY] + list(args), capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def result(ok, name, detail=""):
    global fails
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        fails += 1


def expect(name, args, status, out_has=None, err_has=None):
    rc, out, err = run(*args)
    detail = "exit %d; stdout %r; stderr %r" % (rc, out[-300:], err[-300:])
    ok = rc == status and (out_has is None or out_has in out) and (err_has is None or err_has in err)
    if status == 2:
        # one line: "sshwhy: prune: MESSAGE; try 'sshwhy help prune'"
        ok = ok and err.startswith("sshwhy: prune: ") and err.count("\n") == 1 and \
            err.rstrip().endswith("; try 'sshwhy help prune'")
    result(ok, name, detail)
    return out


def q(db, sql):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql).fetchone()[0]
    finally:
        c.close()


def main():
    with tempfile.TemporaryDirectory() as t:
        db = os.path.join(t, "a.db")
        expect("usage: --older-than missing", ["--db", db, "prune"], 2, err_has="missing --older-than")
        for bad in ("90", "d", "0d", "90 parsecs", "-5d", "99999999999999999999d", "1e3d"):
            expect("usage: bad duration %r" % bad, ["--db", db, "prune", "--older-than", bad], 2,
                   err_has="invalid duration")
        expect("usage: unknown option", ["--db", db, "prune", "--older-than", "1d", "--bogus"], 2,
               err_has="'--bogus'")
        expect("usage: stray argument", ["--db", db, "prune", "--older-than", "1d", "x"], 2,
               err_has="'x'")
        expect("missing database: exit 1", ["--db", db, "prune", "--older-than", "90d"], 1,
               err_has="sshwhy: prune: no database at '%s'" % db)
        result(not os.path.exists(db), "missing database: none created")

        logs = sorted(os.path.join(CORPUS, d, "verbose", "auth.log") for d in os.listdir(CORPUS)
                      if os.path.exists(os.path.join(CORPUS, d, "verbose", "auth.log")))[:6]
        rc, out, err = run("--db", db, "ingest", *logs)
        result(rc == 0, "ingest corpus", err)
        total = q(db, "SELECT count(*) FROM attempts")
        result(total > 5, "attempts stored", str(total))
        # what follow needs: an attempt still open, a source position
        c = sqlite3.connect(db)
        c.execute("UPDATE attempts SET open = 1 WHERE id = (SELECT min(id) FROM attempts)")
        c.execute("INSERT OR REPLACE INTO positions VALUES ('file', '/var/log/auth.log', '1:2:3', 0)")
        c.commit()
        c.close()

        expect("nothing older than 100 years", ["--db", db, "prune", "--older-than", "5200w"], 0,
               out_has="deleted 0 attempts")
        result(q(db, "SELECT count(*) FROM attempts") == total, "100 years: all kept")
        out = expect("dry run", ["--db", db, "prune", "--older-than", "1s", "--dry-run"], 0,
                     out_has="would delete %d attempts" % (total - 1))
        result(q(db, "SELECT count(*) FROM attempts") == total, "dry run: all kept", out)
        out = expect("prune 1s with --vacuum", ["--db", db, "prune", "--older-than", "1s", "--vacuum"], 0,
                     out_has="deleted %d attempts" % (total - 1))
        result("kept 1 older attempt still open" in out and "vacuumed" in out, "prune: says what it kept", out)
        result(q(db, "SELECT count(*) FROM attempts") == 1 and q(db, "SELECT open FROM attempts") == 1,
               "prune: the open attempt stays")
        result(q(db, "SELECT count(*) FROM attempt_keys WHERE attempt_id NOT IN (SELECT id FROM attempts)") == 0,
               "prune: no key left without its attempt")
        result(q(db, "SELECT count(*) FROM orphans") == 0, "prune: old orphan lines go")
        result(q(db, "SELECT count(*) FROM positions") == 1, "prune: the position stays")
        expect("help", ["prune", "--help"], 0, out_has="--older-than")
    print("%d failure(s)" % fails)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
