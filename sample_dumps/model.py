"""The in-memory model of samplewiki: what the dump writers serialise and golden tests compare with.

Everything here is plain data (small dataclasses, str, int, tuples, dicts) so that any output format,
and any test, can read it without knowing how it was generated.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterator

DUMP_DATE = "20260101"

_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def mediawiki_sha1(text: str) -> str:
    """MediaWiki's revision hash: SHA-1 of the UTF-8 text as a base-36 number, 31 chars, zero-padded.

    Args:
        text: the revision text.

    Returns:
        The hash as MediaWiki stores it in rev_sha1 / slot sha1 (lowercase base 36).
    """
    number = int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest(), "big")
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append(_BASE36[rest])
    return "".join(reversed(digits)).rjust(31, "0")


@dataclass(frozen=True)
class Namespace:
    """A namespace of the wiki as siteinfo lists it (`name` is "" for the main namespace)."""

    key: int
    name: str
    case: str = "first-letter"

    @property
    def is_talk(self) -> bool:
        """Talk namespaces are the odd, non-negative ones."""
        return self.key >= 0 and self.key % 2 == 1


@dataclass(frozen=True)
class SiteInfo:
    """The `<siteinfo>` block of every XML dump."""

    dbname: str
    sitename: str
    base: str
    generator: str
    case: str
    lang: str
    namespaces: tuple[Namespace, ...]

    def namespace(self, key: int) -> Namespace:
        """The namespace with this key (KeyError when the wiki has none)."""
        for ns in self.namespaces:
            if ns.key == key:
                return ns
        raise KeyError(key)

    def full_title(self, namespace: int, title: str) -> str:
        """The title with its namespace prefix, as `<title>` carries it."""
        name = self.namespace(namespace).name
        return f"{name}:{title}" if name else title


@dataclass(frozen=True)
class User:
    """A user account. Anonymous (IP) editors are not users; see `Contributor`.

    `groups` holds the account's current groups ("bot", "sysop", ...). Temporary accounts (names like
    "~2025-12345-67") are real accounts with an id, told apart only by their name, as on Wikimedia wikis.
    """

    user_id: int
    user_name: str
    registration: str
    groups: tuple[str, ...] = ()

    @property
    def is_bot(self) -> bool:
        """In the bot group (whatever the name)."""
        return "bot" in self.groups

    @property
    def is_temporary(self) -> bool:
        """A temporary account (MediaWiki's `~` naming pattern)."""
        return self.user_name.startswith("~")


@dataclass(frozen=True)
class Contributor:
    """Who made a revision: a registered user or an IP address."""

    user: User | None = None
    ip: str | None = None

    @property
    def name(self) -> str:
        """User name or IP, as `<username>` / `<ip>` carries it."""
        return self.user.user_name if self.user else str(self.ip)

    @property
    def user_id(self) -> int | None:
        """User id, None for an IP editor."""
        return self.user.user_id if self.user else None

    @property
    def is_anonymous(self) -> bool:
        """An IP editor."""
        return self.user is None


@dataclass
class Revision:
    """One revision of a page.

    The model always keeps the real contributor, comment and text, even when revision deletion hides
    them in the dumps (`*_deleted` flags): a test can then check that a pipeline did not see them.

    `text_id` is the text-table row (`location="tt:N"` in stubs). `origin` is the revision that
    introduced this content: its own id, except for null revisions (page protection, page move),
    which reuse their parent's content row and origin, as MediaWiki does.

    `kind` and `reverts_to` are the generator's own labels, for golden tests: kind is one of
    "create", "expand", "copyedit", "update", "bot", "vandalism", "revert", "null", "discussion",
    "archive", "move-redirect"; `reverts_to` is the rev_id whose text an intended revert restores.
    """

    rev_id: int
    parent_id: int | None
    timestamp: str
    contributor: Contributor
    minor: bool
    comment: str
    text: str
    model: str
    format: str
    text_id: int
    origin: int
    contributor_deleted: bool = False
    comment_deleted: bool = False
    text_deleted: bool = False
    kind: str = "edit"
    reverts_to: int | None = None

    @property
    def sha1(self) -> str:
        """MediaWiki sha1 of the text (known to the model even when the dumps hide it)."""
        return mediawiki_sha1(self.text)

    @property
    def bytes(self) -> int:
        """UTF-8 length of the text."""
        return len(self.text.encode("utf-8"))

    @property
    def visible_sha1(self) -> str | None:
        """The sha1 a dump reader sees in `<sha1>`: None when the text is deleted."""
        return None if self.text_deleted else self.sha1


@dataclass
class Ledger:
    """What an article's final text holds, recorded by its writer while writing it, for golden tests of
    the content datasets. Every field lists items in the order they were written (not page order).

    `citations` has one dict per reference or citation template: `in_ref` (inside a <ref>), `ref_name`,
    `ref_group`, `template` (as written, e.g. "Cite journal"; None for a bare reference or a plain ISBN
    line) and the identifiers and URLs it carries (`doi`, `isbn` as written, `pmid`, `pmcid` as "PMC...",
    `url`, `archive_url`). `reuses` names the <ref name=x /> reuses. `sections` are (level, heading) and
    `media` the file names of file links and gallery lines.
    """

    citations: list[dict] = field(default_factory=list)
    reuses: list[str] = field(default_factory=list)
    sections: list[tuple[int, str]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    interlanguage: list[tuple[str, str]] = field(default_factory=list)
    interwiki: list[tuple[str, str]] = field(default_factory=list)
    media: list[str] = field(default_factory=list)


@dataclass
class Page:
    """A page with all its revisions, oldest first.

    `redirect` is the full target title as `<redirect title=...>` carries it (no fragment). `facts`
    holds the structured data its text was written from (kind, coordinates, dates, ...), for later
    writers (Wikidata entities, pageviews) that must agree with the text. `wikidata_id` is set for
    content articles only. `ledger` (articles only) is what the latest text holds; see `Ledger`.
    """

    page_id: int
    namespace: int
    title: str
    full_title: str
    model: str
    format: str
    redirect: str | None
    revisions: list[Revision] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    wikidata_id: str | None = None
    ledger: Ledger | None = None

    @property
    def latest(self) -> Revision:
        """The current revision."""
        return self.revisions[-1]

    @property
    def created(self) -> str:
        """Timestamp of the first revision."""
        return self.revisions[0].timestamp


@dataclass
class SampleWiki:
    """The whole synthetic wiki. `pages` are in page_id order, `users` in user_id order."""

    siteinfo: SiteInfo
    users: list[User]
    pages: list[Page]
    dump_date: str = DUMP_DATE

    def revisions(self) -> Iterator[tuple[Page, Revision]]:
        """Every (page, revision) in dump order: by page id, then oldest revision first."""
        for page in self.pages:
            for rev in page.revisions:
                yield page, rev

    def page(self, full_title: str) -> Page:
        """The page with this full title (KeyError when absent)."""
        for page in self.pages:
            if page.full_title == full_title:
                return page
        raise KeyError(full_title)

    def user(self, user_name: str) -> User:
        """The account with this name (KeyError when absent)."""
        for user in self.users:
            if user.user_name == user_name:
                return user
        raise KeyError(user_name)


# Namespaces whose pages go into pages-articles: Wikimedia's articles dump filters out talk namespaces
# and User: (dumpBackup.php --filter=notalk --filter=namespace:!NS_USER).
def in_pages_articles(namespace: int) -> bool:
    """Whether Wikimedia's pages-articles dump holds pages of this namespace."""
    return namespace >= 0 and namespace % 2 == 0 and namespace != 2


@dataclass(frozen=True)
class IdentityRevert:
    """A revision whose sha1 equals an earlier, non-adjacent revision's sha1 of the same page."""

    rev_id: int
    restored_rev_id: int
    reverted_rev_ids: tuple[int, ...]


def find_identity_reverts(revisions: list[Revision]) -> list[IdentityRevert]:
    """Identity reverts of one page's history, as a dump reader can find them.

    A revision is an identity revert when its visible sha1 equals the sha1 of an earlier revision and
    at least one revision in between has a different (or hidden) sha1; the nearest such earlier
    revision is the restored one. A null revision (same sha1 as its parent) is not a revert.
    Revisions with deleted text have no visible sha1 and are never matched.

    Args:
        revisions: one page's revisions, oldest first.

    Returns:
        One IdentityRevert per reverting revision, in history order.
    """
    found = []
    for i, rev in enumerate(revisions):
        sha1 = rev.visible_sha1
        if sha1 is None or i == 0 or revisions[i - 1].visible_sha1 == sha1:
            continue
        for j in range(i - 2, -1, -1):
            if revisions[j].visible_sha1 == sha1:
                between = tuple(r.rev_id for r in revisions[j + 1 : i])
                found.append(IdentityRevert(rev.rev_id, revisions[j].rev_id, between))
                break
    return found


def isbn10_check_digit(first9: str) -> str:
    """Check character of an ISBN-10 from its first nine digits ("X" stands for 10)."""
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def isbn13_check_digit(first12: str) -> str:
    """Check digit of an ISBN-13 from its first twelve digits."""
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def isbn_is_valid(isbn: str) -> bool:
    """Whether an ISBN-10 or ISBN-13 (hyphens and spaces allowed) has a correct check digit."""
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        return isbn10_check_digit(digits[:9]) == digits[9]
    if len(digits) == 13 and digits.isdigit():
        return isbn13_check_digit(digits[:12]) == digits[12]
    return False
