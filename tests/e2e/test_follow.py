#!/usr/bin/env python3
"""End-to-end test of `sshwhy follow` with real parts: real sshd and ssh clients
on loopback, real journald and rsyslog (tests/e2e/lab.py).

1. Latency and verdicts: `follow --json --file auth.log` and `follow --json
   --directory JOURNAL` run side by side; after every client, each must print
   exactly one object for that connection (matched by client port) with the
   expected cause, within 1 s of the connection's last line.
2. Faults: while clients connect, `follow` (file and journal) is SIGKILLed at
   random moments and restarted, and auth.log is rotated by rename+create and
   by copytruncate. At the end every connection must be stored exactly once,
   with its cause: zero lost, zero duplicated.

usage: test_follow.py [SSHWHY]; exit 0 pass, 1 fail, 77 skip. env SSHWHY_E2E_SEED.
"""
import json
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

ALICE, BOB, CAROL = "sshwhy-alice", "sshwhy-bob", "sshwhy-carol"
NOBODY = "sshwhy-nosuchuser"
LATENCY_LIMIT = 1.0


class Follower:
    """One `sshwhy follow --json` process and the objects it printed."""

    def __init__(self, L, sshwhy, db, args, name):
        self.L, self.sshwhy, self.db, self.args, self.name = L, sshwhy, db, args, name
        self.objects = []               # (monotonic time, object)
        self.lock = threading.Lock()
        self.restarts = 0
        self.start()

    def start(self):
        self.p = self.L.popen([self.sshwhy, "--db", self.db, "follow", "--json"]
                              + self.args, name=self.name)
        t = threading.Thread(target=self._read, args=(self.p,), daemon=True)
        t.start()
        self.thread = t

    def _read(self, p):
        for line in p.stdout:
            now = time.monotonic()
            try:
                obj = json.loads(line)
            except ValueError:
                obj = {"bad-json": line}
            with self.lock:
                self.objects.append((now, obj))

    def kill(self):
        self.p.send_signal(signal.SIGKILL)
        self.p.wait()
        self.thread.join(5)
        self.restarts += 1
        self.start()

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(10)
        self.thread.join(5)
        return rc

    def find(self, port, timeout):
        end = time.monotonic() + timeout
        while True:
            with self.lock:
                hits = [(t, o) for t, o in self.objects if o.get("port") == port]
            if hits or time.monotonic() > end:
                return hits
            time.sleep(0.01)


def setup_users(L):
    keys = {n: L.key(n + "_ed25519") for n in ("alice", "bob", "carol", "stray")}
    L.user(ALICE, [keys["alice"]])
    L.user(BOB, [keys["bob"]])
    carol = L.user(CAROL, [keys["carol"]])
    return keys, carol


def scenario_list(keys, carol):
    """(label, user, key, expected outcome, expected cause at INFO, context manager or None)"""
    return [
        ("success", ALICE, keys["alice"], "accepted", "accepted", None),
        ("key-not-authorized", ALICE, keys["stray"], "failed", "preauth-close-no-detail", None),
        ("strictmodes", CAROL, keys["carol"], "failed", "strictmodes-dir-perms",
         lambda: carol.mode(carol.ssh_dir, 0o777)),
        ("invalid-user", NOBODY, keys["stray"], "failed", "invalid-user", None),
    ]


def run_client(L, sshd, sc):
    label, user, key, _, _, ctx = sc
    if ctx:
        with ctx():
            return L.ssh(user, key, sshd=sshd, label=label)
    return L.ssh(user, key, sshd=sshd, label=label)


