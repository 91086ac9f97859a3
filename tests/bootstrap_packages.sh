#!/bin/sh
# contrib/bootstrap.sh's package split (issue 13 item 2): `run` installs what
# building and running need and none of the test toolchain; `test` installs
# all of that too; CI runs exactly `sh contrib/bootstrap.sh test`, which keeps
# the daemons it installs from starting (policy-rc.d).
#   usage: bootstrap_packages.sh SOURCE_ROOT
set -u
cd "$1" || exit 1
fails=0
result() {  # result OK NAME
	if [ "$1" = 0 ]; then echo "ok   $2"; else echo "FAIL $2"; fails=$((fails + 1)); fi
}
run=$(SSHWHY_BOOTSTRAP_LIST=1 sh contrib/bootstrap.sh run) || { echo "FAIL list run"; exit 1; }
test=$(SSHWHY_BOOTSTRAP_LIST=1 sh contrib/bootstrap.sh test) || { echo "FAIL list test"; exit 1; }
for p in clang valgrind libclang-rt-14-dev rsyslog openssh-server check lintian debhelper; do
	! printf '%s\n' "$run" | grep -qx "$p"; result $? "run does not install $p"
	printf '%s\n' "$test" | grep -qx "$p"; result $? "test installs $p"
done
for p in build-essential meson ninja-build pkg-config python3 libsystemd-dev libpcre2-dev \
	 libsqlite3-dev zlib1g-dev libssl-dev scdoc; do
	printf '%s\n' "$run" | grep -qx "$p"; result $? "run installs $p"
done
for p in $run; do
	printf '%s\n' "$test" | grep -qx "$p" || { result 1 "test installs all of run ($p missing)"; }
done
[ "$(grep -v '^#' .ci/run | grep -c 'exec sh contrib/bootstrap.sh test$')" = 1 ]
result $? ".ci/run is the README's test command"
grep -q 'policy-rc.d' contrib/bootstrap.sh; result $? "daemons kept from starting (policy-rc.d)"
grep -q 'sh contrib/bootstrap.sh test' README.md; result $? "README shows the test command"
sh contrib/bootstrap.sh bogus >/dev/null 2>&1; [ $? = 2 ]; result $? "unknown mode: exit 2"
[ "$fails" = 0 ]
