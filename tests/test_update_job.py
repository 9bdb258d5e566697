"""`wikidumps run update` on the samplewiki's second month: update(full(D1), increments D1 -> D2) equals
full(D2) row for row, for every dataset the history and content jobs write; bad increments become errors
rows; an update killed while publishing leaves D1 readable and the next run finishes it."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from sample_dumps.generate import DEFAULT_SEED, build_wiki
from sample_dumps.month import NEXT_DUMP_DATE, write_next_month
from tests.conftest import ROOT, SAMPLE_DUMPS
from tests.jobs import read_rows, run_cli, run_job

D1, D2 = "20260101", NEXT_DUMP_DATE
DATASETS = ("pages", "revisions", "plain_text", "sections", "citations", "links", "article_quality", "infoboxes", "tables",
            "errors")


def _full(output: Path, dumps: Path, date: str) -> None:
    run_job("history", str(output), "--workers", "1", inputs=[str(dumps / f"samplewiki-{date}-pages-meta-history.xml.bz2")])
    run_job("content", str(output), "--workers", "1",
            inputs=[str(dumps / f"samplewiki-{date}-pages-articles-multistream.xml.bz2")])


def _update_arguments(base: Path, month: Path, *extra: str) -> list[str]:
    days = sorted(str(p) for p in (month / "incr" / "samplewiki").iterdir())
    events = sorted(str(p) for p in (month / "events" / "mediawiki.page_change.v1").iterdir())
    return ["run", "update", "--base", str(base), "--increments", *days, "--events", *events, "--snapshot", D2,
            "--workers", "1", *extra]


def _of(rows: list[tuple], snapshot: str) -> list[tuple]:
    return [row for row in rows if dict(row)["snapshot"] == snapshot]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The month's inputs, full builds of D1 and D2 in one folder, and a copy of D1 updated to D2."""
    root = tmp_path_factory.mktemp("update")
    month = root / "month"
    generated = write_next_month(build_wiki(DEFAULT_SEED), month, DEFAULT_SEED)
    full, base = root / "full", root / "base"
    _full(full, SAMPLE_DUMPS, D1)
    _full(full, month / "dumps", D2)
    _full(base, SAMPLE_DUMPS, D1)
    pristine = root / "pristine"
    shutil.copytree(base, pristine, symlinks=True)
    result = run_cli(*_update_arguments(base, month))
    assert result.returncode == 0, result.stderr[-4000:]
    return {"month": month, "generated": generated, "full": full, "base": base, "pristine": pristine}


@pytest.mark.parametrize("dataset", DATASETS)
def test_update_of_d1_equals_the_full_build_of_d2(built, dataset):
    updated = read_rows(str(built["base"]), dataset)
    full = read_rows(str(built["full"]), dataset)
    assert _of(full, D2) or dataset == "errors"  # an equality of rows, not of two empty datasets
    assert _of(updated, D2) == _of(full, D2)
    # The base snapshot is left as it was.
    assert _of(updated, D1) == _of(full, D1)


def test_the_update_changes_what_the_month_changed(built):
    revisions = read_rows(str(built["base"]), "revisions")
    by_snapshot = {d: {dict(r)["revision_id"]: dict(r) for r in _of(revisions, d)} for d in (D1, D2)}
    old, new = by_snapshot[D1], by_snapshot[D2]
    generated = built["generated"]
    # The deleted page's revisions are gone, the month's new ones are there (not the spam page's).
    deleted = {rid for rid, row in old.items() if row["page_id"] in generated.deleted_page_ids}
    assert deleted and not deleted & set(new)
    assert len(new) == len(old) - len(deleted) + sum(1 for _, r in generated.wiki.revisions() if r.rev_id not in old)
    # The move renamed every revision of the page; revision deletion hid a comment already published.
    assert {row["page_title"] for row in new.values() if row["page_id"] == 112} == {"River_Dunmere_(Eastmarch)"}
    hidden = [rid for rid in old if not old[rid]["revision_comment_is_deleted"] and new.get(rid, {}).get("revision_comment_is_deleted")]
    assert len(hidden) == 1 and new[hidden[0]]["revision_comment"] is None
    # A revert in January to the revision before D1's latest flags that latest as reverted, in D2 only.
    flagged = [rid for rid in old if not old[rid]["revision_is_identity_reverted"]
               and new.get(rid, {}).get("revision_is_identity_reverted")]
    assert len(flagged) == 1 and new[flagged[0]]["revision_first_identity_reverting_revision_id"] > max(old)


