#!/usr/bin/env python3
"""`sshwhy follow --file` under load, with faults (no root needed).

Generator lines (with ground truth) are appended to auth.log at a high rate
while the test rotates the file by rename+create (and keeps writing to the old
file for a while, as rsyslog does until its HUP), sends SIGHUP, rotates by
copytruncate, SIGKILLs follow at random moments and restarts it, and holds a
read transaction on the database for two seconds (follow must keep printing).
At the end every connection of the ground truth must be stored exactly once
with the right outcome: zero lost, zero duplicated. Peak RSS must stay under
64 MiB.

usage: follow_load.py SSHWHY GENERATOR [LINES]; env SSHWHY_LOAD_SEED replays.
"""
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

OUTCOME_MAP = {
    "accepted": {"accepted", "session-refused"},
    "failed": {"failed"},
    "refused": {"refused"},
    "aborted": {"aborted"},
    "dropped": {"dropped"},
}


class Follow:
    def __init__(self, sshwhy, db, log, tmp):
        self.argv = [sshwhy, "--db", db, "follow", "--json", "--file", log]
        self.tmp = tmp
        self.out = []
        self.kills = 0
        self.peak_kib = 0
        self.start()

    def start(self):
        self.p = subprocess.Popen(self.argv, stdout=subprocess.PIPE,
                                  stderr=open(os.path.join(self.tmp, "follow.err"), "ab"))
        self.t = threading.Thread(target=self._read, args=(self.p,), daemon=True)
        self.t.start()

    def _read(self, p):
        for line in p.stdout:
            self.out.append((time.monotonic(), line))

    def sample_rss(self):
        try:
            for l in open("/proc/%d/status" % self.p.pid):
                if l.startswith("VmHWM:"):
                    self.peak_kib = max(self.peak_kib, int(l.split()[1]))
        except OSError:
            pass

    def kill(self):
        self.sample_rss()
        self.p.kill()
        self.p.wait()
        self.t.join(5)
        self.kills += 1
        self.start()

    def signal(self, sig):
        self.p.send_signal(sig)

    def stop(self):
        self.sample_rss()
        self.p.terminate()
        rc = self.p.wait(20)
        self.t.join(5)
        return rc


