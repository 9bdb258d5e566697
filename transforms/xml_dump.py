"""Streaming reader for MediaWiki XML export dumps (export versions 0.3 to 0.11), built on mwxml.

mwxml's element iterator does the streaming XML walk. Page and revision decoding is ours because
mwxml raises on tags it does not know (newer export versions add some) and builds heavy objects; here
unknown tags are counted and skipped and records are plain values.

Around the parser sits a feeder that hands it the decompressed bytes piece by piece. It knows the byte
offset of every `<page>` tag, replaces invalid UTF-8 before expat sees it, refuses entity declarations,
and, when the XML breaks inside a page, restarts a fresh parser at the next `<page>` so that one bad page
costs one page, not the rest of the file.
"""
from __future__ import annotations

import codecs
import hashlib
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Iterator
from xml.etree.ElementTree import ParseError, XMLPullParser

import mwxml
from mwxml.element_iterator import ElementIterator, EventPointer

from transforms.dumpfiles import DamagedInputError, TruncatedInputError
from transforms.problems import Filtered, Problem, excerpt_of

PAGE_TAG = b"<page>"
# A <page> tag or a UTF-8 sequence may straddle two chunks: this many bytes wait for the next one.
CARRY = len(PAGE_TAG)
ROOT_START = re.compile(rb"<mediawiki\b[^>]*>")
PROLOG_LIMIT = 1 << 16  # the <mediawiki> start tag must appear within this many bytes
TEMPORARY_ACCOUNT = re.compile(r"^~\d{4}-")
UTF16_DECLARATION = re.compile(r"""encoding\s*=\s*["']utf-?16(?:le|be)?["']""", re.IGNORECASE)


class MalformedDumpError(Exception):
    """The input is not a MediaWiki XML dump, or declares entities we refuse to expand."""


@dataclass
class ReadStats:
    """Counts the reader keeps while it streams; the Beam step turns them into counters."""

    pages: int = 0
    revisions: int = 0
    decompressed_bytes: int = 0
    unknown_tags: Counter = field(default_factory=Counter)
    empty_texts: int = 0
    pages_without_revisions: int = 0
    sha1_computed: int = 0
    source_encoding: str = "utf-8"


class Revision:
    """One revision as plain values. `timestamp` is seconds since the epoch (UTC)."""

    __slots__ = (
        "id", "parent_id", "timestamp", "user_id", "user_text", "user_is_anonymous", "user_is_deleted",
        "minor", "comment", "comment_is_deleted", "text", "text_is_deleted", "text_bytes", "sha1",
        "model", "format",
    )

    def __init__(self):
        self.id = None
        self.parent_id = None
        self.timestamp = None
        self.user_id = None
        self.user_text = None
        self.user_is_anonymous = False
        self.user_is_deleted = False
        self.minor = False
        self.comment = None
        self.comment_is_deleted = False
        self.text = None  # None when the dump carries no text (stubs, deleted); "" for empty text
        self.text_is_deleted = False
        self.text_bytes = None
        self.sha1 = None
        self.model = None
        self.format = None

    @property
    def user_is_temporary(self) -> bool:
        return bool(self.user_text) and not self.user_is_anonymous and TEMPORARY_ACCOUNT.match(self.user_text) is not None


@dataclass
class SiteInfo:
    """What <siteinfo> says about the wiki: its database name, title case rule and namespaces by number."""

    wiki_db: str | None = None
    sitename: str | None = None
    base: str | None = None
    generator: str | None = None
    case: str | None = None
    namespaces: dict[int, str] = field(default_factory=dict)
    namespace_cases: dict[int, str] = field(default_factory=dict)

    @classmethod
    def from_mwxml(cls, info: mwxml.SiteInfo) -> SiteInfo:
        namespaces = {int(ns.id): ns.name or "" for ns in info.namespaces or ()}
        cases = {int(ns.id): ns.case for ns in info.namespaces or () if ns.case}
        return cls(info.dbname, info.name, info.base, info.generator, info.case, namespaces, cases)

    def namespace_of(self, full_title: str) -> tuple[int, str]:
        """Splits a prefixed title into (namespace, title) the way MediaWiki reads a title."""
        prefix, sep, rest = full_title.partition(":")
        if sep and prefix:
            wanted = prefix.replace("_", " ").strip().casefold()
            for ns_id, name in self.namespaces.items():
                if ns_id != 0 and name.casefold() == wanted:
                    return ns_id, rest
        return 0, full_title

    def strip_prefix(self, namespace: int, full_title: str) -> str:
        if namespace == 0:
            return full_title
        name = self.namespaces.get(namespace)
        if name and full_title[: len(name) + 1].casefold() == (name + ":").casefold():
            return full_title[len(name) + 1 :]
        # Without siteinfo the prefix is still everything before the first colon.
        return full_title.partition(":")[2] or full_title


