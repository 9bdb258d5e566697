"""Reading the Iceberg tables `wikidumps run update --table` keeps (transforms/datasets/tables.py writes them).

pyiceberg is needed only here, and imported only when a table is read. A snapshot of these tables is read
as plain Parquet files: updates rewrite the files they change (copy-on-write), so a snapshot's data files
are its rows, with no delete files to apply; pyarrow reads the list the table's metadata gives.

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


def table_files(source: str | Path, name: str, as_of: str, wiki_db: str | None = None) -> dict[tuple[str, str], list[str]]:
    """(wiki_db, snapshot) -> the Parquet files of each wiki's table at its latest tagged snapshot on or
    before `as_of` (YYYYMMDD)."""
    try:
        from pyiceberg.catalog.sql import SqlCatalog
    except ImportError:
        raise TableError("reading a table needs pyiceberg: pip install 'pyiceberg[sql-sqlite,pyarrow]'") from None
    warehouse = os.path.abspath(os.path.join(str(source), TABLES))
    if not os.path.isfile(os.path.join(warehouse, "catalog.db")):
        raise TableError(f"{source}: no tables here ({TABLES}/catalog.db); `wikidumps run update --table` makes them")
    catalog = SqlCatalog(TABLE_CATALOG, uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")
    found = {}
    for (namespace,) in catalog.list_namespaces():
        if wiki_db not in (None, namespace) or (namespace, name) not in catalog.list_tables(namespace):
            continue
        table = catalog.load_table((namespace, name))
        tags = sorted(ref[len(TABLE_TAG_PREFIX):] for ref in table.metadata.refs if ref.startswith(TABLE_TAG_PREFIX))
        chosen = [snapshot for snapshot in tags if snapshot <= as_of]
        if not chosen:
            continue
        snapshot_id = table.metadata.refs[TABLE_TAG_PREFIX + chosen[-1]].snapshot_id
        tasks = list(table.scan(snapshot_id=snapshot_id).plan_files())
        if any(task.delete_files for task in tasks):
            raise TableError(f"{namespace}.{name} has delete files, which plain Parquet readers cannot apply")
        found[(namespace, chosen[-1])] = [task.file.file_path.removeprefix("file://") for task in tasks]
    if not found:
        raise TableError(f"{source}: no {name} table with a snapshot on or before {as_of}")
    return found


def open_table(source: str | Path, name: str, as_of: str, wiki_db: str | None = None) -> ds.Dataset:
    """The rows of `name` as of `as_of`, with `wiki_db` and `snapshot` string columns, as open_dataset gives."""
    schema = DATASETS[name].file_schema
    parts = []
    for (wiki, snapshot), files in sorted(table_files(source, name, as_of, wiki_db).items()):
        table = ds.dataset(files, format="parquet").to_table().cast(schema) if files else schema.empty_table()
        table = table.append_column("wiki_db", pa.array([wiki] * table.num_rows, pa.string()))
        parts.append(table.append_column("snapshot", pa.array([snapshot] * table.num_rows, pa.string())))
    return ds.dataset(pa.concat_tables(parts))
