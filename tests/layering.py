#!/usr/bin/env python3
"""The house rules of src/ (issue 11), checked from the source text.

1. Imports run one way: no two files of src/ use each other's functions,
   directly or round a longer loop.  The graph: every function (or object)
   that a src/*.c file defines without `static` belongs to that file; a file
   uses another when its text names one of the other file's symbols (a call,
   or a function pointer such as a callback or a _cleanup_ helper).  Comments,
   string and character literals are removed first.  Static inline functions
   in headers belong to no file and make no edge.
2. Commands are glue: no cmd-*.c includes another command's header or uses
   another command file's symbols.
3. No function is longer than MAX_FUNCTION_LINES lines (from the line with
   its name to its closing brace).

Everything it finds fails the test unless ALLOWED below names it, with the
issue that owns its fix.  Usage: layering.py [--graph] [SRC_DIR]  (default:
the src/ next to this file's parent; --graph also prints every file -> file
use with the names that make it).  Exit 0 clean, 1 with a report on stderr.
"""

import fnmatch
import os
import re
import sys

MAX_FUNCTION_LINES = 250

# Known breaches, each with the issue whose work removes it.  An entry that
# no longer matches anything is reported too (so the list only shrinks).
ALLOWED = {
    # Commands that use another command's functions (none).
    "command-uses": set(),
    # Functions over MAX_FUNCTION_LINES (none).
    "long-functions": set(),
    # Uses left out of the loop check (fnmatch patterns: user file, used
    # file) (none).
    "edges": set(),
}

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A name used: not a struct member (after "." or "->") nor part of a longer name.
USE = re.compile(r"(?<![\w.>])[A-Za-z_][A-Za-z0-9_]*")
# A definition in the project's style: the name at column 0, the return type
# on the line before (STYLE.md 1).
DEF_NAME = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\(", re.M)
# Exported objects: `const struct command cmd_x = {` and the like.
DEF_OBJECT = re.compile(
    r"^(?!static\b)(?:const\s+)?(?:struct|enum|union)\s+\w+\s+(?:const\s+)?\**([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*=",
    re.M)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def strip_code(text):
    """Blank out comments and string/char literals, keeping line breaks."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def definitions(code):
    """Yield (name, start_line, end_line, is_static) for each function body."""
    lines = code.split("\n")
    for m in DEF_NAME.finditer(code):
        start = code.count("\n", 0, m.start())
        # "name(params)" or "name(params," (continued); not an attribute
        # such as "_printf_(2, 3) static void" before the real name
        if not lines[start].rstrip().endswith((")", ",")):
            continue
        # the body opens at a '{' at column 0 before any ';' at depth 0
        k = start
        is_def = False
        while k < len(lines):
            if lines[k].startswith("{"):
                is_def = True
                break
            if lines[k].rstrip().endswith(";"):
                break
            k += 1
        if not is_def:
            continue
        end = k
        while end < len(lines) and not lines[end].startswith("}"):
            end += 1
        prev = lines[start - 1] if start > 0 else ""
        # the return-type line: "static int", "_printf_(3, 4) static int", ...
        is_static = re.search(r"\bstatic\b", prev) is not None
        yield m.group(1), start + 1, end + 1, is_static


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    args = [a for a in sys.argv[1:] if a != "--graph"]
    show_graph = len(args) != len(sys.argv) - 1
    src = args[0] if args else os.path.join(here, "..", "src")
    files = sorted(f for f in os.listdir(src) if f.endswith(".c"))
    code = {}
    raw = {}
    for f in files:
        with open(os.path.join(src, f), encoding="utf-8", errors="replace") as fh:
            raw[f] = fh.read()
        code[f] = strip_code(raw[f])

    owner = {}          # exported symbol -> defining file
    problems = []
    long_funcs = []
    for f in files:
        for name, first, last, is_static in definitions(code[f]):
            if not is_static:
                if name in owner and owner[name] != f:
                    problems.append(f"'{name}' is defined in both {owner[name]} and {f}")
                owner[name] = f
            length = last - first + 1
            if length > MAX_FUNCTION_LINES:
                long_funcs.append((f, name, length))
        for m in DEF_OBJECT.finditer(code[f]):
            owner.setdefault(m.group(1), f)

    # edges: user file -> defining file, with the symbols that make them
    uses = {f: {} for f in files}
    for f in files:
        for tok in set(USE.findall(code[f])):
            d = owner.get(tok)
            if d and d != f:
                uses[f].setdefault(d, set()).add(tok)

    used_allow = {"edges": set(), "command-uses": set(), "long-functions": set()}
    graph = {}
    for f in files:
        graph[f] = set()
        for d in uses[f]:
            hit = [e for e in ALLOWED["edges"]
                   if fnmatch.fnmatch(f, e[0]) and fnmatch.fnmatch(d, e[1])]
            if hit:
                used_allow["edges"].update(hit)
                continue
            graph[f].add(d)

    # strongly connected components (Tarjan, iterative)
    index, low, on, stack, sccs = {}, {}, set(), [], []
    counter = [0]

    def visit(root):
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    sccs.append(sorted(comp))

    for f in files:
        if f not in index:
            visit(f)

    for comp in sccs:
        members = set(comp)
        detail = "; ".join(
            f"{a} -> {b} ({', '.join(sorted(uses[a][b])[:4])})"
            for a in comp for b in sorted(graph[a]) if b in members)
        problems.append(f"import loop among {', '.join(comp)}: {detail}")

    commands = [f for f in files if f.startswith("cmd-")]
    for f in commands:
        for inc in INCLUDE.findall(raw[f]):
            if inc.startswith("cmd-") and inc[:-2] + ".c" != f:
                problems.append(f"{f} includes another command's header '{inc}'")
        for d in sorted(uses[f]):
            if d.startswith("cmd-"):
                if (f, d) in ALLOWED["command-uses"]:
                    used_allow["command-uses"].add((f, d))
                    continue
                problems.append(f"{f} uses command file {d}: {', '.join(sorted(uses[f][d]))}")

    for f, name, length in long_funcs:
        if (f, name) in ALLOWED["long-functions"]:
            used_allow["long-functions"].add((f, name))
            print(f"allowed: {f}:{name} is {length} lines (owned elsewhere)")
            continue
        problems.append(f"{f}:{name} is {length} lines (limit {MAX_FUNCTION_LINES})")

    for kind, entries in ALLOWED.items():
        for e in entries - used_allow[kind]:
            problems.append(f"allow-list entry {kind} {e} matches nothing any more: remove it")

    if show_graph:
        for f in files:
            for d in sorted(uses[f]):
                print(f"{f} -> {d}: {', '.join(sorted(uses[f][d]))}")
    n_edges = sum(len(v) for v in uses.values())
    print(f"{len(files)} files, {len(owner)} exported symbols, {n_edges} file->file uses, "
          f"{len(sccs)} loop(s)")
    if problems:
        for p in problems:
            print(f"layering: {p}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
