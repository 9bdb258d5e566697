"""Writes samplewiki's articles as a Wikimedia Enterprise HTML dump
(`samplewiki-NS0-<date>-ENTERPRISE-HTML.json.tar.gz`).

Enterprise dumps are a tar.gz of NDJSON files, one article record per line (name, identifier, version,
article_body.html as Parsoid renders the page, article_body.wikitext, ...). MediaWiki is not at hand, so
this module renders samplewiki's wikitext into Parsoid-shaped HTML itself: a small renderer that is right
for the constructs samplewiki's article writers use, not a general wikitext parser. It deliberately
shares no code with the project's transforms/: the project's HTML reader is tested against this output,
so the two must be independent readings of Parsoid's conventions (see the real records in
../shared/data/real/enterprise-html).

How the renderer works: stash what must not be touched by later steps (extension tags, <ref>s,
templates, links) behind private-use placeholders, each already rendered to HTML; then lay out blocks
(sections, paragraphs, lists, tables) line by line, apply bold/italic, and put the stashed HTML back.
Templates are rendered by a rule per template samplewiki uses; a template's output carries `about` and
`typeof="mw:Transclusion"` with its call in `data-mw`, as Parsoid marks transclusions.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import re
import tarfile
from pathlib import Path
from urllib.parse import quote, quote_plus

from .model import Page, SampleWiki

MEMBER = "samplewiki_namespace_0_0.ndjson"
HOST = "sample.wikipedia.org"
LICENSE = [{"name": "Creative Commons Attribution Share Alike 4.0 International", "identifier": "CC-BY-SA-4.0",
            "url": "https://creativecommons.org/licenses/by-sa/4.0/"}]
# Reference date for the "(age N)" templates: the dump date, so output never depends on the clock.
AGE_AT = (2026, 1, 1)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
LANGUAGES = {"ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "ja": "Japanese", "zh": "Chinese", "ru": "Russian",
             "el": "Greek"}
INTERLANGUAGE = {"de", "fr", "nl", "es", "ru", "it", "he", "zh", "ja", "ar", "el", "hi"}
INTERWIKI = {"commons": "https://commons.wikimedia.org/wiki/", "wikt": "https://en.wiktionary.org/wiki/",
             "wikispecies": "https://species.wikimedia.org/wiki/"}
CONVERSIONS = {"km": ("mi", 0.621371), "m": ("ft", 3.28084), "km2": ("sq mi", 0.386102), "cm": ("in", 0.393701),
               "mm": ("in", 0.0393701), "m3/s": ("cu ft/s", 35.3147)}
UNIT_NAMES = {"km2": "km²", "m3/s": "m³/s"}

# Placeholders: a private-use character, the stash index, another one. Drafts never contain them.
_P0, _P1 = "\ue100", "\ue101"
_STASHED = re.compile(f"{_P0}(\\d+){_P1}")


def _attr(value: str) -> str:
    """An attribute value for double quotes."""
    return html.escape(value, quote=True)


def _text(value: str) -> str:
    """Element text: wikitext entities (&nbsp; &quot; ...) become characters, then & < > are escaped."""
    return html.escape(html.unescape(value), quote=False)


def _title(target: str) -> str:
    """A link target as MediaWiki normalises it: underscores to spaces, first letter upper case."""
    target = re.sub(r"[ _]+", " ", target).strip()
    return target[:1].upper() + target[1:]


def _href(title: str, fragment: str = "") -> str:
    """Parsoid's relative href of a page: `./Title_With_Underscores`, `"`, `?` and `%` percent-encoded."""
    path = title.replace(" ", "_")
    path = path.replace("%", "%25").replace('"', "%22").replace("?", "%3F")
    return "./" + path + (f"#{fragment.replace(' ', '_')}" if fragment else "")


def _wiki_url(base: str, title: str) -> str:
    """A page's address on a wiki: `base` + the title with underscores, percent-encoded."""
    return base + quote(title.replace(" ", "_"), safe="/:'(),!*")


def _url(title: str) -> str:
    return _wiki_url(f"https://{HOST}/wiki/", title)


def _identifier_link(name: str, href: str, shown: str, *, wiki_link: bool = False) -> str:
    """CS1's identifier: a link to the identifier's article, then the value linked to its resolver."""
    rel = 'rel="mw:WikiLink"' if wiki_link else 'rel="mw:ExtLink nofollow"'
    target = f' title="{_attr(href[2:])}"' if wiki_link else ' class="external text"'
    return (f'<a rel="mw:WikiLink" href="./{name}_(identifier)" title="{name} (identifier)" class="mw-redirect">'
            f'{"doi" if name == "Doi" else name}</a>{":" if name == "Doi" else " "}<a {rel} href="{_attr(href)}"'
            f"{target}>{shown}</a>. ")


