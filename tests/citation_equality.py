"""The engine's citations rows (engine/src/citation_rows.rs) against the Python code they replaced
(transforms/wikitext/citations.py and short_footnotes.py at PYTHON_COMMIT, read with git), page by page:

    .venv/bin/python tests/citation_equality.py [FILE ...] [--show N]

Prints the pages compared and each page whose rows differ (its first differing column), and exits 1 when any
differs. Both read the same scan, so only the rows are compared.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.engine_equality import default_files, each_revision  # noqa: E402
from transforms.wikitext.engine import rows_of_page, scan_page  # noqa: E402

PYTHON_COMMIT = "9aee7ac"  # the last commit whose citations rows were built in Python


def _module(name: str, path: str) -> types.ModuleType:
    code = subprocess.run(["git", "show", f"{PYTHON_COMMIT}:{path}"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout
    module = types.ModuleType(name)
    exec(compile(code, f"old_{Path(path).name}", "exec"), module.__dict__)
    return module


def old_citations() -> types.ModuleType:
    """The Python citations module of PYTHON_COMMIT, with the short_footnotes module it imported."""
    key = "transforms.wikitext.short_footnotes"
    saved = sys.modules.get(key)
    sys.modules[key] = _module(key, "transforms/wikitext/short_footnotes.py")
    try:
        return _module("old_citations", "transforms/wikitext/citations.py")
    finally:
        if saved is None:
            del sys.modules[key]
        else:
            sys.modules[key] = saved


def difference(expected: dict[str, list], found: dict[str, list]) -> str | None:
    """The first column (and row) where two pages' citations differ, or None."""
    if list(expected) != list(found):
        return f"columns: python {list(expected)} engine {list(found)}"
    for name, values in expected.items():
        if values != found[name]:
            index = next((i for i, (a, b) in enumerate(zip(values, found[name])) if a != b), None)
            if index is None:
                return f"{name}: python {len(values)} rows, engine {len(found[name])}"
            return f"{name}[{index}]: python {values[index]!r} engine {found[name][index]!r}"
    return None


def compare_file(path: Path, report, old) -> tuple[int, int]:
    """(revisions compared, revisions whose rows differ) of one dump."""
    pages = differing = 0

    def compare(resolver, engine, page, revision) -> None:
        nonlocal pages, differing
        pages += 1
        found = scan_page(engine, revision.text)
        made = rows_of_page(revision.text, resolver, ("citations",))["citations"]
        problem = difference(old.citation_columns(found, resolver.language), made)
        if problem:
            differing += 1
            report(f"{path.name} page {page.page_id} ({page.title}) rev {revision.id}: {problem}")

    each_revision(path, compare)
    return pages, differing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--show", type=int, default=20, help="differences printed per file")
    arguments = parser.parse_args()
    old = old_citations()
    total = bad = 0
    for path in arguments.files or default_files():
        shown: list[str] = []
        pages, differing = compare_file(path, lambda line: len(shown) < arguments.show and shown.append(line), old)
        total, bad = total + pages, bad + differing
        print(f"{path.name}: {pages} revisions, {differing} differ", *shown, sep="\n  ", flush=True)
    print(f"{total} revisions compared, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
