#!/bin/sh
# One-command set-up on Debian 12 (run as root, or with sudo available).
#   contrib/bootstrap.sh run    install what building and running need (no test tools,
#                               no rsyslog, no sshd), build, follow this machine's sshd logs
#                               (journal if present, else /var/log/auth.log or /var/log/secure)
#                               into the default database (Ctrl-C stops; a restart resumes)
#   contrib/bootstrap.sh test   install that and the test toolchain (clang, valgrind,
#                               rsyslog, openssh-server, ...; no daemon is started), build,
#                               run every test: a release build
#                               with warnings as errors, the suite on a normal build
#                               (build/), again on an ASan+UBSan build (build-asan/; any
#                               sanitizer report fails), the unit suites under valgrind,
#                               then each libFuzzer harness for SSHWHY_FUZZ_SECONDS (default 60)
# SSHWHY_BOOTSTRAP_LIST=1: print the packages the mode installs, one a line,
# and stop (tests/bootstrap_packages.sh checks the split).
set -eu
cd "$(dirname "$0")/.."

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
mode=${1:-run}
case "$mode" in
run|test) ;;
*)
	echo "usage: $0 run|test" >&2
	exit 2
	;;
esac

# run: what building and running sshwhy need, nothing more (a production
# server gets no compiler it did not ask for beyond the build, no rsyslog that
# would change its logging, no sshd package it may not want).
RUN_PKGS="build-essential meson ninja-build pkg-config python3 libsystemd-dev libpcre2-dev
          libsqlite3-dev zlib1g-dev libssl-dev scdoc"
# test: the test toolchain on top. openssh-server and rsyslog only for their
# binaries (the end-to-end tests start their own on loopback), clang and
# libclang-rt for the fuzzers, valgrind, man-db / bash / zsh for the man page
# and completion tests, debhelper / dpkg-dev / lintian for the .deb test.
TEST_PKGS="check systemd-journal-remote sqlite3 openssh-server openssh-client rsyslog
           util-linux passwd clang libclang-rt-14-dev valgrind man-db bash zsh
           debhelper dpkg-dev fakeroot lintian"
PKGS=$RUN_PKGS
[ "$mode" = run ] || PKGS="$RUN_PKGS $TEST_PKGS"
if [ "${SSHWHY_BOOTSTRAP_LIST:-}" = 1 ]; then
	# shellcheck disable=SC2086
	printf '%s\n' $PKGS
	exit 0
fi

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	# Keep the packages from starting system daemons while they install
	# (openssh-server, rsyslog): policy-rc.d refuses every start.
	policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		policy=/usr/sbin/policy-rc.d
		trap '$SUDO rm -f "$policy"' EXIT
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
		$SUDO chmod 755 "$policy"
	fi
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
	[ -z "$policy" ] || { $SUDO rm -f "$policy"; trap - EXIT; }
fi

# Nothing taken from an earlier run: a build/ that `run` set up has the
# tests off (no check then), so `test` turns them on explicitly.
if [ "$mode" = test ]; then
	if [ -d build ]; then
		meson configure build -Dtests=enabled
	else
		meson setup build --buildtype=debugoptimized -Dtests=enabled
	fi
else
	[ -d build ] || meson setup build --buildtype=debugoptimized
fi
ninja -C build

case "$mode" in
run)
	exec $SUDO build/sshwhy follow
	;;
test)
	status=0
	# -O3 sees more (maybe-uninitialized, ...): the release build the
	# benchmarks use must compile without a single warning too.
	echo "== release build, warnings are errors (build-werror/)"
	[ -d build-werror ] || meson setup build-werror --buildtype=release -Dwerror=true -Dtests=disabled
	ninja -C build-werror || status=1

	echo "== tests, normal build (build/)"
	meson test -C build --print-errorlogs || status=1

	# The same suite with AddressSanitizer + UndefinedBehaviorSanitizer. Every
	# report is fatal (UBSan too: -fno-sanitize-recover=all), and ASan writes
	# its reports to files as well, so one from a process whose exit status a
	# test does not look at (a follow it kills, say) still fails the run.
	# (Python tests run the binary of the build they belong to: SSHWHY and
	# argv come from sshwhy.full_path().)
	echo "== tests, ASan+UBSan build (build-asan/)"
	if [ -d build-asan ]; then
		meson configure build-asan -Db_sanitize=address,undefined \
			-Dc_args=-fno-sanitize-recover=all
	else
		meson setup build-asan --buildtype=debugoptimized -Db_sanitize=address,undefined \
			-Dc_args=-fno-sanitize-recover=all
	fi
	ninja -C build-asan
	logs=$(pwd)/build-asan/sanitizer-reports
	rm -rf "$logs"
	mkdir -p "$logs"
	ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:log_path=$logs/asan" \
	UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$logs/ubsan" \
		meson test -C build-asan --print-errorlogs || status=1
	for f in "$logs"/*; do
		[ -e "$f" ] || continue
		echo "sanitizer report $f:"
		cat "$f"
		status=1
	done

	# Valgrind sees what ASan cannot (uses of uninitialised memory); the unit
	# suites only (about 3 minutes), pcre2 without its JIT (see sshd-parse.c).
	echo "== unit tests under valgrind (build/)"
	meson test -C build --setup=valgrind --suite unit --print-errorlogs || status=1

	echo "== fuzzing, ${SSHWHY_FUZZ_SECONDS:-60} s per target"
	sh tests/fuzz/run.sh || status=1
	exit $status
	;;
esac
