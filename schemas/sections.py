"""`sections`: one row per section of a page (the lead included)."""
import pyarrow as pa

from schemas.content_keys import KEYS, TEXT_CAVEATS
from schemas.dataset import CC_BY_SA, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="sections",
    version="1.1.0",
    description="One row per section of a page (per revision with --all-revisions), the lead first: its "
    "heading, level, anchor, place in the section tree and plain text (subsections not included).",
    licence=CC_BY_SA,
    caveats=TEXT_CAVEATS + ("Headings written inside templates, tables or HTML (<h2>) do not start sections.",),
    columns=KEYS + (
        Column("section_index", pa.int32(), "0 for the lead, then 1, 2, ... in page order.", False),
        Column("section_level", pa.int32(), "Heading level: 2 for == Title ==, 3 for === Title ===, ...; 0 for the lead.", False),
        Column("section_title", pa.string(), "Heading as plain text; null for the lead."),
        Column("section_anchor", pa.string(), "Fragment identifier MediaWiki gives the heading (spaces as underscores, repeats numbered _2, _3); null for the lead."),
        Column("text", pa.string(), "Plain text of the section up to the next heading of any level (as in plain_text).", False),
        Column("text_chars", pa.int64(), "Length of text in characters.", False),
        Column("parent_section_index", pa.int32(), "The closest earlier section of a lower level (the lead for level-2 sections); null for the lead."),
    ),
)
