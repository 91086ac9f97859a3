#!/bin/sh
# bench/stats.sh [ATTEMPTS] [RUNS]: times `sshwhy stats` on a database of
# ATTEMPTS (default 10,000,000) synthetic attempts spread over DAYS (default
# 365: a year of a busy server), each with EVIDENCE bytes of evidence
# (default 500, as real rows carry), 90% scanners (many addresses, 5,000
# user names), 10% accepted logins of 50 users with keys; made with SQL into
# the schema of version 2 (sql/001, sql/002), then opened by sshwhy, whose
# migrations post every row (sql/003) and mark every hour for the summaries
# (sql/005), as for a database an older sshwhy wrote.
#
# Prints, for each run: the median of RUNS (default 5) wall times, the median
# of user+sys CPU (wall clock is noisy on a shared machine) and the peak RSS:
#   - making the summaries once (the first stats after the rows were written;
#     sql/005-summary.sql, src/store-summary.c);
#   - a year, a month, a week and a day (ending at the last attempt), with no
#     filter, --cause, --user and --from CIDR (--user and --from read rows);
#   - the same year counted from the rows (SSHWHY_STATS_SCAN=1), once;
# next to `sqlite3 'SELECT count(*)'` on the same file as the anchor.
# DB=path reuses (or keeps) the database.
set -eu
N=${1:-10000000}
RUNS=${2:-5}
BIN=${SSHWHY:-build/sshwhy}
DB=${DB:-$(mktemp -d)/stats-bench.db}
END=1796083200000000            # 2026-12-01 00:00 UTC, in microseconds
DAYS=${DAYS:-365}
EVIDENCE=${EVIDENCE:-500}
SPAN=$((DAYS * 86400 * 1000000))

if [ ! -s "$DB" ]; then
	cat "$(dirname "$0")/../sql/001-init.sql" "$(dirname "$0")/../sql/002-sessions.sql" | sqlite3 "$DB"
	sqlite3 "$DB" <<SQL
PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO attempts (uid, host, pid, start_us, end_us, addr, port, user, outcome, cause, evidence)
SELECT i, 'web01', 1000 + i % 4000000,
       $END - $SPAN + (i * ($SPAN / $N)),
       $END - $SPAN + (i * ($SPAN / $N)) + 2000000,
       CASE WHEN i % 10 = 0 THEN '192.0.2.' || ((i / 10) % 50)
            ELSE ((i * 7919) % 223 + 1) || '.' || ((i * 31) % 256) || '.' || ((i * 17) % 256) || '.' || (i % 4) END,
       (i * 13) % 60000 + 1024,
       CASE WHEN i % 10 = 0 THEN 'partner' || ((i / 10) % 50) ELSE 'user' || ((i * 104729) % 5000) END,
       CASE WHEN i % 10 = 0 THEN 'accepted' WHEN i % 3 = 0 THEN 'aborted' ELSE 'failed' END,
       CASE WHEN i % 10 = 0 THEN 'accepted' WHEN i % 3 = 0 THEN 'no-auth-attempted' WHEN i % 7 = 0 THEN 'invalid-user'
            ELSE 'password-failed' END,
       hex(randomblob($EVIDENCE / 2))
FROM n;
INSERT INTO attempt_keys (attempt_id, seq, type, fingerprint, result)
SELECT id, 0, 'ED25519', 'SHA256:partnerkey' || ((id / 10) % 50), 'accepted' FROM attempts WHERE outcome = 'accepted';
SQL
	"$BIN" --db "$DB" attempts --limit 1 >/dev/null   # the upgrade: postings, summaries marked
	FRESH=1
fi
echo "database: $DB ($(sqlite3 "$DB" 'SELECT count(*) FROM attempts') attempts, $(du -h "$DB" | cut -f1))"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# bench NAME RUNS CMD...: the medians of RUNS runs
bench() {
	name=$1 runs=$2
	shift 2
	rm -f /tmp/stats-bench.time
	for r in $(seq "$runs"); do
		/usr/bin/time -f '%e %M %U %S' "$@" >/dev/null 2>>/tmp/stats-bench.time || { tail -1 /tmp/stats-bench.time; exit 1; }
	done
	t=$(awk '{ print $1 }' /tmp/stats-bench.time | median)
	m=$(awk '{ print $2 }' /tmp/stats-bench.time | median)
	c=$(awk '{ print $3 + $4 }' /tmp/stats-bench.time | median)
	printf '%-44s %7.3f s wall  %7.3f s user+sys  %7d KiB peak RSS\n' "$name" "$t" "$c" "$m"
}
LAST=$((END / 1000000))
S="$BIN --db $DB stats --width 100"
bench "sqlite3 count(*) (anchor)" "$RUNS" sqlite3 "$DB" 'SELECT count(*) FROM attempts'
if [ "${FRESH:-0}" = 1 ] || [ "$(sqlite3 "$DB" 'SELECT count(*) FROM summary')" = 0 ]; then
	bench "making the summaries (first stats, once)" 1 $S --since "@$((LAST - 86400))"
	bench "the rest of the year's (second stats, once)" 1 $S
fi
for range in "year 365" "month 30" "week 7" "day 1"; do
	set -- $range
	since="@$((LAST - $2 * 86400))"
	bench "stats, $1" "$RUNS" $S --since "$since"
	bench "stats, $1, --cause invalid-user" "$RUNS" $S --since "$since" --cause invalid-user
	bench "stats, $1, --user partner7" "$RUNS" $S --since "$since" --user partner7
	bench "stats, $1, --from 192.0.2.0/24" "$RUNS" $S --since "$since" --from 192.0.2.0/24
done
bench "stats --json, whole database" "$RUNS" "$BIN" --db "$DB" stats --json
bench "stats, year, from the rows (no summaries)" 1 env SSHWHY_STATS_SCAN=1 $S --since "@$((LAST - 365 * 86400))"
