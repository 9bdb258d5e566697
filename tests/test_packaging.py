"""What `pip install wikidumps` (a wheel, not the editable install of the Makefile) puts in place."""
from __future__ import annotations

import os
import sys

from tests.conftest import ROOT

PACKAGES = ("pipelines", "transforms", "schemas", "runners", "wikidumps")


def setup_distribution(monkeypatch):
    """setup.py's distribution as setuptools reads it (no build, no mypyc)."""
    monkeypatch.setenv("WIKIDUMPS_PURE_PYTHON", "1")
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", ["setup.py"])
    from distutils.core import run_setup  # setuptools' own distutils, put in place by its .pth file

    return run_setup(str(ROOT / "setup.py"), stop_after="init")


def test_every_package_of_the_project_is_installed(monkeypatch):
    # A subpackage missing here (transforms.wikitext once was) works in the editable install and breaks
    # every job of an installed wheel.
    on_disk = {os.path.relpath(path.parent, ROOT).replace(os.sep, ".")
               for package in PACKAGES for path in (ROOT / package).rglob("__init__.py")}
    assert set(setup_distribution(monkeypatch).packages) == on_disk


def test_every_data_file_of_the_packages_is_installed(monkeypatch):
    declared = setup_distribution(monkeypatch).package_data
    data_files = [path for package in PACKAGES for path in (ROOT / package).rglob("*")
                  if path.is_file() and path.suffix not in (".py", ".so", ".pyc") and "__pycache__" not in path.parts]
    assert data_files, "the countries table at least"
    for path in data_files:
        package = next(folder for folder in path.parents if (folder / "__init__.py").exists())
        patterns = declared.get(".".join(package.relative_to(ROOT).parts), [])
        assert any(path.relative_to(package).match(pattern) for pattern in patterns), path

