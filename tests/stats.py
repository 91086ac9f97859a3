#!/usr/bin/env python3
"""sshwhy stats against a real SQLite file filled by a real ingest.

The numbers of `stats --json` are recomputed here from `attempts --json` (a
different path through the store) for the whole database and for filters;
the timeline's sums and per-bucket counts are checked against the attempts'
start times; the text chart's tallest column and empty columns are where the
counts say; no line is wider than --width (80, 200, 40) in display columns;
LANG=C gives pure ASCII, C.UTF-8 block characters; a hostile user name never
reaches the terminal raw; bad values are usage errors (exit 2); an empty
database says "no attempts match".

usage: stats.py SSHWHY GEN_AUTHLOG [SCHEMA]   (SCHEMA given: validate only, 77 without jsonschema)
       stats.py SSHWHY GEN_AUTHLOG --summaries  (the summaries against the rows, see summaries())
"""
import collections
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
        print("FAIL:", what)


def run(sshwhy, db, *args, env=None, ok=(0,)):
    e = dict(os.environ, TZ="UTC")
    e.update(env or {})
    p = subprocess.run([sshwhy, "--db", db] + list(args), capture_output=True, env=e)
    if p.returncode not in ok:
        raise SystemExit("%s exited %d: %s" % (args, p.returncode, p.stderr.decode(errors="replace")))
    return p


