#!/usr/bin/env python3
"""Follow latency under load: generator lines are appended to a file at a
steady pace (default 1,000 connections per second), `sshwhy follow --json
--file` prints verdicts, and for every verdict the latency is the time from
the write of the connection's last line to the verdict's arrival on our pipe.
Prints the median, p90 and max.

usage: bench/follow-latency.py [--rate CONN_PER_S] [--seconds S] [--sshwhy PATH]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=1000.0, help="connections per second")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--sshwhy", default=os.path.join(ROOT, "build-release", "sshwhy"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="sshwhy-lat-")
    src = os.path.join(tmp, "gen.log")
    n_lines = int(a.rate * a.seconds * 4.2) + 1000
    # The generator's own connection rate sets the mix; we only pace the writes.
    subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tools", "gen_authlog.py"), "-n", str(n_lines),
                    "--seed", "5", "--format", "rfc3339", "--rate", str(a.rate), "-o", src], check=True)
    lines = open(src, "rb").read().splitlines(keepends=True)
    # Connections per line: count distinct sshd pids to derive the write pace.
    pids = set()
    for l in lines:
        i = l.find(b"sshd[")
        if i >= 0:
            pids.add(l[i:l.find(b"]", i)])
    per_sec = len(lines) / max(1.0, len(pids) / a.rate)
    log = os.path.join(tmp, "auth.log")
    open(log, "wb").close()
    db = os.path.join(tmp, "l.db")
    p = subprocess.Popen([a.sshwhy, "--db", db, "follow", "--json", "--no-catch-up",
                          "--file", log], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    arrivals = []

    def reader():
        for out in p.stdout:
            arrivals.append((time.monotonic(), out))

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    time.sleep(0.5)
    written = {}                        # message text -> write time
    start = time.monotonic()
    with open(log, "ab", buffering=0) as f:
        for i, l in enumerate(lines):
            due = start + i / per_sec
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            f.write(l)
            written[l.split(b" ", 2)[2].rstrip(b"\n")] = time.monotonic()
    time.sleep(1.0)
    p.terminate()
    p.wait()
    t.join(2)
    lat = []
    for when, out in arrivals:
        o = json.loads(out)
        if not o.get("evidence"):
            continue
        last = o["evidence"][-1].split(" ", 2)[2].encode()
        w = written.get(last)
        if w is not None:
            lat.append(when - w)
    lat.sort()
    conns = len(pids)
    dur = len(lines) / per_sec
    if not lat:
        print("no verdicts matched")
        return 1
    print("%d lines, %d connections written in %.1f s (%.0f conn/s, %.0f lines/s)" % (
        len(lines), conns, dur, conns / dur, len(lines) / dur))
    print("%d verdicts: latency median %.1f ms, p90 %.1f ms, max %.1f ms" % (
        len(lat), 1000 * lat[len(lat) // 2], 1000 * lat[int(len(lat) * 0.9)], 1000 * lat[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
