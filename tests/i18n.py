#!/usr/bin/env python3
"""The Japanese catalogue, checked as a translator's tools would and as a user
sees it.

  1. po/ja.po compiles with `msgfmt --check` and has no untranslated or fuzzy
     message;
  2. it holds every message id the sources mark today (xgettext over
     po/POTFILES, compared with msgcmp), and po/POTFILES lists every src/*.c;
  3. under LANG=ja_JP.UTF-8 (the locale is compiled into a private LOCPATH
     with localedef when the machine has none) `stats` and `stats --help`
     speak Japanese, and no line is wider than the width they were given,
     counted in display columns (a Japanese character takes two);
  4. check (a configuration file read by sshwhy, --sshd pointing nowhere, the
     user's own files: no root, no sshd) speaks Japanese at 80 columns and
     unlimited, its --json stays English; help, `help check` and every
     command's --help speak Japanese and fit 80 columns; errors are Japanese;
     an authorized_keys file with every kind of broken line, and (as root,
     with /usr/sbin/sshd) the real `sshd -T`: the reasons from authkeys.c and
     sshd-config.c are Japanese on the screen, English in --json;
  5. the issue's acceptance: every command run once under LANG=C and under
     LANG=ja_JP.UTF-8 with COLUMNS=80 and COLUMNS=200 prints no line wider
     than that, on stdout or stderr; the one exception, redact's log lines,
     is WHOLE_LINES below with its reason, and holds only for lines of the
     log given.

usage: i18n.py SSHWHY SOURCE_ROOT LOCALEDIR     exit 0 pass, 1 fail, 77 skip
"""
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import unicodedata

fails = []
# Lines that must stay whole whatever the terminal, and why. Each is checked:
# a wide line is allowed only if it is one of the input's own lines.
WHOLE_LINES = {
    "redact": "its output (the log's lines, local paths cut to their last part) is the client's ssh -vvv log itself, line for line, for the partner to send and "
              "for 'sshwhy explain' to read back: a line broken or cut there would no longer parse as the "
              "ssh message it is (nothing of sshwhy's own is printed: no prose to wrap)",
}
COMMANDS = ("follow", "ingest", "attempts", "show", "stats", "explain", "redact", "check", "prune", "help")


def check(cond, what):
    if not cond:
        fails.append(what)
        print("FAIL:", what)


def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def main():
    sshwhy, root, localedir = sys.argv[1:4]
    po = os.path.join(root, "po", "ja.po")
    for tool in ("msgfmt", "xgettext", "msgcmp", "localedef"):
        if not shutil.which(tool):
            print("SKIP: %s is missing (Debian packages gettext, libc-bin)" % tool)
            return 77
    p = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", po], capture_output=True, text=True)
    check(p.returncode == 0, "msgfmt --check: %s" % p.stderr.strip())
    check("untranslated" not in p.stderr and "fuzzy" not in p.stderr, "every message translated: %s" % p.stderr.strip())

    listed = [l.strip() for l in open(os.path.join(root, "po", "POTFILES")) if l.strip() and not l.startswith("#")]
    sources = sorted("src/" + f for f in os.listdir(os.path.join(root, "src")) if f.endswith(".c"))
    check(sorted(listed) == sources, "po/POTFILES lists every src/*.c (missing: %s)" % sorted(set(sources) - set(listed)))
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "sshwhy.pot")
        # the keywords of po/meson.build
        subprocess.run(["xgettext", "--keyword=_", "--keyword=N_", "--keyword=source_error:3",
                        "--keyword=set_reterr:2", "--keyword=fail:3", "--keyword=warn:2", "--from-code=UTF-8", "-o", pot] +
                       [os.path.join(root, f) for f in listed], check=True)
        p = subprocess.run(["msgcmp", "--use-untranslated", po, pot], capture_output=True, text=True)
        check(p.returncode == 0, "po/ja.po has every marked message (run ninja sshwhy-update-po): %s" % p.stderr[:2000])

        locpath = os.path.join(tmp, "locale")
        os.makedirs(locpath)
        p = subprocess.run(["localedef", "-i", "ja_JP", "-f", "UTF-8", os.path.join(locpath, "ja_JP.UTF-8")],
                           capture_output=True, text=True)
        if p.returncode not in (0, 1):   # 1: warnings only
            print("SKIP: cannot compile ja_JP.UTF-8 (Debian package locales): %s" % p.stderr.strip())
            return 77 if not fails else 1
        env = dict(os.environ, LANG="ja_JP.UTF-8", LC_ALL="ja_JP.UTF-8", LOCPATH=locpath, SSHWHY_LOCALEDIR=localedir,
                   TZ="UTC")
        env.pop("LANGUAGE", None)
        log, db = os.path.join(tmp, "auth.log"), os.path.join(tmp, "s.db")
        gen = os.path.join(root, "tests", "tools", "gen_authlog.py")
        subprocess.run([sys.executable, gen, "-n", "3000", "--seed", "5", "--format", "rfc3339", "--verbose", "-o", log],
                       check=True)
        subprocess.run([sshwhy, "--db", db, "ingest", log], check=True, capture_output=True)
        for w in ("60", "80", "200"):
            out = subprocess.run([sshwhy, "--db", db, "stats", "--width", w], env=env, capture_output=True,
                                 check=True).stdout.decode()
            check("試行" in out and "時系列" in out, "stats speaks Japanese at width %s" % w)
            wide = [l for l in out.splitlines() if width(l) > int(w)]
            check(not wide, "stats at width %s: %d lines too wide, e.g. %r" % (w, len(wide), wide[:1]))
        out = subprocess.run([sshwhy, "stats", "--help"], env=env, capture_output=True, check=True).stdout.decode()
        check("絞り込み" in out, "stats --help speaks Japanese")
        check_screens(sshwhy, root, tmp, env, db)
        acceptance(sshwhy, root, tmp, env)
        # English stays English
        out = subprocess.run([sshwhy, "--db", db, "stats"], env=dict(env, LANG="C", LC_ALL="C"), capture_output=True,
                             check=True).stdout.decode()
        check("attempts:" in out and "試行" not in out, "LANG=C stays English")
    print("i18n: %d failures" % len(fails))
    return 1 if fails else 0


