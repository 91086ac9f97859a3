#!/usr/bin/env python3
"""End-to-end lab for sshwhy: real journald, real rsyslog, real sshd, real ssh.

Python 3 standard library only. Needs root and Debian 12's packages
(openssh-server, openssh-client, systemd (journald), rsyslog, util-linux,
passwd). Nothing leaves loopback: sshd listens on 127.0.0.1 and ::1 only and
the clients connect there.

Logging pipeline (Debian's: sshd -> /dev/log -> journald -> forward socket ->
rsyslog -> auth.log), two ways to run it:

  namespace (default when possible): a private journald *namespace* instance
      `systemd-journald sshwhy-e2e-PID` with its config in
      /run/systemd/journald@NS.conf (Storage=volatile, ForwardToSyslog=yes),
      sockets in /run/systemd/journal.NS/ and journal files in
      /run/log/journal/MACHINEID.NS/ (= Lab.journal_dir). It forwards to
      /run/systemd/journal.NS/syslog, where our rsyslogd listens. sshd runs in
      a private mount namespace (unshare -m) in which journald's socket
      directory is bind-mounted over /run/systemd/journal, so its syslog(3)
      calls to /dev/log reach the private journald. Nothing of the machine's
      own logging is touched; everything is removed on exit.
  global: the machine's journald (/run/systemd/journal, /run/log/journal). A
      journald that is already running is reused, never stopped; otherwise one
      is started standalone and stopped at the end. rsyslogd listens on
      /run/systemd/journal/syslog; if another process already listens there
      (a system rsyslog) the lab refuses (Skip) rather than steal it.

Machine-global things that may be created (and are left, they are Debian's
standard layout): the symlink /dev/log -> /run/systemd/journal/dev-log, the
directories /run/systemd/journal and /run/sshd (sshd's privsep directory),
test users named sshwhy-* (GECOS "sshwhy e2e test user") with homes in /home.
Global mode also leaves the volatile journal in /run/log/journal.

Library use (Lab is a context manager; everything it started is stopped on exit,
also after an exception or SIGTERM-turned-SystemExit; after a SIGKILL the next Lab,
or `lab.py reap`, stops the leftovers using /run/sshwhy-e2e/<id>.json):

    with lab.Lab() as L:                          # journald + rsyslog up, first sync done
        k = L.key("alice_ed25519")                # ssh-keygen into <tmp>/keys -> Key(.path .fingerprint)
        alice = L.user("sshwhy-alice", [k])       # useradd/reset, password set, authorized_keys
        with alice.mode(alice.ssh_dir, 0o777): ...  # temporary StrictModes breakage
        s = L.sshd(loglevel="VERBOSE", extra="AllowUsers sshwhy-alice")   # ready when it logged
        r = L.ssh("sshwhy-alice", k, sshd=s, host="::1")  # run to the end, wait for sshd's
                                                  # per-connection processes, sync the logs
        r.returncode, r.src_port, r.log, r.server_lines
        c = L.ssh_start(...); ...; r = c.wait()   # concurrent clients (no settle: call L.sync())
        L.sync()                                  # barrier: all lines sent so far are in the
                                                  # journal and in auth.log
        L.auth_log, L.journal_dir, L.journal_args()   # what sshwhy should read
        L.wait_for_lines(n, pattern)              # poll auth.log
        p = L.popen([sshwhy, "--db", db, "follow", "--json", "--file", L.auth_log])
                                                  # helper process, stopped by the lab
        L.rotate_auth_log("rename" | "copytruncate"); L.hup_rsyslog()
        L.send_log("text", tag="x")               # inject a syslog line (auth.info)
        L.run_sshwhy(...), L.attempts(db)         # $SSHWHY, JSON lines parsed

CLI: lab.py check | up [--mode M] [--loglevel L] | remove-users | reap
"""

import contextlib
import json
import os
import pwd
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

SSHD = "/usr/sbin/sshd"
SSH = "/usr/bin/ssh"
SSH_KEYGEN = "/usr/bin/ssh-keygen"
JOURNALD = "/lib/systemd/systemd-journald"
RSYSLOGD = "/usr/sbin/rsyslogd"
JOURNALCTL = "/usr/bin/journalctl"
UNSHARE = "/usr/bin/unshare"

USER_PREFIX = "sshwhy-"
USER_GECOS = "sshwhy e2e test user"
STATE_DIR = "/run/sshwhy-e2e"      # one JSON per live lab, for reaping after SIGKILL
GLOBAL_RUNDIR = "/run/systemd/journal"
SYNC_TAG = "sshwhy-e2e-sync"

# Debian 12 /etc/ssh/sshd_config defaults, appended after the scenario lines
# (the first value of a keyword wins).
DEBIAN_DEFAULTS = """\
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
"""


class Skip(Exception):
    """The lab cannot run here (exit 77)."""


class LabError(Exception):
    pass


def log(msg):
    print("lab: " + msg, file=sys.stderr, flush=True)


