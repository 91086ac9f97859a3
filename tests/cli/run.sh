#!/bin/bash
# Command-line behaviour of the real binary: exit codes (0 ok, 1 runtime
# failure, 2 usage), the "sshwhy:" prefix, hostile input and the promise that
# a bad input loses nothing already stored. One behaviour per check.
set -u
SSHWHY=${1:-${SSHWHY:-build/sshwhy}}
CORPUS=${CORPUS_DIR:-tests/corpus}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TZ=UTC
fails=0
n=0

check() {  # check NAME EXPECTED_STATUS STDERR_REGEX -- command...
	local name=$1 want=$2 re=$3
	shift 4
	n=$((n + 1))
	"$@" >"$T/out" 2>"$T/err"
	local got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: exit $got, expected $want"; sed 's/^/  | /' "$T/err" | head -5
		fails=$((fails + 1)); return
	fi
	if [ -n "$re" ] && ! grep -Eq "$re" "$T/err"; then
		echo "FAIL $name: stderr does not match /$re/"; sed 's/^/  | /' "$T/err" | head -5
		fails=$((fails + 1)); return
	fi
	echo "ok   $name"
}

count() {  # number of attempts in DB $1
	"$SSHWHY" --db "$1" attempts --json | wc -l
}

DB=$T/a.db
AUTH=$CORPUS/02-key-not-in-authorized-keys/verbose/auth.log

check "usage: no command" 2 "" -- "$SSHWHY" --db "$DB"
check "usage: unknown command suggests" 2 "^sshwhy: unknown command 'ingets', did you mean 'ingest'\?" -- "$SSHWHY" --db "$DB" ingets
check "usage: bad option" 2 "^sshwhy: " -- "$SSHWHY" --db "$DB" ingest --bogus
check "usage: nothing to ingest with --no-auto" 2 "" -- "$SSHWHY" --db "$DB" ingest --journal --file
check "attempts: no database yet" 1 "^sshwhy: attempts: no database at" -- "$SSHWHY" --db "$T/none.db" attempts
check "ingest: corpus file" 0 "" -- "$SSHWHY" --db "$DB" ingest "$AUTH"
mode=$(stat -c %a "$DB")
n=$((n + 1)); if [ "$mode" = 600 ]; then echo "ok   database created 0600"; else echo "FAIL database mode $mode"; fails=$((fails + 1)); fi
base=$(count "$DB")
check "ingest: same file again" 0 "" -- "$SSHWHY" --db "$DB" ingest "$AUTH"
n=$((n + 1)); if [ "$(count "$DB")" = "$base" ]; then echo "ok   re-ingest adds nothing"; else echo "FAIL re-ingest: $base -> $(count "$DB")"; fails=$((fails + 1)); fi
check "attempts: unknown outcome" 2 "^sshwhy: " -- "$SSHWHY" --db "$DB" attempts --outcome winning
check "attempts: bad --since" 2 "^sshwhy: " -- "$SSHWHY" --db "$DB" attempts --since "next blue moon"
check "show: no such id" 1 "^sshwhy: show: no attempt with id 999" -- "$SSHWHY" --db "$DB" show 999
check "show: id 1" 0 "" -- "$SSHWHY" --db "$DB" show 1

# Usage errors: one line "sshwhy: COMMAND: message", the same wording in every
# command, exit 2; never getopt's own message with the binary's path.
usage() {  # usage NAME STDERR_REGEX -- command...: exit 2 and exactly one stderr line
	local name=$1 re=$2
	check "$@"
	lines=$(wc -l <"$T/err")
	if [ "$lines" != 1 ]; then
		echo "FAIL $name: $lines lines on stderr, expected 1"; sed 's/^/  | /' "$T/err" | head -5
		fails=$((fails + 1))
	fi
}
usage "usage: unknown global option" 2 "^sshwhy: unknown option '--dbx'; try 'sshwhy help'$" -- "$SSHWHY" --dbx
for cmd in follow ingest attempts show check; do
	usage "usage: $cmd unknown option" 2 "^sshwhy: $cmd: unknown option '--bogus'; try 'sshwhy help $cmd'$" -- "$SSHWHY" --db "$DB" $cmd --bogus