class Renderer:
    """Renders one page's wikitext; keeps the page's stash, transclusion counter and references."""

    def __init__(self, title: str):
        self.title = title
        self.stash: list[tuple[str, str, str]] = []  # (html, original wikitext, kind: inline|block|meta)
        self.about = 0
        self.templates: list[str] = []  # "Template:Name", in first-use order
        self.categories: list[str] = []
        self.notes: list[dict] = []  # one per note: key, group, name, number, html, uses
        self.by_name: dict[tuple[str, str], dict] = {}
        self.listed: set[int] = set()  # keys of notes already in a references list
        self.extlink_number = 0

    # -- the stash ----------------------------------------------------------------------------

    def put(self, rendered: str, original: str, kind: str = "inline") -> str:
        self.stash.append((rendered, original, kind))
        return f"{_P0}{len(self.stash) - 1}{_P1}"

    def unstash(self, text: str) -> str:
        while _P0 in text:
            text = _STASHED.sub(lambda m: self.stash[int(m.group(1))][0], text)
        return text

    def original(self, text: str) -> str:
        """The wikitext a fragment was made from (for data-mw)."""
        while _P0 in text:
            text = _STASHED.sub(lambda m: self.stash[int(m.group(1))][1], text)
        return text

    def kind(self, text: str) -> str:
        """'block' if a stashed block element is in the text, 'meta' if it holds only invisible stashed
        elements and blanks, else 'inline'."""
        kinds = {self.stash[int(i)][2] for i in _STASHED.findall(text)}
        if "block" in kinds:
            return "block"
        if not _STASHED.sub("", text).strip() and kinds <= {"meta"}:
            return "meta"
        return "inline"

    def next_about(self) -> str:
        self.about += 1
        return f"#mwt{self.about}"

    # -- the page -----------------------------------------------------------------------------

    def page(self, wikitext: str) -> str:
        """The whole `<body>` content: sections holding the rendered blocks."""
        text = self.extensions(wikitext)
        text = self.inline_stash(text, nested=False)
        body = self.blocks(text)
        leftover = [n for n in self.notes if n["key"] not in self.listed]
        if leftover:  # no list for them on the page: Parsoid appends one at the end
            body.append(self.references_list(None, standalone=True))
        return self.sections(body)

    def extensions(self, text: str) -> str:
        """Stash comments and extension tags (their content is not wikitext), then <ref>s."""
        text = re.sub(r"<!--(.*?)-->", lambda m: self.put(f"<!--{m.group(1)}-->", m.group(0), "meta"), text,
                      flags=re.S)
        text = re.sub(r"<nowiki>(.*?)</nowiki>", lambda m: self.put(
            f'<span typeof="mw:Nowiki">{_text(m.group(1))}</span>', m.group(0)), text, flags=re.S)
        text = re.sub(r"<math>(.*?)</math>", lambda m: self.math(m.group(1), m.group(0)), text, flags=re.S)
        text = re.sub(r"<syntaxhighlight([^>]*)>(.*?)</syntaxhighlight>",
                      lambda m: self.highlight(m.group(1), m.group(2), m.group(0)), text, flags=re.S)
        text = re.sub(r"<gallery>(.*?)</gallery>", lambda m: self.gallery(m.group(1), m.group(0)), text, flags=re.S)
        # Inline HTML tags are kept as written (samplewiki uses code, span and div).
        text = re.sub(r"</?(?:code|span|div)(?:\s[^>]*)?>", lambda m: self.put(
            m.group(0), m.group(0), "block" if m.group(0).lstrip("</").startswith("div") else "inline"), text)
        if "__NOTOC__" in text:
            text = text.replace("__NOTOC__", self.put('<meta property="mw:PageProp/notoc"/>', "__NOTOC__", "meta"))
        # <references/> lists are rendered once every <ref> before them is known: marked here, filled below.
        text = re.sub(r"<references\s*(?:group=\"([^\"]*)\")?\s*/>", lambda m: f"\ue102{m.group(1) or ''}\ue103", text)
        text = re.sub(r"<ref((?:\s+\w+=\"[^\"]*\")*)\s*(?:/>|>(.*?)</ref>)",
                      lambda m: self.ref(m.group(1), m.group(2), m.group(0)), text, flags=re.S)
        return re.sub("\ue102([^\ue103]*)\ue103", lambda m: self.put(
            self.references_list(m.group(1) or None), f'<references group="{m.group(1)}" />' if m.group(1)
            else "<references />", "block"), text)

    def math(self, tex: str, original: str) -> str:
        about = self.next_about()
        data = {"name": "math", "attrs": {}, "body": {"extsrc": tex}}
        alt = "{\\displaystyle " + tex + "}"
        return self.put(f'<span class="mwe-math-element" typeof="mw:Extension/math" about="{about}" '
                        f"data-mw='{_data_mw(data)}'><math xmlns=\"http://www.w3.org/1998/Math/MathML\" "
                        f'alttext="{_attr(alt)}"><semantics><mrow><mtext>{_text(tex)}</mtext></mrow>'
                        f'<annotation encoding="application/x-tex">{_text(alt)}</annotation></semantics></math>'
                        "</span>", original)

    def highlight(self, attrs: str, code: str, original: str) -> str:
        about = self.next_about()
        lang = (re.search(r'lang="([^"]*)"', attrs) or [None, "text"])[1]
        parsed = dict(re.findall(r'(\w+)="([^"]*)"', attrs))
        if re.search(r"\bline\b(?!=)", attrs):
            parsed["line"] = ""
        data = {"name": "syntaxhighlight", "attrs": parsed, "body": {"extsrc": code}}
        return self.put(f'<div class="mw-highlight mw-highlight-lang-{_attr(lang)} mw-content-ltr" dir="ltr" '
                        f'typeof="mw:Extension/syntaxhighlight" about="{about}" data-mw=\'{_data_mw(data)}\'>'
                        f"<pre>{html.escape(code.strip(chr(10)), quote=False)}</pre></div>", original, "block")

    def gallery(self, body: str, original: str) -> str:
        about = self.next_about()
        data = {"name": "gallery", "attrs": {}, "body": {"extsrc": body}}
        items = []
        for line in body.strip().splitlines():
            name, _, caption = line.partition("|")
            name = _title(name.split(":", 1)[1])
            items.append(f'<li class="gallerybox" style="width: 155px;"><div class="thumb" style="width: 150px; '
                         f'height: 150px;"><span typeof="mw:File"><a href="{_attr(_href("File:" + name))}" '
                         f'class="mw-file-description"><img resource="{_attr(_href("File:" + name))}" '
                         f'src="{_attr(_image_src(name, 120))}" decoding="async" height="90" width="120" '
                         f'class="mw-file-element"/></a></span></div><div class="gallerytext">'
                         f"{self.inline(caption, nested=False)}</div></li>")
        return self.put(f'<ul class="gallery mw-gallery-traditional" typeof="mw:Extension/gallery" about="{about}" '
                        f"data-mw='{_data_mw(data)}'>" + "".join(items) + "</ul>", original, "block")

    # -- references ---------------------------------------------------------------------------

    def ref(self, attrs: str, body: str | None, original: str) -> str:
        """A <ref>: its marker here, its note kept for the references list of its group. A named one
        used again points to the same note (cite_ref-NAME_K-J, J counting its uses)."""
        parsed = dict(re.findall(r'(\w+)="([^"]*)"', attrs))
        name, group = parsed.get("name"), parsed.get("group", "")
        note = self.by_name.get((group, name)) if name else None
        if note is None:
            number = 1 + sum(1 for n in self.notes if n["group"] == group)
            # Note keys count the notes of every group, as Cite does; the number shown counts the group's.
            note = {"key": len(self.notes) + 1, "group": group, "name": name, "number": number, "uses": 0,
                    "html": None}
            self.notes.append(note)
            if name:
                self.by_name[(group, name)] = note
        if body is not None and note["html"] is None:
            note["html"] = self.inline(body, nested=False)
        about = self.next_about()
        use = note["uses"]
        note["uses"] += 1
        key = note["key"]
        if name:
            ref_id, note_id = f"cite_ref-{_anchor(name)}_{key}-{use}", f"cite_note-{_anchor(name)}-{key}"
        else:
            ref_id, note_id = f"cite_ref-{key}", f"cite_note-{key}"
        label = f"{group} {note['number']}" if group else str(note["number"])
        data = {"name": "ref", "attrs": parsed}
        if body is not None:  # a reuse has no body of its own
            data["body"] = {"id": f"mw-reference-text-{note_id}"}
        group_attr = f' data-mw-group="{_attr(group)}"' if group else ""
        return self.put(f'<sup about="{about}" class="mw-ref reference" id="{_attr(ref_id)}" rel="dc:references" '
                        f"typeof=\"mw:Extension/ref\" data-mw='{_data_mw(data)}'><a href=\"{_attr(_href(self.title))}"
                        f'#{_attr(note_id)}"{group_attr}><span class="mw-reflink-text">[{_text(label)}]</span>'
                        "</a></sup>",
                        original)

    def references_list(self, group: str | None, *, standalone: bool = False) -> str:
        """The `<ol class="references">` of a group's notes not listed yet."""
        group = group or ""
        items = []
        for note in self.notes:
            if note["group"] != group and not standalone or note["key"] in self.listed:
                continue
            self.listed.add(note["key"])
            name = note["name"]
            note_id = f"cite_note-{_anchor(name)}-{note['key']}" if name else f"cite_note-{note['key']}"
            if name and note["uses"] > 1:
                backlinks = "".join(
                    f'<a href="{_attr(_href(self.title))}#cite_ref-{_attr(_anchor(name))}_{note["key"]}-{j}" '
                    f'rel="mw:referencedBy"><span class="mw-linkback-text">{j + 1} </span></a>'
                    for j in range(note["uses"]))
                backlink = f'<span class="mw-cite-backlink"><span class="mw-cite-up-arrow">↑</span>{backlinks}</span>'
            else:
                ref_id = f"cite_ref-{_anchor(name)}_{note['key']}-0" if name else f"cite_ref-{note['key']}"
                backlink = (f'<span class="mw-cite-backlink"><a href="{_attr(_href(self.title))}#{_attr(ref_id)}" '
                            f'rel="mw:referencedBy"><span class="mw-linkback-text">↑ </span></a></span>')
            items.append(f'<li about="#{_attr(note_id)}" id="{_attr(note_id)}">{backlink} <span '
                         f'id="mw-reference-text-{_attr(note_id)}" class="mw-reference-text reference-text">'
                         f'{note["html"] or ""}</span></li>')
        group_attr = f' data-mw-group="{_attr(group)}"' if group else ""
        data = {"name": "references", "attrs": {"group": group} if group else {}}
        return (f'<div class="mw-references-wrap" typeof="mw:Extension/references" about="{self.next_about()}" '
                f"data-mw='{_data_mw(data)}'>"
                f'<ol class="mw-references references"{group_attr}>' + "".join(items) + "</ol></div>")

    # -- inline wikitext ----------------------------------------------------------------------

    def inline(self, text: str, nested: bool = True) -> str:
        """A fragment rendered to HTML with no block structure: template parameters (nested: their
        templates are part of the outer transclusion), or captions and notes (not nested)."""
        text = self.inline_stash(text, nested=nested)
        return self.unstash(_quotes(_text(text)))

    def inline_stash(self, text: str, *, nested: bool) -> str:
        """Stash templates, then links, then external links and bare URLs."""
        text = self.templates_stash(text, nested)
        previous = None
        while previous != text:  # innermost links first: a file's caption holds links
            previous = text
            text = re.sub(r"\[\[([^\[\]]*)\]\]([a-z]*)", self.link, text)
        text = re.sub(r"\[(https?://[^\s\]]+)(?: ([^\]]*))?\]", self.extlink, text)
        return re.sub(r"(?<![\"'=\[/])(https?://[^\s<\[\]|{}" + _P0 + r"]+[^\s<\[\]|{}.,;:!?)" + _P0 + r"])",
                      lambda m: self.put(f'<a rel="mw:ExtLink" href="{_attr(m.group(1))}" class="external free">'
                                         f"{_text(m.group(1))}</a>", m.group(0)), text)

    def link(self, m: re.Match) -> str:
        inner, trail = m.group(1), m.group(2)
        target, pipe, label = inner.partition("|")
        prefix = target.split(":", 1)[0].strip() if ":" in target else ""
        low = prefix.lower()
        if low in ("category",):
            name = _title(target.split(":", 1)[1])
            self.categories.append(name)
            sort = f"#{quote(label)}" if pipe else ""
            href = _attr(_href("Category:" + name) + sort)
            return self.put(f'<link rel="mw:PageProp/Category" href="{href}"/>',
                            m.group(0), "meta") + trail
        if low in ("file", "image"):
            return self.put(self.figure(target.split(":", 1)[1], inner.split("|")[1:]), m.group(0), "block") + trail
        if low in INTERLANGUAGE:
            page = target.split(":", 1)[1].strip()
            href = _attr(_wiki_url(f"https://{low}.wikipedia.org/wiki/", page))
            return self.put(f'<link rel="mw:PageProp/Language" href="{href}"/>', m.group(0), "meta") + trail
        if low in INTERWIKI:
            page = target.split(":", 1)[1].strip()
            shown = label if pipe else target
            return self.put(f'<a rel="mw:WikiLink/Interwiki" href="{_attr(_wiki_url(INTERWIKI[low], page))}" '
                            f'title="{_attr(low + ":" + page)}" class="extiw">{self.inline(shown + trail)}</a>',
                            m.group(0))
        page, _, fragment = target.partition("#")
        title = _title(page) if page.strip() else self.title
        shown = (label if pipe else target) + trail
        return self.put(f'<a rel="mw:WikiLink" href="{_attr(_href(title, fragment))}" title="{_attr(title)}">'
                        f"{self.inline(shown)}</a>", m.group(0))

    def figure(self, name: str, options: list[str]) -> str:
        name = _title(name)
        caption = ""
        align = ""
        for option in options:
            option = option.strip()
            if option in ("left", "right", "center", "none"):
                align = f' class="mw-halign-{option}"'
            elif option in ("thumb", "thumbnail", "frame", "frameless") or option.startswith("upright"):
                continue
            else:
                caption = option
        href = _attr(_href("File:" + name))
        return (f'<figure{align} typeof="mw:File/Thumb"><a href="{href}" class="mw-file-description"><img '
                f'resource="{href}" src="{_attr(_image_src(name, 220))}" decoding="async" height="165" width="220" '
                f'class="mw-file-element"/></a><figcaption>{self.inline(caption, nested=False)}</figcaption></figure>')

    def extlink(self, m: re.Match) -> str:
        url, label = m.group(1), m.group(2)
        if label is None:
            self.extlink_number += 1
            return self.put(f'<a rel="mw:ExtLink" href="{_attr(url)}" class="external autonumber">'
                            f"[{self.extlink_number}]</a>", m.group(0))
        return self.put(f'<a rel="mw:ExtLink" href="{_attr(url)}" class="external text">{self.inline(label)}</a>',
                        m.group(0))

    # -- templates ----------------------------------------------------------------------------

    def templates_stash(self, text: str, nested: bool) -> str:
        """Replace each outermost {{...}} by its rendered output."""
        out, i = [], 0
        while True:
            start = text.find("{{", i)
            if start < 0:
                out.append(text[i:])
                return "".join(out)
            depth, j = 0, start
            while j < len(text):
                if text.startswith("{{", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("}}", j):
                    depth, j = depth - 1, j + 2
                    if depth == 0:
                        break
                else:
                    j += 1
            out.append(text[i:start])
            call = text[start:j]
            out.append(self.template(call[2:-2], nested))
            i = j

    def template(self, inner: str, nested: bool) -> str:
        parts = _split_params(inner)
        raw_name = parts[0]
        name = _title(raw_name)
        original = "{{" + inner + "}}"
        if name.upper().startswith("DEFAULTSORT:"):
            key = name.split(":", 1)[1]
            return self.put(f'<meta property="mw:PageProp/categorydefaultsort" content="{_attr(key)}"/>', original,
                            "meta")
        if name == "NOTOC":
            return self.put('<meta property="mw:PageProp/notoc"/>', original, "meta")
        params: dict[str, str] = {}
        position = 0
        for part in parts[1:]:
            key, eq, value = part.partition("=")
            if eq and re.fullmatch(r"\s*[\w -]+\s*", key):
                params[key.strip()] = value.strip()
            else:
                position += 1
                params[str(position)] = part.strip()
        template = "Template:" + name
        if template not in self.templates:
            self.templates.append(template)
        elements, kind = self.template_output(name, params)
        if nested:  # inside another transclusion: Parsoid marks only the outermost call
            return self.put("".join(elements), original, kind)
        about = self.next_about()
        data = {"parts": [{"template": {"target": {"wt": self.original(raw_name), "href": _href(template)},
                                        "params": {k: {"wt": self.original(v)} for k, v in params.items()},
                                        "i": 0}}]}
        marked = []
        for n, element in enumerate(elements):
            extra = f' about="{about}"'
            if n == 0:
                extra += f" typeof=\"mw:Transclusion\" data-mw='{_data_mw(data)}'"
            marked.append(re.sub(r"^<(\w+)", lambda m: f"<{m.group(1)}{extra}", element, count=1))
        return self.put("".join(marked), original, kind)

    def template_output(self, name: str, p: dict[str, str]) -> tuple[list[str], str]:
        """The top-level elements a template renders to, and whether they are inline, block or meta."""
        low = name.lower()
        if low == "convert":
            return [f"<span>{_text(_convert(p))}</span>"], "inline"
        if low == "citation needed":
            date = p.get("date", "")
            return ['<sup class="noprint Inline-Template Template-Fact" style="white-space:nowrap;">[<i><a '
                    'rel="mw:WikiLink" href="./Wikipedia:Citation_needed" title="Wikipedia:Citation needed">'
                    f'<span title="This claim needs references to reliable sources. ({_attr(date)})">citation needed'
                    "</span></a></i>]</sup>"], "inline"
        if low == "short description":
            return ['<div class="shortdescription nomobile noexcerpt noprint searchaux" style="display:none">'
                    f"{_text(p.get('1', ''))}</div>"], "block"
        if low in ("birth date", "birth date and age", "death date and age", "start date", "start date and age"):
            return [f"<span>{_text(_date_template(low, p))}</span>"], "inline"
        if low == "flagicon":
            country = p.get("1", "")
            flag = _title(f"Flag of {country}.svg")
            return [f'<span class="flagicon"><span class="mw-image-border" typeof="mw:File"><span>'
                    f'<img resource="{_attr(_href("File:" + flag))}" src="{_attr(_image_src(flag, 23))}" '
                    f'decoding="async" width="23" height="15" class="mw-file-element"/></span></span></span>'], "inline"
        if low == "coord":
            return [f'<span class="geo-inline"><span class="geo">{_text(_coord(p))}</span></span>'], "inline"
        if low == "url":
            url = p.get("1", "")
            shown = re.sub(r"^https?://", "", url).rstrip("/")
            return [f'<span class="url"><a rel="mw:ExtLink" href="{_attr(url)}" class="external text">'
                    f"{_text(shown)}</a></span>"], "inline"
        if low == "reflist":
            style = f' style="column-width: {_attr(p["1"])};"' if "1" in p else ""
            return [f'<div class="reflist"{style}>' + self.references_list(p.get("group")) + "</div>"], "block"
        if low.startswith("cite "):
            return self.citation(low[5:], p), "inline"
        if low.startswith("lang-"):
            code = low[5:]
            language = LANGUAGES.get(code, code)
            direction = ' dir="rtl"' if code in ("ar", "he") else ""
            return [f'<span><a rel="mw:WikiLink" href="{_attr(_href(language + " language"))}" '
                    f'title="{_attr(language)} language">{language}</a>: <span lang="{code}"{direction}>'
                    f"{_text(p.get('1', ''))}</span></span>"], "inline"
        if low == "ipa":
            return [f'<span class="IPA" lang="en-fonipa">{_text(p.get("1", ""))}</span>'], "inline"
        if low in ("commons category", "wikispecies"):
            # enwiki's sister-project box (a floated side box, even inside a list item).
            page = p.get("1", self.title)
            wiki, target, what = ("commons", f"Category:{page}", "Wikimedia Commons has media related to") \
                if low != "wikispecies" else ("wikispecies", page, "Wikispecies has information related to")
            return [f'<div role="navigation" class="side-box side-box-right plainlinks sistersitebox">'
                    f'<div class="side-box-flex"><div class="side-box-text plainlist">{what} <span '
                    f'style="font-weight:bold; font-style:italic;"><a rel="mw:WikiLink/Interwiki" '
                    f'href="{_attr(_wiki_url(INTERWIKI[wiki], target))}" '
                    f'title="{_attr(wiki + ":" + target)}" class="extiw">{_text(page)}</a></span>.</div></div>'
                    "</div>"], "block"
        if low.startswith("infobox") or low in ("speciesbox", "subspeciesbox"):
            return [self.infobox(p)], "block"
        if low == "album ratings":
            rows = []
            for i in range(1, 10):
                if f"rev{i}" in p:
                    rows.append(f"<tr><td>{self.inline(p[f'rev{i}'])}</td><td>{self.inline(p.get(f'rev{i}Score', ''))}"
                                "</td></tr>")
            return ['<table class="wikitable infobox" style="float: right;"><caption>Professional ratings</caption>'
                    "<tbody><tr><th>Source</th><th>Rating</th></tr>" + "".join(rows) + "</tbody></table>"], "block"
        if low == "rating":
            score, top = int(p.get("1", "0")), int(p.get("2", "5"))
            stars = "★" * score + "☆" * (top - score)
            return [f'<span role="img" title="{score}/{top} stars">{stars}</span>'], "inline"
        # Templates with no visible output here (Use dmy dates, Italic title, ...): an empty span, as Parsoid
        # leaves for a call that renders nothing.
        return ["<span></span>"], "meta"

    def infobox(self, p: dict[str, str]) -> str:
        """An infobox: a title row, the image, one label/value row per parameter; values keep their links."""
        title = p.get("name") or p.get("common_name") or self.title
        rows = [f'<tr><th colspan="2" class="infobox-above">{self.inline(title)}</th></tr>']
        image = p.get("image") or p.get("image_skyline") or p.get("cover")
        if image:
            image = _title(_STASHED.sub("", image).strip())
            caption = p.get("image_caption") or p.get("caption") or ""
            rows.append(f'<tr><td colspan="2" class="infobox-image"><span typeof="mw:File"><a '
                        f'href="{_attr(_href("File:" + image))}" class="mw-file-description"><img '
                        f'resource="{_attr(_href("File:" + image))}" src="{_attr(_image_src(image, 250))}" '
                        f'decoding="async" width="250" height="188" class="mw-file-element"/></a></span>'
                        f'<div class="infobox-caption">{self.inline(caption)}</div></td></tr>')
        skip = {"name", "common_name", "image", "image_skyline", "cover", "image_caption", "caption"}
        for key, value in p.items():
            if key in skip or re.match(r"subdivision_type\d*$", key) or not value:
                continue
            label = key
            if key.startswith("subdivision_name"):
                label = p.get("subdivision_type" + key[len("subdivision_name"):], key)
            label = label.replace("_", " ")
            label = label[:1].upper() + label[1:]
            rows.append(f'<tr><th scope="row" class="infobox-label">{_text(label)}</th>'
                        f'<td class="infobox-data">{self.inline(value)}</td></tr>')
        return '<table class="infobox vcard"><tbody>' + "".join(rows) + "</tbody></table>"

    def citation(self, kind: str, p: dict[str, str]) -> list[str]:
        """A CS1 citation: the `<cite>` text and the COinS span with its fields as an OpenURL query."""
        authors = []
        for i in ("", "1", "2", "3", "4"):
            if p.get(f"last{i}"):
                authors.append((p[f"last{i}"], p.get(f"first{i}", "")))
        names = "; ".join(f"{last}, {first}" if first else last for last, first in authors)
        date = p.get("date") or p.get("year", "")
        title = self.inline(p.get("title", ""))
        parts = []
        if names:
            parts.append(f"{_text(names)} ({_text(date)}). " if date else f"{_text(names)}. ")
        url = p.get("url")
        coins = [("ctx_ver", "Z39.88-2004")]
        if kind == "book":
            shown = f"<i>{title}</i>"
            parts.append((f'<a rel="mw:ExtLink nofollow" href="{_attr(url)}" class="external text">{shown}</a>'
                          if url else shown) + ". ")
            if p.get("location") or p.get("publisher"):
                parts.append(_text(": ".join(x for x in (p.get("location"), p.get("publisher")) if x)) + ". ")
            if not names and date:
                parts.append(f"{_text(date)}. ")
            if p.get("page"):
                parts.append(f"p. {_text(p['page'])}. ")
            if p.get("pages"):
                parts.append(f"pp. {_text(p['pages'])}. ")
            coins += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"), ("rft.genre", "book"),
                      ("rft.btitle", p.get("title", "")), ("rft.place", p.get("location", "")),
                      ("rft.pages", p.get("page") or p.get("pages", "")), ("rft.pub", p.get("publisher", "")),
                      ("rft.date", _iso_date(date))]
        else:
            shown = f"&quot;{title}&quot;"
            parts.append((f'<a rel="mw:ExtLink nofollow" href="{_attr(url)}" class="external text">{shown}</a>'
                          if url else shown) + ". ")
            work = p.get("journal") or p.get("newspaper") or p.get("website") or ""
            if work:
                parts.append(f"<i>{self.inline(work)}</i>")
                if p.get("volume"):
                    parts.append(f". <b>{_text(p['volume'])}</b>")
                    if p.get("issue"):
                        parts.append(f" ({_text(p['issue'])})")
                    if p.get("pages"):
                        parts.append(f": {_text(p['pages'])}")
                parts.append(". ")
            if not names and date:
                parts.append(f"{_text(date)}. ")
            genre = {"journal": "article", "news": "article", "web": "unknown"}.get(kind, "unknown")
            coins += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"), ("rft.genre", genre),
                      ("rft.jtitle", _plain(self.original(work))), ("rft.atitle", p.get("title", "")),
                      ("rft.volume", p.get("volume", "")), ("rft.issue", p.get("issue", "")),
                      ("rft.pages", p.get("pages", "")), ("rft.date", _iso_date(date))]
        if p.get("doi"):
            doi = p["doi"]
            parts.append(_identifier_link("Doi", f"https://doi.org/{quote(doi, safe='.-')}", _text(doi)))
            coins.append(("rft_id", f"info:doi/{doi}"))
        if p.get("isbn"):
            isbn = p["isbn"]
            parts.append(_identifier_link("ISBN", f"./Special:BookSources/{isbn}", f"<bdi>{_text(isbn)}</bdi>",
                                          wiki_link=True))
            coins.append(("rft.isbn", isbn))
        if p.get("pmc"):
            pmc = p["pmc"]
            parts.append(_identifier_link("PMC", f"https://www.ncbi.nlm.nih.gov/pmc/articles/PMC{pmc}", _text(pmc)))
            coins.append(("rft_id", f"https://www.ncbi.nlm.nih.gov/pmc/articles/PMC{pmc}#id-name=PMC"))
        if p.get("pmid"):
            pmid = p["pmid"]
            parts.append(_identifier_link("PMID", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}", _text(pmid)))
            coins.append(("rft_id", f"info:pmid/{pmid}"))
        if p.get("archive-url"):
            parts.append(f'<a rel="mw:ExtLink nofollow" href="{_attr(p["archive-url"])}" class="external text">'
                         f"Archived</a> from the original on {_text(_long_date(p.get('archive-date', '')))}. ")
        access = p.get("access-date") or p.get("accessdate")
        if access:
            parts.append(f'<span class="reference-accessdate">Retrieved {_text(_long_date(access))}</span>. ')
        if authors:
            coins += [("rft.aulast", authors[0][0]), ("rft.aufirst", authors[0][1])]
            coins += [("rft.au", f"{last}, {first}" if first else last) for last, first in authors[1:]]
        if url:
            coins.append(("rft_id", url))
        coins.append(("rfr_id", f"info:sid/{HOST}:{self.title}"))
        query = "&".join(f"{k}={quote_plus(v, safe='')}" for k, v in coins if v)
        return [f'<cite class="citation {kind} cs1">' + "".join(parts).rstrip() + "</cite>",
                f'<span title="{_attr(query)}" class="Z3988"></span>']

    # -- blocks -------------------------------------------------------------------------------

    def blocks(self, text: str) -> list[str]:
        """Lay out lines as headings, lists, tables and paragraphs; returns a flat list of block HTML and
        ("heading", level, title) markers that sections() nests."""
        out: list = []
        lines = text.split("\n")
        paragraph: list[str] = []
        list_prefix = ""
        list_html: list[str] = []

        def flush_paragraph():
            if paragraph:
                out.extend(self.paragraphs("\n".join(paragraph)))
                paragraph.clear()

        def flush_list():
            nonlocal list_prefix
            if list_prefix:
                list_html.append(_close_lists(list_prefix))
                out.append("".join(list_html))
                list_html.clear()
                list_prefix = ""

        i = 0
        while i < len(lines):
            line = lines[i]
            heading = re.match(r"^(={2,6})\s*(.*?)\s*\1\s*$", line)
            table = re.match(r"^(:*)\{\|", line)
            item = re.match(r"^([*#:;]+)\s*(.*)$", line)
            if table:
                end = i
                while not lines[end].startswith("|}"):
                    end += 1
                rendered = self.table(lines[i:end + 1], len(table.group(1)))
                flush_paragraph()
                if table.group(1):  # an indented table is the content of a definition list item
                    list_prefix, list_html = self.list_item(list_prefix, list_html, table.group(1), rendered)
                else:
                    flush_list()
                    out.append(rendered)
                i = end + 1
                continue
            if heading:
                flush_paragraph()
                flush_list()
                out.append(("heading", len(heading.group(1)), heading.group(2)))
            elif item:
                flush_paragraph()
                list_prefix, list_html = self.list_item(list_prefix, list_html, item.group(1),
                                                        self.finish(item.group(2)))
            elif not line.strip():
                flush_paragraph()
                flush_list()
            else:
                flush_list()
                paragraph.append(line)
            i += 1
        flush_paragraph()
        flush_list()
        return out

    def list_item(self, prefix: str, parts: list[str], new: str, content: str) -> tuple[str, list[str]]:
        """MediaWiki's list algorithm: keep the lists of the common prefix open, close the rest of the
        previous prefix, open the rest of the new one; same depth and type is a sibling item."""
        common = 0
        while common < min(len(prefix), len(new)) and prefix[common] == new[common]:
            common += 1
        parts.append(_close_lists(prefix[common:]))
        if common == len(new):  # a sibling of the item open at this depth
            parts.append(f"</{_item_tag(prefix[common - 1])}><{_item_tag(new[-1])}>{content}")
            return new, parts
        for char in new[common:-1]:
            parts.append(f"<{_list_tag(char)}><{_item_tag(char)}>")
        parts.append(f"<{_list_tag(new[-1])}><{_item_tag(new[-1])}>{content}")
        return new, parts

    def table(self, lines: list[str], indent: int) -> str:
        """A `{| ... |}` table: caption, rows of header and data cells; attributes kept as written."""
        attrs = lines[0][indent + 2:].strip()
        out = [f"<table{' ' + attrs if attrs else ''}>"]
        caption = ""
        rows: list[list[str]] = []
        current: list[str] | None = None
        for line in lines[1:-1]:
            if line.startswith("|+"):
                caption = f"<caption>{self.finish(line[2:].strip())}</caption>"
            elif line.startswith("|-"):
                current = None
            elif line.startswith("!") or line.startswith("|"):
                if current is None:
                    current = []
                    rows.append(current)
                tag = "th" if line[0] == "!" else "td"
                cells = re.split(r"!!|\|\|", line[1:]) if tag == "th" else line[1:].split("||")
                for cell in cells:
                    cell_attrs, bar, content = cell.partition("|")
                    if not bar or "=" not in cell_attrs:
                        cell_attrs, content = "", cell
                    open_tag = f"<{tag} {cell_attrs.strip()}>" if cell_attrs.strip() else f"<{tag}>"
                    current.append(f"{open_tag}{self.finish(content.strip())}</{tag}>")
        out.append(caption + "<tbody>")
        out += [f"<tr>{''.join(row)}</tr>" for row in rows if row]
        out.append("</tbody></table>")
        return "".join(out)

    def finish(self, text: str) -> str:
        """Inline markup of stashed text: escape, bold/italic."""
        return _quotes(_text(text))

    def paragraphs(self, text: str) -> list[str]:
        """A paragraph's text, split at stashed block elements (figures, infoboxes) Parsoid keeps out of <p>."""
        out = []
        pieces = re.split(f"({_P0}\\d+{_P1})", text)
        chunk: list[str] = []

        def flush():
            joined = "".join(chunk).strip("\n")
            chunk.clear()
            if not joined.strip():
                return
            if self.kind(joined) == "meta":
                out.append(self.finish(joined))
            else:
                out.append(f"<p>{self.finish(joined)}</p>")

        for piece in pieces:
            if _STASHED.fullmatch(piece) and self.stash[int(piece[1:-1])][2] == "block":
                flush()
                out.append(piece)
            else:
                chunk.append(piece)
        flush()
        return out

    def sections(self, blocks: list) -> str:
        """Nest blocks in `<section data-mw-section-id>`s: section 0 is the lead; a heading closes the open
        sections of its level or deeper and opens one inside the rest, its heading first."""
        out = ['<section data-mw-section-id="0">']
        levels: list[int] = []
        lead_open = True
        number = 0
        for block in blocks:
            if isinstance(block, tuple):
                _, level, heading = block
                while levels and levels[-1] >= level:
                    out.append("</section>")
                    levels.pop()
                if lead_open:
                    out.append("</section>")
                    lead_open = False
                number += 1
                levels.append(level)
                shown = self.unstash(self.finish(heading))
                anchor = _anchor(re.sub(r"<[^>]+>", "", html.unescape(shown)))
                out.append(f'<section data-mw-section-id="{number}"><h{level} id="{_attr(anchor)}">{shown}</h{level}>')
            else:
                out.append(self.unstash(block))
        out += ["</section>"] * (len(levels) + lead_open)
        return "\n".join(out)


def _anchor(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip())


def _list_tag(char: str) -> str:
    return {"*": "ul", "#": "ol", ":": "dl", ";": "dl"}[char]


def _item_tag(char: str) -> str:
    return {"*": "li", "#": "li", ":": "dd", ";": "dt"}[char]


def _close_lists(prefix: str) -> str:
    return "".join(f"</{_item_tag(c)}></{_list_tag(c)}>" for c in reversed(prefix))


def _data_mw(data: dict) -> str:
    """data-mw JSON for a single-quoted attribute, escaped as Parsoid does (& < and ')."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;")


def _split_params(inner: str) -> list[str]:
    """A template call's name and parameters: split at `|` outside nested links and placeholders."""
    parts, depth, current = [], 0, []
    i = 0
    while i < len(inner):
        two = inner[i:i + 2]
        if two in ("[[", "{{"):
            depth += 1
            current.append(two)
            i += 2
            continue
        if two in ("]]", "}}"):
            depth -= 1
            current.append(two)
            i += 2
            continue
        if inner[i] == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(inner[i])
        i += 1
    parts.append("".join(current))
    return parts


def _quotes(text: str) -> str:
    """Bold and italic from '' ''' ''''' runs, line by line, closing what is left open at a line's end."""
    lines = []
    for line in text.split("\n"):
        stack: list[str] = []
        out = []
        for piece in re.split(r"('{2,})", line):
            if not piece.startswith("''"):
                out.append(piece)
                continue
            n = len(piece)
            if n == 4:
                out.append("'")
                n = 3
            elif n > 5:
                out.append("'" * (n - 5))
                n = 5
            toggles = {2: ["i"], 3: ["b"], 5: ["i", "b"]}[n]
            if n == 5 and "i" in stack and "b" in stack:
                toggles = list(reversed(stack[-2:]))
            for tag in toggles:
                if tag in stack:
                    reopen = []
                    while stack[-1] != tag:
                        reopen.append(stack.pop())
                        out.append(f"</{reopen[-1]}>")
                    stack.pop()
                    out.append(f"</{tag}>")
                    for again in reversed(reopen):
                        stack.append(again)
                        out.append(f"<{again}>")
                else:
                    stack.append(tag)
                    out.append(f"<{tag}>")
        out += [f"</{tag}>" for tag in reversed(stack)]
        lines.append("".join(out))
    return "\n".join(lines)


def _plain(wikitext: str) -> str:
    """Link markup removed: `[[A|b]]` -> b, `[[A]]` -> A."""
    return re.sub(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]", r"\1", wikitext)


def _convert(p: dict[str, str]) -> str:
    """{{Convert}}: "52 km (32 mi)", a range "20–27 cm (7.9–10.6 in)", or only the converted value; the
    result keeps the input's decimals, one more below 10."""
    values = [p["1"]]
    unit = p.get("2", "")
    if unit in ("–", "-", "to"):
        values.append(p.get("3", ""))
        unit = p.get("4", "")
    to_unit, factor = CONVERSIONS.get(unit, (unit, 1.0))
    shown = []
    for value in values:
        number = float(value.replace(",", "")) * factor
        decimals = len(value.split(".")[1]) if "." in value else 0
        if number < 10:
            decimals += 1
        shown.append(f"{number:,.{decimals}f}")
    converted = "–".join(shown)
    if p.get("disp") == "output only":
        return f"{converted} {to_unit}"
    return f"{'–'.join(values)} {UNIT_NAMES.get(unit, unit)} ({converted} {to_unit})"


def _date_template(name: str, p: dict[str, str]) -> str:
    numbers = [int(p[k]) for k in ("1", "2", "3") if p.get(k, "").strip().isdigit()]
    dmy = p.get("df", "").lower() in ("y", "yes")

    def show(parts: list[int]) -> str:
        if len(parts) == 1:
            return str(parts[0])
        if len(parts) == 2:
            return f"{MONTHS[parts[1] - 1]} {parts[0]}"
        year, month, day = parts
        return f"{day} {MONTHS[month - 1]} {year}" if dmy else f"{MONTHS[month - 1]} {day}, {year}"

    if name == "death date and age":
        died = numbers
        born = [int(p[k]) for k in ("4", "5", "6") if p.get(k, "").strip().isdigit()]
        return f"{show(died)} (aged {_age(born, died)})"
    if name == "birth date and age":
        return f"{show(numbers)} (age {_age(numbers, list(AGE_AT))})"
    if name == "start date and age":
        return f"{show(numbers)}; {AGE_AT[0] - numbers[0]} years ago"
    return show(numbers)


def _age(born: list[int], at: list[int]) -> int:
    born = (born + [1, 1])[:3]
    at = (at + [1, 1])[:3]
    return at[0] - born[0] - ((at[1], at[2]) < (born[1], born[2]))


def _coord(p: dict[str, str]) -> str:
    if p.get("2") in ("N", "S"):
        return f"{p['1']}°{p['2']} {p['3']}°{p['4']}"
    return f"{p.get('1', '')}°N {p.get('2', '')}°E"


def _iso_date(date: str) -> str:
    """CS1's COinS date: ISO for a full date, else as written (a year)."""
    for pattern, order in ((r"(\d{1,2}) (\w+) (\d{4})$", "dmy"), (r"(\w+) (\d{1,2}), (\d{4})$", "mdy")):
        m = re.match(pattern, date.strip())
        if m:
            day, month, year = (m.group(1), m.group(2), m.group(3)) if order == "dmy" else \
                (m.group(2), m.group(1), m.group(3))
            if month in MONTHS:
                return f"{year}-{MONTHS.index(month) + 1:02d}-{int(day):02d}"
    return date.strip()


def _long_date(date: str) -> str:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})$", date)
    return f"{int(m.group(3))} {MONTHS[int(m.group(2)) - 1]} {m.group(1)}" if m else date


