#!/bin/sh
# Regenerate data/sshd/<case>.expect from <case>.log with the parser under test.
# Usage: tests/data/sshd/regen.sh [BUILD_DIR]   (default: build-parse)
# Review the diff before committing: the golden test compares against these.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build-parse}
exe="$build/tests/test-sshd-parse"
[ -x "$exe" ] || { echo "regen.sh: '$exe' not built" >&2; exit 1; }
for log in "$here"/*.log; do
	case "$(basename "$log")" in gen-*) continue ;; esac
	SSHD_PARSE_DUMP="$log" SSHD_PARSE_DUMP_OUT="${log%.log}.expect" CK_RUN_CASE=dump CK_VERBOSITY=silent "$exe"
done