def missing_prerequisites(mode="auto"):
    """List of reasons the lab cannot run (empty = fine)."""
    why = []
    if os.geteuid() != 0:
        why.append("not root")
    for p in (SSHD, SSH, SSH_KEYGEN, JOURNALD, RSYSLOGD, JOURNALCTL):
        if not os.access(p, os.X_OK):
            why.append("missing " + p)
    for p in ("useradd", "usermod", "chpasswd"):
        if not shutil.which(p):
            why.append("missing " + p)
    if mode == "namespace" and not os.access(UNSHARE, os.X_OK):
        why.append("missing " + UNSHARE)
    try:
        with open("/etc/machine-id") as f:
            if not re.fullmatch(r"[0-9a-f]{32}\s*", f.read()):
                why.append("/etc/machine-id is not set")
    except OSError:
        why.append("no /etc/machine-id")
    return why


def machine_id():
    with open("/etc/machine-id") as f:
        return f.read().strip()


def unix_dgram_listening(path):
    """True when a process receives on the AF_UNIX datagram socket at path."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def wait_until(pred, timeout, what, interval=0.01):
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise LabError("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(interval)


def proc_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().split(b"\0")[:-1]
    except OSError:
        return None


def proc_children(pid):
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may contain spaces/parens
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        if ppid == pid:
            kids.append(int(d))
    return kids


def ipv6_available():
    s = None
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.bind(("::1", 0))
        return True
    except OSError:
        return False
    finally:
        if s is not None:
            s.close()


def free_port(lo=22000, hi=22999, ipv6=True):
    """A port free on 127.0.0.1 (and ::1)."""
    ports = list(range(lo, hi + 1))
    random.shuffle(ports)
    addrs = [(socket.AF_INET, "127.0.0.1")] + ([(socket.AF_INET6, "::1")] if ipv6 else [])
    for p in ports:
        ok = True
        for fam, addr in addrs:
            s = socket.socket(fam, socket.SOCK_STREAM)
            try:
                s.bind((addr, p))
            except OSError:
                ok = False
            finally:
                s.close()
            if not ok:
                break
        if ok:
            return p
    raise LabError("no free port in %d-%d" % (lo, hi))


def tcp_local_port_of(pid, remote_port):
    """Local port of pid's TCP socket connected to remote_port, or None."""
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if t.startswith("socket:["):
                inodes.add(t[8:-1])
    except OSError:
        return None
    if not inodes:
        return None
    for tab in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(tab) as f:
                next(f)
                for line in f:
                    fs = line.split()
                    if fs[9] in inodes and int(fs[2].rsplit(":", 1)[1], 16) == remote_port:
                        return int(fs[1].rsplit(":", 1)[1], 16)
        except OSError:
            pass
    return None


def run(argv, check=True, **kw):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, **kw)
    if check and p.returncode != 0:
        raise LabError("%s failed (%d): %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
    return p


# --------------------------------------------------------------------------- state / reaping

def _state_write(lab_id, state):
    os.makedirs(STATE_DIR, mode=0o700, exist_ok=True)
    tmp = os.path.join(STATE_DIR, lab_id + ".json.tmp")
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, os.path.join(STATE_DIR, lab_id + ".json"))


