#!/usr/bin/env python3
"""Fails when a crate's top-level modules import each other in a circle (`crate::a` -> `crate::b`
-> ... -> `crate::a`; names re-exported at the crate root count for the module that defines
them; tests left out). Prints each crate's edge count and every circle.

    python3 .ci/module-cycles.py crates
"""
import os, re, sys

def top_module(crate_src, path):
    rel = os.path.relpath(path, crate_src)
    parts = rel[:-3].split(os.sep)
    if parts[0] in ('lib', 'main'):
        return None
    return parts[0] if parts[0] != 'mod' else None

def crate_graph(src):
    lib = os.path.join(src, 'lib.rs')
    if not os.path.exists(lib):
        lib = os.path.join(src, 'main.rs')
    text = open(lib).read()
    reexport = {}
    for m in re.finditer(r'pub use (\w+)::(\{[^}]*\}|\w+);', text, re.S):
        mod, names = m.group(1), m.group(2)
        for name in re.findall(r'\w+', names):
            reexport[name] = mod
    edges = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith('.rs'):
                continue
            path = os.path.join(root, f)
            if '/tests' in path[len(src):] or f == 'tests.rs':
                continue
            me = top_module(src, path)
            if me is None:
                continue
            body = open(path).read()
            # drop #[cfg(test)] mod tests { ... } at the end
            cut = re.search(r"#\[cfg\(test\)\](\s*#\[[^\]]*\])*\s*mod tests\s*\{", body)
            if cut:
                body = body[:cut.start()]
            body = re.sub(r'//[^\n]*', '', body)
            refs = set()
            for m in re.finditer(r'crate::(\{[^}]*\}|\w+)', body, re.S):
                for name in re.findall(r'(?:^|[{,\s])(\w+)', m.group(1)):
                    refs.add(name)
            for name in refs:
                target = reexport.get(name, name)
                if target != me and os.path.exists(os.path.join(src, target + '.rs')) or os.path.isdir(os.path.join(src, target)):
                    if target != me:
                        edges.setdefault(me, set()).add(target)
    return edges

def cycles(edges):
    found = []
    def dfs(node, stack, seen):
        for nxt in sorted(edges.get(node, ())):
            if nxt in stack:
                cyc = stack[stack.index(nxt):] + [nxt]
                key = tuple(sorted(set(cyc)))
                if key not in seen:
                    seen.add(key); found.append(cyc)
            else:
                dfs(nxt, stack + [nxt], seen)
    seen = set()
    for n in sorted(edges):
        dfs(n, [n], seen)
    return found

status = 0
for crate in sorted(os.listdir(sys.argv[1] if len(sys.argv) > 1 else 'crates')):
    src = os.path.join(sys.argv[1] if len(sys.argv) > 1 else 'crates', crate, 'src')
    if not os.path.isdir(src):
        continue
    edges = crate_graph(src)
    cyc = cycles(edges)
    print(f"{crate}: {sum(len(v) for v in edges.values())} edges, {len(cyc)} cycles")
    for c in cyc:
        print("   cycle:", " -> ".join(c)); status = 1
sys.exit(status)
