"""Pages and revisions of an XML dump as plain values, and what <siteinfo> says about the wiki.

The reader (reader.py) fills these in while it streams; page processors (history, content) read them.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

from transforms.common.naming import TEMPORARY_ACCOUNT
from transforms.common.problems import Filtered, Problem


class MalformedDumpError(Exception):
    """The input cannot be read as a MediaWiki XML dump: not one, a DTD or entity declarations we refuse to
    expand, or compressed data that breaks before the root element."""


@dataclass
class ReadStats:
    """Counts the reader keeps while it streams; the Beam step turns them into counters."""

    pages: int = 0
    revisions: int = 0
    decompressed_bytes: int = 0
    unknown_tags: Counter = field(default_factory=Counter)
    empty_texts: int = 0
    pages_without_revisions: int = 0
    sha1_computed: int = 0
    source_encoding: str = "utf-8"


class Revision:
    """One revision as plain values. `timestamp` is seconds since the epoch (UTC)."""

    __slots__ = (
        "id", "parent_id", "timestamp", "user_id", "user_text", "user_is_anonymous", "user_is_deleted",
        "minor", "comment", "comment_is_deleted", "text", "text_is_deleted", "text_bytes", "sha1",
        "model", "format", "redirect_line",
    )

    def __init__(self):
        self.id = None
        self.parent_id = None
        self.timestamp = None
        self.user_id = None
        self.user_text = None
        self.user_is_anonymous = False
        self.user_is_deleted = False
        self.minor = False
        self.comment = None
        self.comment_is_deleted = False
        self.text = None  # None when the dump carries no text (stubs, deleted); "" for empty text
        self.text_is_deleted = False
        self.text_bytes = None
        self.sha1 = None
        self.model = None
        self.format = None
        # Whether the text starts with a redirect line (`#REDIRECT [[...]]`, any localised word); None
        # without a text. Known even when the reader was asked not to hand texts over.
        self.redirect_line = None

    @property
    def user_is_temporary(self) -> bool:
        return bool(self.user_text) and not self.user_is_anonymous and TEMPORARY_ACCOUNT.match(self.user_text) is not None


@dataclass
class SiteInfo:
    """What <siteinfo> says about the wiki: its database name, title case rule and namespaces by number."""

    wiki_db: str | None = None
    sitename: str | None = None
    base: str | None = None
    generator: str | None = None
    case: str | None = None
    namespaces: dict[int, str] = field(default_factory=dict)
    namespace_cases: dict[int, str] = field(default_factory=dict)

    @classmethod
    def from_fields(cls, sitename: str | None, dbname: str | None, base: str | None, generator: str | None,
                    case: str | None, namespaces: list[tuple[str | None, str, str | None]]) -> SiteInfo:
        """From the scanner's <siteinfo> event: its fields and each namespace's (key, name, case). A namespace
        whose key is not a number is left out: no title can be matched to it."""
        names, cases = {}, {}
        for key, name, ns_case in namespaces:
            number = _int_or_none(key)
            if number is None:
                continue
            names[number] = name
            if ns_case:
                cases[number] = ns_case
        return cls(dbname, sitename, base, generator, case, names, cases)

    def namespace_of(self, full_title: str) -> tuple[int, str]:
        """Splits a prefixed title into (namespace, title) the way MediaWiki reads a title."""
        prefix, sep, rest = full_title.partition(":")
        if sep and prefix:
            wanted = prefix.replace("_", " ").strip().casefold()
            for ns_id, name in self.namespaces.items():
                if ns_id != 0 and name.casefold() == wanted:
                    return ns_id, rest
        return 0, full_title

    def strip_prefix(self, namespace: int, full_title: str) -> str:
        if namespace == 0:
            return full_title
        name = self.namespaces.get(namespace)
        if name and full_title[: len(name) + 1].casefold() == (name + ":").casefold():
            return full_title[len(name) + 1 :]
        # Without siteinfo the prefix is still everything before the first colon.
        return full_title.partition(":")[2] or full_title


def _int_or_none(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


@dataclass
class Page:
    """A page's header and the lazy iterator over its revisions (which reads the XML as it goes)."""

    page_id: int
    namespace: int
    title: str  # without namespace prefix, as the dump spells it (spaces)
    full_title: str
    redirect_title: str | None
    is_redirect: bool
    offset: int | None
    revisions: Iterator[Revision]
    problems: list[Problem] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------


Item = tuple[str, dict] | Problem | Filtered  # (dataset, row) from process_page, a problem, a filtered record
