#!/bin/sh
# bench/stats.sh [ATTEMPTS] [RUNS]: times `sshwhy stats` on a database of
# ATTEMPTS (default 10,000,000) synthetic attempts spread over DAYS (default
# 365: a year of a busy server), each with EVIDENCE bytes of evidence
# (default 500, as real rows carry), 90% scanners (many addresses, 5,000
# user names), 10% accepted logins of 50 users with keys; made with SQL into
# a schema created by sshwhy itself (ingest of an empty file). Prints medians
# of RUNS (default 5), wall time, CPU time and peak RSS, for the whole
# database, --since 7d, --since 1d --user, --from CIDR, next to
# `sqlite3 'SELECT count(*)'` on the same file as the anchor.
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
	: > /tmp/empty-stats-bench.log
	"$BIN" --db "$DB" ingest /tmp/empty-stats-bench.log >/dev/null 2>&1 || true
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
fi
echo "database: $DB ($(sqlite3 "$DB" 'SELECT count(*) FROM attempts') attempts, $(du -h "$DB" | cut -f1))"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
timeit() {
	for r in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %M %U %S' "$@" >/dev/null 2>>/tmp/stats-bench.time || { tail -1 /tmp/stats-bench.time; exit 1; }
	done
}
bench() {
	name=$1; shift
	rm -f /tmp/stats-bench.time
	timeit "$@"
	t=$(awk '{ print $1 }' /tmp/stats-bench.time | median)
	m=$(awk '{ print $2 }' /tmp/stats-bench.time | median)
	c=$(awk '{ print $3 + $4 }' /tmp/stats-bench.time | median)
	printf '%-34s %6.2f s wall  %6.2f s CPU  %7d KiB peak RSS\n' "$name" "$t" "$c" "$m"
}
NOW=@$((END / 1000000))
bench "sqlite3 count(*) (anchor)" sqlite3 "$DB" 'SELECT count(*) FROM attempts'
bench "stats (whole database)" "$BIN" --db "$DB" stats --width 100
bench "stats --since 7d" "$BIN" --db "$DB" stats --since "@$((END / 1000000 - 7 * 86400))" --width 100
bench "stats --since 1d --user partner7" "$BIN" --db "$DB" stats --since "@$((END / 1000000 - 86400))" --user partner7
bench "stats --from 192.0.2.0/24" "$BIN" --db "$DB" stats --from 192.0.2.0/24
bench "stats --json (whole database)" "$BIN" --db "$DB" stats --json
