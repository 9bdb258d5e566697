"""The feeder between decompressed bytes and the XML parser: validated pieces out, with page offsets.

It knows the byte offset of every `<page>` tag, replaces invalid UTF-8 before expat sees it, refuses
entity declarations, transcodes UTF-16 copies, and can restart the document at the next `<page>` after
the XML broke inside a page (reader.py decides when).
"""
from __future__ import annotations

import codecs
import re
from collections import deque
from typing import Iterable, Iterator
from xml.etree.ElementTree import ParseError, XMLPullParser

from transforms.common.files import DamagedInputError
from transforms.common.problems import excerpt_of
from transforms.xml.records import MalformedDumpError, ReadStats

PAGE_TAG = b"<page>"
# A <page> tag or a UTF-8 sequence may straddle two chunks: this many bytes wait for the next one.
CARRY = len(PAGE_TAG)
ROOT_START = re.compile(rb"<mediawiki\b[^>]*>")
PROLOG_LIMIT = 1 << 16  # the <mediawiki> start tag must appear within this many bytes
UTF16_DECLARATION = re.compile(r"""encoding\s*=\s*["']utf-?16(?:le|be)?["']""", re.IGNORECASE)


def _as_utf8(chunks: Iterator[bytes], stats: ReadStats) -> Iterator[bytes]:
    """The input as UTF-8. Wikimedia writes UTF-8, but re-encoded copies in UTF-16 (with a byte order
    mark) circulate; they are transcoded on the fly, so their offsets count UTF-8 bytes."""
    first = next(chunks, b"")
    if not first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if first:
            yield first
        yield from chunks
        return
    stats.source_encoding = "utf-16"
    decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
    # The XML declaration, if any, must stop claiming UTF-16 once the bytes are UTF-8.
    head = UTF16_DECLARATION.sub('encoding="utf-8"', decoder.decode(first), count=1)
    yield head.encode("utf-8")
    for chunk in chunks:
        yield decoder.decode(chunk).encode("utf-8")
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail.encode("utf-8")


def _page_tags(data: bytes, offset: int) -> list[int]:
    found = []
    position = data.find(PAGE_TAG)
    while position >= 0:
        found.append(offset + position)
        position = data.find(PAGE_TAG, position + len(PAGE_TAG))
    return found


class EndOfInput(Exception):
    """Raised by the event stream when the input ends; `complete` is False when the XML is unfinished."""

    def __init__(self, complete: bool, damage: DamagedInputError | None):
        super().__init__("end of input")
        self.complete = complete
        self.damage = damage


