#!/usr/bin/env python3
"""PerSourcePenalties queryable (issue 12): the real binary on a real SQLite
file. Debian 12's sshd (9.2) has no PerSourcePenalties, so the listener's
lines are written here from openssh-portable's format strings:

  srclimit.c:srclimit_penalise()
    9.8-10.2  verbose_f/do_log2_f("%s: new %s %s penalty of %d seconds for %s")
    10.3+     "%s: new %s %s penalty of %.3f seconds for %s"
              logit_f("%s: activating %s penalty of %lld seconds for %s") (10.3+ %.3f)
              verbose_f("%s penalty table full, cannot penalise %s for %s")
    some builds print "%ds seconds" (the "5s seconds" typo)
    SIGINFO:  logit("%zu active %s penalties"), logit("client %s %s (%llu secs left)")
  sshd.c:drop_connection()
              "drop connection #%d from [%s]:%d on [%s]:%d %s" (%s = the penalty's reason)

Checks: the penalties table's rows (state, duration, range, reason), no
duplicate on re-ingest, stats counting the rows (not the listener's other
penalty lines), attempts --from ADDR / CIDR (text and --json), the drop
naming its penalty, --since/--until/--host, show, prune, and the migration
from a version-2 file filling the table from stored orphans.

usage: penalties.py SSHWHY"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
import olddb  # noqa: E402

LINES = [
    # 9.8-10.2, "%d seconds", deferred (below PerSourcePenalties min)
    "2026-05-19T14:32:30.000000+00:00 web1 sshd-session[4312]: Connection closed by authenticating user alice 203.0.113.38 port 50611 [preauth]",
    "2026-05-19T14:32:30.100000+00:00 web1 sshd[900]: srclimit_penalise: ipv4: new 203.0.113.38/32 deferred penalty of 5 seconds for penalty: failed authentication",
    # the "Ns seconds" typo
    "2026-05-19T14:32:31.000000+00:00 web1 sshd[900]: srclimit_penalise: ipv4: new 198.51.100.7/32 deferred penalty of 1s seconds for penalty: connections without attempting authentication",
    # activating: address first, then family (9.8-10.2 %lld)
    "2026-05-19T14:32:35.100000+00:00 web1 sshd[900]: srclimit_penalise: 203.0.113.38/32: activating ipv4 penalty of 18 seconds for penalty: failed authentication",
    "2026-05-19T14:32:36.000000+00:00 web1 sshd[900]: drop connection #1 from [203.0.113.38]:50613 on [198.51.100.10]:22 penalty: failed authentication",
    "2026-05-19T14:32:36.500000+00:00 web1 sshd[900]: drop connection #1 from [203.0.113.38]:50614 on [198.51.100.10]:22 penalty: failed authentication",
    # 10.3+ "%.3f", active at once (a crash), IPv6 /64
    "2026-05-19T14:32:37.000000+00:00 web1 sshd[900]: srclimit_penalise: ipv6: new 2001:db8:0:1::/64 active penalty of 90.000 seconds for penalty: caused crash",
    "2026-05-19T14:32:38.000000+00:00 web1 sshd[900]: drop connection #0 from [2001:db8:0:1::99]:40000 on [2001:db8::10]:22 penalty: caused crash",
    # 10.3+ activating with "%.3f"
    "2026-05-19T14:32:39.000000+00:00 web1 sshd[900]: srclimit_penalise: 198.51.100.7/32: activating ipv4 penalty of 15.250 seconds for penalty: connections without attempting authentication",
    # table full: refused, not imposed
    "2026-05-19T14:32:40.000000+00:00 web1 sshd[900]: srclimit_penalise: ipv4 penalty table full, cannot penalise 203.0.113.39/32 for penalty: connections without attempting authentication",
    # SIGINFO dump: penalty lines, not penalties imposed
    "2026-05-19T14:32:41.000000+00:00 web1 sshd[900]: 2 active ipv4 penalties",
    "2026-05-19T14:32:41.000000+00:00 web1 sshd[900]: client 203.0.113.38/32 penalty: failed authentication (15 secs left)",
    # another host, same address: a penalty of its own
    "2026-05-19T14:33:00.000000+00:00 db1 sshd[700]: srclimit_penalise: ipv4: new 203.0.113.38/32 active penalty of 30.000 seconds for penalty: exceeded LoginGraceTime",
    "2026-05-19T14:33:01.000000+00:00 db1 sshd[700]: drop connection #0 from [203.0.113.38]:50700 on [198.51.100.20]:22 penalty: exceeded LoginGraceTime",
    # a drop whose penalty was never logged (INFO before 10.1): names none
    "2026-05-19T14:34:00.000000+00:00 web1 sshd[900]: drop connection #0 from [192.0.2.77]:1234 on [198.51.100.10]:22 penalty: failed authentication",
    # srclimit_penalty_check_allow(): the table is full and PerSourcePenalties overflow=deny-all
    "2026-05-19T14:35:00.000000+00:00 web1 sshd[900]: drop connection #0 from [192.0.2.78]:1235 on [198.51.100.10]:22 too many penalised addresses",
]

failures = 0


def check(ok, what, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else ": " + detail))
    if not ok:
        failures += 1


def run(sshwhy, db, *args):
    env = dict(os.environ, TZ="UTC", LANG="C", LC_ALL="C")
    env.pop("SSHWHY_DB", None)
    return subprocess.run([sshwhy, "--db", db] + list(args), capture_output=True, text=True, env=env)


def rows(db):
    c = sqlite3.connect(db)
    r = c.execute("SELECT host, network, state, duration_ms, reason, bits, hex(lo), hex(hi) "
                  "FROM penalties ORDER BY time_us, id").fetchall()
    c.close()
    return r


def json_lines(p):
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]


def main():
    sshwhy = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="sshwhy-penalties-")
    log = os.path.join(tmp, "auth.log")
    with open(log, "w") as f:
        f.write("\n".join(LINES) + "\n")
    db = os.path.join(tmp, "p.db")

    p = run(sshwhy, db, "ingest", "--no-progress", log)
    check(p.returncode == 0 and "(0 unrecognised" in p.stdout, "ingest reads every line", p.stdout + p.stderr)
    want = [
        ("web1", "203.0.113.38/32", "deferred", 5000, "failed authentication", 128,
         "00000000000000000000FFFFCB007126", "00000000000000000000FFFFCB007126"),
        ("web1", "198.51.100.7/32", "deferred", 1000, "connections without attempting authentication", 128,
         "00000000000000000000FFFFC6336407", "00000000000000000000FFFFC6336407"),
        ("web1", "203.0.113.38/32", "activating", 18000, "failed authentication", 128,
         "00000000000000000000FFFFCB007126", "00000000000000000000FFFFCB007126"),
        ("web1", "2001:db8:0:1::/64", "active", 90000, "caused crash", 64,
         "20010DB8000000010000000000000000", "20010DB800000001FFFFFFFFFFFFFFFF"),
        ("web1", "198.51.100.7/32", "activating", 15250, "connections without attempting authentication", 128,
         "00000000000000000000FFFFC6336407", "00000000000000000000FFFFC6336407"),
        ("web1", "203.0.113.39/32", "table-full", None, "connections without attempting authentication", 128,
         "00000000000000000000FFFFCB007127", "00000000000000000000FFFFCB007127"),
        ("db1", "203.0.113.38/32", "active", 30000, "exceeded LoginGraceTime", 128,
         "00000000000000000000FFFFCB007126", "00000000000000000000FFFFCB007126"),
    ]
    got = rows(db)
    check(got == want, "penalties rows: states, durations, ranges, reasons", "\n  got  %s\n  want %s" % (got, want))

    p = run(sshwhy, db, "ingest", "--no-progress", log)
    check(p.returncode == 0 and rows(db) == want, "re-ingest adds no penalty", str(rows(db)))

    # stats counts the rows: the SIGINFO dump's two lines are kept as
    # orphan lines of kind "penalty" too, but impose nothing
    def stats_penalties(d, *args):
        q = run(sshwhy, d, "stats", "--json", *args)
        return json.loads(q.stdout)["penalties"] if q.returncode == 0 else q.stderr

    # imposed: the penalties that began to drop, once each (not the deferred
    # ones before they activate, not a full table's refusal)
    imposed = len([w for w in want if w[2] in ("active", "activating")])
    n = stats_penalties(db)
    check(n == imposed == 4, "stats: the penalties imposed, not the SIGINFO lines", "%s, want %d" % (n, imposed))
    n = stats_penalties(db, "--host", "web1")
    check(n == imposed - 1, "stats --host web1", str(n))
    n = stats_penalties(db, "--host", "db1")
    check(n == 1, "stats --host db1", str(n))
    n = stats_penalties(db, "--since", "2026-05-19T14:32:36Z", "--until", "2026-05-19T14:32:40Z")
    check(n == 2, "stats --since/--until bound the penalties", str(n))
    n = stats_penalties(db, "--since", "2026-05-19T14:32:41Z", "--until", "2026-05-19T14:33:00Z")
    check(n == 0, "stats: a SIGINFO dump alone is no penalty", str(n))
    n = stats_penalties(db, "--user", "alice")
    check(n is None, "stats --user: penalties unknown (null)", str(n))

    # attempts --from ADDR, JSON: the attempts, then the penalties
    p = run(sshwhy, db, "attempts", "--from", "203.0.113.38", "--json")
    objs = json_lines(p)
    atts = [o for o in objs if "record" not in o]
    pens = [o for o in objs if o.get("record") == "penalty"]
    check(p.returncode == 0, "attempts --from ADDR --json: exit 0", p.stderr)
    check([(o["host"], o["state"], o["duration_ms"]) for o in pens] ==
          [("web1", "deferred", 5000), ("web1", "activating", 18000), ("db1", "active", 30000)],
          "the penalties on the address, all hosts, oldest first", str(pens))
    check(all(o["reason"] and o["network"] == "203.0.113.38/32" and o["until"] and o["line"] and
              "srclimit_penalise" in o["line"] for o in pens), "each says why, for how long, until when, its line",
          str(pens))
    drops = [o for o in atts if o["cause"] == "per-source-penalty"]
    check(len(drops) == 3, "three drops from the address", str(atts))
    by_id = {o["id"]: o for o in pens}
    named = [(o["port"], o["penalty"] and o["penalty"]["id"]) for o in drops]
    web1_act = [o for o in pens if o["host"] == "web1" and o["state"] == "activating"][0]["id"]
    db1_act = [o for o in pens if o["host"] == "db1"][0]["id"]
    check(named == [(50613, web1_act), (50614, web1_act), (50700, db1_act)],
          "each drop names the penalty that dropped it (its host's, the active one)", str(named))
    check(all(o["penalty"]["id"] in by_id for o in drops), "the named penalties are listed", str(named))
    others = [o for o in atts if o["cause"] != "per-source-penalty"]
    check(all(o["penalty"] is None for o in others), "other attempts: penalty null", str(others))

    # text
    p = run(sshwhy, db, "attempts", "--from", "203.0.113.38")
    out = p.stdout
    check(p.returncode == 0 and "PENALTY" in out and "#%d" % web1_act in out and "#%d" % db1_act in out,
          "table: a PENALTY column names the penalty", out)
    check("TIME (+00:00)" in out.split("Penalties on", 1)[-1], "table: the penalties' time zone in their header", out)
    check("Penalties on 203.0.113.38" in out and "activating" in out and "18s" in out and
          "failed authentication" in out and "exceeded LoginGraceTime" in out,
          "table: the penalties follow, with state, length and reason", out)

    # CIDR: contained, containing, overlapping, disjoint
    def nets(*args):
        q = run(sshwhy, db, "attempts", "--json", *args)
        return sorted({o["network"] for o in json_lines(q) if o.get("record") == "penalty"}), q

    n, q = nets("--from", "203.0.113.0/24")
    check(n == ["203.0.113.38/32", "203.0.113.39/32"], "--from /24 finds the /32s inside it", str(n) + q.stderr)
    n, _ = nets("--from", "2001:db8:0:1::99")
    check(n == ["2001:db8:0:1::/64"], "--from an IPv6 address finds the /64 that contains it", str(n))
    n, _ = nets("--from", "2001:db8::/32")
    check(n == ["2001:db8:0:1::/64"], "--from a shorter IPv6 prefix finds the /64 inside", str(n))
    n, _ = nets("--from", "2001:db8:0:1:8000::/65")
    check(n == ["2001:db8:0:1::/64"], "--from a longer IPv6 prefix overlaps the /64", str(n))
    n, _ = nets("--from", "::ffff:203.0.113.38")
    check(n == ["203.0.113.38/32"], "--from an IPv4-mapped address finds the IPv4 penalty", str(n))
    n, _ = nets("--from", "203.0.114.0/24")
    check(n == [], "--from a disjoint network finds none", str(n))
    n, _ = nets("--from", "203.0.113.38", "--host", "db1")
    check(n == ["203.0.113.38/32"], "--host db1", str(n))
    q = run(sshwhy, db, "attempts", "--json", "--from", "203.0.113.38", "--since", "2026-05-19T14:32:31Z",
            "--until", "2026-05-19T14:32:59Z")
    st = [o["state"] for o in json_lines(q) if o.get("record") == "penalty"]
    check(st == ["activating"], "--since/--until bound the penalties too", str(st) + q.stderr)
    q = run(sshwhy, db, "attempts", "--json")
    check(not any(o.get("record") for o in json_lines(q)), "without --from: attempts only", q.stdout[:300])

    # a drop whose penalty was never logged
    q = run(sshwhy, db, "attempts", "--json", "--from", "192.0.2.77")
    o = json_lines(q)
    check(len(o) == 1 and o[0]["cause"] == "per-source-penalty" and o[0]["penalty"] is None,
          "a drop without a logged penalty names none", str(o))

    q = run(sshwhy, db, "attempts", "--json", "--from", "192.0.2.78")
    o = json_lines(q)
    check(len(o) == 1 and o[0]["cause"] == "per-source-penalty" and o[0]["penalty"] is None,
          "a drop for a full penalty table is PerSourcePenalties', not MaxStartups'", str(o))

    # show of a drop
    sid = drops[0]["id"]
    q = run(sshwhy, db, "show", str(sid))
    check(q.returncode == 0 and "penalty:" in q.stdout and "#%d activating" % web1_act in q.stdout,
          "show of a drop: the penalty line", q.stdout + q.stderr)
    q = run(sshwhy, db, "show", "--json", str(sid))
    check(q.returncode == 0 and json.loads(q.stdout)["penalty"]["id"] == web1_act, "show --json: penalty", q.stdout)

    # only penalties match
    q = run(sshwhy, db, "attempts", "--from", "203.0.113.39")
    check(q.returncode == 0 and "table-full" in q.stdout, "no attempt, a penalty: listed", q.stdout + q.stderr)

    # migration: a version-2 file (penalties stored only as orphans) is filled
    old = os.path.join(tmp, "old.db")
    olddb.make_old(old, db, 2)
    c = sqlite3.connect(old)
    n_orph = c.execute("SELECT count(*) FROM orphans WHERE kind = 'penalty'").fetchone()[0]
    c.close()
    check(n_orph == 9, "the version-2 file keeps 9 penalty orphans", str(n_orph))
    q = run(sshwhy, old, "attempts", "--json", "--from", "203.0.113.38")
    check(q.returncode == 0 and "upgrading database" in q.stderr, "attempts upgrades the version-2 file", q.stderr)
    check(rows(old) == want, "the migration fills penalties from the orphans", str(rows(old)))
    n = stats_penalties(old)
    check(n == imposed, "stats on the upgraded file: the same count", str(n))
    pens2 = [o["state"] for o in json_lines(q) if o.get("record") == "penalty"]
    check(pens2 == ["deferred", "activating", "active"], "and attempts shows them at once", str(pens2))

    # prune takes a penalty with its orphan line
    q = run(sshwhy, db, "prune", "--older-than", "1d")
    c = sqlite3.connect(db)
    left = c.execute("SELECT count(*) FROM penalties").fetchone()[0]
    c.close()
    check(q.returncode == 0 and left == 0, "prune deletes the penalties with their lines", "%d left %s" % (left, q.stderr))

    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
