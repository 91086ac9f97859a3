#!/bin/bash
# Ingest benchmark against an anchor: sshwhy's `ingest` (read + parse +
# correlate + store into a fresh SQLite file) and sshguard's log parser
# (Debian's sshguard package, /usr/libexec/sshguard/sshg-parser: reads the log
# on stdin, prints one line per attack it recognises, stores nothing) on the
# same generated auth.log, RUNS runs each, alternating, in one run of this
# script. Prints each run, the medians, the median ratio of sshwhy's time to
# sshguard's (issue 15: <= 0.59) and sshwhy's peak RSS (<= 64 MiB); both wall
# and CPU (user+sys) times, since wall times are noisy on a shared machine.
#
# With --big N it then runs sshwhy on an N-line log as well (issue 15: 10M lines
# at a rate within 20% of the 1M rate) and compares the rates. With --threads it
# runs sshwhy once more under `perf record -e cpu-clock` and prints the CPU of
# each of its threads, as TID:NAME (the thread whose TID is the process's own
# parses and correlates, sshwhy-read reads, sshwhy-write stores; builds
# before these names show the binary's name for all three).
#
# usage: bench/ingest.sh [--lines N] [--runs N] [--big N] [--threads] [-- GENERATOR ARGS...]
# env:   SSHWHY=path (default build-release/sshwhy, built --buildtype=release if missing)
#        INGEST_ARGS="..." extra options for `sshwhy ingest`
#        BENCH_CACHE=dir keep the generated logs there between runs (default: regenerate)
#
# sshguard: if sshg-parser is missing and this runs as root on Debian, the
# package is installed so that its daemon never starts (it would firewall
# addresses): a policy-rc.d that refuses every start during the install, then
# the unit disabled. Otherwise the script stops and says how.
set -eu
cd "$(dirname "$0")/.."
LINES=1000000
RUNS=5
BIG=0
THREADS=0
while [ $# -gt 0 ]; do
	case $1 in
	--lines) LINES=$2; shift 2 ;;
	--runs) RUNS=$2; shift 2 ;;
	--big) BIG=$2; shift 2 ;;
	--threads) THREADS=1; shift ;;
	--) shift; break ;;
	*) echo "usage: bench/ingest.sh [--lines N] [--runs N] [--big N] [--threads] [-- GENERATOR ARGS...]" >&2; exit 2 ;;
	esac
done
SSHWHY=${SSHWHY:-build-release/sshwhy}
SSHG=/usr/libexec/sshguard/sshg-parser
read -r -a INGEST_EXTRA <<<"${INGEST_ARGS:-}"

if [ ! -x "$SSHWHY" ]; then
	meson setup build-release --buildtype=release -Dtests=disabled >/dev/null
	ninja -C build-release >/dev/null
fi
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v bc >/dev/null || { echo "bench: needs bc (apt-get install bc)" >&2; exit 1; }

install_sshguard() {
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		cat >&2 <<-EOF
		bench: $SSHG is missing. Install Debian's sshguard package without starting its
		daemon (it firewalls addresses), as root:
		  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
		  apt-get install -y sshguard; rm /usr/sbin/policy-rc.d; systemctl disable sshguard
		EOF
		exit 1
	fi
	if [ -e /usr/sbin/policy-rc.d ]; then
		echo "bench: /usr/sbin/policy-rc.d exists already; install sshguard by hand (see the script's header)" >&2
		exit 1
	fi
	echo "bench: installing sshguard (its daemon kept from starting)" >&2
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	apt-get install -y sshguard >/dev/null || { rm -f /usr/sbin/policy-rc.d; exit 1; }
	rm -f /usr/sbin/policy-rc.d
	systemctl disable sshguard >/dev/null 2>&1 || true
	systemctl stop sshguard >/dev/null 2>&1 || true
}
[ -x "$SSHG" ] || install_sshguard

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# gen N: the path of a generated N-line log (--seed 1 and the extra arguments)
gen() {
	local n=$1 dir=${BENCH_CACHE:-$T} f
	shift
	f=$dir/gen-$n-seed1$(printf '%s' "$*" | tr -c 'A-Za-z0-9=-' '_' | sed 's/^_*//;s/^./_&/').log
	mkdir -p "$dir"
	if [ ! -s "$f" ]; then
		python3 tests/tools/gen_authlog.py -n "$n" --seed 1 "$@" -o "$f.tmp"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}

# timed OUT CMD...: run CMD (stdin from $IN, stdout to OUT); sets W (wall s),
# C (user+sys s), M (peak RSS KiB)
timed() {
	local out=$1 t0 t1 u s
	shift
	t0=$(date +%s%N)
	/usr/bin/time -f "%U %S %M" -o "$T/time" "$@" <"$IN" >"$out" 2>"$T/err" || { cat "$T/err" >&2; exit 1; }
	t1=$(date +%s%N)
	read -r u s M <"$T/time"
	W=$(echo "($t1 - $t0) / 1000000000" | bc -l)
	C=$(echo "$u + $s" | bc -l)
}

run_sshwhy() {
	rm -f "$T"/b.db*
	timed "$T/sshwhy.out" "$SSHWHY" --db "$T/b.db" ingest --quiet --no-progress --year 2026 \
		"${INGEST_EXTRA[@]}" "$LOG"
}

