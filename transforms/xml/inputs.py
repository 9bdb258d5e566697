"""What a job needs to know about each input file before it starts: kind, wiki, date, compression.

`describe_input` reads only the first megabyte or so of a file (its header and first pages), so the
command line can refuse unusable inputs with a one-line reason before any worker starts.
"""
from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass

from apache_beam.io.filesystems import FileSystems

from schemas.layout import Partition
from transforms.common.files import (
    DamagedInputError,
    InputFile,
    UnusableInputError,
    compression_of,
    file_size,
    first_chunks,
)
from transforms.common.naming import resolve_snapshot, wiki_db_from_base
from transforms.xml.multistream import find_multistream_index
from transforms.xml.reader import DumpReader, MalformedDumpError
from transforms.xml.records import SiteInfo

# Dump kinds by the names Wikimedia gives its files; `is_history` when every revision is present.
KINDS = (
    ("stub-meta-history", "stub-meta-history", True),
    ("pages-meta-history", "pages-meta-history", True),
    ("stub-meta-current", "stub-meta-current", False),
    ("stub-articles", "stub-articles", False),
    ("pages-meta-current", "pages-meta-current", False),
    ("pages-articles-multistream", "pages-articles-multistream", False),
    ("pages-articles", "pages-articles", False),
)
HISTORY_KINDS = {name for _, name, history in KINDS if history}
# Enough of a file to see its <siteinfo> and a few pages (decompressed bytes; more costs every job start).
SNIFF_BYTES = 1 << 20


@dataclass(frozen=True)
class XmlInput(InputFile):
    """An XML dump file of a job, as planned by the driver: what every split reader needs, decided once."""

    kind: str
    kind_guessed: bool
    is_history: bool
    wiki_db: str
    snapshot: str
    export_version: str | None
    multistream_index: str | None
    siteinfo: SiteInfo | None
    dumpstatus: dict | None = None

    def to_json(self) -> dict:
        return {
            "path": self.path, "size": self.size, "compression": self.compression, "kind": self.kind,
            "wiki_db": self.wiki_db, "snapshot": self.snapshot, "export_version": self.export_version,
            "multistream_index": self.multistream_index,
            "dumpstatus": (self.dumpstatus or {}).get("status"),
        }

    @property
    def partition(self) -> Partition:
        return Partition(self.wiki_db, self.snapshot)


def kind_from_name(path: str) -> tuple[str, bool] | None:
    name = posixpath.basename(path)
    for marker, kind, history in KINDS:
        if marker in name:
            return kind, history
    return None


def read_dumpstatus(path: str) -> dict | None:
    """The file's entry in a dumpstatus.json beside it (as Wikimedia publishes per run), if any."""
    status_path = posixpath.join(posixpath.dirname(path), "dumpstatus.json") if "/" in path else "dumpstatus.json"
    try:
        if not FileSystems.exists(status_path):
            return None
        with FileSystems.open(status_path) as handle:
            status = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    name = posixpath.basename(path)
    for job_name, job in (status.get("jobs") or {}).items():
        entry = (job.get("files") or {}).get(name)
        if entry is not None:
            return {"job": job_name, "status": job.get("status"), "md5": entry.get("md5"), "sha1": entry.get("sha1"),
                    "size": entry.get("size")}
    return None


@dataclass
class Sniffed:
    """What the first pages of a file showed: per page, its revision count; whether texts were there."""

    revision_counts: list[int]
    texts_seen: int = 0
    stubs_seen: int = 0


def sniff_dump(path: str) -> tuple[str, DumpReader, Sniffed]:
    """Reads the beginning of a file: compression, and a reader that has parsed its first pages.

    Returns the compression, the reader (header and siteinfo filled in) and what the first pages showed.

    Raises:
        UnusableInputError: when the file cannot be opened or is not a MediaWiki XML dump.
    """
    sniffed = Sniffed([])

    def count_revisions(page, _source=None):
        count = 0
        for revision in page.revisions:
            count += 1
            if revision.text is not None:
                sniffed.texts_seen += 1
            elif not revision.text_is_deleted:
                sniffed.stubs_seen += 1  # no text and not deleted: the dump points at the text instead
        sniffed.revision_counts.append(count)
        return iter(())

    compression = compression_of(path)
    try:
        reader = DumpReader(first_chunks(path, compression, SNIFF_BYTES), count_revisions)
        for _ in reader:
            pass
    except MalformedDumpError as exc:
        raise UnusableInputError(path, str(exc)) from None
    except (DamagedInputError, OSError, EOFError) as exc:
        raise UnusableInputError(path, f"cannot decompress as {compression}: {exc}") from None
    if reader.header.export_version is None:
        # The prolog check has seen the <mediawiki> start tag by now: only its version can be missing.
        raise UnusableInputError(path, 'the <mediawiki> start tag has no version attribute (every MediaWiki '
                                       'export names its format, e.g. version="0.11")')
    return compression, reader, sniffed


def describe_input(path: str, input_order: int = 0, *, wiki_db: str | None = None, snapshot: str | None = None,
                   kind: str | None = None, strict: bool = True) -> XmlInput:
    """Plans one input: everything a split reader needs, decided once in the driver.

    Args:
        path: local path or URL of the dump file.
        input_order: position among the job's inputs.
        wiki_db: used when the dump's <siteinfo> has no <dbname>.
        snapshot: the dump date; overrides the date in the file name.
        kind: overrides the dump kind read from the file name.
        strict: require a wiki and a date (jobs do; `inspect` reports them as unknown instead).

    Raises:
        UnusableInputError: with a one-line reason naming the file.
    """
    size = file_size(path)
    compression, reader, sniffed = sniff_dump(path)
    siteinfo = reader.header.siteinfo
    resolved_wiki = (siteinfo and siteinfo.wiki_db) or wiki_db or wiki_db_from_base(siteinfo and siteinfo.base)
    resolved_snapshot = resolve_snapshot(path, snapshot, required=False)
    if strict and not (resolved_wiki and resolved_snapshot):
        # Both at once when both are missing: the user learns everything to add in one run.
        missing = [("the dump names no wiki (<siteinfo><dbname>)", "--wiki-db NAME") if not resolved_wiki else None,
                   ("cannot tell the dump date from the file name", "--snapshot YYYYMMDD")
                   if not resolved_snapshot else None]
        reasons, options = zip(*(item for item in missing if item))
        raise UnusableInputError(path, f"{'; '.join(reasons)}; pass {' '.join(options)}")
    guessed = False
    if kind:
        if kind not in {k for _, k, _ in KINDS}:
            raise UnusableInputError(path, f"unknown dump kind {kind!r}")
        is_history = kind in HISTORY_KINDS
    elif named := kind_from_name(path):
        kind, is_history = named
    else:
        # Special:Export files and renamed dumps: a page with several revisions means a history export,
        # revisions without text and not deleted mean stubs.
        guessed = True
        is_history = any(count > 1 for count in sniffed.revision_counts)
        stubs = sniffed.stubs_seen > 0 and sniffed.texts_seen == 0
        kind = {(True, True): "stub-meta-history", (True, False): "stub-meta-current",
                (False, True): "pages-meta-history", (False, False): "pages-meta-current"}[(stubs, is_history)]
    index = find_multistream_index(path) if compression == "bz2" else None
    return XmlInput(
        path=path, input_order=input_order, size=size, compression=compression, kind=kind, kind_guessed=guessed,
        is_history=is_history, wiki_db=resolved_wiki, snapshot=resolved_snapshot,
        export_version=reader.header.export_version, multistream_index=index, siteinfo=siteinfo,
        dumpstatus=read_dumpstatus(path),
    )
