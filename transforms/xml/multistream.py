"""Multistream dumps: the index beside the dump, and the ranges of streams that splits read.

A multistream dump is a concatenation of bz2 streams (a header stream with `<siteinfo>`, then about 100
pages per stream); its index lists `offset:page_id:title` for every page, so a split can start at any
stream offset.
"""
from __future__ import annotations

import re

from apache_beam.io.filesystems import FileSystems

from transforms.common.files import UnusableInputError, compression_of, iter_decompressed, open_raw

INDEX_NAME = re.compile(r"multistream(\d*)\.xml")


def multistream_index_candidates(path: str) -> list[str]:
    """Index file names Wikimedia and mwbzutils use for a multistream dump file."""
    if "multistream" not in path:
        return []
    head, sep, tail = path.rpartition("/")
    candidates = []
    for index_ext in ("txt", "xml"):
        name = INDEX_NAME.sub(lambda m: f"multistream-index{m.group(1)}.{index_ext}", tail, count=1)
        if name != tail:
            candidates.append(head + sep + name)
    return candidates


def find_multistream_index(path: str) -> str | None:
    for candidate in multistream_index_candidates(path):
        if FileSystems.exists(candidate):
            return candidate
    return None


def read_stream_offsets(index_path: str) -> list[int]:
    """Sorted distinct stream offsets from a multistream index (`offset:page_id:title` lines)."""
    offsets = set()
    compression = compression_of(index_path)
    with open_raw(index_path) as raw:
        pending = b""
        for chunk in iter_decompressed(raw, compression):
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for line in lines:
                if line:
                    offsets.add(_index_offset(index_path, line))
        if pending.strip():
            offsets.add(_index_offset(index_path, pending))
    return sorted(offsets)


def _index_offset(index_path: str, line: bytes) -> int:
    field, _, _ = line.partition(b":")
    try:
        return int(field)
    except ValueError:
        raise UnusableInputError(index_path, f"not a multistream index line: {line[:80]!r}") from None


def plan_stream_ranges(offsets: list[int], size: int, split_bytes: int) -> list[tuple[int, int]]:
    """Groups consecutive streams into compressed byte ranges of about `split_bytes` each."""
    if not offsets:
        return []
    ranges = []
    start = offsets[0]
    for offset in offsets[1:]:
        if offset - start >= split_bytes:
            ranges.append((start, offset))
            start = offset
    ranges.append((start, size))
    return ranges