def proc_starttime(pid):
    """Start time of pid in clock ticks (field 22 of /proc/PID/stat), None if gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return None
    return int(st[st.rindex(")") + 2:].split()[19])


def _kill_recorded(pid, starttime, sig=signal.SIGTERM, timeout=5.0):
    """Kill pid only if it is still the process that was recorded (same start time)."""
    if proc_starttime(pid) != starttime:
        return
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)
        if proc_starttime(pid) != starttime:
            return
        time.sleep(0.02)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _remove_path(p):
    if isinstance(p, (list, tuple)):      # ("rmdir-if-empty", dir)
        with contextlib.suppress(OSError):
            os.rmdir(p[1])
        return
    if os.path.isdir(p) and not os.path.islink(p):
        shutil.rmtree(p, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(p)


def reap_stale():
    """Stop processes and remove paths of labs whose owner died (SIGKILL)."""
    try:
        names = os.listdir(STATE_DIR)
    except FileNotFoundError:
        return
    for n in names:
        if not n.endswith(".json"):
            continue
        path = os.path.join(STATE_DIR, n)
        try:
            with open(path) as f:
                st = json.load(f)
        except (OSError, ValueError):
            continue
        owner = st.get("owner")
        if owner and proc_starttime(owner) == st.get("owner_start") and owner != os.getpid():
            continue
        log("reaping stale lab %s (owner %s gone)" % (n, owner))
        for pr in reversed(st.get("procs", [])):
            _kill_recorded(pr["pid"], pr["start"])
        for p in st.get("paths", []):
            _remove_path(p)
        if st.get("tmp", "").startswith(tempfile.gettempdir() + "/sshwhy-e2e-"):
            _remove_path(st["tmp"])
        _remove_path(path)
    with contextlib.suppress(OSError):
        os.rmdir(STATE_DIR)


# --------------------------------------------------------------------------- objects

class Key:
    def __init__(self, path, pub, fingerprint, ktype):
        self.path, self.pub, self.fingerprint, self.type = path, pub, fingerprint, ktype

    def __repr__(self):
        return "Key(%s %s)" % (self.path, self.fingerprint)


class User:
    def __init__(self, name):
        self.name = name
        pw = pwd.getpwnam(name)
        self.uid, self.gid, self.home = pw.pw_uid, pw.pw_gid, pw.pw_dir
        self.ssh_dir = os.path.join(self.home, ".ssh")
        self.authorized_keys = os.path.join(self.ssh_dir, "authorized_keys")

    def reset(self, keys=()):
        """Home 0755, ~/.ssh 0700, authorized_keys 0600 holding exactly keys.
        Whatever a scenario (or a run killed before it restored it) left in
        their place goes first: ~/.ssh as a file or symlink, authorized_keys
        as a directory or symlink."""
        for path, want_dir in ((self.home, True), (self.ssh_dir, True), (self.authorized_keys, False)):
            if os.path.islink(path) or (os.path.lexists(path) and os.path.isdir(path) != want_dir):
                shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.unlink(path)
        os.makedirs(self.home, exist_ok=True)
        os.chown(self.home, self.uid, self.gid)
        os.chmod(self.home, 0o755)
        os.makedirs(self.ssh_dir, exist_ok=True)
        os.chown(self.ssh_dir, self.uid, self.gid)
        os.chmod(self.ssh_dir, 0o700)
        with open(self.authorized_keys, "w") as f:
            for k in keys:
                f.write(k.pub.strip() + "\n")
        os.chown(self.authorized_keys, self.uid, self.gid)
        os.chmod(self.authorized_keys, 0o600)
        return self

    def authorize(self, *keys):
        return self.reset(keys)

    @contextlib.contextmanager
    def mode(self, path, mode):
        """Temporarily chmod path (e.g. user.ssh_dir to 0o777 for StrictModes)."""
        old = os.stat(path).st_mode & 0o7777
        os.chmod(path, mode)
        try:
            yield
        finally:
            os.chmod(path, old)


class Sshd:
    """A running sshd -D. .port, .pid, .config_path, .loglevel, .stop()."""

    def __init__(self, lab, name, port, loglevel, config_path, proc):
        self.lab, self.name, self.port, self.loglevel = lab, name, port, loglevel
        self.config_path, self.proc, self.pid = config_path, proc, proc.pid

    def children(self):
        return proc_children(self.pid)

    def wait_idle(self, timeout=15.0):
        """Wait until no per-connection process of this sshd is left."""
        wait_until(lambda: not self.children(), timeout, "sshd %s connections to end" % self.name,
                   interval=0.02)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.lab._forget_proc(self.pid)


class ClientResult:
    """Outcome of one ssh client run."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return "ClientResult(%s@%s:%s from port %s rc=%s)" % (
            self.user, self.host, self.port, self.src_port, self.returncode)