def _image_src(name: str, width: int) -> str:
    """A Commons thumbnail URL, hashed into folders as MediaWiki does (md5 of the file name)."""
    file = name.replace(" ", "_")
    digest = hashlib.md5(file.encode("utf-8")).hexdigest()
    return (f"//upload.wikimedia.org/wikipedia/commons/thumb/{digest[0]}/{digest[:2]}/{quote(file)}/"
            f"{width}px-{quote(file)}")


# -------------------------------------------------------------------------------------------------
# Records and the dump file

def render_html(page: Page, wikitext: str) -> tuple[str, Renderer]:
    """The page as Parsoid's full HTML document, and the renderer (its templates and categories)."""
    renderer = Renderer(page.title)
    body = renderer.page(wikitext)
    rev = page.latest
    document = (
        '<!DOCTYPE html>\n<html prefix="dc: http://purl.org/dc/terms/ mw: http://mediawiki.org/rdf/" '
        f'about="https://{HOST}/wiki/Special:Redirect/revision/{rev.rev_id}"><head prefix="mwr: '
        f'https://{HOST}/wiki/Special:Redirect/"><meta charset="utf-8"/><meta property="mw:pageId" '
        f'content="{page.page_id}"/><meta property="mw:pageNamespace" content="0"/>'
        f'<meta property="dc:modified" content="{rev.timestamp.replace("Z", ".000Z")}"/>'
        '<meta property="mw:htmlVersion" content="2.8.0"/>'
        f'<link rel="dc:isVersionOf" href="{_attr(_wiki_url(f"//{HOST}/wiki/", page.title))}"/>'
        f'<base href="//{HOST}/wiki/"/><title>{_text(page.title)}</title></head>'
        '<body lang="en" class="mw-content-ltr sitedir-ltr ltr mw-body-content parsoid-body mediawiki '
        'mw-parser-output" dir="ltr">' + body + "</body></html>")
    return document, renderer


