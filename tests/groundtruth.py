#!/usr/bin/env python3
"""Generator ground truth: every connection of gen_authlog.py's ground truth
must become exactly one attempt with the right user, address, port and
outcome, and no attempt may appear that the ground truth does not have.

usage: groundtruth.py SSHWHY GENERATOR [LINES] [--verbose] [--format F]
The generator's outcome words map to sshwhy's like this (sshwhy separates a
LoginGraceTime expiry from other aborts, and keeps unfinished ones open):
  accepted -> accepted | session-refused, failed -> failed, refused -> refused,
  aborted -> aborted, dropped -> dropped; cause login_grace_timeout -> timeout;
  a connection the generator cut off (complete: false) may also be open.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

OUTCOME_MAP = {
    "accepted": {"accepted", "session-refused"},
    "failed": {"failed"},
    "refused": {"refused"},
    "aborted": {"aborted"},
    "dropped": {"dropped"},
}


def main():
    sshwhy, gen = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    lines = "200000"
    if args and args[0].isdigit():
        lines = args.pop(0)
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "auth.log")
        gt = os.path.join(tmp, "gt.jsonl")
        db = os.path.join(tmp, "t.db")
        subprocess.run([sys.executable, gen, "-n", lines, "--seed", "7", "--ground-truth", gt,
                        "-o", log] + args, check=True)
        env = dict(os.environ, TZ="UTC")
        subprocess.run([sshwhy, "--db", db, "ingest", "--quiet", "--year", "2026", log],
                       check=True, env=env)
        p = subprocess.run([sshwhy, "--db", db, "attempts", "--json"], capture_output=True,
                           text=True, check=True, env=env)
        attempts = [json.loads(x) for x in p.stdout.splitlines()]
        truth = [json.loads(x) for x in open(gt)]
        # The same file again, twice: its head meets the attempts its end left
        # open (same pids, same client ports); nothing new may appear.
        reingest_errors = []
        for n in (2, 3):
            p = subprocess.run([sshwhy, "--db", db, "ingest", "--no-progress", "--year", "2026", log],
                               capture_output=True, text=True, env=env)
            m = re.search(r"(\d+) new attempts", p.stdout)
            if p.returncode != 0 or not m or m.group(1) != "0":
                reingest_errors.append("ingest #%d of the same file: exit %d, %s%s" %
                                       (n, p.returncode, p.stdout.strip(), p.stderr.strip()))
        p = subprocess.run([sshwhy, "--db", db, "attempts", "--json"], capture_output=True,
                           text=True, check=True, env=env)
        again = [json.loads(x) for x in p.stdout.splitlines()]
        if len(again) != len(attempts):
            reingest_errors.append("after re-ingesting: %d attempts, was %d" % (len(again), len(attempts)))
        # The file in two halves, named newest first and without rotation
        # numbers: ingest orders them by their first line, so the connections
        # that span the cut are still one attempt each.
        with open(log, "rb") as f:
            data = f.read().splitlines(keepends=True)
        half = len(data) // 2
        while half < len(data) and "export" in args and data[half - 1] != b"\n":
            half += 1           # export: cut between entries (after an empty line)
        newer, older = os.path.join(tmp, "a-newer.log"), os.path.join(tmp, "b-older.log")
        with open(newer, "wb") as f:
            f.writelines(data[half:])
        with open(older, "wb") as f:
            f.writelines(data[:half])
        db2 = os.path.join(tmp, "halves.db")
        subprocess.run([sshwhy, "--db", db2, "ingest", "--quiet", "--year", "2026", newer, older],
                       check=True, env=env)
        p = subprocess.run([sshwhy, "--db", db2, "attempts", "--json"], capture_output=True,
                           text=True, check=True, env=env)
        ident = lambda a: json.dumps([a["pid"], a["port"], a["start"], a["outcome"], a["cause"], len(a["evidence"])])
        halves = sorted(ident(json.loads(x)) for x in p.stdout.splitlines())
        whole = sorted(ident(a) for a in attempts)
        if halves != whole:
            reingest_errors.append("the two halves, newest named first: %d attempts, %d differ from the "
                                   "whole file's %d" % (len(halves), len(set(halves) ^ set(whole)), len(whole)))

    by_key = {}
    for a in attempts:
        by_key.setdefault((a["address"], a["port"]), []).append(a)
    errors = []
    matched = set()
    for t in truth:
        key = (t["ip"], t["port"])
        cands = [a for a in by_key.get(key, []) if a["pid"] == t["pid"]]
        if len(cands) != 1:
            errors.append("conn %s %s:%s pid %s: %d attempts" % (t["conn"], t["ip"], t["port"],
                                                                 t["pid"], len(cands)))
            continue
        a = cands[0]
        matched.add(a["id"])
        want = set(OUTCOME_MAP[t["outcome"]])
        if t["cause"] == "login_grace_timeout":
            want = {"timeout"}
        if not t["complete"]:
            want.add("open")
        if a["outcome"] not in want:
            errors.append("conn %s (%s/%s): outcome %s (cause %s), expected %s" %
                          (t["conn"], t["kind"], t["cause"], a["outcome"], a["cause"], sorted(want)))
        if (t["user"] or "") != (a["user"] or ""):
            errors.append("conn %s: user %r, expected %r" % (t["conn"], a["user"], t["user"]))
    errors += reingest_errors
    extra = [a for a in attempts if a["id"] not in matched]
    for a in extra[:20]:
        errors.append("extra attempt %s pid %s %s:%s %s %s" % (a["id"], a["pid"], a["address"],
                                                              a["port"], a["outcome"], a["cause"]))
    print("ground truth: %d connections, %d attempts, %d matched, %d extra, %d errors" %
          (len(truth), len(attempts), len(matched), len(extra), len(errors)))
    for e in errors[:40]:
        print("FAIL " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