def run(sshwhy, args, env, columns=None, stdin=None):
    e = dict(env)
    if columns:
        e["COLUMNS"] = str(columns)
    else:
        e.pop("COLUMNS", None)
    p = subprocess.run([sshwhy] + args, env=e, capture_output=True, timeout=60, stdin=stdin)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def too_wide(text, w):
    return [l for l in text.splitlines() if width(l) > w]


def japanese(text):
    return any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text)


def check_fixture(tmp):
    """An sshd_config read by sshwhy and the running user's authorized_keys
    outside their home: LogLevel INFO (a warning), a missing file (a problem)."""
    d = os.path.join(tmp, "check")
    os.makedirs(d, exist_ok=True)
    cfg = os.path.join(d, "sshd_config")
    with open(cfg, "w") as f:
        f.write("LogLevel INFO\nPasswordAuthentication yes\nAuthorizedKeysFile %s/missing/authorized_keys\n" % d)
    return ["check", "--user", pwd.getpwuid(os.getuid()).pw_name, "--sshd", "/nonexistent/sshd", "--config", cfg]


# English words that must not be left inside Japanese text (authkeys.c,
# sshd-config.c and check's evidence write them; JSON keeps them).
ENGLISH_REASONS = ("sshd skips", "unknown keyword", "(missing)", "<- here", "(no fingerprint)", "line 1:", "is not base64", "cut short", "not a public key", "is broken over lines",
                   "no executable sshd", "not root:", "exited with status", "No such file", "line break inside",
                   "byte order mark", "double quote", "Permission denied")


def broken_keys_fixture(root, tmp, sshd):
    """A config whose AuthorizedKeysFile holds every kind of line sshd skips."""
    data = os.path.join(root, "tests", "data", "authkeys")
    d = os.path.join(tmp, "keys")
    os.makedirs(d, exist_ok=True)
    user = pwd.getpwuid(os.getuid()).pw_name
    with open(os.path.join(d, user), "wb") as f:
        f.write(b"\xef\xbb\xbf" + open(os.path.join(data, "alice_ed25519.pub"), "rb").read())
        for name in ("corpus-20d-broken-options.keys", "corpus-20a-line-break.keys", "corpus-20f-truncated.keys",
                     "corpus-20l-private-key.keys", "throwaway_ed25519.rfc4716", "alice-cert-valid-cert.pub"):
            f.write(open(os.path.join(data, name), "rb").read())
        f.write(b"foo bar baz\nssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIGz== x\nssh-ed25519 AAAA*AAA y\n")
    cfg = os.path.join(d, "sshd_config")
    with open(cfg, "w") as f:
        # a keyword sshd refuses: sshwhy's own reading notes it (the real
        # sshd -T would refuse the file, so only without it)
        f.write("LogLevel VERBOSE\nStrictModes no\n%sAuthorizedKeysFile %s/%%u\n" %
                ("" if os.path.exists(sshd) else "UnknownKeyword yes\n", d))
    return ["check", "--user", user, "--sshd", sshd, "--config", cfg,
            "--key", os.path.join(data, "alice_ed25519.pub")]


