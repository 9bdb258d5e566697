"""The links of a page from its Parsoid HTML: wikilinks, categories, media, templates, external,
interwiki and interlanguage links, in page order, each with its section and whether a template rendered it.
The engine reads them (engine/src/html_links.rs, from its own parse of the HTML); this module gives it the
wiki's names and the sections, and keeps the Context the citations and structures ask.

Namespaces of link targets: canonical English names and aliases as for wikitext, plus the wiki's own
names for templates, categories and files, learnt from the record (its `templates` and `categories`
lists and the media Parsoid marks), so that a French page's `Modèle:` and `Catégorie:` resolve without a
siteinfo.
"""
from __future__ import annotations

from collections import Counter

from selectolax.lexbor import LexborHTMLParser, LexborNode

from transforms.wikitext._engine import html_rows
from transforms.wikitext.engine import engine_of
from transforms.wikitext.titles import CATEGORY, FILE, TitleResolver, clean_title
from transforms.xml.records import SiteInfo

TEMPLATE = 10


def _local_prefix(names, fallback: str) -> str:
    """The namespace prefix most of a record's listed names carry (its wiki's own name for it)."""
    prefixes = Counter(name.partition(":")[0] for name in names if ":" in name)
    return prefixes.most_common(1)[0][0] if prefixes else fallback


def resolver_for(record: dict, media_prefix: str | None, cache: dict) -> TitleResolver:
    """A resolver that knows the record's wiki's local names of the Template, Category and File
    namespaces (learnt from the record), cached per wiki and names."""
    wiki = record["is_part_of"]["identifier"]
    templates = _local_prefix((t.get("name") or "" for t in record.get("templates") or () if type(t) is dict), "Template")
    categories = _local_prefix((c.get("name") or "" for c in record.get("categories") or () if type(c) is dict),
                               "Category")
    key = (wiki, templates, categories, media_prefix or "File")
    resolver = cache.get(key)
    if resolver is None:
        names = {TEMPLATE: templates, CATEGORY: categories, FILE: media_prefix or "File"}
        resolver = cache[key] = TitleResolver(SiteInfo(wiki_db=wiki, namespaces=names))
    return resolver


LINK_COLUMNS = ("section_index", "link_type", "target", "target_namespace", "target_fragment", "anchor_text", "url",
                "language", "interwiki_prefix", "from_template")  # as the engine hands them back


def page_rows(html_text: str, resolver: TitleResolver, page_title: str, section_numbers: dict[int, int]) -> tuple:
    """(links columns, tables, infoboxes) of a page, which the engine reads from its HTML: the links in
    document order; the tables and infoboxes as structures.page_structures takes them. `page_title` is the
    page's title with spaces (a `#fragment` link's target); `section_numbers` maps Parsoid's section ids to
    the sections' indices.

    Raises:
        RuntimeError: a fault the engine caught (the record becomes an errors row).
    """
    links, tables, infoboxes = html_rows(engine_of(resolver), html_text, page_title, section_numbers)
    columns = dict(zip(LINK_COLUMNS, links))
    columns["position"] = list(range(len(columns["link_type"])))
    return columns, tables, infoboxes


def href_title(href: str | None) -> str | None:
    """`./Foo_bar#x` -> `Foo_bar#x`; None for anything that is not a link within the wiki."""
    if not href or not href.startswith("./"):
        return None
    return href[2:]


class Context:
    """Where a node is: the section it is in (Parsoid's id, the innermost with one >= 0), and whether it is
    part of a reference list (what the citations ask; the links' own context is the engine's).

    Both are worked out once per page for the nodes of `nodes`, by CSS selection (lexbor does it in C) from
    each section and reference list down: a node is then looked up, not climbed from. lexbor's selection
    from an element includes the element itself.

    Args:
        tree: the parsed page.
        nodes: a CSS selector of the nodes `of` will be asked about.
    """

    def __init__(self, tree: LexborHTMLParser, nodes: str):
        self.sections: dict[int, int] = {}  # mem_id -> Parsoid's section id
        self._in_lists: set[int] = set()
        body = tree.body
        if body is None:
            return
        for section in body.css("section[data-mw-section-id]"):  # inner ones last
            try:
                number = int(section.attrs.get("data-mw-section-id") or "")
            except ValueError:
                continue
            if number >= 0:
                for node in section.css(nodes):
                    self.sections[node.mem_id] = number
        for container in body.css("ol.references"):
            self._in_lists.update(node.mem_id for node in container.css(nodes))

    def of(self, node: LexborNode) -> int:
        """The section id of a node of the selector."""
        return self.sections.get(node.mem_id, 0)

    def in_reference_list(self, node: LexborNode) -> bool:
        """Whether a node of the selector is part of a rendered reference list."""
        return node.mem_id in self._in_lists

    def section_of(self, node: LexborNode) -> int:
        """The section of any node, climbing to it (for the few nodes outside the selector)."""
        current = node.parent
        while current is not None:
            if current.tag == "section":
                try:
                    number = int(current.attrs.get("data-mw-section-id") or "")
                except ValueError:
                    number = -1
                if number >= 0:
                    return number
            current = current.parent
        return 0


def media_prefix(tree: LexborHTMLParser) -> str | None:
    for node in tree.css("[typeof^='mw:File'] [resource]"):
        title = href_title(node.attributes.get("resource"))
        if title and ":" in title:
            return clean_title(title.partition(":")[0])
    return None
