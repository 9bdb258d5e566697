"""One pass over a page's wikitext: plain text by section, links, templates and references.

MediaWiki's own parser runs a preprocessor (comments, extension tags, template braces) and then a dozen
regex passes. Here a single regular expression finds the tokens that matter (`{{`, `}}`, `[[`, `]]`,
`[http`, `]`, `|`, tags, and line starts for headings, lists and tables; a link, template, reference or
heading with no markup inside is a single token) and a stack of frames pairs them, the way MediaWiki's
preprocessor does: a closing token only closes the frame on top, an unclosed frame is broken back into
plain text at the end of its span, and extension tags (`<ref>`, `<nowiki>`, `<math>` ...) are matched
first, so braces inside them cannot escape. Everything between tokens is copied in slices, so the cost
grows with the number of tokens, not of characters.

Nothing here backtracks: every regular expression is linear (no nested quantifiers over overlapping
classes), a missing closing tag is searched for once per tag name, the frame stack is bounded, and a
deadline is checked every few hundred tokens so a pathological page raises `ScanTimeout`.

Link targets are classified while scanning (a category or file link leaves no text, a wikilink leaves
its label) by a resolver, normally `titles.TitleResolver` built from the wiki's siteinfo.
"""
from __future__ import annotations

import html
import re
import time
from typing import Callable, Protocol

# The tokens. Plain newlines are not tokens: only those that start a heading, a list or a table line.
# A heading, a link, a template or a reference with nothing to parse inside (`== History ==`,
# `[[target|plain label]]`, `{{cite web|url=...}}`, `<ref>{{cite book|...}}</ref>`: most of them) is one token.
# No capturing groups: they would keep the regex engine from skipping quickly to the next candidate
# character (a tenfold difference); the loop tells tokens apart by their first character instead.
# Bold and italic quotes are not tokens either: they are removed from the finished text (`strip_quotes`).
TOKEN = re.compile(
    r"\n(?:==[^=\n<>\[\]{}'&]+==|===[^=\n<>\[\]{}'&]+===|====[^=\n<>\[\]{}'&]+====)[ \t]*(?=\n|$)"
    r"|\n(?:[ \t]*(?:\{\||\|\})|[*#:;]+(?:[ \t]*\{\|)?|=)"
    r"|\[\[[^\[\]{}|<>\n]+(?:\|[^\[\]{}|<>\n]*)?\]\]"
    r"|\{\{[^{}\[\]<>]*\}\}"
    r"|<ref(?:\s[^<>/]*)?>(?:[^<>\[\]{}]|\{\{[^{}\[\]<>]*\}\})*</ref>"
    r"|\{\{+|\}\}+|\[\[|\]\]|\[(?=(?i:https?://|ftp://|mailto:|//))|\]|\|"
    r"|</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"
)
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
HEADING = re.compile(r"(={1,6})(.+?)(={1,6})[ \t]*(?=\n|$)")
ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'/>]+))""")
URL = re.compile(r"(?i:(?:https?|ftp)://|mailto:|//)[^\s<>\[\]{}|\"]+")
BARE_URL = re.compile(r"(?i:https?|ftp)://[^\s<>\[\]{}|\"]+")
MAGIC_WORD = re.compile(r"__[A-Z]{2,}__")
QUOTES = re.compile(r"'{2,}")
EMPTY_PARENS = re.compile(r"\(\s*(?:[,;]\s*)*\)")
OPEN_PAREN_PUNCT = re.compile(r"\(\s*[,;]\s*")
SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+(?=[,.](?:\s|$))")
SPACES = re.compile(r"[ \t]{2,}")
RULE_LINES = re.compile(r"^[ \t]*-{4,}[ \t]*$", re.MULTILINE)
BLANK_LINES = re.compile(r"\n{3,}")
NAMED_ARG = re.compile(r"^\s*[^=|\[\]{}]+?\s*=")

MAX_DEPTH = 100  # deeper nesting is treated as text: real pages stay far below
CHECK_EVERY = 512  # tokens between two looks at the clock

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

