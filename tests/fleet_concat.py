#!/usr/bin/env python3
"""A fleet's syslog files concatenated host after host (time goes back at
every host, as `cat */auth.log | sshwhy ingest -`) must give the attempts and
orphan lines of the same lines merged in time order, and the same again when
ingested a second time into the same database (issue 15).

usage: fleet_concat.py SSHWHY GENERATOR [HOSTS]
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile


def content(db):
    c = sqlite3.connect(db)
    a = c.execute("SELECT host, pid, port, start_us, end_us, outcome, cause, open, evidence "
                  "FROM attempts ORDER BY host, start_us, pid, port").fetchall()
    o = c.execute("SELECT host, time_us, line FROM orphans ORDER BY host, time_us, line").fetchall()
    c.close()
    return a, o


def main():
    sshwhy, gen = sys.argv[1], sys.argv[2]
    hosts = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    tmp = tempfile.mkdtemp(prefix="sshwhy-concat-")
    fails = 0
    try:
        lines = []
        cat = os.path.join(tmp, "cat.log")
        with open(cat, "w") as f:
            for i in range(hosts):
                out = subprocess.run([sys.executable, gen, "-n", "300", "--seed", str(7 + i), "--host",
                                      "h%02d" % i, "--format", "rfc3339"], check=True,
                                     stdout=subprocess.PIPE, text=True).stdout
                f.write(out)
                lines += out.splitlines(keepends=True)
        merged = os.path.join(tmp, "merged.log")
        with open(merged, "w") as f:
            f.writelines(sorted(lines, key=lambda l: l.split(" ", 1)[0]))
        for name, path in (("cat", cat), ("merged", merged)):
            subprocess.run([sshwhy, "--db", os.path.join(tmp, name + ".db"), "ingest", "-q", path], check=True)
        want, got = content(os.path.join(tmp, "merged.db")), content(os.path.join(tmp, "cat.db"))
        if got == want:
            print("ok   concatenated host after host: %d attempts, %d orphan lines, as merged in time order"
                  % (len(want[0]), len(want[1])))
        else:
            print("FAIL concatenated: %d attempts, %d orphans; merged: %d attempts, %d orphans"
                  % (len(got[0]), len(got[1]), len(want[0]), len(want[1])))
            fails += 1
        subprocess.run([sshwhy, "--db", os.path.join(tmp, "cat.db"), "ingest", "-q", cat], check=True)
        again = content(os.path.join(tmp, "cat.db"))
        if again == got:
            print("ok   the same input again adds nothing")
        else:
            print("FAIL the same input again: %d attempts, %d orphans" % (len(again[0]), len(again[1])))
            fails += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