def check_reasons(sshwhy, root, tmp, env):
    sshd = "/usr/sbin/sshd"
    real = os.geteuid() == 0 and os.access(sshd, os.X_OK)
    made = False
    if real and not os.path.isdir("/run/sshd"):
        os.makedirs("/run/sshd", mode=0o755)      # sshd -T wants its privsep directory
        made = True
    try:
        for s in ((sshd, "/nonexistent/sshd") if real else ("/nonexistent/sshd",)):
            args = broken_keys_fixture(root, tmp, s)
            rc, out, err = run(sshwhy, args, env, 80)
            what = "check of broken authorized_keys lines (--sshd %s)" % s
            check(rc in (0, 1) and "読み飛ばします" in out, "%s speaks Japanese: %r" % (what, out[-300:] + err))
            left = [e for e in ENGLISH_REASONS if e in out]
            check(not left, "%s: English reasons left %r" % (what, left))
            check(not too_wide(out, 80), "%s fits 80 columns: %r" % (what, too_wide(out, 80)[:1]))
            rc, out, err = run(sshwhy, args + ["--json"], env, 80)
            check(not japanese(out) and "sshd skips the line" in out, "%s: --json stays English" % what)
            if s == sshd and subprocess.run([sshd, "-T", "-f", args[args.index("--config") + 1]],
                                            capture_output=True).returncode == 0:
                check("effective configuration from '%s -T'" % sshd in out, "%s: read by the real sshd -T" % what)
            else:
                check("unknown keyword 'UnknownKeyword'" in out, "%s: sshwhy's own reading notes" % what)
    finally:
        if made:
            os.rmdir("/run/sshd")


def check_screens(sshwhy, root, tmp, env, db):
    check_reasons(sshwhy, root, tmp, env)
    args = check_fixture(tmp)
    for cols in (80, None):
        rc, out, err = run(sshwhy, args, env, cols)
        check(rc in (0, 1) and "判定:" in out and "対処:" in out and "警告" in out,
              "check speaks Japanese (COLUMNS=%s): rc %d %r %r" % (cols, rc, out[:300], err[:300]))
        check("loglevel" in out and "authorized-keys" in out, "check keeps topics and codes in English")
        left = [e for e in ENGLISH_REASONS if e in out]
        check(not left, "check (COLUMNS=%s): English words left %r" % (cols, left))
        if cols:
            wide = too_wide(out, cols)
            check(not wide, "check at %d columns: %d lines too wide, e.g. %r" % (cols, len(wide), wide[:1]))
    rc, out, err = run(sshwhy, args + ["--json"], env, 80)
    try:
        items = json.loads(out)["items"]
    except (ValueError, KeyError):
        items = []
    check(items and not japanese(out), "check --json stays English under ja_JP: %r" % out[:300])
    rc, out, err = run(sshwhy, args, dict(env, LANG="C", LC_ALL="C"), 80)
    check("verdict:" in out and not japanese(out), "check under LANG=C stays English: %r" % out[:300])

    screens = [["help"], ["help", "check"]] + [[c, "--help"] for c in COMMANDS if c != "help"]
    for a in screens:
        rc, out, err = run(sshwhy, a, env, 80)
        check(rc == 0 and "使い方:" in out, "%s: Japanese usage line (rc %d) %r" % (" ".join(a), rc, out[:200]))
        wide = too_wide(out, 80)
        check(not wide, "%s fits 80 columns: %d lines too wide, e.g. %r" % (" ".join(a), len(wide), wide[:1]))
    for a in (["help"], ["help", "check"], ["check", "--help"], ["prune", "--help"], ["redact", "--help"]):
        rc, out, err = run(sshwhy, a, env, 80)
        body = "\n".join(l for l in out.splitlines() if not l.startswith("  -") and "sshwhy" not in l)
        check(japanese(body), "%s: its text is Japanese" % " ".join(a))
    rc, out, err = run(sshwhy, ["check", "--bogus"], env)
    check(rc == 2 and "不明なオプション" in err and "--bogus" in err, "a usage error is Japanese: %r" % err)
    rc, out, err = run(sshwhy, ["chek"], env)
    check(rc == 2 and "check" in err and japanese(err), "an unknown command is Japanese: %r" % err)
    rc, out, err = run(sshwhy, ["--db", db, "prune", "--older-than", "36500d", "--dry-run"], env)
    check(rc == 0 and "削除します" in out, "prune speaks Japanese: %r %r" % (out, err))


