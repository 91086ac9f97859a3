# Sourced by bench/journal.sh and bench/fleet.sh (from the top of the tree):
# SSHWHY (build-release/sshwhy unless set, built if missing), REMOTE
# (systemd-journal-remote, required) and median FILE.
SSHWHY=${SSHWHY:-build-release/sshwhy}
if [ ! -x "$SSHWHY" ]; then
	meson setup build-release --buildtype=release -Dtests=disabled >/dev/null
	ninja -C build-release >/dev/null
fi
REMOTE=/lib/systemd/systemd-journal-remote
[ -x "$REMOTE" ] || { echo "bench: needs $REMOTE (apt-get install systemd-journal-remote)" >&2; exit 1; }
median() { sort -n "$1" | sed -n "$(( ($(wc -l <"$1") + 1) / 2 ))p"; }
