"""Reading an Enterprise dump's records: cutting them out of decompressed pieces of any size, handing them to
the parsing workers as batch files, and decompressing ahead of the reader."""
from __future__ import annotations

import gzip
import json
import random
import threading

import pytest

from benchmarks.text_fidelity import real_records
from tests.test_enterprise_html import DUMP, lines, tar_gz
from transforms.common.files import DamagedInputError, iter_decompressed, open_raw, read_ahead
from transforms.enterprise.batches import read_batch, write_batch
from transforms.enterprise.reader import RawRecord, iter_records


def pieces_of(data: bytes, size: int) -> list[bytes]:
    return [data[start:start + size] for start in range(0, len(data), size)]


def ndjson(real_data) -> bytes:
    """Real records (up to megabytes each), blank lines between them, and a last line without its newline."""
    records = real_records(real_data)
    return lines(records[:3]) + b"\n   \n" + lines(records[3:5]) + json.dumps(records[5]).encode()


def test_records_are_the_same_whatever_the_size_of_the_decompressed_pieces(real_data):
    data = ndjson(real_data)
    whole = list(iter_records(iter([data]), tar=False))
    assert [r.line for r in whole] == [1, 2, 3, 6, 7, 8]  # lines 4 and 5 are blank
    assert whole[0].offset == 0 and all(data[r.offset:r.offset + len(r.data)] == r.data for r in whole)
    assert [json.loads(r.data)["identifier"] for r in whole] == [r["identifier"] for r in real_records(real_data)[:6]]
    for size in (1, 7, 4096, 65536, len(data) // 2):
        assert list(iter_records(iter(pieces_of(data, size)), tar=False)) == whole, size


def test_tar_members_are_cut_alike_whatever_the_pieces(real_data):
    records = real_records(real_data)
    archive = tar_gz({"a.ndjson": lines(records[:4]), "b.ndjson": lines(records[4:])})
    data = gzip.decompress(archive)
    whole = list(iter_records(iter([data]), tar=True))
    assert [(r.member, r.line) for r in whole] == [("a.ndjson", n) for n in (1, 2, 3, 4)] + [
        ("b.ndjson", n) for n in range(1, len(records) - 3)]
    assert [json.loads(r.data)["identifier"] for r in whole] == [r["identifier"] for r in records]
    for size in (3, 1000, 1 << 16):
        assert list(iter_records(iter(pieces_of(data, size)), tar=True)) == whole, size


def test_a_pretty_printed_record_is_one_record_across_pieces():
    record = {"identifier": 1, "name": "A", "article_body": {"html": "<p>x</p>" * 2000}}
    data = json.dumps(record, indent=2).encode()
    for size in (5, 100, len(data)):
        (found,) = iter_records(iter(pieces_of(data, size)), tar=False)
        assert json.loads(found.data) == record and (found.line, found.offset) == (1, 0)


def test_a_batch_file_gives_back_the_records_written_to_it(tmp_path):
    records = [RawRecord("a.ndjson", 1, 0, b'{"x": 1}'), RawRecord("a.ndjson", 3, 12, b'{"y": "\xc3\xa9"}'),
               RawRecord(None, 1, 30, b"")]
    batch = write_batch(str(tmp_path / "batches"), "00000-000000000000000", records)
    assert batch.path == str(tmp_path / "batches" / "00000-000000000000000")
    assert read_batch(batch) == records


def test_a_job_leaves_no_batch_files_behind(real_data, tmp_path):
    """The batches live in the run's staging folder, which goes when the run ends."""
    from runners.cli import main as cli

    path = tmp_path / DUMP
    path.write_bytes(tar_gz({"a.ndjson": lines(real_records(real_data))}))
    assert cli.main(["run", "content", "--workers", "2", "--input", str(path), "--output", str(tmp_path / "out")]) == 0
    assert not (tmp_path / "out" / "_staging").exists()


def test_the_batches_a_worker_parses_in_one_bundle_share_a_file_per_dataset_and_wiki(real_data, tmp_path,
                                                                                     monkeypatch):
    """A Parquet file costs its writer about 2 ms whatever its size, so a dataset's rows are not cut into a
    file per batch of records: here every record is a batch of its own, and one worker parses them all."""
    import pyarrow.parquet as pq

    from runners.cli import main as cli
    from transforms.enterprise import read

    monkeypatch.setattr(read, "BATCH_RECORDS", 1)
    records = real_records(real_data)
    path = tmp_path / DUMP
    path.write_bytes(tar_gz({"a.ndjson": lines(records)}))
    out = tmp_path / "out"
    assert cli.main(["run", "content", "--workers", "1", "--input", str(path), "--output", str(out)]) == 0
    folders = {file.parent for file in out.glob("_versions/plain_text/*/wiki_db=*/snapshot=*/*.parquet")}
    assert len(folders) == len({record["is_part_of"]["identifier"] for record in records}) > 1
    for folder in folders:
        assert len(list(folder.glob("*.parquet"))) == 1, folder
    assert sum(pq.read_metadata(file).num_rows for file in out.glob("_versions/plain_text/**/*.parquet")) == len(records)


def test_reading_ahead_gives_every_chunk_in_order():
    chunks = [bytes([n]) * 100 for n in range(50)]
    assert list(read_ahead(iter(chunks), depth=3)) == chunks


def test_reading_ahead_raises_the_error_where_the_chunks_stopped(tmp_path):
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(random.Random(1).randbytes(5_000_000))[:2_000_000])
    seen = 0
    with open_raw(str(path)) as raw, pytest.raises(DamagedInputError):
        for chunk in read_ahead(iter_decompressed(raw, "gzip")):
            seen += len(chunk)
    assert 0 < seen < 5_000_000


def test_a_reader_that_stops_early_stops_the_thread_and_closes_the_chunks():
    closed = threading.Event()

    def endless():
        try:
            while True:
                yield b"x" * 1000
        finally:
            closed.set()

    reader = read_ahead(endless(), depth=2)
    assert next(reader) == b"x" * 1000
    reader.close()
    assert closed.wait(5)
    assert not any(thread.name == "read-ahead" for thread in threading.enumerate())
