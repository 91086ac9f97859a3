#!/bin/sh
# A fresh Debian 12 for the parts of the suite that depend on machine state:
# no /run/sshd (ssh.service never started: openssh-server was installed with
# its daemon held back), no journald and no rsyslog running. The test runs in
# private PID and mount namespaces with an empty tmpfs on /run, so nothing
# another test (or an earlier run) left there, and no daemon of the machine,
# is visible; it changes nothing outside. In there:
#   1. check falls back to reading the file and says why (/run/sshd missing)
#      and how to fix it, and does not create /run/sshd itself;
#   2. test-sshd-config (the real sshd -T tests) makes /run/sshd and removes
#      it again;
#   3. an end-to-end test starts its own journald, rsyslog and sshd (lab.py)
#      and passes, unless --quick.
# Root and unshare(1) are needed (exit 77 = skip otherwise).
#
#   usage: fresh_machine.sh SSHWHY TEST_SSHD_CONFIG E2E_TEST [--quick]
#   SSHWHY_FRESH_KEEP=DIR keeps the outputs (check, unit test, e2e) in DIR.
set -u
SSHWHY=$1 TEST_SSHD_CONFIG=$2 E2E=$3 QUICK=${4:-}

if [ "${SSHWHY_FRESH_INSIDE:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: not root (needs mount and PID namespaces)"
		exit 77
	fi
	if ! command -v unshare >/dev/null; then
		echo "SKIP: no unshare (util-linux)"
		exit 77
	fi
	if ! unshare --mount --pid --fork --mount-proc true 2>/dev/null; then
		echo "SKIP: cannot make mount and PID namespaces here"
		exit 77
	fi
	SSHWHY_FRESH_INSIDE=1 exec unshare --mount --pid --fork --mount-proc --propagation private \
		sh "$0" "$@"
fi

fails=0
n=0
result() {  # result OK NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok   $2"
	else
		echo "FAIL $2${3:+: $3}"
		fails=$((fails + 1))
	fi
}

mount -t tmpfs -o mode=0755 fresh-run /run || { echo "FAIL: cannot mount a tmpfs on /run"; exit 1; }
T=$(mktemp -d)
trap '[ -n "${SSHWHY_FRESH_KEEP:-}" ] && cp -r "$T" "$SSHWHY_FRESH_KEEP"; rm -rf "$T"' EXIT

# The machine as a fresh install leaves it.
[ ! -e /run/sshd ]; result $? "fresh: no /run/sshd"
[ ! -S /run/systemd/journal/socket ]; result $? "fresh: no journald socket"
! pgrep -x systemd-journal >/dev/null && ! pgrep -x rsyslogd >/dev/null
result $? "fresh: no journald, no rsyslogd running"

# 1. check: sshd -T fails, the fallback says why and how to fix it.
if [ -x /usr/sbin/sshd ]; then
	"$SSHWHY" --db "$T/c.db" check --user root >"$T/out" 2>"$T/err"
	grep -q "Missing privilege separation directory: /run/sshd" "$T/out" &&
		grep -q "install -d -m 0755 /run/sshd" "$T/out"
	result $? "check: the fallback names the missing /run/sshd and the fix" "$(head -c 600 "$T/out")"
	grep -q "fix: create sshd's privilege separation directory" "$T/out"
	result $? "check: the config item's fix is to create it (not 'run as root')" "$(head -c 600 "$T/out")"
	[ ! -e /run/sshd ]; result $? "check: does not create /run/sshd itself"
else
	echo "skip check: no /usr/sbin/sshd"
fi

# 2. the sshd -T unit tests make what they need and clean up.
"$TEST_SSHD_CONFIG" >"$T/unit" 2>&1
result $? "test-sshd-config passes without /run/sshd" "$(tail -5 "$T/unit")"
[ ! -e /run/sshd ]; result $? "test-sshd-config leaves no /run/sshd behind"

# 3. the end-to-end lab starts journald, rsyslog and sshd itself.
if [ "$QUICK" != --quick ]; then
	python3 "$E2E" "$SSHWHY" >"$T/e2e" 2>&1
	rc=$?
	if [ $rc = 77 ]; then
		echo "skip e2e: $(grep -m1 -i skip "$T/e2e")"
	else
		result $rc "e2e (own journald, rsyslog, sshd) passes on a fresh machine" "$(tail -15 "$T/e2e")"
	fi
fi

echo "$((n - fails))/$n checks passed"
[ "$fails" = 0 ]
