"""The links of a page from its Parsoid HTML: wikilinks, categories, media, templates, external,
interwiki and interlanguage links, in page order, each with its section and whether a template rendered it.

Namespaces of link targets: canonical English names and aliases as for wikitext, plus the wiki's own
names for templates, categories and files, learnt from the record (its `templates` and `categories`
lists and the media Parsoid marks), so that a French page's `Modèle:` and `Catégorie:` resolve without a
siteinfo.
"""
from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from transforms.common.naming import title_for_output
from transforms.wikitext.engine import engine_of
from transforms.wikitext.titles import CATEGORY, FILE, TitleResolver, clean_title, first_letter_upper
from transforms.xml.records import SiteInfo

TEMPLATE = 10
# What citation templates render (enwiki's CS1 <cite>, frwiki's {{Ouvrage}}): their links are the
# citations dataset's, as a citation template's url= parameter is in the wikitext path.
CITATION_CONTAINERS = "cite, .citation, .ouvrage"
LINK_NODES = ("a[rel], link[rel~='mw:PageProp/Category'], link[rel~='mw:PageProp/Language'], "
              "[typeof~='mw:Transclusion'], [typeof^='mw:File']")  # what page_links looks at


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


def href_title(href: str | None) -> str | None:
    """`./Foo_bar#x` -> `Foo_bar#x`; None for anything that is not a link within the wiki."""
    if not href or not href.startswith("./"):
        return None
    return href[2:]


class Links:
    """The links of the page in document order, with the template and section each is in."""

    def __init__(self, resolver: TitleResolver, page_namespace: int, page_title: str):
        self.resolver = resolver
        self.page = (page_namespace, page_title)
        self.rows: list[tuple] = []  # (section, type, target, ns, fragment, anchor, url, language, prefix, from_template)

    def add(self, section: int, kind: str, target: str | None, namespace: int | None, fragment: str | None,
            anchor: str | None, from_template: bool, url: str | None = None, language: str | None = None,
            prefix: str | None = None) -> None:
        self.rows.append((section, kind, None if target is None else title_for_output(target), namespace, fragment,
                          anchor, url, language, prefix, from_template))

    def columns(self) -> dict[str, list]:
        names = ("section_index", "link_type", "target", "target_namespace", "target_fragment", "anchor_text", "url",
                 "language", "interwiki_prefix", "from_template")
        columns = {name: [row[i] for row in self.rows] for i, name in enumerate(names)}
        columns["position"] = list(range(len(self.rows)))
        return columns


class Context:
    """Where a node is: the section it is in (Parsoid's id, the innermost with one >= 0), whether a
    template rendered it (it or an ancestor carries the `about` id of a transclusion), and whether it is
    part of a rendered citation or of a reference list.

    All four are worked out once per page for the nodes of `nodes`, by CSS selection (lexbor does it in
    C) from each section, transclusion, citation and reference list down: a node is then looked up, not
    climbed from. A transclusion's output is every element carrying its `about` id (Parsoid gives it to
    each top-level node the template rendered), and lexbor's selection from an element includes the
    element itself.

    Args:
        tree: the parsed page.
        nodes: a CSS selector of the nodes `of` will be asked about.
    """

    def __init__(self, tree: LexborHTMLParser, nodes: str):
        self.sections: dict[int, int] = {}  # mem_id -> Parsoid's section id
        self.templated: set[int] = set()  # mem_ids of the nodes a template rendered
        self.in_citations: set[int] = set()  # ... in a rendered citation
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
        transclusions = {node.attrs.get("about") for node in body.css("[typeof~='mw:Transclusion']")}
        for element in body.css("[about]"):
            if element.attrs.get("about") in transclusions:
                self.templated.update(node.mem_id for node in element.css(nodes))
        for container in body.css(CITATION_CONTAINERS):
            self.in_citations.update(node.mem_id for node in container.css(nodes))
        for container in body.css("ol.references"):
            self._in_lists.update(node.mem_id for node in container.css(nodes))

    def of(self, node: LexborNode) -> tuple[int, bool, bool]:
        """(section id, from a template, in a rendered citation) of a node of the selector."""
        key = node.mem_id
        return self.sections.get(key, 0), key in self.templated, key in self.in_citations

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


def selected(root: LexborNode, selector: str) -> list[LexborNode]:
    """The nodes under `root` (itself included) that match a selector, each once, in document order:
    lexbor gives a node once per selector of a list that it matches (a category link a template added
    matches both `link[rel~=...]` and `[typeof~='mw:Transclusion']`)."""
    seen: set[int] = set()
    found = []
    for node in root.css(selector):
        key = node.mem_id
        if key not in seen:
            seen.add(key)
            found.append(node)
    return found


