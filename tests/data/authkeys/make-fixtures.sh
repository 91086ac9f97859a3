#!/bin/bash
# Regenerates the authkeys / certificate fixtures of tests/test-authkeys.c.
# Real keys come from the corpus (../shared/corpus/_keys); the rest are
# throwaway keys made here with ssh-keygen (their private halves are test
# data, never used anywhere). The reference columns (fingerprints.tsv,
# certs.tsv) are ssh-keygen's own -l / -L output, so the unit tests compare
# sshwhy with OpenSSH, not with itself.
# Usage: tests/data/authkeys/make-fixtures.sh [CORPUS_KEYS_DIR]
set -euo pipefail
cd "$(dirname "$0")"
keys=${1:-../../../../shared/corpus/_keys}
export TZ=UTC

for f in alice_ed25519.pub alice_rsa2048.pub alice_ecdsa.pub alice_pem_rsa.pub heidi_ecdsa.pub user_ca.pub \
	 rogue_ca.pub alice-cert-valid-cert.pub alice-cert-expired-cert.pub alice-cert-wrongprincipal-cert.pub \
	 alice-cert-rogueca-cert.pub ssh_host_rsa_key.pub; do
	cp "$keys/$f" .
	chmod 644 "$f"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f throwaway_* ca_*
ssh-keygen -q -t ed25519 -N '' -C throwaway@test -f throwaway_ed25519
ssh-keygen -q -t ed25519 -N test -C throwaway-enc@test -f throwaway_enc_ed25519
ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C throwaway-pem@test -f throwaway_pem_rsa
ssh-keygen -q -t rsa -b 3072 -N '' -C throwaway-rsa3072@test -f "$tmp/rsa3072"
cp "$tmp/rsa3072.pub" throwaway_rsa3072.pub
ssh-keygen -q -t ecdsa -b 384 -N '' -C throwaway-p384@test -f "$tmp/p384"
cp "$tmp/p384.pub" throwaway_p384.pub
ssh-keygen -q -t ecdsa -b 521 -N '' -C throwaway-p521@test -f "$tmp/p521"
cp "$tmp/p521.pub" throwaway_p521.pub

# certificates: an Ed25519 and an RSA CA (throwaway, private halves dropped)
ssh-keygen -q -t ed25519 -N '' -C ca-ed25519 -f "$tmp/ca_ed"
ssh-keygen -q -t rsa -b 2048 -N '' -C ca-rsa -f "$tmp/ca_rsa"
cp "$tmp/ca_ed.pub" ca_ed25519.pub
cp "$tmp/ca_rsa.pub" ca_rsa.pub
ssh-keygen -q -t ed25519 -N '' -C certuser -f "$tmp/u"
ssh-keygen -q -s "$tmp/ca_ed" -I 'crit "options" id' -n alice,bob -z 42 -V 20250101000000:20300101000000 \
	-O source-address=10.0.0.0/8,192.168.1.1 -O force-command=/bin/true -O verify-required "$tmp/u.pub"
cp "$tmp/u-cert.pub" cert_critical-cert.pub
ssh-keygen -q -s "$tmp/ca_ed" -I host.example.com -h -n host.example.com,10.1.2.3 -z 7 "$tmp/u.pub"
cp "$tmp/u-cert.pub" cert_host-cert.pub
ssh-keygen -q -s "$tmp/ca_ed" -I any-principal -z 18446744073709551615 "$tmp/u.pub"
cp "$tmp/u-cert.pub" cert_noprincipals-cert.pub
ssh-keygen -q -s "$tmp/ca_rsa" -I rsa-signed-ecdsa -n alice -z 3 "$tmp/p384.pub"
cp "$tmp/p384-cert.pub" cert_rsaca_p384-cert.pub
ssh-keygen -q -s "$tmp/ca_ed" -I many -n "$(seq -s, -f 'principal-%g' 1 70),$(printf 'x%.0s' {1..200})" "$tmp/u.pub"
cp "$tmp/u-cert.pub" cert_many-cert.pub
ssh-keygen -q -s "$tmp/ca_rsa" -I rsa-user -n alice -O no-pty -O clear "$tmp/rsa3072.pub"
cp "$tmp/rsa3072-cert.pub" cert_rsa3072-cert.pub

# security keys and odd keys, built by hand (no authenticator here)
python3 - <<'PY'
import base64, os, struct
def s(b): return struct.pack('>I', len(b)) + b
ec = base64.b64decode(open('alice_ecdsa.pub').read().split()[1])
# alice_ecdsa: string name, string curve, string point
off = 0; parts = []
while off < len(ec):
    l = struct.unpack('>I', ec[off:off+4])[0]; parts.append(ec[off+4:off+4+l]); off += 4 + l
