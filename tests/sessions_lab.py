#!/usr/bin/env python3
"""Long sessions (issue 17) with a real sshd, ssh, journald and rsyslog (tests/e2e/lab.py).

At LogLevel INFO and VERBOSE: sessions of a few seconds held open with
`sleep`; while they are open `follow` is killed (SIGKILL) and restarted and
auth.log is rotated, so each session's start is in auth.log.1 and its end in
auth.log. Then:
  - follow's database,
  - a database fed the two files in separate ingest commands, the newer first,
  - a database fed the journal in one command,
must each hold every session as one accepted attempt, closed, with a duration
of about the sleep, how it ended, no other attempt for that client port, and
`attempts --active` must have listed the sessions while they were open.

usage: sessions_lab.py SSHWHY; exit 0 pass, 1 fail, 77 skip
env:   SSHWHY_E2E_KEEP=1 keeps the lab's temp dir.
"""
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e"))
import lab  # noqa: E402

ALICE = "sshwhy-sess"      # its own user: other tests reset sshwhy-alice's keys
SLEEP = 6
N_SESSIONS = 2


def follow(L, sshwhy, db, name):
    return L.popen([sshwhy, "--db", db, "follow", "--json", "--file", L.auth_log], name=name,
                   stdout=open(os.path.join(L.tmp, name + ".out"), "ab"))


def check_db(L, db, label, ports, errs):
    attempts = L.attempts(db)
    for port in ports:
        mine = [a for a in attempts if a.get("port") == port]
        if len(mine) != 1:
            errs.append("%s: port %d: %d attempts, expected 1: %s" % (
                label, port, len(mine), [(a["id"], a["outcome"], a["cause"]) for a in mine]))
            continue
        a = mine[0]
        if (a["outcome"], a["cause"], a["open"]) != ("accepted", "accepted", False):
            errs.append("%s: port %d: %s/%s open=%s" % (label, port, a["outcome"], a["cause"], a["open"]))
        d = (a.get("duration_ms") or 0) / 1000.0
        if not SLEEP - 1 <= d <= SLEEP + 15:
            errs.append("%s: port %d: duration %s s, expected about %d" % (label, port, d, SLEEP))
        if not a.get("session_end"):
            errs.append("%s: port %d: no session_end" % (label, port))
    failed = [a for a in attempts if a["outcome"] != "accepted"]
    for a in failed:
        errs.append("%s: a %s attempt (%s) port %s: %s" % (label, a["outcome"], a["cause"], a.get("port"),
                                                             a["evidence"][:2]))
    active = L.attempts(db, "--active")
    if active:
        errs.append("%s: %d sessions still active at the end" % (label, len(active)))
    print("%s: %d attempts, %d sessions checked" % (label, len(attempts), len(ports)))


def run_level(L, sshwhy, level, key, errs):
    sshd = L.sshd(loglevel=level, name="sess-" + level.lower())
    fdb = os.path.join(L.tmp, "follow-%s.db" % level)
    if os.path.exists(L.auth_log):
        L.rotate_auth_log("rename", suffix=".pre-" + level)
    f = follow(L, sshwhy, fdb, "follow-" + level)
    time.sleep(0.5)
    clients = [L.ssh_start(ALICE, key, sshd=sshd, command="sleep %d" % SLEEP,
                           label="sess-%s-%d" % (level, i)) for i in range(N_SESSIONS)]
    # Logged in (Accepted + session opened in the log)?
    L.wait_for_lines(N_SESSIONS, pattern="session opened for user " + ALICE, timeout=10)
    L.sync()
    for c in clients:
        c.poll_port()
    time.sleep(1.0)
    active = L.attempts(fdb, "--active")
    if len(active) != N_SESSIONS:
        errs.append("%s: attempts --active listed %d sessions while %d were open" % (
            level, len(active), N_SESSIONS))
    # follow dies and comes back while the sessions are open, and auth.log rotates
    f.send_signal(signal.SIGKILL)
    f.wait()
    old = L.rotate_auth_log("rename", suffix=".1")
    f = follow(L, sshwhy, fdb, "follow-" + level)
    results = [c.wait(SLEEP + 30) for c in clients]
    sshd.wait_idle()
    L.sync()
    time.sleep(1.5)
    f.send_signal(signal.SIGTERM)
    f.wait(10)
    ports = [r.src_port for r in results if r.src_port]
    if len(ports) != N_SESSIONS or any(r.returncode != 0 for r in results):
        errs.append("%s: clients: %s" % (level, [(r.returncode, r.src_port) for r in results]))
    check_db(L, fdb, "follow %s (killed, restarted, rotated)" % level, ports, errs)
    # the two files in separate commands, the newer first
    ndb = os.path.join(L.tmp, "newer-first-%s.db" % level)
    L.run_sshwhy("--db", ndb, "ingest", L.auth_log)
    tails = [a for a in L.attempts(ndb) if a["cause"] == "session-end-start-missing"]
    if len(tails) != N_SESSIONS:
        errs.append("%s: the newer file alone gave %d session ends, expected %d" % (
            level, len(tails), N_SESSIONS))
    L.run_sshwhy("--db", ndb, "ingest", old)
    check_db(L, ndb, "ingest newer file, then older %s" % level, ports, errs)
    jdb = os.path.join(L.tmp, "journal-%s.db" % level)
    L.run_sshwhy("--db", jdb, "ingest", *L.journal_args())
    check_db(L, jdb, "journal %s" % level, ports, errs)
    os.rename(old, old + "-" + level)
    sshd.stop()


def main(argv):
    sshwhy = argv[1] if len(argv) > 1 else os.environ.get("SSHWHY")
    if not sshwhy or not os.access(sshwhy, os.X_OK):
        print("SKIP: sshwhy binary not given")
        return 77
    why = lab.missing_prerequisites()
    if why:
        print("SKIP: e2e lab cannot run here: " + "; ".join(why))
        return 77
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    errs = []
    try:
        with lab.Lab(sshwhy=sshwhy, keep=os.environ.get("SSHWHY_E2E_KEEP") == "1") as L:
            key = L.key("sess_ed25519")
            L.user(ALICE, [key])
            for level in ("INFO", "VERBOSE"):
                run_level(L, sshwhy, level, key, errs)
            if errs:
                L.keep = True
                print("evidence kept in " + L.tmp)
    except lab.Skip as e:
        print("SKIP: %s" % e)
        return 77
    except lab.LabError as e:
        errs.append("lab: %s" % e)
    for e in errs:
        print("FAIL " + e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
