"""Every dataset of the demo output read by the generic Parquet readers, each with its default options.

The data card (`_README.md`) and manifest (`_manifest.json`) sit beside the partitions under names that
pandas, pyarrow.dataset and Spark skip, and duckdb's `**/*.parquet` glob does not match; each reader must
count exactly the rows the manifest lists, through the dataset's symlink to its current version.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pytest


def demo_datasets(output: Path) -> dict[str, int]:
    """Each dataset of an output folder and the number of rows its manifest lists."""
    counts = {}
    for folder in sorted(output.iterdir()):
        if not folder.name.startswith(("_", ".")) and (folder / "_manifest.json").is_file():
            manifest = json.loads((folder / "_manifest.json").read_text())
            counts[folder.name] = sum(f["rows"] for p in manifest["partitions"] for f in p["files"])
    return counts


@pytest.fixture(scope="module")
def datasets(samplewiki_demo) -> dict[str, int]:
    counts = demo_datasets(samplewiki_demo)
    # The demo runs every job of the chain: its datasets, some of them empty (errors may be).
    assert {"pages", "revisions", "errors", "plain_text", "citations", "editor_activity", "knowledge_gaps"} <= set(counts)
    assert sum(counts.values()) > 10_000
    return counts


def test_beside_the_partitions_only_underscored_names(samplewiki_demo, datasets):
    for name in datasets:
        folder = samplewiki_demo / name
        assert folder.is_symlink() and os.readlink(folder).startswith(f"_versions/{name}/")
        assert (folder / "_README.md").read_text().startswith(f"# {name}")
        manifest = json.loads((folder / "_manifest.json").read_text())
        listed = {f["path"] for p in manifest["partitions"] for f in p["files"]}
        seen = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and not p.name.startswith("_")}
        assert seen == listed, name


def test_pandas_reads_every_dataset(samplewiki_demo, datasets):
    for name, rows in datasets.items():
        assert len(pd.read_parquet(samplewiki_demo / name)) == rows, name


def test_pyarrow_dataset_reads_every_dataset(samplewiki_demo, datasets):
    for name, rows in datasets.items():
        assert ds.dataset(samplewiki_demo / name).count_rows() == rows, name


def test_duckdb_reads_every_dataset(samplewiki_demo, datasets):
    for name, rows in datasets.items():
        query = f"SELECT count(*) FROM read_parquet('{samplewiki_demo / name}/**/*.parquet', hive_partitioning = true)"
        assert duckdb.sql(query).fetchall() == [(rows,)], name


def test_spark_reads_every_dataset(samplewiki_demo, datasets, tmp_path):
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java is not installed: Spark runs on the JVM")
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[1]").appName("wikidumps-readers")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
             .config("spark.local.dir", str(tmp_path)).getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        for name, rows in datasets.items():
            assert spark.read.parquet(str(samplewiki_demo / name)).count() == rows, name
    finally:
        spark.stop()


def test_nullable_integer_columns_stay_integers_in_pandas(samplewiki_demo, datasets):
    import pyarrow as pa

    import wikidumps
    from schemas import DATASETS

    with_nulls = []
    for name in datasets:
        nullable = [f.name for f in DATASETS[name].file_schema if f.nullable and pa.types.is_integer(f.type)]
        for frame in (pd.read_parquet(samplewiki_demo / name),
                      wikidumps.open_dataset(samplewiki_demo, name).to_table().to_pandas()):
            for column in nullable:
                # Int64 (pandas' nullable integer), not float64: ids and counts keep their exact values.
                assert str(frame[column].dtype) == str(DATASETS[name].file_schema.field(column).type).capitalize(), \
                    (name, column, frame[column].dtype)
                if frame[column].isna().any():
                    with_nulls.append((name, column))
    assert ("revisions", "revision_first_identity_reverting_revision_id") in with_nulls


def test_links_join_pages_on_the_title_as_it_is(samplewiki_demo):
    def joined(condition: str) -> int:
        return duckdb.sql(f"""
            SELECT count(*) FROM read_parquet('{samplewiki_demo}/links/**/*.parquet', hive_partitioning=true) l
            JOIN read_parquet('{samplewiki_demo}/pages/**/*.parquet', hive_partitioning=true) p
              ON l.wiki_db = p.wiki_db AND l.target_namespace = p.page_namespace AND {condition}
            WHERE l.link_type = 'wikilink'""").fetchall()[0][0]

    # Titles are spelt alike in both datasets: the plain join finds every link that a join forgiving
    # spaces against underscores finds, multi-word titles included.
    as_is = joined("l.target = p.page_title")
    assert as_is == joined("replace(l.target, '_', ' ') = replace(p.page_title, '_', ' ')")
    assert as_is > joined("l.target = p.page_title AND position('_' IN p.page_title) = 0") > 0
