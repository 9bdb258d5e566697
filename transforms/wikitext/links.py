"""`links` rows: every link of a page in page order, of seven kinds.

wikilink, category, media (`[[File:..]]`, `[[Image:..]]`, `[[Media:..]]`, gallery lines), interwiki
(`[[wikt:..]]`, `[[:fr:..]]`), interlanguage (`[[fr:..]]`), template (each `{{...}}` occurrence, nested ones
too; parser functions and magic words are not templates) and external (`[http://.. label]` anywhere, bare
URLs in the page's text; URLs inside template parameters are left to the `citations` dataset).
"""
from __future__ import annotations

import html
import re
from operator import itemgetter

from transforms.wikitext.scanner import Scan
from transforms.wikitext.titles import TitleResolver

# Image options of MediaWiki's file syntax (English names); the caption is the last part that is none.
FILE_OPTIONS = frozenset({
    "thumb", "thumbnail", "frame", "framed", "frameless", "border", "left", "right", "center", "centre", "none",
    "upright", "baseline", "sub", "super", "top", "text-top", "middle", "bottom", "text-bottom",
})
FILE_OPTION = re.compile(r"^(?:\d*(?:x\d+)?\s*px|(?:upright|link|alt|page|class|lang|thumb|thumbnail|"
                         r"frame|framed|frameless|loop|muted|start|end|poster|disablecontrols)\s*=.*)$",
                         re.IGNORECASE | re.DOTALL)


def _anchor(text: str | None) -> str | None:
    if text is None:
        return None
    if "&" in text:
        text = html.unescape(text)
    text = " ".join(text.split())
    return text or None


def _caption(caption: str | None) -> str | None:
    if caption is None:
        return None
    stripped = caption.strip()
    if stripped.lower() in FILE_OPTIONS or FILE_OPTION.match(stripped):
        return None
    return _anchor(caption)


# Anchor texts repeat (the same labels and targets across a wiki's pages): each is cleaned once.
_ANCHORS: dict[str, str | None] = {}
ANCHOR_CACHE = 200_000

COLUMNS = ("section_index", "link_type", "target", "target_namespace", "target_fragment", "anchor_text", "position",
           "url", "language", "interwiki_prefix")


def link_columns(scan: Scan, resolver: TitleResolver, page_namespace: int, page_title: str) -> dict[str, list]:
    """The page's links in page order as columns (`COLUMNS`; `position` counts from 0), without page keys.

    Args:
        scan: the page's scan.
        resolver: the wiki's title resolver (for template names).
        page_namespace: namespace of the page (target of `[[#fragment]]` links).
        page_title: title of the page with spaces (target of `[[#fragment]]` links).
    """
    found: list[tuple] = []
    append = found.append
    anchor_cache = _ANCHORS
    if len(anchor_cache) >= ANCHOR_CACHE:
        anchor_cache.clear()
    for link in scan.links:
        if link.kind == "external":
            append((link.start, link.section, "external", None, None, None, _anchor(link.label), link.target, None,
                    None))
            continue
        target = link.resolved
        kind = target.link_type
        if kind == "wikilink" or kind == "interwiki":
            title, namespace = target.title, target.namespace
            if not title and kind == "wikilink":
                title, namespace = page_title, page_namespace  # [[#Section]] links within the page
            label = link.label
            shown = label if label is not None and label.strip() else link.target.strip().lstrip(":")
            if shown in anchor_cache:
                anchor = anchor_cache[shown]
            else:
                anchor = anchor_cache[shown] = _anchor(shown)
            prefix = target.prefix if kind == "interwiki" else None
            append((link.start, link.section, kind, title, namespace, target.fragment, anchor, None, None, prefix))
        elif kind == "media":
            append((link.start, link.section, kind, target.title, target.namespace, target.fragment,
                    _caption(link.caption), None, None, None))
        else:  # category, interlanguage
            language = target.prefix if kind == "interlanguage" else None
            append((link.start, link.section, kind, target.title, target.namespace, target.fragment, None, None,
                    language, None))
    for template in scan.templates:
        resolved = resolver.template(template.name)
        if resolved is not None:
            append((template.start, template.section, "template", resolved[1], resolved[0], None, None, None, None,
                    None))
    found.sort(key=itemgetter(0))
    if not found:
        return {name: [] for name in COLUMNS}
    _, sections, kinds, titles, namespaces, fragments, anchors, urls, languages, prefixes = map(list, zip(*found))
    # Resolved titles have spaces, as the wiki shows them; the datasets spell titles with underscores
    # (pages, revisions, pageviews), so that a link's target joins a page_title as it is.
    targets = [title.replace(" ", "_") if title is not None else None for title in titles]
    return {
        "section_index": sections, "link_type": kinds, "target": targets, "target_namespace": namespaces,
        "target_fragment": fragments, "anchor_text": anchors, "position": list(range(len(found))), "url": urls,
        "language": languages, "interwiki_prefix": prefixes,
    }
