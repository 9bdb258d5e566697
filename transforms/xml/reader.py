"""Streaming reader for MediaWiki XML export dumps (export versions 0.3 to 0.11).

The native engine's scanner (engine/src/xml.rs) reads the XML into events: the root, <siteinfo>, each
page's header fields and its revisions already decoded (ids, timestamps, deleted fields, sizes, sha1s).
Here they become pages whose revisions stream lazily to a page processor; unknown tags are counted.

Around the scanner sits a feeder (feeder.py) that hands it the decompressed bytes piece by piece. When
the XML breaks inside a page, the reader restarts a fresh scanner at the next `<page>` so that one bad page
costs one page, not the rest of the file. Pages and revisions come out as the plain values of records.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator
from xml.etree.ElementTree import ParseError

from transforms.common.files import DamagedInputError, TruncatedInputError
from transforms.common.problems import DAMAGED_INPUT, TRUNCATED_INPUT, Problem, excerpt_of
from transforms.wikitext._engine import DumpScanner
from transforms.xml.feeder import EndOfInput, Feeder
from transforms.xml.records import Item, MalformedDumpError, Page, ReadStats, Revision, SiteInfo

# Children of <page> that are known and not used.
UNUSED_PAGE_FIELDS = ("restrictions", "DiscussionThreading")


@dataclass
class DumpHeader:
    """What the root element and <siteinfo> tell about a dump."""

    export_version: str | None
    siteinfo: SiteInfo | None



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
        texts: hand revision texts to `process_page`; without, `Revision.text` is None and only the text's
            size, sha1 and redirect line are known (the scanner drops the text once it measured it).
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
        texts: bool = True,
    ):
        self.stats = ReadStats()
        self.header = DumpHeader(None, siteinfo)
        self.stream_offset = stream_offset
        self._feeder = Feeder(chunks, prefix, suffix, self.stats, overrun, skip_to_page)
        self._process_page = process_page
        self._texts = texts
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
            except EndOfInput as end:
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
            # A fresh scanner needs a root element to sit in; the original start tag is put back in front.
            feeder.restart_document()
        events = feeder.events(DumpScanner(self._texts))
        for event in events:
            kind = event[0]
            if kind == "page":
                current.clear()
                offset = feeder.page_starts.popleft() if feeder.page_starts else None
                if feeder.limit is not None and offset is not None and offset >= feeder.limit:
                    return  # the page starts in the next split, which reads it
                current["offset"] = offset
                current["revisions_before"] = self.stats.revisions
                self.stats.pages += 1
                yield from self._read_page(events, current)
                yield from self._repair_problems(current)
                current.clear()
            elif kind == "root":
                if event[1] != "mediawiki":
                    raise MalformedDumpError(f"root element is <{event[1]}>, not <mediawiki>")
                if self.header.export_version is None:
                    self.header.export_version = event[2]
            elif kind == "siteinfo":
                if resumed_at is None:
                    self.header.siteinfo = SiteInfo.from_fields(*event[1:])
            elif kind == "unknown":
                self.stats.unknown_tags[event[1]] += 1
            elif kind == "end":
                return
            else:
                self._stop(event)

    def _stop(self, event: tuple) -> None:
        """Raises what an event that ends the document means: broken XML, or input that ends too early."""
        if event[0] == "error":
            raise ParseError(event[1])
        raise EndOfInput(False, self._feeder.damage)

    def _skip_page(self, events: Iterator[tuple]) -> None:
        """Walks past the rest of a page that is not read (its revisions are not counted)."""
        for event in events:
            kind = event[0]
            if kind == "page_end":
                return
            if kind in ("error", "truncated"):
                self._stop(event)

    def _read_page(self, events: Iterator[tuple], current: dict) -> Iterator[Item]:
        siteinfo = self.header.siteinfo or SiteInfo()
        full_title = None
        namespace = None
        page_id = None
        redirect_title = None
        is_redirect = False
        has_revisions = False
        try:
            for event in events:
                kind = event[0]
                if kind == "field":
                    _, tag, text, title_attribute = event
                    if tag == "title":
                        full_title = text or ""
                        current["title"] = full_title
                    elif tag == "ns":
                        namespace = int(text)
                    elif tag == "id":
                        page_id = int(text)
                        current["page_id"] = page_id
                    elif tag == "redirect":
                        is_redirect = True
                        redirect_title = title_attribute
                    elif tag not in UNUSED_PAGE_FIELDS:
                        self.stats.unknown_tags[tag] += 1
                elif kind == "first_revision":
                    has_revisions = True
                    break
                elif kind == "page_end":
                    break
                else:
                    self._stop(event)
            if page_id is None or full_title is None:
                raise ValueError("page has no <id>" if page_id is None else "page has no <title>")
        except (ValueError, TypeError) as exc:  # TypeError: an empty <ns/> or <id/>
            yield Problem("bad-page", f"cannot decode page header: {exc}", "page", True,
                          current.get("offset"), page_id, None, excerpt_of(full_title))
            if has_revisions or kind == "field":
                self._skip_page(events)
            return
        if page_id in self.page_ids:
            yield Problem("duplicate-page", f"page id {page_id} appears twice in this input; the later copy is dropped",
                          "page", True, current.get("offset"), page_id, None, excerpt_of(full_title))
            if has_revisions:
                self._skip_page(events)
            return
        self.page_ids.add(page_id)
        if namespace is None:
            namespace, title = siteinfo.namespace_of(full_title)
        else:
            title = siteinfo.strip_prefix(namespace, full_title)
        page = Page(page_id, namespace, title, full_title, redirect_title, is_redirect, current.get("offset"), iter(()))
        page.revisions = self._read_revisions(events, page) if has_revisions else iter(())
        failure = None
        try:
            yield from self._process_page(page)
        except (ParseError, EndOfInput, MalformedDumpError):
            raise
        except Exception as exc:  # a page the processor cannot handle is dropped, not fatal
            failure = exc
        # Whatever process_page left unread must still be walked past (and checked) in the XML.
        for _ in page.revisions:
            pass
        if failure is not None:
            yield Problem("page-processing", f"{type(failure).__name__}: {failure}", "page", True, page.offset,
                          page.page_id, None, excerpt_of(full_title), self._revisions_read(current))
        if not has_revisions:
            self.stats.pages_without_revisions += 1
        yield from page.problems

    def _read_revisions(self, events: Iterator[tuple], page: Page) -> Iterator[Revision]:
        """The page's revisions as the scanner decoded them, up to the end of the page."""
        stats = self.stats
        unknown = stats.unknown_tags
        for event in events:
            kind = event[0]
            if kind == "revision":
                stats.revisions += 1
                revision = Revision()
                (revision.id, revision.parent_id, revision.timestamp, revision.user_id, revision.user_text,
                 revision.user_is_anonymous, revision.user_is_deleted, revision.minor, revision.comment,
                 revision.comment_is_deleted, revision.text, revision.text_is_deleted) = event[1]
                (revision.text_bytes, revision.sha1, revision.model, revision.format, sha1_computed,
                 unknown_tags, empty_text, revision.redirect_line) = event[2]
                for tag in unknown_tags:
                    unknown[tag] += 1
                if sha1_computed:
                    stats.sha1_computed += 1
                if empty_text:
                    stats.empty_texts += 1
                yield revision
            elif kind == "bad_revision":
                stats.revisions += 1
                _, message, revision_id, unknown_tags = event
                for tag in unknown_tags:
                    unknown[tag] += 1
                page.problems.append(Problem("bad-revision", f"cannot decode revision: {message}", "revision", True,
                                             page.offset, page.page_id, revision_id, None))
            elif kind == "field":
                unknown[event[1]] += 1
            elif kind == "page_end":
                return
            else:
                if event[2]:
                    stats.revisions += 1  # the revision the XML broke or ended in was read up to there
                self._stop(event)

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

    def _revisions_read(self, current: dict) -> int:
        """Revisions of the current page read so far (the one whose XML broke, if any, included)."""
        return self.stats.revisions - current.get("revisions_before", self.stats.revisions)

    def _truncation_problem(self, current: dict, damage: DamagedInputError | None) -> Problem:
        kind = TRUNCATED_INPUT if damage is None or isinstance(damage, TruncatedInputError) else DAMAGED_INPUT
        reason = str(damage) if damage else "the XML ends before </mediawiki>"
        if current:
            return Problem(kind, f"input ends inside this page ({reason}); pages before it are kept", "page", True,
                           current.get("offset"), current.get("page_id"), None, excerpt_of(current.get("title")),
                           self._revisions_read(current))
        return Problem(kind, f"input ends early ({reason}) between pages; every page read is kept", "file", False)

    def _syntax_problem(self, current: dict, exc: ParseError, resumed_at: int | None) -> Problem:
        where = "reading resumed at the next <page>" if resumed_at is not None else "no later <page> to resume at"
        if current:
            return Problem("xml-syntax", f"XML error in page ({exc}); page dropped, {where}", "page", True,
                           current.get("offset"), current.get("page_id"), None, excerpt_of(current.get("title")),
                           self._revisions_read(current))
        return Problem("xml-syntax", f"XML error outside a page ({exc}); {where}", "file", True, resumed_at)