class Feeder:
    def __init__(self, chunks: Iterable[bytes], prefix: bytes, suffix: bytes, stats: ReadStats,
                 overrun: Iterable[bytes] | None = None, skip_to_page: bool = False):
        self._chunks = _as_utf8(iter(chunks), stats)
        self._overrun = None if overrun is None else iter(overrun)
        self._suffix = suffix
        self._stats = stats
        self._skipping = skip_to_page
        # Where `chunks` end and `overrun` begins: pages starting at or after it belong to the next split.
        self.limit: int | None = None
        # Pieces are (offset, bytes, offsets of the <page> tags starting in them). Offsets count input bytes
        # after the prefix, which is our synthetic header for a split; None marks the synthetic suffix.
        self._backlog: deque[tuple[int | None, bytes, list[int]]] = deque()
        if prefix:
            self._backlog.append((-len(prefix), prefix, []))
        self._carry = b""
        self._carry_offset = 0
        self._last: tuple[int | None, bytes, list[int]] | None = None
        self._exhausted = False
        self.damage: DamagedInputError | None = None
        self.page_starts: deque[int] = deque()
        self.repairs: list[tuple[int | None, str | None]] = []
        self.root_start_tag: bytes | None = None

    def _pieces(self) -> Iterator[tuple[int | None, bytes, list[int]]]:
        """The input in pieces that never cut a UTF-8 character in two."""
        while True:
            if self._backlog:
                yield self._backlog.popleft()
                continue
            if self._exhausted:
                return
            try:
                chunk = next(self._chunks)
            except StopIteration:
                chunk = None
            except DamagedInputError as exc:
                self.damage = exc
                chunk = None
            if chunk is None and self._overrun is not None and self.damage is None:
                # The split's own bytes are read: go on into the next split's only to finish an open page.
                self.limit = self._carry_offset + len(self._carry)
                self._chunks, self._overrun = self._overrun, None
                continue
            if chunk is None:
                self._exhausted = True
                if self._skipping:
                    self._carry = b""  # the middle of a page that another split reads
                if self._carry:
                    self._backlog.append((self._carry_offset, self._carry, _page_tags(self._carry, self._carry_offset)))
                    self._carry = b""
                if self._suffix and self.damage is None:
                    self._backlog.append((None, self._suffix, []))
                continue
            if self.limit is None:
                self._stats.decompressed_bytes += len(chunk)
            data = self._carry + chunk
            offset = self._carry_offset
            if self._skipping:
                data, offset = self._skip_to_page(data, offset)
                if self._skipping:
                    if self.limit is not None and self._carry_offset >= self.limit:
                        self._chunks = iter(())  # no page starts in this split
                    continue
            cut = max(len(data) - CARRY, 0)
            # Step back over UTF-8 continuation bytes so a character is never cut in two.
            for _ in range(3):
                if cut and 0x80 <= data[cut] <= 0xBF:
                    cut -= 1
            # Tags are searched in the whole data so that one straddling the cut still counts, once.
            starts = [start for start in _page_tags(data, offset) if start < offset + cut]
            self._carry, self._carry_offset = data[cut:], offset + cut
            if cut:
                yield offset, data[:cut], starts

    def _skip_to_page(self, data: bytes, offset: int) -> tuple[bytes, int]:
        """Drops the bytes before the first <page> tag (the end of a page that began in an earlier split)."""
        found = data.find(PAGE_TAG)
        if found < 0:
            keep = min(len(data), CARRY)
            self._carry, self._carry_offset = data[len(data) - keep :], offset + len(data) - keep
            return b"", offset
        self._skipping = False
        return data[found:], offset + found

    def next_piece(self) -> bytes | None:
        for offset, piece, starts in self._pieces():
            if not piece:
                continue
            self._last = (offset, piece, starts)
            self.page_starts.extend(starts)
            return self._valid_utf8(offset, piece)
        return None

    def _valid_utf8(self, offset: int | None, piece: bytes) -> bytes:
        if piece.isascii():
            return piece
        try:
            piece.decode("utf-8")
            return piece
        except UnicodeDecodeError as exc:
            where = None if offset is None else offset + exc.start
            self.repairs.append((where, excerpt_of(piece[max(exc.start - 60, 0) : exc.start + 60])))
            return piece.decode("utf-8", "replace").encode("utf-8")

    def restart_document(self) -> None:
        """Puts the original root start tag in front of the remaining input, for a fresh parser."""
        tag = self.root_start_tag
        assert tag is not None  # only a document that started can be restarted
        self._backlog.appendleft((-len(tag), tag, []))

    def resync(self) -> int | None:
        """Drops the parser's remaining input up to the next <page> tag; returns its offset or None."""
        pending = list(self.page_starts)
        self.page_starts.clear()
        last_offset, last_piece, last_starts = self._last or (None, b"", [])
        if pending and last_offset is not None:
            start = pending[0]
            self._backlog.appendleft((start, last_piece[start - last_offset :], [s for s in last_starts if s >= start]))
            return start
        for offset, piece, starts in self._pieces():
            if offset is None:
                continue
            if starts:
                start = starts[0]
                self._backlog.appendleft((start, piece[start - offset :], starts))
                return start
        return None

    def events(self, parser: XMLPullParser) -> Iterator[tuple]:
        prolog = b""
        while True:
            yield from parser.read_events()
            piece = self.next_piece()
            if piece is not None and self.root_start_tag is None:
                # Hold the input back until the root start tag is whole: the prolog must be checked first.
                prolog += piece
                if not self._check_prolog(prolog):
                    continue
                piece, prolog = prolog, b""
            if piece is None:
                if self.root_start_tag is None:
                    self._check_prolog(prolog, final=True)
                try:
                    parser.close()
                except ParseError:
                    raise EndOfInput(False, self.damage) from None
                yield from parser.read_events()
                raise EndOfInput(self.damage is None, self.damage)
            parser.feed(piece)

    def _check_prolog(self, data: bytes, final: bool = False) -> bool:
        """True once the <mediawiki> start tag is seen; raises on entity declarations or non-dumps."""
        match = ROOT_START.search(data, 0, PROLOG_LIMIT)
        if match is None:
            start = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]  # a UTF-8 byte order mark is allowed
            if final or len(data) >= PROLOG_LIMIT or start not in (b"", b"<"):
                raise MalformedDumpError(f"not a MediaWiki XML dump (starts with {excerpt_of(data[:60])!r})")
            return False
        prolog = data[: match.start()]
        if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
            raise MalformedDumpError("declares a DOCTYPE or XML entities; refusing to expand them")
        self.root_start_tag = match.group(0)
        return True
