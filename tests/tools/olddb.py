"""Make a database of an older schema version, as an older sshwhy left it.

make_old(path, src, version) applies sql/001 .. sql/VERSION to a new file and
copies into it the rows of src (a database this version wrote), table by
table and column by column, for the tables and columns the old schema has.
Tests of a migration use it instead of dropping this version's tables by
hand, which breaks each time a later migration adds one.
"""
import os
import sqlite3

SQL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sql")


def make_old(path, src, version, sql_dir=SQL_DIR):
    con = sqlite3.connect(path)
    for name in sorted(os.listdir(sql_dir)):
        if name.endswith(".sql") and int(name.split("-", 1)[0]) <= version:
            with open(os.path.join(sql_dir, name)) as f:
                con.executescript(f.read())
    con.execute("ATTACH DATABASE ? AS src", (src,))
    tables = [r[0] for r in con.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for t in tables:
        old = [r[1] for r in con.execute("SELECT * FROM pragma_table_info(?, 'main')", (t,))]
        new = {r[1] for r in con.execute("SELECT * FROM pragma_table_info(?, 'src')", (t,))}
        cols = ", ".join('"%s"' % c for c in old if c in new)
        if cols:
            con.execute('INSERT INTO main."%s" (%s) SELECT %s FROM src."%s"' % (t, cols, cols, t))
    con.commit()
    con.execute("DETACH DATABASE src")
    con.execute("PRAGMA journal_mode = WAL")
    con.close()
