"""`infoboxes` and `tables` rows of a page, from its scan (issue 18).

Which template calls are infoboxes is one declared table, `INFOBOXES`: a template's normalised name
(namespace Template, first letter cased, spaces) starting with one of the prefixes of its wiki's language,
or of every wiki's. The engine (engine/src/structures.rs) reads each infobox's parameters and every
`{| ... |}` table of the source, values and cells turned into plain text by the same scan as plain_text.
"""
from __future__ import annotations

import time
from bisect import bisect_right

from transforms.wikitext.engine import EngineError, engine_of
from transforms.wikitext.scanner import Scan, ScanTimeout
from transforms.wikitext.titles import TitleResolver

TEMPLATE_NAMESPACE = 10
MAX_INFOBOX_NESTING = 3  # infoboxes inside the values of three others are left out (the data card says so)
# Infobox templates per wiki language: name prefixes in lower case ("infobox" matches "Infobox settlement").
# None holds those of every wiki; adding a wiki's own is one entry here.
INFOBOXES: dict[str | None, tuple[str, ...]] = {
    None: ("infobox",),
    "en": ("taxobox", "automatic taxobox", "speciesbox", "subspeciesbox", "infraspeciesbox", "chembox",
           "drugbox", "starbox begin"),
    "fr": ("taxobox", "communefra", "ébauche infobox"),
    "de": ("taxobox",),
    "es": ("ficha de",),
    "it": ("bio", "tassobox", "divisione amministrativa"),
    "pt": ("info/", "taxocaixa"),
    "nl": ("taxobox",),
    "ru": ("карточка", "таксон"),
    "pl": ("takson infobox",),
    "sv": ("faktamall",),
    "bg": ("инфокутия",),
}

# Parameters of an infobox: (name, value as written, value as plain text, [(namespace, title)] of its wikilinks).
INFOBOX_COLUMNS = ("section_index", "infobox_index", "template", "parameter_index", "parameter", "value_text",
                   "value_wikitext", "value_links", "value_link_namespaces")
TABLE_COLUMNS = ("section_index", "table_index", "parent_table_index", "table_class", "caption", "header", "rows",
                 "header_cells", "rowspans", "colspans", "closed")


def is_infobox(title: str, language: str | None) -> bool:
    """Whether a template title (namespace Template, normalised) names an infobox on a wiki of `language`."""
    key = title.lower()
    return key.startswith(INFOBOXES[None]) or key.startswith(INFOBOXES.get(language, ()))


def structure_columns(scan: Scan, resolver: TitleResolver, deadline: float | None = None
                      ) -> tuple[dict[str, list], dict[str, list]]:
    """The page's infoboxes (one row per parameter) and tables (one row per table), as columns without keys.

    Raises:
        ScanTimeout: when `deadline` (a `time.perf_counter()` value) passes.
        EngineError: when the engine refuses the page.
    """
    infoboxes = []
    for template in scan.templates:
        if template.ref >= 0:
            continue  # a template inside a reference is part of a citation, not of the page
        resolved = resolver.template(template.name)
        if resolved is not None and resolved[0] == TEMPLATE_NAMESPACE and is_infobox(resolved[1], resolver.language):
            infoboxes.append((template, resolved[1]))
    infoboxes.sort(key=lambda found: found[0].start)  # a call is recorded when it closes: inner ones first
    infoboxes = _within_nesting(infoboxes)
    templates = [(template.start, template.end) for template in scan.templates]
    seconds = None if deadline is None else deadline - time.perf_counter()
    status, found = engine_of(resolver).structures(
        scan.source, [(template.start, template.end) for template, _ in infoboxes], templates, scan.skipped, seconds)
    if status == "timeout":
        raise ScanTimeout()
    if status != "ok":
        raise EngineError(f"{status}: {found}" if found else status)
    parameters, tables = found
    return _infobox_columns(infoboxes, parameters), _table_columns(scan, tables)


def _within_nesting(infoboxes: list) -> list:
    """The infoboxes nested at most MAX_INFOBOX_NESTING deep in other infoboxes' values: each value is read
    once per infobox around it, so a bound on nesting keeps a page's cost linear (real pages nest one or
    two: an officeholder's box in a person's `module`)."""
    kept = []
    open_ends: list[int] = []
    for template, title in infoboxes:
        while open_ends and open_ends[-1] <= template.start:
            open_ends.pop()
        if len(open_ends) < MAX_INFOBOX_NESTING:
            kept.append((template, title))
        open_ends.append(template.end)
    return kept


def _infobox_columns(infoboxes: list, parameters: list) -> dict[str, list]:
    columns: dict[str, list] = {name: [] for name in INFOBOX_COLUMNS}
    for infobox_index, ((template, title), found) in enumerate(zip(infoboxes, parameters)):
        # Targets spelt as the links dataset's `target`, so that the two join.
        add_infobox(columns, template.section, infobox_index, title, [
            (name, wikitext, text, None if links is None else [(ns, target.replace(" ", "_")) for ns, target in links])
            for name, wikitext, text, links in found])
    return columns


def add_infobox(columns: dict[str, list], section_index: int, infobox_index: int, template: str,
                parameters: list[tuple]) -> None:
    """Appends one infobox's `infoboxes` rows to `columns`: one per (name, wikitext, text, links) parameter,
    links as (namespace, target); an infobox without a parameter with a value still has its row, with the
    parameter columns null."""
    for parameter_index, (name, wikitext, text, links) in enumerate(parameters or [(None, None, None, None)]):
        columns["section_index"].append(section_index)
        columns["infobox_index"].append(infobox_index)
        columns["template"].append(template)
        columns["parameter_index"].append(parameter_index if name is not None else None)
        columns["parameter"].append(name)
        columns["value_text"].append(text)
        columns["value_wikitext"].append(wikitext)
        columns["value_links"].append(None if links is None else [target for _, target in links])
        columns["value_link_namespaces"].append(None if links is None else [namespace for namespace, _ in links])


def _table_columns(scan: Scan, tables: list) -> dict[str, list]:
    columns: dict[str, list] = {name: [] for name in TABLE_COLUMNS}
    starts = [section.start for section in scan.sections]
    for table_index, (start, parent, table_class, caption, closed, rows) in enumerate(tables):
        add_table(columns, scan.sections[max(bisect_right(starts, start) - 1, 0)].index, table_index, parent,
                  table_class, caption, rows, closed)
    return columns


def add_table(columns: dict[str, list], section_index: int, table_index: int, parent: int | None,
              table_class: str | None, caption: str | None, rows: list[list[tuple]], closed: bool) -> None:
    """Appends one `tables` row to `columns`; `rows` hold (text, is_header, rowspan, colspan) per cell. The
    header is the first row when every cell of it is a header cell."""
    columns["section_index"].append(section_index)
    columns["table_index"].append(table_index)
    columns["parent_table_index"].append(parent)
    columns["table_class"].append(table_class)
    columns["caption"].append(caption)
    first = rows[0] if rows else []
    columns["header"].append([cell[0] for cell in first] if first and all(cell[1] for cell in first) else [])
    columns["rows"].append([[cell[0] for cell in row] for row in rows])
    columns["header_cells"].append([[cell[1] for cell in row] for row in rows])
    columns["rowspans"].append([[cell[2] for cell in row] for row in rows])
    columns["colspans"].append([[cell[3] for cell in row] for row in rows])
    columns["closed"].append(closed)
