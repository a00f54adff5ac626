# SPDX-License-Identifier: MIT
"""pywork.py - the python3 workload of `make bench`.

    PYTHONMALLOC=malloc python3 pywork.py [ROUNDS]

Each round builds records (dicts of strings, numbers and lists), indexes
them in dicts, sorts and groups them, formats strings, and sends them
through a JSON round trip, then drops most of them and keeps a few, as an
application with a cache would.  With PYTHONMALLOC=malloc every object
goes through malloc, so the preloaded tool sees them all.  ROUNDS scales
the work linearly (default 40).  Prints one checksum line.
"""
import json
import sys


def make_records(seed, n):
    """n records derived from seed, with a few strings and a list each."""
    out = []
    for i in range(n):
        k = (seed * 7919 + i * 104729) % 1000003
        out.append({
            "id": k,
            "name": "user-%d-%s" % (k, "x" * (k % 17)),
            "tags": ["t%d" % ((k >> s) & 31) for s in range(0, 15, 3)],
            "score": (k % 997) / 7.0,
            "nested": {"a": k % 13, "b": str(k)[::-1]},
        })
    return out


def one_round(seed, cache):
    """One round of building, indexing, grouping and serializing."""
    recs = make_records(seed, 2000)
    by_id = {r["id"]: r for r in recs}
    groups = {}
    for r in recs:
        groups.setdefault(r["nested"]["a"], []).append(r["name"])
    ranked = sorted(recs, key=lambda r: (r["score"], r["name"]))
    text = json.dumps(ranked)
    back = json.loads(text)
    words = " ".join(r["name"] for r in back).split("-")
    counts = {}
    for w in words:
        counts[w[:3]] = counts.get(w[:3], 0) + 1
    joined = ",".join(sorted(groups[seed % 13]))
    cache[seed % 64] = (back[:20], joined[:200])
    return len(by_id) + len(counts) + len(text) % 1000


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    cache = {}
    total = 0
    for seed in range(rounds):
        total += one_round(seed, cache)
    print("pywork", rounds, total, len(cache))


main()
