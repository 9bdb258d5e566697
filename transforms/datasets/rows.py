"""Rows into Arrow record batches, and reader problems into `errors` rows.

Beam costs microseconds per element, so rows never travel alone: a batcher collects them per dataset
and cuts a RecordBatch every few thousand rows.
"""
from __future__ import annotations

from typing import Iterator

import pyarrow as pa

from schemas import DATASETS
from schemas.dataset import DatasetSchema
from transforms.common.problems import Problem

DEFAULT_BATCH_ROWS = 5_000
# Text-bearing rows are large: cut their batches by size as well so a batch stays a few MB.
DEFAULT_BATCH_CHARS = 8_000_000


class RowShapeError(ValueError):
    """Rows whose keys are not the file columns of their dataset: a bug in the code that made them."""


def check_keys(schema: DatasetSchema, keys) -> None:
    """A row (or a `Rows` block) must name every file column of its dataset and nothing else.

    Raises:
        RowShapeError: naming the undeclared and the missing keys. A misspelt key would otherwise become
            a column of nulls without anyone noticing.
    """
    keys = set(keys)
    declared = set(schema.file_columns)
    if keys != declared:
        raise RowShapeError(f"rows of {schema.name}: keys not in the schema {sorted(keys - declared)}, "
                            f"columns without a key {sorted(declared - keys)}")


def to_record_batch(schema: DatasetSchema, rows: list[dict]) -> pa.RecordBatch:
    """Rows (dicts keyed by file column names) as a batch of the dataset's declared file schema."""
    if rows:
        check_keys(schema, rows[0])
    return pa.RecordBatch.from_pylist(rows, schema=schema.file_schema)


class Rows:
    """Several rows of one dataset given as columns (file column name -> values, all of length `count`).

    A processor yields `(dataset, Rows(...))` instead of one `(dataset, row)` per row when a page has many
    rows (links, citations): extending a column list is far cheaper than building a dict per row.
    """

    __slots__ = ("columns", "count")

    def __init__(self, columns: dict[str, list], count: int):
        self.columns = columns
        self.count = count

    def as_dicts(self) -> list[dict]:
        """The rows one by one, as dicts keyed by column name."""
        names = list(self.columns)
        return [dict(zip(names, values)) for values in zip(*self.columns.values())]

    @classmethod
    def keyed(cls, columns: dict[str, list], keys: dict, counted: str = "position") -> Rows:
        """One page's rows: `columns`, as long as its `counted` column, each with the same `keys` values."""
        count = len(columns[counted])
        return cls({**{name: [value] * count for name, value in keys.items()}, **columns}, count)


class Appended:
    """Rows of one dataset that a revision appended to columns kept outside Python (the native engine's
    `ContentRows`): how many, the size of their text column (in UTF-8 bytes, which bound a batch as well as
    characters do), and the page and revision they were read from. The batcher counts them and, when it cuts
    a batch, takes that many rows from `source` as one RecordBatch (`source.take(dataset, rows)`, first in,
    first out)."""

    __slots__ = ("source", "count", "chars", "page_id", "revision_id")

    def __init__(self, source, count: int, chars: int, page_id: int, revision_id: int):
        self.source, self.count, self.chars = source, count, chars
        self.page_id, self.revision_id = page_id, revision_id


class _Columns:
    """The rows of one dataset waiting for their batch, column by column (or held by `source`, or as the
    record batches they came in)."""

    __slots__ = ("values", "rows", "chars", "source", "batches")

    def __init__(self, schema: DatasetSchema):
        self.values: dict[str, list] = {name: [] for name in schema.file_columns}
        self.rows = 0
        self.chars = 0
        self.source = None
        self.batches: list[pa.RecordBatch] = []