# Templates that stand for a few words of prose; everything else a template renders is dropped.
#  value: how their arguments become text.
INLINE_TEMPLATES = {
    "lang": "second", "transl": "last", "nowrap": "first", "nobr": "first", "ipa": "first", "small": "first",
    "smaller": "first", "big": "first", "em": "first", "strong": "first", "abbr": "first", "nihongo": "first",
    "convert": "convert", "cvt": "convert", "!": "|", "'": "'", "=": "=", "snd": " – ", "spaced ndash": " – ",
    "ndash": "–", "mdash": "—", "nbsp": " ", "·": " · ", "dot": " · ",
}
TAG_REF = "#tag:ref"

ROOT, TEMPLATE, LINK, EXTLINK, TABLE = range(5)
PAGE, INLINE, REF = range(3)  # what a scanned span is: the page body, a title or caption, a reference


class ScanTimeout(Exception):
    """The page took longer than its time budget."""


class Resolved(Protocol):
    """What a resolver says about a `[[...]]` target (see titles.LinkTarget)."""

    link_type: str  # wikilink, category, media, interwiki, interlanguage, or invalid


class Resolver(Protocol):
    # What each `[[target|label]]` token read as on this wiki, filled by the scanner: link tokens repeat
    # across a wiki's pages ([[United States]], [[Category:Living people]]); reading one again costs a
    # dict lookup.
    link_tokens: dict

    def resolve(self, raw: str) -> Resolved: ...


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

    @property
    def text(self) -> str:
        """The page as plain text: the lead, then each section's title on its own line and its text."""
        blocks = []
        for section in self.sections:
            block = f"{section.title}\n{section.text}" if section.index else section.text
            if block.strip():
                blocks.append(block.strip("\n"))
        return "\n\n".join(blocks)


class _Frame:
    __slots__ = ("kind", "start", "parts", "segments", "count", "dynamic", "templates_at")

    def __init__(self, kind: int, start: int, count: int = 0):
        self.kind = kind
        self.start = start
        self.parts: list = []
        self.segments: list | None = None  # parts of the pieces before each pipe (links, templates)
        self.count = count  # open braces still unmatched (templates)
        self.dynamic = False  # a template whose name is itself made by a template
        self.templates_at = 0


_TEMPLATE_KEYS: dict[str, str] = {}
LINK_TOKEN_CACHE = 200_000  # entries of a resolver's link_tokens


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


def strip_comments(text: str) -> str:
    """Removes `<!-- ... -->`; an unclosed comment runs to the end, as in MediaWiki. Linear time."""
    if "<!--" not in text:
        return text
    out = []
    position = 0
    while True:
        start = text.find("<!--", position)
        if start < 0:
            out.append(text[position:])
            break
        out.append(text[position:start])
        end = text.find("-->", start + 4)
        if end < 0:
            break
        position = end + 3
    return "".join(out)


def _quote_run(match: re.Match) -> str:
    # Two, three and five apostrophes switch italic and bold; four are an apostrophe and bold; longer
    # runs keep the apostrophes beyond five.
    run = len(match.group())
    return "'" if run == 4 else "'" * (run - 5) if run > 5 else ""


def strip_quotes(text: str) -> str:
    """Removes the bold and italic markup (runs of apostrophes) from a text."""
    if "''" not in text:
        return text
    if "''''" not in text:
        # Every run is of two or three apostrophes, all markup: plain replacements remove them (the
        # runs of three first, which leaves no new run behind).
        return text.replace("'''", "").replace("''", "")
    return QUOTES.sub(_quote_run, text)


def tidy_text(text: str) -> str:
    """Plain text as users want it: bold and italic markup and magic words gone, entities decoded, one
    blank line between paragraphs, no stray spaces before punctuation or empty parentheses left by
    removed markup."""
    text = strip_quotes(text)
    if "&" in text:
        text = html.unescape(text)
    if "__" in text:
        text = MAGIC_WORD.sub("", text)
    if "(" in text:
        text = EMPTY_PARENS.sub("", OPEN_PAREN_PUNCT.sub("(", text))
    if " ," in text or " ." in text:
        text = SPACE_BEFORE_PUNCT.sub("", text)
    if "\u00a0" in text:
        text = text.replace("\u00a0", " ")
    if "\t" in text:
        text = SPACES.sub(" ", text)
    else:
        while "  " in text:  # halves every run of spaces: faster than the regex on the usual runs of two
            text = text.replace("  ", " ")
    if "----" in text:
        text = RULE_LINES.sub("", text)
    text = "\n".join([line.strip() for line in text.split("\n")])
    if "\n\n\n" in text:
        text = BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")


