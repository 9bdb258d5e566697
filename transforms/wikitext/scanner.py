"""What one pass over a page's wikitext finds (`Scan`: sections, links, templates, references), and the
tables the pass reads by. The pass itself is the native engine's (engine/src/scan.rs, called through
`transforms.wikitext.engine.scan`).

MediaWiki's own parser runs a preprocessor (comments, extension tags, template braces) and then a dozen
regex passes. The engine finds the tokens that matter (`{{`, `}}`, `[[`, `]]`, `[http`, `]`, `|`, tags,
and line starts for headings, lists and tables; a link, template, reference or heading with no markup
inside is a single token) and a stack of frames pairs them, the way MediaWiki's preprocessor does: a
closing token only closes the frame on top, an unclosed frame is broken back into plain text at the end of
its span, and extension tags (`<ref>`, `<nowiki>`, `<math>` ...) are matched first, so braces inside them
cannot escape. Nothing backtracks, the frame stack is bounded, and a deadline is checked every few hundred
tokens so a pathological page raises `ScanTimeout`.

Link targets are classified while scanning (a category or file link leaves no text, a wikilink leaves
its label) with the wiki's namespaces, handed to the engine once per wiki (see titles.TitleResolver).
"""
from __future__ import annotations


# Extension tags whose content is not wikitext and does not read as prose: dropped with the tags.
DROPPED_TAGS = frozenset({
    "math", "chem", "ce", "syntaxhighlight", "source", "pre", "score", "timeline", "graph", "templatedata",
    "mapframe", "maplink", "hiero", "categorytree", "inputbox", "charinsert", "templatestyles", "includeonly",
    "section", "indicator", "dynamicpagelist", "rss", "quiz", "poll", "talkpage", "imagemap",
})
# HTML and transparent extension tags: the markup goes, the content stays.
TRANSPARENT_TAGS = frozenset({
    "b", "i", "u", "s", "strike", "del", "ins", "em", "strong", "small", "big", "sup", "sub", "span", "div",
    "center", "font", "blockquote", "q", "cite", "abbr", "code", "kbd", "samp", "var", "tt", "dfn", "mark",
    "ruby", "rb", "rt", "rp", "rtc", "bdi", "bdo", "wbr", "data", "time", "poem", "noinclude", "onlyinclude",
    "h1", "h2", "h3", "h4", "h5", "h6", "ol", "ul", "dl", "dt", "caption", "th", "td", "tbody", "thead",
    "tfoot", "nowiki", "references", "ref", "gallery", "table", "tr", "li", "dd", "p", "br", "hr", "langconvert",
    "translate", "tvar", "languages",
})
LINE_BREAK_TAGS = frozenset({"br", "p", "li", "dd", "hr", "tr"})
OPAQUE_TAGS = DROPPED_TAGS | {"nowiki", "gallery"}

# The templates that stand for words, and how they become text, are in inline.py (per wiki).


class ScanTimeout(Exception):
    """The page took longer than its time budget."""


class Section:
    """A section: index 0 is the lead (level 0, no title); `start` is where its heading line starts."""

    __slots__ = ("index", "level", "title", "anchor", "parent", "start", "text")

    def __init__(self, index: int, level: int, title: str, anchor: str, parent: int | None, start: int):
        self.index, self.level, self.title, self.anchor, self.parent = index, level, title, anchor, parent
        self.start = start
        self.text = ""


class Link:
    """A link as written: `[[...]]` (internal), `[url label]` or a bare URL (external), a gallery line.

    For internal links `target` is the raw target and `resolved` what the resolver made of it; `label`
    is the plain text after the first pipe (None without a pipe); `caption` the last part (for files).
    For external links `target` is the URL and `label` the text after it.
    """

    __slots__ = ("kind", "target", "resolved", "label", "caption", "start", "section")

    def __init__(self, kind, target, resolved, label, caption, start, section):
        self.kind, self.target, self.resolved, self.label = kind, target, resolved, label
        self.caption, self.start, self.section = caption, start, section


class Template:
    """A template call. `name` is as written (plain), `key` its `template_key`; `args` the plain text of
    each argument, kept only for templates the caller asked for; `ref` the index of the reference it sits
    in (-1 outside)."""

    __slots__ = ("name", "key", "args", "start", "end", "section", "ref")

    def __init__(self, name, key, args, start, end, section, ref):
        self.name, self.key, self.args, self.start, self.end = name, key, args, start, end
        self.section, self.ref = section, ref


class Ref:
    """A `<ref>` tag (or `{{#tag:ref}}`). `content` is its wikitext, `text` its text with the markup removed
    (not yet tidied: see `tidy_text`)."""

    __slots__ = ("name", "group", "is_reuse", "start", "end", "section", "content", "text")

    def __init__(self, name, group, is_reuse, start, end, section, content="", text=""):
        self.name, self.group, self.is_reuse, self.start, self.end = name, group, is_reuse, start, end
        self.section, self.content, self.text = section, content, text


class Scan:
    """Everything one pass found. Offsets refer to `source` (the wikitext with comments removed)."""

    def __init__(self, source: str):
        self.source = source
        self.sections: list[Section] = []
        self.links: list[Link] = []
        self.templates: list[Template] = []
        self.refs: list[Ref] = []
        self.skipped: list[tuple[int, int]] = []  # spans that are not wikitext (nowiki, math, code ...)
        # Constructs read in a way that may lose or alter text: unclosed-template, unclosed-link,
        # unclosed-external-link, unclosed-table, unclosed-tag, nesting-too-deep, math-dropped.
        self.out_of_range: list[str] = []

    @property
    def text(self) -> str:
        """The page as plain text: the lead, then each section's title on its own line and its text."""
        blocks = []
        for section in self.sections:
            block = f"{section.title}\n{section.text}" if section.index else section.text
            if block.strip():
                blocks.append(block.strip("\n"))
        return "\n\n".join(blocks)


_TEMPLATE_KEYS: dict[str, str] = {}


def template_key(name: str) -> str:
    """A template name compared the way the scanner and its callers compare them: lower case, spaces."""
    key = _TEMPLATE_KEYS.get(name)
    if key is None:
        key = " ".join(name.replace("_", " ").split()).lower()
        for prefix in ("subst:", "safesubst:", "template:", "msgnw:"):
            if key.startswith(prefix):
                key = key[len(prefix):].strip()
        if len(_TEMPLATE_KEYS) < 100_000:  # names repeat across pages: cache them
            _TEMPLATE_KEYS[name] = key
    return key