class RowBatcher:
    """Collects rows per dataset and hands back a RecordBatch whenever one is full."""

    def __init__(self, schemas: dict[str, DatasetSchema] = DATASETS, *, max_rows: int = DEFAULT_BATCH_ROWS,
                 max_chars: int = DEFAULT_BATCH_CHARS, text_column: dict[str, str] | None = None):
        self._schemas = schemas
        self._max_rows = max_rows
        self._max_chars = max_chars
        self._text_column = text_column or {}
        self._pending: dict[str, _Columns] = {}

    def add(self, dataset: str, row: dict | Rows | Appended | pa.RecordBatch) -> pa.RecordBatch | None:
        """Adds a row (a dict keyed by file column names), a `Rows` block, rows `Appended` elsewhere, or a
        record batch of the dataset's file columns made elsewhere (all the rows of a dataset come one way or
        the other).

        The first row of every batch is checked against the schema (`check_keys`); the rest are taken on
        trust, as they come from the same code. Appended rows and record batches are checked when their
        batch is cut.
        """
        pending = self._pending.get(dataset)
        if pending is None:
            schema = self._schemas[dataset]
            if not isinstance(row, (Appended, pa.RecordBatch)):
                check_keys(schema, row.columns if isinstance(row, Rows) else row)
            pending = self._pending[dataset] = _Columns(schema)
        text_column = self._text_column.get(dataset)
        if isinstance(row, Appended):
            pending.source = row.source
            pending.rows += row.count
            pending.chars += row.chars
        elif isinstance(row, pa.RecordBatch):
            pending.batches.append(row)
            pending.rows += row.num_rows
            if text_column:  # UTF-8 bytes, which bound a batch as well as characters do
                pending.chars += row.column(text_column).nbytes
        elif isinstance(row, Rows):
            for name, values in pending.values.items():
                values.extend(row.columns[name])
            pending.rows += row.count
            if text_column:
                pending.chars += sum(len(text) for text in row.columns[text_column] if text)
        else:
            for name, values in pending.values.items():
                values.append(row.get(name))
            pending.rows += 1
            if text_column:
                pending.chars += len(row.get(text_column) or "")
        if pending.rows >= self._max_rows or pending.chars >= self._max_chars:
            return self._cut(dataset)
        return None

    def flush(self) -> Iterator[tuple[str, pa.RecordBatch]]:
        for dataset in list(self._pending):
            if self._pending[dataset].rows:
                yield dataset, self._cut(dataset)

    def _cut(self, dataset: str) -> pa.RecordBatch:
        pending = self._pending.pop(dataset)
        schema = self._schemas[dataset].file_schema
        if pending.source is not None:
            # The declared schema (nullability, metadata) over the engine's columns; a column of another
            # type or a missing one raises here.
            batch = pending.source.take(dataset, pending.rows)
            if batch.num_rows != pending.rows:
                raise RowShapeError(f"{dataset}: {pending.rows} rows appended, {batch.num_rows} held")
            return pa.RecordBatch.from_arrays([batch.column(name) for name in schema.names], schema=schema)
        if pending.batches:  # by column: the batches' fields may differ in nullability, not in type
            return pa.RecordBatch.from_arrays(
                [pa.concat_arrays([batch.column(name) for batch in pending.batches]) for name in schema.names],
                schema=schema)
        arrays = [pa.array(pending.values[field.name], type=field.type) for field in schema]
        return pa.RecordBatch.from_arrays(arrays, schema=schema)


def each_row(found: dict, datasets) -> Iterator[tuple[str, dict | Rows | Appended | pa.RecordBatch]]:
    """(dataset, row or block of rows) of one record's extraction (`{dataset: [row, ...], Rows, Appended or a
    RecordBatch}`), for the datasets asked for, in their order: what a reader's processor yields to
    `RowBatcher`."""
    for dataset in datasets:
        rows = found[dataset]
        if isinstance(rows, (Rows, Appended, pa.RecordBatch)):
            yield dataset, rows
        else:
            for row in rows:
                yield dataset, row


def error_row(problem: Problem, *, pipeline: str, stage: str, source_file: str,
              stream_offset: int | None, line: int | None = None) -> dict:
    """An `errors` row (file columns only; wiki_db and snapshot come from the partition)."""
    return {
        "pipeline": pipeline,
        "stage": stage,
        "source_file": source_file,
        "source_stream_offset": stream_offset,
        "source_offset": problem.offset,
        "source_line": line,
        "page_id": problem.page_id,
        "revision_id": problem.revision_id,
        "record_kind": problem.record_kind,
        "record_dropped": problem.record_dropped,
        "error_type": problem.error_type,
        "message": problem.message,
        "excerpt": problem.excerpt,
    }
