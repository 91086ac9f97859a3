#!/bin/bash
# explain's time on a large database: generate LINES auth.log lines (the
# generator's internet background: about one attempt per 4-5 lines), ingest
# them and the corpus captures into one database, then time `sshwhy explain`
# (median of RUNS) for corpus client logs: the client's exact start, the
# minute, no time at all, and a log that matches nothing (the database
# summary path).
#
# usage: bench/explain.sh [LINES (default 5000000)] [RUNS (default 5)]
# env:   SSHWHY=path (default build/sshwhy), KEEP=DIR to reuse/keep the database
set -eu
cd "$(dirname "$0")/.."
LINES=${1:-5000000}
RUNS=${2:-5}
SSHWHY=${SSHWHY:-build/sshwhy}
CORPUS=${CORPUS:-tests/corpus}
T=${KEEP:-$(mktemp -d)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
DB=$T/big.db
if [ ! -s "$DB" ]; then
	[ -s "$T/auth.log" ] || python3 tests/tools/gen_authlog.py -n "$LINES" --seed 1 --start 2026-11-21T00:00:00 -o "$T/auth.log"
	"$SSHWHY" --db "$DB" ingest --quiet "$T/auth.log" "$CORPUS"/*/*/auth.log
	rm -f "$T/auth.log"
fi
echo "database: $("$SSHWHY" --db "$DB" show 2>/dev/null | head -1 || true)"
python3 - "$DB" <<'PY'
import sqlite3, sys
n = sqlite3.connect(sys.argv[1]).execute("select count(*) from attempts").fetchone()[0]
print("attempts: %d" % n)
PY

# time_it NAME ARGS...: median wall time of RUNS runs, in ms
time_it() {
	local name=$1 t=()
	shift
	for _ in $(seq "$RUNS"); do
		local s e
		s=$(date +%s%N)
		"$SSHWHY" --db "$DB" explain --no-update --no-check --json --host-keys "$CORPUS/_keys" "$@" >/dev/null
		e=$(date +%s%N)
		t+=($(( (e - s) / 1000000 )))
	done
	printf '%-36s median %4d ms  (runs: %s)\n' "$name" \
		"$(printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" "${t[*]}"
}
C=$CORPUS/02-key-not-in-authorized-keys/info
START=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_started"])' "$C/expected.json")
MINUTE=$(python3 -c 'import sys; print(sys.argv[1][:16].replace("T", " "))' "$START")
time_it "exact start" --around "$START" "$C/client.log"
time_it "to the minute" --around "$MINUTE" "$C/client.log"
time_it "no time" "$C/client.log"
time_it "--key and --user, no log" --user alice --fingerprint SHA256:/37eZ2DybBswSKKshFei2NSjDzTsOqtuIxCBf3Xr774
time_it "matches nothing (summary)" --around "2020-01-01 00:00" "$C/client.log"
