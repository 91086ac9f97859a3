#!/bin/sh
# Build the libFuzzer harnesses (clang, ASan+UBSan with every report fatal,
# coverage instrumentation of the whole library) and run each target for a
# bounded time, several at once (one per core). Per target it prints the
# executions, the edges covered (of all instrumented edges in the binary: the
# whole library, so the share is a floor) and the corpus size. New crashing
# inputs are copied into tests/fuzz/corpus-<target>/ as crash-<hash> (or
# leak-/timeout-), where the normal test run replays them; fix the bug, then
# rename the file after it.
#
#   usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
#   SSHWHY_FUZZ_SECONDS  seconds per target (default 60; the argument wins)
#   SSHWHY_FUZZ_BUILD    build directory (default build-fuzz)
#   SSHWHY_FUZZ_JOBS     targets run at once (default: the number of cores)
# The corpus each run grows is kept in $SSHWHY_FUZZ_BUILD/corpus/<target>
# (not in tests/), so later runs start from where the last one got.
set -eu
cd "$(dirname "$0")/../.."
secs=${SSHWHY_FUZZ_SECONDS:-60}
if [ $# -gt 0 ]; then
	secs=$1
	shift
fi
bdir=${SSHWHY_FUZZ_BUILD:-build-fuzz}
jobs=${SSHWHY_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
# Keep in step with tests/fuzz/meson.build.
targets=${*:-sshd-parse syslog-line client-parse source-export timespec authkeys}

if ! command -v clang >/dev/null; then
	echo "fuzz: clang is not installed (apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
fi
if [ ! -d "$bdir" ]; then
	CC=clang meson setup "$bdir" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" \
		-Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$bdir" >/dev/null
# A harness added since the build directory was set up (meson.build only
# lists the ones whose source exists): configure again once.
for t in $targets; do
	if [ -e "tests/fuzz/fuzz-$t.c" ] && [ ! -x "$bdir/tests/fuzz/fuzz-$t" ]; then
		meson setup --reconfigure "$bdir" >/dev/null
		ninja -C "$bdir" >/dev/null
		break
	fi
done

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

fuzz_one() {  # fuzz_one TARGET: runs it, writes $out/TARGET.summary, returns its status
	t=$1
	exe=$bdir/tests/fuzz/fuzz-$t
	corpus=$bdir/corpus/$t
	art=$out/$t.artifacts
	log=$out/$t.log
	st=0
	mkdir -p "$corpus" "$art"
	# The first directory is where libFuzzer adds what it finds; the
	# seeds (and old crashes) are read from the second.
	ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
	"$exe" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=30 \
		-print_final_stats=1 -artifact_prefix="$art/" "$corpus" "tests/fuzz/corpus-$t" \
		>"$log" 2>&1 || st=1
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	total=$(sed -n 's/^INFO: Loaded [0-9]* modules *(\([0-9]*\) inline 8-bit counters).*/\1/p' "$log" | head -1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\/[^ ]*\).*/\1/p')
	pct=$(awk -v c="${cov:-0}" -v t="${total:-0}" 'BEGIN { if (t > 0) printf "%.1f", 100 * c / t; else print "?" }')
	{
		printf 'fuzz-%-14s %s s: %s executions, coverage %s of %s edges (%s%%), %s features, corpus %s' \
			"$t" "$secs" "${runs:-?}" "${cov:-?}" "${total:-?}" "$pct" "${ft:-?}" "${corp:-?}"
		if [ $st = 0 ]; then echo ", ok"; else echo ", FAILED"; fi
		if [ $st != 0 ]; then
			grep -E "ERROR: |runtime error|SUMMARY: |^==[0-9]+==" "$log" | head -20 | sed 's/^/    /'
		fi
		for c in "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-* "$art"/slow-unit-*; do
			[ -e "$c" ] || continue
			case ${c##*/} in slow-unit-*) continue ;; esac
			cp "$c" "tests/fuzz/corpus-$t/"
			echo "    new crashing input kept: tests/fuzz/corpus-$t/${c##*/}"
		done
	} >"$out/$t.summary"
	return $st
}

status=0
running=
n=0
for t in $targets; do
	if [ ! -e "tests/fuzz/fuzz-$t.c" ]; then
		echo "fuzz-$t: no harness (tests/fuzz/fuzz-$t.c), skipped"
		continue
	fi
	echo "fuzz-$t: running for $secs s"
	( fuzz_one "$t" ) &
	running="$running $!:$t"
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		for j in $running; do
			wait "${j%%:*}" || status=1
			cat "$out/${j#*:}.summary"
		done
		running=
		n=0
	fi
done
for j in $running; do
	wait "${j%%:*}" || status=1
	cat "$out/${j#*:}.summary"
done
exit $status
