#!/bin/sh
# A database of an older schema (version 1: sql/001-init.sql alone) read by
# a newer sshwhy: the read-only commands (attempts, stats, show) upgrade it
# in place once, say so on stderr, and answer; a database they cannot write
# is refused with the way to upgrade it. usage: upgrade.sh SSHWHY SQL_DIR
set -u
SSHWHY=$1 SQL=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { if [ "$1" = 0 ]; then echo "ok   $2"; else echo "FAIL $2"; fail=1; fi; }

sqlite3 "$T/v1.db" < "$SQL/001-init.sql" || { echo "FAIL cannot make a version-1 database"; exit 1; }
sqlite3 "$T/v1.db" "INSERT INTO attempts (uid, host, pid, start_us, end_us, addr, port, user, outcome, cause)
	VALUES (1, 'web1', 42, 1796083200000000, 1796083201000000, '192.0.2.7', 4242, 'alice', 'failed', 'invalid-user')"
cp "$T/v1.db" "$T/ro.db"

out=$("$SSHWHY" --db "$T/v1.db" attempts --json 2>"$T/err")
check $? "attempts on a version-1 database: exit 0"
echo "$out" | grep -q '"user":"alice"'; check $? "its attempt is listed"
grep -q "upgrading database" "$T/err"; check $? "stderr says the database is upgraded"
[ "$(sqlite3 "$T/v1.db" 'PRAGMA user_version')" -ge 2 ]; check $? "the file is at the new schema"
"$SSHWHY" --db "$T/v1.db" stats --json >/dev/null 2>"$T/err2"
check $? "stats afterwards: exit 0"
[ ! -s "$T/err2" ]; check $? "no second upgrade message"

if [ "$(id -u)" != 0 ]; then
	chmod 0444 "$T/ro.db"
	"$SSHWHY" --db "$T/ro.db" attempts >/dev/null 2>"$T/err3"
	[ $? = 1 ]; check $? "a read-only version-1 database: exit 1"
	grep -q "run 'sshwhy ingest' once" "$T/err3"; check $? "... with the way to upgrade it"
else
	echo "skip read-only case (root can write any file)"
fi
exit $fail
