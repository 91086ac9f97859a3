#!/usr/bin/env python3
"""Postings (issue 15) agree with a full scan.

A generated log of ~200k attempts is ingested in eight overlapping pieces
read out of order, so the database holds what the writer's updates
leave: open attempts adopted and closed by a later input, tails of stored
connections merged into them, duplicates skipped. Then random filters
(--user, --from ADDR, --from CIDR v4/v6, --cause, combined, with and without a
time range and --limit) are asked of `sshwhy attempts --json` and `stats
--json`, and their answers compared with a full scan of the attempts table
in Python (the filter's meaning written again: cidr_match's included).

usage: postings.py SSHWHY [ATTEMPTS]   (GEN_AUTHLOG from the environment)
"""
import ipaddress
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile

SSHWHY = sys.argv[1]
TARGET = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
GEN = os.environ.get("GEN_AUTHLOG") or os.path.join(os.path.dirname(__file__), "tools", "gen_authlog.py")
fails = 0


def check(ok, what):
    global fails
    if not ok:
        fails += 1
        print("FAIL " + what)


def run(db, *args, stdin=None):
    p = subprocess.run([SSHWHY, "--db", db] + list(args), capture_output=True, input=stdin)
    if p.returncode != 0:
        sys.exit("sshwhy %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout


def parse_addr(a):
    try:
        return ipaddress.ip_address(a.split("%", 1)[0])
    except ValueError:
        return None


def in_net(addr, net):
    """store.c cidr_contains(): an IPv4 network holds IPv4-mapped IPv6 too."""
    if addr is None:
        return False
    if net.version == 4 and addr.version == 6 and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.version == net.version and addr in net


def main():
    tmp = tempfile.mkdtemp(prefix="sshwhy-postings-")
    log = os.path.join(tmp, "auth.log")
    # ~4 lines an attempt in the generator's mix
    subprocess.run([sys.executable, GEN, "-n", str(TARGET * 4), "--seed", "15", "-o", log], check=True)
    with open(log, "rb") as f:
        lines = f.readlines()
    n = len(lines)
    # eight pieces, each overlapping the next by 2%, read out of order
    cuts = [int(n * k / 8) for k in range(9)]
    db = os.path.join(tmp, "t.db")
    for name in (0, 5, 2, 7, 1, 4, 6, 3):
        lo, hi = max(0, cuts[name] - n // 50), cuts[name + 1]
        path = os.path.join(tmp, "%d.log" % name)
        with open(path, "wb") as f:
            f.writelines(lines[lo:hi])
        out = subprocess.run([SSHWHY, "--db", db, "ingest", path], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit("ingest %s: %s" % (name, out.stderr))
        print("ingest %s: %s" % (name, (out.stdout + out.stderr).strip()))

    con = sqlite3.connect(db)
    rows = con.execute("SELECT id, start_us, user, addr, cause, outcome FROM attempts").fetchall()
    updated = con.execute("SELECT count(*) FROM (SELECT 1 FROM postings GROUP BY kind, first_id HAVING count(*) > 1)").fetchone()[0]
    con.close()
    print("%d attempts, postings appended by updates for ~%d" % (len(rows), updated))
    check(len(rows) >= TARGET * 0.8, "the database holds %d attempts, want ~%d" % (len(rows), TARGET))
    parsed = {r[0]: parse_addr(r[3]) for r in rows}

    users = [r[2] for r in rows]
    addrs = [r[3] for r in rows]
    causes = sorted({r[4] for r in rows})
    starts = sorted(r[1] for r in rows)
    rnd = random.Random(int(os.environ.get("POSTINGS_SEED", "15")))

    def rand_filter():
        f = {}
        kind = rnd.choice(["user", "user", "addr", "cidr4", "cidr4", "cidr6", "cause", "cause", "combo"])
        if kind in ("user", "combo"):
            f["user"] = rnd.choice(users)
        if kind == "addr":
            f["from"] = rnd.choice(addrs)
        if kind == "cidr4":
            v4 = [a for a in (rnd.choice(addrs) for _ in range(50)) if ":" not in a and "." in a]
            a = v4[0] if v4 else "10.0.0.1"
            f["from"] = str(ipaddress.ip_network("%s/%d" % (a, rnd.randint(8, 31)), strict=False))
        if kind == "cidr6":
            v6 = [a for a in (rnd.choice(addrs) for _ in range(200)) if ":" in a]
            a = v6[0].split("%")[0] if v6 else "2001:db8::1"
            f["from"] = str(ipaddress.ip_network("%s/%d" % (a, rnd.randint(16, 64)), strict=False))
        if kind in ("cause", "combo"):
            f["cause"] = rnd.choice(causes)
        if rnd.random() < .3:
            i, j = sorted(rnd.randrange(len(starts)) for _ in range(2))
            f["since"], f["until"] = starts[i], starts[j] + 1
        return f

    def expected(f):
        net = ipaddress.ip_network(f["from"], strict=False) if "from" in f and "/" in f["from"] else None
        out = []
        for (i, st, u, a, c, o) in rows:
            if "user" in f and u != f["user"]:
                continue
            if "cause" in f and c != f["cause"]:
                continue
            if "since" in f and not (f["since"] <= st < f["until"]):
                continue
            if net is not None:
                if not in_net(parsed[i], net):
                    continue
            elif "from" in f and a != f["from"]:
                continue
            out.append((st, i))
        out.sort()
        return [i for (_, i) in out]

    def args_of(f):
        a = []
        for k in ("user", "from", "cause"):
            if k in f:
                a += ["--" + k, f[k]]
        if "since" in f:
            a += ["--since", "@%d" % (f["since"] // 1000000), "--until", "@%d" % (f["until"] // 1000000)]
        return a

    asked = 0
    for _ in range(int(os.environ.get("POSTINGS_QUERIES", "120"))):
        f = rand_filter()
        if "since" in f:    # --since/--until say whole seconds
            f["since"] -= f["since"] % 1000000
            f["until"] += -f["until"] % 1000000
        want = expected(f)
        base = args_of(f)
        for limit in (1, 50, 0):
            if limit == 0 and len(want) > 3000:
                continue        # the count below covers it
            a = ["attempts", "--json"] + (["--limit", str(limit)] if limit else ["--limit", "0"]) + base
            got = [json.loads(l)["id"] for l in run(db, *a).splitlines() if l.strip()]
            w = want[-limit:] if limit else want
            check(got == w, "%s: got %d ids %s..., want %d %s..." % (" ".join(a), len(got), got[:5], len(w), w[:5]))
            asked += 1
        span = [] if "since" in f else ["--since", "@0", "--until", "@4102444800"]
        st = json.loads(run(db, "stats", "--json", *(span + base)))
        check(st.get("attempts") == len(want), "stats %s: %s attempts, want %d" % (" ".join(base), st.get("attempts"), len(want)))
        asked += 1
    print("%d answers compared with a full scan, %d wrong" % (asked, fails))
    subprocess.run(["rm", "-rf", tmp])
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
