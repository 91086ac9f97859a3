#!/bin/bash
# A fleet's logs (issue 15): HOSTS hosts with ENTRIES generator lines each (300
# x 1,000 = 300k by default), against one host with as many lines, in one run:
#   - a journal-remote style directory, one remote-HOST.journal per host (made
#     by systemd-journal-remote -o from each host's export stream, as a
#     collector's --split-mode=host writes them): `sshwhy ingest --journal
#     --directory`, next to `journalctl --directory -o cat`, next to sshwhy on
#     the one host's journal file;
#   - the same hosts' lines in one syslog file host after host (time goes back
#     HOSTS times, as `cat */auth.log | sshwhy ingest -`), next to sshwhy on the
#     one host's syslog file, and on the same lines merged in time order (the
#     same work without time going back: more connections are left open at
#     the end of 1,000 short logs than of one long one).
# Each run alternates the commands; prints the median wall and user+sys CPU
# seconds, and the ratios (fleet / one host) of the same run's CPU seconds.
# usage: bench/fleet.sh [HOSTS (default 1000)] [RUNS (default 5)] [ENTRIES (default 300)]
#        bench/fleet.sh 10000 1     # the 10,000-host directory (3M lines; makes
#                                   # 10,000 journal files: ~10 min, 17 GB)
# env:   FLEET_DIR=dir  keep the made files there and reuse them on the next run
#        SSHWHY=path    the binary (default: build-release/sshwhy, built if missing)
#        JOURNALCTL=0|1 time journalctl too (default: up to 2,000 hosts; its merge
#                       of every file grows with files x entries)
set -eu
cd "$(dirname "$0")/.."
HOSTS=${1:-1000}
RUNS=${2:-5}
PER=${3:-300}
N=$((HOSTS * PER))
. bench/journal-common.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=${FLEET_DIR:-$T/data}/$HOSTS-$PER
mkdir -p "$D"

# The inputs, made once: per host an export stream (seed = host number, so
# every host has its own machine and boot id) and a syslog text.
if [ ! -e "$D/done" ]; then
	rm -rf "$D/fleet" "$D/one" "$D/x"
	mkdir -p "$D/fleet" "$D/one" "$D/x"
	echo "making $HOSTS hosts x $PER lines, and one host x $N lines in $D ..."
	python3 - "$D" "$HOSTS" "$PER" <<-'EOF'
	import os, sys
	sys.path.insert(0, "tests/tools")
	import gen_authlog
	d, hosts, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
	with open(os.path.join(d, "concat.log"), "w") as cat:
	    for i in range(hosts):
	        h = "h%05d" % i
	        gen_authlog.main(["-n", str(per), "--seed", str(i + 2), "--host", h,
	                          "--format", "export", "-o", os.path.join(d, "x", h + ".export")])
	        t = os.path.join(d, "x", h + ".log")
	        gen_authlog.main(["-n", str(per), "--seed", str(i + 2), "--host", h,
	                          "--format", "rfc3339", "-o", t])
	        cat.write(open(t).read())
	        os.unlink(t)
	n = str(hosts * per)
	gen_authlog.main(["-n", n, "--seed", "1", "--host", "one", "--format", "rfc3339",
	                  "-o", os.path.join(d, "one.log")])
	gen_authlog.main(["-n", n, "--seed", "1", "--host", "one", "--format", "export",
	                  "-o", os.path.join(d, "x", "one.export")])
	EOF
	for f in "$D"/x/h*.export; do
		h=$(basename "$f" .export)
		"$REMOTE" -o "$D/fleet/remote-$h.journal" "$f" 2>/dev/null
		# journal files are allocated 8 MiB at a time: give the zeros back
		fallocate -d "$D/fleet/remote-$h.journal" 2>/dev/null || true
		rm -f "$f"
	done
	"$REMOTE" -o "$D/one/remote-one.journal" "$D/x/one.export" 2>/dev/null
	rm -rf "$D/x"
	touch "$D/done"
fi
# the same lines in time order (a stable sort on the RFC 3339 stamp)
[ -e "$D/merged.log" ] || sort -s -k1,1 "$D/concat.log" >"$D/merged.log"
echo "fleet directory: $(find "$D/fleet" -name '*.journal*' | wc -l) files, $(du -sh "$D/fleet" | cut -f1)"

# once NAME CMD...: run it; append its wall seconds to NAME.s, user+sys to NAME.cpu
once() {
	local name=$1
	shift
	rm -f "$T"/b.db*
	/usr/bin/time -f "%e %U %S %M" -o "$T/time" "$@" >/dev/null 2>"$T/err" || { cat "$T/err"; exit 1; }
	awk '{ print $1 }' "$T/time" >>"$T/$name.s"
	awk '{ print $2 + $3 }' "$T/time" >>"$T/$name.cpu"
	awk '{ print $4 }' "$T/time" >>"$T/$name.rss"
}
# ratio A B OUT: A / B of this run's CPU seconds, appended to OUT
ratio() { paste "$T/$1.cpu" "$T/$2.cpu" | tail -1 | awk '{ printf "%.3f\n", $1 / ($2 + 0.0001) }' >>"$T/$3"; }
report() {
	printf '%-48s wall %7.3f s  cpu %7.3f s  peak RSS %6.1f MiB\n' "$1" "$(median "$T/$2.s")" \
		"$(median "$T/$2.cpu")" "$(echo "$(sort -n "$T/$2.rss" | tail -1) / 1024" | bc -l)"
}

JOURNALCTL=${JOURNALCTL:-$([ "$HOSTS" -le 2000 ] && echo 1 || echo 0)}
echo "$HOSTS hosts x $PER lines = $N; $RUNS runs each, alternating, median; $(nproc) CPUs"
for _ in $(seq "$RUNS"); do
	once jdir "$SSHWHY" --db "$T/b.db" ingest --quiet --no-progress --journal --directory "$D/fleet"
	once jone "$SSHWHY" --db "$T/b.db" ingest --quiet --no-progress --journal --directory "$D/one"
	[ "$JOURNALCTL" = 0 ] || once jctl journalctl --directory="$D/fleet" -o cat
	once cat "$SSHWHY" --db "$T/b.db" ingest --quiet --no-progress "$D/concat.log"
	once one "$SSHWHY" --db "$T/b.db" ingest --quiet --no-progress "$D/one.log"
	once merged "$SSHWHY" --db "$T/b.db" ingest --quiet --no-progress "$D/merged.log"
	ratio jdir jone jratio
	ratio cat one cratio
	ratio cat merged mratio
done
report "sshwhy ingest --journal --directory (fleet)" jdir
report "sshwhy ingest --journal (one host's journal)" jone
[ "$JOURNALCTL" = 0 ] || report "journalctl --directory -o cat (fleet)" jctl
report "sshwhy ingest concatenated syslog (fleet)" cat
report "sshwhy ingest syslog (one host)" one
report "sshwhy ingest the fleet's syslog merged in time" merged
echo "fleet journal directory / one host's journal, CPU, run by run: median $(median "$T/jratio")" \
	"(min $(sort -n "$T/jratio" | head -1), max $(sort -n "$T/jratio" | tail -1)); target <= 2"
echo "concatenated fleet syslog / one host's syslog, CPU, run by run: median $(median "$T/cratio")" \
	"(min $(sort -n "$T/cratio" | head -1), max $(sort -n "$T/cratio" | tail -1)); target <= 1.5"
echo "concatenated fleet syslog / the same merged in time, CPU, run by run: median $(median "$T/mratio")" \
	"(min $(sort -n "$T/mratio" | head -1), max $(sort -n "$T/mratio" | tail -1))"
