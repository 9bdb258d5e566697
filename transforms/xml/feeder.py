"""The feeder between decompressed bytes and the XML parser: validated pieces out, with page offsets.

It knows the byte offset of every `<page>` tag, replaces invalid UTF-8 before the scanner (engine/src/xml.rs) sees it, parses the
prolog and refuses DTDs and entity declarations, transcodes UTF-16 copies, and can restart the document
at the next `<page>` after the XML broke inside a page (reader.py decides when).
"""
from __future__ import annotations

import codecs
import re
from collections import deque
from typing import Iterable, Iterator

from transforms.common.files import DamagedInputError, TruncatedInputError
from transforms.common.problems import excerpt_of
from transforms.wikitext._engine import DumpScanner, invalid_utf8_at
from transforms.xml.records import MalformedDumpError, ReadStats

PAGE_TAG = b"<page>"
# A <page> tag or a UTF-8 sequence may straddle two chunks: this many bytes wait for the next one.
CARRY = len(PAGE_TAG)
ROOT_NAME = b"mediawiki"
PROLOG_LIMIT = 1 << 16  # the <mediawiki> start tag must appear within this many bytes
# Bytes a markup start must show before it can be told apart (`<!DOCTYPE`, `<!NOTATION `, `<mediawiki `).
LOOKAHEAD = 16
XML_SPACE = b" \t\r\n"
# Markup declarations: they belong in a DTD, and MediaWiki dumps have none.
DECLARATIONS = (b"DOCTYPE", b"ENTITY", b"ELEMENT", b"ATTLIST", b"NOTATION")
WORD = re.compile(rb"[^\s<>/\[\]\"'=?!]*")
REFUSAL = "refusing to expand DTDs and XML entities (MediaWiki dumps have none)"