def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def expected(rows):
    """What stats must say about these attempts (attempts --json objects)."""
    ex = dict(attempts=len(rows), accepted=0, failed=0, open=0, outcomes=collections.Counter(),
              causes=collections.Counter(), users=collections.defaultdict(lambda: [0, 0]),
              sources=collections.defaultdict(lambda: [0, 0]), minutes=collections.defaultdict(lambda: [0, 0]))
    for a in rows:
        ex["outcomes"][a["outcome"]] += 1
        ex["causes"][a["cause"]] += 1
        if a["outcome"] == "open":
            ex["open"] += 1
            continue
        k = 1 if a["outcome"] == "accepted" else 0
        ex["accepted" if k else "failed"] += 1
        if a.get("user"):
            ex["users"][a["user"]][k] += 1
        if a.get("address"):
            ex["sources"][a["address"]][k] += 1
        t = datetime.datetime.fromisoformat(a["start"]).timestamp()
        ex["minutes"][int(t // 60)][k] += 1
    return ex


def top(counts, k, n):
    items = [(v[k], name) for name, v in counts.items() if v[k]]
    return sorted(items, key=lambda x: -x[0])[:n]


def compare(sshwhy, db, label, filt):
    rows = [json.loads(l) for l in run(sshwhy, db, "attempts", "--json", "--limit", "0", *filt).stdout.splitlines()]
    st = json.loads(run(sshwhy, db, "stats", "--json", "--top", "5", *filt).stdout)
    ex = expected(rows)
    check(len(rows) > 0, "%s: the filter matches attempts (a test of nothing proves nothing)" % label)
    for k in ("attempts", "accepted", "failed", "open"):
        check(st[k] == ex[k], "%s: %s %s != %s" % (label, k, st[k], ex[k]))
    check(st["outcomes"] == dict(ex["outcomes"]), "%s: outcomes %s != %s" % (label, st["outcomes"], dict(ex["outcomes"])))
    got_causes = {c["cause"]: c["count"] for c in st["causes"]}
    check(got_causes == dict(ex["causes"]), "%s: causes differ" % label)
    check(st["distinct_users"] == len(ex["users"]), "%s: distinct users" % label)
    check(st["distinct_sources"] == len(ex["sources"]), "%s: distinct sources" % label)
    for kind, key, name in (("top_users", "users", "user"), ("top_sources", "sources", "source")):
        for col, idx in (("failed", 0), ("accepted", 1)):
            got = [(e["count"], e[name]) for e in st[kind][col]]
            want = top(ex[key], idx, 5)
            # ties may be ordered differently: compare the counts, and each name's own count
            check([c for c, _ in got] == [c for c, _ in want], "%s: %s %s counts %s != %s" % (label, kind, col, got, want))
            check(all(ex[key][n][idx] == c for c, n in got), "%s: %s %s names" % (label, kind, col))
    tl = st["timeline"]
    check(sum(tl["failed"]) == ex["failed"] and sum(tl["accepted"]) == ex["accepted"], "%s: timeline sums" % label)
    if rows:
        t0 = datetime.datetime.fromisoformat(tl["start"]).timestamp()
        b = tl["bucket_seconds"]
        buckets = collections.defaultdict(lambda: [0, 0])
        for m, (f, a) in ex["minutes"].items():
            i = int((m * 60 - t0) // b)
            buckets[i][0] += f
            buckets[i][1] += a
        for i in range(len(tl["failed"])):
            if [tl["failed"][i], tl["accepted"][i]] != buckets.get(i, [0, 0]):
                check(False, "%s: timeline bucket %d" % (label, i))
                break
    return rows, st


def chart_columns(text):
    """The text chart's rows of the first series: list of strings after the axis bar."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("  did not log in (max"))
    rows = []
    for l in lines[start + 1:start + 9]:
        rows.append(l.split("\u2502", 1)[1] if "\u2502" in l else l.split("|", 1)[1])
    return rows


def both_ways(sshwhy, db, label, filters):
    """stats from the summaries (made or brought up to date on the way) and
    stats from the rows (SSHWHY_STATS_SCAN=1) say the same, JSON and text."""
    for filt in filters:
        for fmt in (["--json", "--top", "50"], ["--width", "120", "--top", "50", "--utc"]):
            # a range that ends now moves between the two runs: fix its end
            until = [] if "--until" in filt or "--since" not in filt else ["--until", "2026-12-20"]
            args = ["stats"] + fmt + list(filt) + until
            a = run(sshwhy, db, *args, env={"LC_ALL": "C"}).stdout
            b = run(sshwhy, db, *args, env={"LC_ALL": "C", "SSHWHY_STATS_SCAN": "1"}).stdout
            check(a == b, "%s %s: the summaries say what the rows say" % (label, " ".join(args)))
            if a != b:
                import difflib
                print("".join(list(difflib.unified_diff(b.decode().splitlines(True), a.decode().splitlines(True),
                                                        "rows", "summaries"))[:40]))
            if fmt[0] == "--json" and not filt:
                check(json.loads(a)["attempts"] > 0, "%s: attempts to compare" % label)


def summary_levels(db):
    import sqlite3
    c = sqlite3.connect(db)
    try:
        return dict(c.execute("SELECT level, count(*) FROM summary GROUP BY level").fetchall())
    finally:
        c.close()


def summaries(sshwhy, gen):
    """The summaries (sql/005-summary.sql, src/store-summary.c) against the
    rows on a month of generated traffic, through every way the writer changes
    attempts: ingest, open attempts stored then finished by the next input (as
    follow does), an overlapping file (merges), a session's end read before
    its start (joins), prune; and a database made before the summaries."""
    filters = ([], ["--cause", "invalid-user"], ["--outcome", "failed"], ["--outcome", "open"], ["--host", "vm"],
               ["--host", "elsewhere"], ["--since", "2026-11-03 05:17", "--until", "2026-11-25 13:42:07"],
               ["--since", "2026-11-10"], ["--until", "2026-11-09 23:59:30"], ["--group", "24,64"],
               ["--since", "2026-11-20 10:00", "--until", "2026-11-20 10:30", "--cause", "password-failed"])
    with tempfile.TemporaryDirectory() as tmp:
        # the generator's bursts fill a day or two: 40 days are ten
        # stretches of traffic, four days apart (a 16-day bucket inside)
        lines = []
        for i in range(10):
            start = datetime.datetime(2026, 10, 28, i, 17) + datetime.timedelta(days=4 * i)
            out = subprocess.run([sys.executable, gen, "-n", "4000", "--seed", str(5 + i), "--format", "rfc3339",
                                  "--verbose", "--host", "vm", "--start", start.isoformat(),
                                  "--rate", "0.02", "--legit-rate", "0.01"], check=True, capture_output=True).stdout
            lines += out.splitlines(True)
        n = len(lines)
        parts = {"a": lines[:n * 6 // 10], "b": lines[n * 6 // 10:], "c": lines[n // 2:]}
        for k, v in parts.items():
            with open(os.path.join(tmp, k + ".log"), "wb") as f:
                f.writelines(v)
        db = os.path.join(tmp, "s.db")
        # the first 60%: its last connections stay open; stats makes the summaries
        run(sshwhy, db, "ingest", os.path.join(tmp, "a.log"))
        both_ways(sshwhy, db, "first part", filters)
        # from 50%: overlaps the first part (merged), finishes its open attempts
        run(sshwhy, db, "ingest", os.path.join(tmp, "c.log"))
        both_ways(sshwhy, db, "overlap and open attempts finished", filters)
        levels = summary_levels(db)
        check(levels.get(0, 0) > 20 and levels.get(1, 0) > 10 and levels.get(2, 0) >= 1,
              "summaries of hours, days and 16 days were made (%s)" % levels)
        # prune: what the summaries held of the deleted attempts goes with them
        age = (datetime.datetime.now(datetime.timezone.utc) -
               datetime.datetime(2026, 11, 14, 7, 30, tzinfo=datetime.timezone.utc))
        run(sshwhy, db, "prune", "--older-than", "%ds" % int(age.total_seconds()))
        both_ways(sshwhy, db, "pruned", filters)

        # a session's end read before its start: joined when the start comes
        db2 = os.path.join(tmp, "s2.db")
        run(sshwhy, db2, "ingest", os.path.join(tmp, "b.log"))
        both_ways(sshwhy, db2, "the later part first", filters[:3])
        run(sshwhy, db2, "ingest", os.path.join(tmp, "a.log"))
        both_ways(sshwhy, db2, "then the earlier part", filters)

        # a database made before the summaries (schema 2): marked whole by
        # the migration, made at the first stats
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
        import olddb
        db3 = os.path.join(tmp, "s3.db")
        olddb.make_old(db3, db2, 2)
        both_ways(sshwhy, db3, "upgraded", filters[:2])
    print("stats-summary: %d failures" % len(fails))
    return 1 if fails else 0


def main():
    if len(sys.argv) == 4 and sys.argv[3] == "--summaries":
        return summaries(sys.argv[1], sys.argv[2])
    if len(sys.argv) == 4:
        return validate_schema(sys.argv[1], sys.argv[2], sys.argv[3])
    sshwhy, gen = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        log, db = os.path.join(tmp, "auth.log"), os.path.join(tmp, "s.db")
        subprocess.run([sys.executable, gen, "-n", "30000", "--seed", "11", "--format", "rfc3339", "--verbose",
                        "--start", "2026-12-01T00:00:00", "--rate", "0.3", "--legit-rate", "0.05", "-o", log], check=True)
        with open(log, "ab") as f:   # a hostile user name: an escape sequence and a C1 control
            f.write(b"2026-12-01T03:00:00.000000+00:00 vm sshd[4242]: Invalid user \x1b[2J\xc2\x9bevil from 192.0.2.99 port 4242\n"
                    b"2026-12-01T03:00:00.100000+00:00 vm sshd[4242]: Connection closed by invalid user \x1b[2J\xc2\x9bevil 192.0.2.99 port 4242 [preauth]\n")
        run(sshwhy, db, "ingest", log)

        rows, st = compare(sshwhy, db, "all", [])
        check(st["attempts"] > 5000, "the fixture has many attempts (%d)" % st["attempts"])
        user = max(st["top_users"]["accepted"], key=lambda e: e["count"])["user"]
        compare(sshwhy, db, "user", ["--user", user])
        compare(sshwhy, db, "cidr", ["--from", "192.0.2.0/24"])
        compare(sshwhy, db, "cause", ["--cause", "invalid-user"])
        compare(sshwhy, db, "range", ["--since", "2026-12-01 01:00", "--until", "2026-12-01 02:30"])
        # grouping: every source is a /24 or /64 network
        g = json.loads(run(sshwhy, db, "stats", "--json", "--group", "24,64").stdout)
        check(all(e["source"].endswith(("/24", "/64")) for e in g["top_sources"]["failed"]), "grouped sources")
        check(sum(e["count"] for e in g["top_sources"]["failed"]) >=
              sum(e["count"] for e in st["top_sources"]["failed"]), "groups count at least their biggest member")

        # text: widths, ASCII fallback, the chart's shape
        for w in ("40", "80", "200"):
            for lang in ("C", "C.UTF-8"):
                out = run(sshwhy, db, "stats", "--width", w, env={"LANG": lang, "LC_ALL": lang}).stdout.decode()
                wide = [l for l in out.splitlines() if width(l) > int(w)]
                check(not wide, "width %s %s: %d lines too wide, e.g. %r" % (w, lang, len(wide), wide[:1]))
                check(not CONTROL.search(out), "width %s %s: a raw control character" % (w, lang))
                if lang == "C":
                    check(all(ord(c) < 128 for c in out), "LANG=C output is ASCII")
                else:
                    check("\u2588" in out, "C.UTF-8 output has block characters")
        out = run(sshwhy, db, "stats", "--width", "80", "--since", "2026-12-01 00:00", "--until", "2026-12-01 06:00",
                  env={"LC_ALL": "C.UTF-8"}).stdout.decode()
        m = re.search(r"one column per (\d+) (min|h|days?)", out)
        check(m is not None, "the chart names its bucket")
        b = int(m.group(1)) * {"min": 60, "h": 3600}.get(m.group(2), 86400)
        t0 = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc).timestamp()
        counts = collections.Counter()
        for a in rows:
            t = datetime.datetime.fromisoformat(a["start"]).timestamp()
            if a["outcome"] not in ("accepted", "open") and t0 <= t < t0 + 6 * 3600:
                counts[int((t - t0) // b)] += 1
        cols = chart_columns(out)
        n = 6 * 3600 // b
        check(len(cols[0].rstrip("\n")) >= n - 1, "the chart has a column per bucket")
        tallest = max(range(n), key=lambda i: counts[i])
        check(cols[0][tallest] == "\u2588", "the tallest column is full at the top (bucket %d)" % tallest)
        for i in range(n):
            if (cols[-1][i] != " ") != (counts[i] > 0):
                check(False, "column %d: bottom cell %r for %d attempts" % (i, cols[-1][i], counts[i]))
                break
        hostile = run(sshwhy, db, "stats", "--user", "\x1b[2J\xc2\x9bevil".encode("latin-1").decode("utf-8", "surrogateescape")
                      if False else "\x1b[2J\u009bevil").stdout
        check(b"\x1b" not in hostile and b"\xc2\x9b" not in hostile, "a hostile user name is escaped")
        check(b"evil" in hostile, "the hostile user's attempts are found (%r)" % hostile[:200])

        # usage errors and empty results
        for bad in (["--top", "0"], ["--group", "33"], ["--width", "10"], ["--cause", "bogus"], ["--from", "999.1.1.1/8"],
                    ["--since", "tomorrowish"], ["--since", "2026-12-02", "--until", "2026-12-01"], ["extra"]):
            p = run(sshwhy, db, "stats", *bad, ok=(2,))
            check(p.stderr.decode().startswith("sshwhy: "), "%s: message prefix" % bad)
        p = run(sshwhy, db, "stats", "--user", "nobody-at-all")
        check(p.stdout.decode().startswith("no attempts match"), "nothing matches: said")
        p = run(sshwhy, os.path.join(tmp, "missing.db"), "stats", ok=(1,))
        check(b"no database" in p.stderr, "a missing database is an error")
        svg = os.path.join(tmp, "t.svg")
        run(sshwhy, db, "stats", "--svg", svg)
        check(open(svg).read().startswith("<?xml") and "</svg>" in open(svg).read(), "the SVG is written")
    print("stats: %d failures" % len(fails))
    return 1 if fails else 0


def validate_schema(sshwhy, gen, schema_path):
    try:
        import jsonschema
    except ImportError:
        print("SKIP: python3-jsonschema is not installed")
        return 77
    schema = json.load(open(schema_path))
    with tempfile.TemporaryDirectory() as tmp:
        log, db = os.path.join(tmp, "auth.log"), os.path.join(tmp, "s.db")
        subprocess.run([sys.executable, gen, "-n", "5000", "--seed", "3", "--format", "rfc3339", "--verbose", "-o", log],
                       check=True)
        run(sshwhy, db, "ingest", log)
        docs = [run(sshwhy, db, "stats", "--json", *a).stdout for a in
                ([], ["--group", "24,64"], ["--user", "nobody-at-all"], ["--user", "root"], ["--since", "2000-01-01", "--until", "2000-01-02"])]
    for d in docs:
        jsonschema.validate(json.loads(d), schema)
    # the schema is strict: an unknown key fails it
    bad = json.loads(docs[0])
    bad["surprise"] = 1
    try:
        jsonschema.validate(bad, schema)
        print("FAIL: the schema accepts unknown keys")
        return 1
    except jsonschema.ValidationError:
        pass
    print("stats-schema: %d documents valid" % len(docs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
