"""How Wikimedia names things, for every input family: dump dates, wiki databases, titles, accounts."""
from __future__ import annotations

import posixpath
import re

from transforms.common.files import UnusableInputError

SNAPSHOT_IN_NAME = re.compile(r"(?:^|[-_.])((?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?:$|[-_.])")
SNAPSHOT = re.compile(r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$")
WIKIMEDIA_FAMILIES = ("wikipedia", "wiktionary", "wikibooks", "wikinews", "wikiquote", "wikisource",
                      "wikiversity", "wikivoyage")
WIKIMEDIA_SPECIAL = {"commons.wikimedia.org": "commonswiki", "meta.wikimedia.org": "metawiki",
                     "species.wikimedia.org": "specieswiki", "www.wikidata.org": "wikidatawiki",
                     "test.wikidata.org": "testwikidatawiki", "www.mediawiki.org": "mediawikiwiki",
                     "incubator.wikimedia.org": "incubatorwiki", "test.wikipedia.org": "testwiki"}
# Temporary accounts (MediaWiki 1.42+) are named `~YYYY-...`.
TEMPORARY_ACCOUNT = re.compile(r"^~\d{4}-")


def snapshot_from_name(path: str) -> str | None:
    """The first date YYYYMMDD in a file's name (Wikimedia names dumps after the day they started)."""
    match = SNAPSHOT_IN_NAME.search(posixpath.basename(path))
    return match.group(1) if match else None


def resolve_snapshot(path: str, given: str | None, from_name: str | None = None, *, required: bool = True
                     ) -> str | None:
    """The snapshot of an input: `given` (--snapshot), else the date its name carries.

    Args:
        path: the input, named in the error.
        given: the snapshot the user gave, if any.
        from_name: what the family reads from the name when it has no date in it (None: nothing).
        required: refuse an input without one; else return None for it.

    Raises:
        UnusableInputError: no snapshot where one is required, or one that is not a date YYYYMMDD.
    """
    snapshot = given or snapshot_from_name(path) or from_name
    if not snapshot:
        if required:
            raise UnusableInputError(path, "cannot tell the dump date from the file name; pass --snapshot YYYYMMDD")
        return None
    if not SNAPSHOT.match(snapshot):
        raise UnusableInputError(path, f"snapshot {snapshot!r} is not a date YYYYMMDD")
    return snapshot


def wiki_db_from_base(base: str | None) -> str | None:
    """enwiki from https://en.wikipedia.org/wiki/Main_Page, as Wikimedia names its databases."""
    if not base:
        return None
    match = re.match(r"^(?:https?:)?//([^/]+)", base)
    if not match:
        return None
    host = match.group(1).lower()
    if host in WIKIMEDIA_SPECIAL:
        return WIKIMEDIA_SPECIAL[host]
    parts = host.split(".")
    if len(parts) == 3 and parts[2] == "org" and parts[1] in WIKIMEDIA_FAMILIES:
        suffix = "wiki" if parts[1] == "wikipedia" else parts[1]
        return parts[0].replace("-", "_") + suffix
    return None


def title_for_output(title: str) -> str:
    """mediawiki_history writes titles with underscores for spaces."""
    return title.replace(" ", "_")
