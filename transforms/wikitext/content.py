"""The content job's page processor: one scan of a revision's wikitext, in the native engine, feeds seven
datasets, whose rows the engine makes and hands over as Arrow batches (engine/src/rows.rs).

`ContentPages(options)` is what `ReadFromXmlDump` calls for each page. By default it keeps only the text
of the page's latest revision (latest by timestamp, then id) while the revisions stream by; with
`all_revisions` it scans every revision. Pages outside the chosen namespaces, redirects (unless asked
for), revisions without text and non-wikitext content models are counted as filtered. A page that is
too large, or whose scan outlives its time budget, becomes an `errors` row instead of a stall.

Every revision read is accounted for: scanned (one plain_text row each), dropped with an `errors` row,
or filtered: with its page (namespace, redirect, no-text, ...), or as `superseded` by its page's latest
revision when only that one is read.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from typing import Iterator

from schemas import ARTICLE_QUALITY, CITATIONS, INFOBOXES, LINKS, PLAIN_TEXT, SECTIONS, TABLES
from transforms.common.problems import DUPLICATE_REVISION, Filtered, Problem, excerpt_of
from transforms.defaults import MAX_PAGE_BYTES as DEFAULT_MAX_PAGE_BYTES
from transforms.defaults import PAGE_SECONDS as DEFAULT_PAGE_SECONDS
from transforms.datasets.rows import Appended, each_row
from transforms.wikitext.engine import ContentRows, scan_into
from transforms.wikitext.scanner import ScanTimeout
from transforms.wikitext.titles import TitleResolver
from transforms.xml.inputs import XmlInput
from transforms.xml.records import Item, Page, Revision, SiteInfo

CONTENT_DATASETS = (PLAIN_TEXT, SECTIONS, CITATIONS, LINKS, ARTICLE_QUALITY, INFOBOXES, TABLES)
# Large text columns, which also bound the size of a batch of rows.
TEXT_COLUMNS = {PLAIN_TEXT: "text", SECTIONS: "text", CITATIONS: "raw_wikitext", INFOBOXES: "value_wikitext"}
DEFAULT_NAMESPACES = frozenset({0})
# A redirect page starts with the redirect magic word (localised: #WEITERLEITUNG, #REDIRECCIÓN, ...).
REDIRECT_LINE = re.compile(r"^\s*#[^\s\[]+[ \t]*:?[ \t]*(?=\[\[)")
ENGLISH_REDIRECT = re.compile(r"^\s*#redirect[ \t]*:?[ \t]*(?=\[\[)", re.IGNORECASE)
WIKITEXT_MODELS = (None, "wikitext")


@dataclass(frozen=True)
class ContentOptions:
    """What the content job reads, and how much one page may cost.

    Attributes:
        namespaces: namespaces whose pages are read; others are filtered.
        include_redirects: read redirect pages too (their link to the target is in `links`).
        all_revisions: one set of rows per revision instead of per page.
        max_page_bytes: larger revisions become `errors` rows (page-too-large).
        page_seconds: time budget of one revision's extraction (page-timeout beyond it).
        datasets: the content datasets written, in CONTENT_DATASETS' order; plain_text always, as its one row
            per revision scanned is what the run's counts and its dedupe of pages rest on. Rows of the others
            are not built when they are not asked for.
        math: what `<math>` becomes in plain_text: tex, placeholder or drop (engine.MATH_MODES).
    """

    namespaces: frozenset[int] = DEFAULT_NAMESPACES
    include_redirects: bool = False
    all_revisions: bool = False
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES
    page_seconds: float = DEFAULT_PAGE_SECONDS
    datasets: tuple[str, ...] = CONTENT_DATASETS
    math: str = "tex"

    def __post_init__(self):
        if PLAIN_TEXT not in self.datasets or not set(self.datasets) <= set(CONTENT_DATASETS):
            raise ValueError(f"content datasets {self.datasets}: plain_text, with any of "
                             f"{', '.join(CONTENT_DATASETS[1:])}")


def extract_content(text: str, page: Page, revision: Revision, resolver: TitleResolver,
                    deadline: float | None = None, math: str = "tex",
                    datasets: tuple[str, ...] = CONTENT_DATASETS) -> dict[str, list[dict]]:
    """The rows of one revision, as `page_rows` makes them, as lists of dicts per dataset (read back from the
    engine's batches: timestamps as datetimes): for tests and benchmarks of one page."""
    rows = ContentRows()
    found = page_rows(rows, text, page, revision, resolver, deadline, math, datasets)
    return {dataset: rows.take(dataset, appended.count).to_pylist() for dataset, appended in found.items()}


def page_rows(rows: ContentRows, text: str, page: Page, revision: Revision, resolver: TitleResolver,
              deadline: float | None = None, math: str = "tex", datasets: tuple[str, ...] = CONTENT_DATASETS
              ) -> dict[str, Appended]:
    """The rows of the content datasets asked for, for one revision's wikitext: made in the engine from a
    single scan (engine/src/rows.rs) and appended to `rows`, one `Appended` per dataset saying how many.

    Raises:
        ScanTimeout: when `deadline` (a `time.perf_counter()` value) passes; nothing is appended then.
        EngineError: when the engine refuses the page (nesting beyond its bounds, a fault caught in it).
    """
    wikitext = text
    if page.is_redirect:
        wikitext = REDIRECT_LINE.sub("", wikitext, count=1)
    elif match := ENGLISH_REDIRECT.match(wikitext):
        wikitext = wikitext[match.end():]
    keys = (page.page_id, page.namespace, page.title, revision.id, revision.timestamp, len(text))
    added = scan_into(rows, resolver, keys, wikitext, deadline=deadline, math=math, datasets=datasets)
    return {dataset: Appended(rows, *added.get(dataset, (0, 0)), page.page_id, revision.id) for dataset in datasets}


@dataclass
class ContentPages:
    """`process_page` for ReadFromXmlDump: a page in, content rows (or Problems, or Filtered) out."""

    options: ContentOptions = ContentOptions()
    _resolvers: dict = field(default_factory=dict, init=False, repr=False)  # per input file
    # The rows made in the engine until the reader's batcher takes them; made where the pages are read (it
    # cannot be pickled with the processor).
    _rows: ContentRows | None = field(default=None, init=False, repr=False)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_rows": None}

    def __call__(self, page: Page, source: XmlInput) -> Iterator[Item]:
        options = self.options
        if page.namespace not in options.namespaces:
            yield from self._filtered(page, "namespace")
        elif page.is_redirect and not options.include_redirects:
            yield from self._filtered(page, "redirect")
        elif options.all_revisions:
            yield from self._every_revision(page, self._resolver(source))
        else:
            yield from self._latest_revision(page, self._resolver(source))

    def _resolver(self, source: XmlInput) -> TitleResolver:
        resolver = self._resolvers.get(source.path)
        if resolver is None:
            # The wiki's language (namespace aliases) comes from its name, which --wiki-db may have given.
            siteinfo = replace(source.siteinfo or SiteInfo(), wiki_db=source.wiki_db)
            resolver = self._resolvers[source.path] = TitleResolver(siteinfo)
        return resolver

    def _filtered(self, page: Page, reason: str, revisions: int | None = None) -> Iterator[Filtered]:
        """A page left out, and its revisions with it (all of them are read, to count them)."""
        yield Filtered(reason, "page", page.page_id)
        count = sum(1 for _ in page.revisions) if revisions is None else revisions
        if count:
            yield Filtered(reason, "revision", page.page_id, count)

    def _latest_revision(self, page: Page, resolver: TitleResolver) -> Iterator[Item]:
        latest = None
        count = 0
        for revision in page.revisions:  # only the latest text so far is kept while the history streams
            count += 1
            if latest is None or (revision.timestamp, revision.id) > (latest.timestamp, latest.id):
                latest = revision
        reason = "no-revision" if latest is None else self._unusable(latest)
        if reason is None and not self.options.include_redirects and ENGLISH_REDIRECT.match(latest.text):
            reason = "redirect"  # exports before 0.4 have no <redirect> element
        if reason is not None:
            yield from self._filtered(page, reason, count)
            return
        if count > 1:  # the page is its latest revision; the older ones are left out by that rule
            yield Filtered("superseded", "revision", page.page_id, count - 1)
        yield from self._extract(page, latest, resolver, "page", revisions_read=count)

    def _every_revision(self, page: Page, resolver: TitleResolver) -> Iterator[Item]:
        seen: set[int] = set()
        for revision in page.revisions:
            if revision.id in seen:
                yield Problem(DUPLICATE_REVISION, f"revision {revision.id} appears twice in page {page.page_id}; "
                              "later copy dropped", "revision", True, page.offset, page.page_id, revision.id)
                continue
            seen.add(revision.id)
            reason = self._unusable(revision)
            if reason is None and not self.options.include_redirects and ENGLISH_REDIRECT.match(revision.text):
                reason = "redirect"
            if reason is not None:
                yield Filtered(reason, "revision", page.page_id)
                continue
            yield from self._extract(page, revision, resolver, "revision")

    @staticmethod
    def _unusable(revision: Revision) -> str | None:
        if revision.text is None:
            return "no-text"  # deleted, suppressed, or a stub dump
        if revision.model not in WIKITEXT_MODELS:
            return "content-model"
        return None

    def _extract(self, page: Page, revision: Revision, resolver: TitleResolver, record_kind: str, *,
                 revisions_read: int = 0) -> Iterator[Item]:
        """The rows of one revision, or the Problem that drops it (its page, when `record_kind` is "page":
        `revisions_read` then says how many of the page's revisions go with it)."""
        options = self.options
        size = revision.text_bytes if revision.text_bytes is not None else len(revision.text)
        if size > options.max_page_bytes:
            yield Problem("page-too-large", f"revision has {size:,} bytes of wikitext, more than the "
                          f"{options.max_page_bytes:,} allowed (--max-page-mb); it was not scanned", record_kind,
                          True, page.offset, page.page_id, revision.id, excerpt_of(page.full_title), revisions_read)
            return
        try:
            if self._rows is None:
                self._rows = ContentRows()
            rows = page_rows(self._rows, revision.text, page, revision, resolver,
                             time.perf_counter() + options.page_seconds, options.math, options.datasets)
        except ScanTimeout:
            yield Problem("page-timeout", f"extraction took longer than {options.page_seconds:g} s "
                          "(--page-timeout); the revision was left out", record_kind, True, page.offset,
                          page.page_id, revision.id, excerpt_of(page.full_title), revisions_read)
            return
        except Exception as exc:  # one unreadable revision must not cost the rest of its history
            yield Problem("content-extraction", f"{type(exc).__name__}: {exc}", record_kind, True, page.offset,
                          page.page_id, revision.id, excerpt_of(page.full_title), revisions_read)
            return
        yield from each_row(rows, options.datasets)
