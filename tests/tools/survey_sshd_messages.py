#!/usr/bin/env python3
"""Which sshd message formats of OpenSSH 7.4-10.5 does sshwhy not read?
(issue 12; the result is docs/unrecognised-messages.md)

Reads every release tag V_7_4_P1 .. V_10_5_P1 of an openssh-portable git
directory (a bare mirror is enough), takes each log call of the files the
server is built from (logit, verbose, debug, do_log2, logdie, sigdie and
their _f/_r/_fr forms) with its format string, makes one sample message of
each (conversions filled with plausible values; the formats whose sample
would not be what sshd writes are given by hand in OVERRIDE), feeds them to
`sshwhy ingest --print-unrecognised` as syslog lines of sshd and prints the
formats it did not read, with their level, source and versions. DEBUG1 lines
are always read (kept as evidence of kind debug), so only INFO and VERBOSE
formats can come out. Nothing of OpenSSH is copied: the formats are read at
run time from the checkout given.

usage: survey_sshd_messages.py OPENSSH_GIT_DIR SSHWHY [--all]
  --all   also print the formats that were read (one line each, 'ok')"""
import json
import os
import re
import subprocess
import sys
import tempfile

SERVER = re.compile(r'^(sshd(-session|-auth)?\.c|auth[^/]*\.c|monitor[^/]*\.c|session\.c|serverloop\.c|servconf\.c|groupaccess\.c|loginrec\.c|sshlogin\.c|canohost\.c|packet\.c|kex[^/]*\.c|dispatch\.c|channels\.c|nchan\.c|srclimit\.c|misc\.c|auth-options\.c|uidswap\.c|platform[^/]*\.c|audit[^/]*\.c|gss-serv[^/]*\.c|sandbox-[^/]*\.c|hostfile\.c|sshkey\.c|dh\.c|compat\.c|cipher\.c|mac\.c|sshpty\.c|openbsd-compat/port-linux\.c|openbsd-compat/port-aix\.c|addrmatch\.c|match\.c|krl\.c|umac\.c|msg\.c|atomicio\.c|ssh-pkcs11\.c|authfile\.c|readconf\.c|log\.c)$')
CALL = re.compile(r'\b(logit|verbose|debug|do_log2|sshlog|logdie|sigdie)(_f|_r|_fr)?\s*\(')
LEVEL = {"logit": "INFO", "verbose": "VERBOSE", "debug": "DEBUG1", "do_log2": "INFO", "logdie": "INFO", "sigdie": "FATAL"}
FUNC = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)\(', re.M)
SPEC = re.compile(r'%(?:%|[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|z|j|t|q)?[diouxXcspfeEgG])')
CONNID = ('Connection closed by ', 'Connection reset by ', 'Disconnected from ', 'Disconnecting ',
          'Unable to negotiate with ', 'inactive connection from ', 'not responding from ')
OVERRIDE = {
    'Connection closed by %.200s port %d': 'Connection closed by 192.0.2.10 port 22',
    'Connection closed by %.100s port %d': 'Connection closed by 192.0.2.10 port 22',
    'Connection reset by %.200s port %d': 'Connection reset by 192.0.2.10 port 22',
    'Disconnected from %.200s port %d': 'Disconnected from 192.0.2.10 port 22',
    'Unable to negotiate with %.200s port %d: %s. Their offer: %s':
        'Unable to negotiate with 192.0.2.10 port 22: no matching cipher found. Their offer: aes128-cbc',
    'Connection %s %s timed out': 'Connection from 192.0.2.10 port 22 timed out',
    'Connection %s %.200s port %d timed out': 'Connection from 192.0.2.10 port 22 timed out',
    '%s%sConnection %s %.200s port %d: %s': 'ssh_dispatch_run_fatal: Connection from 192.0.2.10 port 22: invalid format',
    '%s%sConnection %s %s: %s': 'ssh_dispatch_run_fatal: Connection from 192.0.2.10 port 22: invalid format',
    '%s%sConnection %s %s: <err>': 'ssh_dispatch_run_fatal: Connection from 192.0.2.10 port 22: invalid format',
    'Server listening on %s port %s%s%s.': 'Server listening on 0.0.0.0 port 22.',
    'Server listening on %s port %s.': 'Server listening on 0.0.0.0 port 22.',
    'Connection from %s port %d on %s port %d%s%s%s': 'Connection from 192.0.2.10 port 50522 on 198.51.100.1 port 22',
    'Timeout before authentication for %s, pid = %ld%s': 'Timeout before authentication for connection from 192.0.2.10 to 198.51.100.1, pid = 1234',
    'Accepted %s public key %s from %s@%s': 'Accepted ED25519 public key SHA256:mUviN59eSQhmX9tE2IggvPDZ8yCZIZ++J07PqItW3po from alice@ws1.example',
    'Accepted key %s %s found at %s': 'Accepted key ED25519 SHA256:mUviN59eSQhmX9tE2IggvPDZ8yCZIZ++J07PqItW3po found at /home/alice/.ssh/authorized_keys:3',
    'refusing previously-used %s key': 'refusing previously-used ED25519 key',
    'refusing %s key: <err>': 'refusing RSA key: Invalid key length',
    '%s %s failed, status %d': 'AuthorizedKeysCommand /usr/bin/x failed, status 1',
    'User %.100s not allowed because %s exists': 'User alice not allowed because /etc/nologin exists',
    'User %s %s %s is not a regular file': 'User alice authorized keys /home/alice/.ssh/authorized_keys is not a regular file',
    "User '%s' %s '%s' is not a regular file": "User 'alice' authorized keys '/home/alice/.ssh/authorized_keys' is not a regular file",
    'Nasty PTR record \\"%s\\" is set up for %s, ignoring': 'Nasty PTR record "x" is set up for 192.0.2.10, ignoring',
    'Address %.100s maps to %.600s, but this does not map back to the address.': 'Address 192.0.2.10 maps to h.example, but this does not map back to the address.',
    '%zu active %s penalties': '2 active ipv4 penalties',
    'client %s %s (expired)': 'client 203.0.113.5/32 penalty: failed authentication (expired)',
    'client %s %s (%llu secs left)': 'client 203.0.113.5/32 penalty: failed authentication (15 secs left)',
    'client %s %s (%.3f secs left)': 'client 203.0.113.5/32 penalty: failed authentication (15.250 secs left)',
    'Authentication tried for %.100s with correct key but not from a permitted host (host=%.200s, ip=%.200s).': 'Authentication tried for alice with correct key but not from a permitted host (host=h.example, ip=192.0.2.10).',
    'Authentication tried for %.100s with valid certificate but not from a permitted host (ip=%.200s).': 'Authentication tried for alice with valid certificate but not from a permitted host (ip=192.0.2.10).',
    '%s: Authentication tried for %.100s with correct key but not from a permitted host (host=%.200s, ip=%.200s, required=%.200s).': '/home/alice/.ssh/authorized_keys:3: Authentication tried for alice with correct key but not from a permitted host (host=h.example, ip=192.0.2.10, required=10.0.0.0/8).',
    '%s: Authentication tried for %.100s with valid certificate but not from a permitted source address (%.200s).': '/home/alice/.ssh/authorized_keys:3: Authentication tried for alice with valid certificate but not from a permitted source address (192.0.2.10).',
}


def tags(git):
    out = subprocess.run(["git", "--git-dir", git, "tag"], capture_output=True, text=True, check=True).stdout
    v = []
    for t in out.split():
        m = re.match(r"^V_(\d+)_(\d+)_P(\d+)$", t)
        if m and (int(m.group(1)), int(m.group(2))) >= (7, 4):
            v.append(((int(m.group(1)), int(m.group(2)), int(m.group(3))), t))
    return [t for _, t in sorted(v)]


def call_args(src, i):
    """The text between the call's parentheses, from i (after '(')."""
    depth, j = 1, i
    while j < len(src) and depth:
        c = src[j]
        if c == '"':
            j += 1
            while j < len(src) and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        j += 1
    return src[i:j - 1]


def extract(git, tag_list):
    found = {}
    for tag in tag_list:
        files = subprocess.run(["git", "--git-dir", git, "ls-tree", "-r", "--name-only", tag],
                               capture_output=True, text=True, check=True).stdout.split()
        for fn in files:
            if not SERVER.match(fn):
                continue
            src = subprocess.run(["git", "--git-dir", git, "show", tag + ":" + fn],
                                 capture_output=True, text=True, errors="replace").stdout
            funcs = [(m.start(), m.group(1)) for m in FUNC.finditer(src)]
            for m in CALL.finditer(src):
                name, suf = m.group(1), m.group(2) or ""
                if name == "sshlog":
                    continue
                args = call_args(src, m.end())
                level = LEVEL[name]
                if name == "do_log2":
                    # the level is an argument: a constant, a ternary
                    # (INFO when one side is), or a variable (skipped)
                    lv = args.split(",", 1)[0]
                    level = ("INFO" if "INFO" in lv else "VERBOSE" if "VERBOSE" in lv else
                             "DEBUG1" if "DEBUG1" in lv else None)
                    if level is None:
                        continue
                mfmt = re.search(r'((?:\s*"(?:[^"\\]|\\.)*"\s*)+)', args)
                if not mfmt:
                    continue
                fmt = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', mfmt.group(1)))
                rest = args[mfmt.end():]
                func = ""
                for pos, f in funcs:
                    if pos < m.start():
                        func = f
                if "f" in suf:
                    fmt = func + ": " + fmt
                elif fmt.startswith("%s: ") and rest.lstrip(", \n\t").startswith("__func__"):
                    fmt = func + ": " + fmt[4:]
                if "r" in suf:
                    fmt = fmt + ": <err>"
                key = (level, fmt)
                e = found.setdefault(key, {"level": level, "fmt": fmt, "where": "%s:%s()" % (fn, func), "tags": []})
                if tag not in e["tags"]:
                    e["tags"].append(tag)
    return list(found.values())


def unesc(s):
    return s.replace('\\"', '"').replace('\\\\', '\\').replace('\\n', ' ').replace('\\r', '').replace('\\t', ' ')


def sample(x):
    if x["fmt"] in OVERRIDE:
        msg = OVERRIDE[x["fmt"]]
    else:
        f = unesc(x["fmt"])
        res, pos = [], 0
        for m in SPEC.finditer(f):
            pre, after = f[:m.start()], f[m.end():m.end() + 6]
            res.append(f[pos:m.start()])
            sp = m.group(0)
            c = sp[-1]
            if sp == "%%":
                v = "%"
            elif c in "diouxX":
                v = "22"
            elif c in "feEgG":
                v = "5.000"
            elif c == "c":
                v = "x"
            elif c == "p":
                v = "0x1"
            elif pre.endswith(CONNID):
                v = "192.0.2.10 port 22"
            elif after.startswith(" port") or (pre.endswith(("from ", "ip=", "for ")) and
                                              after[:1] in ("", " ", ",", ":", ")") and
                                              "port" in f[m.end():m.end() + 8]):
                v = "192.0.2.10"
            elif pre.endswith("[") and after.startswith("]"):
                v = "192.0.2.10"
            else:
                v = "alice"
            res.append(v)
            pos = m.end()
        res.append(f[pos:])
        msg = "".join(res)
    if x["level"] == "DEBUG1":
        msg = "debug1: " + msg
    elif x["level"] == "FATAL":
        msg = "fatal: " + msg
    return msg


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    git, sshwhy = sys.argv[1], sys.argv[2]
    tl = tags(git)
    fmts = extract(git, tl)
    tmp = tempfile.mkdtemp(prefix="sshwhy-survey-")
    log = os.path.join(tmp, "sample.log")
    with open(log, "w") as fh:
        for i, x in enumerate(fmts):
            fh.write("2026-12-07T01:00:00.%06d+00:00 h sshd[%d]: %s\n" % (i, 1000 + i, sample(x)))
    p = subprocess.run([sshwhy, "--db", os.path.join(tmp, "s.db"), "ingest", "--no-progress",
                        "--print-unrecognised", log], capture_output=True, text=True)
    missed = set()
    for l in (p.stdout + p.stderr).splitlines():
        m = re.match(r"^.*sample\.log:(\d+): ", l)
        if m:
            missed.add(int(m.group(1)) - 1)
    rows = []
    for i, x in enumerate(fmts):
        if i in missed or "--all" in sys.argv:
            t = x["tags"]
            rows.append((x["where"], t[0], t[-1], x["level"], "MISSED" if i in missed else "ok", x["fmt"]))
    for r in sorted(rows):
        print("%s\t%s..%s\t%s\t%s\t%s" % r)
    print("%d formats in %d tags (%s..%s), %d not read" % (len(fmts), len(tl), tl[0], tl[-1], len(missed)),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
