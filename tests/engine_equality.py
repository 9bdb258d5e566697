"""The engine against the Python scanner, page by page in one process: every revision text of every file
given (default: the samplewiki dumps and every XML dump of ../shared/data/real) is scanned by both, and
every field of the two scans is compared (text and positions of sections, links, templates, refs).

    .venv/bin/python tests/engine_equality.py [FILE ...] [--show N]

Prints the pages compared and each difference (the first of each page), and exits 1 when any differs.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.wikitext.content import ENGLISH_REDIRECT, REDIRECT_LINE  # noqa: E402
from transforms.wikitext.engine import engine_for, scan_page  # noqa: E402
from transforms.wikitext.scanner import scan  # noqa: E402
from transforms.wikitext.titles import TitleResolver  # noqa: E402
from transforms.xml.inputs import describe_input  # noqa: E402
from transforms.xml.records import SiteInfo  # noqa: E402
from transforms.xml.splits import plan_splits, read_split  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real"
FIELDS = {"sections": ("index", "level", "title", "anchor", "parent", "start", "text"),
          "links": ("kind", "target", "resolved", "label", "caption", "start", "section"),
          "templates": ("name", "key", "args", "start", "end", "section", "ref"),
          "refs": ("name", "group", "is_reuse", "start", "end", "section", "content", "text")}


def default_files() -> list[Path]:
    files = sorted((ROOT / "sample_dumps").glob("*.xml*"))
    if REAL.exists():
        files += sorted(path for path in REAL.rglob("*.xml*") if "index" not in path.name)
        files += sorted(path for path in (REAL / "pages-articles").glob("*.bz2") if path not in files)
    return files


def _values(item, names):
    values = []
    for name in names:
        value = getattr(item, name)
        if name == "resolved" and value is not None:
            value = (value.link_type, value.namespace, value.title, value.fragment, value.prefix)
        values.append(value)
    return tuple(values)


def difference(old, new) -> str | None:
    """The first field where two scans differ, or None."""
    if old.source != new.source:
        return "source"
    for kind, names in FIELDS.items():
        olds, news = getattr(old, kind), getattr(new, kind)
        for index, (a, b) in enumerate(zip(olds, news)):
            a, b = _values(a, names), _values(b, names)
            if a != b:
                field = next(name for name, x, y in zip(names, a, b) if x != y)
                return f"{kind}[{index}].{field}: python {dict(zip(names, a))[field]!r} engine {dict(zip(names, b))[field]!r}"
        if len(olds) != len(news):
            return f"{kind}: python {len(olds)} engine {len(news)}"
    if list(map(tuple, old.skipped)) != list(map(tuple, new.skipped)):
        return "skipped"
    return None


def compare_file(path: Path, report) -> tuple[int, int]:
    pages = differing = 0
    source = describe_input(str(path), strict=False)
    siteinfo = replace(source.siteinfo or SiteInfo(), wiki_db=source.wiki_db)
    resolver = TitleResolver(siteinfo)
    engine = engine_for(resolver)

    def process_page(page, _source):
        nonlocal pages, differing
        for revision in page.revisions:
            if revision.text is None:
                continue
            wikitext = revision.text
            if page.is_redirect:
                wikitext = REDIRECT_LINE.sub("", wikitext, count=1)
            elif match := ENGLISH_REDIRECT.match(wikitext):
                wikitext = wikitext[match.end():]
            pages += 1
            try:
                old = scan(wikitext, resolver, wants_args=__import__("transforms.wikitext.citations",
                                                                      fromlist=["x"]).wants_args)
            except RecursionError:
                continue
            new = scan_page(engine, wikitext)
            found = difference(old, new)
            if found:
                differing += 1
                report(f"{path.name} page {page.page_id} ({page.title}) rev {revision.id}: {found}")
        return iter(())

    for split in plan_splits(source):
        with read_split(split, process_page) as reader:
            for _ in reader:
                pass
    return pages, differing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--show", type=int, default=20, help="differences printed per file")
    arguments = parser.parse_args()
    total = total_differing = 0
    for path in arguments.files or default_files():
        shown = []
        pages, differing = compare_file(path, lambda line: shown.append(line))
        for line in shown[:arguments.show]:
            print("  " + line)
        print(f"{path.name}: {pages} revisions, {differing} differ", flush=True)
        total += pages
        total_differing += differing
    print(f"total: {total} revisions compared, {total_differing} differ")
    return 1 if total_differing else 0


if __name__ == "__main__":
    sys.exit(main())
