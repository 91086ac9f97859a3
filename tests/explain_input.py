#!/usr/bin/env python3
"""`sshwhy explain` on input that is not a client log: empty, blank, binary,
a private key (alone or inside a paste), sshd's own log (more than a few
connections: a few are explained on their own, checked last), a known_hosts file,
10 MB of text. Each must fail with exit 1 and one clear message, never echo
the private key, and store nothing (the database is not even created).

usage: explain_input.py SSHWHY
"""
import os
import random
import subprocess
import sys
import tempfile

PRIVATE = """-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACBTZXNzaW9uS2V5Tm90UmVhbEJ1dExvb2tzTGlrZU9uZQAAAJgAAAAAAAAA
-----END OPENSSH PRIVATE KEY-----
"""
CLIENT = """OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15 3 Sep 2024
debug1: Connecting to 127.0.0.1 [127.0.0.1] port 2222.
debug1: Authenticating to 127.0.0.1:2222 as 'alice'
alice@127.0.0.1: Permission denied (publickey).
"""
SERVER = "".join("2026-11-22T02:24:%02d.000000+00:00 vm sshd[%d]: Connection closed by authenticating "
                 "user alice 127.0.0.1 port %d [preauth]\n" % (i, 100 + i, 40000 + i) for i in range(20))
KNOWN = ("github.com,140.82.121.4 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
         "|1|c2FsdA==|aGFzaA== ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=\n")


def cases():
    random.seed(16)
    yield "empty", b"", "is empty"
    yield "blank", b" \r\n\n\t\n", "is empty"
    yield "binary", bytes(random.randrange(256) for _ in range(8192)), "binary"
    yield "private-key", PRIVATE.encode(), "PRIVATE key"
    yield "private-key-in-paste", ("my log:\n" + CLIENT + PRIVATE).encode(), "PRIVATE key"
    yield "server-log", SERVER.encode(), "sshwhy ingest"
    yield "known-hosts", KNOWN.encode(), "known_hosts"
    yield "10mb", "".join(random.choice("abcdefgh ij\n") for _ in range(10 << 20)).encode(), "does not look like"


def main(argv):
    sshwhy = argv[1] if len(argv) > 1 else os.environ["SSHWHY"]
    errs = []
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "never.db")
        for name, data, want in cases():
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(data)
            p = subprocess.run([sshwhy, "--db", db, "explain", "--no-update", path], capture_output=True)
            err = p.stderr.decode(errors="replace")
            print("  %-22s exit %d: %s" % (name, p.returncode, err.strip()[:110]))
            if p.returncode != 1:
                errs.append("%s: exit %d, want 1" % (name, p.returncode))
            if want not in err or not err.startswith("sshwhy: ") or err.count("\n") != 1:
                errs.append("%s: want one 'sshwhy: ...%s...' line, got %r" % (name, want, err[:300]))
            if p.stdout:
                errs.append("%s: printed to stdout: %r" % (name, p.stdout[:200]))
            if b"b3BlbnNzaC1rZXkt" in p.stdout + p.stderr:
                errs.append("%s: echoed the private key" % name)
            if os.path.exists(db):
                errs.append("%s: a database was created" % name)
        # A few of sshd's own lines (the admin's journal, with or without the
        # header) are explained on their own: exit 0, the verdict on stdout,
        # one note on stderr, nothing stored.
        few = [("one-bare-line", "Connection closed by invalid user bob 198.51.100.7 port 4444 [preauth]\n",
                "invalid-user"),
               ("two-lines", SERVER.splitlines(True)[0] + "2026-11-22T02:25:00.000000+00:00 vm sshd[7]: "
                "Invalid user eve from 198.51.100.8 port 5555\n", "preauth-close-no-detail")]
        for name, text, want in few:
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write(text)
            p = subprocess.run([sshwhy, "--db", db, "explain", "--no-update", path], capture_output=True)
            out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
            print("  %-22s exit %d: %s" % (name, p.returncode, out.splitlines()[0] if out else err.strip()[:110]))
            if p.returncode != 0 or want not in out:
                errs.append("%s: exit %d, want 0 and %s on stdout: %r %r" % (name, p.returncode, want, out[:200], err[:200]))
            if "sshd's own lines" not in err or err.count("\n") != 1:
                errs.append("%s: want one note on stderr, got %r" % (name, err[:300]))
            if os.path.exists(db):
                errs.append("%s: a database was created" % name)
    for e in errs:
        print("FAIL " + e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
