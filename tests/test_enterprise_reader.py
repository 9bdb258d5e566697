"""Reading an Enterprise dump's records: cutting them out of decompressed pieces of any size, handing them to
the parsing workers as batch files, and decompressing ahead of the reader."""
from __future__ import annotations

import gzip
import json
import random
import threading

import pytest
from hypothesis import given, settings, strategies as st

from benchmarks.text_fidelity import real_records
from tests.test_enterprise_html import DUMP, lines, tar_gz
from transforms.common.files import DamagedInputError, iter_decompressed, open_raw, read_ahead
from transforms.enterprise.batches import BatchWriter, read_batch, write_batch
from transforms.enterprise.reader import RawRecord, iter_records, page_key, parse_record, record_version, version_of
from transforms.common.problems import Problem


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


def test_batches_written_on_a_thread_come_back_in_order_and_a_failed_write_raises(tmp_path):
    writer = BatchWriter(str(tmp_path), depth=1)
    batches = [[RawRecord("m", line, line * 10, b"x" * line), RawRecord("m", line + 1, line * 10 + 5, b"y")]
               for line in range(1, 6)]
    written = []
    for number, records in enumerate(batches):
        written += writer.write(f"b{number}", records)
        assert len(written) >= number  # never more than `depth` (1) of the number + 1 batches wait
    written += writer.finish()
    writer.close()
    assert [batch.path for batch in written] == [str(tmp_path / f"b{number}") for number in range(5)]
    assert [read_batch(batch) for batch in written] == batches
    (tmp_path / "a-file").write_text("")
    failing = BatchWriter(str(tmp_path / "a-file"))  # a folder that cannot be one
    with pytest.raises(OSError):  # where the batch is handed back: at once, or when the last ones are awaited
        failing.write("b0", batches[0])
        failing.finish()
    failing.close()


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


def fully_decoded_version(raw: RawRecord):
    """What the reading worker noted before the engine read the version: the record decoded whole."""
    record = parse_record(raw)
    return None if isinstance(record, Problem) else (page_key(record), version_of(record))


MINIMAL = {"identifier": 5, "name": "A", "version": {"identifier": 9}, "namespace": {"identifier": 0},
           "is_part_of": {"identifier": "enwiki"}, "article_body": {"html": "<p>x</p>"},
           "date_modified": "2026-01-01T00:00:00Z"}
MINIMAL_JSON = json.dumps(MINIMAL)


@pytest.mark.parametrize("text, expected", [
    (MINIMAL_JSON, (("enwiki", 5), 9)),
    (" " + MINIMAL_JSON + "\t", (("enwiki", 5), 9)),
    # Arrays where objects belong: the engine's reader must not take them field by field.
    (json.dumps(list(MINIMAL.values())), None),
    (MINIMAL_JSON.replace('"version": {"identifier": 9}', '"version": [9]'), None),
    (MINIMAL_JSON.replace('"article_body": {"html": "<p>x</p>"}', '"article_body": ["<p>x</p>"]'), None),
    (MINIMAL_JSON.replace('"<p>x</p>"', '5'), None),
    # A field given twice: the json module keeps the last one.
    (MINIMAL_JSON.replace('"identifier": 5,', '"identifier": 5, "identifier": 6,'), (("enwiki", 6), 9)),
    (MINIMAL_JSON.replace('{"identifier": 9}', '{"identifier": 9, "identifier": 3}'), (("enwiki", 5), 3)),
    # What strict JSON refuses and the json module reads: NaN, lone surrogates (orjson reads integers beyond 64
    # bits, as floats).
    (MINIMAL_JSON.replace('"date_modified"', '"score": NaN, "date_modified"'), (("enwiki", 5), 9)),
    (MINIMAL_JSON.replace('"name": "A"', '"name": "A\\ud800"'), (("enwiki", 5), 9)),
    (MINIMAL_JSON.replace('"<p>x</p>"', '"<p>\\udc00</p>"'), (("enwiki", 5), 9)),
    (MINIMAL_JSON.replace('"identifier": 9', '"identifier": 123456789012345678901234567890'), None),  # a float
    # Fields missing or of the wrong kind: no version is noted (the parsing worker reports the record).
    (MINIMAL_JSON.replace('"identifier": 5', '"identifier": 5.0'), None),
    (MINIMAL_JSON.replace('"name": "A"', '"name": "\\u001c "'), None),
    (MINIMAL_JSON.replace('"2026-01-01T00:00:00Z"', '"yesterday"'), None),
    (MINIMAL_JSON.replace('"is_part_of": {"identifier": "enwiki"}', '"is_part_of": {"identifier": null}'), None),
    (MINIMAL_JSON[:-1], None),
    (MINIMAL_JSON + " x", None),
    ("\ufeff" + MINIMAL_JSON, (("enwiki", 5), 9)),  # the json module reads bytes that start with a BOM
])
def test_the_version_noted_while_reading_is_that_of_the_record_decoded_whole(text, expected):
    raw = RawRecord(None, 1, 0, text.encode("utf-8", "surrogatepass"))
    assert record_version(raw) == fully_decoded_version(raw) == expected


@settings(max_examples=300, deadline=None)
@given(cut=st.integers(0, 400), byte=st.integers(0, 255), size=st.integers(0, 3),
       insert=st.sampled_from([b"", b"[", b"]", b"{", b"}", b",", b'"', b"\\", b"null", b'"identifier":1,', b"\xff"]))
def test_a_damaged_record_gives_the_version_the_full_decoding_gives(cut, byte, size, insert):
    data = bytearray(MINIMAL_JSON.encode())
    cut = min(cut, len(data))
    data[cut:cut + size] = bytes([byte]) * bool(size) + insert
    raw = RawRecord(None, 1, 0, bytes(data))
    assert record_version(raw) == fully_decoded_version(raw)


def test_real_records_give_their_page_and_version(real_data):
    for record in real_records(real_data):
        expected = ((record["is_part_of"]["identifier"], record["identifier"]), record["version"]["identifier"])
        for ascii_only in (False, True):  # UTF-8 as the dumps write it, and every character escaped
            raw = RawRecord(None, 1, 0, json.dumps(record, ensure_ascii=ascii_only).encode())
            assert record_version(raw) == fully_decoded_version(raw) == expected
