"""The `infoboxes` and `tables` columns of a page from what the engine read in its HTML
(engine/src/html_structures.rs says what a table and an infobox are there), made into rows by the
wikitext path's add_table and add_infobox, so that both paths write them alike.
"""
from __future__ import annotations

from transforms.wikitext.structures import INFOBOX_COLUMNS, TABLE_COLUMNS, add_infobox, add_table


def page_structures(tables: list[tuple], infoboxes: list[tuple]) -> tuple[dict[str, list], dict[str, list]]:
    """The page's infoboxes (one row per labelled value) and tables (one row per `<table>`), as columns, from
    the engine's (section, index, parent, class, caption, rows) per table and (section, index, template,
    [(label, text, links)]) per infobox."""
    table_columns: dict[str, list] = {name: [] for name in TABLE_COLUMNS}
    for section, index, parent, table_class, caption, rows in tables:
        add_table(table_columns, section, index, parent, table_class, caption, rows, True)
    infobox_columns: dict[str, list] = {name: [] for name in INFOBOX_COLUMNS}
    for section, index, template, parameters in infoboxes:
        add_infobox(infobox_columns, section, index, template,
                    [(label, None, text, links) for label, text, links in parameters])
    return infobox_columns, table_columns