done
usage "usage: redact unknown option (not a file)" 2 "^sshwhy: redact: unknown option '--bogus'" -- "$SSHWHY" --db "$DB" redact --bogus
usage "usage: missing value" 2 "^sshwhy: follow: option '--file' needs a value" -- "$SSHWHY" --db "$DB" follow --file
usage "usage: value to a flag" 2 "^sshwhy: attempts: option '--json' takes no value" -- "$SSHWHY" --db "$DB" attempts --json=yes
usage "usage: short option" 2 "^sshwhy: ingest: unknown option '-z'" -- "$SSHWHY" --db "$DB" ingest -z
usage "usage: help of no command" 2 "^sshwhy: help: no such command 'nope'; try 'sshwhy help'$" -- "$SSHWHY" help nope
usage "usage: bad value" 2 "^sshwhy: follow: invalid --login-grace-time 'x'" -- "$SSHWHY" --db "$DB" follow --login-grace-time x
usage "usage: empty --db" 2 "^sshwhy: option '--db' needs a file name" -- "$SSHWHY" --db '' attempts
usage "usage: --from not an address" 2 "^sshwhy: attempts: invalid address or network '999.1.1.1'" -- "$SSHWHY" --db "$DB" attempts --from 999.1.1.1
usage "usage: --from not an IPv6 address" 2 "^sshwhy: attempts: invalid address" -- "$SSHWHY" --db "$DB" attempts --from 2001:db8::zz
check "attempts: --from a host name" 0 "" -- "$SSHWHY" --db "$DB" attempts --from gw.example.org
usage "usage: unknown cause, no far-fetched suggestion" 2 "^sshwhy: attempts: unknown cause 'bogus'; try" -- "$SSHWHY" --db "$DB" attempts --cause bogus
usage "usage: unknown cause, near miss suggested" 2 "^sshwhy: attempts: unknown cause 'acepted', did you mean 'accepted'\\?" -- "$SSHWHY" --db "$DB" attempts --cause acepted
COLUMNS=80 "$SSHWHY" --db "$DB" attempts >"$T/table" 2>&1
w=$(wc -L <"$T/table")
n=$((n + 1)); if [ "$w" -le 80 ]; then echo "ok   attempts at COLUMNS=80 fits ($w)"; else echo "FAIL attempts at COLUMNS=80 is $w wide"; fails=$((fails + 1)); fi
printf 'not a log line\n' >"$T/one.log"
"$SSHWHY" --db "$T/one.db" ingest "$T/one.log" >"$T/out" 2>&1
n=$((n + 1)); if grep -q "^1 line read from 1 input .* 1 malformed line skipped" "$T/out"; then echo "ok   ingest: singular '1 line'"; else echo "FAIL ingest summary: $(cat "$T/out")"; fails=$((fails + 1)); fi
timeout -s TERM 2 "$SSHWHY" --db "$T/f.db" follow --file "$T/auth.lgo" >"$T/out" 2>"$T/err"
n=$((n + 1)); if grep -q "^sshwhy: follow: '$T/auth.lgo' does not exist (yet); waiting" "$T/err" && grep -q "^sshwhy: follow: following '$T/auth.lgo'" "$T/err"; then echo "ok   follow: a missing file is said, not waited on in silence"; else echo "FAIL follow on a missing file: $(cat "$T/err")"; fails=$((fails + 1)); fi
# Help screens fit 80 columns (explain's is the explain engineer's, not yet).
for cmd in "" follow ingest attempts show redact check help; do
	"$SSHWHY" help $cmd >"$T/help" 2>&1
	w=$(awk '{ if (length > m) m = length } END { print m + 0 }' "$T/help")
	n=$((n + 1)); if [ "$w" -le 80 ]; then echo "ok   help $cmd fits 80 columns"; else echo "FAIL help $cmd is $w columns wide"; fails=$((fails + 1)); fi
done
n=$((n + 1)); if "$SSHWHY" help | grep -q "Not implemented"; then echo "FAIL help lists check as not implemented"; fails=$((fails + 1)); else echo "ok   help has no stale 'not implemented'"; fi
for cmd in follow ingest attempts show check; do
	check "help: $cmd --help is its help" 0 "" -- "$SSHWHY" $cmd --help
	n=$((n + 1)); if grep -q "^Usage: sshwhy $cmd " "$T/out"; then echo "ok   $cmd --help starts with its usage"; else echo "FAIL $cmd --help has no usage line"; fails=$((fails + 1)); fi
done
# Runtime failures: exit 1, the error text once, hostile names escaped.
check "failure: unreadable key file" 1 "^sshwhy: check: cannot read '$T/nokey': No such file or directory$" -- "$SSHWHY" check --user root --key "$T/nokey"
check "failure: control bytes escaped" 1 "^sshwhy: ingest: cannot open '.*/x[\\]033]0;pwn[\\]007': No such file" -- "$SSHWHY" --db "$DB" ingest "$T/x$(printf '\033]0;pwn\007')"
n=$((n + 1)); if grep -q "$(printf '\033')" "$T/err"; then echo "FAIL raw escape on stderr"; fails=$((fails + 1)); else echo "ok   no raw escape on stderr"; fi