class Client:
    """A running ssh client (Lab.ssh_start); .wait() -> ClientResult."""

    def __init__(self, lab, argv, user, host, sshd, log_path, label):
        self.lab, self.argv, self.user, self.host, self.sshd = lab, argv, user, host, sshd
        self.log_path, self.label = log_path, label
        self.src_port = None
        self.started = time.time()
        self._logf = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._logf,
                                     stderr=subprocess.STDOUT)

    def poll_port(self):
        if self.src_port is None:
            self.src_port = tcp_local_port_of(self.proc.pid, self.sshd.port)
        return self.src_port

    def wait(self, timeout=30.0):
        end = time.monotonic() + timeout
        while self.proc.poll() is None:
            self.poll_port()
            if time.monotonic() > end:
                self.proc.kill()
                self.proc.wait()
                break
            time.sleep(0.001)
        ended = time.time()
        self._logf.close()
        with open(self.log_path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        return ClientResult(user=self.user, host=self.host, port=self.sshd.port, sshd=self.sshd,
                            src_port=self.src_port, src_port_from="proc" if self.src_port else None,
                            returncode=self.proc.returncode, log=text, log_path=self.log_path,
                            argv=self.argv, started=self.started, ended=ended, label=self.label,
                            server_lines=[])


# --------------------------------------------------------------------------- the lab

class Lab:
    """Context manager: logging pipeline up on enter, everything it started down on exit.

    mode: "namespace" | "global" | "auto" (namespace when unshare works, else global);
          env SSHWHY_E2E_JOURNAL overrides "auto".
    keep: keep the temp dir (also set it to True after a failure to keep the evidence).
    """

    def __init__(self, mode="auto", tmpdir=None, keep=False, sshwhy=None):
        if mode == "auto":
            mode = os.environ.get("SSHWHY_E2E_JOURNAL", "auto")
        self.mode = mode
        self.keep = keep
        self.sshwhy = sshwhy or os.environ.get("SSHWHY")
        self._tmp_given = tmpdir
        self.tmp = None
        self.id = "sshwhy-e2e-%d" % os.getpid()
        self._procs = []      # [{pid, cmdline, popen}]
        self._paths = []      # removed on exit (and by reap)
        self._sshds = []
        self._keys = {}
        self._rotated = []    # files rotate_auth_log moved auth.log to
        self.created = []     # machine-global things created (for the report)
        self.started_journald = False
        self.t_start = None
        self.journal_dir = self.auth_log = self.all_log = self.dev_log = None
        self.ipv6 = ipv6_available()

    # ---- lifecycle
    def __enter__(self):
        try:
            self.start()
        except BaseException as e:
            if not isinstance(e, Skip):
                self.keep = True
            self.stop()
            raise
        return self

    def __exit__(self, et, ev, tb):
        clean = et is None or isinstance(ev, Skip) or (isinstance(ev, SystemExit) and ev.code in (0, None))
        if not clean:
            self.keep = True      # keep the evidence of a failure
        self.stop()
        return False

    def start(self):
        why = missing_prerequisites(self.mode)
        if why:
            raise Skip("; ".join(why))
        reap_stale()
        self.t_start = time.time()
        self.tmp = self._tmp_given or tempfile.mkdtemp(prefix="sshwhy-e2e-")
        os.makedirs(self.tmp, exist_ok=True)
        os.chmod(self.tmp, 0o755)
        for d in ("keys", "hostkeys", "clients", "rsyslog-spool"):
            os.makedirs(os.path.join(self.tmp, d), exist_ok=True)
        if self.mode == "auto":
            self.mode = "namespace" if self._unshare_works() else "global"
        if self.mode not in ("namespace", "global"):
            raise LabError("unknown journal mode %r" % self.mode)
        self._save_state()
        # journald creates these when missing; remove them again if they stay empty
        for d in ("/run/log/journal", "/run/log"):
            if not os.path.exists(d):
                self._paths.insert(0, ("rmdir-if-empty", d))
        self._ensure_dev_log()
        if self.mode == "namespace":
            self._start_journald_namespace()
        else:
            self._start_journald_global()
        self.auth_log = os.path.join(self.tmp, "auth.log")
        self.all_log = os.path.join(self.tmp, "all.log")
        self._start_rsyslog()
        t = time.monotonic()
        self.sync(timeout=10)
        log("pipeline up (%s mode, journal %s, auth.log %s, first sync %.0f ms)"
            % (self.mode, self.journal_dir, self.auth_log, (time.monotonic() - t) * 1000))
        return self

    def stop(self):
        for s in reversed(self._sshds):
            with contextlib.suppress(Exception):
                s.stop()
        for pr in reversed(list(self._procs)):
            p = pr.get("popen")
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self._procs = []
        if self.keep and self.tmp and self.mode == "namespace" and os.path.isdir(self.journal_dir or ""):
            with contextlib.suppress(Exception):
                shutil.copytree(self.journal_dir, os.path.join(self.tmp, "journal"))
        for p in reversed(self._paths):
            _remove_path(p)
        self._paths = []
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(STATE_DIR, self.id + ".json"))
        with contextlib.suppress(OSError):
            os.rmdir(STATE_DIR)
        if self.tmp and not self._tmp_given:
            if self.keep:
                log("kept %s" % self.tmp)
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- bookkeeping
    def _save_state(self):
        _state_write(self.id, {
            "owner": os.getpid(),
            "owner_start": proc_starttime(os.getpid()),
            "tmp": self.tmp if not self._tmp_given else "",
            "procs": [{"pid": p["pid"], "start": p["start"], "argv": p["argv"]} for p in self._procs],
            "paths": self._paths,
        })

    def _spawn(self, argv, out_name, **kw):
        out = open(os.path.join(self.tmp, out_name), "ab")
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True, **kw)
        out.close()
        if p.poll() is not None:
            raise LabError("%s exited at once (%d)" % (argv[0], p.returncode))
        self._procs.append({"pid": p.pid, "start": proc_starttime(p.pid), "argv": argv, "popen": p})
        self._save_state()
        return p

    def _forget_proc(self, pid):
        self._procs = [p for p in self._procs if p["pid"] != pid]
        self._save_state()

    def _own_path(self, p):
        self._paths.append(p)
        self._save_state()

    # ---- journald / rsyslog
    def _unshare_works(self):
        if not os.access(UNSHARE, os.X_OK):
            return False
        return run([UNSHARE, "--mount", "--propagation", "private", "true"], check=False).returncode == 0

    def _ensure_dev_log(self):
        """/dev/log must lead to journald's dev-log (Debian's layout)."""
        if os.path.lexists("/dev/log"):
            if os.path.islink("/dev/log"):
                tgt = os.path.realpath("/dev/log")
                if tgt != os.path.join(GLOBAL_RUNDIR, "dev-log"):
                    raise Skip("/dev/log points to %s, not journald's dev-log" % tgt)
            elif self.mode == "global":
                raise Skip("/dev/log is not journald's (another syslog daemon owns it)")
        else:
            os.symlink(os.path.join(GLOBAL_RUNDIR, "dev-log"), "/dev/log")
            self.created.append("/dev/log -> %s/dev-log (symlink)" % GLOBAL_RUNDIR)
            log("created symlink /dev/log -> %s/dev-log" % GLOBAL_RUNDIR)
        if not os.path.isdir(GLOBAL_RUNDIR):
            os.makedirs(GLOBAL_RUNDIR, mode=0o755)
            self.created.append(GLOBAL_RUNDIR + " (directory)")

    def _start_journald_namespace(self):
        ns = self.id
        self.namespace = ns
        self.rundir = "/run/systemd/journal." + ns
        self.journal_dir = "/run/log/journal/%s.%s" % (machine_id(), ns)
        # A namespace instance reads /etc/systemd/journald@NS.conf plus drop-ins
        # journald@NS.conf.d/*.conf in /etc, /run, /usr/lib... : ours goes to /run.
        confd = "/run/systemd/journald@%s.conf.d" % ns
        self._own_path(confd)
        self._own_path(self.rundir)
        self._own_path(self.journal_dir)
        # Storage=volatile, but if it were ignored the journal would land here:
        self._own_path("/var/log/journal/%s.%s" % (machine_id(), ns))
        os.makedirs(confd, exist_ok=True)
        with open(os.path.join(confd, "lab.conf"), "w") as f:
            f.write("# sshwhy e2e lab %s (removed on exit)\n[Journal]\nStorage=volatile\n"
                    "ForwardToSyslog=yes\nMaxLevelStore=debug\nMaxLevelSyslog=debug\n"
                    "RateLimitIntervalSec=0\nRuntimeMaxUse=64M\n" % ns)
        self.journald = self._spawn([JOURNALD, ns], "journald.out")
        self.started_journald = True
        self.dev_log = os.path.join(self.rundir, "dev-log")
        wait_until(lambda: unix_dgram_listening(self.dev_log), 10, "journald " + self.dev_log)
        self.forward_socket = os.path.join(self.rundir, "syslog")

    def _start_journald_global(self):
        self.namespace = None
        self.rundir = GLOBAL_RUNDIR
        self.journal_dir = "/run/log/journal"
        self.dev_log = os.path.join(GLOBAL_RUNDIR, "dev-log")
        self.forward_socket = os.path.join(GLOBAL_RUNDIR, "syslog")
        if unix_dgram_listening(self.dev_log):
            log("reusing the running journald (%s)" % self.dev_log)
            self.journald = None
        else:
            # sockets it creates are removed after it stops (a dead dev-log would make
            # the next run think a journald is there); its volatile journal stays.
            before = set(os.listdir(GLOBAL_RUNDIR))
            self.journald = self._spawn([JOURNALD], "journald.out")
            self.started_journald = True
            for n in ("socket", "stdout", "dev-log", "io.systemd.journal"):
                if n not in before:
                    self._paths.insert(0, os.path.join(GLOBAL_RUNDIR, n))
            self._save_state()
            wait_until(lambda: unix_dgram_listening(self.dev_log), 10, "journald " + self.dev_log)
        if unix_dgram_listening(self.forward_socket):
            raise Skip("%s already has a listener (a system syslog daemon); use namespace mode"
                       % self.forward_socket)
        if os.path.isdir("/var/log/journal") and os.path.exists(os.path.join(GLOBAL_RUNDIR, "flushed")):
            self.journal_dir = "/var/log/journal"

    def _start_rsyslog(self):
        conf = os.path.join(self.tmp, "rsyslog.conf")
        with open(conf, "w") as f:
            f.write("""\
# sshwhy e2e lab: receives journald's syslog forwarding, like Debian 12's
# rsyslog.service + syslog.socket.
global(workDirectory="%(spool)s")
module(load="imuxsock"
       SysSock.Name="%(sock)s"
       SysSock.RateLimit.Interval="0")
# Debian 12 default file format (RSYSLOG_FileFormat, RFC 3339 microseconds)
auth,authpriv.*  action(type="omfile" file="%(auth)s")
*.*  action(type="omfile" file="%(all)s")
""" % {"spool": os.path.join(self.tmp, "rsyslog-spool"), "sock": self.forward_socket,
               "auth": self.auth_log, "all": self.all_log})
        if self.mode == "global":
            self._own_path(self.forward_socket)
        self.rsyslog_conf = conf
        self.rsyslogd = self._spawn([RSYSLOGD, "-n", "-f", conf, "-i", os.path.join(self.tmp, "rsyslogd.pid")],
                                    "rsyslogd.out")
        wait_until(lambda: unix_dgram_listening(self.forward_socket), 10, "rsyslogd " + self.forward_socket)

    # ---- barrier
    def send_log(self, message, tag=SYNC_TAG, priority=38):
        """Send one syslog line into the pipeline (default auth.info) like sshd would."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            s.sendto(("<%d>%s[%d]: %s" % (priority, tag, os.getpid(), message)).encode(), self.dev_log)
        finally:
            s.close()

    def journal_has(self, text, identifier=SYNC_TAG):
        p = run([JOURNALCTL, "--directory", self.journal_dir, "--no-pager", "-o", "cat",
                 "SYSLOG_IDENTIFIER=" + identifier], check=False)
        return text in p.stdout

    def _log_files(self):
        return [self.auth_log] + self._rotated

    def _sizes(self):
        out = {}
        for p in self._log_files():
            with contextlib.suppress(OSError):
                out[p] = os.path.getsize(p)
        return out

    def auth_log_has(self, text, since=None):
        """text in auth.log (or a file rotated away by rotate_auth_log), reading each
        file from the offset in since ({path: size}) when it has not shrunk."""
        since = since or {}
        for p in self._log_files():
            try:
                with open(p, "rb") as f:
                    off = since.get(p, 0)
                    if off > os.fstat(f.fileno()).st_size:
                        off = 0
                    f.seek(off)
                    if text.encode() in f.read():
                        return True
            except FileNotFoundError:
                pass
        return False

    def sync(self, timeout=5.0):
        """Barrier: every line sent to /dev/log before this call is in the journal and in auth.log.

        A marker line (identifier sshwhy-e2e-sync, auth.info) goes through the same path
        as sshd's lines; journald and rsyslog keep the order. sshwhy ignores it.
        """
        marker = "sync " + uuid.uuid4().hex
        sizes = self._sizes()
        self.send_log(marker)
        wait_until(lambda: self.auth_log_has(marker, sizes), timeout, "marker in " + self.auth_log)
        wait_until(lambda: self.journal_has(marker), timeout, "marker in journal " + self.journal_dir,
                   interval=0.02)

    def wait_for_lines(self, n, pattern=None, path=None, timeout=5.0):
        """Poll auth.log (or path) until it has >= n lines (matching regex pattern)."""
        path = path or self.auth_log
        rx = re.compile(pattern) if pattern else None

        def count():
            try:
                with open(path, "r", errors="replace") as f:
                    lines = f.read().splitlines()
            except FileNotFoundError:
                return 0
            c = sum(1 for l in lines if rx is None or rx.search(l))
            return c if c >= n else 0
        return wait_until(count, timeout, "%d lines%s in %s" % (n, " /%s/" % pattern if pattern else "", path),
                          interval=0.02)

    def auth_log_size(self):
        try:
            return os.path.getsize(self.auth_log)
        except FileNotFoundError:
            return 0

    def auth_log_since(self, offset):
        """Lines of auth.log from byte offset (all of it if it shrank or was rotated)."""
        try:
            with open(self.auth_log, "rb") as f:
                if offset > os.fstat(f.fileno()).st_size:
                    offset = 0
                f.seek(offset)
                return f.read().decode("utf-8", "replace").splitlines()
        except FileNotFoundError:
            return []

    def popen(self, argv, name="proc", **kw):
        """Start a helper process (e.g. `sshwhy follow`) that the lab stops on exit
        (SIGTERM, then SIGKILL after 5 s) and reaps after a SIGKILL of the test.
        Default stdout: a pipe; stderr: <tmp>/<name>.err."""
        kw.setdefault("stdout", subprocess.PIPE)
        if "stderr" not in kw:
            kw["stderr"] = open(os.path.join(self.tmp, name + ".err"), "ab")
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(argv, **kw)
        self._procs.append({"pid": p.pid, "start": proc_starttime(p.pid), "argv": argv, "popen": p})
        self._save_state()
        return p

    def hup_rsyslog(self):
        """rsyslog closes its files and reopens them on the next line (logrotate's postrotate)."""
        self.rsyslogd.send_signal(signal.SIGHUP)

    def rotate_auth_log(self, how="rename", suffix=".1", wait=True):
        """Rotate auth.log like logrotate: "rename" (rename + HUP: rsyslog creates a new
        file) or "copytruncate" (copy to auth.log.1, truncate in place). Returns the old name.
        wait=False returns right after the HUP (lines may still go to the old file)."""
        old = self.auth_log + suffix
        if old not in self._rotated:
            self._rotated.append(old)
        if how == "rename":
            os.rename(self.auth_log, old)
            self.hup_rsyslog()
            if wait:
                # HUP is handled asynchronously: lines keep going to the renamed file
                # until rsyslog reopens (as with real logrotate). Wait until a marker
                # lands in the new file.
                end = time.monotonic() + 5
                while True:
                    self.sync()
                    if os.path.exists(self.auth_log):
                        break
                    if time.monotonic() > end:
                        raise LabError("rsyslog did not reopen %s after HUP" % self.auth_log)
                    time.sleep(0.02)
        elif how == "copytruncate":
            shutil.copyfile(self.auth_log, old)
            with open(self.auth_log, "r+b") as f:
                f.truncate(0)
        else:
            raise LabError("rotate how=%r" % how)
        return old

    def journal_args(self):
        """sshwhy arguments that read the journal this lab writes."""
        return ["--journal", "--directory", self.journal_dir]

    # ---- users and keys
    def user(self, name, keys=(), password=None):
        """Create (or reset) throwaway user `name` (must start with sshwhy-)."""
        if not name.startswith(USER_PREFIX):
            raise LabError("test users must be named %s*" % USER_PREFIX)
        try:
            pw = pwd.getpwnam(name)
            if pw.pw_gecos != USER_GECOS:
                raise LabError("user %s exists and is not an sshwhy e2e user (GECOS %r)" % (name, pw.pw_gecos))
            run(["usermod", "-s", "/bin/bash", "-e", "", name])
        except KeyError:
            run(["useradd", "-m", "-s", "/bin/bash", "-c", USER_GECOS, name])
        password = password or ("e2e-" + uuid.uuid4().hex)
        run(["chpasswd"], input="%s:%s\n" % (name, password))
        u = User(name)
        u.password = password
        return u.reset(keys)

    def key(self, name, ktype="ed25519", passphrase=""):
        if name in self._keys:
            return self._keys[name]
        path = os.path.join(self.tmp, "keys", name)
        argv = [SSH_KEYGEN, "-q", "-t", ktype, "-N", passphrase, "-C", "%s@sshwhy-e2e" % name, "-f", path]
        if ktype == "rsa":
            argv[4:4] = ["-b", "2048"]
        run(argv)
        with open(path + ".pub") as f:
            pub = f.read()
        fp = run([SSH_KEYGEN, "-l", "-E", "sha256", "-f", path + ".pub"]).stdout.split()[1]
        k = Key(path, pub, fp, ktype)
        self._keys[name] = k
        return k

    # ---- sshd
    def _host_keys(self):
        paths = []
        for t in ("ed25519", "ecdsa"):
            p = os.path.join(self.tmp, "hostkeys", "ssh_host_%s_key" % t)
            if not os.path.exists(p):
                run([SSH_KEYGEN, "-q", "-t", t, "-N", "", "-C", "sshwhy-e2e-host", "-f", p])
            paths.append(p)
        return paths

    def sshd(self, extra="", loglevel="INFO", name=None, port=None, match="", timeout=10.0):
        """Start sshd -D on 127.0.0.1 and ::1 (::1 only when the machine has IPv6: Lab.ipv6). extra: scenario lines (placed before the
        Debian defaults: first value wins); match: Match blocks (placed last)."""
        name = name or "sshd%d" % (len(self._sshds) + 1)
        port = port or free_port(ipv6=self.ipv6)
        if not os.path.isdir("/run/sshd"):
            os.makedirs("/run/sshd", mode=0o755)
            self.created.append("/run/sshd (sshd privsep directory)")
        cfg = os.path.join(self.tmp, "sshd_config-" + name)
        lines = ["Port %d" % port, "ListenAddress 127.0.0.1"] + (["ListenAddress ::1"] if self.ipv6 else [])
        lines += ["HostKey " + k for k in self._host_keys()]
        lines += ["PidFile " + os.path.join(self.tmp, "sshd-%s.pid" % name),
                  "SyslogFacility AUTH", "LogLevel " + loglevel]
        text = "\n".join(lines) + "\n" + (extra.strip() + "\n" if extra.strip() else "") + DEBIAN_DEFAULTS
        if match.strip():
            text += match.strip() + "\n"
        with open(cfg, "w") as f:
            f.write(text)
        t = run([SSHD, "-t", "-f", cfg], check=False)
        if t.returncode != 0:
            raise LabError("sshd -t -f %s: %s" % (cfg, t.stderr.strip()))
        argv = [SSHD, "-D", "-f", cfg]
        off = self.auth_log_size()
        if self.mode == "namespace":
            # private mount namespace: journald's namespace sockets over /run/systemd/journal,
            # so /dev/log -> /run/systemd/journal/dev-log reaches our journald. unshare (no
            # --fork) and sh exec sshd, so the pid is sshd's.
            if os.path.islink("/dev/log"):
                mnt = "mount --bind %s %s" % (self.rundir, GLOBAL_RUNDIR)
            else:   # /dev/log is some other socket: bind our dev-log file over it
                mnt = "mount --bind %s /dev/log" % self.dev_log
            argv = [UNSHARE, "--mount", "--propagation", "private", "/bin/sh", "-c",
                    '%s && exec "$@"' % mnt, "sh"] + argv
        p = self._spawn(argv, "sshd-%s.out" % name)
        s = Sshd(self, name, port, loglevel, cfg, p)
        self._sshds.append(s)
        # ready = both listeners logged (this also proves the logging path works)
        rx = re.compile(r"sshd\[%d\]: Server listening on (\S+) port %d\." % (p.pid, port))

        def listening():
            if p.poll() is not None:
                raise LabError("sshd %s exited (%d), see %s" % (name, p.returncode,
                               os.path.join(self.tmp, "sshd-%s.out" % name)))
            return len(set(m.group(1) for m in map(rx.search, self.auth_log_since(off)) if m)) >= (2 if self.ipv6 else 1)
        wait_until(listening, timeout, "sshd %s 'Server listening' lines in auth.log" % name, 0.01)
        return s

    # ---- clients
    def ssh_argv(self, user, key=None, host="127.0.0.1", port=22, opts=(), command="true", batch=True):
        argv = [SSH, "-vvv"]
        if batch:
            argv += ["-o", "BatchMode=yes"]
        argv += ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                 "-o", "IdentityAgent=none", "-o", "IdentitiesOnly=yes", "-p", str(port)]
        if key is not None:
            argv += ["-i", key.path if isinstance(key, Key) else key]
        for o in opts:
            argv += ["-o", o]
        argv += ["%s@%s" % (user, host), command]
        return argv

    def ssh_start(self, user, key=None, sshd=None, host="127.0.0.1", opts=(), command="true",
                  batch=True, label=None):
        """Start a client and return a Client (call .wait()). Several may run at once."""
        sshd = sshd or self._sshds[-1]
        label = label or "%s-%s" % (user, len(os.listdir(os.path.join(self.tmp, "clients"))))
        argv = self.ssh_argv(user, key, host, sshd.port, opts, command, batch)
        return Client(self, argv, user, host, sshd, os.path.join(self.tmp, "clients", label + ".log"), label)

    def ssh(self, user, key=None, sshd=None, host="127.0.0.1", opts=(), command="true", batch=True,
            label=None, timeout=30.0, settle=True):
        """Run one client to the end. With settle: wait until the server's per-connection
        processes are gone, sync the logs, and attach the server's lines for it
        (result.server_lines); src_port from /proc, else from those lines."""
        sshd = sshd or self._sshds[-1]
        off = self.auth_log_size()
        c = self.ssh_start(user, key, sshd, host, opts, command, batch, label)
        r = c.wait(timeout)
        if settle:
            sshd.wait_idle()
            self.sync()
            lines = [l for l in self.auth_log_since(off) if SYNC_TAG not in l]
            r.server_lines = lines
            if r.src_port is None:
                ports = set()
                for l in lines:
                    m = re.search(r"\bsshd\[\d+\]: .* port (\d+)(?: |$)", l)
                    if m and "Server listening" not in l and int(m.group(1)) != sshd.port:
                        ports.add(int(m.group(1)))
                if len(ports) == 1:
                    r.src_port, r.src_port_from = ports.pop(), "log"
        return r

    # ---- sshwhy
    def run_sshwhy(self, *args, check=True):
        if not self.sshwhy:
            raise LabError("SSHWHY (path of the sshwhy binary) is not set")
        p = subprocess.run([self.sshwhy] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, env=dict(os.environ, TZ="UTC"))
        if check and p.returncode != 0:
            raise LabError("sshwhy %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr.strip()))
        return p

    def attempts(self, db, *filters):
        p = self.run_sshwhy("--db", db, "attempts", "--json", *filters)
        return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]


