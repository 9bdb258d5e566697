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