# Bad inputs: a clear message, a clear status, nothing lost.
: >"$T/empty.log"
check "ingest: empty file" 0 "is empty" -- "$SSHWHY" --db "$DB" ingest "$T/empty.log"
head -c 200000 /dev/urandom >"$T/binary.log"
check "ingest: binary file" 1 "^sshwhy: .*binary" -- "$SSHWHY" --db "$DB" ingest "$T/binary.log"
printf '2026-11-22T02:24:24.9+00:00 vm sshd[1]: Invalid user bob from 10.0.0.1 port 22\n' | iconv -f UTF-8 -t UTF-16 >"$T/utf16.log"
check "ingest: UTF-16 text" 1 "^sshwhy: .*UTF-16" -- "$SSHWHY" --db "$DB" ingest "$T/utf16.log"
n=$((n + 1)); if [ "$(count "$DB")" = "$base" ]; then echo "ok   bad inputs lost nothing"; else echo "FAIL bad inputs changed the store"; fails=$((fails + 1)); fi
{
	printf '2026-11-22T02:24:24.9+00:00 vm sshd[7]: Invalid user '
	head -c 1048576 /dev/zero | tr '\0' 'a'
	printf ' from 10.0.0.1 port 22\n2026-11-22T02:24:25.0+00:00 vm sshd[8]: Invalid user x\000y from 10.0.0.2 port 23\n'
	printf '2026-11-22T02:24:25.1+00:00 vm sshd[9]: Invalid user \xff\xfe\033[2J from 10.0.0.3 port 24\n'
	printf '2026-11-22T02:24:25.2+00:00 vm sshd[10]: Invalid user admin from 6.6.6.6 port 22 from 10.0.0.4 port 25\n'
} >"$T/hostile.log"
check "ingest: 1 MiB line, NUL, invalid UTF-8, spoofed user" 0 "" -- "$SSHWHY" --db "$T/h.db" ingest "$T/hostile.log"
check "attempts: table of hostile names" 0 "" -- "$SSHWHY" --db "$T/h.db" attempts
n=$((n + 1)); if grep -q $'\033' "$T/out"; then echo "FAIL raw escape reached the terminal"; fails=$((fails + 1)); else echo "ok   no raw control characters printed"; fi
n=$((n + 1)); if grep -q "10.0.0.4" "$T/out" && ! grep -q "6.6.6.6:22" "$T/out"; then echo "ok   spoofed address ignored"; else echo "FAIL spoofed address"; cat "$T/out"; fails=$((fails + 1)); fi
check "attempts: JSON of hostile names" 0 "" -- "$SSHWHY" --db "$T/h.db" attempts --json
n=$((n + 1)); if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out"; then echo "ok   JSON valid"; else echo "FAIL invalid JSON"; fails=$((fails + 1)); fi

