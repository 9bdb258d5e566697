"""Rows of the content datasets and of `pages` from one Enterprise record: the page's Parsoid HTML and
its metadata.

Parsoid's HTML says what the wikitext leaves implicit: `<section data-mw-section-id=N>` is section N as
MediaWiki numbers them (negative for sections a template made), `rel="mw:WikiLink"` and
`rel="mw:PageProp/Category"` are links and categories, `typeof="mw:File..."` is media, and every node a
template rendered carries the `about` id of its transclusion (`typeof="mw:Transclusion"`, whose
`data-mw` names the template). The references list (`ol.references`) holds each reference once, with
its COinS span (`span.Z3988`, the citation's fields as an OpenURL query) when a citation template made it.

The native engine parses the HTML itself (engine/src/html_tree.rs) and makes every dataset's rows of it in
one call (`html_rows`: html_text.rs, html_links.rs, html_citations.rs, html_structures.rs); what is left
here joins the sections into the plain text and lays the engine's columns out as rows (docs/decisions.md
says why the engine parses the HTML).
"""
from __future__ import annotations

import pyarrow as pa

from schemas import ARTICLE_QUALITY, CITATIONS, INFOBOXES, LINKS, PAGES, PLAIN_TEXT, SECTIONS, TABLES
from transforms.common.naming import title_for_output
from transforms.common.timestamps import parse_timestamp
from transforms.datasets.rows import Rows
from transforms.enterprise.links import resolver_for
from transforms.enterprise.structures import page_structures
from transforms.wikitext._engine import html_rows
from transforms.wikitext.engine import engine_of

SECTION_COLUMNS = ("section_index", "section_level", "section_title", "section_anchor", "parent_section_index", "text")
CITATION_COLUMNS = ("section_index", "ref_name", "ref_group", "is_reuse", "template_name", "source_type", "title",
                    "url", "archive_url", "doi", "isbn", "pmid", "pmcid", "arxiv", "issn", "journal_or_work",
                    "publisher", "publication_date", "publication_year", "authors", "access_date", "identifiers",
                    "raw_wikitext")  # as the engine hands them back (html_rows.rs)
SOURCE = "html"


def extract_html(record: dict, resolver_cache: dict) -> dict[str, list[dict] | Rows | pa.RecordBatch]:
    """The rows of the content datasets and the `pages` row of one parsed record.

    Raises:
        RuntimeError: a fault the engine caught (the record becomes an errors row).
    """
    html_text = record["article_body"]["html"]
    namespace = record["namespace"]["identifier"]
    full_title = record["name"]
    title = full_title.partition(":")[2] if namespace and ":" in full_title else full_title
    revision_id = record["version"]["identifier"]
    timestamp = _timestamp(record.get("date_modified"))
    keys = {"page_id": record["identifier"], "page_namespace": namespace, "page_title": title_for_output(title),
            "revision_id": revision_id, "source": SOURCE}
    engine_for = lambda media_prefix: engine_of(resolver_for(record, media_prefix, resolver_cache))  # noqa: E731
    page = (record["identifier"], namespace, revision_id)  # the keys of the links the engine makes
    try:
        found = html_rows(engine_for(None), engine_for, html_text, title, *page)
    except UnicodeEncodeError:  # a lone surrogate (which the json module lets through) is no text: left out
        found = html_rows(engine_for(None), engine_for, _without_surrogates(html_text), _without_surrogates(title),
                          *page)
    sections = found["sections"]  # (index, level, title, anchor, parent, text)
    parts = [sections[0][5]] if sections[0][5] else []
    for _, _, section_title, _, _, text in sections[1:]:
        parts.append(section_title + ("\n" + text if text else ""))
    plain = "\n\n".join(parts)
    wikilinks, categories, media = found["link_kinds"]
    wikitext = (record.get("article_body") or {}).get("wikitext")
    quality = {
        **keys, "revision_timestamp": timestamp,
        "page_length": len(wikitext) if type(wikitext) is str else len(plain),
        "num_refs": found["refs"], "num_headings": sum(1 for s in sections if s[1] in (2, 3)),
        "num_wikilinks": wikilinks, "num_categories": categories, "num_media": media,
        "quality_score": None,
    }
    section_columns = dict(zip(SECTION_COLUMNS, zip(*sections)))
    section_columns = {name: list(values) for name, values in section_columns.items()}
    section_columns["text_chars"] = [len(text) for text in section_columns["text"]]
    *citation_values, anchors, points_to = found["citations"]
    citation_columns = dict(zip(CITATION_COLUMNS, citation_values))
    citation_columns["position"] = list(range(len(anchors)))
    # A short footnote points to its full citation by the anchor CS1 gives the full citation's <cite>.
    first_of: dict[str, int] = {}
    for position, anchor in enumerate(anchors):
        if anchor:
            first_of.setdefault(anchor, position)
    citation_columns["full_citation_position"] = [first_of.get(target or "") for target in points_to]
    infobox_columns, table_columns = page_structures(found["tables"], found["infoboxes"])
    return {
        PLAIN_TEXT: [{**keys, "revision_timestamp": timestamp, "text": plain, "text_chars": len(plain),
                      "text_words": len(plain.split()), "templates_expanded": None, "templates_dropped": None,
                      "constructs_out_of_range": None}],  # Parsoid rendered every template
        SECTIONS: Rows.keyed(section_columns, keys, "section_index"),
        CITATIONS: Rows.keyed(citation_columns, keys),
        LINKS: found["links"],
        ARTICLE_QUALITY: [quality],
        PAGES: [page_row(record, title, timestamp, wikitext)],
        INFOBOXES: Rows.keyed(infobox_columns, keys, "infobox_index"),
        TABLES: Rows.keyed(table_columns, keys, "table_index"),
    }


def _without_surrogates(text: str) -> str:
    return text.encode("utf-8", "ignore").decode("utf-8")


def _timestamp(value) -> int | None:
    try:
        return parse_timestamp(value) if type(value) is str else None
    except ValueError:
        return None


def page_row(record: dict, title: str, timestamp, wikitext) -> dict:
    """The `pages` row of a record: what its metadata says of the page and its latest revision."""
    version = record["version"]
    size = (version.get("size") or {}).get("value") if type(version.get("size")) is dict else None
    redirects = [title_for_output(r["name"]) for r in record.get("redirects") or ()
                 if type(r) is dict and type(r.get("name")) is str]
    entity = record.get("main_entity") or {}
    return {
        "page_id": record["identifier"],
        "page_namespace": record["namespace"]["identifier"],
        "page_title": title_for_output(title),
        "page_is_redirect": False,  # Enterprise dumps hold articles; redirects are listed with their target
        "page_redirect_title": None,
        "page_latest_revision_id": version["identifier"],
        "page_latest_revision_timestamp": timestamp,
        "page_revision_count": None,
        "page_first_revision_timestamp": _timestamp(record.get("date_created")),
        "page_text_bytes": size if type(size) is int else (len(wikitext.encode()) if type(wikitext) is str else None),
        "page_content_model": "wikitext",
        "page_wikidata_item": entity.get("identifier") if type(entity) is dict else None,
        "page_redirects": redirects,
        "source": SOURCE,
    }
