#!/usr/bin/env python3
"""Write corpus-expected.tsv: one row per corpus client log with what
test-client-parse checks (user, server_port, cause, offered fingerprints,
fingerprints printed but not sent). Run from the repository root:
    python3 tests/data/client/gen-corpus-expected.py > tests/data/client/corpus-expected.tsv
"""
import glob
import json
import os
import sys

root = os.path.join("tests", "corpus")
rows = []
for exp in sorted(glob.glob(os.path.join(root, "*", "*", "expected.json"))):
    d = os.path.dirname(exp)
    e = json.load(open(exp))
    conns = {c.get("client_id"): c for c in e.get("connections", [])}
    for log in sorted(glob.glob(os.path.join(d, "client*.log"))):
        name = os.path.basename(log)
        c = e
        if name.startswith("client-"):
            c = dict(e)
            c.update(conns.get(name[len("client-"):-len(".log")], {}))
        fps = []
        for fp in c.get("client_fingerprints", []):
            if fp not in fps:
                fps.append(fp)
        nsent = c.get("client_fingerprints_printed_but_not_sent", []) or []
        port = c.get("server_port") or e.get("server_port") or 0
        rows.append("\t".join([os.path.relpath(log, root), c.get("user") or "", str(port),
                               c.get("cause") or "", ",".join(fps) or "-", ",".join(nsent) or "-"]))
sys.stdout.write("# path\tuser\tserver_port\tcause\tclient_fingerprints\tprinted_not_sent\n")
sys.stdout.write("\n".join(rows) + "\n")
