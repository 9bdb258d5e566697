"""Reading the Iceberg tables `wikidumps run update --table` keeps (transforms/datasets/tables.py writes them).

pyiceberg is needed only here, and imported only when a table is read. An update marks the rows it replaces
deleted in Iceberg position-delete files (merge-on-read: transforms/datasets/row_deletes.py), so a snapshot's
rows are its data files' rows less the positions its delete files list: pyiceberg's scan applies them (as
open_table reads), and so does Spark; a plain Parquet reader gets both lists from table_files.

Spark reads the same tables through Iceberg's Spark runtime and its JDBC catalog on the same SQLite file
(spark_config): pyiceberg's SQL catalog and Iceberg's JDBC catalog share their tables' layout, and both name
the catalog `wikidumps`, which is a column of every row, so Spark's catalog must be called that too.
"""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from schemas import DATASETS
from schemas.layout import TABLE_CATALOG, TABLE_TAG_PREFIX, TABLES


def spark_config(source: str | Path, jars: list[str | Path]) -> dict[str, str]:
    """The Spark settings that read an output's tables as `wikidumps.<wiki_db>.<dataset>`, e.g.

        spark.sql("SELECT * FROM wikidumps.enwiki.revisions VERSION AS OF 'snapshot-20260115'")

    `jars`: Iceberg's Spark runtime for the Spark in use and SQLite's JDBC driver (`make fetch-runners` puts
    them in the cache: runners.clusters.processes.iceberg_spark_jars)."""
    warehouse = os.path.abspath(os.path.join(str(source), TABLES))
    prefix = f"spark.sql.catalog.{TABLE_CATALOG}"
    return {
        "spark.jars": ",".join(str(jar) for jar in jars),
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        f"{prefix}.type": "jdbc",
        f"{prefix}.uri": f"jdbc:sqlite:{warehouse}/catalog.db",
        f"{prefix}.warehouse": f"file://{warehouse}",
    }


class TableError(LookupError):
    """No table, or no snapshot of it at or before the date asked for."""


def _tagged_scans(source: str | Path, name: str, as_of: str, wiki_db: str | None):
    """(wiki_db, snapshot, scan) of each wiki's table at its latest tagged snapshot on or before `as_of`."""
    try:
        from pyiceberg.catalog.sql import SqlCatalog
    except ImportError:
        raise TableError("reading a table needs pyiceberg: pip install 'pyiceberg[sql-sqlite,pyarrow]'") from None
    warehouse = os.path.abspath(os.path.join(str(source), TABLES))
    if not os.path.isfile(os.path.join(warehouse, "catalog.db")):
        raise TableError(f"{source}: no tables here ({TABLES}/catalog.db); `wikidumps run update --table` makes them")
    catalog = SqlCatalog(TABLE_CATALOG, uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")
    found = []
    for (namespace,) in catalog.list_namespaces():
        if wiki_db not in (None, namespace) or (namespace, name) not in catalog.list_tables(namespace):
            continue
        table = catalog.load_table((namespace, name))
        tags = sorted(ref[len(TABLE_TAG_PREFIX):] for ref in table.metadata.refs if ref.startswith(TABLE_TAG_PREFIX))
        chosen = [snapshot for snapshot in tags if snapshot <= as_of]
        if chosen:
            snapshot_id = table.metadata.refs[TABLE_TAG_PREFIX + chosen[-1]].snapshot_id
            found.append((namespace, chosen[-1], table.scan(snapshot_id=snapshot_id)))
    if not found:
        raise TableError(f"{source}: no {name} table with a snapshot on or before {as_of}")
    return sorted(found, key=lambda item: item[:2])


def table_files(source: str | Path, name: str, as_of: str, wiki_db: str | None = None
                ) -> dict[tuple[str, str], list[tuple[str, list[str]]]]:
    """(wiki_db, snapshot) -> (data file, its position-delete files) of each wiki's table at its latest tagged
    snapshot on or before `as_of` (YYYYMMDD): the rows are those of the data file less the positions (`pos`)
    the delete files list for its path (`file_path`), positions counted from 0 in the data file."""
    def local(path: str) -> str:
        return path.removeprefix("file://")

    return {(wiki, snapshot): [(local(task.file.file_path), sorted(local(f.file_path) for f in task.delete_files))
                               for task in scan.plan_files()]
            for wiki, snapshot, scan in _tagged_scans(source, name, as_of, wiki_db)}


def open_table(source: str | Path, name: str, as_of: str, wiki_db: str | None = None) -> ds.Dataset:
    """The rows of `name` as of `as_of`, with `wiki_db` and `snapshot` string columns, as open_dataset gives;
    read through pyiceberg's scan, which applies the delete files."""
    schema = DATASETS[name].file_schema
    parts = []
    for wiki, snapshot, scan in _tagged_scans(source, name, as_of, wiki_db):
        table = scan.to_arrow().cast(schema)
        table = table.append_column("wiki_db", pa.array([wiki] * table.num_rows, pa.string()))
        parts.append(table.append_column("snapshot", pa.array([snapshot] * table.num_rows, pa.string())))
    return ds.dataset(pa.concat_tables(parts))