def enterprise_records(wiki: SampleWiki) -> list[dict]:
    """One record per namespace-0 article (redirects are listed in their target's record), by page id."""
    redirects: dict[str, list[str]] = {}
    for page in wiki.pages:
        if page.namespace == 0 and page.redirect:
            redirects.setdefault(page.redirect, []).append(page.title)
    records = []
    for page in sorted(wiki.pages, key=lambda p: p.page_id):
        if page.namespace != 0 or page.redirect:
            continue
        rev = page.latest
        document, renderer = render_html(page, rev.text)
        record = {
            "name": page.title,
            "identifier": page.page_id,
            "date_modified": rev.timestamp,
            "version": {"identifier": rev.rev_id, "editor": {"name": rev.contributor.name}},
            "url": _url(page.title),
            "namespace": {"name": "Article", "identifier": 0},
            "in_language": {"name": "English", "identifier": "en"},
            "is_part_of": {"name": "Wikipedia", "identifier": wiki.siteinfo.dbname},
        }
        if page.wikidata_id:
            record["main_entity"] = {"identifier": page.wikidata_id,
                                     "url": f"http://www.wikidata.org/entity/{page.wikidata_id}"}
        record["categories"] = [{"name": f"Category:{c}", "url": _url(f"Category:{c}")} for c in renderer.categories]
        record["templates"] = [{"name": t, "url": _url(t)} for t in renderer.templates]
        record["redirects"] = [{"name": t, "url": _url(t)} for t in sorted(redirects.get(page.title, []))]
        record["license"] = LICENSE
        record["article_body"] = {"html": document, "wikitext": rev.text}
        records.append(record)
    return records


def enterprise_file_name(wiki: SampleWiki) -> str:
    return f"{wiki.siteinfo.dbname}-NS0-{wiki.dump_date}-ENTERPRISE-HTML.json.tar.gz"


def enterprise_dump(wiki: SampleWiki) -> bytes:
    """The tar.gz bytes: one NDJSON member; member metadata and the gzip header are fixed, so reruns are
    byte-identical."""
    ndjson = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
                     for r in enterprise_records(wiki)).encode("utf-8")
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.GNU_FORMAT) as tar:
        info = tarfile.TarInfo(MEMBER)
        info.size, info.mtime, info.mode = len(ndjson), 0, 0o644
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        tar.addfile(info, io.BytesIO(ndjson))
    return gzip.compress(tar_bytes.getvalue(), compresslevel=9, mtime=0)


def write_enterprise_dump(wiki: SampleWiki, out_dir: str | Path) -> Path:
    """Write the Enterprise HTML dump of `wiki`'s articles into `out_dir`; returns its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / enterprise_file_name(wiki)
    path.write_bytes(enterprise_dump(wiki))
    return path