def _flatten(parts: list) -> str:
    return "".join(parts)


class Scanner:
    """Scans one page. Use `scan()`; the class holds the state of a single pass.

    Args:
        resolver: classifies `[[...]]` targets (category, file, wikilink, ...).
        wants_args: whether to keep the arguments of a template, given its `template_key`.
        deadline: `time.perf_counter()` value after which the scan gives up (ScanTimeout).
    """

    def __init__(self, resolver: Resolver, wants_args: Callable[[str], bool] | None = None,
                 deadline: float | None = None):
        self._resolver = resolver
        self._link_tokens = resolver.link_tokens
        self._wants_args = wants_args or (lambda key: False)
        self._deadline = deadline
        self._calls = 0
        self._missing_close: dict[tuple[str, int], int] = {}  # (tag, span end) -> offset with no closing tag after
        self._section = 0
        self._ref = -1
        self._scan = Scan("")  # the page's, from scan() on
        self._anchors: set[str] = set()
        self._heading_levels: list[tuple[int, int]] = [(0, 0)]  # (level, index) of open sections

    def scan(self, wikitext: str) -> Scan:
        # A leading newline makes the first line a line start like any other; offsets shift by one.
        source = "\n" + strip_comments(wikitext)
        scan = self._scan = Scan(source)
        scan.sections.append(Section(0, 0, "", "", None, 0))
        parts = self._run(0, len(source), PAGE)
        scan.sections[-1].text = tidy_text(_flatten(parts))
        scan.links.sort(key=lambda link: link.start)
        return scan

    # -- the token loop ------------------------------------------------------------------------------

    def _run(self, begin: int, end: int, mode: int, record: bool = True) -> list:
        """Scans source[begin:end] and returns the text parts of its root frame."""
        self._calls += 1
        if self._calls % 64 == 0:
            self._check_clock()
        source = self._scan.source
        links = self._scan.links
        link_tokens = self._link_tokens
        root = _Frame(ROOT, begin)
        stack = [root]
        top = root
        last = begin
        resume: int | None = begin
        countdown = CHECK_EVERY
        while resume is not None:
            tokens = TOKEN.finditer(source, resume, end)
            resume = None
            for match in tokens:
                start, stop = match.span()
                if start > last:
                    piece = source[last:start]
                    top.parts.append(piece)
                    if "://" in piece and record and (top.kind == ROOT or top.kind == TABLE):
                        self._bare_urls(piece, last)
                last = stop
                countdown -= 1
                if not countdown:
                    countdown = CHECK_EVERY
                    self._check_clock()
                token = match.group()
                first = token[0]

                if first == "[":
                    if len(token) > 2:  # `[[target|label]]` without markup inside: the commonest token by far
                        # Looked up only here: hashing every long template or ref token cost more.
                        read = link_tokens.get(token) or self._read_link_token(token)
                        if record and read[1] is not None:
                            links.append(Link("internal", read[0], read[1], read[2], read[2], start, self._section))
                        if read[3] is not None:
                            top.parts.append(read[3])
                        continue
                    if len(stack) >= MAX_DEPTH:
                        continue
                    frame = _Frame(LINK if len(token) == 2 else EXTLINK, start)
                    stack.append(frame)
                    top = frame

                elif first == "]":
                    if len(token) == 2:
                        top = self._close_link(stack, start, record)
                    elif top.kind == EXTLINK:
                        stack.pop()
                        parent = stack[-1]
                        self._finish_extlink(top, start, parent, record)
                        top = parent
                    else:
                        top.parts.append("]")

                elif first == "|":
                    if top.kind == TEMPLATE or top.kind == LINK:
                        if top.segments is None:
                            top.segments = []
                        top.segments.append(top.parts)
                        top.parts = []
                    else:
                        top.parts.append("|")

                elif first == "{":
                    if token[-1] == "}":
                        self._simple_template(token, start, stop, top, record)
                        continue
                    if len(stack) >= MAX_DEPTH:
                        continue
                    frame = _Frame(TEMPLATE, start, len(token))
                    frame.templates_at = len(self._scan.templates)
                    stack.append(frame)
                    top = frame

                elif first == "}":
                    top = self._close_braces(stack, len(token), last, record)

                elif first == "\n":
                    top.parts.append("\n")
                    if len(token) > 4 and token[2] == "=":  # a heading without markup inside
                        top = self._abort_inline(stack, record) if mode == PAGE else top
                        if mode != PAGE or top.kind != ROOT:
                            top.parts.append(token[1:])
                            continue
                        line = token.strip()
                        level = len(line) - len(line.lstrip("="))
                        self._start_section(level, " ".join(line[level:-level].split()), start + 1, root)
                    elif token[-1] == "=":
                        if mode != PAGE:
                            top.parts.append("=")
                            continue
                        top = self._abort_inline(stack, record)
                        if top.kind != ROOT:
                            top.parts.append("=")
                            continue
                        line_end = self._heading(start + 1, end, root, record)
                        if line_end is None:
                            top.parts.append("=")
                            continue
                        resume = last = line_end
                        break
                    elif token.endswith("{|"):
                        top = self._open_table(stack, start)
                    elif token.endswith("|}"):
                        top = self._close_table(stack, record)

                elif token[-6:] == "</ref>" and token[1] == "r":
                    self._simple_ref(token, start, stop, record)

                else:  # a tag
                    jump = self._tag(match, token, stack, top, end, record)
                    top = stack[-1]
                    if jump is not None:
                        resume = last = jump
                        break

        if last < end:
            piece = source[last:end]
            top.parts.append(piece)
            if record and (top.kind == ROOT or top.kind == TABLE) and "://" in piece:
                self._bare_urls(piece, last)
        while len(stack) > 1:
            self._break(stack, record)
        return root.parts

    # -- templates -------------------------------------------------------------------------------------

    def _check_clock(self) -> None:
        if self._deadline is not None and time.perf_counter() > self._deadline:
            raise ScanTimeout()

    def _close_braces(self, stack: list, run: int, position: int, record: bool) -> _Frame:
        """Closes template frames with a run of `}`; like MediaWiki, only the frame on top can close."""
        top = stack[-1]
        while run >= 2:
            if top.kind == EXTLINK and any(f.kind == TEMPLATE for f in stack):
                self._break(stack, record)
                top = stack[-1]
                continue
            if top.kind != TEMPLATE:
                break
            matched = min(run, top.count, 3)
            run -= matched
            top.count -= matched
            if matched == 2:
                text = self._finish_template(top, position - run, record)
            else:
                text = None  # {{{argument}}}: nothing on an article page
            if top.count >= 2:
                # `{{{{a}}|b}}`: what remains open is a template whose name came from a template.
                top.parts, top.segments, top.dynamic = ([text] if text else []), None, True
                continue
            stack.pop()
            parent = stack[-1]
            if text:
                parent.parts.append(text)
            top = parent
        return top

    def _finish_template(self, frame: _Frame, end: int, record: bool) -> str | None:
        segments = (frame.segments or []) + [frame.parts]
        name = "" if frame.dynamic else _flatten(segments[0]).strip()
        return self._template(name, lambda: [strip_quotes(_flatten(s)) for s in segments[1:]], frame.start, end,
                              frame.templates_at, record)

    def _simple_template(self, token: str, start: int, end: int, top: _Frame, record: bool) -> None:
        """A template token without nested markup: its arguments are the text between the pipes."""
        name, _, rest = token[2:-2].partition("|")

        def arguments() -> list[str]:
            if not rest:
                return []
            return strip_quotes(rest).split("|")

        text = self._template(name.strip(), arguments, start, end, len(self._scan.templates), record)
        if text:
            top.parts.append(text)

    def _template(self, name: str, arguments: Callable[[], list[str]], start: int, end: int, templates_at: int,
                  record: bool) -> str | None:
        """Records a template call; returns the text it stands for (only a few inline templates have any)."""
        key = template_key(name) if name else ""
        if key == TAG_REF:
            if record:
                self._tag_ref(arguments(), start, end, templates_at)
            return None
        inline = INLINE_TEMPLATES.get(key) or ("first" if key.startswith("lang-") else None)
        if not record and inline is None:
            return None
        args = arguments() if (inline or (record and self._wants_args(key))) else None
        if record and name:
            self._scan.templates.append(Template(name, key, args, start, end, self._section, self._ref))
        return _inline_text(inline, args or []) if inline else None

    def _tag_ref(self, args: list[str], start: int, end: int, templates_at: int) -> None:
        """`{{#tag:ref|content|name=..|group=..}}` is a <ref> written as a parser function."""
        attributes = {}
        for arg in args[1:]:
            key, sep, value = arg.partition("=")
            if sep:
                attributes[key.strip().lower()] = value.strip()
        scan = self._scan
        index = len(scan.refs)
        text = args[0] if args else ""
        inner = scan.templates[templates_at:]
        # The content's templates were already read as such; its text without them is all the args keep.
        content = scan.source[start:end] if inner else text
        scan.refs.append(Ref(attributes.get("name") or None, attributes.get("group") or None,
                             not text.strip() and not inner, start, end, self._section, content, text))
        for template in inner:
            if template.ref < 0:
                template.ref = index

    # -- links -----------------------------------------------------------------------------------------

    def _close_link(self, stack: list, start: int, record: bool) -> _Frame:
        top = stack[-1]
        while top.kind == EXTLINK:
            self._break(stack, record)
            top = stack[-1]
        if top.kind != LINK:
            return top  # a stray ]] (shown as written by MediaWiki) is dropped like other stray markup
        stack.pop()
        parent = stack[-1]
        source = self._scan.source
        segments = (top.segments or []) + [top.parts]
        if top.segments:
            raw_target = source[top.start + 2 : source.find("|", top.start + 2, start)]
        else:
            raw_target = source[top.start + 2 : start]
        resolved = self._resolver.resolve(raw_target)
        kind = resolved.link_type
        if kind == "invalid":
            parent.parts.append("|".join(_flatten(s) for s in segments))
            return parent
        label = strip_quotes("|".join(_flatten(s) for s in segments[1:])) if len(segments) > 1 else None
        if record:
            caption = strip_quotes(_flatten(segments[-1])) if len(segments) > 1 else None
            self._scan.links.append(Link("internal", raw_target, resolved, label, caption, top.start, self._section))
        if kind == "wikilink" or kind == "interwiki":
            shown = label if label is not None and label.strip() else _display_target(raw_target, label is not None)
            parent.parts.append(shown)
        return parent

    def _read_link_token(self, token: str) -> tuple:
        """What a `[[target|label]]` token not read before reads as, remembered in the resolver's cache:
        (raw target, resolved target or None if not a link, label or None, text shown or None)."""
        raw_target, pipe, label = token[2:-2].partition("|")
        if "''" in label:
            label = strip_quotes(label)
        resolved = self._resolver.resolve(raw_target)
        kind = resolved.link_type
        if kind == "invalid":
            read: tuple[str, Resolved | None, str | None, str | None] = (raw_target, None, None, token[2:-2])
        elif kind == "wikilink" or kind == "interwiki":
            shown = label if label.strip() else _display_target(raw_target, bool(pipe))
            read = (raw_target, resolved, label if pipe else None, shown)
        else:
            read = (raw_target, resolved, label if pipe else None, None)
        cache = self._link_tokens
        if len(cache) >= LINK_TOKEN_CACHE:
            cache.clear()
        cache[token] = read
        return read

    def _finish_extlink(self, frame: _Frame, end: int, parent: _Frame, record: bool) -> None:
        source = self._scan.source
        raw = source[frame.start + 1 : end]
        url_match = URL.match(raw)
        joined = _flatten(frame.parts)
        if url_match is None or "\n" in raw:
            # Not a link after all (no URL, or it spans lines): its text stays, the URL is a bare one.
            parent.parts.append(joined)
            if record and parent.kind in (ROOT, TABLE):
                self._bare_urls(joined, frame.start + 1)
            return
        url = url_match.group(0)
        label = joined[len(url):] if joined.startswith(url) else joined.replace(url, "", 1)
        label = strip_quotes(label).strip()
        if record:
            self._scan.links.append(Link("external", url, None, label or None, None, frame.start, self._section))
        if label:
            parent.parts.append(label)

    def _bare_urls(self, piece: str, offset: int) -> None:
        for match in BARE_URL.finditer(piece):
            url = _trim_url(match.group(0))
            self._scan.links.append(Link("external", url, None, None, None, offset + match.start(), self._section))

    # -- tables, headings, broken frames ---------------------------------------------------------------

    def _open_table(self, stack: list, start: int) -> _Frame:
        top = stack[-1]
        if top.kind in (TEMPLATE, LINK, EXTLINK) or len(stack) >= MAX_DEPTH:
            top.parts.append("{|")
            return top
        frame = _Frame(TABLE, start)
        stack.append(frame)
        return frame

    def _close_table(self, stack: list, record: bool) -> _Frame:
        depth = len(stack) - 1
        while depth > 0 and stack[depth].kind in (LINK, EXTLINK):
            depth -= 1
        if stack[depth].kind != TABLE:
            return stack[-1]  # a stray |}: dropped
        while len(stack) - 1 > depth:
            self._break(stack, record)
        stack.pop()  # a table's text is not prose
        return stack[-1]

    def _abort_inline(self, stack: list, record: bool) -> _Frame:
        """A heading line ends unclosed links on the lines before it."""
        while stack[-1].kind in (LINK, EXTLINK):
            self._break(stack, record)
        return stack[-1]

    def _break(self, stack: list, record: bool) -> None:
        """An unclosed frame becomes text in its parent, as MediaWiki shows unmatched markup."""
        frame = stack.pop()
        parent = stack[-1]
        if frame.kind == TABLE:
            return
        if frame.kind == EXTLINK:
            joined = _flatten(frame.parts)
            parent.parts.append(joined)
            if record and parent.kind in (ROOT, TABLE):
                self._bare_urls(joined, frame.start + 1)
            return
        for index, segment in enumerate(frame.segments or []):
            parent.parts.extend(segment)
            parent.parts.append("|")
        parent.parts.extend(frame.parts)

    def _heading(self, position: int, end: int, root: _Frame, record: bool) -> int | None:
        """Starts a new section at a heading line; returns where the line ends, or None if not a heading."""
        source = self._scan.source
        match = HEADING.match(source, position, end)
        if match is None:
            return None
        left, right = len(match.group(1)), len(match.group(3))
        level = min(left, right)
        content_start = position + level
        content_end = match.end(3) - level
        if content_end <= content_start or not source[content_start:content_end].strip(" \t="):
            return None
        title = tidy_text(_flatten(self._run(content_start, content_end, INLINE, record))).replace("\n", " ")
        self._start_section(level, title, position, root)
        line_end = source.find("\n", match.end())
        return end if line_end < 0 or line_end > end else line_end

    def _start_section(self, level: int, title: str, position: int, root: _Frame) -> None:
        """Closes the current section (its text is what the page root holds) and opens a new one."""
        scan = self._scan
        scan.sections[-1].text = tidy_text(_flatten(root.parts))
        root.parts.clear()
        index = len(scan.sections)
        while self._heading_levels and self._heading_levels[-1][0] >= level:
            self._heading_levels.pop()
        parent = self._heading_levels[-1][1] if self._heading_levels else 0
        self._heading_levels.append((level, index))
        scan.sections.append(Section(index, level, title, self._anchor(title), parent, position))
        self._section = index

    def _anchor(self, title: str) -> str:
        """The id MediaWiki gives a heading: spaces as underscores, repeats numbered _2, _3 ..."""
        anchor = "_".join(title.split())
        candidate, number = anchor, 1
        while candidate.lower() in self._anchors:
            number += 1
            candidate = f"{anchor}_{number}"
        self._anchors.add(candidate.lower())
        return candidate

    # -- tags ------------------------------------------------------------------------------------------

    def _tag(self, match: re.Match, token: str, stack: list, top: _Frame, end: int, record: bool) -> int | None:
        """Handles an HTML or extension tag; returns where scanning resumes when the tag's content was
        consumed here."""
        tag = TAG.match(token)
        assert tag is not None  # TOKEN's tags all start the way TAG reads them
        slash, name = tag.groups()
        name = name.lower()
        if name not in TRANSPARENT_TAGS and name not in DROPPED_TAGS:
            top.parts.append(token)  # not a tag MediaWiki knows: shown as written
            return None
        tag_end = match.end()
        closing = slash == "/"
        self_closing = token.endswith("/>")
        if name == "ref":
            if closing:
                return None  # a stray </ref>
            return self._ref_tag(match, token, end, self_closing, record)
        if name == "table" and not self_closing:
            if closing:
                if top.kind == TABLE:
                    stack.pop()
            else:
                self._open_table(stack, match.start())
            return None
        if closing or self_closing:
            if name in LINE_BREAK_TAGS:
                top.parts.append("\n")
            return None
        if name in OPAQUE_TAGS or name == "references":
            close = self._find_close(name, tag_end, end)
            if close is None:
                return None  # no closing tag: MediaWiki shows the rest as ordinary wikitext
            content_end, resume = close
            if name == "references":
                self._run(tag_end, content_end, REF, record)  # list-defined references
            elif name == "nowiki":
                top.parts.append(self._scan.source[tag_end:content_end])
                self._scan.skipped.append((tag_end, content_end))
            elif name == "gallery":
                if record:
                    self._gallery(tag_end, content_end)
                self._scan.skipped.append((tag_end, content_end))
            else:
                if name == "imagemap" and record:
                    self._imagemap(tag_end, content_end)
                self._scan.skipped.append((tag_end, content_end))
            return resume
        if name in LINE_BREAK_TAGS:
            top.parts.append("\n")
        return None

    def _find_close(self, name: str, position: int, end: int) -> tuple[int, int] | None:
        """(start, end) of the first `</name>` in [position, end), searched once per tag name and span end
        when absent (a page with a thousand unclosed tags must not be read a thousand times)."""
        if self._missing_close.get((name, end), end + 1) <= position:
            return None
        pattern = _closing_tag(name)
        match = pattern.search(self._scan.source, position, end)
        if match is None:
            self._missing_close[(name, end)] = position
            return None
        return match.start(), match.end()

    def _ref_tag(self, match: re.Match, token: str, end: int, self_closing: bool, record: bool) -> int | None:
        attributes = _attributes(token)
        name = attributes.get("name") or None
        group = attributes.get("group") or None
        scan = self._scan
        if self_closing:
            if record:
                scan.refs.append(Ref(name, group, True, match.start(), match.end(), self._section))
            return None
        close = self._find_close("ref", match.end(), end)
        if close is None:
            return None  # an unclosed <ref>: the tag is dropped and what follows is read as text
        content_end, resume = close
        content = scan.source[match.end():content_end]
        index = len(scan.refs)
        ref = Ref(name, group, not content.strip(), match.start(), resume, self._section, content)
        if record:
            scan.refs.append(ref)
        outer_ref, self._ref = self._ref, index
        try:
            ref.text = _flatten(self._run(match.end(), content_end, REF, record))
        finally:
            self._ref = outer_ref
        return resume

    def _simple_ref(self, token: str, start: int, stop: int, record: bool) -> None:
        """A reference token whose content is text and simple templates only."""
        head = token.index(">") + 1
        attributes = _attributes(token[:head]) if head > 5 else {}
        content = token[head:-6]
        scan = self._scan
        index = len(scan.refs)
        if record:
            scan.refs.append(Ref(attributes.get("name") or None, attributes.get("group") or None,
                                 not content.strip(), start, stop, self._section, content, content))
        if "{{" not in content and "://" not in content:
            return
        offset = start + head
        sink = _Frame(ROOT, offset)  # the text of a reference is not prose of the page
        outer_ref, self._ref = self._ref, index
        position = 0
        while True:
            opening = content.find("{{", position)
            piece = content[position:] if opening < 0 else content[position:opening]
            if record and "://" in piece:
                self._bare_urls(piece, offset + position)
            if opening < 0:
                break
            closing = content.index("}}", opening) + 2
            self._simple_template(content[opening:closing], offset + opening, offset + closing, sink, record)
            position = closing
        self._ref = outer_ref

    def _gallery(self, start: int, end: int) -> None:
        """Each gallery line names a file (the File: prefix may be left out), then a caption."""
        source = self._scan.source
        position = start
        while position < end:
            line_end = source.find("\n", position, end)
            line_end = end if line_end < 0 else line_end
            line = source[position:line_end]
            target, _, caption = line.partition("|")
            target = target.strip()
            if target:
                resolved = self._resolver.resolve(target)
                if resolved.link_type != "media":
                    resolved = self._resolver.resolve("File:" + target)
                if resolved.link_type == "media":
                    shown = tidy_text(_flatten(self._run(position + len(line) - len(caption), line_end, INLINE))) if caption else None
                    self._scan.links.append(Link("internal", target, resolved, shown, shown, position, self._section))
            position = line_end + 1

    def _imagemap(self, start: int, end: int) -> None:
        source = self._scan.source
        for line in source[start:end].split("\n"):
            target = line.partition("|")[0].strip()
            if target:
                resolved = self._resolver.resolve(target)
                if resolved.link_type == "media":
                    self._scan.links.append(Link("internal", target, resolved, None, None, start, self._section))
                return