def part_latency(L, sshwhy, errs):
    keys, carol = setup_users(L)
    sshd = L.sshd(loglevel="INFO", name="latency")
    fa = Follower(L, sshwhy, os.path.join(L.tmp, "fa.db"), ["--file", L.auth_log], "follow-file")
    fj = Follower(L, sshwhy, os.path.join(L.tmp, "fj.db"), ["--directory", L.journal_dir], "follow-journal")
    time.sleep(0.5)
    lat = {"file": [], "journal": []}
    runs = []
    for sc in scenario_list(keys, carol) * 2:
        r = run_client(L, sshd, sc)
        runs.append((r, sc))
        done = time.monotonic()
        for name, f in (("file", fa), ("journal", fj)):
            hits = f.find(r.src_port, 3.0)
            if len(hits) != 1:
                errs.append("latency %s %s: %d objects for port %s" % (name, sc[0], len(hits), r.src_port))
                continue
            t, o = hits[0]
            lat[name].append(max(0.0, t - done))
            if (o.get("outcome"), o.get("cause")) != (sc[3], sc[4]):
                errs.append("latency %s %s: %s/%s, want %s/%s" % (name, sc[0], o.get("outcome"),
                                                                 o.get("cause"), sc[3], sc[4]))
            if t - done > LATENCY_LIMIT:
                errs.append("latency %s %s: verdict %.2f s after the last line" % (name, sc[0], t - done))
    for name, f in (("file", fa), ("journal", fj)):
        rc = f.stop()
        if rc != 0:
            errs.append("follow %s: exit %s after SIGTERM" % (name, rc))
        v = sorted(lat[name])
        if v:
            print("latency %-7s n=%d median %.3f s max %.3f s" % (name, len(v), v[len(v) // 2], v[-1]))
    sshd.stop()
    return runs


def part_faults(L, sshwhy, errs, seed, earlier):
    """earlier: the connections of part 1, in the same logs: the fault
    followers start from the beginning and must store them once too."""
    rnd = random.Random(seed)
    keys, carol = setup_users(L)
    sshd = L.sshd(loglevel="INFO", name="faults")
    fa = Follower(L, sshwhy, os.path.join(L.tmp, "ka.db"), ["--file", L.auth_log], "kill-file")
    fj = Follower(L, sshwhy, os.path.join(L.tmp, "kj.db"), ["--directory", L.journal_dir], "kill-journal")
    stop = threading.Event()

    def killer():
        while not stop.is_set():
            time.sleep(rnd.uniform(0.05, 0.6))
            if stop.is_set():
                break
            rnd.choice([fa, fj]).kill()

    k = threading.Thread(target=killer, daemon=True)
    k.start()
    runs = list(earlier)
    scs = scenario_list(keys, carol)
    for i in range(24):
        sc = rnd.choice(scs)
        r = run_client(L, sshd, sc)
        runs.append((r, sc))
        if i in (7, 15) and not stop.is_set():
            L.sync()
            how = "rename" if i == 7 else "copytruncate"
            L.rotate_auth_log(how, suffix=".%d" % i)
            print("rotated auth.log by %s after client %d" % (how, i + 1))
    stop.set()
    k.join(5)
    L.sync()
    time.sleep(1.0)             # let the followers see the last lines and close grace
    for name, f in (("file", fa), ("journal", fj)):
        rc = f.stop()
        if rc != 0:
            errs.append("faults follow %s: exit %s after SIGTERM" % (name, rc))
        print("faults %-7s: %d SIGKILL restarts" % (name, f.restarts))
        attempts = L.attempts(f.db)
        by_port = {}
        for a in attempts:
            by_port.setdefault(a.get("port"), []).append(a)
        ports = set()
        for r, sc in runs:
            ports.add(r.src_port)
            got = by_port.get(r.src_port, [])
            if len(got) != 1:
                errs.append("faults %s %s port %s: %d attempts stored (want 1)" % (name, sc[0], r.src_port, len(got)))
                continue
            a = got[0]
            if (a.get("outcome"), a.get("cause")) != (sc[3], sc[4]):
                # A connection whose last lines came while follow was down is
                # completed by the next run; by now every one must be final.
                errs.append("faults %s %s port %s: %s/%s, want %s/%s (open=%s)" % (
                    name, sc[0], r.src_port, a.get("outcome"), a.get("cause"), sc[3], sc[4], a.get("open")))
        extra = [a for a in attempts if a.get("port") not in ports]
        for a in extra:
            errs.append("faults %s: extra attempt %s port %s %s" % (name, a.get("id"), a.get("port"), a.get("cause")))
        print("faults %-7s: %d connections, %d attempts stored" % (name, len(runs), len(attempts)))
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
    seed = int(os.environ.get("SSHWHY_E2E_SEED", str(int(time.time()))))
    print("seed %d (SSHWHY_E2E_SEED to replay)" % seed)
    errs = []
    try:
        with lab.Lab(sshwhy=sshwhy, keep=os.environ.get("SSHWHY_E2E_KEEP") == "1") as L:
            earlier = part_latency(L, sshwhy, errs)
            part_faults(L, sshwhy, errs, seed, earlier)
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