assert parts[1] == b'nistp256'
sk_ec = s(b'sk-ecdsa-sha2-nistp256@openssh.com') + s(b'nistp256') + s(parts[2]) + s(b'ssh:')
sk_ed = s(b'sk-ssh-ed25519@openssh.com') + s(bytes(range(1, 33))) + s(b'ssh:')
open('sk_ecdsa.pub', 'w').write('sk-ecdsa-sha2-nistp256@openssh.com ' + base64.b64encode(sk_ec).decode() + ' sk-ecdsa@test\n')
open('sk_ed25519.pub', 'w').write('sk-ssh-ed25519@openssh.com ' + base64.b64encode(sk_ed).decode() + ' sk-ed25519@test\n')
# RSA of 768 bits: sshd refuses to read it at all (SSH_RSA_MINIMUM_MODULUS_SIZE)
n = (1 << 767) | 0x1234567 | 1
nb = n.to_bytes(96, 'big')
small = s(b'ssh-rsa') + s(b'\x01\x00\x01') + s(b'\x00' + nb)
open('rsa768.pub', 'w').write('ssh-rsa ' + base64.b64encode(small).decode() + ' rsa768@test\n')
# a PuTTY private key file around the throwaway key's public blob
pub = open('throwaway_ed25519.pub').read().split()[1]
lines = [pub[i:i+64] for i in range(0, len(pub), 64)]
priv = base64.b64encode(os.urandom(36)).decode()
open('throwaway_ed25519.ppk', 'w').write('PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: throwaway@test\n'
    'Public-Lines: %d\n%s\nPrivate-Lines: 1\n%s\nPrivate-MAC: %s\n' % (len(lines), '\n'.join(lines), priv, '0' * 64))
PY
ssh-keygen -e -f throwaway_ed25519.pub > throwaway_ed25519.rfc4716

# reference fingerprints (ssh-keygen -l) and certificate fields (ssh-keygen -L)
: > fingerprints.tsv
for f in *.pub; do
	if out=$(ssh-keygen -lf "$f" 2>/dev/null); then
		set -- $out
		printf '%s\t%s\t%s\n' "$f" "$2" "${!#}" >> fingerprints.tsv
	else
		printf '%s\t-\t-\n' "$f" >> fingerprints.tsv
	fi
done
python3 - <<'PY'
import calendar, glob, subprocess, time
rows = []
for f in sorted(glob.glob('*-cert.pub')):
    out = subprocess.run(['ssh-keygen', '-Lf', f], capture_output=True, text=True, check=True).stdout.splitlines()
    d = {'principals': [], 'critical': [], 'source': '-'}
    sect = None
    for l in out[1:]:
        t = l.strip()
        if l.startswith('        ') and not l.startswith('                '):
            sect = None
            k, _, v = t.partition(': ')
            if k == 'Type':
                d['type'] = 'user' if v.endswith('user certificate') else 'host'
            elif k == 'Public key':
                d['fp'] = v.split()[1]; d['ktype'] = v.split()[0]
            elif k == 'Signing CA':
                d['ca_type'] = v.split()[0]; d['ca_fp'] = v.split()[1]
            elif k == 'Key ID':
                d['id'] = v[1:-1]
            elif k == 'Serial':
                d['serial'] = v
            elif k == 'Valid':
                if v == 'forever':
                    d['va'], d['vb'] = '0', '18446744073709551615'
                else:
                    a, b = v[len('from '):].split(' to ')
                    conv = lambda x: str(calendar.timegm(time.strptime(x, '%Y-%m-%dT%H:%M:%S')))
                    d['va'] = conv(a); d['vb'] = conv(b)
            elif k.startswith('Principals'):
                sect = 'principals'
            elif k.startswith('Critical Options'):
                sect = 'critical'
            elif k.startswith('Extensions'):
                sect = 'ext'
        elif sect in ('principals', 'critical') and t:
            if sect == 'critical':
                name, _, val = t.partition(' ')
                d['critical'].append(name)
                if name == 'source-address':
                    d['source'] = val
            else:
                d['principals'].append(t)
    rows.append('\t'.join([f, d['ktype'], d['fp'], d['type'], d['serial'], d['id'], d['va'], d['vb'],
                           ','.join(d['principals']) or '-', ','.join(d['critical']) or '-', d['source'],
                           d['ca_type'], d['ca_fp']]))
open('certs.tsv', 'w').write('\n'.join(rows) + '\n')
PY
echo "fixtures regenerated in $(pwd)"