_CLOSING: dict[str, re.Pattern] = {}


def _closing_tag(name: str) -> re.Pattern:
    pattern = _CLOSING.get(name)
    if pattern is None:
        pattern = _CLOSING[name] = re.compile(rf"</{name}\s*>", re.IGNORECASE)
    return pattern


_ATTRIBUTES: dict[str, dict[str, str]] = {}


def _attributes(tag: str) -> dict[str, str]:
    """The attributes of a tag, read-only: tags such as `<ref name="x">` repeat, so they are cached."""
    found = _ATTRIBUTES.get(tag)
    if found is None:
        found = {}
        for match in ATTRIBUTE.finditer(tag):
            value = match.group(2) if match.group(2) is not None else match.group(3) if match.group(3) is not None else match.group(4)
            found[match.group(1).lower()] = html.unescape(value).strip()
        if len(_ATTRIBUTES) >= 100_000:
            _ATTRIBUTES.clear()
        _ATTRIBUTES[tag] = found
    return found


def _trim_url(url: str) -> str:
    """A bare URL ends before trailing punctuation (and before a closing parenthesis it did not open)."""
    url = url.rstrip(".,;:!?'")
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1].rstrip(".,;:!?'")
    return url


def _display_target(raw: str, pipe_trick: bool) -> str:
    """What a link without a label shows: the target as written (without a leading colon); with an
    empty label (`[[Foo (bar)|]]`, the pipe trick) the title without namespace and parenthesis."""
    shown = raw.strip().lstrip(":").replace("_", " ")
    if pipe_trick:
        shown = shown.partition(":")[2] or shown
        shown = re.sub(r"\s*\([^()]*\)$", "", shown).split(",")[0]
    return shown


