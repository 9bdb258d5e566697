"""Columns every content dataset starts with: the partition, the page and the revision it was read from."""
import pyarrow as pa

from schemas.dataset import Column

PARTITION = (
    Column("wiki_db", pa.string(), "Wiki database name (enwiki, dewiki, ...).", False),
    Column("snapshot", pa.string(), "Dump date, YYYYMMDD.", False),
)
PAGE_AND_REVISION = (
    Column("page_id", pa.int64(), "Id of the page.", False),
    Column("page_namespace", pa.int32(), "Namespace number of the page.", False),
    Column("page_title", pa.string(), "Title without namespace prefix, spaces as underscores (as in mediawiki_history).", False),
    Column("revision_id", pa.int64(), "Id of the revision the row was read from: the page's latest (by timestamp, then id) unless the job ran with --all-revisions.", False),
)
SOURCE = Column("source", pa.string(), "What the row was read from: wikitext (an XML dump's wikitext) or html (the rendered page of an Enterprise HTML dump); rows of the two join on the other keys.", False)
KEYS = PARTITION + PAGE_AND_REVISION + (SOURCE,)
SECTION_INDEX = Column("section_index", pa.int32(), "Section the item is in: 0 for the lead, then 1, 2, ... in page order (see the sections dataset).", False)

TEXT_CAVEATS = (
    "wikitext rows: templates are not expanded (as `wikiextractor --no-templates`): what an infobox or a "
    "navbox shows is not in the text; a few templates that stand for prose ({{lang}}, {{convert}}, "
    "{{nowrap}}, ...) keep their words.",
    "html rows (Enterprise HTML dumps): the page as MediaWiki rendered it, templates expanded; paragraphs and "
    "list items inside infoboxes and galleries are kept as lines, navboxes and table cells are not "
    "(docs/decisions.md, Enterprise HTML dumps).",
)
