#!/bin/bash
# Journal catch-up benchmark: N generator entries turned into a real journal by
# systemd-journal-remote, then, in the same run, `journalctl --directory=DIR -o
# cat > /dev/null` next to `sshwhy ingest --journal --directory DIR` (read,
# parse, correlate, store; the same entry reader follow catches up with).
# usage: bench/journal.sh [ENTRIES (default 1000000)] [RUNS (default 3)]
# env:   JOURNAL_DIR=dir  use the journal already there (made by an earlier run
#        with KEEP=1, which prints its path) instead of making one (~1 min)
set -eu
cd "$(dirname "$0")/.."
N=${1:-1000000}
RUNS=${2:-3}
. bench/journal-common.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if [ -n "${JOURNAL_DIR:-}" ]; then
	J=$JOURNAL_DIR
else
	J=$T/j
	[ -z "${KEEP:-}" ] || { J=$(mktemp -d); echo "journal kept in $J"; }
	mkdir -p "$J"
	python3 tests/tools/gen_authlog.py -n "$N" --seed 1 --format export | "$REMOTE" -o "$J/bench.journal" - 2>/dev/null
fi
du -sh "$J" | sed 's/^/journal: /'

# once CMD...: run it, append its wall seconds to $T/NAME.s, its peak RSS (KiB) to $T/NAME.rss
once() {
	local name=$1 t0 t1
	shift
	rm -f "$T"/b.db*
	t0=$(date +%s%N)
	/usr/bin/time -f "%M" -o "$T/time" "$@" >/dev/null 2>"$T/err" || { cat "$T/err"; exit 1; }
	t1=$(date +%s%N)
	echo "($t1 - $t0) / 1000000000" | bc -l >>"$T/$name.s"
	cat "$T/time" >>"$T/$name.rss"
}

report() {
	local label=$1 name=$2 med rss
	med=$(median "$T/$name.s")
	rss=$(sort -n "$T/$name.rss" | tail -1)
	printf '%-36s %8.3f s %12.0f entries/s  peak RSS %7.1f MiB (mostly the mapped journal files)\n' \
		"$label" "$med" "$(echo "$N / ($med + 0.0001)" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

echo "$N entries, $RUNS runs each, alternating, median; $(nproc) CPUs"
for _ in $(seq "$RUNS"); do
	once jctl journalctl --directory="$J" -o cat
	once sshwhy "$SSHWHY" --db "$T/b.db" ingest --quiet --no-progress --journal --directory "$J"
	paste "$T/jctl.s" "$T/sshwhy.s" | tail -1 | awk '{ printf "%.4f\n", $2 / $1 }' >>"$T/ratio"
done
report "journalctl --directory -o cat" jctl
report "sshwhy ingest --journal --directory" sshwhy
echo "sshwhy / journalctl, run by run: median $(median "$T/ratio") (min $(sort -n "$T/ratio" | head -1), max $(sort -n "$T/ratio" | tail -1))"
