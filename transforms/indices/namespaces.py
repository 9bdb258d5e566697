"""Which namespaces hold content, per wiki, from Wikimedia's own table of them.

WMF publishes `mediawiki_project_namespace_map` (dbname, namespace, namespace_is_content, ...); jobs that
count content edits read it as JSON lines, plain or gzipped.
"""
from __future__ import annotations

import gzip
import json
from collections import defaultdict

from apache_beam.io.filesystems import FileSystems

from transforms.common.files import UnusableInputError


def read_namespace_map(path: str, wikis: set[str]) -> dict[str, frozenset]:
    """Content namespaces per wiki from WMF's namespace map (JSON lines), for the given wikis."""
    content = defaultdict(set)
    try:
        with FileSystems.open(path) as handle:
            data = handle.read()
    except Exception as exc:
        raise UnusableInputError(path, f"cannot open: {exc}") from exc
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if row["dbname"] in wikis and row["namespace_is_content"]:
                content[row["dbname"]].add(int(row["namespace"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise UnusableInputError(path, f"line {number} is not a namespace map row: {exc}") from None
    return {wiki: frozenset(namespaces) for wiki, namespaces in content.items()}