@dataclass
class Page:
    """A page's header and the lazy iterator over its revisions (which reads the XML as it goes)."""

    page_id: int
    namespace: int
    title: str  # without namespace prefix, as the dump spells it (spaces)
    full_title: str
    redirect_title: str | None
    is_redirect: bool
    offset: int | None
    revisions: Iterator[Revision]
    problems: list[Problem] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------


def mediawiki_sha1(text: str) -> str:
    """MediaWiki's rev_sha1: SHA-1 of the UTF-8 text as a base-36 number, 31 digits, zero-padded."""
    number = int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest(), "big")
    digits = []
    while number:
        number, digit = divmod(number, 36)
        digits.append("0123456789abcdefghijklmnopqrstuvwxyz"[digit])
    return "".join(reversed(digits)).rjust(31, "0")


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_SECONDS: dict[str, int] = {}


def parse_timestamp(text: str) -> int:
    """Seconds since the epoch for a dump timestamp `YYYY-MM-DDTHH:MM:SSZ`."""
    if len(text) != 20 or text[10] != "T" or text[19] != "Z" or text[13] != ":" or text[16] != ":":
        raise ValueError(f"not a dump timestamp: {text!r}")
    day = text[:10]
    seconds = _DAY_SECONDS.get(day)
    if seconds is None:
        seconds = (date.fromisoformat(day).toordinal() - _EPOCH_ORDINAL) * 86400
        if len(_DAY_SECONDS) < 100_000:
            _DAY_SECONDS[day] = seconds
    hour, minute, second = int(text[11:13]), int(text[14:16]), int(text[17:19])
    if hour > 23 or minute > 59 or second > 60:
        raise ValueError(f"not a dump timestamp: {text!r}")
    return seconds + hour * 3600 + minute * 60 + second


# ---------------------------------------------------------------------------------------------------
# Reading whole elements


_LOCAL_NAMES: dict[str, str] = {}