def _utf16_codec(head: bytes) -> str | None:
    """The codec of a UTF-16 copy from its first bytes, or None for UTF-8.

    Besides a byte order mark, expat takes a NUL in either of the first two bytes for UTF-16 without
    one; such files are transcoded too, so that the prolog check and the scanner read the same characters.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 2 and head[1] == 0 and head[0] in b"<" + XML_SPACE:
        return "utf-16-le"
    if len(head) >= 2 and head[0] == 0 and head[1] in b"<" + XML_SPACE:
        return "utf-16-be"
    return None


def _as_utf8(chunks: Iterator[bytes], stats: ReadStats) -> Iterator[bytes]:
    """The input as UTF-8. Wikimedia writes UTF-8, but re-encoded copies in UTF-16 circulate; they are
    transcoded on the fly, so their offsets count UTF-8 bytes. (Their XML declaration, which says UTF-16,
    never reaches the scanner: the prolog is blanked before it is parsed.)"""
    first = b""
    for chunk in chunks:
        first += chunk
        if len(first) >= 2:
            break
    codec = _utf16_codec(first)
    if codec is None:
        if first:
            yield first
        yield from chunks
        return
    stats.source_encoding = "utf-16"
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    yield decoder.decode(first).encode("utf-8")
    for chunk in chunks:
        yield decoder.decode(chunk).encode("utf-8")
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail.encode("utf-8")


# ---------------------------------------------------------------------------------------------------
# The prolog: what comes before the root element


def scan_prolog(data: bytes, final: bool = False) -> tuple[int, int] | None:
    """Parses a dump's prolog up to the end of its `<mediawiki>` start tag; refuses any DTD in it.

    The grammar accepted is XML 1.0's prolog without a DTD: an optional UTF-8 byte order mark, then any
    run of whitespace, comments (`<!-- ... -->`) and processing instructions (`<? ... ?>`, the XML
    declaration among them, wherever it stands), then `<mediawiki` and its attributes up to `>` (quoted
    values may hold `>`). A DOCTYPE in any form (an external identifier, an internal subset with quoted
    literals, comments, processing instructions or nested brackets) or any other markup declaration
    before the root is refused: a DTD is where entities are declared, which expand into a page's text
    (billions of laughs) or read other files (external entities). A DOCTYPE is still parsed to its end,
    so that an HTML page (`<!DOCTYPE html><html>`) is reported as what it is, not a dump. A processing
    instruction that holds a DOCTYPE or an entity declaration is refused as well.

    Args:
        data: the first bytes of the document (UTF-8: `_as_utf8` transcoded UTF-16 copies).
        final: no more bytes will come.

    Returns:
        (start, end) of the `<mediawiki ...>` start tag in `data`, or None until enough bytes are there.

    Raises:
        MalformedDumpError: a DTD or entity declaration before the root, or not a MediaWiki dump at all.
    """
    window = data[:PROLOG_LIMIT]
    complete = final or len(data) >= PROLOG_LIMIT
    position = len(codecs.BOM_UTF8) if window.startswith(codecs.BOM_UTF8) else 0
    doctype_at = None
    while True:
        while position < len(window) and window[position] in XML_SPACE:
            position += 1
        if position < len(window) and window[position] != ord("<"):
            raise _not_a_dump(data)
        if len(window) - position < LOOKAHEAD and not complete:
            return None  # the markup ahead cannot be told yet
        if position >= len(window):
            end = None
        elif window.startswith(b"<!--", position):
            end = _end_of(window, b"-->", position + 4)
        elif window.startswith(b"<?", position):
            end = _end_of(window, b"?>", position + 2)
            if end is not None and (b"<!DOCTYPE" in window[position:end] or b"<!ENTITY" in window[position:end]):
                raise MalformedDumpError(f"a processing instruction declaring a DTD or entities at byte {position}, "
                                         f"before <mediawiki>; {REFUSAL}")
        elif window.startswith(b"<!DOCTYPE", position):
            doctype_at = position if doctype_at is None else doctype_at
            end = _end_of_doctype(window, position + len(b"<!DOCTYPE"))
        elif window.startswith(b"<!", position):
            keyword = WORD.match(window, position + 2).group()
            if keyword in DECLARATIONS:
                raise MalformedDumpError(f"declares <!{keyword.decode()} at byte {position}, before <mediawiki>; "
                                         f"{REFUSAL}")
            raise _not_a_dump(data)
        elif WORD.match(window, position + 1).group() != ROOT_NAME:
            raise _not_a_dump(data)  # another root element: an HTML page, an XML file of another kind
        elif doctype_at is not None:
            raise MalformedDumpError(f"declares a DOCTYPE at byte {doctype_at}, before <mediawiki>; {REFUSAL}")
        else:
            end = _end_of_start_tag(window, position + 1 + len(ROOT_NAME))
            if end is not None:
                _check_start_tag(window[position:end], position)
                return position, end
        if end is None:
            if not complete:
                return None
            if doctype_at is not None:  # an internal subset that never ends, or one longer than the limit
                raise MalformedDumpError(f"declares a DOCTYPE at byte {doctype_at}, before <mediawiki>; {REFUSAL}")
            raise _not_a_dump(data)
        position = end


def _not_a_dump(data: bytes) -> MalformedDumpError:
    if not data:
        return MalformedDumpError("not a MediaWiki XML dump (it is empty)")
    return MalformedDumpError(f"not a MediaWiki XML dump (starts with {excerpt_of(data[:60])!r})")


def _end_of(data: bytes, terminator: bytes, position: int) -> int | None:
    found = data.find(terminator, position)
    return None if found < 0 else found + len(terminator)


def _end_of_doctype(data: bytes, position: int) -> int | None:
    """Where a DOCTYPE whose keyword ends at `position` ends, or None when `data` ends first.

    Quoted literals (system and public ids, entity values) may hold `>`, `[` and `]`; inside the internal
    subset so may comments and processing instructions. Brackets are counted, so a `>` only ends the
    DOCTYPE outside them.
    """
    depth = 0
    while position < len(data):
        byte = data[position]
        if byte in b"\"'":
            position = _end_of(data, data[position : position + 1], position + 1)
        elif depth and data.startswith(b"<!--", position):
            position = _end_of(data, b"-->", position + 4)
        elif depth and data.startswith(b"<?", position):
            position = _end_of(data, b"?>", position + 2)
        else:
            if byte == ord(">") and depth <= 0:
                return position + 1
            depth += (byte == ord("[")) - (byte == ord("]"))
            position += 1
        if position is None:
            return None
    return None


def _end_of_start_tag(data: bytes, position: int) -> int | None:
    """Where a start tag whose name ends at `position` ends: after the first `>` outside quoted values."""
    while position < len(data):
        byte = data[position]
        if byte in b"\"'":
            position = _end_of(data, data[position : position + 1], position + 1)
            if position is None:
                return None
        elif byte == ord(">"):
            return position + 1
        elif byte == ord("<"):
            raise MalformedDumpError(f"the <mediawiki> start tag is not closed before the '<' at byte {position}")
        else:
            position += 1
    return None


def _check_start_tag(tag: bytes, position: int) -> None:
    """Refuses a root start tag that the scanner cannot read (a duplicate attribute, a stray '<').

    Every restart after a broken page begins with this tag: if it failed, no page could ever be read.
    """
    scanner = DumpScanner()
    scanner.feed(tag)
    scanner.close()
    for event in scanner.events():
        if event[0] == "error":
            reason = event[1].partition(":")[0]  # what follows is the line and column within the tag
            raise MalformedDumpError(f"the <mediawiki> start tag at byte {position} is malformed ({reason})")


def _blanked(prolog: bytes) -> bytes:
    """The prolog with every character but line breaks turned into a space.

    The scanner is fed this instead of the prolog, so whatever the prolog check could have missed, it never
    sees a DOCTYPE and no declaration can make it read the UTF-8 it is given in another encoding; line and
    column numbers in its errors stay the file's.
    """
    return re.sub(r"[^\r\n]", " ", prolog.decode("utf-8", "replace")).encode("utf-8")


def _unreadable_start(damage: DamagedInputError) -> MalformedDumpError:
    """The refusal of an input whose compressed data breaks before the `<mediawiki>` start tag."""
    if isinstance(damage, TruncatedInputError):
        return MalformedDumpError("the compressed data is truncated: it ends before the <mediawiki> start tag, "
                                  "so nothing can be read (the file was cut short)")
    return MalformedDumpError(f"the compressed data is corrupt before the <mediawiki> start tag, so nothing can "
                              f"be read ({damage})")


# ---------------------------------------------------------------------------------------------------


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
        start = invalid_utf8_at(piece)
        if start is None:
            return piece
        where = None if offset is None else offset + start
        self.repairs.append((where, excerpt_of(piece[max(start - 60, 0) : start + 60])))
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

    def events(self, scanner) -> Iterator[tuple]:
        """The scanner's events (engine/src/xml.rs) over the input, fed piece by piece as they are wanted.

        The last event ends the document: "end" (the root closed), "error" (broken XML) or "truncated".
        """
        prolog = b""
        while True:
            events = scanner.events()
            if events:
                yield from events
                continue
            piece = self.next_piece()
            if self.root_start_tag is None:
                # Hold the input back until the root start tag is whole: the prolog must be checked first.
                if piece is not None:
                    prolog += piece
                found = self._check_prolog(prolog, final=piece is None)
                if found is None:
                    continue
                start, end = found
                self.root_start_tag = prolog[start:end]
                # The scanner never sees the prolog itself, only blanks in its place (see _blanked).
                piece, prolog = _blanked(prolog[:start]) + prolog[start:], b""
            if piece is None:
                scanner.close()
                while events := scanner.events():
                    yield from events
                return
            scanner.feed(piece)

    def _check_prolog(self, data: bytes, final: bool) -> tuple[int, int] | None:
        """The root start tag's (start, end) once it is whole (see `scan_prolog`); raises on refusal."""
        if final and self.damage is not None:
            scan_prolog(data)  # what was decoded may already show another file or a DTD
            raise _unreadable_start(self.damage)
        return scan_prolog(data, final)
