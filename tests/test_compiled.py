"""The modules compiled by mypyc (setup.py: titles) are current, and read pages exactly as
their Python sources do.

An editable install builds the extension modules next to their sources, where Python prefers them: after
an edit to one of the sources, the stale module would go on running until `make venv` rebuilds it.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.abc
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REAL, ROOT

SAMPLEWIKI = ROOT / "sample_dumps" / "samplewiki-20260101-pages-articles-multistream.xml.bz2"
REAL_PAGES = ("pages-articles/gensim__enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2",
              "pages-articles/mwbzutils__sample-pages-articles.xml.bz2",
              "pages-articles/dumpster-dive__ltgwiki-2017-pages-articles.xml.bz2")


def compiled_modules() -> dict[str, Path]:
    """Module name -> its extension file, for every module of transforms/ built from a .py beside it."""
    found = {}
    for extension in (ROOT / "transforms").rglob("*.so"):
        source = extension.with_name(extension.name.split(".")[0] + ".py")
        if source.exists():
            found[".".join(source.relative_to(ROOT).with_suffix("").parts)] = extension
    return found


class SourceOnly(importlib.abc.MetaPathFinder):
    """Imports the given modules from their .py files even where a compiled module sits beside them."""

    def __init__(self, names):
        self.names = set(names)

    def find_spec(self, name, path=None, target=None):
        if name in self.names:
            return importlib.util.spec_from_file_location(name, ROOT.joinpath(*name.split(".")).with_suffix(".py"))
        return None


def content_digest(paths: list[str]) -> str:
    """The content job's rows, problems and filtered records for every page of `paths` (redirects
    included), reduced to one sha256."""
    # Imported here, not at the top: the subprocess installs its SourceOnly finder before these imports.
    from transforms.datasets.rows import Appended, Rows
    from transforms.wikitext.content import ContentOptions, ContentPages
    from transforms.xml.inputs import describe_input
    from transforms.xml.splits import plan_splits, read_split

    digest = hashlib.sha256()
    process_page = ContentPages(ContentOptions(include_redirects=True))
    for path in paths:
        source = describe_input(path, strict=False)
        for split in plan_splits(source):
            with read_split(split, process_page) as reader:
                for item in reader:
                    if isinstance(item, tuple) and isinstance(item[1], Rows):
                        item = (item[0], sorted(item[1].columns.items()))
                    elif isinstance(item, tuple) and isinstance(item[1], Appended):  # rows made in the engine
                        item = (item[0], item[1].source.take(item[0], item[1].count).to_pylist())
                    digest.update(repr(item).encode())
    return digest.hexdigest()


def test_compiled_modules_are_built_from_the_current_sources():
    if not os.environ.get("WIKIDUMPS_PURE_PYTHON"):
        assert "transforms.wikitext.titles" in compiled_modules(), (
            "titles is not compiled: mypyc or a C compiler was missing when the package was installed "
            "(set WIKIDUMPS_PURE_PYTHON=1 to install and test plain Python on purpose)")
    stale = [name for name, extension in compiled_modules().items()
             if ROOT.joinpath(*name.split(".")).with_suffix(".py").stat().st_mtime > extension.stat().st_mtime]
    assert not stale, f"compiled modules older than their sources: {stale}; run `make venv` to rebuild them"


def test_compiled_and_python_modules_give_the_same_rows():
    names = compiled_modules()
    if not names:
        pytest.skip("nothing is compiled in this install (WIKIDUMPS_PURE_PYTHON)")
    imported = importlib.import_module("transforms.wikitext.titles")
    assert imported.__file__.endswith(".so")
    paths = [str(SAMPLEWIKI)] + [str(REAL / name) for name in REAL_PAGES if (REAL / name).exists()]
    program = (f"import sys; from tests.test_compiled import SourceOnly, content_digest; "
               f"sys.meta_path.insert(0, SourceOnly({sorted(names)!r})); "
               f"import transforms.wikitext.titles as titles; assert titles.__file__.endswith('.py'); "
               f"print(content_digest({paths!r}))")
    python = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True)
    assert python.stdout.strip() == content_digest(paths)
