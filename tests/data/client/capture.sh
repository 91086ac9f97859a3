#!/bin/sh
# Capture the real client fixtures of tests/data/client/ (the *-real.txt
# files): a throwaway user and an sshd of this machine on a high loopback
# port (127.0.0.1 and ::1 only) with a temporary configuration, then
# OpenSSH's ssh and PuTTY's plink (Debian package putty-tools) and paramiko
# (python3-paramiko) against it. Needs root (useradd, sshd). Run from the
# repository root:   sh tests/data/client/capture.sh
# Nothing leaves loopback. The user and the temporary files are removed.
set -eu
OUT=tests/data/client
PORT=${PORT:-22722}
U=sshwhy-cp
PW='Correct-Horse-7'
T=$(mktemp -d /tmp/sshwhy-cp-XXXXXX)
SSHD_PID=
cleanup() {
	[ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null || true
	userdel -r "$U" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

id "$U" >/dev/null 2>&1 || useradd -m -s /bin/sh "$U"
echo "$U:$PW" | chpasswd
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -C sshwhy-cp-host -f "$T/hk_ed25519"
ssh-keygen -q -t ed25519 -N '' -C partner@laptop -f "$T/id_ed25519"
ssh-keygen -q -t rsa -b 2048 -N '' -C partner@laptop -f "$T/id_rsa"
puttygen "$T/id_ed25519" -O private -o "$T/ed25519.ppk"
puttygen "$T/id_rsa" -O private -o "$T/rsa.ppk"
mkdir -p "$T/keys"
cp "$T/id_ed25519.pub" "$T/keys/$U"            # the RSA key is not authorised
chmod 755 "$T" "$T/keys"; chmod 644 "$T/keys/$U"
cat > "$T/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
ListenAddress ::1
HostKey $T/hk_ed25519
PidFile $T/sshd.pid
AuthorizedKeysFile $T/keys/%u
StrictModes no
UsePAM yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
LogLevel VERBOSE
AllowUsers $U
CONF
/usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
SSHD_PID=$!
i=0; until grep -q "Server listening" "$T/sshd.log"; do i=$((i+1)); [ $i -gt 50 ] && exit 1; sleep 0.1; done
HKFP=$(ssh-keygen -l -E sha256 -f "$T/hk_ed25519.pub" | cut -d' ' -f2)
printf '#!/bin/sh\necho %s\n' "$PW" > "$T/askpass"; chmod 755 "$T/askpass"
printf '#!/bin/sh\necho wrong-password\n' > "$T/badpass"; chmod 755 "$T/badpass"
KH="-o UserKnownHostsFile=$T/known_hosts -o StrictHostKeyChecking=accept-new -o IdentitiesOnly=yes"

# cap FILE PROMPT-LINE CMD...: the paste a partner makes: the command line
# they typed (as their shell shows it), then what it printed (stderr+stdout).
cap() {
	f=$1; shift; show=$1; shift
	{ printf '%s\n' "$show"; setsid "$@" </dev/null 2>&1 || true; } |
		sed -e "s#$T/#/home/partner/.ssh/#g" -e "s#$T#/home/partner/.ssh#g" -e "s#/root/#/home/partner/#g" > "$OUT/$f"
}

SSH_ASKPASS=$T/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
cap openssh92-rsa-refused-password-ok-real.txt \
	"partner@laptop:~\$ ssh -vvv -p $PORT -i ~/.ssh/id_rsa $U@127.0.0.1 true" \
	ssh -vvv $KH -p "$PORT" -i "$T/id_rsa" "$U@127.0.0.1" true
cap openssh92-ed25519-ok-ipv6-real.txt \
	"\$ ssh -v -p $PORT -i ~/.ssh/id_ed25519 $U@::1 true" \
	ssh -v $KH -p "$PORT" -i "$T/id_ed25519" "$U@::1" true
SSH_ASKPASS=$T/badpass SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
cap openssh92-password-denied-real.txt \
	"\$ ssh -v -o PreferredAuthentications=password -o NumberOfPasswordPrompts=2 -p $PORT $U@localhost" \
	ssh -v $KH -o PreferredAuthentications=password -o NumberOfPasswordPrompts=2 -p "$PORT" "$U@localhost" true
cap plink078-rsa-refused-password-ok-real.txt \
	"C:\\Users\\partner> plink -v -P $PORT -i rsa.ppk -pw ******** $U@127.0.0.1 true" \
	plink -v -batch -hostkey "$HKFP" -P "$PORT" -i "$T/rsa.ppk" -pw "$PW" "$U@127.0.0.1" true
cap plink078-ed25519-ok-real.txt \
	"C:\\Users\\partner> plink -v -P $PORT -i ed25519.ppk $U@127.0.0.1 true" \
	plink -v -batch -hostkey "$HKFP" -P "$PORT" -i "$T/ed25519.ppk" "$U@127.0.0.1" true
cap plink078-key-refused-batch-real.txt \
	"C:\\Users\\partner> plink -v -batch -P $PORT -i rsa.ppk $U@127.0.0.1" \
	plink -v -batch -hostkey "$HKFP" -P "$PORT" -i "$T/rsa.ppk" "$U@127.0.0.1" true
PY3=/usr/bin/python3
if $PY3 -c 'import paramiko' 2>/dev/null; then
	cat > "$T/deploy.py" <<'PY'
import logging, sys, paramiko
logging.basicConfig(level=logging.DEBUG, stream=sys.stdout,
                    format="%(levelname)s:%(name)s:%(message)s")
c = paramiko.SSHClient()
c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
c.connect("127.0.0.1", port=int(sys.argv[1]), username=sys.argv[2], password=sys.argv[3],
          pkey=paramiko.RSAKey.from_private_key_file(sys.argv[4]),
          look_for_keys=False, allow_agent=False)
c.exec_command("true")
c.close()
PY
	cap paramiko212-rsa-refused-password-ok-real.txt "\$ python3 deploy.py" \
		$PY3 "$T/deploy.py" "$PORT" "$U" "$PW" "$T/id_rsa"
fi
