"""The native engine (engine/, Rust): the wikitext scan of one page, with the site data handed over once.

`scan(wikitext, resolver, deadline=...)` reads a page into a `scanner.Scan`. The engine of a wiki is built
once from its `TitleResolver` (namespace names, case rules, language), the scanner's tables and the
standard library's HTML entities, so that no Python runs inside a page. A page the engine refuses
(nesting beyond its bounds, a fault caught in the engine) raises `EngineError`; a page past its deadline
raises `ScanTimeout`: either becomes an `errors` row of the content job.
"""
from __future__ import annotations

import html
import html.entities
import time
from functools import lru_cache

import pyarrow as pa

from transforms.wikitext import citations, inline, scanner, structures
from transforms.wikitext._engine import ContentRows, Engine
from transforms.wikitext.scanner import Link, Ref, Scan, ScanTimeout, Section, Template
from transforms.wikitext.sitedata import INTERWIKI_PREFIXES, MAGIC_WORDS, WIKIPEDIA_LANGUAGES
from transforms.wikitext.titles import LinkTarget, TitleResolver


# What `<math>` becomes in the text: its TeX between MATH_MARKERS (`⟦E=mc^2⟧`), the markers around the word
# math (`⟦math⟧`), or nothing (the page's constructs_out_of_range then says math-dropped).
MATH_MODES = ("tex", "placeholder", "drop")
MATH_MARKERS = ("\u27e6", "\u27e7")


class EngineError(Exception):
    """The engine could not read a page (nesting beyond its bounds, or a fault caught in the engine)."""


@lru_cache(maxsize=1)
def _folds() -> dict[str, str]:
    # Characters whose casefold() is not their lower(): the engine lower-cases the rest itself.
    return {c: c.casefold() for c in map(chr, range(128, 0x30000)) if c.casefold() != c.lower()}


def engine_for(resolver: TitleResolver) -> Engine:
    """The engine of the wiki `resolver` reads titles for."""
    rules, months, thousands = inline.site_rules(resolver.language)
    return Engine(
        resolver._namespaces, {ns: case == "first-letter" for ns, case in resolver._cases.items()},
        resolver._default_case == "first-letter", resolver.language, set(WIKIPEDIA_LANGUAGES),
        set(INTERWIKI_PREFIXES), _folds(), html.entities.html5, html._invalid_charrefs,  # type: ignore[attr-defined]
        set(html._invalid_codepoints), rules, set(scanner.TRANSPARENT_TAGS),  # type: ignore[attr-defined]
        set(scanner.DROPPED_TAGS), set(scanner.OPAQUE_TAGS), set(scanner.LINE_BREAK_TAGS),
        set(citations.SOURCE_TYPES) | set(citations.IDENTIFIER_TEMPLATES) | citations.SHORT_FOOTNOTES
        | citations.ANCHOR_TEMPLATES, list(citations.CITATION_PREFIXES), months, thousands, set(MAGIC_WORDS),
        structures.infobox_prefixes(resolver.language), citations.SOURCE_TYPES, citations.IDENTIFIER_TEMPLATES,
        citations.PARAMETER_FIELD, {language: set(names) for language, names in citations.QUOTATION_TEMPLATES.items()},
        set(citations.SHORT_FOOTNOTES), set(citations.ANCHOR_TEMPLATES), citations.RAW_LIMIT)


_TARGETS: dict[tuple, LinkTarget] = {}


def _target(values: tuple | None) -> LinkTarget | None:
    if values is None:
        return None
    found = _TARGETS.get(values)
    if found is None:
        if len(_TARGETS) >= 200_000:
            _TARGETS.clear()
        found = _TARGETS[values] = LinkTarget(*values)
    return found


# The engine of each resolver (one per wiki read by this process), with the resolver kept alive so that its id
# is not reused.
_ENGINES: dict[int, tuple[TitleResolver, Engine]] = {}


def scan(wikitext: str, resolver: TitleResolver, *, deadline: float | None = None, math: str = "tex") -> Scan:
    """Scans one page's wikitext once, on the wiki `resolver` reads titles for; `math` says what `<math>`
    becomes in the text (MATH_MODES).

    Raises:
        ScanTimeout: when `deadline` (a `time.perf_counter()` value) passes during the scan.
        EngineError: when the engine refuses the page.
    """
    return scan_page(engine_of(resolver), wikitext, deadline, math)


