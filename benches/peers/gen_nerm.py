#!/usr/bin/env python3
"""Writes NERM `GET /users` pages, for benchmarking the nerm-users reader.

    python3 gen_nerm.py N > users.json          # one page of N users
    python3 gen_nerm.py N --pages DIR [SIZE]    # DIR/page-00001.json, ... of SIZE users (100)

A page is `{"users": [...], "_metadata": {"limit", "offset", "total"}}`, one user object per
element, pretty-printed (about 350 bytes a user): id, uid, name "First Last", email (ASCII and
unique: first.last.N@example.com), type, title, status, login, last_login,
cookies_accepted_at, preferred_language. The same N gives the same bytes.
"""

import json
import os
import random
import sys

FIRST = ["Ann", "Jane", "Amara", "Priya", "Kwame", "Wei", "Olivia", "Tomas", "Ingrid", "Noor"]
LAST = ["Lee", "Doe", "Smith", "Kowalski", "Dubois", "Okafor", "Patel", "Novak", "Yamamoto"]
TITLES = ["Contractor", "Data Engineer (contract)", "Site electrician", "UX researcher"]
LANGS = ["en-US", "en-GB", "de-DE", "es-MX"]


def user(rng: random.Random, i: int) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    login = f"{first.lower()}.{last.lower()}.{i}"
    uid = f"{rng.getrandbits(128):032x}"
    fields = [
        ("id", f"{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:]}"),
        ("uid", uid),
        ("name", f"{first} {last}"),
        ("email", f"{login}@example.com"),
        ("type", "NeprofileUser"),
        ("title", rng.choice(TITLES)),
        ("status", "Active" if i % 7 else "Disabled"),
        ("login", login),
        ("last_login", f"2026-11-{1 + i % 28:02d}T10:11:12.000Z"),
        ("cookies_accepted_at", "2026-01-05T08:00:00.000Z"),
        ("preferred_language", rng.choice(LANGS)),
    ]
    body = ",\n".join(f"      {json.dumps(k)}: {json.dumps(v)}" for k, v in fields)
    return "    {\n" + body + "\n    }"


def page(rng: random.Random, start: int, count: int, total: int) -> str:
    users = ",\n".join(user(rng, i) for i in range(start, start + count))
    return ('{\n  "users": [\n' + users + '\n  ],\n  "_metadata": {"limit": ' + str(count)
            + ', "offset": ' + str(start) + ', "total": ' + str(total) + "}\n}\n")


def main() -> int:
    args = sys.argv[1:]
    if not args or not args[0].isdigit() or (len(args) > 1 and args[1] != "--pages"):
        print("usage: gen_nerm.py N [--pages DIR [SIZE]]", file=sys.stderr)
        return 2
    n = int(args[0])
    rng = random.Random(1)
    if len(args) == 1:
        out = sys.stdout
        out.write('{\n  "users": [\n')
        step = 10_000
        for start in range(0, n, step):
            chunk = ",\n".join(user(rng, i) for i in range(start, min(n, start + step)))
            out.write(chunk + (",\n" if start + step < n else "\n"))
        out.write('  ],\n  "_metadata": {"limit": ' + str(n) + ', "offset": 0, "total": '
                  + str(n) + "}\n}\n")
        return 0
    folder = args[2]
    size = int(args[3]) if len(args) > 3 else 100
    os.makedirs(folder, exist_ok=True)
    for number, start in enumerate(range(0, n, size), 1):
        with open(os.path.join(folder, f"page-{number:05d}.json"), "w") as f:
            f.write(page(rng, start, min(size, n - start), n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
