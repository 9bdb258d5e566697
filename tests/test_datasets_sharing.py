"""Publishing to gs:// (a real GCS API on loopback), listing, describing, downloading and opening datasets.

The published data is the history job's output on samplewiki; every check compares what comes back
with the files and rows the job wrote.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import wikidumps
from runners.cli import main as cli
from tests.conftest import ROOT, read_dataset, write_dataset
from tests.httpserver import FileServer
from wikidumps.publish import publish
from wikidumps.stores import LocalStore, StoreError, UnsafeManifestError, download_dataset
from wikidumps.transfer import format_bytes

PARTITION = "wiki_db=samplewiki/snapshot=20260101"


def files_of(output: Path, dataset: str) -> dict[str, bytes]:
    """Every file of a dataset folder (relative path -> bytes), hidden partial files included."""
    root = output / dataset
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def parquet_files(output: Path, dataset: str) -> dict[str, bytes]:
    return {k: v for k, v in files_of(output, dataset).items() if k.endswith(".parquet")}


@pytest.fixture(scope="module")
def shared_output(samplewiki_output, tmp_path_factory) -> Path:
    """The samplewiki output plus a 600 kB `noise` dataset (bigger than the upload chunk used below)."""
    output = tmp_path_factory.mktemp("shared") / "out"
    shutil.copytree(samplewiki_output, output)
    write_dataset(output, "noise", pa.table({"blob": pa.array([os.urandom(1000) for _ in range(600)], pa.binary())}))
    return output


@pytest.fixture(scope="module")
def published(shared_output, gcs_emulator):
    """The output published to gs://<bucket>/wd/v1 in 256 kB chunks (resumable uploads)."""
    target = gcs_emulator.url("wd/v1")
    result = publish(shared_output, target, chunk_bytes=256 * 1024)
    assert sorted(result.datasets) == ["errors", "noise", "pages", "revisions"]
    return target, result


def test_publish_uploads_every_file_and_a_rerun_skips_them(shared_output, published):
    target, first = published
    expected = sorted(f"{name}/{path}" for name in ("errors", "noise", "pages", "revisions")
                      for path in parquet_files(shared_output, name))
    assert sorted(first.uploaded) == expected
    again = publish(shared_output, target)
    assert again.uploaded == [] and sorted(again.skipped) == expected


def test_list_and_describe_a_gs_source(shared_output, published, capsys):
    target, _ = published
    assert cli.main(["datasets", "list", target]) == 0
    lines = capsys.readouterr().out.splitlines()
    sizes = {name: format_bytes(sum(map(len, parquet_files(shared_output, name).values())))
             for name in ("errors", "noise", "pages", "revisions")}
    assert [line.split()[:5] for line in lines[1:]] == [
        ["errors", "1", "0", *sizes["errors"].split()], ["noise", "1", "600", *sizes["noise"].split()],
        ["pages", "1", "261", *sizes["pages"].split()], ["revisions", "1", "2,334", *sizes["revisions"].split()],
    ]
    assert cli.main(["datasets", "describe", target, "revisions"]) == 0
    out = capsys.readouterr().out
    assert "samplewiki       20260101            2,334      1" in out
    assert "revision_is_identity_reverted" in out and "licence: CC0 1.0" in out


