#!/usr/bin/env python3
"""Data-driven test over the real captures in tests/corpus (see its README).

For every capture folder NN-name/<level>/ and every server-side format
(auth.log, auth-traditional.log, server.export, server.json) it ingests the
file into a fresh database with the real binary, reads the attempts back with
`sshwhy attempts --json` and checks:
  * every format yields the same attempts (pid, port, user, outcome, cause);
  * each attempt's cause equals expected.json's server_visible_cause (kebab);
    multi-connection captures are matched per connection by client port;
  * a capture whose server logged nothing (NO_SERVER_TRACE) yields no attempt.
KNOWN_MISSES lists the captures whose expected code the log cannot support,
each with the reason; a listed capture that starts passing fails the test too,
so the list stays honest. Prints the score.

usage: corpus.py SSHWHY [CORPUS_DIR]
"""
import json
import os
import subprocess
import sys
import tempfile

FORMATS = ["auth.log", "auth-traditional.log", "server.export", "server.json"]

# capture -> why the expected code is not what sshwhy (rightly) says.
KNOWN_MISSES = {
    "02-key-not-in-authorized-keys/debug1":
        "byte-identical server log to 20a/debug1 and 20f/debug1 (whose expected code is "
        "pubkey-rejected-no-reason): at DEBUG1 a broken or corrupt authorized_keys line "
        "is silent, so 'key not authorized' cannot be proven; sshwhy says "
        "pubkey-rejected-no-reason with key-not-authorized as the first candidate",
    "new-02-key-not-in-authorized-keys/debug1":
        "same as 02/debug1 (OpenSSH 10.5 logs the same lines)",
}


def kebab(code):
    return code.lower().replace("_", "-")


def ingest(sshwhy, path, db):
    env = dict(os.environ, TZ="UTC")
    p = subprocess.run([sshwhy, "--db", db, "ingest", "--quiet", "--year", "2026", path],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError("ingest %s failed (%d): %s" % (path, p.returncode, p.stderr))
    p = subprocess.run([sshwhy, "--db", db, "attempts", "--json"],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError("attempts failed (%d): %s" % (p.returncode, p.stderr))
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


def expected_connections(exp):
    if exp.get("connections"):
        return [(c["client_port"], kebab(c["server_visible_cause"])) for c in exp["connections"]]
    return [(exp.get("client_port"), kebab(exp["server_visible_cause"]))]


def check_capture(sshwhy, folder, tmp):
    exp = json.load(open(os.path.join(folder, "expected.json")))
    want = expected_connections(exp)
    problems = []
    seen = {}
    for fmt in FORMATS:
        path = os.path.join(folder, fmt)
        if not os.path.exists(path):
            continue
        db = os.path.join(tmp, fmt + ".db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
        got = ingest(sshwhy, path, db)
        seen[fmt] = sorted((a["pid"], a["port"], a["user"], a["outcome"], a["cause"]) for a in got)
        by_port = {}
        for a in got:
            by_port.setdefault(a["port"], []).append(a)
        if want == [(exp.get("client_port"), "no-server-trace")] or (
                len(want) == 1 and want[0][1] == "no-server-trace"):
            if got:
                problems.append("%s: expected no attempt, got %s" %
                                (fmt, [(a["port"], a["cause"]) for a in got]))
            continue
        pids = set(exp.get("server_pids") or [])
        for port, cause in want:
            cands = by_port.get(port, [])
            if not cands and len(want) == 1:
                # Some logs never print the client port (PAM account refusal,
                # 9.8+ listener grace timeout): match by the connection's pid.
                cands = [a for a in by_port.get(None, []) if a["pid"] in pids or not pids]
            if len(cands) != 1:
                problems.append("%s: port %s: %d attempts (%s)" %
                                (fmt, port, len(cands), [(a["port"], a["cause"]) for a in got]))
                continue
            if cands[0]["cause"] != cause:
                problems.append("%s: port %s: cause %s, expected %s" %
                                (fmt, port, cands[0]["cause"], cause))
        extra = [a for a in got if a["port"] not in {p for p, _ in want}
                 and not (a["port"] is None and (a["pid"] in pids or not pids) and len(want) == 1)]
        if extra:
            problems.append("%s: unexpected attempts %s" %
                            (fmt, [(a["port"], a["cause"]) for a in extra]))
    formats = list(seen)
    for fmt in formats[1:]:
        if seen[fmt] != seen[formats[0]]:
            problems.append("%s and %s disagree: %s vs %s" %
                            (formats[0], fmt, seen[formats[0]], seen[fmt]))
    return problems


def main():
    sshwhy = sys.argv[1]
    corpus = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("CORPUS_DIR", "tests/corpus")
    folders = sorted(os.path.join(corpus, d, lvl)
                     for d in os.listdir(corpus) if os.path.isdir(os.path.join(corpus, d))
                     for lvl in os.listdir(os.path.join(corpus, d))
                     if os.path.exists(os.path.join(corpus, d, lvl, "expected.json")))
    if not folders:
        print("no captures under %s" % corpus)
        return 77
    ok = 0
    unexpected = []
    with tempfile.TemporaryDirectory() as tmp:
        for folder in folders:
            name = os.path.relpath(folder, corpus)
            problems = check_capture(sshwhy, folder, tmp)
            if not problems:
                ok += 1
                if name in KNOWN_MISSES:
                    unexpected.append("%s now passes: remove it from KNOWN_MISSES" % name)
                continue
            if name in KNOWN_MISSES:
                print("known miss %s: %s" % (name, KNOWN_MISSES[name]))
                continue
            for p in problems:
                unexpected.append("%s: %s" % (name, p))
    print("corpus score: %d/%d captures fully right (%.1f%%), %d known misses explained" %
          (ok, len(folders), 100.0 * ok / len(folders), len(KNOWN_MISSES)))
    for u in unexpected:
        print("FAIL " + u)
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
