"""Link targets read the way MediaWiki reads them, with the wiki's own namespaces.

A `[[...]]` target is decoded (HTML entities, %-escapes), cleaned (underscores to spaces, repeated
spaces, direction marks), split into interwiki or namespace prefix, title and fragment, and its first
letter is capitalised when the namespace's case rule says so. Namespace prefixes are matched against
the siteinfo names, the canonical English names (valid on every wiki), MediaWiki's core aliases
("Image:") and the language's aliases ("Bild:" on German wikis); see sitedata.py.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote

from transforms.wikitext.sitedata import (
    CANONICAL_NAMESPACES,
    CORE_ALIASES,
    INTERWIKI_PREFIXES,
    LANGUAGE_ALIASES,
    WIKIPEDIA_LANGUAGES,
    wiki_language,
)
from transforms.xml.records import SiteInfo

DIRECTION_MARKS = re.compile("[\u200e\u200f\u202a-\u202e]")
INVALID_CHARACTERS = re.compile(r"[<>\[\]{}|\n]")
CACHE_LIMIT = 200_000

MEDIA = -2
FILE = 6
CATEGORY = 14


@dataclass(frozen=True)
class LinkTarget:
    """What a link points to.

    Attributes:
        link_type: wikilink, category, media, interwiki, interlanguage, or invalid (not a link at all).
        namespace: namespace number on this wiki (files for media links, also `[[Media:...]]`); None for
            interwiki and interlanguage links.
        title: normalised title without namespace prefix; "" for a link to a fragment of the same page.
        fragment: the part after `#`, or None.
        prefix: language code (interlanguage) or interwiki prefix (interwiki), else None.
    """

    link_type: str
    namespace: int | None = None
    title: str | None = None
    fragment: str | None = None
    prefix: str | None = None


INVALID = LinkTarget("invalid")


def clean_title(text: str) -> str:
    """Decodes entities and %-escapes, removes direction marks, turns underscores and runs of spaces into
    one space, and trims."""
    if "&" in text:
        text = html.unescape(text)
    if "%" in text:
        try:
            text = unquote(text, errors="strict")
        except UnicodeDecodeError:
            pass
    if not text.isascii():
        text = DIRECTION_MARKS.sub("", text)
    return " ".join(text.replace("_", " ").split())


def first_letter_upper(title: str) -> str:
    """MediaWiki's ucfirst: the first character upper-cased unless that changes its length (ß -> SS)."""
    if not title:
        return title
    upper = title[0].upper()
    return upper + title[1:] if len(upper) == 1 else title


class TitleResolver:
    """Resolves link targets for one wiki (the engine resolves template names: `Engine.template`).

    Args:
        siteinfo: the dump's siteinfo (namespace names and case rules); may be None for a dump without one,
            in which case canonical English names and first-letter case are assumed.
    """

    def __init__(self, siteinfo: SiteInfo | None):
        siteinfo = siteinfo or SiteInfo()
        self.language = wiki_language(siteinfo.wiki_db)
        self._default_case = siteinfo.case or "first-letter"
        self._cases = dict(siteinfo.namespace_cases)
        names: dict[str, int] = {}
        # Media: and Special: exist on every wiki, whether the siteinfo lists them or not.
        known = (set(siteinfo.namespaces) or set(CANONICAL_NAMESPACES)) | {-2, -1}
        for number in known:
            canonical = CANONICAL_NAMESPACES.get(number)
            if canonical:
                names[canonical.casefold()] = number
        language_aliases = LANGUAGE_ALIASES.get(self.language or "", {})
        for alias, number in list(CORE_ALIASES.items()) + list(language_aliases.items()):
            names[alias.casefold()] = number
        for number, name in siteinfo.namespaces.items():
            if name:
                names[clean_title(name).casefold()] = number
        self._namespaces = names
        self._cache: dict[str, LinkTarget] = {}

    def resolve(self, raw: str) -> LinkTarget:
        """Reads a `[[...]]` target as written (without the brackets and label)."""
        found = self._cache.get(raw)
        if found is None:
            found = self._resolve(raw)
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[raw] = found
        return found

    def _resolve(self, raw: str) -> LinkTarget:
        if INVALID_CHARACTERS.search(raw):
            return INVALID
        text = clean_title(raw)
        forced = text.startswith(":")  # [[:Category:X]] links to the category instead of adding to it
        if forced:
            text = text[1:].lstrip()
        if not text:
            return INVALID
        prefix, colon, rest = text.partition(":")
        if colon:
            key = prefix.strip().casefold()
            namespace = self._namespaces.get(key)
            if namespace is not None:
                return self._in_namespace(namespace, rest.strip(), forced)
            if key == self.language and rest.strip():
                return self._resolve(rest)  # [[en:Foo]] on an English wiki is a local link
            if key in WIKIPEDIA_LANGUAGES or key in INTERWIKI_PREFIXES:
                title, fragment = _split_fragment(rest.strip())
                if key in WIKIPEDIA_LANGUAGES and not forced:
                    return LinkTarget("interlanguage", None, title, fragment, key)
                return LinkTarget("interwiki", None, title, fragment, key)
        return self._in_namespace(0, text, forced)

    def _in_namespace(self, namespace: int, text: str, forced: bool) -> LinkTarget:
        title, fragment = _split_fragment(text)
        if not title and (namespace != 0 or fragment is None):
            return INVALID
        title = self._cased(namespace if namespace != MEDIA else FILE, title)
        if namespace == MEDIA:
            return LinkTarget("media", FILE, title, fragment)
        if namespace == CATEGORY and not forced:
            return LinkTarget("category", CATEGORY, title, fragment)
        if namespace == FILE and not forced:
            return LinkTarget("media", FILE, title, fragment)
        return LinkTarget("wikilink", namespace, title, fragment)

    def _cased(self, namespace: int, title: str) -> str:
        case = self._cases.get(namespace, self._default_case)
        return first_letter_upper(title) if case == "first-letter" else title


def _split_fragment(text: str) -> tuple[str, str | None]:
    title, hash_sign, fragment = text.partition("#")
    return title.strip(), (fragment.strip() if hash_sign else None)
