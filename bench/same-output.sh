#!/bin/bash
# Do two builds of sshwhy store and print exactly the same? For a change that
# must not change behaviour (a faster parser or correlator): ingest the same
# inputs with both builds, each into a fresh database, and compare
#   - the ingest summary (stdout of `ingest`, timings masked),
#   - `attempts --json --limit 0`,
#   - every row of the attempts, attempt_keys and orphans tables (sqlite3),
#   - `show --json` of every attempt of the small inputs (the evidence as shown).
# Inputs: every server log of the corpus (tests/corpus, four formats), each
# capture level in a database of its own and then all of them concatenated in
# one, and a generated log of N lines (default 300000, --seed 1), also read a
# second time into the same database (re-ingest: duplicates, merges).
#
# usage: bench/same-output.sh OLD_SSHWHY NEW_SSHWHY [LINES]
# Exit 0 when everything is identical, 1 with the first differences otherwise.
set -eu
cd "$(dirname "$0")/.."
OLD=$(realpath "$1")
NEW=$(realpath "$2")
LINES=${3:-300000}
command -v sqlite3 >/dev/null || { echo "same-output: needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TZ=UTC LANG=C LC_ALL=C
python3 tests/tools/gen_authlog.py -n "$LINES" --seed 1 -o "$T/gen.log"

# dump BIN OUT SHOW INPUT...: ingest the inputs in order into a fresh
# database, write everything it stored and printed to OUT
dump() {
	local bin=$1 out=$2 show=$3 db=$T/d.db
	shift 3
	rm -f "$db"*
	: >"$out"
	for f in "$@"; do
		"$bin" --db "$db" ingest --no-progress --year 2026 "$f" 2>&1 |
			sed -E 's/ in [0-9.]+ (s|ms)/ in T/' >>"$out" || echo "ingest exit $?" >>"$out"
	done
	"$bin" --db "$db" attempts --json --limit 0 >>"$out" 2>&1
	for t in attempts attempt_keys orphans; do
		echo "== $t" >>"$out"
		sqlite3 "$db" "SELECT * FROM $t ORDER BY 1, 2" >>"$out"
	done
	if [ "$show" = 1 ]; then
		for id in $(sqlite3 "$db" "SELECT id FROM attempts ORDER BY id"); do
			"$bin" --db "$db" show --json "$id" >>"$out" 2>&1
		done
	fi
}

fail=0
# compare NAME SHOW INPUT...
compare() {
	local name=$1 show=$2
	shift 2
	dump "$OLD" "$T/old" "$show" "$@"
	dump "$NEW" "$T/new" "$show" "$@"
	if cmp -s "$T/old" "$T/new"; then
		printf 'same      %-60s %8d lines of output\n' "$name" "$(wc -l <"$T/new")"
	else
		printf 'DIFFERENT %s\n' "$name"
		diff "$T/old" "$T/new" | head -20
		fail=1
	fi
}

all=()
for dir in tests/corpus/*/*/; do
	inputs=()
	for f in auth.log auth-traditional.log server.export server.json; do
		[ -f "$dir$f" ] && inputs+=("$dir$f")
	done
	[ ${#inputs[@]} -gt 0 ] || continue
	all+=("${inputs[@]}")
	for f in "${inputs[@]}"; do
		compare "$f" 1 "$f"
	done
done >"$T/corpus.out"
grep -v '^same' "$T/corpus.out" || true
echo "corpus: $(grep -c '^same' "$T/corpus.out") inputs the same, $(grep -c '^DIFFERENT' "$T/corpus.out" || true) different"
grep -q '^DIFFERENT' "$T/corpus.out" && fail=1
compare "the corpus, every input into one database" 0 "${all[@]}"
compare "generated $LINES lines, --seed 1" 0 "$T/gen.log"
compare "generated $LINES lines, read twice" 0 "$T/gen.log" "$T/gen.log"
exit $fail
