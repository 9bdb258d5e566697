"""The shape every dataset declaration takes: columns with docs, a version, a licence, partitioning.

A dataset's module in schemas/ builds one `DatasetSchema`; the Parquet writer, the data card and
docs/datasets.md are all generated from it, so a column is described in exactly one place.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

import pyarrow as pa

# Partition columns live in the directory names (`wiki_db=<db>/snapshot=<YYYYMMDD>`), not inside the
# Parquet files: hive-partitioned readers (pyarrow, duckdb, Spark) refuse or duplicate a column that is
# both in the path and in the file.
DEFAULT_PARTITIONING = ("wiki_db", "snapshot")

TIMESTAMP = pa.timestamp("s", tz="UTC")

CC_BY_SA = (
    "CC BY-SA 4.0 (text contributed before mid-2023 also CC BY-SA 3.0 and GFDL); attribute the "
    "authors through each page's history on its wiki"
)
CC0 = "CC0 1.0 (public domain dedication), as Wikimedia publishes metadata"


@dataclass(frozen=True)
class Column:
    """One column: its Arrow type and a one-line description for users."""

    name: str
    type: pa.DataType
    doc: str
    nullable: bool = True


@dataclass(frozen=True)
class DatasetSchema:
    """A dataset's declared contract.

    Attributes:
        name: dataset folder name, e.g. "revisions".
        version: semantic version of the schema; bump the major part when a column changes meaning.
        description: what one row is, for the data card.
        columns: every column including the partition columns, in output order.
        licence: the licence of the data in this dataset.
        partitioning: columns that become directory levels instead of file columns.
        caveats: known limits a user must read before trusting the data.
        shared_by_jobs: several jobs write this dataset into the same partitions (`errors`); a run then
            replaces only its own job's files there.
        privacy: what `--privacy public` does to this dataset, for the data card; empty for the rule of the
            editor-activity index.
    """

    name: str
    version: str
    description: str
    columns: tuple[Column, ...]
    licence: str
    partitioning: tuple[str, ...] = DEFAULT_PARTITIONING
    caveats: tuple[str, ...] = field(default=())
    shared_by_jobs: bool = False
    privacy: str = ""

    def __post_init__(self):
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate column names in {names}")
        missing = set(self.partitioning) - set(names)
        if missing:
            raise ValueError(f"{self.name}: partition columns {sorted(missing)} are not declared")

    @cached_property
    def file_schema(self) -> pa.Schema:
        """The Arrow schema of the Parquet files (partition columns excluded), with docs as metadata."""
        fields = [
            pa.field(c.name, c.type, nullable=c.nullable, metadata={"doc": c.doc})
            for c in self.columns
            if c.name not in self.partitioning
        ]
        return pa.schema(fields, metadata={"dataset": self.name, "schema_version": self.version,
                                           "pandas": pandas_metadata(fields)})

    @cached_property
    def file_columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.file_schema)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def pandas_metadata(fields: list[pa.Field]) -> str:
    """The `pandas` schema metadata that makes pandas read a nullable integer column as its nullable
    integer dtype (Int64, ...) rather than float64.

    Arrow's conversion to pandas (pandas.read_parquet, Table.to_pandas) looks up each column's
    `numpy_type` here and uses it when it names a pandas extension dtype: with it, an integer column keeps
    integer values in every file, with or without nulls, whichever reader is used. Other readers ignore it.
    """
    columns = [{"name": f.name, "field_name": f.name, "pandas_type": str(f.type),
                "numpy_type": str(f.type).replace("uint", "UInt").replace("int", "Int"), "metadata": None}
               for f in fields if f.nullable and pa.types.is_integer(f.type)]
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": columns,
                       "creator": {"library": "wikidumps"}})

