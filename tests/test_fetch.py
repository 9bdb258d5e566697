"""`wikidumps fetch` against a dumps mirror on 127.0.0.1 serving the samplewiki run, faults included."""
from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from runners.cli import main as cli
from sample_dumps.generate import build_wiki
from tests.conftest import SAMPLE_DUMPS
from tests.httpserver import FileServer

RUN = "samplewiki/20260101"
HISTORY = "samplewiki-20260101-pages-meta-history.xml.bz2"
MULTISTREAM = "samplewiki-20260101-pages-articles-multistream.xml.bz2"
INDEX = "samplewiki-20260101-pages-articles-multistream-index.txt.bz2"
STUBS = "samplewiki-20260101-stub-meta-history.xml.gz"


@pytest.fixture
def mirror(tmp_path):
    """A dumps tree `<root>/samplewiki/20260101/` with the samplewiki files and dumpstatus.json, served."""
    run = tmp_path / "mirror" / RUN
    run.mkdir(parents=True)
    for name in (HISTORY, MULTISTREAM, INDEX, STUBS, "dumpstatus.json"):
        shutil.copy(SAMPLE_DUMPS / name, run / name)
    with FileServer(tmp_path / "mirror") as server:
        server.run = run
        yield server


def fetch(mirror, kind, to, capsys, *extra):
    code = cli.main(["fetch", "samplewiki", "20260101", kind, "--to", str(to), "--mirror", mirror.url, *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_fetch_verifies_files_and_its_next_command_runs(mirror, tmp_path, capsys):
    to = tmp_path / "dumps"
    code, out, err = fetch(mirror, "articlesmultistreamdump", to, capsys)
    assert code == 0, err
    folder = to / RUN
    for name in (MULTISTREAM, INDEX, "dumpstatus.json"):
        assert (folder / name).read_bytes() == (SAMPLE_DUMPS / name).read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == sorted([MULTISTREAM, INDEX, "dumpstatus.json"])
    assert "2 downloaded, 0 already there; md5 and sha1 verified" in out
    size = (SAMPLE_DUMPS / MULTISTREAM).stat().st_size
    assert f"{MULTISTREAM}  100% |" in err and f"{size / 1000:,.1f} kB / {size / 1000:,.1f} kB" in err
    # The suggested command reads the dump (its index is found beside it) and records the dump status.
    command = out.split("next:\n")[1].strip()
    assert command.startswith("wikidumps run content --input ") and INDEX not in command
    output = tmp_path / "out"
    args = command.split()[1:]
    args[args.index("OUTPUT_DIR")] = str(output)
    assert cli.main(args[:2] + ["--workers", "1"] + args[2:]) == 0
    manifest = json.loads((output / "plain_text" / "_manifest.json").read_text())
    articles = [p for p in build_wiki().pages if p.namespace == 0 and p.redirect is None]
    assert manifest["partitions"][0]["rows"] == len(articles) == 117  # one row per article of the dump
    (run_info,) = manifest["runs"].values()
    assert run_info["inputs"][0]["dumpstatus"] == "done"
    capsys.readouterr()

    # A second fetch finds the files verified and downloads nothing.
    before = len(mirror.requests)
    code, out, _ = fetch(mirror, "multistream", to, capsys)
    assert code == 0 and "0 downloaded, 2 already there" in out
    assert [path for path, _ in mirror.requests[before:]] == [f"/{RUN}/dumpstatus.json"]


def test_stub_job_fetches_the_stub_history(mirror, tmp_path, capsys):
    code, out, err = fetch(mirror, "xmlstubsdump", tmp_path, capsys)
    assert code == 0, err
    assert (tmp_path / RUN / STUBS).read_bytes() == (SAMPLE_DUMPS / STUBS).read_bytes()
    assert f"wikidumps run history --input {tmp_path / RUN / STUBS} --output OUTPUT_DIR" in out


def test_interrupted_transfer_resumes_where_it_stopped(mirror, tmp_path, capsys):
    mirror.cut_after[f"/{RUN}/{HISTORY}"] = 100_000
    code, _, err = fetch(mirror, "metahistorybz2dump", tmp_path, capsys)
    assert code == 0, err
    assert (tmp_path / RUN / HISTORY).read_bytes() == (SAMPLE_DUMPS / HISTORY).read_bytes()
    assert mirror.file_requests(HISTORY) == [None, "bytes=100000-"]
    assert "resuming at byte 100,000" in err


def test_partial_file_of_an_earlier_run_is_resumed(mirror, tmp_path, capsys):
    data = (SAMPLE_DUMPS / HISTORY).read_bytes()
    (tmp_path / RUN).mkdir(parents=True)
    (tmp_path / RUN / f".{HISTORY}.partial").write_bytes(data[:200_000])
    code, _, err = fetch(mirror, "metahistorybz2dump", tmp_path, capsys)
    assert code == 0, err
    assert (tmp_path / RUN / HISTORY).read_bytes() == data
    assert mirror.file_requests(HISTORY) == ["bytes=200000-"]


def test_server_without_range_support_restarts_the_file(mirror, tmp_path, capsys):
    data = (SAMPLE_DUMPS / HISTORY).read_bytes()
    (tmp_path / RUN).mkdir(parents=True)
    (tmp_path / RUN / f".{HISTORY}.partial").write_bytes(data[:50_000])
    mirror.ignore_range = True
    code, _, err = fetch(mirror, "metahistorybz2dump", tmp_path, capsys)
    assert code == 0, err
    assert (tmp_path / RUN / HISTORY).read_bytes() == data
    assert mirror.file_requests(HISTORY) == ["bytes=50000-", None]


def test_corrupt_file_is_refused_and_deleted(mirror, tmp_path, capsys):
    damaged = bytearray((mirror.run / HISTORY).read_bytes())
    damaged[5000] ^= 0xFF
    (mirror.run / HISTORY).write_bytes(bytes(damaged))
    code, _, err = fetch(mirror, "metahistorybz2dump", tmp_path, capsys)
    assert code == 1
    status = json.loads((SAMPLE_DUMPS / "dumpstatus.json").read_text())["jobs"]["metahistorybz2dump"]["files"][HISTORY]
    assert f"md5 {hashlib.md5(bytes(damaged)).hexdigest()} where {status['md5']} was expected" in err
    assert "the download was deleted" in err
    assert list((tmp_path / RUN).iterdir()) == []  # nothing unverified kept, not even a partial file


def test_truncated_file_on_the_mirror_is_refused(mirror, tmp_path, capsys):
    data = (mirror.run / HISTORY).read_bytes()
    (mirror.run / HISTORY).write_bytes(data[:-1000])
    code, _, err = fetch(mirror, "metahistorybz2dump", tmp_path, capsys)
    assert code == 1
    assert f"{len(data) - 1000:,} bytes where {len(data):,} were expected" in err
    assert list((tmp_path / RUN).iterdir()) == []


def test_missing_file_on_the_mirror_is_a_404(mirror, tmp_path, capsys):
    (mirror.run / INDEX).unlink()
    code, _, err = fetch(mirror, "articlesmultistreamdump", tmp_path, capsys)
    assert code == 1
    assert f"/{RUN}/{INDEX}: not found (HTTP 404)" in err and "try another mirror" in err
    assert not (tmp_path / RUN / INDEX).exists()


@pytest.mark.parametrize("change, kind, message", [
    ("in-progress", "metahistorybz2dump", "job metahistorybz2dump is 'in-progress', not 'done'"),
    (None, "abstractsdump", "no job 'abstractsdump' in this run; its jobs are: articlesmultistreamdump (done),"),
])
def test_jobs_not_done_or_unknown_are_refused(mirror, tmp_path, capsys, change, kind, message):
    status_path = mirror.run / "dumpstatus.json"
    if change:
        status = json.loads(status_path.read_text())
        status["jobs"][kind]["status"] = change
        status_path.write_text(json.dumps(status))
    code, _, err = fetch(mirror, kind, tmp_path, capsys)
    assert code == 2 and message in err
    assert [path for path, _ in mirror.requests] == [f"/{RUN}/dumpstatus.json"]


def test_unknown_run_is_refused(mirror, tmp_path, capsys):
    code = cli.main(["fetch", "samplewiki", "20250101", "metahistorybz2dump", "--to", str(tmp_path), "--mirror", mirror.url])
    assert code == 2
    assert "samplewiki/20250101/dumpstatus.json: not found; is there a 20250101 run of samplewiki" in capsys.readouterr().err
