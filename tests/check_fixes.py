#!/usr/bin/env python3
"""check's fixes name the right thing (issue 13 item 9), on the real binary
with a configuration file read by sshwhy (--sshd pointing nowhere, so no
root and no sshd are needed):
  - a key type PubkeyAcceptedAlgorithms refuses: the fix adds the refused
    key's own algorithm(s), never one the list already accepts, and offers a
    type that is accepted as the alternative;
  - the LogLevel and algorithm fixes name the --config file, not
    /etc/ssh/sshd_config.

    check_fixes.py SSHWHY
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SSHWHY = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SSHWHY", "build/sshwhy")
fails = 0

# (name, key type for ssh-keygen, PubkeyAcceptedAlgorithms, must be added, alternative offered)
CASES = [
    ("ecdsa refused, ed25519 accepted", "ecdsa", "ssh-ed25519,rsa-sha2-512",
     "ecdsa-sha2-nistp256", "ssh-ed25519"),
    ("ed25519 refused, ecdsa accepted", "ed25519", "ecdsa-sha2-nistp256",
     "ssh-ed25519", "ecdsa-sha2-nistp256"),
    ("rsa refused: the SHA-2 algorithms, not ssh-rsa", "rsa", "ssh-ed25519",
     "rsa-sha2-512,rsa-sha2-256", "ssh-ed25519"),
    ("ecdsa refused, nothing usual accepted", "ecdsa", "ssh-dss",
     "ecdsa-sha2-nistp256", None),
]


def result(ok, name, detail=""):
    global fails
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        fails += 1


def check(cfg, key):
    p = subprocess.run([SSHWHY, "check", "--user", "root", "--sshd", "/nonexistent/sshd",
                        "--config", cfg, "--key", key, "--json"],
                       capture_output=True, text=True, timeout=60)
    try:
        return {it["topic"]: it for it in json.loads(p.stdout)["items"]}, p
    except (ValueError, KeyError):
        return {}, p


def main():
    if not shutil.which("ssh-keygen"):
        print("SKIP: no ssh-keygen")
        return 77
    with tempfile.TemporaryDirectory() as t:
        for name, ktype, accepted, add, alt in CASES:
            key = os.path.join(t, "k_" + ktype)
            if not os.path.exists(key):
                subprocess.run(["ssh-keygen", "-q", "-t", ktype, "-N", "", "-f", key], check=True)
            cfg = os.path.join(t, "sshd config %d" % CASES.index((name, ktype, accepted, add, alt)))
            with open(cfg, "w") as f:
                f.write("LogLevel INFO\nPubkeyAcceptedAlgorithms %s\n" % accepted)
            items, p = check(cfg, key + ".pub")
            alg = items.get("algorithm", {})
            fix = alg.get("fix") or ""
            detail = "exit %d, fix %r, stderr %r" % (p.returncode, fix, p.stderr[-300:])
            result(alg.get("status") == "problem" and alg.get("cause") == "key-algorithm-not-accepted",
                   name + ": refused", detail)
            result(("add %s to PubkeyAcceptedAlgorithms in %s" % (add, cfg)) in fix,
                   name + ": adds the refused key's algorithm in the --config file", detail)
            added = fix.split("add ", 1)[-1].split(" ", 1)[0].split(",")
            result(not any(a in accepted.split(",") for a in added),
                   name + ": never adds an algorithm already accepted", detail)
            if alt:
                result("a key type already accepted (%s" % alt in fix, name + ": offers " + alt, detail)
            else:
                result("already accepted" not in fix, name + ": offers no alternative", detail)
            result("/etc/ssh/sshd_config" not in fix, name + ": no other file named", detail)
            lv = items.get("loglevel", {})
            lfix = lv.get("fix") or ""
            result(lv.get("status") == "warning" and ("in %s " % cfg) in lfix
                   and "/etc/ssh/sshd_config" not in lfix,
                   name + ": the LogLevel fix names the --config file", repr(lfix))
    print("%d failure(s)" % fails)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
