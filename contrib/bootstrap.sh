#!/bin/sh
# One-command set-up on Debian 12 (run as root, or with sudo available).
#   contrib/bootstrap.sh run    install packages, build, ingest this machine's sshd logs
#                               (journal if present, else /var/log/auth.log or /var/log/secure)
#                               into the default database and list the latest attempts
#   contrib/bootstrap.sh test   install packages, build, run every test
set -eu
cd "$(dirname "$0")/.."

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
PKGS="build-essential meson ninja-build pkg-config python3 libsystemd-dev libpcre2-dev
      libsqlite3-dev check zlib1g-dev libssl-dev systemd-journal-remote sqlite3"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

[ -d build ] || meson setup build --buildtype=debugoptimized
ninja -C build

case "${1:-run}" in
run)
	$SUDO build/sshwhy ingest
	$SUDO build/sshwhy attempts --limit 20
	;;
test)
	meson test -C build --print-errorlogs
	;;
*)
	echo "usage: $0 run|test" >&2
	exit 2
	;;
esac
