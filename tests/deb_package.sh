#!/bin/sh
# The Debian package (issue 13): `dpkg-buildpackage -us -uc -b` on a copy of
# the source gives a .deb whose file list is the binary, the man page, bash
# and zsh completion, the unit and the docs; lintian reports no error or
# warning (debian/sshwhy.lintian-overrides explains what is overridden); and,
# as root, it installs (dpkg -i inside private overlays of /usr, /etc and
# /var, so the machine is untouched): /var/lib/sshwhy 0700, the service not
# enabled, the binary runs, the man page is found; purge removes
# /var/lib/sshwhy. Exit 77 (skip) without dpkg-buildpackage and debhelper.
#   usage: deb_package.sh SOURCE_ROOT
set -u
SRC=$1
for p in dpkg-buildpackage dh dpkg-deb; do
	command -v $p >/dev/null || { echo "SKIP: no $p (apt-get install dpkg-dev debhelper)"; exit 77; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 n=0
result() {  # result OK NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok   $2"; else echo "FAIL $2${3:+: $3}"; fails=$((fails + 1)); fi
}

# A copy: dpkg-buildpackage writes into the tree and its parent directory.
mkdir "$T/src"
if git -C "$SRC" rev-parse >/dev/null 2>&1; then
	(cd "$SRC" && git ls-files -co --exclude-standard | grep -v '^build' | tar -cf - -T -) | tar -xf - -C "$T/src"
else
	(cd "$SRC" && tar -cf - --exclude='./build*' .) | tar -xf - -C "$T/src"
fi
(cd "$T/src" && nice dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
result $? "dpkg-buildpackage -us -uc -b" "$(tail -15 "$T/build.log")"
deb=$(ls "$T"/sshwhy_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "FAIL no .deb"; exit 1; }

dpkg-deb --fsys-tarfile "$deb" | tar -tvf - | awk '$1 !~ /^d/ { print $1, $6 }' | sort -k2 >"$T/files"
cat >"$T/want" <<'LIST'
-rw-r--r-- ./lib/systemd/system/sshwhy-follow.service
-rwxr-xr-x ./usr/bin/sshwhy
-rw-r--r-- ./usr/share/bash-completion/completions/sshwhy
-rw-r--r-- ./usr/share/doc/sshwhy/README.md.gz
-rw-r--r-- ./usr/share/doc/sshwhy/changelog.gz
-rw-r--r-- ./usr/share/doc/sshwhy/copyright
-rw-r--r-- ./usr/share/doc/sshwhy/promises.md.gz
-rw-r--r-- ./usr/share/doc/sshwhy/stats.schema.json.gz
-rw-r--r-- ./usr/share/locale/ja/LC_MESSAGES/sshwhy.mo
-rw-r--r-- ./usr/share/man/man1/sshwhy.1.gz
-rw-r--r-- ./usr/share/zsh/vendor-completions/_sshwhy
-rw-r--r-- ./usr/share/lintian/overrides/sshwhy
LIST
sort -k2 "$T/want" -o "$T/want"
diff "$T/want" "$T/files" >"$T/diff"
result $? "the .deb's file list" "$(cat "$T/diff")"
dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./lib/systemd/system/sshwhy-follow.service >"$T/unit"
grep -q '^ExecStart=/usr/bin/sshwhy ' "$T/unit"; result $? "unit runs /usr/bin/sshwhy"
grep -q '^Documentation=man:sshwhy(1) file:///usr/share/doc/sshwhy/README.md$' "$T/unit"
result $? "unit Documentation= names the man page and the installed README"
dpkg-deb -e "$deb" "$T/ctl"
grep -q 'install -d -m 0700' "$T/ctl/postinst"; result $? "postinst makes /var/lib/sshwhy 0700"
! grep -q 'deb-systemd-invoke start' "$T/ctl/postinst"; result $? "postinst starts no service"

if command -v lintian >/dev/null; then
	lintian --pedantic "$T"/sshwhy_*.changes >"$T/lintian" 2>&1
	! grep -E '^[EW]: ' "$T/lintian"; result $? "lintian: no error, no warning" "$(head -5 "$T/lintian")"
else
	echo "skip lintian: not installed"
fi

# Install for real, in private overlays: the machine's /usr, /etc and /var stay as they are.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	cat >"$T/inst.sh" <<'INNER'
set -u
T=$1 deb=$2
mount --make-rprivate / || exit 1
for d in usr etc var; do
	mkdir -p "$T/ov/$d/u" "$T/ov/$d/w"
	mount -t overlay overlay -o "lowerdir=/$d,upperdir=$T/ov/$d/u,workdir=$T/ov/$d/w" "/$d" || exit 1
done
rm -rf /var/lib/sshwhy /var/lib/private/sshwhy
umask 022
dpkg -i "$deb" >"$T/dpkg.log" 2>&1 || { echo "dpkg -i failed"; cat "$T/dpkg.log"; exit 1; }
echo "mode $(stat -c '%a %U:%G' /var/lib/sshwhy)"
echo "version $(/usr/bin/sshwhy --version)"
echo "man $(man -w sshwhy 2>&1)"
echo "wants $(ls /etc/systemd/system/*.wants/ 2>/dev/null | grep -c sshwhy)"
dpkg --purge sshwhy >>"$T/dpkg.log" 2>&1 || { echo "purge failed"; exit 1; }
echo "after-purge $(ls -d /var/lib/sshwhy 2>/dev/null || echo gone) $(ls /usr/bin/sshwhy 2>/dev/null || echo gone)"
INNER
	unshare -m sh "$T/inst.sh" "$T" "$deb" >"$T/inst" 2>&1
	result $? "dpkg -i / --purge in private overlays" "$(cat "$T/inst")"
	grep -qx 'mode 700 root:root' "$T/inst"; result $? "installed: /var/lib/sshwhy 0700 root" "$(grep mode "$T/inst")"
	grep -qx 'version sshwhy .*' "$T/inst"; result $? "installed: the binary runs"
	grep -qx 'man /usr/share/man/man1/sshwhy.1.gz' "$T/inst"; result $? "installed: man sshwhy finds the page"
	grep -qx 'wants 0' "$T/inst"; result $? "installed: the service is not enabled"
	grep -qx 'after-purge gone gone' "$T/inst"; result $? "purge: /var/lib/sshwhy and the binary gone"
else
	echo "skip dpkg -i: needs root and unshare"
fi

echo "$((n - fails))/$n checks passed"
[ "$fails" = 0 ]
