"""Enterprise HTML dump files: what each input is, checked in the driver before any worker starts.

Wikimedia Enterprise names its HTML dumps `<wiki>-NS<n>-<date>-ENTERPRISE-HTML.json.tar.gz`; the wiki
and the date come from the name when it has them, else from the first record (`is_part_of`) and
--snapshot. An input is refused in one line when it is not gzip or plain, when its first record cannot be
read, or when that record is not an article record (no `article_body.html`).
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from schemas.layout import Partition
from transforms.common.files import (
    DamagedInputError,
    InputFile,
    UnusableInputError,
    file_size,
    first_chunks,
    open_raw,
    sniff_compression,
)
from transforms.common.naming import resolve_snapshot
from transforms.common.problems import Problem
from transforms.enterprise.reader import RawRecord, is_tar, iter_records, parse_record

SNIFF_BYTES = 16 << 20  # the first record whole: a long article's record takes a few MB
DUMP_NAME = re.compile(r"^(?P<wiki>[a-z0-9_]+)-NS(?P<namespace>\d+)-(?P<date>\d{8})-ENTERPRISE-HTML", re.IGNORECASE)


@dataclass(frozen=True)
class EnterpriseInput(InputFile):
    """An Enterprise HTML dump file of a job, as planned by the driver.

    Attributes:
        tar: whether the decompressed bytes are a tar archive of NDJSON files (else NDJSON, or one
            pretty-printed record).
        wiki_db: the wiki of the file's records (errors rows of records that name none go there too).
        snapshot: the partition's date, YYYYMMDD.
    """

    tar: bool
    wiki_db: str
    snapshot: str

    @property
    def partition(self) -> Partition:
        return Partition(self.wiki_db, self.snapshot)


def describe_input(path: str, input_order: int = 0, *, snapshot: str | None = None,
                   wiki_db: str | None = None) -> EnterpriseInput:
    """Plans one input: compression, container, wiki and snapshot.

    Raises:
        UnusableInputError: with a one-line reason naming the file.
    """
    size = file_size(path)
    with open_raw(path) as raw:
        compression = sniff_compression(path, raw.read(8))
    if compression not in ("none", "gzip"):
        raise UnusableInputError(path, f"{compression} compression: Enterprise HTML dumps are .json.tar.gz, "
                                 ".ndjson or .ndjson.gz")
    head = b""
    try:
        for chunk in first_chunks(path, compression, SNIFF_BYTES):
            head += chunk
    except DamagedInputError as exc:
        if not head:
            raise UnusableInputError(path, f"cannot decompress as {compression}: {exc}") from None
    if not head.strip():
        raise UnusableInputError(path, "empty: no records")
    tar = is_tar(head)
    first = next(iter_records(iter([head]), tar), None)
    if len(head) >= SNIFF_BYTES and isinstance(first, RawRecord) and head.endswith(first.data):
        raise UnusableInputError(path, f"its first record is longer than {SNIFF_BYTES >> 20} MB; not an Enterprise "
                                 "HTML dump?")
    if isinstance(first, Problem) or first is None:
        raise UnusableInputError(path, "no record in the first bytes" if first is None else first.message)
    record = parse_record(first)
    if isinstance(record, Problem):
        if b"article_body" not in first.data and not _looks_like_json(first):
            raise UnusableInputError(path, "not an Enterprise HTML dump (neither NDJSON records nor a tar of them)")
        raise UnusableInputError(path, f"not an Enterprise article record: {record.message}")
    named = DUMP_NAME.match(posixpath.basename(path))
    wiki = wiki_db or (named.group("wiki").lower() if named else None) or record["is_part_of"]["identifier"]
    resolved = resolve_snapshot(path, snapshot)
    return EnterpriseInput(path, input_order, size, compression, tar, wiki, resolved)


def _looks_like_json(record: RawRecord) -> bool:
    return record.data.lstrip()[:1] in (b"{", b"[")
