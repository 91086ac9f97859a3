#!/bin/bash
# `meson install` under a DESTDIR (issue 13 item 3): the binary, the man page,
# bash and zsh completion, the systemd unit (not enabled; ExecStart= and
# Documentation= point at what is installed) and the docs. The man page
# renders without warnings and has a section for every command and every
# option the binary's help lists; the completion parses (bash -n, zsh -n),
# and completing offers exactly the binary's commands, each command's
# options and every cause code.
#   usage: install_tree.sh SOURCE_ROOT BUILD_DIR
set -u
SRC=$1 BUILD=$2
SSHWHY=$BUILD/sshwhy
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 n=0
result() {  # result OK NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok   $2"; else echo "FAIL $2${3:+: $3}"; fails=$((fails + 1)); fi
}

options_of() {  # the options in a help screen: at a line's start or after ", "
	grep -oE '(^ {2,}|, )(-[a-z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*'
}

D=$T/dest
meson install -C "$BUILD" --destdir "$D" --no-rebuild --quiet >"$T/install.log" 2>&1
result $? "meson install --destdir" "$(tail -5 "$T/install.log")"
prefix=$(meson introspect "$BUILD" --buildoptions | python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')

bin=$(find "$D" -path '*/bin/sshwhy' -type f)
man=$(find "$D" -path '*/man1/sshwhy.1' -type f)
bashc=$(find "$D" -path '*/bash-completion/completions/sshwhy' -type f)
zshc=$(find "$D" -path '*/zsh/vendor-completions/_sshwhy' -type f)
unit=$(find "$D" -path '*/systemd/system/sshwhy-follow.service' -type f)
readme=$(find "$D" -path '*/doc/sshwhy/README.md' -type f)
for f in bin man bashc zshc unit readme; do
	[ -n "${!f}" ]; result $? "installed: $f ${!f#"$D"}"
done
[ "$bin" = "$D$prefix/bin/sshwhy" ] && [ -x "$bin" ]; result $? "binary in PREFIX/bin, executable"
[ -z "$(find "$D" -path '*.wants/*')" ]; result $? "the unit is not enabled (no .wants link)"

# The unit points at installed things.
exec_path=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ -n "$exec_path" ] && [ -x "$D$exec_path" ]; result $? "unit ExecStart= is the installed binary" "$exec_path"
docs=$(sed -n 's/^Documentation=//p' "$unit")
[ -n "$docs" ]; result $? "unit has Documentation="
for d in $docs; do
	case $d in
	man:sshwhy\(1\)) [ -n "$man" ]; result $? "Documentation= $d installed" ;;
	file://*) [ -f "$D${d#file://}" ]; result $? "Documentation= $d installed" ;;
	*) result 1 "Documentation= $d is something installed" ;;
	esac
done
grep -q '^WantedBy=multi-user.target' "$unit"; result $? "unit can be enabled (WantedBy=)"

# Man page: renders without a warning, a section per command, every option.
if command -v man >/dev/null; then
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man" >"$T/man.txt" 2>"$T/man.err"
	[ $? = 0 ] && [ ! -s "$T/man.err" ]; result $? "man --warnings -l: no warning" "$(head -5 "$T/man.err")"
else
	echo "skip man rendering: no man"
fi
cmds=$("$SSHWHY" help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\)  .*/\1/p')
[ -n "$cmds" ]; result $? "the binary lists its commands"
scd=$SRC/doc/sshwhy.1.scd
for c in $cmds; do
	grep -qx "## $c" "$scd"; result $? "man: a section for '$c'"
	opts=$("$SSHWHY" help "$c" | options_of)
	section=$(awk -v h="## $c" '$0 == h { on = 1; next } /^#/ { on = 0 } on' "$scd")
	for o in $opts; do
		[ "$o" != --help ] || continue   # "Every command also takes --help"
		printf '%s\n' "$section" | grep -qF -- "*$o*"; result $? "man: '$c $o' documented"
	done
done
mansections=$(sed -n 's/^## \([a-z-]*\)$/\1/p' "$scd" | sort | tr '\n' ' ')
[ "$mansections" = "$(printf '%s\n' $cmds | sort | tr '\n' ' ')" ]
result $? "man: no section for a command the binary lacks" "$mansections"

# Completion: parses, and offers what the binary has.
bash -n "$bashc"; result $? "bash -n completion"
if command -v zsh >/dev/null; then
	zsh -n "$zshc"; result $? "zsh -n completion"
	zsh_cmds=$(sed -n "/commands=(/,/^\t)/s/^\t\t'\([a-z-]*\):.*/\1/p" "$zshc" | tr '\n' ' ')
	[ "$zsh_cmds" = "$(printf '%s ' $cmds)" ]; result $? "zsh: commands = the binary's" "$zsh_cmds"
else
	echo "skip zsh -n: no zsh"
fi
complete_words() {  # complete_words WORD... (the last is the one completed)
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sshwhy
		 printf "%s\n" "${COMPREPLY[@]}"' _ "$bashc" "$@" | sort | tr '\n' ' '
}
got=$(complete_words sshwhy "")
[ "$got" = "$(printf '%s\n' $cmds | sort | tr '\n' ' ')" ]; result $? "bash: commands = the binary's" "$got"
got=$(complete_words sshwhy --db x.db "")
[ "$got" = "$(printf '%s\n' $cmds | sort | tr '\n' ' ')" ]; result $? "bash: commands after --db FILE" "$got"
for c in $cmds; do
	want=$( ("$SSHWHY" help "$c" | options_of; echo --help) | sort -u | tr '\n' ' ')
	got=$(complete_words sshwhy "$c" --)
	[ "$got" = "$want" ]; result $? "bash: '$c --' = the binary's options" "got '$got' want '$want'"
done
causes=$(sed -n 's/^\tX([A-Z_0-9]*, *"\([a-z0-9-]*\)", *[01]).*/\1/p' "$SRC/include/cause.h" | sort | tr '\n' ' ')
got=$(complete_words sshwhy attempts --cause "")
[ -n "$causes" ] && [ "$got" = "$causes" ]; result $? "bash: --cause offers every cause code"
got=$(complete_words sshwhy attempts --outcome f)
[ "$got" = "failed " ]; result $? "bash: --outcome f -> failed" "$got"
got=$(complete_words sshwhy help pr)
[ "$got" = "prune " ]; result $? "bash: help pr -> prune" "$got"

echo "$((n - fails))/$n checks passed"
[ "$fails" = 0 ]
