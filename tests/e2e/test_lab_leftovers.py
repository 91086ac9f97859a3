#!/usr/bin/env python3
"""The e2e lab does not depend on what an earlier run left (issue 13 item 1):
a scenario that was killed before restoring its user leaves ~/.ssh as a file
(04j-ssh-dir-not-a-directory), authorized_keys as a directory, ~/.ssh as a
symlink; User.reset() must put the standard layout back instead of failing
(FileExistsError) on the next run. Root only (exit 77 otherwise); uses the
test user sshwhy-leftovers (the lab's naming and GECOS, left like the others).
"""
import os
import pwd
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402

NAME = "sshwhy-leftovers"


def main():
    if os.geteuid() != 0:
        print("SKIP: not root")
        return 77
    try:
        pwd.getpwnam(NAME)
    except KeyError:
        subprocess.run(["useradd", "-m", "-s", "/bin/bash", "-c", lab.USER_GECOS, NAME], check=True)
    u = lab.User(NAME)
    fails = 0
    with tempfile.TemporaryDirectory() as t:
        outside = os.path.join(t, "outside")
        os.mkdir(outside)

        def leave_file():
            u.reset()
            subprocess.run(["rm", "-rf", u.ssh_dir])
            with open(u.ssh_dir, "w") as f:
                f.write("not a directory\n")

        def leave_dir():
            u.reset()
            os.unlink(u.authorized_keys)
            os.mkdir(u.authorized_keys)

        def leave_link():
            u.reset()
            subprocess.run(["rm", "-rf", u.ssh_dir])
            os.symlink(outside, u.ssh_dir)

        for name, leave in (("~/.ssh left as a file", leave_file),
                            ("authorized_keys left as a directory", leave_dir),
                            ("~/.ssh left as a symlink", leave_link)):
            leave()
            try:
                u.reset()
                ok = (os.path.isdir(u.ssh_dir) and not os.path.islink(u.ssh_dir)
                      and os.stat(u.ssh_dir).st_mode & 0o777 == 0o700
                      and os.path.isfile(u.authorized_keys)
                      and os.stat(u.authorized_keys).st_mode & 0o777 == 0o600
                      and os.path.isdir(outside) and os.listdir(outside) == [])
                detail = ""
            except OSError as e:
                ok, detail = False, str(e)
            print(("ok   " if ok else "FAIL ") + name + ": reset restores the layout" + (": " + detail if detail else ""))
            fails += not ok
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
