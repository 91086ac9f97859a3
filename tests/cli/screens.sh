#!/bin/bash
# Colour, time zones and the pager of attempts/show/follow (issue 13):
# --color=auto|always|never (global or after the command) beside NO_COLOR,
# local times with their offset and --utc, $PAGER (default less -FRSX) only on
# a terminal, --no-pager. A terminal is a pty from script(1).
set -u
SSHWHY=${1:-${SSHWHY:-build/sshwhy}}
CORPUS=${CORPUS_DIR:-tests/corpus}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
n=0
ESC=$(printf '\033')

ok() { n=$((n + 1)); echo "ok   $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "FAIL $1"; }
expect() {  # expect NAME COMMAND...: ok when the command succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}
has_esc() { grep -q "$ESC" "$1"; }
no_esc() { ! grep -q "$ESC" "$1"; }
# on_tty OUT COMMAND...: run with stdout on a pty (script(1)), output in OUT
on_tty() {
	local out=$1 cmd
	shift
	cmd=$(printf '%q ' "$@")
	script -qec "$cmd" /dev/null </dev/null >"$out" 2>&1
}

DB=$T/a.db
TZ=UTC "$SSHWHY" --db "$DB" ingest -q "$CORPUS/05-invalid-user/verbose/auth.log" "$CORPUS/01a-success-ed25519/verbose/auth.log"

# Colour
"$SSHWHY" --db "$DB" attempts >"$T/o"
expect "color auto, piped: none" no_esc "$T/o"
"$SSHWHY" --db "$DB" attempts --color=always >"$T/o"
expect "attempts --color=always, piped: colour" has_esc "$T/o"
"$SSHWHY" --db "$DB" --color always show 1 >"$T/o"
expect "global --color always (show): colour" has_esc "$T/o"
NO_COLOR=1 "$SSHWHY" --db "$DB" attempts --color=always >"$T/o"
expect "--color=always wins over NO_COLOR" has_esc "$T/o"
on_tty "$T/o" env PAGER=cat "$SSHWHY" --db "$DB" attempts
expect "color auto on a terminal: colour" has_esc "$T/o"
on_tty "$T/o" env PAGER=cat NO_COLOR=1 "$SSHWHY" --db "$DB" attempts
expect "NO_COLOR on a terminal: none" no_esc "$T/o"
on_tty "$T/o" env PAGER=cat "$SSHWHY" --db "$DB" --color=never show 1
expect "--color=never on a terminal: none" no_esc "$T/o"
for cmd in "--color=bogus attempts" "attempts --color=bogus" "show --color=sometimes 1"; do
	# shellcheck disable=SC2086
	"$SSHWHY" --db "$DB" $cmd >/dev/null 2>"$T/e"
	rc=$?
	expect "usage: $cmd: exit 2, one line ($rc)" test "$rc" = 2 -a "$(wc -l <"$T/e")" = 1
	expect "usage: $cmd: says the choices" grep -q "invalid --color '.*' (auto, always, never)" "$T/e"
done

# Times: local with the offset, --utc
TZ=Europe/Berlin "$SSHWHY" --db "$DB" attempts >"$T/o"
expect "attempts: the local offset in the header" grep -q "TIME (+01:00)" "$T/o"
expect "attempts: local times" grep -q " 03:24:" "$T/o"
TZ=Europe/Berlin "$SSHWHY" --db "$DB" attempts --utc >"$T/o"
expect "attempts --utc: UTC header and times" grep -q "TIME (UTC)" "$T/o"
expect "attempts --utc: UTC times" grep -q " 02:24:" "$T/o"
TZ=Europe/Berlin "$SSHWHY" --db "$DB" show 1 >"$T/o"
expect "show: local time with offset" grep -Eq "^time: +2026-11-22T03:24:[0-9.]+\+01:00" "$T/o"
TZ=Europe/Berlin "$SSHWHY" --db "$DB" show --utc 1 >"$T/o"
expect "show --utc: +00:00" grep -Eq "^time: +2026-11-22T02:24:[0-9.]+\+00:00" "$T/o"
TZ=Europe/Berlin timeout -s TERM 3 "$SSHWHY" --db "$T/f.db" follow -n all --file "$CORPUS/05-invalid-user/verbose/auth.log" >"$T/o" 2>/dev/null
expect "follow: local time with offset" grep -Eq "^2026-11-22 03:2[0-9]:[0-9]{2}\+01:00 " "$T/o"
TZ=Europe/Berlin timeout -s TERM 3 "$SSHWHY" --db "$T/g.db" follow --utc -n all --file "$CORPUS/05-invalid-user/verbose/auth.log" >"$T/o" 2>/dev/null
expect "follow --utc" grep -Eq "^2026-11-22 02:2[0-9]:[0-9]{2}\+00:00 " "$T/o"

# 80 columns: show wraps its texts (the evidence lines stay as logged), follow
# its verdicts.
DB2=$T/w.db
TZ=UTC "$SSHWHY" --db "$DB2" ingest -q "$CORPUS/02-key-not-in-authorized-keys/info/auth.log"
COLUMNS=80 "$SSHWHY" --db "$DB2" show 1 | sed '/^evidence/,$d' >"$T/o"
w=$(awk '{ if (length > m) m = length } END { print m + 0 }' "$T/o")
expect "show at COLUMNS=80 fits ($w)" test "$w" -le 80
expect "show at COLUMNS=80: the explanation continues under its column" grep -q "^              [a-z]" "$T/o"
COLUMNS=80 timeout -s TERM 3 "$SSHWHY" --db "$T/w2.db" follow -n all --file "$CORPUS/02-key-not-in-authorized-keys/verbose/auth.log" >"$T/o" 2>/dev/null
w=$(awk '{ if (length > m) m = length } END { print m + 0 }' "$T/o")
expect "follow at COLUMNS=80 fits ($w)" test "$w" -le 80 -a -s "$T/o"

# The pager: on a terminal only, $PAGER, --no-pager, PAGER=cat/empty
on_tty "$T/o" env PAGER="sed s/^/PAGED:/" "$SSHWHY" --db "$DB" attempts
expect "attempts on a terminal: through \$PAGER" grep -q "^PAGED:.*ID.*TIME" "$T/o"
on_tty "$T/o" env PAGER="sed s/^/PAGED:/" "$SSHWHY" --db "$DB" attempts --no-pager
expect "attempts --no-pager: not paged" eval '! grep -q PAGED: "$T/o" && grep -q "ID.*TIME" "$T/o"'
on_tty "$T/o" env PAGER="sed s/^/PAGED:/" "$SSHWHY" --db "$DB" show 1
expect "show on a terminal: through \$PAGER" grep -q "^PAGED:.*attempt 1" "$T/o"
on_tty "$T/o" env PAGER= "$SSHWHY" --db "$DB" show 1
expect "show with PAGER='': not paged" eval 'grep -q "attempt 1" "$T/o" && ! grep -q PAGED "$T/o"'
PAGER="sed s/^/PAGED:/" "$SSHWHY" --db "$DB" attempts >"$T/o"
expect "attempts piped: never paged" eval '! grep -q PAGED: "$T/o"'
on_tty "$T/o" env PAGER="false" "$SSHWHY" --db "$DB" attempts
expect "a pager that quits at once: exit 0 ($?)" test $? = 0

echo "$((n - fails))/$n checks passed"
[ "$fails" = 0 ]
