#!/bin/bash
# End-to-end ingest benchmark: generate N auth.log lines with the generator,
# then time, in the same run, the raw read (cat), `grep -c sshd` and
# `sshwhy ingest` (read + parse + correlate + store into a fresh SQLite file).
# Prints the median of RUNS runs, lines/s and peak RSS.
#
# usage: bench/ingest.sh [LINES (default 1000000)] [RUNS (default 3)] [extra generator args...]
# env:   SSHWHY=path (default build-release/sshwhy, built with --buildtype=release if missing)
set -eu
cd "$(dirname "$0")/.."
LINES=${1:-1000000}
RUNS=${2:-3}
shift $(( $# > 2 ? 2 : $# ))
SSHWHY=${SSHWHY:-build-release/sshwhy}
if [ ! -x "$SSHWHY" ]; then
	meson setup build-release --buildtype=release -Dtests=disabled >/dev/null
	ninja -C build-release >/dev/null
fi
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
LOG=$T/auth.log
python3 tests/tools/gen_authlog.py -n "$LINES" --seed 1 "$@" -o "$LOG"
SIZE=$(stat -c %s "$LOG")
cat "$LOG" >/dev/null   # warm the page cache for every contender alike

# run NAME CMD...: prints "NAME median_s peak_rss_kib"
run() {
	local name=$1 secs=() rss=0
	shift
	for _ in $(seq "$RUNS"); do
		rm -f "$T"/b.db*
		local t0 t1
		t0=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$T/time" "$@" >/dev/null 2>"$T/err" || { cat "$T/err"; exit 1; }
		t1=$(date +%s%N)
		read -r m <"$T/time"
		secs+=("$(echo "($t1 - $t0) / 1000000000" | bc -l)")
		[ "$m" -gt "$rss" ] && rss=$m
	done
	local med
	med=$(printf '%s\n' "${secs[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
	printf '%-22s %8.3f s %12.0f lines/s %8.1f MiB/s  peak RSS %6.1f MiB\n' "$name" "$med" \
		"$(echo "$LINES / ($med + 0.0001)" | bc -l)" "$(echo "$SIZE / 1048576 / ($med + 0.0001)" | bc -l)" \
		"$(echo "$rss / 1024" | bc -l)"
}

echo "input: $LINES lines, $((SIZE / 1048576)) MiB ($*), $RUNS runs, median; $(nproc) CPUs"
run "cat" cat "$LOG"
run "grep -c sshd" grep -c sshd "$LOG"
run "sshwhy ingest" "$SSHWHY" --db "$T/b.db" ingest --quiet --no-progress --year 2026 "$LOG"
"$SSHWHY" --db "$T/b.db" ingest --no-progress --year 2026 "$LOG" | sed 's/^/re-ingest: /'
