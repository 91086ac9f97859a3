#!/usr/bin/env python3
"""End-to-end: real sshd + real ssh clients -> real journald -> real rsyslog,
then `sshwhy ingest` of auth.log and of the journal must name the right cause
for every connection.

usage: test_ingest.py [SSHWHY]     (or env SSHWHY); exit 0 pass, 1 fail, 77 skip
env:   SSHWHY_E2E_JOURNAL=namespace|global|auto (default auto: namespace when
       unshare works), SSHWHY_E2E_KEEP=1 keeps the temp dir.

Every connection is matched to its attempt by client source port and address;
the set of attempts must be exactly the set of connections made (no extra, no
missing), identical between auth.log and journal, and each must have the
expected user, outcome and cause (what the server log at that LogLevel can
prove, as in tests/corpus/*/*/expected.json server_visible_cause).
"""
import datetime
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

ALICE, BOB, CAROL = "sshwhy-alice", "sshwhy-bob", "sshwhy-carol"
NOBODY = "sshwhy-nosuchuser"


def parse_time(s):
    return datetime.datetime.fromisoformat(s).timestamp()


def scenarios(L):
    """Run every client; return [(result, expected dict)]."""
    k_alice = L.key("alice_ed25519")
    k_bob = L.key("bob_ed25519")
    k_carol = L.key("carol_ed25519")
    k_stray = L.key("stray_ed25519")
    missing_key = os.path.join(L.tmp, "keys", "id_ed25519_does_not_exist")
    L.user(ALICE, [k_alice])
    L.user(BOB, [k_bob])
    carol = L.user(CAROL, [k_carol])
    try:
        import pwd
        pwd.getpwnam(NOBODY)
        raise lab.LabError("user %s exists; the invalid-user scenario needs it absent" % NOBODY)
    except KeyError:
        pass

    t = time.monotonic()
    info = L.sshd(loglevel="INFO", name="info")
    verbose = L.sshd(loglevel="VERBOSE", name="verbose")
    allow = L.sshd(loglevel="INFO", name="allowusers", extra="AllowUsers %s" % ALICE)
    print("3 sshd up in %.2f s" % (time.monotonic() - t))

    out = []

    def go(label, sshd, user, key, expect, host="127.0.0.1", ok=False):
        t0 = time.monotonic()
        r = L.ssh(user, key, sshd=sshd, host=host, label=label)
        print("  %-34s rc=%-3s src_port=%s (%s) %.2f s" % (label, r.returncode, r.src_port,
              r.src_port_from, time.monotonic() - t0))
        e = dict(expect, user=user, address=host, ok=ok, label=label, loglevel=sshd.loglevel)
        out.append((r, e))

    for sshd in (info, verbose):
        lv = sshd.loglevel.lower()
        go(lv + "-success-ed25519", sshd, ALICE, k_alice,
           {"outcome": "accepted", "cause": "accepted", "fingerprint": k_alice.fingerprint}, ok=True)
        go(lv + "-key-not-authorized", sshd, ALICE, k_stray,
           {"outcome": "failed",
            "cause": "preauth-close-no-detail" if lv == "info" else "pubkey-rejected-no-reason",
            "fingerprint": None if lv == "info" else k_stray.fingerprint})
        with carol.mode(carol.ssh_dir, 0o777):
            go(lv + "-strictmodes-ssh-dir-0777", sshd, CAROL, k_carol,
               {"outcome": "failed", "cause": "strictmodes-dir-perms"})
        go(lv + "-invalid-user", sshd, NOBODY, k_stray,
           {"outcome": "failed", "cause": "invalid-user"})
        if L.ipv6:
            go(lv + "-ipv6-success", sshd, ALICE, k_alice,
               {"outcome": "accepted", "cause": "accepted"}, host="::1", ok=True)
        else:
            print("  (no IPv6 loopback on this machine: ::1 scenario left out)")
        go(lv + "-no-key-offered", sshd, BOB, missing_key,
           {"outcome": "failed",
            "cause": "preauth-close-no-detail" if lv == "info" else "no-key-offered"})
    go("allowusers-excludes-user", allow, BOB, k_bob,
       {"outcome": "refused", "cause": "not-in-allowusers"})
    go("allowusers-lists-user", allow, ALICE, k_alice,
       {"outcome": "accepted", "cause": "accepted"}, ok=True)
    return out, [info, verbose, allow]


def check_client(r, e, errs):
    if e["ok"] and r.returncode != 0:
        errs.append("%s: client failed (rc %s), see %s" % (e["label"], r.returncode, r.log_path))
    if not e["ok"] and r.returncode == 0:
        errs.append("%s: client unexpectedly logged in" % e["label"])
    if r.src_port is None:
        errs.append("%s: client source port not observed" % e["label"])


