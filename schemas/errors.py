"""`errors`: the dead-letter dataset. Every record a job could not use, and why."""
import pyarrow as pa

from schemas.dataset import CC0, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="errors",
    version="1.0.0",
    description="One row per bad record (page, revision, event, line) or bad stretch of an input file "
    "that a job met, whether the record was dropped or kept after a repair.",
    licence=CC0,
    caveats=(
        "The excerpt may hold CC BY-SA text from the wiki.",
        "Every job writes its errors here; a partition holds one set of files per job "
        "(part-<job>-<n>-of-<N>.parquet), and re-running a job replaces only its own.",
    ),
    shared_by_jobs=True,
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name of the input.", False),
        Column("snapshot", pa.string(), "Dump date, YYYYMMDD.", False),
        Column("pipeline", pa.string(), "Job that met the error (history, content, ...).", False),
        Column("stage", pa.string(), "Step of the job: read, parse-page, parse-revision, dedupe, ...", False),
        Column("source_file", pa.string(), "Input file (path or URL as given).", False),
        Column("source_stream_offset", pa.int64(), "Compressed byte offset where decoding of the split started (the bz2 stream of a multistream dump); null when the file was read from its start."),
        Column("source_offset", pa.int64(), "Byte offset of the record in the decompressed XML, counted from source_stream_offset's stream (or from the file start)."),
        Column("source_line", pa.int64(), "1-based line number for line-based inputs; null otherwise."),
        Column("page_id", pa.int64(), "Page id when known."),
        Column("revision_id", pa.int64(), "Revision id when known."),
        Column("record_kind", pa.string(), "What the row is about: page, revision, file, event, line, entity.", False),
        Column("record_dropped", pa.bool_(), "True when the record is missing from the datasets; false when it was kept after a repair (e.g. invalid UTF-8 replaced).", False),
        Column("error_type", pa.string(), "Machine-readable error kind (xml-syntax, truncated-input, invalid-utf8, duplicate-page, ...).", False),
        Column("message", pa.string(), "What went wrong and what to do about it.", False),
        Column("excerpt", pa.string(), "Up to 200 characters of the offending input."),
    ),
)
