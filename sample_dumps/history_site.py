"""The fixed settings of the wiki whose history is built: its siteinfo (namespaces), its lifetime,
and the day temporary accounts replaced IP addresses.

Separate so that the editor, planning and discussion modules can share them without importing
history.py (which imports those modules); history.py re-exports them.
"""

from __future__ import annotations

from datetime import datetime, timezone

from .model import Namespace, SiteInfo


UTC = timezone.utc
WIKI_START = datetime(2024, 3, 1, 8, 58, 12, tzinfo=UTC)
WIKI_END = datetime(2025, 12, 31, 21, 0, tzinfo=UTC)
# From this date the wiki hides IP addresses behind temporary accounts (as Wikimedia wikis did in
# 2025): anonymous edits before it show an IP, after it a "~2025-..." account.
TEMP_ACCOUNTS_FROM = datetime(2025, 6, 1, tzinfo=UTC)


SITEINFO = SiteInfo(
    dbname="samplewiki",
    sitename="Samplewiki",
    base="https://sample.wikipedia.org/wiki/Main_Page",
    generator="MediaWiki 1.43.0-wmf.1",
    case="first-letter",
    lang="en",
    namespaces=tuple(Namespace(k, n) for k, n in [
        (-2, "Media"), (-1, "Special"), (0, ""), (1, "Talk"), (2, "User"), (3, "User talk"), (4, "Wikipedia"),
        (5, "Wikipedia talk"), (6, "File"), (7, "File talk"), (8, "MediaWiki"), (9, "MediaWiki talk"),
        (10, "Template"), (11, "Template talk"), (12, "Help"), (13, "Help talk"), (14, "Category"),
        (15, "Category talk"), (100, "Portal"), (101, "Portal talk"), (118, "Draft"), (119, "Draft talk"),
        (828, "Module"), (829, "Module talk")]),
)


def _full_title(ns: int, title: str) -> str:
    return SITEINFO.full_title(ns, title)
