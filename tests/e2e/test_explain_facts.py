#!/usr/bin/env python3
"""End-to-end: `explain` on the server narrows a generic cause with the
server's files (sshwhy check), and says it did.

A real sshd at LogLevel INFO, real ssh -vvv clients, real journald: at INFO a
refused key leaves only "Connection closed by authenticating user ... [preauth]",
and the client log only says the key was refused, so the logs alone give a
generic verdict with candidates. explain must then consult the user's files
and name the one cause they prove; with --no-check it must stay generic.

usage: test_explain_facts.py [SSHWHY]   exit 0 pass, 1 fail, 77 skip
"""
import json
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

ALICE, DAVE = "sshwhy-alice", "sshwhy-dave"


def explain(L, db, sshd, log_path, *extra):
    p = L.run_sshwhy("--db", db, "explain", "--no-update", "--json",
                     "--host-keys", os.path.join(L.tmp, "hostkeys"),
                     "--config", sshd.config_path, *extra, log_path, check=False)
    if p.returncode != 0:
        raise lab.LabError("explain failed (%d): %s" % (p.returncode, p.stderr))
    return json.loads(p.stdout)


def main(argv):
    sshwhy = argv[1] if len(argv) > 1 else os.environ.get("SSHWHY")
    if not sshwhy:
        print("SKIP: sshwhy binary not given (argument or SSHWHY)")
        return 77
    why = lab.missing_prerequisites()
    if why:
        print("SKIP: e2e lab cannot run here: " + "; ".join(why))
        return 77
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    errs = []
    try:
        with lab.Lab(sshwhy=sshwhy, keep=os.environ.get("SSHWHY_E2E_KEEP") == "1") as L:
            k_alice, k_stray, k_dave = L.key("alice_ed25519"), L.key("stray_ed25519"), L.key("dave_ed25519")
            L.user(ALICE, [k_alice])
            dave = L.user(DAVE, [])
            shutil.rmtree(dave.ssh_dir)         # no ~/.ssh at all
            sshd = L.sshd(loglevel="INFO", name="info")
            cases = [
                # label, user, key, the cause the files prove, the generic causes the logs allow
                ("key-not-authorized", ALICE, k_stray, "key-not-authorized"),
                ("ssh-dir-missing", DAVE, k_dave, "authorized-keys-missing"),
            ]
            runs = []
            for label, user, key, want in cases:
                r = L.ssh(user, key, sshd=sshd, label=label)
                if r.returncode == 0:
                    errs.append("%s: the login succeeded; the scenario is broken" % label)
                runs.append((label, r, want))
            sshd.stop()
            L.sync()
            db = os.path.join(L.tmp, "j.db")
            L.run_sshwhy("--db", db, "ingest", *L.journal_args())
            for label, r, want in runs:
                with_facts = explain(L, db, sshd, r.log_path)
                without = explain(L, db, sshd, r.log_path, "--no-check")
                facts = with_facts.get("server_facts") or {}
                print("  %-20s logs alone: %-26s with the server's files: %-26s (note: %s)" % (
                    label, without.get("cause"), with_facts.get("cause"), facts.get("note")))
                if not without.get("generic"):
                    errs.append("%s: the logs alone gave a specific cause %r; "
                                "the scenario no longer tests narrowing" % (label, without.get("cause")))
                if want not in (without.get("candidates") or []):
                    errs.append("%s: %s is not among the logs' candidates %r" % (
                        label, want, without.get("candidates")))
                if with_facts.get("cause") != want:
                    errs.append("%s: explain said %r, want %r (server_facts %r)" % (
                        label, with_facts.get("cause"), want, facts))
                if not facts.get("checked") or facts.get("log_cause") != without.get("cause"):
                    errs.append("%s: server_facts does not say what the logs alone said: %r" % (label, facts))
                if without.get("server_facts", {}).get("checked"):
                    errs.append("%s: --no-check still consulted the files" % label)
            if errs:
                L.keep = True
                print("evidence kept in " + L.tmp)
    except lab.Skip as e:
        print("SKIP: %s" % e)
        return 77
    except lab.LabError as e:
        errs.append("lab: %s" % e)
    if errs:
        print("FAIL (%d):" % len(errs))
        for e in errs:
            print("  " + e)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