run_sshguard() {
	timed "$T/sshg.out" "$SSHG"
	SSHG_LINES=$(wc -l <"$T/sshg.out")
	[ "$SSHG_LINES" -gt 0 ] || { echo "bench: sshg-parser printed nothing: it parsed no attack" >&2; exit 1; }
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

LOG=$(gen "$LINES" "$@")
IN=/dev/null
SIZE=$(stat -L -c %s "$LOG")
cat "$LOG" >/dev/null   # warm the page cache for both alike
echo "input: $LINES lines, $((SIZE / 1048576)) MiB (gen_authlog.py --seed 1 $*), $RUNS runs each, alternating; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %-30s %-30s %s\n' run "sshwhy wall/cpu/RSS" "sshguard wall/cpu" "ratio wall/cpu"
: >"$T/rows"
RSS_MAX=0
for i in $(seq "$RUNS"); do
	# alternate which goes first, so neither always meets a cold start
	if [ $((i % 2)) = 1 ]; then
		run_sshwhy; sw=$W sc=$C sm=$M
		IN=$LOG; run_sshguard; IN=/dev/null; gw=$W gc=$C
	else
		IN=$LOG; run_sshguard; IN=/dev/null; gw=$W gc=$C
		run_sshwhy; sw=$W sc=$C sm=$M
	fi
	[ "$sm" -gt "$RSS_MAX" ] && RSS_MAX=$sm
	rw=$(echo "$sw / $gw" | bc -l)
	rc=$(echo "$sc / $gc" | bc -l)
	echo "$sw $sc $gw $gc $rw $rc" >>"$T/rows"
	printf '%-4s %6.3f s %6.3f s %6.1f MiB     %6.3f s %6.3f s              %5.2f %5.2f\n' \
		"$i" "$sw" "$sc" "$(echo "$sm / 1024" | bc -l)" "$gw" "$gc" "$rw" "$rc"
done
col() { awk -v c="$1" '{ print $c }' "$T/rows" | median; }
SW=$(col 1) SC=$(col 2) GW=$(col 3) GC=$(col 4) RW=$(col 5) RC=$(col 6)
RATE=$(echo "$LINES / $SW" | bc -l)
printf 'median: sshwhy %.3f s wall (%.0f lines/s), %.3f s CPU; sshguard %.3f s wall (%.0f lines/s), %.3f s CPU, %d attack lines\n' \
	"$SW" "$RATE" "$SC" "$GW" "$(echo "$LINES / $GW" | bc -l)" "$GC" "$SSHG_LINES"
printf 'median ratio sshwhy/sshguard: wall %.2f, CPU %.2f (target <= 0.59): %s\n' "$RW" "$RC" \
	"$( (($(echo "$RW <= 0.59" | bc -l))) && echo met || echo NOT met)"
printf 'sshwhy peak RSS %.1f MiB (target <= 64): %s\n' "$(echo "$RSS_MAX / 1024" | bc -l)" \
	"$( ((RSS_MAX <= 65536)) && echo met || echo NOT met)"
"$SSHWHY" --db "$T/b.db" ingest --no-progress --year 2026 "${INGEST_EXTRA[@]}" "$LOG" | sed 's/^/re-ingest: /'

if [ "$THREADS" = 1 ]; then
	if command -v perf >/dev/null; then
		rm -f "$T"/b.db*
		perf record -q -e cpu-clock -F 2000 -o "$T/perf.data" "$SSHWHY" --db "$T/b.db" ingest --quiet \
			--no-progress --year 2026 "${INGEST_EXTRA[@]}" "$LOG" 2>/dev/null >/dev/null
		echo "CPU by thread (perf cpu-clock samples; one run, not a median):"
		perf report -i "$T/perf.data" --sort pid --stdio 2>/dev/null | awk -v t="$SC" \
			'/^ +[0-9.]+%/ { p = $1; sub("%", "", p); printf "  %-24s %5.1f%%  ~%.3f s of the median %.3f s CPU\n", $2, p, p * t / 100, t }'
	else
		echo "--threads: perf is not installed, skipped"
	fi
fi

if [ "$BIG" -gt 0 ]; then
	LOG=$(gen "$BIG" "$@")
	cat "$LOG" >/dev/null
	BRUNS=$(( RUNS < 3 ? RUNS : 3 ))
	: >"$T/big"
	BRSS=0
	for i in $(seq "$BRUNS"); do
		run_sshwhy
		echo "$W $C" >>"$T/big"
		[ "$M" -gt "$BRSS" ] && BRSS=$M
		printf 'big %s: %d lines %6.3f s wall %6.3f s CPU %6.1f MiB\n' "$i" "$BIG" "$W" "$C" "$(echo "$M / 1024" | bc -l)"
	done
	BW=$(awk '{ print $1 }' "$T/big" | median)
	BRATE=$(echo "$BIG / $BW" | bc -l)
	printf 'big: median %.3f s, %.0f lines/s = %.2f of the %d-line rate (target >= 0.80): %s; peak RSS %.1f MiB\n' \
		"$BW" "$BRATE" "$(echo "$BRATE / $RATE" | bc -l)" "$LINES" \
		"$( (($(echo "$BRATE / $RATE >= 0.8" | bc -l))) && echo met || echo NOT met)" "$(echo "$BRSS / 1024" | bc -l)"
fi
