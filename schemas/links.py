"""`links`: every link of a page, of seven kinds."""
import pyarrow as pa

from schemas.content_keys import KEYS, SECTION_INDEX
from schemas.dataset import CC0, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="links",
    version="2.1.0",
    description="One row per link occurrence in page order: wikilink, category, media ([[File:]], [[Image:]], "
    "[[Media:]], gallery lines), template (every {{...}} call, nested ones included), external "
    "([url label] and bare URLs in the text), interwiki ([[wikt:...]], [[:fr:...]]) and interlanguage ([[fr:...]]).",
    licence=CC0,
    caveats=(
        "wikitext rows: links made by templates (infobox fields, navboxes) are not seen, templates are not "
        "expanded; html rows have them, with from_template true.",
        "URLs inside template parameters (e.g. a {{cite web}} url) are in the citations dataset, not here.",
        "anchor_text is CC BY-SA text from the wiki.",
    ),
    columns=KEYS + (
        SECTION_INDEX,
        Column("link_type", pa.string(), "wikilink, category, media, template, external, interwiki or interlanguage.", False),
        Column("target", pa.string(), "Target title without namespace prefix: first letter cased by the namespace's siteinfo case rule, spaces as underscores (as page_title in pages and revisions, so the two join as they are), entities and %-escapes decoded, fragment split off; the title on the other wiki for interwiki and interlanguage links; null for external links."),
        Column("target_namespace", pa.int32(), "Namespace of the target on this wiki, resolved through siteinfo names, canonical English names and aliases (Image: is 6); 6 for media links; null for external, interwiki and interlanguage links."),
        Column("target_fragment", pa.string(), "The part after #, if any."),
        Column("anchor_text", pa.string(), "Text shown for the link: the label, or the target as written; a file's caption; null for categories, templates and interlanguage links."),
        Column("position", pa.int32(), "Order of the link in the page, from 0 (all link types together).", False),
        Column("url", pa.string(), "URL of an external link."),
        Column("language", pa.string(), "Language code of an interlanguage link."),
        Column("interwiki_prefix", pa.string(), "Prefix of an interwiki link (wikt, commons, or a language code after a leading colon)."),
        Column("from_template", pa.bool_(), "html rows: whether the link is part of what a template transclusion rendered (Parsoid marks it; an infobox's or a navbox's links); null for wikitext rows, which only see links written in the page."),
    ),
)