# A truncated .gz: the complete lines before the damage are kept.
cat "$CORPUS"/*/info/auth.log >"$T/all.log"
gzip -c "$T/all.log" >"$T/all.log.gz"
head -c $(( $(stat -c %s "$T/all.log.gz") * 2 / 3 )) "$T/all.log.gz" >"$T/cut.log.gz"
check "ingest: truncated gzip" 1 "^sshwhy: .*(truncated|corrupt)" -- "$SSHWHY" --db "$T/gz.db" ingest "$T/cut.log.gz"
n=$((n + 1)); if [ "$(count "$T/gz.db")" -gt 10 ]; then echo "ok   lines before the damage kept"; else echo "FAIL nothing kept from truncated gzip"; fails=$((fails + 1)); fi

# Overlap and rotation order: halves with an overlap, newest given first.
lines=$(wc -l <"$T/all.log")
head -n $((lines * 2 / 3)) "$T/all.log" >"$T/r.log.1"
tail -n $((lines * 2 / 3)) "$T/all.log" >"$T/r.log"
"$SSHWHY" --db "$T/whole.db" ingest -q "$T/all.log"
check "ingest: rotated files, overlapping" 0 "" -- "$SSHWHY" --db "$T/rot.db" ingest "$T/r.log" "$T/r.log.1"
summary() {  # the attempts of DB $1, one "pid port outcome cause" line each, sorted
	"$SSHWHY" --db "$1" attempts --json |
		python3 -c 'import json,sys; [print(a["pid"], a["port"], a["outcome"], a["cause"], len(a["evidence"])) for a in map(json.loads, sys.stdin)]' | sort
}
n=$((n + 1)); if [ "$(summary "$T/rot.db")" = "$(summary "$T/whole.db")" ]; then echo "ok   overlap: same attempts, verdicts and evidence as the whole file"; else echo "FAIL overlap differs:"; diff <(summary "$T/rot.db") <(summary "$T/whole.db") | head; fails=$((fails + 1)); fi

# explain: the same verdict from a UTF-16 (with BOM, CRLF) copy of a client log,
# a clear error for something that is not one, and redact keeps no local paths.
C11=$CORPUS/11a-client-private-key-mode-0644/verbose
"$SSHWHY" --db "$T/x.db" ingest -q "$C11/auth.log"
check "explain: client log" 0 "" -- "$SSHWHY" --db "$T/x.db" explain --no-update --no-check --json --host-keys "$CORPUS/_keys" "$C11/client.log"
want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cause"])' "$T/out")
{ printf '\xff\xfe'; sed 's/$/\r/' "$C11/client.log" | iconv -f UTF-8 -t UTF-16LE; } >"$T/utf16-client.log"
check "explain: UTF-16 + CRLF client log" 0 "" -- "$SSHWHY" --db "$T/x.db" explain --no-update --no-check --json --host-keys "$CORPUS/_keys" "$T/utf16-client.log"
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cause"])' "$T/out")
n=$((n + 1)); if [ "$want" = client-key-bad-permissions ] && [ "$got" = "$want" ]; then echo "ok   same verdict from UTF-16 ($got)"; else echo "FAIL explain verdicts: $want / $got"; fails=$((fails + 1)); fi
check "explain: not a client log" 1 "^sshwhy: .*does not look like ssh client output" -- "$SSHWHY" --db "$T/x.db" explain --no-update --no-check "$T/binary.log"
check "explain: nothing given" 2 "^sshwhy: " -- "$SSHWHY" --db "$T/x.db" explain
check "redact" 0 "" -- "$SSHWHY" redact "$C11/client.log"
n=$((n + 1)); if grep -q "/tmp/sshlab" "$T/out" || ! grep -q "SHA256:" "$T/out"; then echo "FAIL redact left a local path or dropped fingerprints"; fails=$((fails + 1)); else echo "ok   redact keeps fingerprints, drops local paths"; fi

# check: usage errors for values that must never reach the sshd command line,
# and no raw control characters from a hostile --user in the error.
check "check: no user" 2 "^sshwhy: " -- "$SSHWHY" check
check "check: user with a comma" 2 "^sshwhy: .*invalid user name" -- "$SSHWHY" check --user 'a,host=evil'
check "check: user with spaces" 2 "^sshwhy: .*invalid user name" -- "$SSHWHY" check --user 'admin from 6.6.6.6'
check "check: option-like user" 2 "^sshwhy: .*invalid user name" -- "$SSHWHY" check --user '-oProxyCommand=x'
check "check: --from not an address" 2 "^sshwhy: .*numeric" -- "$SSHWHY" check --user root --from 'evil.example,addr=1.2.3.4'
check "check: escape in user" 2 "^sshwhy: " -- "$SSHWHY" check --user "$(printf 'x\033]52;c;AAAA\007')"
n=$((n + 1)); if LC_ALL=C grep -q "$(printf '\033')" "$T/err" 2>/dev/null; then echo "FAIL check printed a raw escape"; fails=$((fails + 1)); else echo "ok   check error has no raw escape"; fi
check "check: key file that is not a key" 2 "^sshwhy: .*no public key" -- "$SSHWHY" check --user root --key "$T/binary.log"

# A database locked by another writer: a clear error, nothing half-written.
python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(12)
' "$DB" "$T/locked" &
lockpid=$!
while [ ! -e "$T/locked" ]; do sleep 0.05; done
check "ingest: database locked" 1 "^sshwhy: .*(locked|busy)" -- "$SSHWHY" --db "$DB" ingest "$CORPUS/05-invalid-user/info/auth.log"
kill $lockpid 2>/dev/null; wait $lockpid 2>/dev/null
n=$((n + 1)); if [ "$(count "$DB")" = "$base" ]; then echo "ok   locked database unchanged"; else echo "FAIL locked database changed"; fails=$((fails + 1)); fi

echo "$((n - fails))/$n checks passed"
[ "$fails" = 0 ]
