"""`plain_text`: one row per page (or revision), its readable prose."""
import pyarrow as pa

from schemas.content_keys import KEYS, TEXT_CAVEATS
from schemas.dataset import CC_BY_SA, TIMESTAMP, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="plain_text",
    version="1.1.0",
    description="One row per page (per revision with --all-revisions): the wikitext as readable prose. "
    "Templates, tables, references, comments, magic words, file and category links, HTML tags and "
    "formatting are removed; link labels are kept; list items and section titles are lines of their own; "
    "HTML entities are decoded; paragraphs are separated by a blank line.",
    licence=CC_BY_SA,
    caveats=TEXT_CAVEATS + (
        "<nowiki> content is kept literally (it is what readers see), so a page about wiki markup may show "
        "[[ or {{ in its text.",
        "Math, code blocks (<syntaxhighlight>, <pre>), galleries and image maps are left out.",
    ),
    columns=KEYS + (
        Column("revision_timestamp", TIMESTAMP, "When the revision was saved (UTC).", False),
        Column("text", pa.string(), "The plain text: the lead, then each section's title on a line of its own followed by its text.", False),
        Column("text_chars", pa.int64(), "Length of text in characters (Unicode code points).", False),
        Column("text_words", pa.int64(), "Number of whitespace-separated words in text (not meaningful for scripts written without spaces).", False),
    ),
)
