#!/bin/sh
# One-command set-up on Debian 12 (run as root, or with sudo available).
#   contrib/bootstrap.sh run    install packages, build, follow this machine's sshd logs
#                               (journal if present, else /var/log/auth.log or /var/log/secure)
#                               into the default database (Ctrl-C stops; a restart resumes)
#   contrib/bootstrap.sh test   install packages, build, run every test
set -eu
cd "$(dirname "$0")/.."

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
PKGS="build-essential meson ninja-build pkg-config python3 libsystemd-dev libpcre2-dev
      libsqlite3-dev check zlib1g-dev libssl-dev systemd-journal-remote sqlite3
      openssh-server openssh-client rsyslog util-linux passwd"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	# openssh-server and rsyslog are needed for their binaries (the end-to-end
	# tests start their own on loopback): keep the packages from starting the
	# system daemons while they install.
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

[ -d build ] || meson setup build --buildtype=debugoptimized
ninja -C build

case "${1:-run}" in
run)
	exec $SUDO build/sshwhy follow
	;;
test)
	meson test -C build --print-errorlogs
	;;
*)
	echo "usage: $0 run|test" >&2
	exit 2
	;;
esac