def engine_of(resolver: TitleResolver) -> Engine:
    """The engine of the wiki `resolver` reads titles for, built once per resolver."""
    found = _ENGINES.get(id(resolver))
    if found is None:
        if len(_ENGINES) >= 64:
            _ENGINES.clear()
        found = _ENGINES[id(resolver)] = (resolver, engine_for(resolver))
    return found[1]


def fragment_text(wikitext: str, resolver: TitleResolver, *, math: str = "tex") -> str:
    """The plain text of a piece of wikitext (a page, an infobox value, a table cell) as plain_text reads
    it: inline templates expanded by the wiki's rules, markup and tables removed, link labels kept."""
    return scan(wikitext, resolver, math=math).text


def scan_page(engine: Engine, wikitext: str, deadline: float | None = None, math: str = "tex") -> Scan:
    """The page's scan, read by `engine`."""
    return _scan_of(_checked(engine.scan(wikitext, _seconds(deadline), math)))


def scan_into(rows: ContentRows, resolver: TitleResolver, page_keys: tuple[int, int, str, int, int | None, int],
              wikitext: str, *, deadline: float | None = None, math: str = "tex",
              datasets: tuple[str, ...] = ("plain_text",)) -> dict[str, tuple[int, int]]:
    """Scans one page and appends its rows, made in the engine, to `rows` for the content datasets named in
    `datasets` (plain_text always). `page_keys`: page id, namespace, title (with spaces), revision id,
    timestamp, and the length of the wikitext as read (before a redirect line is taken off). Hands back
    {dataset: (rows, bytes of its text column)} of each dataset that gained rows.

    Raises:
        ScanTimeout, EngineError: as `scan`; nothing is appended then.
    """
    added = _checked(engine_of(resolver).scan_into(rows, *page_keys, wikitext, _seconds(deadline), math,
                                                   list(datasets)))
    return {dataset: (count, size) for dataset, count, size in added}


def rows_of_page(wikitext: str, resolver: TitleResolver, datasets: tuple[str, ...], *, namespace: int = 0,
                 title: str = "Page", length: int | None = None, timestamp: int | None = None,
                 deadline: float | None = None, math: str = "tex") -> dict[str, dict[str, list]]:
    """{dataset: {column: values}} of the rows the engine makes of one page, keys left out and timestamps in
    seconds: what a test or a benchmark reads of a page. `length` defaults to the wikitext's."""
    rows = ContentRows()
    length = len(wikitext) if length is None else length
    added = scan_into(rows, resolver, (1, namespace, title, 1, timestamp, length), wikitext, deadline=deadline,
                      math=math, datasets=datasets)
    found = {}
    for dataset in datasets:
        batch = rows.take(dataset, added.get(dataset, (0, 0))[0])
        found[dataset] = {name: (column.cast(pa.int64()) if pa.types.is_timestamp(column.type) else column).to_pylist()
                          for name, column in zip(batch.schema.names, batch.columns) if name not in _KEYS}
    return found


_KEYS = {"page_id", "page_namespace", "page_title", "revision_id", "source"}


def _seconds(deadline: float | None) -> float | None:
    return None if deadline is None else deadline - time.perf_counter()


def _checked(outcome: tuple):
    """What the engine handed back after "ok"; raises ScanTimeout or EngineError when the page stopped it."""
    status, *found = outcome
    if status == "timeout":
        raise ScanTimeout()
    if status != "ok":
        raise EngineError(f"{status}: {found[0]}" if found[0] else status)
    return found[0] if len(found) == 1 else found


def _scan_of(found: tuple) -> Scan:
    """A `Scan` from the engine's tuples."""
    source, sections, links, templates, refs, skipped, out_of_range = found
    scan = Scan(source)
    for index, level, title, anchor, parent, start, text in sections:
        section = Section(index, level, title, anchor, parent, start)
        section.text = text
        scan.sections.append(section)
    scan.links = [Link(kind, target, _target(resolved), label, caption, start, section)
                  for kind, target, resolved, label, caption, start, section in links]
    scan.templates = [Template(*values) for values in templates]
    scan.refs = [Ref(*values) for values in refs]
    scan.skipped = list(skipped)
    scan.out_of_range = list(out_of_range)
    return scan