def test_the_updates_counts_add_up(built):
    manifest = json.loads((built["base"] / "revisions" / "_manifest.json").read_text())
    run = next(run for run in manifest["runs"].values() if run.get("pipeline", run.get("job")) == "update"
               or "base-revisions" in (run.get("accounting") or {}))
    accounting = run["accounting"]
    generated = built["generated"]
    first = build_wiki(DEFAULT_SEED)
    deleted_revisions = sum(len(p.revisions) for p in first.pages if p.page_id in generated.deleted_page_ids)
    month_revisions = sum(len(revs) for day in generated.days for _, revs in day.pages)
    assert accounting["balanced"]
    assert accounting["base-revisions"] == {"read": 2334, "written": 2334 - deleted_revisions, "dropped": 0,
                                            "filtered": deleted_revisions, "balanced": True}
    spam = sum(len(revs) for day in generated.days for page, revs in day.pages if page.page_id in generated.deleted_page_ids)
    assert accounting["increment-revisions"] == {"read": month_revisions, "written": month_revisions - spam,
                                                 "dropped": 0, "filtered": spam, "balanced": True}
    assert accounting["change-events"] == {"read": len(generated.events), "written": len(generated.events),
                                           "dropped": 0, "filtered": 0, "balanced": True}


def test_bad_increments_and_events_are_errors_rows(built, tmp_path):
    month = tmp_path / "month"
    shutil.copytree(built["month"], month)
    base = tmp_path / "base"
    shutil.copytree(built["pristine"], base, symlinks=True)
    unfinished = month / "incr" / "samplewiki" / "20260128"  # holds two revisions, one of the spam page
    (unfinished / "status.txt").write_text("in-progress\n")
    events = sorted((month / "events" / "mediawiki.page_change.v1").iterdir())
    with events[0].open("a") as handle:
        handle.write('{"page_change_kind": "edit", "page": {"page_id": "x"}}\nnot json\n')
    result = run_cli(*_update_arguments(base, month, "--max-error-rate", "0.2", "--base-snapshot", D1,
                                        "--wiki-db", "samplewiki"))
    assert result.returncode == 0, result.stderr[-4000:]
    errors = [dict(row) for row in _of(read_rows(str(base), "errors"), D2)]
    by_type = {}
    for row in errors:
        by_type.setdefault(row["error_type"], []).append(row)
    assert sorted(by_type) == ["bad-change-event", "bad-increment", "revision-not-in-increments"]
    assert "status.txt says 'in-progress'" in by_type["bad-increment"][0]["message"]
    assert [row["source_file"] for row in by_type["bad-change-event"]] == [str(events[0])] * 2
    skipped = sorted(r.rev_id for day in built["generated"].days if day.date == "20260128" for _, revs in day.pages
                     for r in revs)
    assert sorted(row["revision_id"] for row in by_type["revision-not-in-increments"]) == skipped
    revisions = {dict(row)["revision_id"] for row in _of(read_rows(str(base), "revisions"), D2)}
    assert not set(skipped) & revisions


