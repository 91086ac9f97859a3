#!/bin/sh
# bench/query.sh [LINES] [RUNS]: the first page (--limit 50, what a terminal
# shows) of `sshwhy attempts` filtered by --user, --from CIDR, --cause and
# --fingerprint, on a database ingested from a generated log of LINES
# (default 10,000,000) lines (tests/tools/gen_authlog.py, seed 7). Prints the
# medians of RUNS (default 7) runs: wall time and user+sys CPU, in ms, with
# the filter's value and how many attempts it matches (picked from the
# database: the most common user, address block, cause and key, and rare
# ones). Issue 15's target: each < 20 ms. SSHWHY=binary (build/sshwhy),
# DB=path reuses (or keeps) the database, LOG=path the generated log.
set -eu
N=${1:-10000000}
RUNS=${2:-7}
BIN=${SSHWHY:-build/sshwhy}
HERE=$(dirname "$0")
DB=${DB:-$(mktemp -d)/query-bench.db}
LOG=${LOG:-/tmp/query-bench-$N.log}

if [ ! -s "$DB" ]; then
	[ -s "$LOG" ] || python3 "$HERE/../tests/tools/gen_authlog.py" -n "$N" --seed 7 -o "$LOG"
	/usr/bin/time -f 'ingest: %e s wall, %U s user, %S s sys, %M KiB peak RSS' \
		"$BIN" --db "$DB" ingest --no-progress "$LOG"
fi
echo "database: $DB ($(sqlite3 "$DB" 'SELECT count(*) FROM attempts') attempts, $(du -h "$DB" | cut -f1))"

# One value per line: "LABEL<TAB>OPTION<TAB>VALUE<TAB>MATCHES".
sqlite3 -separator '	' "$DB" >/tmp/query-bench.cases <<'SQL'
SELECT 'user, most common', '--user', user, n FROM (SELECT user, count(*) n FROM attempts GROUP BY user ORDER BY n DESC LIMIT 1);
SELECT 'user, rare', '--user', user, n FROM (SELECT user, count(*) n FROM attempts GROUP BY user HAVING n BETWEEN 3 AND 20 ORDER BY n DESC, user LIMIT 1);
SELECT 'from /16 of the busiest address', '--from',
       substr(addr, 1, instr(substr(addr, instr(addr, '.') + 1), '.') + instr(addr, '.') - 1) || '.0.0/16', n
  FROM (SELECT addr, count(*) n FROM attempts WHERE addr LIKE '%.%.%.%' AND addr NOT LIKE '%:%' GROUP BY addr ORDER BY n DESC LIMIT 1);
SELECT 'from /24, rare', '--from', rtrim(rtrim(addr, '0123456789'), '.') || '.0/24', n
  FROM (SELECT addr, count(*) n FROM attempts WHERE addr LIKE '%.%.%.%' AND addr NOT LIKE '%:%' GROUP BY addr HAVING n = 1 LIMIT 1);
SELECT 'from one address, busiest', '--from', addr, n FROM (SELECT addr, count(*) n FROM attempts GROUP BY addr ORDER BY n DESC LIMIT 1);
SELECT 'cause, most common', '--cause', cause, n FROM (SELECT cause, count(*) n FROM attempts GROUP BY cause ORDER BY n DESC LIMIT 1);
SELECT 'cause, rare', '--cause', cause, n FROM (SELECT cause, count(*) n FROM attempts GROUP BY cause HAVING n >= 50 ORDER BY n LIMIT 1);
SELECT 'fingerprint, most common', '--fingerprint', fingerprint, n FROM (SELECT fingerprint, count(*) n FROM attempt_keys GROUP BY fingerprint ORDER BY n DESC LIMIT 1);
SELECT 'fingerprint, rare', '--fingerprint', fingerprint, n FROM (SELECT fingerprint, count(*) n FROM attempt_keys GROUP BY fingerprint HAVING n BETWEEN 2 AND 20 ORDER BY n DESC LIMIT 1);
SQL

BIN="$BIN" DB="$DB" RUNS="$RUNS" python3 - <<'PY'
import os, resource, subprocess, time
bin, db, runs = os.environ["BIN"], os.environ["DB"], int(os.environ["RUNS"])
def med(v):
    v = sorted(v)
    return v[len(v) // 2]
print("%-34s %-46s %9s %10s %10s" % ("first page (--limit 50) of", "value", "matches", "wall ms", "CPU ms"))
for line in open("/tmp/query-bench.cases"):
    label, opt, value, n = line.rstrip("\n").split("\t")
    walls, cpus = [], []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run([bin, "--db", db, "attempts", "--json", "--limit", "50", opt, value],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        walls.append((time.perf_counter() - t0) * 1000)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
        if p.returncode != 0:
            raise SystemExit("%s %s: exit %d" % (opt, value, p.returncode))
    print("%-34s %-46s %9s %10.1f %10.1f" % (label, (opt + " " + value)[:46], n, med(walls), med(cpus)))
PY
