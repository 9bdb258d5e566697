"""The engine against the Python scanner it replaced, page by page in one process: every revision text of
every file given (default: the samplewiki dumps and every XML dump of ../shared/data/real) is scanned by
both, and every field of the two scans is compared (text and positions of sections, links, templates,
refs). The Python scanner is read from the commit before the switch (OLD_COMMIT) with git.

    .venv/bin/python tests/engine_equality.py [FILE ...] [--show N]

Prints the pages compared and each difference (the first of each page), and exits 1 when any differs.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import types
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.wikitext.content import ENGLISH_REDIRECT, REDIRECT_LINE  # noqa: E402
from transforms.wikitext.engine import engine_for, scan_page  # noqa: E402
from transforms.wikitext import citations  # noqa: E402
from transforms.wikitext.titles import TitleResolver  # noqa: E402
from transforms.xml.inputs import describe_input  # noqa: E402
from transforms.xml.records import SiteInfo  # noqa: E402
from transforms.xml.splits import plan_splits, read_split  # noqa: E402

OLD_COMMIT = "8e9c13f"  # the last commit with the Python scanner (transforms/wikitext/scanner.py)
REAL = ROOT.parent / "shared" / "data" / "real"
FIELDS = {"sections": ("index", "level", "title", "anchor", "parent", "start", "text"),
          "links": ("kind", "target", "resolved", "label", "caption", "start", "section"),
          "templates": ("name", "key", "args", "start", "end", "section", "ref"),
          "refs": ("name", "group", "is_reuse", "start", "end", "section", "content", "text")}


def old_scanner():
    """The Python scanner of OLD_COMMIT, as a module of its own."""
    code = subprocess.run(["git", "show", f"{OLD_COMMIT}:transforms/wikitext/scanner.py"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    module = types.ModuleType("old_scanner")
    exec(compile(code, "old_scanner.py", "exec"), module.__dict__)
    return module


class OldResolver:
    """A resolver as the old scanner asked for one: resolve() and its link_tokens cache."""

    def __init__(self, resolver: TitleResolver):
        self.resolve = resolver.resolve
        self.link_tokens: dict = {}


def default_files() -> list[Path]:
    files = sorted((ROOT / "sample_dumps").glob("*.xml*"))
    if REAL.exists():
        files += sorted(path for path in REAL.rglob("*.xml*") if "index" not in path.name)
        files += sorted(path for path in (REAL / "pages-articles").glob("*.bz2") if path not in files)
    return files


# Where the engine reads pages differently from the Python scanner on purpose (issue 18; docs/decisions.md,
# "Intended differences from the Python scanner", shows an example of each). Pages where one applies are
# left out of the comparison, and counted apart:
# - a line starting with `|}}`: in a template's arguments, a pipe and the braces that close the template (the
#   scanner took `|}` for the end of a table, left the template open and leaked the rest of the page).
# - a line starting with `{{{!}}` or `{{!}}}`: the start or end of a table written with the pipe template
#   (the scanner read `{|` and the rows after it as text).
INTENDED = {"pipe-braces": re.compile(r"\n[ \t]*\|\}\}"), "pipe-template-table": re.compile(r"\n(?:\{\{\{!\}\}|\{\{!\}\}\})")}


# Fields left out of the comparison on every page: the text that templates, math and markup now render as
# (issue 18: inline templates expanded by the rules of transforms/wikitext/inline.py, `<math>` kept as TeX,
# `<sub>`/`<sup>` in order). Checked instead by tests/test_wikitext_scanner.py and measured by
# benchmarks/text_fidelity.py and content_text_quality.py. Everything else (sections, links, templates and
# references: how many, where, their targets, names and kinds) must stay equal.
TEXT_FIELDS = {"sections": {"text", "title", "anchor"}, "links": {"label", "caption"}, "templates": {"args"},
               "refs": {"text"}}


def intended(wikitext: str) -> str | None:
    """The intended difference a page falls under, if any."""
    return next((name for name, pattern in INTENDED.items() if pattern.search(wikitext)), None)


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
        names = tuple(name for name in names if name not in TEXT_FIELDS.get(kind, ()))
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


def each_revision(path: Path, visit) -> None:
    """Calls `visit(resolver, engine, page, revision)` for every revision with text of a dump, with the title
    resolver and engine of its wiki."""
    source = describe_input(str(path), strict=False)
    resolver = TitleResolver(replace(source.siteinfo or SiteInfo(), wiki_db=source.wiki_db))
    engine = engine_for(resolver)

    def process_page(page, _source):
        for revision in page.revisions:
            if revision.text is not None:
                visit(resolver, engine, page, revision)
        return iter(())

    for split in plan_splits(source):
        with read_split(split, process_page) as reader:
            for _ in reader:
                pass


def compare_file(path: Path, report, old, skipped: dict | None = None) -> tuple[int, int]:
    """(revisions compared, revisions that differ) of one dump; `skipped` counts the revisions left out by
    each intended difference."""
    pages = differing = 0
    skipped = {} if skipped is None else skipped
    old_resolvers: dict[int, OldResolver] = {}  # one per wiki (the resolver of the file)

    def compare(resolver, engine, page, revision) -> None:
        nonlocal pages, differing
        if id(resolver) not in old_resolvers:
            old_resolvers[id(resolver)] = OldResolver(resolver)
        wikitext = revision.text
        if page.is_redirect:
            wikitext = REDIRECT_LINE.sub("", wikitext, count=1)
        elif match := ENGLISH_REDIRECT.match(wikitext):
            wikitext = wikitext[match.end():]
        if intended(wikitext):
            skipped[intended(wikitext)] = skipped.get(intended(wikitext), 0) + 1
            return
        pages += 1
        found = difference(old.scan(wikitext, old_resolvers[id(resolver)], wants_args=citations.wants_args),
                           scan_page(engine, wikitext))
        if found:
            differing += 1
            report(f"{path.name} page {page.page_id} ({page.title}) rev {revision.id}: {found}")

    each_revision(path, compare)
    return pages, differing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--show", type=int, default=20, help="differences printed per file")
    arguments = parser.parse_args()
    total = total_differing = 0
    old = old_scanner()
    skipped: dict[str, int] = {}
    for path in arguments.files or default_files():
        shown = []
        pages, differing = compare_file(path, shown.append, old, skipped)
        for line in shown[:arguments.show]:
            print("  " + line)
        print(f"{path.name}: {pages} revisions, {differing} differ", flush=True)
        total += pages
        total_differing += differing
    print(f"total: {total} revisions compared, {total_differing} differ; left out as intended differences: {skipped}")
    return 1 if total_differing else 0


if __name__ == "__main__":
    sys.exit(main())
