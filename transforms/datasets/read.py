"""Reading a published dataset back: its files, partition values from the directory names, declared schema.

`list_dataset_files` finds `<root>/<dataset>/wiki_db=<db>/snapshot=<YYYYMMDD>/*.parquet` (local or gs://);
`read_dataset_file` yields a file's row groups as record batches of the declared schema (Parquet keeps
timestamp[s] as milliseconds; they are cast back; columns a file predates read as nulls). `ReadFromDataset`
wires both into Beam, one element per row group, so that a later job reads a dataset the way the job that
wrote it laid it out.
"""
from __future__ import annotations

import posixpath
from dataclasses import KW_ONLY, dataclass
from typing import Iterator, Sequence

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from schemas import DATASETS
from schemas.dataset import DatasetSchema
from schemas.layout import PARTITION_FILE, Partition
from transforms.common.files import UnusableInputError
from transforms.datasets.storage import OutputStateError, dataset_folder


@dataclass(frozen=True)
class DatasetFile:
    """One Parquet file of a published dataset and the partition its directories name."""

    path: str
    partition: Partition

    def to_json(self) -> dict:
        return {"path": self.path, "wiki_db": self.partition.wiki_db, "snapshot": self.partition.snapshot}


def list_dataset_files(root: str, dataset: str) -> list[DatasetFile]:
    """Every Parquet file of `<root>/<dataset>`, by partition then name; staging and hidden files skipped.

    A local dataset's version folder is resolved once, so that a job reading it reads one version even if
    another run publishes the dataset meanwhile.
    """
    try:
        folder = dataset_folder(root, dataset)
    except OutputStateError as exc:
        raise UnusableInputError(root, str(exc)) from None
    pattern = FileSystems.join(folder, "wiki_db=*", "snapshot=*", "*.parquet")
    try:
        matches = FileSystems.match([pattern])[0].metadata_list
    except Exception:  # Beam raises when nothing matches on some file systems
        return []
    files = []
    for match in matches:
        found = PARTITION_FILE.search(match.path.replace("\\", "/"))
        if found and not posixpath.basename(match.path).startswith((".", "_")):
            files.append(DatasetFile(match.path, Partition(found.group(1), found.group(2))))
    return sorted(files, key=lambda f: (f.partition.path, f.path))


def require_dataset_files(root: str, dataset: str) -> list[DatasetFile]:
    """`list_dataset_files`, refusing a folder without the dataset (UnusableInputError)."""
    files = list_dataset_files(root, dataset)
    if not files:
        raise UnusableInputError(root, f"no {dataset} dataset here (expected {dataset}/wiki_db=*/snapshot=*/*.parquet)")
    return files


def read_dataset_file(file: DatasetFile, schema: DatasetSchema, columns: Sequence[str] | None = None
                      ) -> Iterator[pa.RecordBatch]:
    """The file's row groups as batches of the declared file schema (only `columns` when given)."""
    wanted = list(columns) if columns is not None else list(schema.file_columns)
    target = pa.schema([schema.file_schema.field(name) for name in wanted])
    with FileSystems.open(file.path) as handle:
        parquet = pq.ParquetFile(handle)
        present = [name for name in wanted if name in parquet.schema_arrow.names]
        for group in range(parquet.num_row_groups):
            table = parquet.read_row_group(group, columns=present)
            # Columns added to a schema since the file was written (nullable by rule) read as nulls.
            for name in wanted:
                if name not in present:
                    table = table.append_column(target.field(name), pa.nulls(table.num_rows, target.field(name).type))
            for batch in table.select(wanted).cast(target).to_batches():
                yield batch


@dataclass
class ReadFromDataset(beam.PTransform):
    """Reads a published dataset into `(Partition, pyarrow.RecordBatch)` elements.

    Attributes:
        root: the output folder the dataset was published in.
        dataset: dataset name (a key of schemas.DATASETS).
        columns: file columns to read; all when None.
        wiki_dbs: wikis whose partitions to read; all when None.
    """

    root: str
    dataset: str
    _: KW_ONLY
    columns: Sequence[str] | None = None
    wiki_dbs: frozenset[str] | None = None

    def expand(self, begin):
        schema = DATASETS[self.dataset]
        columns = self.columns
        files = [f for f in list_dataset_files(self.root, self.dataset)
                 if self.wiki_dbs is None or f.partition.wiki_db in self.wiki_dbs]
        return (
            begin
            | "ListFiles" >> beam.Create(files)
            | "SpreadFiles" >> beam.Reshuffle()
            | "ReadRowGroups" >> beam.FlatMap(
                lambda file: ((file.partition, batch) for batch in read_dataset_file(file, schema, columns)))
        )