def template_targets(node: LexborNode) -> list[str]:
    """The templates a transclusion node names in its data-mw (parser functions have no href)."""
    try:
        data = json.loads(node.attributes.get("data-mw") or "{}")
    except ValueError:
        return []
    targets = []
    for part in data.get("parts") or ():
        template = part.get("template") if type(part) is dict else None
        href = href_title(((template or {}).get("target") or {}).get("href"))
        if href:
            targets.append(href)
    return targets


def media_prefix(tree: LexborHTMLParser) -> str | None:
    for node in tree.css("[typeof^='mw:File'] [resource]"):
        title = href_title(node.attributes.get("resource"))
        if title and ":" in title:
            return clean_title(title.partition(":")[0])
    return None


def page_links(tree: LexborHTMLParser, context: Context, links: Links, section_numbers: dict[int, int]) -> None:
    """Fills `links` in document order."""
    resolver = links.resolver
    add = links.add
    sections, templated, in_citations = context.sections, context.templated, context.in_citations
    wikilinks: dict[str, tuple | None] = {}  # href -> (title, namespace, fragment): a page links a target often
    for node in selected(tree.body, LINK_NODES) if tree.body else ():
        attributes = node.attrs  # read one by one: a template's data-mw can be long
        rel = attributes.get("rel") or ""
        tag = node.tag
        if not rel and (tag == "a" or tag == "link"):
            continue
        key = node.mem_id
        section = section_numbers.get(sections.get(key, 0), 0)
        from_template = key in templated
        if rel == "mw:WikiLink" or "mw:WikiLink" in rel.split():
            href = attributes.get("href")
            if href in wikilinks:
                target = wikilinks[href]
            else:
                title = href_title(href)  # a link even to a category or a file: Parsoid says so
                resolved = resolver.resolve(":" + title) if title else None
                target = wikilinks[href] = (resolved.title or links.page[1], resolved.namespace, resolved.fragment) \
                    if resolved is not None and resolved.link_type == "wikilink" else None
            if attributes.get("typeof"):
                _templates(node, section, from_template, links)
            if target is not None:
                add(section, "wikilink", target[0], target[1], target[2], _shown(node), from_template)
            continue
        typeof = attributes.get("typeof") or ""
        if typeof and "mw:Transclusion" in typeof:
            _templates(node, section, from_template, links)
        if "mw:File" in typeof:
            resource = next((c.attrs.get("resource") for c in node.css("[resource]")), None)
            title = href_title(resource)
            if title:
                caption = node.css_first("figcaption")
                resolved = resolver.resolve(":" + title)
                add(section, "media", resolved.title, FILE, None, _shown(caption) if caption else None, from_template)
            continue
        kinds = rel.split()
        if "mw:WikiLink/Interwiki" in kinds:
            prefix, _, rest = (attributes.get("title") or "").partition(":")
            title, _, fragment = rest.partition("#")
            add(section, "interwiki", clean_title(title) or None, None, fragment or None, _shown(node), from_template,
                prefix=prefix.lower() or None)
        elif "mw:ExtLink" in kinds:
            if key not in in_citations:  # a rendered citation's links are the citations dataset's
                add(section, "external", None, None, None, _shown(node), from_template, url=attributes.get("href"))
        elif "mw:PageProp/Category" in kinds:
            title = href_title(attributes.get("href"))
            if title:
                name = clean_title(title.partition("#")[0].partition(":")[2])
                add(section, "category", first_letter_upper(name), CATEGORY, None, None, from_template)
        elif "mw:PageProp/Language" in kinds:
            address = urlsplit(attributes.get("href") or "")
            language = address.netloc.split(".")[0] if address.netloc else None
            add(section, "interlanguage", clean_title(address.path.rpartition("/wiki/")[2]) or None, None, None,
                None, from_template, language=language)


def _templates(node: LexborNode, section: int, from_template: bool, links: Links) -> None:
    """The template rows of a transclusion node: one per template its data-mw names."""
    if "mw:Transclusion" not in (node.attrs.get("typeof") or ""):
        return
    for name in template_targets(node):
        target = engine_of(links.resolver).template(clean_title(name))  # Parsoid's href has the namespace
        if target is not None:
            links.add(section, "template", target[1], target[0], None, None, from_template)


def _shown(node: LexborNode) -> str | None:
    """A link's text as a reader sees it, whitespace collapsed."""
    return " ".join(node.text(deep=True).split()) or None
