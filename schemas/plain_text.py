"""`plain_text`: one row per page (or revision), its readable prose."""
import pyarrow as pa

from schemas.content_keys import KEYS, TEXT_CAVEATS
from schemas.dataset import CC_BY_SA, TIMESTAMP, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="plain_text",
    version="1.2.0",
    description="One row per page (per revision with --all-revisions): the wikitext as readable prose. "
    "Templates, tables, references, comments, magic words, file and category links, HTML tags and "
    "formatting are removed; link labels are kept; list items and section titles are lines of their own; "
    "HTML entities are decoded; paragraphs are separated by a blank line.",
    licence=CC_BY_SA,
    caveats=TEXT_CAVEATS + (
        "<nowiki> content is kept literally (it is what readers see), so a page about wiki markup may show "
        "[[ or {{ in its text.",
        "Code blocks (<syntaxhighlight>, <pre>), galleries and image maps are left out. Math is kept as its TeX "
        "source between the markers \u27e6 and \u27e7 (`run content --math tex`, the default), or as \u27e6math\u27e7 "
        "(--math placeholder), or left out (--math drop: the row's constructs_out_of_range then says math-dropped).",
        "Templates are expanded only by the rules of the templates that stand for words (units, numbers, "
        "dates, languages, quotations...); other templates are dropped, and counted in templates_dropped.",
    ),
    columns=KEYS + (
        Column("revision_timestamp", TIMESTAMP, "When the revision was saved (UTC).", False),
        Column("text", pa.string(), "The plain text: the lead, then each section's title on a line of its own followed by its text.", False),
        Column("text_chars", pa.int64(), "Length of text in characters (Unicode code points).", False),
        Column("text_words", pa.int64(), "Number of whitespace-separated words in text (not meaningful for scripts written without spaces).", False),
        Column("templates_expanded", pa.int32(), "Template calls outside references that the rules expand into words (their words are in text where their caller's are); null when read from HTML (every template rendered).", True),
        Column("templates_dropped", pa.int32(), "Template calls outside references left out of text (navigation, infoboxes, citations, maintenance and any template without a rule); null when read from HTML.", True),
        Column("constructs_out_of_range", pa.list_(pa.string()), "What was read in a way that may lose or alter text, each name once: parser-function, unclosed-template, unclosed-link, unclosed-external-link, unclosed-table, unclosed-tag, nesting-too-deep, table-rows-outside-table (rows of a table whose start and end templates write, dropped), math-dropped; empty when none; null when read from HTML.", True),
    ),
)
