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
     counted in display columns (a Japanese character takes two).

usage: i18n.py SSHWHY SOURCE_ROOT LOCALEDIR     exit 0 pass, 1 fail, 77 skip
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata

fails = []


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
        subprocess.run(["xgettext", "--keyword=_", "--keyword=N_", "--from-code=UTF-8", "-o", pot] +
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
        # English stays English
        out = subprocess.run([sshwhy, "--db", db, "stats"], env=dict(env, LANG="C", LC_ALL="C"), capture_output=True,
                             check=True).stdout.decode()
        check("attempts:" in out and "試行" not in out, "LANG=C stays English")
    print("i18n: %d failures" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
