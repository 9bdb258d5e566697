"""Streaming reader for MediaWiki XML export dumps (export versions 0.3 to 0.11), built on mwxml.

mwxml's element iterator does the streaming XML walk. Page and revision decoding is ours because
mwxml raises on tags it does not know (newer export versions add some) and builds heavy objects; here
unknown tags are counted and skipped and records are plain values.

Around the parser sits a feeder (feeder.py) that hands it the decompressed bytes piece by piece. When
the XML breaks inside a page, the reader restarts a fresh parser at the next `<page>` so that one bad page
costs one page, not the rest of the file. Pages and revisions come out as the plain values of records.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator
from xml.etree.ElementTree import ParseError, XMLPullParser

import mwxml
from mwxml.element_iterator import ElementIterator, EventPointer

from transforms.common.files import DamagedInputError, TruncatedInputError
from transforms.common.problems import DAMAGED_INPUT, TRUNCATED_INPUT, Problem, excerpt_of
from transforms.common.timestamps import parse_timestamp
from transforms.xml.feeder import EndOfInput, Feeder
from transforms.xml.records import Item, MalformedDumpError, Page, ReadStats, Revision, SiteInfo, mediawiki_sha1

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
        self._feeder = Feeder(chunks, prefix, suffix, self.stats, overrun, skip_to_page)
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
                current["revisions_before"] = self.stats.revisions
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
