"""samplewiki's pageviews: hourly and pageviews-complete dump files for its main-namespace pages.

Views are drawn once per page from a seeded generator (a few popular pages, a long tail) and spread
over days and hours deterministically; a page has views only from the day it was created. Six
daily pageviews-complete files (the 1st and 15th of September to November 2025) and three hourly files
(December 2025) are written: never both kinds for one month, as the pageviews job requires. The
model (`build_pageview_files`) keeps every line, so tests can add the views up themselves.
"""
from __future__ import annotations

import bz2
import gzip
import random
from dataclasses import dataclass
from pathlib import Path

from sample_dumps.model import SampleWiki

PAGEVIEWS_DIR = "pageviews"
COMPLETE_DAYS = ("20250901", "20250915", "20251001", "20251015", "20251101", "20251115")
HOURLY_HOURS = (("20251201", 0), ("20251201", 1), ("20251215", 12))
HOURS = "ABCDEFGHIJKLMNOPQRSTUVWX"
# A second wiki in the files, as real dumps hold every wiki: a couple of English Wikipedia pages.
OTHER_WIKI_LINES = (("en", "Main_Page", 15580374), ("en", "Wikipedia", 5043734))


@dataclass(frozen=True)
class PageviewLine:
    """One line of a pageview file: the wiki's project code (`sample`, `en`), title, page id, access, views."""

    project: str
    title: str
    page_id: int | None
    access: str
    views: int
    hours: tuple[int, ...] = ()  # views per hour 0-23 (pageviews-complete lines only)


@dataclass(frozen=True)
class PageviewFile:
    name: str
    kind: str  # "complete" or "hourly"
    lines: tuple[PageviewLine, ...]


def _popularity(wiki: SampleWiki, seed: int) -> dict[str, float]:
    rng = random.Random(f"samplewiki:{seed}:pageviews")
    pages = [p for p in wiki.pages if p.namespace == 0]
    return {p.title: round(rng.paretovariate(1.3) * (4 if p.redirect is None else 0.3), 3) for p in pages}


def _spread(total: int, rng: random.Random) -> tuple[int, ...]:
    """Views per hour adding up to `total`, more in the day than at night."""
    weights = [1 + (8 <= h <= 22) * 2 for h in range(24)]
    hours = [0] * 24
    for _ in range(total):
        hours[rng.choices(range(24), weights)[0]] += 1
    return tuple(hours)


def build_pageview_files(wiki: SampleWiki, seed: int = 20260101) -> list[PageviewFile]:
    """Every pageview file of the sample, lines in the order the dumps write them."""
    popularity = _popularity(wiki, seed)
    created = {p.title: p.created[:10].replace("-", "") for p in wiki.pages if p.namespace == 0}
    ids = {p.title: p.page_id for p in wiki.pages if p.namespace == 0}
    files = []
    for day in COMPLETE_DAYS:
        rng = random.Random(f"samplewiki:{seed}:pageviews:{day}")
        lines = []
        for title in sorted(popularity):
            if created[title] > day:
                continue
            base = popularity[title]
            key = title.replace(" ", "_")
            for access, share in (("desktop", 1.0), ("mobile-web", 1.6), ("mobile-app", 0.1)):
                views = int(base * share * rng.uniform(0.5, 1.5))
                if views:
                    hours = _spread(views, rng)
                    lines.append(PageviewLine("sample", key, None if access == "mobile-app" else ids[title], access,
                                              views, hours))
        for project, title, page_id in OTHER_WIKI_LINES:
            lines.append(PageviewLine(project, title, page_id, "desktop", 1000 + rng.randrange(1000)))
        lines.sort(key=lambda l: (l.project, l.title, l.access))
        files.append(PageviewFile(f"pageviews-{day}-user.bz2", "complete", tuple(lines)))
    for day, hour in HOURLY_HOURS:
        rng = random.Random(f"samplewiki:{seed}:pageviews:{day}:{hour}")
        lines = []
        for title in sorted(popularity):
            key = title.replace(" ", "_")
            for access, share in (("desktop", 0.05), ("mobile", 0.08)):
                views = int(popularity[title] * share * rng.uniform(0.5, 3))
                if views:
                    lines.append(PageviewLine("sample", key, None, access, views))
        for project, title, _ in OTHER_WIKI_LINES:
            lines.append(PageviewLine(project, title, None, "desktop", 40 + rng.randrange(40)))
        lines.sort(key=lambda l: (_hourly_code(l), l.title))
        files.append(PageviewFile(f"pageviews-{day}-{hour:02d}0000.gz", "hourly", tuple(lines)))
    return files


def _hourly_code(line: PageviewLine) -> str:
    return line.project + (".m" if line.access == "mobile" else "")


def _hourly_title(title: str) -> str:
    # Hourly files quote a title that holds a double quote, escaping the quote.
    return '"' + title.replace('"', '\\"') + '"' if '"' in title else title


def file_text(file: PageviewFile) -> str:
    if file.kind == "hourly":
        return "".join(f"{_hourly_code(l)} {_hourly_title(l.title)} {l.views} 0\n" for l in file.lines)
    out = []
    for l in file.lines:
        hours = "".join(f"{HOURS[h]}{n}" for h, n in enumerate(l.hours) if n) if l.hours else f"A{l.views}"
        page_id = "null" if l.page_id is None else str(l.page_id)
        out.append(f"{l.project}.wikipedia {l.title} {page_id} {l.access} {l.views} {hours}\n")
    return "".join(out)


def write_pageview_dumps(wiki: SampleWiki, out_dir: Path, seed: int = 20260101) -> list[Path]:
    folder = Path(out_dir) / PAGEVIEWS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for file in build_pageview_files(wiki, seed):
        data = file_text(file).encode("utf-8")
        packed = gzip.compress(data, mtime=0) if file.kind == "hourly" else bz2.compress(data, 9)
        path = folder / file.name
        path.write_bytes(packed)
        paths.append(path)
    return paths
