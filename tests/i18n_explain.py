#!/usr/bin/env python3
"""The verdicts in Japanese, as an admin sees them, and JSON that stays English.

For several captures of tests/corpus (the server's auth.log ingested into a
fresh database, the client's log explained against it), under
LANG=ja_JP.UTF-8 (the locale compiled into a private LOCPATH with localedef):

  1. `explain` says its verdict, fix and what decides in Japanese, with no
     English label left, and no line wider than the terminal it was given
     (COLUMNS=80 and 200, counted in display columns: a Japanese character
     takes two);
  2. `explain --json` is byte for byte what LANG=C prints (JSON is for
     machines: codes and English texts whatever the locale);
  3. `show ID` explains the attempt in Japanese, its labels too, within 80
     columns (its evidence lines wrapped), and `show --json` stays English;
  4. `follow` prints its verdict lines in Japanese, and `follow --json` none;
     `attempts --json` and `stats --json` are LANG=C's too;
  5. as root, a capture made this machine's (its host name, user root):
     explain consults check, and check's findings it shows (the facts, their
     evidence, the fix) are Japanese too, its --json LANG=C's.

usage: i18n_explain.py SSHWHY SOURCE_ROOT LOCALEDIR     exit 0 pass, 1 fail, 77 skip
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from i18n import check, fails, width  # noqa: E402  (the catalogue test's helpers)

# capture, log level: one per kind of verdict (generic, StrictModes, client
# side, session, negotiation, success, policy, penalty, timeout, Windows-less
# passphrase).
CASES = [
    ("02-key-not-in-authorized-keys", "info"),
    ("04a-strictmodes-ssh-dir-0777", "verbose"),
    ("11a-client-private-key-mode-0644", "verbose"),
    ("06e-shell-nologin", "info"),
    ("13a-kex-mismatch", "info"),
    ("01a-success-ed25519", "verbose"),
    ("06a-allowusers-excludes-user", "info"),
    ("new-21-persourcepenalties", "info"),
    ("14b-logingracetime-slow-passphrase", "info"),
    ("11c-client-wrong-passphrase", "verbose"),
]
JA = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")


def capture_dirs(root, name, level):
    base = os.path.join(root, "tests", "corpus", name, level)
    if os.path.exists(os.path.join(base, "client.log")):
        return [(base, os.path.join(base, "client.log"))]
    # several connections, one client log each: the last (the one dropped)
    logs = sorted(f for f in os.listdir(base) if f.startswith("client-") and f.endswith(".log")) \
        if os.path.isdir(base) else []
    return [(base, os.path.join(base, logs[-1]))] if logs else []


def run(argv, env, **kw):
    return subprocess.run(argv, env=env, capture_output=True, timeout=120, **kw)


def explain_case(sshwhy, root, tmp, env_ja, env_c, name, folder, client_log):
    db = os.path.join(tmp, name + ".db")
    p = run([sshwhy, "--db", db, "ingest", os.path.join(folder, "auth.log")], env_c)
    check(p.returncode == 0, "%s: ingest: %s" % (name, p.stderr.decode()[:300]))
    argv = [sshwhy, "--db", db, "explain", "--no-update", "--no-check",
            "--host-keys", os.path.join(root, "tests", "corpus", "_keys"), client_log]
    js_c = run(argv + ["--json"], env_c)
    js_ja = run(argv + ["--json"], env_ja)
    check(js_c.returncode == 0 and js_ja.returncode == 0, "%s: explain --json exits 0" % name)
    check(js_ja.stdout == js_c.stdout, "%s: explain --json under ja_JP.UTF-8 is LANG=C's" % name)
    check(not JA.search(js_ja.stdout.decode()), "%s: no Japanese in explain --json" % name)
    verdict = json.loads(js_c.stdout) if js_c.returncode == 0 else {}
    for cols in ("80", "200"):
        p = run(argv, dict(env_ja, COLUMNS=cols))
        out = p.stdout.decode()
        check(p.returncode == 0, "%s: explain exits 0 (COLUMNS=%s): %s" % (name, cols, p.stderr.decode()[:300]))
        lines = out.splitlines()
        head = [l for l in lines if l.startswith("判定:")]
        check(len(head) == 1, "%s: one verdict line '判定:' (COLUMNS=%s)" % (name, cols))
        # the explanation: the indented lines under the verdict line
        i = next((k for k, l in enumerate(lines) if l.startswith("判定:")), None)
        if i is not None:
            block = []
            for l in lines[i + 1:]:
                if not l.startswith("  "):
                    break
                block.append(l)
            check(block and JA.search(" ".join(block)), "%s: the explanation is Japanese: %r" % (name, block[:1]))
            if verdict.get("explanation"):
                check(verdict["explanation"][:40] not in out, "%s: the English explanation is not shown" % name)
        if verdict.get("fix"):
            fix = [l for l in lines if l.startswith("対処:")]
            check(fix and JA.search(fix[0][len("対処:"):]), "%s: a Japanese fix line '対処:'" % name)
        if verdict.get("decide"):
            dec = [l for l in lines if l.startswith("判定方法:")]
            check(dec and JA.search(dec[0][len("判定方法:"):]), "%s: a Japanese decide line '判定方法:'" % name)
        for label in ("verdict:", "fix:", "decide:", "could be:", "host key:", "server attempts matched"):
            check(label not in out, "%s: no English label %r left (COLUMNS=%s)" % (name, label, cols))
        wide = [l for l in lines if width(l) > int(cols)]
        check(not wide, "%s: COLUMNS=%s: %d lines too wide, e.g. %r" % (name, cols, len(wide), wide[:1]))
    return db, verdict


def show_case(sshwhy, env_ja, env_c, name, db, verdict):
    ms = verdict.get("matches") or []
    if not ms:
        return
    aid = str(ms[0]["attempt"]["id"])
    p = run([sshwhy, "--db", db, "show", aid], dict(env_ja, COLUMNS="80"))
    check(p.returncode == 0 and JA.search(p.stdout.decode()), "%s: show %s speaks Japanese" % (name, aid))
    expl = ms[0]["attempt"].get("explanation")
    if expl:
        check(expl not in p.stdout.decode(), "%s: show %s: the explanation is not the English one" % (name, aid))
    # its labels too (the codes after them stay)
    out = p.stdout.decode()
    head = out.split("証拠")[0]    # the evidence after it is log text
    left = [l for l in ("attempt ", "time:", "host:", "from:", "user:", "outcome:", "cause:", "explanation:",
                        "fix:", "decide:", "candidates:", "keys:", "loglevel:", "evidence (", "(inferred",
                        "(generic:", "user child") if l in head]
    check(not left and "証拠" in out, "%s: show %s: no English label left: %r" % (name, aid, left))
    wide = [l for l in out.splitlines() if width(l) > 80]
    check(not wide, "%s: show %s fits 80 columns, evidence too: %r" % (name, aid, wide[:1]))
    a, b = run([sshwhy, "--db", db, "show", "--json", aid], env_ja), run([sshwhy, "--db", db, "show", "--json", aid],
                                                                          env_c)
    check(a.stdout == b.stdout and a.returncode == 0, "%s: show --json under ja_JP.UTF-8 is LANG=C's" % name)


def follow_case(sshwhy, tmp, env_ja, name, folder, json_mode):
    db = os.path.join(tmp, "follow-%s-%d.db" % (name, json_mode))
    out_path = os.path.join(tmp, "follow-%s-%d.out" % (name, json_mode))
    argv = [sshwhy, "--db", db, "follow", "--file", os.path.join(folder, "auth.log"), "--login-grace-time", "0"]
    if json_mode:
        argv.append("--json")
    with open(out_path, "wb") as out:
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=dict(env_ja, COLUMNS="200"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and os.path.getsize(out_path) == 0:
            time.sleep(0.2)
        time.sleep(0.5)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
    text = open(out_path, encoding="utf-8", errors="replace").read()
    check(text.strip(), "%s: follow%s printed verdicts" % (name, " --json" if json_mode else ""))
    if json_mode:
        check(not JA.search(text), "%s: follow --json has no Japanese" % name)
    else:
        check(any(JA.search(l) for l in text.splitlines()), "%s: follow's verdict lines are Japanese: %r" %
              (name, text.splitlines()[:1]))


def facts_case(sshwhy, root, tmp, env_ja, env_c):
    """explain with check's facts: the log's host is this machine, its user root."""
    host = os.uname().nodename.split(".")[0]
    base = os.path.join(root, "tests", "corpus", "02-key-not-in-authorized-keys", "verbose")
    log, client, db = (os.path.join(tmp, n) for n in ("facts-auth.log", "facts-client.log", "facts.db"))
    with open(os.path.join(base, "auth.log")) as f, open(log, "w") as g:
        g.write(f.read().replace(" vm ", " %s " % host).replace("alice", "root"))
    with open(os.path.join(base, "client.log")) as f, open(client, "w") as g:
        g.write(f.read().replace("alice", "root"))
    p = run([sshwhy, "--db", db, "ingest", "-q", log], env_c)
    check(p.returncode == 0, "facts: ingest: %r" % p.stderr[:300])
    argv = [sshwhy, "--db", db, "explain", client]
    out = run(argv, dict(env_ja, COLUMNS="80")).stdout.decode()
    left = [e for e in ("does not exist", "this server's files", "<- here", "(missing)", "found nothing",
                        "found problems") if e in out]
    check(JA.search(out) and not left, "facts: check's findings in explain are Japanese: %r" % left)
    a, b = run(argv + ["--json"], env_ja), run(argv + ["--json"], env_c)
    check(a.stdout == b.stdout and a.returncode == 0, "facts: explain --json under ja_JP.UTF-8 is LANG=C's")


def main():
    sshwhy, root, localedir = sys.argv[1:4]
    if not shutil.which("localedef"):
        print("SKIP: localedef is missing (Debian package libc-bin)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        locpath = os.path.join(tmp, "locale")
        os.makedirs(locpath)
        p = subprocess.run(["localedef", "-i", "ja_JP", "-f", "UTF-8", os.path.join(locpath, "ja_JP.UTF-8")],
                           capture_output=True, text=True)
        if p.returncode not in (0, 1):   # 1: warnings only
            print("SKIP: cannot compile ja_JP.UTF-8 (Debian package locales): %s" % p.stderr.strip())
            return 77
        env_ja = dict(os.environ, LANG="ja_JP.UTF-8", LC_ALL="ja_JP.UTF-8", LOCPATH=locpath,
                      SSHWHY_LOCALEDIR=localedir, TZ="UTC")
        env_ja.pop("LANGUAGE", None)
        env_ja.pop("COLUMNS", None)
        env_c = dict(env_ja, LANG="C", LC_ALL="C")
        n = 0
        for name, level in CASES:
            for folder, client_log in capture_dirs(root, name, level):
                label = name + "/" + level
                db, verdict = explain_case(sshwhy, root, tmp, env_ja, env_c, label.replace("/", "-"), folder,
                                           client_log)
                show_case(sshwhy, env_ja, env_c, label, db, verdict)
                n += 1
        check(n == len(CASES), "every capture explained (found %d of %d)" % (n, len(CASES)))
        # the other JSON outputs that carry verdict texts
        db = os.path.join(tmp, "02-key-not-in-authorized-keys-info.db")
        # (stats with a fixed range: its JSON says the range, and "now" moves)
        for cmd in (["attempts", "--json"],
                    ["stats", "--json", "--since", "2026-11-01", "--until", "2026-12-01"]):
            a, b = run([sshwhy, "--db", db] + cmd, env_ja), run([sshwhy, "--db", db] + cmd, env_c)
            check(a.returncode == 0 and a.stdout == b.stdout and not JA.search(a.stdout.decode()),
                  "%s under ja_JP.UTF-8 is LANG=C's" % " ".join(cmd))
        folder = capture_dirs(root, "02-key-not-in-authorized-keys", "info")[0][0]
        follow_case(sshwhy, tmp, env_ja, "02-key-not-in-authorized-keys", folder, False)
        follow_case(sshwhy, tmp, env_ja, "02-key-not-in-authorized-keys", folder, True)
        if os.geteuid() == 0:
            facts_case(sshwhy, root, tmp, env_ja, env_c)
        # --help in Japanese
        p = run([sshwhy, "explain", "--help"], env_ja)
        check("オプション" in p.stdout.decode(), "explain --help speaks Japanese")
    print("i18n-explain: %d captures, %d failures" % (n, len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
