#!/bin/bash
# Journal catch-up benchmark: N generator entries turned into a real journal by
# systemd-journal-remote, then, in the same run, `journalctl --directory=DIR -o
# cat > /dev/null` next to `sshwhy ingest --journal --directory DIR` (read,
# parse, correlate, store; the same entry reader follow catches up with).
# usage: bench/journal.sh [ENTRIES (default 1000000)] [RUNS (default 3)]
set -eu
cd "$(dirname "$0")/.."
N=${1:-1000000}
RUNS=${2:-3}
SSHWHY=${SSHWHY:-build-release/sshwhy}
if [ ! -x "$SSHWHY" ]; then
	meson setup build-release --buildtype=release -Dtests=disabled >/dev/null
	ninja -C build-release >/dev/null
fi
REMOTE=/lib/systemd/systemd-journal-remote
[ -x "$REMOTE" ] || { echo "bench: needs $REMOTE (apt-get install systemd-journal-remote)" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/j"
python3 tests/tools/gen_authlog.py -n "$N" --seed 1 --format export | "$REMOTE" -o "$T/j/bench.journal" - 2>/dev/null
du -sh "$T/j" | sed 's/^/journal: /'

run() {
	local name=$1 secs=() rss=0 t0 t1 m med
	shift
	for _ in $(seq "$RUNS"); do
		rm -f "$T"/b.db*
		t0=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$T/time" "$@" >/dev/null 2>"$T/err" || { cat "$T/err"; exit 1; }
		t1=$(date +%s%N)
		read -r m <"$T/time"
		secs+=("$(echo "($t1 - $t0) / 1000000000" | bc -l)")
		[ "$m" -gt "$rss" ] && rss=$m
	done
	med=$(printf '%s\n' "${secs[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
	printf '%-36s %8.3f s %12.0f entries/s  peak RSS %7.1f MiB\n' "$name" "$med" \
		"$(echo "$N / ($med + 0.0001)" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

echo "$N entries, $RUNS runs, median; $(nproc) CPUs"
run "journalctl --directory -o cat" journalctl --directory="$T/j" -o cat
run "sshwhy ingest --journal --directory" "$SSHWHY" --db "$T/b.db" ingest --quiet --no-progress --journal --directory "$T/j"