def main(argv):
    sshwhy, gen = argv[1], argv[2]
    n_lines = int(argv[3]) if len(argv) > 3 else 60000
    seed = int(os.environ.get("SSHWHY_LOAD_SEED", str(int(time.time()))))
    rnd = random.Random(seed)
    print("seed %d (SSHWHY_LOAD_SEED to replay)" % seed)
    tmp = tempfile.mkdtemp(prefix="sshwhy-load-")
    errs = []
    src, gt, log, db = (os.path.join(tmp, n) for n in ("gen.log", "gt.jsonl", "auth.log", "f.db"))
    subprocess.run([sys.executable, gen, "-n", str(n_lines), "--seed", "11", "--format", "rfc3339",
                    "--ground-truth", gt, "-o", src], check=True)
    lines = open(src, "rb").read().splitlines(keepends=True)
    truth = [json.loads(x) for x in open(gt)]
    open(log, "wb").close()
    f = Follow(sshwhy, db, log, tmp)
    time.sleep(0.3)

    n = len(lines)
    events = {int(n * 0.30): "rename", int(n * 0.45): "hup", int(n * 0.60): "copytruncate",
              int(n * 0.75): "lock"}
    for _ in range(4):
        events.setdefault(rnd.randrange(int(n * 0.05), int(n * 0.95)), "kill")
    out = open(log, "ab", buffering=0)
    old_out = None
    old_left = 0
    lock_thread = None
    during_lock = []
    chunk = 50
    t0 = time.monotonic()
    for i in range(0, n, chunk):
        for j in range(i, min(i + chunk, n)):
            ev = events.get(j)
            if ev == "rename":
                # logrotate: rename; rsyslog goes on writing to the old file
                # until its HUP, then creates the new one.
                os.rename(log, log + ".1")
                old_out, old_left = out, 300
                out = None
                print("rename+create at line %d" % j)
            elif ev == "hup":
                f.signal(signal.SIGHUP)
                print("SIGHUP at line %d" % j)
            elif ev == "copytruncate":
                shutil.copyfile(log, log + ".2")
                os.truncate(log, 0)
                print("copytruncate at line %d" % j)
            elif ev == "kill":
                f.kill()
                print("SIGKILL at line %d" % j)
            elif ev == "lock":
                def hold():
                    c = sqlite3.connect(db, timeout=10)
                    c.execute("BEGIN")
                    c.execute("SELECT count(*) FROM attempts").fetchone()
                    start = time.monotonic()
                    time.sleep(2.0)
                    c.rollback()
                    c.close()
                    during_lock.append((start, time.monotonic()))
                lock_thread = threading.Thread(target=hold)
                lock_thread.start()
                print("read transaction held for 2 s from line %d" % j)
            if old_out is not None and old_left > 0:
                old_out.write(lines[j])
                old_left -= 1
                if old_left == 0:
                    old_out.close()
                    old_out = None
                    out = open(log, "ab", buffering=0)
                continue
            out.write(lines[j])
        time.sleep(0.002)
        if i % 5000 == 0:
            f.sample_rss()
    write_s = time.monotonic() - t0
    if lock_thread:
        lock_thread.join()
    # wait until follow has been quiet for 2 s
    last = -1
    while True:
        time.sleep(1.0)
        if len(f.out) == last:
            break
        last = len(f.out)
    rc = f.stop()
    if rc != 0:
        errs.append("follow exit %s after SIGTERM" % rc)
    if during_lock:
        s, e = during_lock[0]
        printed = [t for t, _ in f.out if s + 0.5 <= t <= e]
        print("verdicts printed while a reader held a transaction: %d" % len(printed))
        if not printed:
            errs.append("follow printed nothing while a reader held the database")
    print("%d lines written in %.1f s (%.0f lines/s), %d SIGKILLs, peak RSS %.1f MiB" % (
        n, write_s, n / write_s, f.kills, f.peak_kib / 1024))
    if f.peak_kib > 64 * 1024:
        errs.append("peak RSS %.1f MiB" % (f.peak_kib / 1024))

    p = subprocess.run([sshwhy, "--db", db, "attempts", "--json"], capture_output=True, text=True, check=True)
    attempts = [json.loads(x) for x in p.stdout.splitlines()]
    by_key = {}
    for a in attempts:
        by_key.setdefault((a["address"], a["port"], a["pid"]), []).append(a)
    matched = set()
    for t in truth:
        got = by_key.get((t["ip"], t["port"], t["pid"]), [])
        if len(got) != 1:
            errs.append("conn %s %s:%s pid %s: %d attempts" % (t["conn"], t["ip"], t["port"], t["pid"], len(got)))
            continue
        a = got[0]
        matched.add(a["id"])
        want = set(OUTCOME_MAP[t["outcome"]])
        if t["cause"] == "login_grace_timeout":
            want = {"timeout"}
        if not t["complete"] or t["outcome"] == "accepted":
            want.add("open")    # cut off by -n, or a session whose end is not in the log yet
        if a["outcome"] not in want:
            errs.append("conn %s (%s): outcome %s/%s, want %s" % (t["conn"], t["kind"], a["outcome"],
                                                                  a["cause"], sorted(want)))
    extra = [a for a in attempts if a["id"] not in matched]
    for a in extra[:10]:
        errs.append("extra attempt %s pid %s %s:%s %s" % (a["id"], a["pid"], a["address"], a["port"], a["cause"]))
    print("ground truth %d connections, %d attempts stored, %d matched, %d extra" % (
        len(truth), len(attempts), len(matched), len(extra)))
    for e in errs[:30]:
        print("FAIL " + e)
    if errs:
        print("evidence kept in " + tmp)
    else:
        shutil.rmtree(tmp)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