def check_attempts(name, attempts, runs, t_start, errs):
    """attempts: sshwhy JSON objects; runs: [(result, expected)]."""
    mine = [a for a in attempts if a.get("start") and parse_time(a["start"]) >= t_start - 1]
    by_key = {}
    for a in mine:
        by_key.setdefault((a.get("address"), a.get("port")), []).append(a)
    seen = set()
    for r, e in runs:
        k = (e["address"], r.src_port)
        got = by_key.get(k, [])
        if len(got) != 1:
            errs.append("%s %s: %d attempts for %s port %s (want 1)" % (name, e["label"], len(got), k[0], k[1]))
            continue
        a = got[0]
        seen.add(id(a))
        for f in ("user", "outcome", "cause"):
            if a.get(f) != e[f]:
                errs.append("%s %s: %s is %r, want %r (attempt %s)" % (name, e["label"], f, a.get(f), e[f], a.get("id")))
        if a.get("open"):
            errs.append("%s %s: attempt still open" % (name, e["label"]))
        fp = e.get("fingerprint")
        if fp and fp not in str(a.get("keys")):
            errs.append("%s %s: fingerprint %s not in keys %r" % (name, e["label"], fp, a.get("keys")))
        if a.get("port") is None or a.get("pid") is None:
            errs.append("%s %s: no pid/port in %r" % (name, e["label"], a))
    for a in mine:
        if id(a) not in seen:
            errs.append("%s: unexpected attempt %s %s %s:%s %s/%s" % (
                name, a.get("id"), a.get("user"), a.get("address"), a.get("port"), a.get("outcome"), a.get("cause")))
    return {(a.get("address"), a.get("port"), a.get("pid"), a.get("user"), a.get("outcome"), a.get("cause"))
            for a in mine}


def main(argv):
    sshwhy = argv[1] if len(argv) > 1 else os.environ.get("SSHWHY")
    if not sshwhy:
        print("SKIP: sshwhy binary not given (argument or SSHWHY)")
        return 77
    if not os.access(sshwhy, os.X_OK):
        print("FAIL: %s is not an executable" % sshwhy)
        return 1
    why = lab.missing_prerequisites()
    if why:
        print("SKIP: e2e lab cannot run here: " + "; ".join(why))
        return 77
    # meson's timeout sends SIGTERM: unwind through the finally blocks
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    errs = []
    T0 = time.monotonic()
    try:
        with lab.Lab(sshwhy=sshwhy, keep=os.environ.get("SSHWHY_E2E_KEEP") == "1") as L:
            print("pipeline: %s mode, journal %s, auth.log %s (%.2f s)" % (
                L.mode, L.journal_dir, L.auth_log, time.monotonic() - T0))
            if L.created:
                print("created on this machine: " + ", ".join(L.created))
            t = time.monotonic()
            runs, sshds = scenarios(L)
            print("%d clients in %.2f s" % (len(runs), time.monotonic() - t))
            for r, e in runs:
                check_client(r, e, errs)
            for s in sshds:
                s.stop()
            L.sync()

            t = time.monotonic()
            tdb, jdb = os.path.join(L.tmp, "t.db"), os.path.join(L.tmp, "j.db")
            L.run_sshwhy("--db", tdb, "ingest", L.auth_log)
            L.run_sshwhy("--db", jdb, "ingest", *L.journal_args())
            sets = {
                "auth.log": check_attempts("auth.log", L.attempts(tdb), runs, L.t_start, errs),
                "journal": check_attempts("journal", L.attempts(jdb), runs, L.t_start, errs),
            }
            if L.mode == "global":
                # the machine's own journal, as `sshwhy ingest --journal` reads it
                ldb = os.path.join(L.tmp, "l.db")
                L.run_sshwhy("--db", ldb, "ingest", "--journal")
                sets["local journal"] = check_attempts("local journal", L.attempts(ldb), runs, L.t_start, errs)
            print("ingest + attempts in %.2f s" % (time.monotonic() - t))
            ref = sets["auth.log"]
            for n, s in sets.items():
                if s != ref:
                    errs.append("%s and auth.log disagree: only %s %r, only auth.log %r" % (
                        n, n, sorted(s - ref, key=str), sorted(ref - s, key=str)))
            for r, e in runs:
                print("  %-34s %-7s %-13s %-5s port %-5s -> want %s/%s" % (
                    e["label"], e["loglevel"], e["user"], e["address"], r.src_port, e["outcome"], e["cause"]))
            if errs:
                L.keep = True
                print("evidence kept in " + L.tmp)
    except lab.Skip as e:
        print("SKIP: %s" % e)
        return 77
    except lab.LabError as e:
        errs.append("lab: %s" % e)
    print("total %.2f s" % (time.monotonic() - T0))
    if errs:
        print("FAIL (%d):" % len(errs))
        for e in errs:
            print("  " + e)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
