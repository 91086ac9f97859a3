#!/usr/bin/env python3
"""End-to-end: explain picks a partner's own connection among look-alikes.

A real sshd at LogLevel INFO, real ssh -vvv clients, real journald. A
partner retries six times while the admin mends the server: no
authorized_keys (twice), then ~/.ssh mode 0777 (twice), then the wrong key
in authorized_keys, then success. Between the partner's tries two other
users fail from the same address in the same minutes (one with a key that
is not authorised, one with no account). Each client log is then explained
against the one database with --around at the client's exact start, and
again as an admin would type it (cut to the minute): explain must name the
client's own connection first, or say it is ambiguous and list it among the
alternatives (or, when all that fit share one cause, say "N attempts, same
cause" and list it among them); with the exact start, each try must get
its stage's cause (or it among the candidates of a generic verdict).

usage: test_explain_lab.py [SSHWHY]   exit 0 pass, 1 fail, 77 skip
"""
import datetime
import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

PARTNER, BOB, NOBODY = "sshwhy-partner", "sshwhy-bob", "sshwhy-nosuchuser"


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat()


def minute(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")


def explain(L, db, log_path, around):
    p = L.run_sshwhy("--db", db, "explain", "--no-update", "--no-check", "--json",
                     "--host-keys", os.path.join(L.tmp, "hostkeys"), "--around", around, log_path, check=False)
    if p.returncode != 0:
        raise lab.LabError("explain failed (%d): %s" % (p.returncode, p.stderr))
    return json.loads(p.stdout)


def judge(out, run, want):
    """None when explain named this client's connection (or said it is
    ambiguous and listed it, or said "N attempts, same cause" and listed it
    among them) with the cause wanted; else the problem."""
    ms = out.get("matches") or []
    alts = (out.get("alternatives") or []) if out.get("ambiguous") else []
    top = (ms[0].get("attempt") or {}) if ms else {}
    tied = ms[:out.get("tied") or 1] if not out.get("ambiguous") else ms[:1]
    if any((m.get("attempt") or {}).get("port") == run.src_port for m in tied):
        cause, cands = out.get("cause"), out.get("candidates") or []
    else:
        mine = [a for a in alts if (a.get("attempt") or {}).get("port") == run.src_port]
        if not mine:
            return "top match port %s, want %s (ambiguous %s, %d alternatives)" % (
                top.get("port"), run.src_port, out.get("ambiguous"), len(alts))
        cause, cands = mine[0].get("cause"), mine[0].get("candidates") or []
    if want and cause != want and want not in cands:
        return "cause %s (candidates %s), want %s" % (cause, cands, want)
    return None


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
            k_partner, k_old, k_bob = L.key("partner_ed25519"), L.key("old_ed25519"), L.key("bob_ed25519")
            partner = L.user(PARTNER, [])
            L.user(BOB, [k_old])
            sshd = L.sshd(loglevel="INFO", name="mend")
            runs = []       # (who, result, the cause explain should give)

            def others(i):
                runs.append(("bob-%d" % i, L.ssh(BOB, k_bob, sshd=sshd, label="bob-%d" % i), "key-not-authorized"))
                runs.append(("nobody-%d" % i, L.ssh(NOBODY, k_bob, sshd=sshd, label="nobody-%d" % i),
                             "invalid-user"))

            # 1, 2: no authorized_keys at all
            os.unlink(partner.authorized_keys)
            for i in (1, 2):
                runs.append(("partner-%d" % i, L.ssh(PARTNER, k_partner, sshd=sshd, label="partner-%d" % i),
                             "authorized-keys-missing"))
                others(i)
            # 3, 4: the key is there, but ~/.ssh is world-writable
            partner.authorize(k_partner)
            with partner.mode(partner.ssh_dir, 0o777):
                for i in (3, 4):
                    runs.append(("partner-%d" % i, L.ssh(PARTNER, k_partner, sshd=sshd, label="partner-%d" % i),
                                 "strictmodes-dir-perms"))
                    others(i)
            # 5: modes mended, the wrong key installed
            partner.authorize(k_old)
            runs.append(("partner-5", L.ssh(PARTNER, k_partner, sshd=sshd, label="partner-5"),
                         "key-not-authorized"))
            others(5)
            # 6: the right key: success
            partner.authorize(k_partner)
            runs.append(("partner-6", L.ssh(PARTNER, k_partner, sshd=sshd, label="partner-6"), "accepted"))
            sshd.stop()
            L.sync()
            if runs[-1][1].returncode != 0:
                errs.append("the partner's last try failed; the scenario is broken")
            db = os.path.join(L.tmp, "lab.db")
            L.run_sshwhy("--db", db, "ingest", *L.journal_args())
            n_ok = {"exact": 0, "minute": 0}
            n_ambiguous = {"exact": 0, "minute": 0}
            for who, r, want in runs:
                if r.src_port is None:
                    errs.append("%s: the client's source port is not known" % who)
                    continue
                for mode, around in (("exact", iso(r.started)), ("minute", minute(r.started + 90))):
                    out = explain(L, db, r.log_path, around)
                    problem = judge(out, r, want if mode == "exact" else None)
                    n_ambiguous[mode] += bool(out.get("ambiguous"))
                    print("  %-10s %-6s port %-5s -> %-28s rule %-22s ambiguous %-5s %s" % (
                        who, mode, r.src_port, out.get("cause"), out.get("rule"), out.get("ambiguous"),
                        problem or "ok"))
                    if problem:
                        errs.append("%s (%s): %s" % (who, mode, problem))
                    else:
                        n_ok[mode] += 1
            for mode in ("exact", "minute"):
                print("%s: %d/%d right, %d ambiguous" % (mode, n_ok[mode], len(runs), n_ambiguous[mode]))
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
