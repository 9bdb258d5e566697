"""`tables`: every table of a page, one row per table, its cells as plain text."""
import pyarrow as pa

from schemas.content_keys import KEYS, SECTION_INDEX
from schemas.dataset import CC_BY_SA, Column, DatasetSchema

CELLS = pa.list_(pa.list_(pa.string()))

SCHEMA = DatasetSchema(
    name="tables",
    version="1.0.0",
    description="One row per table of a page (per revision with --all-revisions): wikitext tables ({| ... |}, "
    "a table nested in a cell being its own row) or, for html rows, <table> elements; caption, header cells and "
    "rows of cell texts, with each cell's rowspan and colspan as written (not expanded). "
    "pandas.DataFrame(row.rows[1:], columns=row.header) when the header is one row of the table's width.",
    licence=CC_BY_SA,
    caveats=(
        "wikitext rows: tables written by templates ({{Football squad start}}, {{{!}} ... {{!}}}, a table inside "
        "a template's output) are not seen; a template inside a cell keeps only the words plain_text keeps "
        "of it. Tables written as HTML (<table>) in wikitext are not read either (HTML rows and cells, <tr><td>, "
        "inside a {| ... |} table are).",
        "rowspan and colspan are recorded, never expanded: a row with a spanning cell above it has fewer cells.",
        "A table without its closing |} ends with the page (closed is false).",
        "Cell texts are CC BY-SA text from the wiki.",
    ),
    columns=KEYS + (
        SECTION_INDEX,
        Column("table_index", pa.int32(), "Order of the table in the page, from 0, by where it starts (a nested table after the one it is in).", False),
        Column("parent_table_index", pa.int32(), "table_index of the table whose cell holds this one; null for a table that is not nested."),
        Column("table_class", pa.string(), "The table's class attribute as written (wikitable sortable, infobox, ...)."),
        Column("caption", pa.string(), "Caption (|+ line, <caption>) as plain text; null when none."),
        Column("header", pa.list_(pa.string()), "Texts of the first row when all its cells are header cells (! cells, <th>), else empty; that row is also rows[0].", False),
        Column("rows", CELLS, "Every row (header rows included) as the plain texts of its cells, in order; empty rows left out.", False),
        Column("header_cells", pa.list_(pa.list_(pa.bool_())), "Per cell of rows: whether it is a header cell.", False),
        Column("rowspans", pa.list_(pa.list_(pa.int32())), "Per cell of rows: its rowspan as written (1 when absent or invalid).", False),
        Column("colspans", pa.list_(pa.list_(pa.int32())), "Per cell of rows: its colspan as written (1 when absent or invalid).", False),
        Column("closed", pa.bool_(), "Whether the table was closed (|} or </table>); an unclosed one ends with the page.", False),
    ),
)