def _positional(args: list[str]) -> list[str]:
    return [arg.strip() for arg in args if not NAMED_ARG.match(arg)]


def _inline_text(how: str, args: list[str]) -> str:
    if how not in ("first", "second", "last", "convert"):
        return how  # a template standing for a fixed character
    values = _positional(args)
    if how == "convert":
        # {{convert|87|km|mi}} -> "87 km"; {{convert|3|-|12|cm|in}} -> "3-12 cm"
        if len(values) >= 4 and values[1] in ("-", "–", "to", "and", "or", "x", "×", "by", "+/-"):
            joiner = values[1] if values[1] in ("-", "–", "×") else f" {values[1]} "
            return f"{values[0]}{joiner}{values[2]} {values[3]}"
        return " ".join(values[:2])
    if not values:
        return ""
    if how == "second":
        return values[1] if len(values) > 1 else ""
    return values[0] if how == "first" else values[-1]


def scan(wikitext: str, resolver: Resolver, *, wants_args: Callable[[str], bool] | None = None,
         deadline: float | None = None) -> Scan:
    """Scans one page's wikitext once; see `Scan` for what comes back.

    Raises:
        ScanTimeout: when `deadline` (a `time.perf_counter()` value) passes during the scan.
    """
    return Scanner(resolver, wants_args, deadline).scan(wikitext)
