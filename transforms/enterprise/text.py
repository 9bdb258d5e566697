"""The plain text and sections of a page from its Parsoid HTML, in one walk of the body.

What is prose is decided as the wikitext path decides it, on the rendered page: paragraphs, list items,
definitions and headings are kept, each a block of its own; references, citations, navigation and
maintenance boxes, figures, math and hidden text are not. Parsoid's `<section data-mw-section-id=N>` gives
the sections (a negative id is a section a template made: its text belongs to the section around it).
"""
from __future__ import annotations

from selectolax.lexbor import LexborNode

# Not prose, as the wikitext path leaves them out too: reference markers and lists, rendered citations,
# bibliographies, figures, math, code blocks, navigation and maintenance boxes and inline maintenance tags,
# hatnotes, edit links, hidden text, styles and scripts.
SKIPPED_TAGS = frozenset({"style", "script", "link", "meta", "figure", "cite", "math", "noscript", "img", "audio",
                          "video", "pre"})
SKIPPED_CLASSES = frozenset({
    "reference", "mw-references-wrap", "references", "reflist", "refbegin", "citation", "navbox", "navbox-styles",
    "ambox", "metadata", "mbox-small", "hatnote", "mw-editsection", "shortdescription", "thumb", "sidebar",
    "mwe-math-element", "noexcerpt", "sistersitebox", "side-box", "portalbox", "vertical-navbox",
    "mw-empty-elt", "toc", "mw-ref", "printfooter", "catlinks", "dablink", "rellink", "Z3988", "mw-highlight",
    "Inline-Template", "Template-Fact",  # [citation needed], [clarification needed] and their kin
})
# Tables (infoboxes, quote boxes) and galleries are no prose, but the paragraphs, list items and
# definitions inside them are what a reader reads there: they are kept, each a line, and the bare cells
# are left out (`tables` is the dataset for those).
BLOCKS_ONLY_TAGS = frozenset({"table"})
BLOCKS_ONLY_CLASSES = frozenset({"gallery", "infobox"})
PARAGRAPH_TAGS = frozenset({"blockquote", "pre", "center", "div", "section", "h1", "h2", "h3", "h4", "h5", "h6"})
LIST_ITEM_TAGS = frozenset({"li", "dd", "dt"})
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
MAX_NESTING = 400  # deeper HTML than this is not walked further (the parser itself bounds depth too)


class Walk:
    """Text of each section, in one walk of the body."""

    def __init__(self):
        self.sections: list[dict] = [{"index": 0, "level": 0, "title": None, "anchor": None, "parent": None,
                                      "blocks": []}]
        self._current = [0]  # stack of open sections (positions in self.sections)
        self._parts: list[str] = []
        self._kind = "p"
        self._blocks_only = 0  # inside a table or gallery: only text within a block counts
        self._in_block = 0
        # The text of each outermost paragraph, list item and definition (by the node's mem_id), where the
        # citations look for identifiers written outside references.
        self.block_texts: dict[int, str] = {}
        # Parsoid's section ids -> the walk's section index (1, 2, ... in page order, as the wikitext path
        # numbers them; Parsoid's ids skip the sections templates made).
        self.section_numbers: dict[int, int] = {0: 0}

    def visit(self, node: LexborNode, depth: int = 0) -> None:
        if depth > MAX_NESTING:
            return
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                if not self._blocks_only or self._in_block:
                    self._parts.append(child.text_content or "")
                continue
            if tag in SKIPPED_TAGS or tag.startswith("-"):
                continue
            attributes = child.attrs  # read one by one: a template's data-mw can be long
            classes = attributes.get("class")
            if classes and not SKIPPED_CLASSES.isdisjoint(classes.split()):
                continue
            style = attributes.get("style")
            if style and "display:none" in style.replace(" ", ""):
                continue
            if tag in BLOCKS_ONLY_TAGS or (classes and not BLOCKS_ONLY_CLASSES.isdisjoint(classes.split())):
                self._end_block()
                self._blocks_only += 1
                in_block, self._in_block = self._in_block, 0  # a table in a list item: its cells are no text
                self.visit(child, depth + 1)
                self._blocks_only -= 1
                self._in_block = in_block
                self._end_block()
            elif tag == "br":
                self._parts.append(" ")
            elif tag == "section":
                self._section(child, attributes, depth)
            elif tag in HEADINGS:
                self._heading(child, tag)
            elif tag in LIST_ITEM_TAGS or tag == "p":
                self._end_block()
                self._kind = "p" if tag == "p" else "li"
                blocks = self.sections[self._current[-1]]["blocks"]
                before = len(blocks)
                self._in_block += 1
                self.visit(child, depth + 1)
                self._in_block -= 1
                self._end_block()
                if not self._in_block and len(blocks) > before:
                    self.block_texts[child.mem_id] = " ".join(text for _, text in blocks[before:])
            elif tag in PARAGRAPH_TAGS or tag in ("ul", "ol", "dl"):
                self._end_block()
                self._kind = "p"
                self.visit(child, depth + 1)
                self._end_block()
            else:
                self.visit(child, depth + 1)

    def _section(self, node: LexborNode, attributes, depth: int) -> None:
        try:
            number = int(attributes.get("data-mw-section-id") or "")
        except ValueError:
            number = -1
        if number <= 0:  # the lead, or a section a template made: part of the section around it
            self.visit(node, depth + 1)
            return
        self._end_block()
        heading = next((c for c in node.iter() if c.tag in HEADINGS), None)
        self.sections.append({"index": len(self.sections), "level": HEADINGS[heading.tag] if heading else 2,
                              "title": _heading_text(heading) if heading else "",
                              "anchor": (heading.attrs.get("id") or "") if heading else "",
                              "parent": self._parent_for(HEADINGS[heading.tag] if heading else 2), "blocks": []})
        self._current.append(len(self.sections) - 1)
        self.section_numbers[number] = len(self.sections) - 1
        self.visit(node, depth + 1)
        self._end_block()
        self._current.pop()

    def _parent_for(self, level: int) -> int:
        for position in reversed(self._current):
            if self.sections[position]["level"] < level:
                return self.sections[position]["index"]
        return 0

    def _heading(self, node: LexborNode, tag: str) -> None:
        """The heading that opens a section is its title; another one (a template's) is a line of text."""
        section = self.sections[self._current[-1]]
        if section["index"] and not section["blocks"] and not self._parts and node.parent is not None \
                and node.parent.tag == "section":
            return  # the section's own heading, taken as its title
        self._end_block()
        self._kind = "p"
        self._parts.append(_heading_text(node))
        self._end_block()

    def _end_block(self) -> None:
        if self._parts:
            text = " ".join("".join(self._parts).split())
            if text:
                self.sections[self._current[-1]]["blocks"].append((self._kind, text))
            self._parts = []


def _heading_text(node: LexborNode) -> str:
    parts = []
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            parts.append(child.text_content or "")
        elif not (child.attrs.get("class") or "").startswith("mw-editsection"):
            parts.append(child.text(deep=True))
    return " ".join("".join(parts).split())


def section_text(blocks: list[tuple[str, str]]) -> str:
    """Paragraphs separated by a blank line; a list item on the line after what precedes it."""
    out: list[str] = []
    previous = None
    for kind, text in blocks:
        if out:
            out.append("\n" if "li" in (kind, previous) else "\n\n")
        out.append(text)
        previous = kind
    return "".join(out)