def _local_name(tag: str) -> str:
    """`{http://www.mediawiki.org/xml/export-0.11/}text` -> `text`, cached: dumps use a handful of tags."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag[tag.rfind("}") + 1 :]
        if len(_LOCAL_NAMES) < 10_000:
            _LOCAL_NAMES[tag] = name
    return name


def _read_whole(element: ElementIterator):
    """Reads `element` to its end and returns the finished ElementTree element, children kept
    (ElementIterator.complete() clears them).

    The events are pulled straight from the stream under mwxml's EventPointer: expat guarantees the
    nesting, so counting depth is enough, and skipping the pointer's per-event checks is most of the
    reader's speed on revision-heavy dumps. The pointer's tag stack is then put back in step.
    """
    if element.done:
        return element.element
    events = element.pointer.etree_events
    depth = 1
    while depth:
        event, _ = next(events)
        depth += 1 if event == "start" else -1
    element.pointer.tag_stack.pop()
    element.done = True
    return element.element


def _revision_id_of(element) -> int | None:
    """The id of a revision that failed to decode, when it has a readable one."""
    for child in element:
        if _local_name(child.tag) == "id":
            return int(child.text) if (child.text or "").isdigit() else None
    return None


# ---------------------------------------------------------------------------------------------------
# The feeder: bytes in, validated pieces out, with page offsets.


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


class _EndOfInput(Exception):
    """Raised by the event stream when the input ends; `complete` is False when the XML is unfinished."""

    def __init__(self, complete: bool, damage: DamagedInputError | None):
        super().__init__("end of input")
        self.complete = complete
        self.damage = damage


class _Feeder:
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
                    raise _EndOfInput(False, self.damage) from None
                yield from parser.read_events()
                raise _EndOfInput(self.damage is None, self.damage)
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


# ---------------------------------------------------------------------------------------------------
# The reader


@dataclass
class DumpHeader:
    """What the root element and <siteinfo> tell about a dump."""

    export_version: str | None
    siteinfo: SiteInfo | None


Item = tuple[str, dict] | Problem | Filtered  # (dataset, row) from process_page, a problem, a filtered record


class DumpReader:
    """Reads pages from decompressed dump bytes and runs `process_page` on each while it streams.

    `process_page(page)` is a generator: it consumes `page.revisions` (read lazily from the XML) and
    yields `(dataset, row)` pairs, `Problem`s or `Filtered` records, which the reader passes on. When the
    XML breaks inside a page the reader yields a Problem for the page and resumes at the next one; rows
    the processor yielded before the break stay yielded, so processors that must not leave partial pages
    yield at the end.

    Args:
        chunks: decompressed bytes of the dump (or of a split).
        process_page: called once per page while its revisions are being read.
        prefix: bytes parsed before `chunks` (the header stream of a multistream file).
        suffix: bytes parsed after `chunks` (a closing `</mediawiki>` for a split that ends mid-file).
        siteinfo: namespaces to use when the input has no <siteinfo> of its own.
        overrun: bytes after `chunks` that belong to the next split, read only to finish the page that
            is open when `chunks` end; a page whose `<page>` tag starts in them is left to that split.
        skip_to_page: drop the bytes of `chunks` before the first `<page>` tag (a split that begins
            inside a page). Page offsets still count from the first byte of `chunks`.
        stream_offset: compressed byte offset where decoding of `chunks` began, for `errors` rows
            (None when the input is read from its start).
    """

    def __init__(
        self,
        chunks: Iterable[bytes],
        process_page: Callable[[Page], Iterator[Item]],
        *,
        prefix: bytes = b"",
        suffix: bytes = b"",
        siteinfo: SiteInfo | None = None,
        overrun: Iterable[bytes] | None = None,
        skip_to_page: bool = False,
        stream_offset: int | None = None,
    ):
        self.stats = ReadStats()
        self.header = DumpHeader(None, siteinfo)
        self.stream_offset = stream_offset
        self._feeder = _Feeder(chunks, prefix, suffix, self.stats, overrun, skip_to_page)
        self._process_page = process_page
        self._reported_repairs = 0
        self.page_ids: set[int] = set()

    def __iter__(self) -> Iterator[Item]:
        resumed_at = None
        while True:
            current: dict = {}
            try:
                yield from self._read_document(current, resumed_at)
                yield from self._repair_problems(current)
                return
            except _EndOfInput as end:
                yield from self._repair_problems(current)
                # Past the split's end and between pages, the cut belongs to the split that reads on from there.
                if not end.complete and (current or self._feeder.limit is None):
                    yield self._truncation_problem(current, end.damage)
                return
            except ParseError as exc:
                yield from self._repair_problems(current)
                resumed_at = self._feeder.resync()
                yield self._syntax_problem(current, exc, resumed_at)
                if resumed_at is None:
                    return

    def _read_document(self, current: dict, resumed_at: int | None) -> Iterator[Item]:
        feeder = self._feeder
        if resumed_at is not None:
            # A fresh parser needs a root element to sit in; the original start tag keeps namespaces right.
            feeder.restart_document()
        parser: XMLPullParser = XMLPullParser(events=("start", "end"))
        pointer = EventPointer(feeder.events(parser))
        event, element = next(pointer)
        root = ElementIterator(element, pointer)
        if root.tag != "mediawiki":
            raise MalformedDumpError(f"root element is <{root.tag}>, not <mediawiki>")
        if self.header.export_version is None:
            self.header.export_version = root.attr("version")
        for child in root:
            tag = child.tag
            if tag == "page":
                current.clear()
                offset = feeder.page_starts.popleft() if feeder.page_starts else None
                if feeder.limit is not None and offset is not None and offset >= feeder.limit:
                    return  # the page starts in the next split, which reads it
                current["offset"] = offset
                self.stats.pages += 1
                yield from self._read_page(child, current)
                yield from self._repair_problems(current)
                current.clear()
                # Finished pages stay attached to the root in ElementTree; drop them to keep memory flat.
                del root.element[:]
            elif tag == "siteinfo":
                if resumed_at is None:
                    self.header.siteinfo = SiteInfo.from_mwxml(mwxml.SiteInfo.from_element(child))
            else:
                self.stats.unknown_tags[tag] += 1

    def _read_page(self, element: ElementIterator, current: dict) -> Iterator[Item]:
        siteinfo = self.header.siteinfo or SiteInfo()
        full_title = None
        namespace = None
        page_id = None
        redirect_title = None
        is_redirect = False
        first_revision = None
        children = iter(element)
        try:
            for sub in children:
                tag = sub.tag
                if tag == "title":
                    full_title = sub.text or ""
                    current["title"] = full_title
                elif tag == "ns":
                    namespace = int(sub.text)
                elif tag == "id":
                    page_id = int(sub.text)
                    current["page_id"] = page_id
                elif tag == "redirect":
                    is_redirect = True
                    redirect_title = sub.attr("title")
                elif tag == "revision":
                    first_revision = sub
                    break
                elif tag in ("restrictions", "DiscussionThreading"):
                    sub.text  # known, not used
                else:
                    self.stats.unknown_tags[tag] += 1
            if page_id is None or full_title is None:
                raise ValueError("page has no <id>" if page_id is None else "page has no <title>")
        except ValueError as exc:
            yield Problem("bad-page", f"cannot decode page header: {exc}", "page", True,
                          current.get("offset"), page_id, None, excerpt_of(full_title))
            return
        if page_id in self.page_ids:
            yield Problem("duplicate-page", f"page id {page_id} appears twice in this input; the later copy is dropped",
                          "page", True, current.get("offset"), page_id, None, excerpt_of(full_title))
            return
        self.page_ids.add(page_id)
        if namespace is None:
            namespace, title = siteinfo.namespace_of(full_title)
        else:
            title = siteinfo.strip_prefix(namespace, full_title)
        page = Page(page_id, namespace, title, full_title, redirect_title, is_redirect, current.get("offset"), iter(()))
        page.revisions = self._read_revisions(first_revision, children, page, element)
        try:
            yield from self._process_page(page)
        except (ParseError, _EndOfInput, MalformedDumpError):
            raise
        except Exception as exc:  # a page the processor cannot handle is dropped, not fatal
            yield Problem("page-processing", f"{type(exc).__name__}: {exc}", "page", True, page.offset,
                          page.page_id, None, excerpt_of(full_title))
        # Whatever process_page left unread must still be walked past (and checked) in the XML.
        for _ in page.revisions:
            pass
        if first_revision is None:
            self.stats.pages_without_revisions += 1
        yield from page.problems

    def _read_revisions(
        self, first: ElementIterator | None, children: Iterator, page: Page, page_element: ElementIterator
    ) -> Iterator[Revision]:
        if first is None:
            return
        stats = self.stats
        pending = first
        while True:
            # Read revisions stay attached to the page element; a 15,000-revision page must not keep them.
            del page_element.element[:]
            if pending is not None:
                stats.revisions += 1
                try:
                    revision = self._decode_revision(pending)
                except (ValueError, TypeError) as exc:
                    page.problems.append(Problem(
                        "bad-revision", f"cannot decode revision: {exc}", "revision", True, page.offset, page.page_id,
                        _revision_id_of(pending.element), None,
                    ))
                    pending.clear()
                else:
                    yield revision
            try:
                sub = next(children)
            except StopIteration:
                return
            if sub.tag == "revision":
                pending = sub
            else:
                pending = None
                stats.unknown_tags[sub.tag] += 1

    def _decode_revision(self, element: ElementIterator) -> Revision:
        """Decodes one <revision>, read whole first: a revision's elements are small, except its text,
        which the parser holds anyway, and walking a finished ElementTree element is far cheaper than
        stepping through mwxml's per-child iterators."""
        whole = _read_whole(element)
        revision = Revision()
        sha1_seen = False
        unknown = self.stats.unknown_tags
        for child in whole:
            tag = _local_name(child.tag)
            if tag == "id":
                revision.id = int(child.text)
            elif tag == "timestamp":
                revision.timestamp = parse_timestamp(child.text or "")
            elif tag == "contributor":
                if child.get("deleted") is not None:
                    revision.user_is_deleted = True
                    continue
                for field_element in child:
                    field_tag = _local_name(field_element.tag)
                    if field_tag == "username":
                        revision.user_text = field_element.text
                    elif field_tag == "id":
                        revision.user_id = int(field_element.text)
                    elif field_tag == "ip":
                        revision.user_text = field_element.text
                        revision.user_is_anonymous = True
                    else:
                        unknown[field_tag] += 1
            elif tag == "text":
                attributes = child.attrib
                if "deleted" in attributes:
                    revision.text_is_deleted = True
                if "bytes" in attributes:
                    revision.text_bytes = int(attributes["bytes"])
                text = child.text
                # Stub dumps point at the text (location/id) instead of carrying it.
                if text is None and not revision.text_is_deleted and "location" not in attributes and "id" not in attributes:
                    text = ""
                revision.text = text
                if revision.sha1 is None and attributes.get("sha1"):
                    revision.sha1 = attributes["sha1"]
            elif tag == "sha1":
                # Deleted text has an empty <sha1/> while export 0.11 keeps the slot's sha1 on <text>.
                sha1_seen = True
                if child.text:
                    revision.sha1 = child.text
            elif tag == "parentid":
                revision.parent_id = int(child.text)
            elif tag == "comment":
                if child.get("deleted") is not None:
                    revision.comment_is_deleted = True
                else:
                    revision.comment = child.text or ""
            elif tag == "minor":
                revision.minor = True
            elif tag == "model":
                revision.model = child.text
            elif tag == "format":
                revision.format = child.text
            elif tag != "origin" and tag != "content":  # origin repeats the id; <content> holds other slots
                unknown[tag] += 1
        whole.clear()
        if revision.comment is None and not revision.comment_is_deleted:
            revision.comment = ""  # dumps leave <comment> out when the summary was empty
        if revision.id is None:
            raise ValueError("revision has no <id>")
        if revision.timestamp is None:
            raise ValueError(f"revision {revision.id} has no <timestamp>")
        text = revision.text
        if text is not None:
            if text == "":
                self.stats.empty_texts += 1
            if revision.text_bytes is None:
                revision.text_bytes = len(text.encode("utf-8"))
            if not sha1_seen and revision.sha1 is None:
                # Export versions before 0.5 carry no <sha1>; MediaWiki's definition is reproducible.
                revision.sha1 = mediawiki_sha1(text)
                self.stats.sha1_computed += 1
        return revision

    # -- problems ------------------------------------------------------------------------------------

    def _repair_problems(self, current: dict) -> Iterator[Problem]:
        """Reports the UTF-8 repairs made in the current page's bytes (those before the next <page>)."""
        repairs = self._feeder.repairs
        next_page = self._feeder.page_starts[0] if self._feeder.page_starts else None
        while self._reported_repairs < len(repairs):
            offset, excerpt = repairs[self._reported_repairs]
            if next_page is not None and offset is not None and offset >= next_page:
                return
            self._reported_repairs += 1
            yield Problem(
                "invalid-utf8", "invalid UTF-8 bytes replaced with U+FFFD; the record is kept", "page", False,
                offset, current.get("page_id"), None, excerpt,
            )

    def _truncation_problem(self, current: dict, damage: DamagedInputError | None) -> Problem:
        kind = "truncated-input" if damage is None or isinstance(damage, TruncatedInputError) else "damaged-input"
        reason = str(damage) if damage else "the XML ends before </mediawiki>"
        if current:
            return Problem(kind, f"input ends inside this page ({reason}); pages before it are kept", "page", True,
                           current.get("offset"), current.get("page_id"), None, excerpt_of(current.get("title")))
        return Problem(kind, f"input ends early ({reason}) between pages; every page read is kept", "file", False)

    def _syntax_problem(self, current: dict, exc: ParseError, resumed_at: int | None) -> Problem:
        where = "reading resumed at the next <page>" if resumed_at is not None else "no later <page> to resume at"
        if current:
            return Problem("xml-syntax", f"XML error in page ({exc}); page dropped, {where}", "page", True,
                           current.get("offset"), current.get("page_id"), None, excerpt_of(current.get("title")))
        return Problem("xml-syntax", f"XML error outside a page ({exc}); {where}", "file", True, resumed_at)
