"""Bytes per revision that the revision-id check ships through its shuffle, packed against unpacked.

    .venv/bin/python -m benchmarks.revision_ids_shipped [--revisions 500000 5000000] [--id-range 1200000000]

A split's revision ids are drawn at random from the wiki's id range (a page's revisions are spread over
the wiki's whole history) and its pages are consecutive, as in a dump; the figure is what
transforms/xml/dedupe.py packs per revision, beside the 16 bytes of an id and a page unpacked.
"""
from __future__ import annotations

import argparse
import json

import numpy as np

from schemas.layout import Partition
from transforms.xml.dedupe import bucket_revision_ids, later_copies

REVISIONS_PER_PAGE = 100


def shipped_bytes(revisions: int, id_range: int, seed: int = 1) -> int:
    rng = np.random.default_rng(seed)
    ids = rng.choice(id_range, size=revisions, replace=False).astype(np.int64)
    pages = 10_000_000 + np.arange(revisions, dtype=np.int64) // REVISIONS_PER_PAGE
    unique, first_pages, _ = later_copies(ids, pages)
    return sum(len(packed_ids[2]) + len(packed_pages[2])
               for _, (_, _, packed_ids, packed_pages) in bucket_revision_ids(Partition("w", "s"), "k", "p", unique,
                                                                              first_pages))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--revisions", type=int, nargs="+", default=[500_000, 5_000_000])
    parser.add_argument("--id-range", type=int, default=1_200_000_000)
    args = parser.parse_args(argv)
    report = {str(n): {"packed_bytes_per_revision": round(shipped_bytes(n, args.id_range) / n, 2),
                       "unpacked_bytes_per_revision": 16} for n in args.revisions}
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
