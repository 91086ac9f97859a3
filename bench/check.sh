#!/bin/sh
# check on authorized_keys files of 10, 1000 and 10000 keys (plus broken lines),
# against `sshd -T` alone (the floor: check runs it once). Needs root (sshd -T
# reads the host keys) and hyperfine.   usage: bench/check.sh [SSHWHY]
set -eu
cd "$(dirname "$0")/.."
sshwhy=$(realpath "${1:-build/sshwhy}")
[ "$(id -u)" = 0 ] || { echo "bench/check.sh: needs root (sshd -T)" >&2; exit 77; }
command -v hyperfine >/dev/null || { echo "bench/check.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 77; }
dir=$(mktemp -d /tmp/sshwhy-bench-check.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
for n in 10 1000 10000; do
	python3 - "$dir/keys-$n" "$n" <<'EOF'
import base64, os, struct, sys
path, n = sys.argv[1], int(sys.argv[2])
def s(b): return struct.pack(">I", len(b)) + b
with open(path, "w") as f:
    for i in range(n):
        blob = base64.b64encode(s(b"ssh-ed25519") + s(os.urandom(32))).decode()
        if i % 100 == 99:
            f.write("ssh-ed25519 %s\n" % blob[:40])            # truncated
        elif i % 100 == 98:
            f.write('from="10.0.0.0/8",no-pty ssh-ed25519 %s k%d\n' % (blob, i))
        else:
            f.write("ssh-ed25519 %s k%d\n" % (blob, i))
EOF
	printf 'AuthorizedKeysFile %s/keys-%s\nPermitRootLogin prohibit-password\n' "$dir" "$n" >"$dir/sshd_config-$n"
	grep -i '^HostKey' /etc/ssh/sshd_config >>"$dir/sshd_config-$n" || true
done
fp=SHA256:4dPGF1yXMEp70guF7f7TpCtl7tWgrWEBLozb+eMQtds       # in none of the files: every line is compared
hyperfine -N --warmup 2 --runs 20 -i \
	"/usr/sbin/sshd -T -f $dir/sshd_config-10 -C user=root,host=127.0.0.1,addr=127.0.0.1" \
	"$sshwhy check --user root --config $dir/sshd_config-10 --fingerprint $fp --from 127.0.0.1" \
	"$sshwhy check --user root --config $dir/sshd_config-1000 --fingerprint $fp --from 127.0.0.1" \
	"$sshwhy check --user root --config $dir/sshd_config-10000 --fingerprint $fp --from 127.0.0.1"
