"""The `infoboxes` and `tables` rows of a page from its Parsoid HTML (the wikitext path's are read by the
engine: transforms/wikitext/structures.py).

Every `<table>` is a table row, a nested one included, its cells read as a reader sees them (reference
markers, styles, hidden text and nested tables left out). An infobox is an element Parsoid rendered with
the class `infobox` (frwiki's `infobox_v2`/`infobox_v3` too) not inside another one; its parameters are
the label and value of each of its rows that has both (`<th>` then `<td>`): what the reader sees, not the
template's parameter names, which only the wikitext has. Its template is the one its transclusion's
data-mw names.
"""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from transforms.enterprise.links import Context, href_title, template_targets
from transforms.wikitext.engine import engine_of
from transforms.wikitext.structures import INFOBOX_COLUMNS, TABLE_COLUMNS, add_infobox, add_table
from transforms.wikitext.titles import TitleResolver, clean_title

SKIPPED_TAGS = frozenset({"style", "script", "link", "meta", "table", "noscript"})
SKIPPED_CLASSES = frozenset({"mw-ref", "reference", "mw-editsection", "noprint", "sortkey"})
SECTION_TAGS = frozenset({"thead", "tbody", "tfoot"})


def is_infobox_class(classes: str) -> bool:
    return any(name == "infobox" or name.startswith("infobox_v") for name in classes.split())


def _hidden(node: LexborNode) -> bool:
    attributes = node.attributes
    classes = attributes.get("class") or ""
    if classes and not SKIPPED_CLASSES.isdisjoint(classes.split()):
        return True
    style = (attributes.get("style") or "").replace(" ", "").lower()
    return "display:none" in style


def visible_text(node: LexborNode) -> str:
    """A cell's text as shown: lines kept (<br>, paragraphs), spaces collapsed within each."""
    parts: list[str] = []
    _collect(node, parts, 0)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _collect(node: LexborNode, parts: list[str], depth: int) -> None:
    if depth > 200:
        return
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            parts.append(child.text_content or "")
        elif tag == "br":
            parts.append("\n")
        elif tag not in SKIPPED_TAGS and not _hidden(child):
            block = tag in ("p", "div", "li", "dd", "dt", "ul", "ol")
            if block:
                parts.append("\n")
            _collect(child, parts, depth + 1)
            if block:
                parts.append("\n")


def _rows(table: LexborNode) -> list[LexborNode]:
    """The table's own rows (not those of tables nested in its cells)."""
    rows = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in SECTION_TAGS:
            rows += [row for row in child.iter() if row.tag == "tr"]
    return rows


def _span(node: LexborNode, name: str, bound: int) -> int:
    value = (node.attributes.get(name) or "").strip()
    digits = value[:len(value) - len(value.lstrip("0123456789"))] if value else ""
    return min(int(digits), bound) if digits and int(digits) >= 1 else 1


def _parent_table(node: LexborNode) -> LexborNode | None:
    current = node.parent
    while current is not None and current.tag != "table":
        current = current.parent
    return current


def page_structures(tree: LexborHTMLParser, context: Context, section_numbers: dict[int, int],
                    resolver: TitleResolver) -> tuple[dict[str, list], dict[str, list]]:
    """The page's infoboxes (one row per labelled value) and tables (one row per `<table>`), as columns."""
    body = tree.body
    if body is None:
        return {name: [] for name in INFOBOX_COLUMNS}, {name: [] for name in TABLE_COLUMNS}
    section_of = lambda node: section_numbers.get(context.section_of(node), 0)  # noqa: E731
    return _infoboxes(body, section_of, resolver), _tables(body, section_of)


def _tables(body: LexborNode, section_of) -> dict[str, list]:
    columns: dict[str, list] = {name: [] for name in TABLE_COLUMNS}
    tables = body.css("table")
    index_of = {table.mem_id: index for index, table in enumerate(tables)}
    for index, table in enumerate(tables):
        parent = _parent_table(table)
        caption = next((child for child in table.iter() if child.tag == "caption"), None)
        rows = []
        for row in _rows(table):
            cells = [cell for cell in row.iter() if cell.tag in ("td", "th")]
            if cells:
                rows.append([(visible_text(cell), cell.tag == "th", _span(cell, "rowspan", 65534),
                              _span(cell, "colspan", 1000)) for cell in cells])
        add_table(columns, section_of(table), index, None if parent is None else index_of.get(parent.mem_id),
                  table.attributes.get("class") or None,
                  visible_text(caption) if caption is not None else None, rows, True)
    return columns


def _template_of(body: LexborNode, node: LexborNode, resolver: TitleResolver) -> str | None:
    """The template whose transclusion rendered `node` (by its `about` id), normalised."""
    current: LexborNode | None = node
    while current is not None and not (current.attributes.get("about") if current.tag != "-text" else None):
        current = current.parent
    about = current.attributes.get("about") if current is not None else None
    if not about or not about.startswith("#mwt"):
        return None
    for candidate in body.css(f'[about="{about}"][data-mw]'):
        for href in template_targets(candidate):
            target = engine_of(resolver).template(clean_title(href))
            if target is not None:
                return target[1]
    return None


def _infoboxes(body: LexborNode, section_of, resolver: TitleResolver) -> dict[str, list]:
    columns: dict[str, list] = {name: [] for name in INFOBOX_COLUMNS}
    # lexbor picks the few elements whose class holds "infobox" (in C); the rule is is_infobox_class's.
    boxes = [node for node in body.css("[class*='infobox']") if is_infobox_class(node.attributes.get("class") or "")]
    inside = {inner.mem_id for box in boxes for inner in box.css("[class*='infobox']") if inner.mem_id != box.mem_id}
    for infobox_index, box in enumerate(box for box in boxes if box.mem_id not in inside):
        template = _template_of(body, box, resolver)
        section = section_of(box)
        found = []
        for row in box.css("tr"):
            cells = [cell for cell in row.iter() if cell.tag in ("td", "th")]
            if len(cells) == 2 and cells[0].tag == "th" and cells[1].tag == "td":
                label, value = visible_text(cells[0]), cells[1]
                if label:  # the rendered page has no parameter's wikitext
                    found.append((label, None, visible_text(value), _wikilinks(value, resolver)))
        add_infobox(columns, section, infobox_index, template, found)
    return columns


def _wikilinks(node: LexborNode, resolver: TitleResolver) -> list[tuple[int | None, str]]:
    found = []
    for link in node.css("a[rel~='mw:WikiLink']"):
        title = href_title(link.attributes.get("href"))
        resolved = resolver.resolve(":" + title) if title else None
        if resolved is not None and resolved.link_type == "wikilink" and resolved.title:
            found.append((resolved.namespace, resolved.title.replace(" ", "_")))
    return found