def test_download_from_gs_verifies_and_equals_the_output(shared_output, published, tmp_path, capsys):
    target, _ = published
    code = cli.main(["datasets", "download", target, "noise", "--wiki-db", "samplewiki", "--snapshot", "20260101",
                     "--to", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    assert parquet_files(tmp_path, "noise") == parquet_files(shared_output, "noise")
    assert "1 partition(s)" in capsys.readouterr().out
    local = json.loads((tmp_path / "noise" / "_manifest.json").read_text())
    assert local["downloaded_from"] == target and local["partitions"][0]["rows"] == 600


def test_open_dataset_from_gs_downloads_once_into_the_cache(shared_output, published, tmp_path):
    target, _ = published
    table = wikidumps.open_dataset(target, "revisions", cache_dir=tmp_path, quiet=True).to_table()
    assert sorted(table.to_pylist(), key=lambda r: r["revision_id"]) == \
        sorted(read_dataset(shared_output, "revisions"), key=lambda r: r["revision_id"])
    assert table.schema.field("snapshot").type == pa.string()
    cached = wikidumps.cache_folder(target, tmp_path) / "revisions"
    assert parquet_files(cached.parent, "revisions") == parquet_files(shared_output, "revisions")
    # A second open re-uses the verified files: they are not written again.
    part = next(cached.rglob("*.parquet"))
    stamp = part.stat().st_mtime_ns
    wikidumps.open_dataset(target, "revisions", cache_dir=tmp_path, quiet=True)
    assert part.stat().st_mtime_ns == stamp


def test_open_dataset_of_an_output_folder(samplewiki_output):
    dataset = wikidumps.open_dataset(samplewiki_output, "pages", wiki_db="samplewiki", snapshot="20260101")
    assert dataset.count_rows() == 261
    assert {"wiki_db": "samplewiki", "snapshot": "20260101"}.items() <= dataset.head(1).to_pylist()[0].items()
    assert wikidumps.list_datasets(samplewiki_output) == ["errors", "pages", "revisions"]
    with pytest.raises(StoreError, match=r"no partition with wiki_db=\* snapshot=20250101 "
                                          r"\(partitions: samplewiki/20260101\)"):
        wikidumps.open_dataset(samplewiki_output, "pages", snapshot="20250101")


@pytest.fixture
def http_copy(shared_output, tmp_path):
    """A copy of the output served over HTTP, with the catalog `publish` writes for https readers."""
    root = tmp_path / "site" / "wd"
    shutil.copytree(shared_output, root)
    (root / "_catalog.json").write_text(json.dumps({"datasets": ["errors", "noise", "pages", "revisions"]}))
    with FileServer(tmp_path / "site") as server:
        server.root_dir = root
        yield server


def test_https_download_resumes_an_interrupted_transfer(shared_output, http_copy, tmp_path, capsys):
    source = f"{http_copy.url}/wd"
    assert cli.main(["datasets", "list", source]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]] == ["errors", "noise", "pages", "revisions"]
    name = next(iter(parquet_files(shared_output, "noise")))
    http_copy.cut_after[f"/wd/noise/{name}"] = 250_000
    assert cli.main(["datasets", "download", source, "noise", "--to", str(tmp_path / "d")]) == 0
    assert parquet_files(tmp_path / "d", "noise") == parquet_files(shared_output, "noise")
    assert http_copy.file_requests(name) == [None, "bytes=250000-"]


def test_https_download_deletes_a_file_that_fails_its_sha256(shared_output, http_copy, tmp_path, capsys):
    name, data = next(iter(parquet_files(shared_output, "revisions").items()))
    damaged = bytearray(data)
    damaged[100] ^= 0xFF
    (http_copy.root_dir / "revisions" / name).write_bytes(bytes(damaged))
    code = cli.main(["datasets", "download", f"{http_copy.url}/wd", "revisions", "--to", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err
    assert f"sha256 {hashlib.sha256(bytes(damaged)).hexdigest()} where {hashlib.sha256(data).hexdigest()} was expected" in err
    assert parquet_files(tmp_path, "revisions") == {}
    assert not any(".partial" in path for path in files_of(tmp_path, "revisions"))
    assert json.loads((tmp_path / "revisions" / "_manifest.json").read_text())["partitions"] == []


@pytest.mark.parametrize("bad_path", ["../../outside.parquet", "/tmp/outside.parquet",
                                      f"{PARTITION}/../../../outside.parquet", f"{PARTITION}/./part.parquet"])
def test_manifest_paths_outside_the_dataset_are_refused(shared_output, tmp_path, capsys, bad_path):
    source = tmp_path / "source"
    shutil.copytree(shared_output / "pages", source / "pages")
    manifest = json.loads((source / "pages" / "_manifest.json").read_text())
    manifest["partitions"][0]["files"][0]["path"] = bad_path
    (source / "pages" / "_manifest.json").write_text(json.dumps(manifest))
    assert cli.main(["datasets", "download", str(source), "pages", "--to", str(tmp_path / "d")]) == 1
    assert f"manifest path {bad_path!r}" in capsys.readouterr().err
    assert not (tmp_path / "d").exists() and not (tmp_path / "outside.parquet").exists()


def test_symlinks_in_a_source_or_a_destination_are_refused(shared_output, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(shared_output / "pages", source / "pages")
    partition = source / "pages" / "wiki_db=samplewiki"
    outside = tmp_path / "elsewhere"
    shutil.move(partition, outside)
    partition.symlink_to(outside)
    with pytest.raises(UnsafeManifestError, match="is a symlink"):
        wikidumps.open_dataset(source, "pages")

    target = tmp_path / "d"
    (target / "revisions").mkdir(parents=True)
    (target / "revisions" / "wiki_db=samplewiki").symlink_to(tmp_path / "trap", target_is_directory=True)
    with pytest.raises(UnsafeManifestError, match="is a symlink"):
        download_dataset(LocalStore(shared_output), "revisions", target)
    assert not (tmp_path / "trap").exists()


def test_reading_datasets_does_not_import_beam():
    from transforms.datasets import publish as datasets
    from wikidumps import stores as sources

    assert (sources.MANIFEST, sources.DATA_CARD) == (datasets.MANIFEST, datasets.DATA_CARD)
    probe = "import sys, wikidumps; print('apache_beam' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


def test_publish_to_a_folder_that_a_static_web_server_serves(shared_output, tmp_path, capsys):
    site = tmp_path / "site"
    target = site / "wd" / "2026-01"
    expected = sorted(f"{name}/{path}" for name in ("errors", "noise", "pages", "revisions")
                      for path in parquet_files(shared_output, name))
    assert cli.main(["datasets", "publish", str(shared_output), str(target)]) == 0
    assert capsys.readouterr().out == (f"published errors, noise, pages, revisions to {target}: {len(expected)} file(s) "
                                       "uploaded, 0 already there, 0 stale file(s) removed\n")
    # Plain folders, no version links, no partial files: what a web server or a shared drive serves as is.
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file() and p.suffix == ".parquet") \
        == expected
    assert not [p for p in target.rglob("*") if p.is_symlink() or p.name.startswith(".") or p.name.startswith("_v")]
    assert json.loads((target / "_catalog.json").read_text()) == {"datasets": ["errors", "noise", "pages", "revisions"]}
    for name in ("pages", "revisions"):
        assert parquet_files(target, name) == parquet_files(shared_output, name)
        assert (target / name / "_README.md").read_text() == (shared_output / name / "_README.md").read_text()
    with FileServer(site) as server:
        source = f"{server.url}/wd/2026-01"
        assert cli.main(["datasets", "list", source]) == 0
        assert [line.split()[:3] for line in capsys.readouterr().out.splitlines()[1:]] == [
            ["errors", "1", "0"], ["noise", "1", "600"], ["pages", "1", "261"], ["revisions", "1", "2,334"]]
        opened = wikidumps.open_dataset(source, "revisions", cache_dir=tmp_path / "cache", quiet=True)
        assert opened.count_rows() == 2334
    # Published again: nothing copied; a file the manifest no longer lists goes.
    stale = target / "pages" / PARTITION / "part-99999-of-99999.parquet"
    stale.write_bytes(b"old")
    again = publish(shared_output, str(target), ["pages"])
    assert (again.uploaded, again.removed) == ([], [f"pages/{PARTITION}/part-99999-of-99999.parquet"])
    assert not stale.exists()


def test_publish_refuses_a_folder_inside_the_output_or_under_a_file(shared_output, tmp_path, capsys):
    assert cli.main(["datasets", "publish", str(shared_output), str(shared_output / "site")]) == 1
    assert capsys.readouterr().err == (f"wikidumps datasets publish: error: {shared_output / 'site'}: publish to a "
                                       f"folder outside the output {shared_output} (and not holding it)\n")
    assert not (shared_output / "site").exists()
    (tmp_path / "file").write_text("x")
    assert cli.main(["datasets", "publish", str(shared_output), str(tmp_path / "file" / "site")]) == 1
    assert capsys.readouterr().err == (f"wikidumps datasets publish: error: {tmp_path / 'file' / 'site'}: "
                                       f"{tmp_path / 'file'} is a file, not a folder\n")


def test_listing_an_https_source_without_a_catalog_says_how_to_make_one(shared_output, tmp_path, capsys):
    shutil.copytree(shared_output, tmp_path / "site" / "wd")
    with FileServer(tmp_path / "site") as server:
        assert cli.main(["datasets", "list", f"{server.url}/wd"]) == 1
    assert capsys.readouterr().err == (
        f"wikidumps datasets list: error: {server.url}/wd/_catalog.json not found: HTTP has no folder listing, so name "
        "the dataset (describe and download work without a catalog), or have the publisher write one: `wikidumps "
        "datasets publish OUTPUT_DIR FOLDER` writes the folder to serve, with _catalog.json\n")
