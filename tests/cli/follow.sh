#!/bin/bash
# follow's first hour (issue 13 items 4-6): a first start reads its backlog
# silently and prints the last -n verdicts, the start line says from where it
# reads, a restart prints everything since its saved position, a missing file
# is waited for, --keep prunes, -v reports the lines it could not read; and
# ingest refuses an input with no sshd line in it. Real binary, real files.
set -u
SSHWHY=${1:-${SSHWHY:-build/sshwhy}}
GEN=${2:-${GEN_AUTHLOG:-tests/tools/gen_authlog.py}}
CORPUS=${CORPUS_DIR:-tests/corpus}
T=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
export TZ=UTC
fails=0
n=0

ok() { n=$((n + 1)); echo "ok   $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "FAIL $1"; }
expect() {  # expect NAME CONDITION...: ok when the command succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

# wait_for FILE REGEX [SECONDS]: until a line of FILE matches
wait_for() {
	local i
	for ((i = 0; i < ${3:-60} * 10; i++)); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# wait_lines FILE N: until FILE has N lines
wait_lines() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# start NAME ARGS...: follow in the background, stdout/stderr in $T/NAME.{out,err}
start() {
	local name=$1
	shift
	"$SSHWHY" "$@" >"$T/$name.out" 2>"$T/$name.err" &
	pid=$!
	pids+=("$pid")
}

# stop: SIGTERM, and follow exits 0 with everything committed
stop() {
	kill -TERM "$pid"
	wait "$pid"
	local rc=$?
	[ "$rc" = 0 ] || echo "  | follow exited $rc: $(tail -3 "$T/$name.err")"
	return "$rc"
}

closed() {  # attempts of DB $1 that are complete (printed by follow)
	"$SSHWHY" --db "$1" attempts --json --limit 0 | grep -c '"open":false'
}

python3 "$GEN" -n 20000 --seed 5 --format rfc3339 --start 2026-11-01T00:00:00+00:00 -o "$T/big.log"

# 1. First start: silent catch-up, the last 10 verdicts, then live.
name=first
start first --db "$T/a.db" follow --file "$T/big.log"
expect "first start: says it reads from the start" \
	wait_for "$T/first.err" "^sshwhy: follow: following '$T/big.log' from the start$"
expect "first start: says it caught up" \
	wait_for "$T/first.err" "^sshwhy: follow: caught up: [0-9]+ attempts stored, the last 10 shown$"
sleep 0.5
printf '2026-11-02T00:00:00.100000+00:00 web01 sshd[999001]: Invalid user zed from 10.9.9.9 port 4242\n2026-11-02T00:00:00.200000+00:00 web01 sshd[999001]: Connection closed by invalid user zed 10.9.9.9 port 4242 [preauth]\n' >>"$T/big.log"
expect "first start: a live verdict after the backlog" wait_for "$T/first.out" "10\.9\.9\.9:4242"
stop
stored=$(closed "$T/a.db")
lines=$(wc -l <"$T/first.out")
expect "first start: 10 backlog verdicts + 1 live printed, $stored stored" \
	test "$lines" = 11 -a "$stored" -gt 1000
said=$(sed -n 's/.*caught up: \([0-9]*\) attempts.*/\1/p' "$T/first.err")
expect "first start: the count said is the count stored ($said + 1 live = $stored)" \
	test "$((said + 1))" = "$stored"
expect "first start: the backlog verdicts printed are the newest" \
	grep -q "$(tail -1 "$T/big.log" | sed 's/.*port \([0-9]*\).*/\1/')" "$T/first.out"

# 2. A restart prints every verdict since its saved position, and says it.
cat >>"$T/big.log" <<'EOF'
2026-11-02T00:01:00.100000+00:00 web01 sshd[999002]: Invalid user ann from 10.9.9.10 port 4243
2026-11-02T00:01:00.200000+00:00 web01 sshd[999002]: Connection closed by invalid user ann 10.9.9.10 port 4243 [preauth]
2026-11-02T00:01:01.100000+00:00 web01 sshd[999003]: Invalid user bob from 10.9.9.11 port 4244
2026-11-02T00:01:01.200000+00:00 web01 sshd[999003]: Connection closed by invalid user bob 10.9.9.11 port 4244 [preauth]
EOF
name=restart
start restart --db "$T/a.db" follow --file "$T/big.log"
expect "restart: says the saved position" \
	wait_for "$T/restart.err" "^sshwhy: follow: following '$T/big.log' from byte [0-9]+ \(saved position\)$"
expect "restart: both verdicts since the position printed" wait_for "$T/restart.out" "10\.9\.9\.11:4244"
stop
expect "restart: nothing printed twice, nothing else" test "$(wc -l <"$T/restart.out")" = 2

# 3. -n N, -n all, --catch-up-output, --json, -n 0.
name=three
start three --db "$T/b.db" follow -n 3 --json --file "$T/big.log"
wait_for "$T/three.err" "caught up"
sleep 0.5
stop
expect "-n 3 --json: three JSON objects" \
	python3 -c 'import json,sys; l=open(sys.argv[1]).read().splitlines(); assert len(l) == 3, len(l); [json.loads(x) for x in l]' "$T/three.out"
expect "-n 3: oldest first, as journalctl" \
	python3 -c 'import json,sys; s=[json.loads(x)["start"] for x in open(sys.argv[1])]; assert s == sorted(s), s' "$T/three.out"
name=all
start all --db "$T/c.db" follow -n all --file "$T/big.log"
expect "-n all: says it reads from the start" wait_for "$T/all.err" "from the start"
expect "-n all: every verdict printed" wait_lines "$T/all.out" "$stored"
sleep 0.5
stop
expect "-n all: as many as stored ($(wc -l <"$T/all.out") = $(closed "$T/c.db"))" \
	test "$(wc -l <"$T/all.out")" = "$(closed "$T/c.db")"
expect "-n all: no caught-up note" eval '! grep -q "caught up" "$T/all.err"'
name=cu
start cu --db "$T/d.db" follow --catch-up-output --file "$T/big.log"
expect "--catch-up-output: every verdict printed" wait_lines "$T/cu.out" "$stored"
stop
name=zero
start zero --db "$T/e.db" follow -n 0 --file "$T/big.log"
expect "-n 0: says it caught up, shows none" wait_for "$T/zero.err" "the last 0 shown"
sleep 0.5
stop
expect "-n 0: nothing printed" test ! -s "$T/zero.out"

# 4. --no-catch-up and --since say where they begin.
name=end
start end --db "$T/f.db" follow --no-catch-up --file "$T/big.log"
expect "--no-catch-up: from the end" \
	wait_for "$T/end.err" "^sshwhy: follow: following '$T/big.log' from the end \(--no-catch-up\)$"
stop
name=since
start since --db "$T/g.db" follow --since 2026-11-02T00:00:00Z --file "$T/big.log"
expect "--since: from that time" \
	wait_for "$T/since.err" "^sshwhy: follow: following '$T/big.log' from 2026-11-02T00:00:00\+00:00 \(--since\)$"
expect "--since: every verdict since then" wait_lines "$T/since.out" 3
stop

# The journal: the matches and the cursor it resumes from.
JR=/lib/systemd/systemd-journal-remote
if [ -x "$JR" ]; then
	mkdir "$T/jd"
	"$JR" --output="$T/jd/x.journal" "$CORPUS/05-invalid-user/verbose/server.export" 2>/dev/null
	name=j1
	start j1 --db "$T/j.db" follow --directory "$T/jd"
	expect "journal: says the matches, from the start" wait_for "$T/j1.err" \
		"^sshwhy: follow: following the journal files in '$T/jd' \(ssh.service or sshd.service; sshd, sshd-session, sshd-auth\) from the start$"
	expect "journal: the verdict" wait_for "$T/j1.out" "invalid-user"
	stop
	name=j2
	start j2 --db "$T/j.db" follow --directory "$T/jd" --identifier sshd
	expect "journal: a restart says its cursor" wait_for "$T/j2.err" \
		"^sshwhy: follow: following the journal files in '$T/jd' \(sshd\) from cursor s=[0-9a-f]+;i=[0-9a-f]+;.* \(saved position\)$"
	stop
else
	echo "skip journal start line: no $JR"
fi

# 5. A missing file: said once, waited for, read when it appears.
name=missing
start missing --db "$T/h.db" follow --file "$T/later.log"
expect "missing file: said" wait_for "$T/missing.err" "^sshwhy: follow: '$T/later.log' does not exist \(yet\); waiting for it to appear$"
sleep 0.5
cp "$CORPUS/05-invalid-user/verbose/auth.log" "$T/later.log"
expect "missing file: read when it appears" wait_for "$T/missing.out" "invalid-user"
stop
expect "missing file: said once" test "$(grep -c 'does not exist' "$T/missing.err")" = 1

# 6. --keep: retention once the backlog is in; --keep is validated.
name=keep
start keep --db "$T/k.db" follow --keep 30d --file "$T/big.log"
expect "--keep: prunes what is past the retention period" \
	wait_for "$T/keep.err" "^sshwhy: follow: --keep: deleted [0-9]+ attempts and [0-9]+ unattached lines"
stop
expect "--keep: the old attempts are gone ($(closed "$T/k.db") left)" test "$(closed "$T/k.db")" = 0
name=keep2
start keep2 --db "$T/k.db" follow --keep 30d --file "$T/big.log"
wait_for "$T/keep2.err" "saved position"
sleep 0.5
stop
expect "--keep: not again the same day" eval '! grep -q "deleted" "$T/keep2.err"'

# 7. -v: the missed-lines report on stderr, the summary at exit.
{
	cat "$CORPUS/05-invalid-user/verbose/auth.log"
	printf '2026-11-22T02:30:00.000000+00:00 vm sshd[4242]: Frobnicated the widget\n'
	printf 'garbage without a header\n'
} >"$T/m.log"
name=verbose
start verbose --db "$T/m.db" follow -v --file "$T/m.log"
expect "-v: an unknown message with file and line" \
	wait_for "$T/verbose.err" "^$T/m.log:[0-9]+: unknown message: sshd\[4242\]: Frobnicated the widget$"
expect "-v: a malformed header" wait_for "$T/verbose.err" "^$T/m.log:[0-9]+: malformed header: garbage without a header$"
stop
expect "-v: the summary at exit" grep -q "^2 lines not read as sshd events: 1 unknown message, 1 malformed header" "$T/verbose.err"

# 8. Usage errors: one line, exit 2.
usage() {  # usage NAME REGEX ARGS...
	local name=$1 re=$2
	shift 2
	"$SSHWHY" "$@" >/dev/null 2>"$T/uerr"
	local rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <"$T/uerr")" = 1 ] && grep -Eq "$re" "$T/uerr"; then ok "$name"
	else fail "$name: exit $rc: $(cat "$T/uerr")"; fi
}
usage "usage: -n not a number" "^sshwhy: follow: invalid --lines 'x' \(a number up to 100000, or 'all'\); try 'sshwhy help follow'$" \
	--db "$T/u.db" follow -n x --file "$T/big.log"
usage "usage: --keep not a duration" "^sshwhy: follow: invalid --keep 'forever'" --db "$T/u.db" follow --keep forever
usage "usage: --color bogus" "^sshwhy: follow: invalid --color 'bogus' \(auto, always, never\)" --db "$T/u.db" follow --color bogus

# 9. ingest: an input with no sshd line in it is refused, exit 1.
ssh-keygen -q -t ed25519 -N '' -C test -f "$T/key" >/dev/null
"$SSHWHY" --db "$T/i.db" ingest "$T/key.pub" >/dev/null 2>"$T/ierr"
rc=$?
expect "ingest: a .pub file is refused, exit 1 ($rc)" test "$rc" = 1
expect "ingest: .pub says what was expected" \
	grep -q "^sshwhy: ingest: '$T/key.pub': no sshd line in its 1 line; expected sshd's syslog lines" "$T/ierr"
printf 'Dear admin,\nthis is not a log.\n' >"$T/letter.txt"
"$SSHWHY" --db "$T/i.db" ingest "$T/letter.txt" >"$T/iout" 2>"$T/ierr"
rc=$?
expect "ingest: a text file is refused, exit 1 ($rc)" test "$rc" = 1
expect "ingest: plural '2 lines'" grep -q "no sshd line in its 2 lines" "$T/ierr"
"$SSHWHY" --db "$T/i.db" ingest "$T/letter.txt" "$CORPUS/05-invalid-user/verbose/auth.log" >"$T/iout" 2>"$T/ierr"
rc=$?
expect "ingest: with a good input too, exit 1 and the good one stored" \
	test "$rc" = 1 -a "$("$SSHWHY" --db "$T/i.db" attempts --json | wc -l)" -gt 0

echo "$((n - fails))/$n checks passed"
[ "$fails" = 0 ]
