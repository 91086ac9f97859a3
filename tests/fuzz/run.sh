#!/bin/sh
# Build the libFuzzer harnesses (clang, ASan+UBSan, coverage instrumentation
# of the whole library) and run each for SECONDS (default 60). New crashing
# inputs are copied into tests/fuzz/corpus-<target>/ as crash-<hash>, where
# the normal test run replays them.   usage: tests/fuzz/run.sh [SECONDS]
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
if [ ! -d build-fuzz ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C build-fuzz >/dev/null
status=0
for t in sshd-parse syslog-line client-parse; do
	work=$(mktemp -d)
	cp tests/fuzz/corpus-$t/* "$work"/ 2>/dev/null || true
	echo "== fuzz-$t for $secs s"
	if ! build-fuzz/tests/fuzz/fuzz-$t -max_total_time="$secs" -max_len=65536 -rss_limit_mb=1024 \
		-artifact_prefix="$work/" "$work" 2>"$work.log"; then
		status=1
	fi
	grep -E "cov:" "$work.log" | tail -1
	grep -E "Done [0-9]+ runs" "$work.log" | tail -1
	for c in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
		[ -e "$c" ] || continue
		cp "$c" tests/fuzz/corpus-$t/
		echo "new crashing input: tests/fuzz/corpus-$t/$(basename "$c")"
	done
	rm -rf "$work" "$work.log"
done
exit $status
