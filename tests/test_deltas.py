"""Deltas are datasets too: `wikidumps datasets publish --deltas` publishes what `run update` changed from the
samplewiki's first month to its second, and `wikidumps datasets download --since D1` brings an affiliate's copy
of the D1 full build to D2, row for row, through a real GCS API (the emulator on loopback). A delta missing or
cut off mid-download leaves the copy at D1, said in one line, and the next download finishes it."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import wikidumps
from runners.cli.main import main as cli
from sample_dumps.generate import DEFAULT_SEED, build_wiki
from sample_dumps.month import NEXT_DUMP_DATE, write_next_month
from tests.conftest import SAMPLE_DUMPS
from tests.jobs import read_rows, run_cli, run_job
from wikidumps.transfer import Interrupted

D1, D2 = "20260101", NEXT_DUMP_DATE
# Every dataset `run update` writes (each has page_id: its deltas replace pages).
DATASETS = ("pages", "revisions", "plain_text", "sections", "citations", "links", "article_quality", "infoboxes",
            "tables", "errors")


def _of(rows: list[tuple], snapshot: str) -> list[tuple]:
    return [row for row in rows if dict(row)["snapshot"] == snapshot]


@pytest.fixture(scope="module")
def published(tmp_path_factory, gcs_emulator):
    """An output with the full build of D1 and its update to D2, published with deltas to the emulator."""
    root = tmp_path_factory.mktemp("deltas")
    month = root / "month"
    write_next_month(build_wiki(DEFAULT_SEED), month, DEFAULT_SEED)
    output = root / "output"
    run_job("history", str(output), "--workers", "1",
            inputs=[str(SAMPLE_DUMPS / f"samplewiki-{D1}-pages-meta-history.xml.bz2")])
    run_job("content", str(output), "--workers", "1",
            inputs=[str(SAMPLE_DUMPS / f"samplewiki-{D1}-pages-articles-multistream.xml.bz2")])
    days = sorted(str(p) for p in (month / "incr" / "samplewiki").iterdir())
    events = sorted(str(p) for p in (month / "events" / "mediawiki.page_change.v1").iterdir())
    update = run_cli("run", "update", "--base", str(output), "--increments", *days, "--events", *events,
                     "--snapshot", D2, "--workers", "1")
    assert update.returncode == 0, update.stderr[-4000:]
    target = gcs_emulator.url("deltas")
    assert cli(["datasets", "publish", str(output), target, "--deltas"]) == 0
    return {"output": output, "target": target, "root": root}


def _copy_of_d1(published, folder: Path) -> None:
    for name in DATASETS:
        assert cli(["datasets", "download", published["target"], name, "--snapshot", D1, "--to", str(folder)]) == 0


def _said(err: str) -> list[str]:
    """What the command said on stderr, beside its progress bars (which end in a carriage return or 100%)."""
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("wikidumps")]


def _blob(gcs_emulator, relpath: str):
    from wikidumps.gcs import client

    return client().bucket(gcs_emulator.bucket).blob(f"deltas/{relpath}")


def _delta_file(gcs_emulator, dataset: str, delta: dict, role: str):
    path = next(f["path"] for f in delta["files"] if f["role"] == role)
    with _blob(gcs_emulator, f"{dataset}/{path}").open("rb") as handle:
        return pq.read_table(handle)


def _by_key(rows: list[tuple], key: str) -> dict:
    """snapshot -> key -> the rows (without partition columns) of that key."""
    found: dict = {D1: {}, D2: {}}
    for row in rows:
        fields = dict(row)
        snapshot = fields.pop("snapshot")
        fields.pop("wiki_db")
        found[snapshot].setdefault(fields[key], []).append(repr(sorted(fields.items())))
    return {snapshot: {k: sorted(v) for k, v in keyed.items()} for snapshot, keyed in found.items()}


@pytest.mark.parametrize("dataset, key", [("revisions", "revision_id"), ("links", "page_id")])
def test_the_manifest_lists_the_delta_from_d1_to_d2_by_row_key(published, gcs_emulator, dataset, key):
    manifest = json.loads(_blob(gcs_emulator, f"{dataset}/_manifest.json").download_as_bytes())
    (delta,) = manifest["deltas"]
    assert (delta["wiki_db"], delta["from_snapshot"], delta["to_snapshot"], delta["key"]) == ("samplewiki", D1, D2, key)
    rows = read_rows(str(published["output"]), dataset)
    assert (delta["rows_before"], delta["rows_after"]) == (len(_of(rows, D1)), len(_of(rows, D2)))
    # Removed: exactly the keys whose rows the month changed or deleted; added: the later rows of the keys it
    # changed or created. Revisions go one by one, links page by page.
    keyed = _by_key(rows, key)
    old, new = keyed[D1], keyed[D2]
    removed = _delta_file(gcs_emulator, dataset, delta, "removed").column(key).to_pylist()
    assert removed == sorted(k for k in old if old[k] != new.get(k))
    added = _delta_file(gcs_emulator, dataset, delta, "added")
    assert sorted(set(added.column(key).to_pylist())) == sorted(k for k in new if new[k] != old.get(k))
    assert 0 < len(removed) < len(old) / 4 and 0 < added.num_rows < delta["rows_after"] / 4


@pytest.mark.parametrize("dataset", DATASETS)
def test_a_copy_of_d1_brought_up_to_date_equals_the_d2_output(published, dataset, tmp_path, capsys):
    copy = tmp_path / "affiliate"
    assert cli(["datasets", "download", published["target"], dataset, "--snapshot", D1, "--to", str(copy)]) == 0
    capsys.readouterr()
    assert cli(["datasets", "download", published["target"], dataset, "--since", D1, "--to", str(copy)]) == 0
    assert capsys.readouterr().out.strip().startswith(f"{dataset}: samplewiki at snapshot {D2} in ")
    full = read_rows(str(published["output"]), dataset)
    assert _of(full, D2) or dataset == "errors"
    assert read_rows(str(copy), dataset) == full  # D1 as downloaded, D2 from the delta
    # The copy's manifest lists D2: it opens as any downloaded dataset does.
    assert wikidumps.open_dataset(copy, dataset, snapshot=D2).count_rows() == len(_of(full, D2))
    # What the delta fetched was applied and removed; a second run has nothing to do.
    assert not [p for p in (copy / dataset).rglob("*") if "_deltas" in p.parts and p.is_file()]
    assert cli(["datasets", "download", published["target"], dataset, "--since", D1, "--to", str(copy)]) == 0
    assert "0 delta(s) applied" in capsys.readouterr().out


def test_a_missing_delta_leaves_the_copy_at_d1_in_one_line(published, gcs_emulator, tmp_path, capsys):
    copy = tmp_path / "affiliate"
    assert cli(["datasets", "download", published["target"], "revisions", "--snapshot", D1, "--to", str(copy)]) == 0
    manifest = json.loads(_blob(gcs_emulator, "revisions/_manifest.json").download_as_bytes())
    added = next(f["path"] for f in manifest["deltas"][0]["files"] if f["role"] == "added")
    blob = _blob(gcs_emulator, f"revisions/{added}")
    kept = blob.download_as_bytes()
    before = (copy / "revisions" / "_manifest.json").read_bytes()
    blob.delete()
    try:
        capsys.readouterr()
        assert cli(["datasets", "download", published["target"], "revisions", "--since", D1, "--to", str(copy)]) == 1
        (said,) = _said(capsys.readouterr().err)
        assert said.startswith(f"wikidumps datasets download: revisions: samplewiki stays at snapshot {D1}: the delta "
                               f"{D1} -> {D2} is incomplete (") and "added.parquet: not found" in said
        assert (copy / "revisions" / "_manifest.json").read_bytes() == before
        assert read_rows(str(copy), "revisions") == _of(read_rows(str(published["output"]), "revisions"), D1)
    finally:
        blob.upload_from_string(kept)


def test_a_delta_cut_off_mid_download_leaves_d1_and_the_next_download_resumes_it(published, tmp_path, capsys,
                                                                                  monkeypatch):
    from wikidumps import stores

    copy = tmp_path / "affiliate"
    assert cli(["datasets", "download", published["target"], "revisions", "--snapshot", D1, "--to", str(copy)]) == 0
    before = (copy / "revisions" / "_manifest.json").read_bytes()
    original = stores.GcsStore.stream

    def cut_off(self, relpath, start):  # every connection drops after its first 1,000 bytes of a delta file
        for block in original(self, relpath, start):
            if "_deltas/" in relpath and relpath.endswith("added.parquet"):
                yield block[:1000]
                raise Interrupted("connection reset by peer")
            yield block

    monkeypatch.setattr(stores.GcsStore, "stream", cut_off)
    capsys.readouterr()
    assert cli(["datasets", "download", published["target"], "revisions", "--since", D1, "--to", str(copy)]) == 1
    (said,) = _said(capsys.readouterr().err)
    assert f"stays at snapshot {D1}" in said and "connection reset by peer" in said
    assert (copy / "revisions" / "_manifest.json").read_bytes() == before
    assert read_rows(str(copy), "revisions") == _of(read_rows(str(published["output"]), "revisions"), D1)
    partial = [p for p in (copy / "revisions" / "_deltas").rglob("*") if p.is_file()]
    assert partial and all(p.stat().st_size > 0 for p in partial)  # kept for a resume
    monkeypatch.setattr(stores.GcsStore, "stream", original)
    assert cli(["datasets", "download", published["target"], "revisions", "--since", D1, "--to", str(copy)]) == 0
    assert read_rows(str(copy), "revisions") == read_rows(str(published["output"]), "revisions")


def test_a_source_without_deltas_says_so(published, tmp_path, capsys):
    """Published without --deltas: the copy stays where it is, and the line says why."""
    site = tmp_path / "site"
    assert cli(["datasets", "publish", str(published["output"]), str(site), "--dataset", "pages"]) == 0
    assert cli(["datasets", "download", str(site), "pages", "--snapshot", D1, "--to", str(tmp_path / "copy")]) == 0
    capsys.readouterr()
    assert cli(["datasets", "download", str(site), "pages", "--since", D1, "--to", str(tmp_path / "copy")]) == 0
    assert capsys.readouterr().out.strip().endswith(
        f"at snapshot {D1} in {tmp_path / 'copy' / 'pages'} (0 delta(s) applied since {D1}) (the source publishes no "
        "deltas of it: `datasets publish --deltas`)")


def test_since_needs_a_copy_of_that_snapshot(published, tmp_path, capsys):
    assert cli(["datasets", "download", published["target"], "pages", "--since", D1, "--to", str(tmp_path)]) == 1
    (said,) = _said(capsys.readouterr().err)
    assert f"download the snapshot {D1} first" in said


def test_a_chain_of_daily_deltas_is_applied_in_order_and_not_twice(tmp_path, capsys):
    """Three snapshots a day apart, published to a folder: the copy of the first goes through two deltas to the
    third; a dataset without page ids gets its whole partition as its delta."""
    import pyarrow as pa

    from tests.conftest import write_dataset

    output, site, copy = tmp_path / "out", tmp_path / "site", tmp_path / "copy"
    days = {"20260101": {1: ["a"], 2: ["b", "c"], 3: ["d"]},
            "20260102": {1: ["a"], 2: ["b", "c2"], 4: ["e"]},  # page 2 edited, 3 deleted, 4 created
            "20260103": {1: ["a", "a2"], 2: ["b", "c2"], 4: ["e"]}}  # page 1 edited
    for day, pages in days.items():
        rows = [(page, text) for page, texts in pages.items() for text in texts]
        write_dataset(output, "toy", pa.table({"page_id": pa.array([p for p, _ in rows], pa.int64()),
                                               "text": [t for _, t in rows]}), snapshot=day)
        write_dataset(output, "totals", pa.table({"total": pa.array([len(rows)], pa.int64())}), snapshot=day)
    assert cli(["datasets", "publish", str(output), str(site), "--deltas"]) == 0
    manifest = json.loads((site / "toy" / "_manifest.json").read_text())
    assert [(d["from_snapshot"], d["to_snapshot"], d["key"]) for d in manifest["deltas"]] == [
        ("20260101", "20260102", "page_id"), ("20260102", "20260103", "page_id")]
    removed = [pq.read_table(site / "toy" / next(f["path"] for f in d["files"] if f["role"] == "removed"))
               .column("page_id").to_pylist() for d in manifest["deltas"]]
    added = [sorted(pq.read_table(site / "toy" / next(f["path"] for f in d["files"] if f["role"] == "added"))
                    .column("text").to_pylist()) for d in manifest["deltas"]]
    assert (removed, added) == ([[2, 3], [1]], [["b", "c2", "e"], ["a", "a2"]])
    totals = json.loads((site / "totals" / "_manifest.json").read_text())["deltas"]
    assert [d["key"] for d in totals] == [None, None] and [len(d["files"]) for d in totals] == [1, 1]
    for name in ("toy", "totals"):
        assert cli(["datasets", "download", str(site), name, "--snapshot", "20260101", "--to", str(copy)]) == 0
        capsys.readouterr()
        assert cli(["datasets", "download", str(site), name, "--since", "20260101", "--to", str(copy)]) == 0
        assert "at snapshot 20260103" in capsys.readouterr().out
        assert read_rows(str(copy), name) == read_rows(str(output), name)
        assert cli(["datasets", "download", str(site), name, "--since", "20260101", "--to", str(copy)]) == 0
        assert "0 delta(s) applied" in capsys.readouterr().out
