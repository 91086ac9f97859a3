#!/usr/bin/env python3
"""Lines from the wild (tests/data/wild): each <case>.log is ingested into a
real SQLite file by the real binary with --print-unrecognised; ingest must
read every line (0 unrecognised, 0 malformed, nothing printed as missed) and
the stored attempts must be the ones <case>.expect lists, in order, one per
line: ADDRESS USER CAUSE ('-' = none). A first line "# args: ..." gives extra
ingest options; "# refuse: TEXT" means ingest must refuse the file (exit 1)
with TEXT in its message.

usage: wild.py SSHWHY [CASE...]"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.environ.get("TEST_DATA_DIR", os.path.join(HERE, "data")), "wild")


def run_case(sshwhy, case, tmp):
    log = os.path.join(DATA, case + ".log")
    with open(os.path.join(DATA, case + ".expect")) as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    args, refuse = [], None
    while lines and lines[0].startswith("#"):
        head = lines.pop(0)
        if head.startswith("# args:"):
            args = shlex.split(head[len("# args:"):])
        elif head.startswith("# refuse:"):
            refuse = head[len("# refuse:"):].strip()
    db = os.path.join(tmp, case + ".db")
    env = dict(os.environ, TZ="UTC")
    p = subprocess.run([sshwhy, "--db", db, "ingest", "--no-progress", "--print-unrecognised"] + args + [log],
                       capture_output=True, text=True, env=env)
    if refuse is not None:
        if p.returncode != 1 or refuse not in p.stderr:
            return "want exit 1 and %r; got %d: %s" % (refuse, p.returncode, p.stderr.strip())
        return None
    if p.returncode != 0:
        return "ingest exit %d: %s" % (p.returncode, p.stderr.strip())
    out = p.stdout
    summary = [l for l in out.splitlines() if " lines read from " in l]
    if len(summary) != 1 or "(0 unrecognised" not in summary[0] or "malformed" in summary[0] \
            or "\n0 lines not read as sshd events" not in "\n" + out:
        return "ingest did not read every line:\n" + out
    q = subprocess.run([sshwhy, "--db", db, "attempts", "--json", "--limit", "0"],
                       capture_output=True, text=True, env=env)
    if q.returncode != 0:
        return "attempts exit %d: %s" % (q.returncode, q.stderr.strip())
    got = []
    for l in q.stdout.splitlines():
        a = json.loads(l)
        got.append("%s %s %s" % (a.get("address") or "-", a.get("user") or "-", a.get("cause") or "-"))
    if got != lines:
        return "attempts differ:\n  want: %s\n  got:  %s" % ("\n        ".join(lines), "\n        ".join(got))
    return None


def main():
    sshwhy = sys.argv[1]
    cases = sys.argv[2:] or sorted(f[:-4] for f in os.listdir(DATA) if f.endswith(".log"))
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            err = run_case(sshwhy, case, tmp)
            if err:
                failed += 1
                print("FAIL %s: %s" % (case, err))
            else:
                print("ok   %s" % case)
    print("%d of %d wild fixtures pass" % (len(cases) - failed, len(cases)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