def a_log_line(line, log_lines):
    """line is one of log_lines, or one with words redacted (a path cut to its
    last part, as redact does)."""
    words = line.split(" ")
    for l in log_lines:
        lw = l.split(" ")
        if len(lw) == len(words) and all(a == b or b.endswith("/" + a) for a, b in zip(words, lw)):
            return True
    return False


def acceptance(sshwhy, root, tmp, env):
    """Every command once, LANG=C and ja_JP.UTF-8, COLUMNS=80 and 200: no line
    wider than the terminal (stdout and stderr), save WHOLE_LINES'."""
    corpus = os.path.join(root, "tests", "corpus", "02-key-not-in-authorized-keys", "verbose")
    # and a login that got in: show and attempts have a session and a key
    success = os.path.join(root, "tests", "corpus", "01a-success-ed25519", "verbose", "auth.log")
    # a long path: follow names its file in its start line, ingest in its notes
    deep = os.path.join(tmp, "a-directory-with-a-rather-long-name-as-logs-often-have", "sshd-logs-of-this-host")
    os.makedirs(deep)
    log, client = os.path.join(deep, "auth.log"), os.path.join(tmp, "c.log")
    shutil.copy(os.path.join(corpus, "auth.log"), log)
    shutil.copy(os.path.join(corpus, "client.log"), client)
    client_lines = open(client, encoding="utf-8", errors="replace").read().splitlines()
    for lang in ("C", "ja_JP.UTF-8"):
        e = dict(env, LANG=lang, LC_ALL=lang)
        db = os.path.join(tmp, "acc-%s.db" % lang)
        subprocess.run([sshwhy, "--db", db, "ingest", success, log], env=e, capture_output=True, check=True)
        for cols in (80, 200):
            runs = [
                ("ingest", ["--db", db, "ingest", log]),
                ("follow", ["--db", os.path.join(tmp, "follow-%s-%d.db" % (lang, cols)), "follow", "--file", log,
                            "--since", "2026-11-01"]),
                ("attempts", ["--db", db, "attempts"]),
                ("show", ["--db", db, "show", "1"]),
                ("stats", ["--db", db, "stats", "--since", "2026-11-01"]),
                ("explain", ["--db", db, "explain", client]),
                ("redact", ["redact", client]),
                ("check", check_fixture(tmp)),
                ("prune", ["--db", db, "prune", "--older-than", "36500d", "--dry-run"]),
                ("help", ["help"]),
            ]
            check(sorted(n for n, _ in runs) == sorted(COMMANDS), "the acceptance runs every command")
            for name, args in runs:
                if name == "follow":
                    # follow runs until stopped: give it a moment on the file
                    try:
                        p = subprocess.run(["timeout", "-s", "INT", "3", sshwhy] + args, env=dict(e, COLUMNS=str(cols)),
                                           capture_output=True, timeout=60)
                        out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
                    except subprocess.TimeoutExpired:
                        out, err = "", ""
                    rc = 0
                else:
                    rc, out, err = run(sshwhy, args, e, cols)
                what = "%s under LANG=%s, COLUMNS=%d" % (name, lang, cols)
                check(rc in (0, 1), "%s runs (rc %d): %r" % (what, rc, err[:300]))
                check(out.strip() != "" or name == "follow" and err.strip(), "%s prints something" % what)
                wide = too_wide(out, cols) + too_wide(err, cols)
                if name in WHOLE_LINES:
                    wide = [l for l in wide if not a_log_line(l, client_lines)]
                check(not wide, "%s: %d lines too wide, e.g. %r" % (what, len(wide), wide[:1]))
                if lang != "C" and name != "redact":
                    check(japanese(out + err), "%s speaks Japanese" % what)


if __name__ == "__main__":
    sys.exit(main())
