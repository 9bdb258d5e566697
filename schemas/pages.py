"""`pages`: one row per page and snapshot, as the dump shows it."""
import pyarrow as pa

from schemas.dataset import CC0, TIMESTAMP, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="pages",
    version="1.1.0",
    description="One row per page of the dump, with its latest revision and, for history dumps, "
    "its revision count and first revision. From an Enterprise HTML dump: one row per article record kept "
    "(the highest version of a page), with its Wikidata item and the redirects pointing to it.",
    licence=CC0,
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name (enwiki, dewiki, ...), from <siteinfo><dbname> or --wiki-db.", False),
        Column("snapshot", pa.string(), "Dump date, YYYYMMDD.", False),
        Column("page_id", pa.int64(), "Id of the page, as in the page table.", False),
        Column("page_namespace", pa.int32(), "Namespace number; derived from the title and siteinfo namespaces for export versions without <ns>.", False),
        Column("page_title", pa.string(), "Title without its namespace prefix, spaces replaced by underscores (as in mediawiki_history).", False),
        Column("page_is_redirect", pa.bool_(), "Whether the page is a redirect (<redirect> element present).", False),
        Column("page_redirect_title", pa.string(), "Redirect target as the dump gives it (namespace prefix kept), spaces replaced by underscores; null when not a redirect."),
        Column("page_latest_revision_id", pa.int64(), "Id of the page's latest revision in the dump (latest by timestamp, then id); null for a page without revisions."),
        Column("page_latest_revision_timestamp", TIMESTAMP, "Timestamp of that revision."),
        Column("page_revision_count", pa.int64(), "Number of revisions of the page in a history dump; null for current-revision dumps, which cannot tell."),
        Column("page_first_revision_timestamp", TIMESTAMP, "Timestamp of the earliest revision in a history dump; null for current-revision dumps."),
        Column("page_text_bytes", pa.int64(), "Size in bytes of the latest revision's text (<text bytes=..>, else its UTF-8 length); null when deleted."),
        Column("page_content_model", pa.string(), "Content model of the latest revision (wikitext, Scribunto, css, json, ...)."),
        Column("page_wikidata_item", pa.string(), "Wikidata item of the page (Q42), from an Enterprise record's main_entity; null from XML dumps, which do not carry it."),
        Column("page_redirects", pa.list_(pa.string()), "Titles of the redirects that point to the page (underscores, namespace prefix kept), from an Enterprise record; null from XML dumps, where each redirect is a page row of its own."),
        Column("source", pa.string(), "What the row was read from: wikitext (an XML dump) or html (an Enterprise HTML dump record).", False),
    ),
)
