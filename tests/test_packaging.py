"""What `pip install wikidumps` (a wheel, not the editable install of the Makefile) puts in place."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_DUMPS
from tests.httpserver import FileServer

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



@pytest.fixture(scope="module")
def distributions(tmp_path_factory) -> Path:
    """`python -m build`'s sdist, and the wheel it builds from that sdist: the engine compiled by cargo, the
    rest plain Python (without mypyc's modules, which would tie the wheel to one Python version)."""
    out = tmp_path_factory.mktemp("dist")
    env = dict(os.environ, WIKIDUMPS_PURE_PYTHON="1")
    # No build isolation: the build requirements come from the test install, not from the network.
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--skip-dependency-check", "--outdir", str(out),
                    str(ROOT)], check=True, capture_output=True, env=env, cwd=ROOT, timeout=900)
    return out


def test_the_wheel_holds_every_module_and_data_file_and_the_sdist_can_rebuild_it(distributions, monkeypatch):
    # One wheel for every CPython from 3.10 on: the engine is built against the stable ABI (abi3).
    (wheel,) = distributions.glob("wikidumps-*-cp310-abi3-*.whl")
    (sdist,) = distributions.glob("wikidumps-*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "transforms/wikitext/_engine.abi3.so" in names
    wanted = {str(path.relative_to(ROOT)) for package in PACKAGES for path in (ROOT / package).rglob("*")
              if path.is_file() and path.suffix not in (".so", ".pyc") and "__pycache__" not in path.parts}
    assert wanted <= names, sorted(wanted - names)[:10]
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        assert {f"{top}/setup.py", f"{top}/pyproject.toml", f"{top}/README.md", f"{top}/engine/Cargo.toml",
                f"{top}/engine/Cargo.lock", f"{top}/engine/src/scan.rs"} <= set(archive.getnames())
        assert not any("/engine/target/" in name for name in archive.getnames())
    metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
    with zipfile.ZipFile(wheel) as archive:
        requires = [line for line in archive.read(metadata).decode().splitlines() if line.startswith("Requires-Dist:")]
    # The reader needs Arrow only; Beam and the rest come with the pipelines extra.
    assert [line for line in requires if "extra ==" not in line] == ["Requires-Dist: pyarrow>=14"]
    assert any(line.startswith("Requires-Dist: apache-beam") and 'extra == "pipelines"' in line for line in requires)


def test_the_reader_install_opens_a_published_dataset_over_http_without_beam(distributions, samplewiki_output,
                                                                              tmp_path):
    wheelhouse = Path(sys.prefix) / "wheelhouse"
    assert any(wheelhouse.glob("pyarrow-*.whl")), f"{wheelhouse} has no pyarrow wheel: `make test` downloads it"
    (wheel,) = distributions.glob("wikidumps-*-cp310-abi3-*.whl")
    venv = tmp_path / "reader"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python, command = str(venv / "bin" / "python"), str(venv / "bin" / "wikidumps")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(wheelhouse), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    installed = subprocess.run([python, "-m", "pip", "list", "--format=freeze"], check=True, capture_output=True,
                               text=True).stdout
    assert {line.split("==")[0].lower() for line in installed.split()} - {"pip", "setuptools"} == {"wikidumps", "pyarrow"}

    # The engine came compiled in the wheel: it scans a page where no Rust toolchain is on PATH (the reader
    # install has no mwxml for transforms.wikitext.engine, so the module is called as it is, empty tables).
    engine = subprocess.run([python, "-c", "from transforms.wikitext._engine import Engine; "
                             "engine = Engine({}, {}, True, None, set(), set(), {}, {}, {}, set(), {}, set(), set(), "
                             "set(), set(), set(), [], [], ',', set(), [], {}, {}, {}, {}, set(), set(), 2000); "
                             "status, (source, sections, *_) = engine.scan('Hello [[Foo|world]]'); "
                             "print(status, sections[0][-1])"],
                            capture_output=True, text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}, timeout=120)
    assert (engine.returncode, engine.stdout) == (0, "ok Hello world\n"), engine.stderr

    site = tmp_path / "site"
    shutil.copytree(samplewiki_output, site / "wd")  # the datasets as a static web server holds them
    (site / "wd" / "_catalog.json").write_text(json.dumps({"datasets": ["errors", "pages", "revisions"]}))
    reader = (f"import sys, wikidumps\n"
              f"pages = wikidumps.open_dataset(sys.argv[1], 'pages', cache_dir=sys.argv[2], quiet=True)\n"
              f"print(pages.count_rows(), sorted(m for m in ('apache_beam', 'pandas', 'pipelines') if m in sys.modules))")
    with FileServer(site) as server:
        listed = subprocess.run([command, "datasets", "list", f"{server.url}/wd"], capture_output=True, text=True,
                                cwd=tmp_path, timeout=120)
        opened = subprocess.run([python, "-c", reader, f"{server.url}/wd", str(tmp_path / "cache")],
                                capture_output=True, text=True, cwd=tmp_path, timeout=120)
        # The report of the published datasets, written here: what it reads is downloaded, verified, first.
        reported = subprocess.run([command, "report", f"{server.url}/wd"], capture_output=True, text=True,
                                  cwd=tmp_path, timeout=120, env={**os.environ, "WIKIDUMPS_CACHE": str(tmp_path / "cache")})
    assert reported.returncode == 0 and reported.stdout.strip() == str(tmp_path / "report.html"), reported.stderr
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<section id="edits" data-datasets="revisions">' in page and page.count("<svg") >= 3
    assert f'<p class="meta">{server.url}/wd: 3 datasets.' in page  # named by its source, not the cache folder
    assert ">2,334</td>" in page  # the revisions' rows in the table of datasets
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[:3] for line in listed.stdout.splitlines()[1:]] == [
        ["errors", "1", "0"], ["pages", "1", "261"], ["revisions", "1", "2,334"]]
    assert opened.stdout.split("\n")[0] == "261 []", opened.stderr
    # The jobs are not there, and the command says which install has them.
    refused = subprocess.run([command, "run", "history", "--input", "x.xml", "--output", "out"], capture_output=True,
                             text=True, cwd=tmp_path, timeout=120)
    assert (refused.returncode, refused.stderr) == (2, "wikidumps: error: `wikidumps run` needs what `pip install "
                                                       "'wikidumps[pipelines]'` installs (apache_beam is missing); "
                                                       "this install reads datasets only\n")
    # `stream` needs neither Beam nor orjson: the sample wiki's first events, from the replay server, into hours.
    from runners.replay import SseServer

    events = gzip.decompress((SAMPLE_DUMPS / "samplewiki-20260101-events.json.gz").read_bytes()).splitlines()[:20]
    end = json.loads(events[-1])
    end["meta"]["dt"] = "2030-01-01T00:00:00Z"
    with SseServer(events + [json.dumps(end).encode()], streams=("mediawiki.page_change.v1", "mediawiki.recentchange")) as sse:
        streamed = subprocess.run([command, "stream", "mediawiki.page_change.v1", "mediawiki.recentchange", "--url",
                                   sse.base, "--output", str(tmp_path / "live"), "--until", "2029-01-01T00:00:00Z"],
                                  capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert streamed.returncode == 0, streamed.stderr
    assert sorted(line for path in (tmp_path / "live").glob("mediawiki.*/*.json")
                  for line in path.read_bytes().splitlines()) == sorted(events)