CHILD = """
import os, sys
from transforms.datasets import publish
def fault_point(name):
    if name == "switched:pages":
        os._exit(9)
publish.fault_point = fault_point
from runners.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_an_update_killed_while_publishing_leaves_d1_readable_and_finishes_on_the_next_run(built, tmp_path):
    base = tmp_path / "base"
    shutil.copytree(built["pristine"], base, symlinks=True)
    killed = subprocess.run([sys.executable, "-c", CHILD, *_update_arguments(base, built["month"])], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert killed.returncode == 9, killed.stderr[-4000:]
    for dataset in DATASETS:
        assert _of(read_rows(str(base), dataset), D1) == _of(read_rows(str(built["full"]), dataset), D1)
    result = run_cli(*_update_arguments(base, built["month"]))
    assert result.returncode == 0, result.stderr[-4000:]
    for dataset in DATASETS:
        assert read_rows(str(base), dataset) == read_rows(str(built["full"]), dataset)


def _table_rows(output: Path, dataset: str, as_of: str) -> list[tuple]:
    import wikidumps

    table = wikidumps.open_dataset(output, dataset, as_of=as_of).to_table()
    return sorted((tuple(sorted(row.items())) for row in table.to_pylist()), key=repr)


@pytest.fixture(scope="module")
def tabled(built, tmp_path_factory) -> Path:
    """A copy of D1 updated to D2 into Iceberg tables (`--table`, 4 buckets)."""
    pytest.importorskip("pyiceberg", reason="the tables need the pipelines extra's pyiceberg")
    base = tmp_path_factory.mktemp("tabled") / "base"
    shutil.copytree(built["pristine"], base, symlinks=True)
    result = run_cli(*_update_arguments(base, built["month"], "--table", "--table-buckets", "4"))
    assert result.returncode == 0, result.stderr[-4000:]
    return base


def test_update_into_iceberg_tables_equals_the_full_builds_at_each_snapshot(built, tabled):
    base = tabled
    buckets = {path.name for path in (base / "_tables" / "samplewiki" / "revisions" / "data").iterdir()}
    assert buckets == {f"page_bucket={n}" for n in range(4)}
    for dataset in DATASETS[:-1]:
        full = read_rows(str(built["full"]), dataset)
        # Seeded from D1's Parquet, then only the changes committed; a date reads the snapshot before it.
        assert _table_rows(base, dataset, "20260131") == _of(full, D1), dataset
        assert _table_rows(base, dataset, D2) == _of(full, D2), dataset
        # The plain Parquet layout is left as the full build wrote it.
        assert read_rows(str(base), dataset) == _of(full, D1), dataset
    # Merge-on-read: no data file of D1 is rewritten; D2 adds files of new rows and position deletes, and the
    # counts add up: D1's rows less those deleted plus those added are D2's rows.
    import pyarrow.parquet as pq

    from wikidumps.tables import table_files
    before = table_files(base, "revisions", D1)[("samplewiki", D1)]
    after = table_files(base, "revisions", D2)[("samplewiki", D2)]
    assert not any(deletes for _, deletes in before)
    assert {data for data, _ in before} < {data for data, _ in after}
    deletes = {f for _, files in after for f in files}
    assert deletes
    deleted = sum(pq.read_metadata(f).num_rows for f in deletes)
    added = sum(pq.read_metadata(data).num_rows for data, _ in after if (data, []) not in before)
    d1_rows = len(_of(read_rows(str(built["full"]), "revisions"), D1))
    assert d1_rows - deleted + added == len(_of(read_rows(str(built["full"]), "revisions"), D2))
    import wikidumps
    with pytest.raises(LookupError, match="on or before 20251231"):
        wikidumps.open_dataset(base, "revisions", as_of="20251231")
    # Run again (as after a kill): every table already has D2's tag, nothing changes.
    result = run_cli(*_update_arguments(base, built["month"], "--table"))
    assert result.returncode == 0, result.stderr[-4000:]
    assert _table_rows(base, "revisions", D2) == _of(read_rows(str(built["full"]), "revisions"), D2)


def _comparable(rows: list[dict]) -> list[tuple]:
    """Rows as sorted tuples, times as epoch seconds (Spark's Python rows carry times without a zone)."""
    return sorted((tuple(sorted((k, int(v.timestamp()) if isinstance(v, datetime) else v) for k, v in row.items()))
                   for row in rows), key=repr)


def spark_revisions(tabled: str, snapshots: list[str]) -> dict[str, list[dict]]:
    """The `revisions` rows Spark reads at each snapshot's tag, times as epoch seconds. Run in a process of
    its own: Iceberg's catalog classes must be on the classpath the JVM starts with, and a JVM that an earlier
    Spark session of the same process started (tests/test_dataset_readers.py) would not have them."""
    from pyspark.sql import SparkSession, functions
    from pyspark.sql.types import TimestampType

    import wikidumps
    from runners.clusters.processes import iceberg_spark_jars
    from wikidumps.tables import spark_config

    builder = SparkSession.builder.master("local[1]").appName("wikidumps-tables-test")
    for key, value in {**spark_config(tabled, iceberg_spark_jars(wikidumps.cache_root())), "spark.ui.enabled": "false",
                       "spark.driver.host": "127.0.0.1", "spark.sql.session.timeZone": "UTC"}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        found = {}
        for snapshot in snapshots:
            frame = spark.sql(f"SELECT * FROM wikidumps.samplewiki.revisions VERSION AS OF 'snapshot-{snapshot}'")
            frame = frame.select([functions.col(f.name).cast("long").alias(f.name) if isinstance(f.dataType, TimestampType)
                                  else functions.col(f.name) for f in frame.schema.fields])
            found[snapshot] = [row.asDict(recursive=True) for row in frame.collect()]
        return found
    finally:
        spark.stop()


def test_spark_reads_the_rows_pyarrow_and_open_dataset_read_at_each_snapshot(built, tabled):
    """Spark with Iceberg's runtime (fetched by `make fetch-runners`) reads the tables through their SQLite
    catalog: at each tag, the rows of `revisions` pyarrow reads from the snapshot's files and open_dataset
    gives, and as many as the full build of that snapshot."""
    import pyarrow.parquet as pq

    import wikidumps
    from runners.clusters.processes import iceberg_spark_jars
    from wikidumps.tables import table_files

    if not iceberg_spark_jars(wikidumps.cache_root()):
        pytest.fail("Iceberg's Spark runtime is not in the cache: run `make fetch-runners`", pytrace=False)
    program = (f"import json; from tests.test_update_job import spark_revisions; "
               f"print(json.dumps(spark_revisions({str(tabled)!r}, {[D1, D2]!r})))")
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    by_spark = json.loads(done.stdout.splitlines()[-1])
    for snapshot in (D1, D2):
        by_pyarrow = []  # each data file's rows less the positions its delete files list for it
        for data, deletes in table_files(tabled, "revisions", snapshot)[("samplewiki", snapshot)]:
            gone = {row["pos"] for f in deletes for row in pq.read_table(f).to_pylist() if row["file_path"].endswith(data)}
            by_pyarrow += [row for pos, row in enumerate(pq.read_table(data).to_pylist()) if pos not in gone]
        by_pyarrow = _comparable(by_pyarrow)
        opened = wikidumps.open_dataset(tabled, "revisions", as_of=snapshot).to_table()
        by_open_dataset = _comparable(opened.drop_columns(["wiki_db", "snapshot"]).to_pylist())
        assert _comparable(by_spark[snapshot]) == by_pyarrow == by_open_dataset, snapshot
        assert len(by_spark[snapshot]) == len(_of(read_rows(str(built["full"]), "revisions"), snapshot)), snapshot


def test_update_equals_the_full_build_on_real_pages(real_data, tmp_path):
    from benchmarks.update_cost import D1 as REAL_D1, D2 as REAL_D2, make_month

    month = make_month(tmp_path / "inputs", copies=1, changed=0.05)  # real enwiki articles, 10 given a revision
    full, base = tmp_path / "full", tmp_path / "base"
    for output, dumps in ((full, ("d1", "d2")), (base, ("d1",))):
        for key in dumps:
            run_job("history", str(output), "--workers", "1", inputs=[str(month[key])])
            run_job("content", str(output), "--workers", "1", inputs=[str(month[key])])
    result = run_cli("run", "update", "--base", str(base), "--increments", str(month["seed_day"]), str(month["day"]),
                     "--snapshot", REAL_D2, "--workers", "1")
    assert result.returncode == 0, result.stderr[-4000:]
    for dataset in DATASETS:
        assert read_rows(str(base), dataset) == read_rows(str(full), dataset), dataset
    revisions = _of(read_rows(str(base), "revisions"), REAL_D2)
    assert len(revisions) == len(_of(read_rows(str(base), "revisions"), REAL_D1)) + month["changed"]


def test_editor_activity_of_the_updated_revisions_equals_that_of_the_full_build(built, tmp_path):
    # Not incremental yet: editor-activity recomputed over the updated revisions gives the full build's rows.
    for name in ("base", "full"):
        result = run_cli("run", "editor-activity", "--workers", "1", "--revisions", str(built[name]),
                         "--output", str(tmp_path / name))
        assert result.returncode == 0, result.stderr[-4000:]
    for dataset in ("editor_months", "editor_activity", "newcomer_cohorts"):
        updated = _of(read_rows(str(tmp_path / "base"), dataset), D2)
        assert updated and updated == _of(read_rows(str(tmp_path / "full"), dataset), D2), dataset
