"""The layout's rules (docs/architecture.md), read from the source: imports run one way, without cycles,
jobs do not import each other, the user-facing library runs without Beam, modules stay readable."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("schemas", "transforms", "pipelines", "runners", "wikidumps")
# What each package may import of the project besides itself.
ALLOWED = {
    "schemas": set(),
    "transforms": {"schemas"},
    "pipelines": {"transforms", "schemas"},
    "runners": {"pipelines", "transforms", "schemas", "wikidumps"},
    "wikidumps": {"schemas"},
}
LONG_MODULES: set[str] = set()  # modules allowed past MAX_LINES (none since the scanner moved to engine/)
MAX_LINES = 600


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def project_imports(path: Path, known: set[str]) -> set[str]:
    """The project modules a module imports (at any depth of its code; the project imports absolutely)."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from package import module` imports the module; `from module import name`, the module.
            targets = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                       for alias in node.names]
        else:
            continue
        imported |= {target for target in targets if target.split(".")[0] in PACKAGES}
    return imported


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: project_imports(path, set(found)) for name, path in found.items()}


def test_imports_run_one_way():
    wrong = []
    for name, imported in graph().items():
        package = name.split(".")[0]
        for target in imported:
            if target.split(".")[0] not in ALLOWED[package] | {package}:
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_jobs_do_not_import_each_other():
    jobs = {name for name in modules() if name.startswith("pipelines.") and name != "pipelines.driver"}
    assert {(name, target) for name in jobs for target in graph()[name] if target in jobs} == set()


def test_no_import_cycles():
    edges = graph()
    cycles = []

    def visit(name: str, path: list[str], done: set[str]) -> None:
        for target in sorted(edges.get(name, ())):
            if target in path:
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in done:
                visit(target, path + [target], done)
        done.add(name)

    done: set[str] = set()
    for name in sorted(edges):
        if name not in done:
            visit(name, [name], done)
    assert cycles == []


def test_the_user_facing_library_imports_neither_beam_nor_the_jobs():
    code = ("import sys, wikidumps, wikidumps.stores, wikidumps.publish, wikidumps.fetch, wikidumps.report; "
            "loaded = {m.split('.')[0] for m in sys.modules}; "
            "print(sorted(loaded & {'apache_beam', 'transforms', 'pipelines', 'runners'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


def test_modules_stay_readable():
    long = {name: len(path.read_text().splitlines()) for name, path in modules().items()
            if len(path.read_text().splitlines()) > MAX_LINES and name not in LONG_MODULES}
    assert long == {}
