#!/usr/bin/env python3
"""Writes a large Xtracta Get User answer to standard output, for benches/peers/run.sh.

    python3 gen_xtracta.py N > users.xml

A `<user_response>` (status 200) with N `<user>` elements: user_id, name "First Last",
email_address (unique: first.last.N@example.com), primary_group_id and assigned_workflows (a
comma list of 1 to 3 ids), about 200 bytes each. Names include non-ASCII letters; the same N
gives the same bytes.
"""

import random
import sys
from xml.sax.saxutils import escape

FIRST = [("José", "jose"), ("Zoë", "zoe"), ("Søren", "soren"), ("Jane", "jane"), ("Amara", "amara"),
         ("Priya", "priya"), ("Björn", "bjorn"), ("Aiko", "aiko"), ("Kwame", "kwame"), ("Wei", "wei"),
         ("Olivia", "olivia"), ("Tomás", "tomas"), ("Ingrid", "ingrid"), ("Noor", "noor")]
LAST = [("Müller", "muller"), ("O'Brien", "obrien"), ("García-López", "garcialopez"), ("Doe", "doe"),
        ("Smith", "smith"), ("Kowalski", "kowalski"), ("Nguyễn", "nguyen"), ("Dubois", "dubois"),
        ("Yamamoto", "yamamoto"), ("Okafor", "okafor"), ("Patel", "patel"), ("Novák", "novak")]
WORKFLOWS = [496553, 496941, 498082, 503860, 504988, 505283, 505328, 673490, 694444, 698730]


def main() -> int:
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        print("usage: gen_xtracta.py N > users.xml", file=sys.stderr)
        return 2
    n = int(sys.argv[1])
    rng = random.Random(1)
    out = sys.stdout
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<user_response>\n'
              "  <status>200</status>\n"
              "  <message>The request has been successfully processed</message>\n")
    batch = []
    for i in range(1, n + 1):
        first, first_ascii = rng.choice(FIRST)
        last, last_ascii = rng.choice(LAST)
        flows = ",".join(str(w) for w in rng.sample(WORKFLOWS, rng.randint(1, 3)))
        batch.append(
            "<user>\n"
            f" <user_id>{100000 + i}</user_id>\n"
            f" <name>{escape(first)} {escape(last)}</name>\n"
            f" <email_address>{first_ascii}.{last_ascii}.{i}@example.com</email_address>\n"
            f" <primary_group_id>{rng.randint(1, 9)}</primary_group_id>\n"
            f" <assigned_workflows>{flows}</assigned_workflows>\n"
            "</user>\n"
        )
        if len(batch) == 10_000:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))
    out.write("</user_response>\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
