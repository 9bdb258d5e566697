"""Baseline: mwxml iterating every page and revision of a dump in one process (text touched)."""
import bz2
import sys

import mwxml


def main(path: str) -> None:
    handle = bz2.open(path, "rb") if path.endswith(".bz2") else open(path, "rb")
    pages = revisions = characters = 0
    for page in mwxml.Dump.from_file(handle):
        pages += 1
        for revision in page:
            revisions += 1
            characters += len(revision.text or "")
    print(pages, revisions, characters)


if __name__ == "__main__":
    main(sys.argv[1])
