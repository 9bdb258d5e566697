"""Which template calls are infobox calls, and the shape of `infoboxes` and `tables` rows (issue 18).

Which template calls are infoboxes is one declared table, `INFOBOXES`: a template's normalised name
(namespace Template, first letter cased, spaces) starting with one of the prefixes of its wiki's language,
or of every wiki's. The engine builds the wikitext rows (engine/src/structure_rows.rs: infobox calls nested
at most three deep, each infobox's parameters and every `{| ... |}` table of the source, values and cells
turned into plain text by the same scan as plain_text), with the prefixes handed over once per wiki.
`add_infobox` and `add_table` append the rows the Enterprise HTML path reads (transforms/enterprise/
structures.py) in the same shape.
"""
from __future__ import annotations

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


def infobox_prefixes(language: str | None) -> list[str]:
    """The prefixes of infobox template titles (in lower case) on a wiki of `language`."""
    return [*INFOBOXES[None], *INFOBOXES.get(language, ())]


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