# --------------------------------------------------------------------------- CLI

def remove_users():
    """Delete the sshwhy-* users this lab created (GECOS marker), with their homes."""
    for pw in pwd.getpwall():
        if pw.pw_name.startswith(USER_PREFIX) and pw.pw_gecos == USER_GECOS:
            r = run(["userdel", "-r", pw.pw_name], check=False)
            print("removed %s%s" % (pw.pw_name, "" if r.returncode == 0 else " (" + r.stderr.strip() + ")"))


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description="sshwhy e2e lab")
    sub = ap.add_subparsers(dest="cmd")
    sub.add_parser("check", help="exit 0 when the lab can run here, 77 otherwise")
    up = sub.add_parser("up", help="start pipeline + one sshd, print paths, run until Ctrl-C")
    up.add_argument("--mode", default="auto", choices=["auto", "namespace", "global"])
    up.add_argument("--loglevel", default="VERBOSE")
    up.add_argument("--extra", default="")
    sub.add_parser("remove-users", help="userdel -r the sshwhy-* test users")
    sub.add_parser("reap", help="stop leftovers of labs whose owner was killed")
    a = ap.parse_args(argv)
    if a.cmd == "check":
        why = missing_prerequisites()
        print("ok" if not why else "cannot run: " + "; ".join(why))
        return 0 if not why else 77
    if a.cmd == "remove-users":
        remove_users()
        return 0
    if a.cmd == "reap":
        reap_stale()
        return 0
    if a.cmd == "up":
        try:
            with Lab(mode=a.mode) as L:
                s = L.sshd(extra=a.extra, loglevel=a.loglevel)
                print(json.dumps({"mode": L.mode, "tmp": L.tmp, "auth_log": L.auth_log,
                                  "journal_dir": L.journal_dir, "port": s.port, "sshd_pid": s.pid,
                                  "dev_log": L.dev_log}, indent=1), flush=True)
                signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
                with contextlib.suppress(KeyboardInterrupt):
                    while True:
                        time.sleep(3600)
        except Skip as e:
            print("skip: %s" % e)
            return 77
        return 0
    ap.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
