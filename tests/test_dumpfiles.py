"""Compression sniffing and streaming decompression, truncation, multistream indexes."""
from __future__ import annotations

import bz2
import gzip
import io
import lzma

import pytest

from transforms.common import files as dumpfiles
from transforms.common.files import (
    DamagedInputError,
    TruncatedInputError,
    iter_bz2_range,
    iter_decompressed,
    sniff_compression,
)
from transforms.xml.multistream import (
    multistream_index_candidates,
    plan_stream_ranges,
    read_stream_offsets,
)

PAYLOAD = b"".join(b"<page>%d</page>\n" % i for i in range(20_000))


def decompress_all(data: bytes, compression: str) -> bytes:
    return b"".join(iter_decompressed(io.BytesIO(data), compression))


@pytest.mark.parametrize("compression,packed", [
    ("bz2", bz2.compress(PAYLOAD)),
    ("gzip", gzip.compress(PAYLOAD, mtime=0)),
    ("xz", lzma.compress(PAYLOAD)),
    ("lzma", lzma.compress(PAYLOAD, format=lzma.FORMAT_ALONE)),
    ("none", PAYLOAD),
])
def test_each_compression_round_trips_and_is_recognised(compression, packed):
    name = {"gzip": "f.gz", "lzma": "f.lzma", "none": "f.xml"}.get(compression, f"f.{compression}")
    assert sniff_compression(name, packed[:8]) == compression
    assert decompress_all(packed, compression) == PAYLOAD


def test_magic_beats_a_misleading_extension():
    assert sniff_compression("dump.xml", bz2.compress(b"x")[:8]) == "bz2"
    assert sniff_compression("dump.xml.bz2", b"<mediawiki") == "none"


def test_concatenated_streams_and_members_are_all_read():
    halves = (PAYLOAD[:1000], PAYLOAD[1000:])
    assert decompress_all(b"".join(bz2.compress(h) for h in halves), "bz2") == PAYLOAD
    assert decompress_all(b"".join(gzip.compress(h, mtime=0) for h in halves), "gzip") == PAYLOAD
    assert decompress_all(b"".join(lzma.compress(h) for h in halves), "xz") == PAYLOAD


@pytest.mark.parametrize("compression,packed", [
    ("bz2", bz2.compress(PAYLOAD, 1)),  # 100 kB blocks: only whole blocks can be decoded
    ("xz", lzma.compress(PAYLOAD)),
    ("gzip", gzip.compress(PAYLOAD, mtime=0)),
])
def test_truncation_is_reported_after_the_data_before_it(compression, packed):
    received = []
    with pytest.raises(TruncatedInputError):
        for chunk in iter_decompressed(io.BytesIO(packed[: len(packed) * 2 // 3]), compression):
            received.append(chunk)
    data = b"".join(received)
    assert len(data) > len(PAYLOAD) // 3
    assert PAYLOAD.startswith(data)


@pytest.mark.parametrize("compression, compress", [("bz2", bz2.compress), ("gzip", gzip.compress)])
def test_corrupt_data_is_damage_not_a_crash(compression, compress):
    packed = bytearray(compress(PAYLOAD))
    packed[len(packed) // 2 : len(packed) // 2 + 50] = b"\x00" * 50
    with pytest.raises(DamagedInputError):
        decompress_all(bytes(packed), compression)


def test_a_gzip_member_with_a_wrong_checksum_or_followed_by_junk_is_damage():
    packed = gzip.compress(PAYLOAD, mtime=0)
    with pytest.raises(DamagedInputError):
        decompress_all(packed[:-8] + b"\0\0\0\0" + packed[-4:], "gzip")
    with pytest.raises(DamagedInputError):
        decompress_all(packed + b"junk", "gzip")
    assert decompress_all(packed + packed + b"\0" * 10, "gzip") == PAYLOAD * 2  # members, then zero padding


@pytest.mark.parametrize("compression, compress", [("bz2", bz2.compress), ("gzip", gzip.compress)])
def test_decompression_output_is_bounded_per_chunk(compression, compress):
    bomb = compress(b"\0" * 50_000_000)
    sizes = [len(chunk) for chunk in iter_decompressed(io.BytesIO(bomb), compression)]
    assert sum(sizes) == 50_000_000
    assert max(sizes) <= 1 << 20


# A multistream file as Wikimedia packs pages-articles: many small bz2 streams, one after another.
STREAMS = [bz2.compress(PAYLOAD[start:start + 40_000]) for start in range(0, len(PAYLOAD), 40_000)]
MULTISTREAM = b"".join(STREAMS)


def read_range(data: bytes, start: int, end: int) -> tuple[bytes, Exception | None]:
    """What iter_bz2_range yields for data[start:end], and the error it ends with, if any."""
    raw = io.BytesIO(data)
    raw.seek(start)
    received = []
    try:
        for chunk in iter_bz2_range(raw, end):
            received.append(chunk)
    except DamagedInputError as exc:
        return b"".join(received), exc
    return b"".join(received), None


def read_range_both_ways(monkeypatch, data: bytes, start: int, end: int):
    """read_range with indexed_bzip2 and with the bz2 module alone."""
    fast = read_range(data, start, end)
    with monkeypatch.context() as patch:
        patch.setattr(dumpfiles, "indexed_bzip2", None)
        plain = read_range(data, start, end)
    return fast, plain


def test_the_fast_bz2_decoder_is_installed_and_usable():
    # It is a dependency; if its internals change, _fast_bz2 falls back quietly: this says so.
    assert dumpfiles.indexed_bzip2 is not None
    assert dumpfiles._fast_bz2(MULTISTREAM) == PAYLOAD
    assert dumpfiles._fast_bz2(MULTISTREAM + b"\0" * 30) == PAYLOAD  # padding to a block size is fine
    assert dumpfiles._fast_bz2(MULTISTREAM + b"junk") is None  # the bz2 module is to judge the rest


def test_a_range_of_whole_streams_decodes_like_the_bz2_module(monkeypatch):
    start = len(STREAMS[0])
    end = start + len(STREAMS[1]) + len(STREAMS[2])
    fast, plain = read_range_both_ways(monkeypatch, MULTISTREAM, start, end)
    assert fast == plain == (PAYLOAD[40_000:120_000], None)
    assert read_range(MULTISTREAM, 0, len(MULTISTREAM)) == (PAYLOAD, None)
    assert read_range(MULTISTREAM, start, start) == (b"", None)


def test_a_range_too_large_to_decode_at_once_streams(monkeypatch):
    monkeypatch.setattr(dumpfiles, "FAST_BZ2_MAX_BYTES", len(STREAMS[0]))

    def in_one_go(compressed):
        raise AssertionError(f"{len(compressed)} bytes decoded in one go")

    monkeypatch.setattr(dumpfiles, "_fast_bz2", in_one_go)
    assert read_range(MULTISTREAM, 0, len(MULTISTREAM)) == (PAYLOAD, None)
    with pytest.raises(AssertionError, match="decoded in one go"):  # while a range within the limit is
        read_range(MULTISTREAM, 0, len(STREAMS[0]))


def test_a_range_decoding_to_more_than_the_limit_streams(monkeypatch):
    # bz2 packs a megabyte of repeated bytes into a few hundred: decoded in one go, a small range could
    # fill memory; past the limit the bz2 module decodes it in bounded pieces.
    monkeypatch.setattr(dumpfiles, "FAST_BZ2_MAX_DECODED", len(PAYLOAD) - 1)
    assert dumpfiles._fast_bz2(MULTISTREAM) is None
    assert read_range(MULTISTREAM, 0, len(MULTISTREAM)) == (PAYLOAD, None)
    monkeypatch.setattr(dumpfiles, "FAST_BZ2_MAX_DECODED", len(PAYLOAD))
    assert dumpfiles._fast_bz2(MULTISTREAM) == PAYLOAD


def damaged(kind: str) -> bytes:
    data = bytearray(MULTISTREAM)
    if kind == "truncated":
        return bytes(data[: len(data) - len(STREAMS[-1]) // 2])
    if kind == "overwritten":
        middle = len(STREAMS[0]) + len(STREAMS[1]) // 2
        data[middle:middle + 50] = b"\xff" * 50
        return bytes(data)
    if kind == "bit flipped":  # decodes, but to other bytes: the block's CRC tells
        data[len(STREAMS[0]) + len(STREAMS[1]) // 2] ^= 0x10
        return bytes(data)
    return bytes(data) + b"not a stream"  # data after the last stream


@pytest.mark.parametrize("kind", ["truncated", "overwritten", "bit flipped", "trailing junk"])
def test_a_damaged_range_is_reported_as_the_bz2_module_reports_it(monkeypatch, kind):
    data = damaged(kind)
    fast, plain = read_range_both_ways(monkeypatch, data, 0, len(data))
    (fast_bytes, fast_error), (plain_bytes, plain_error) = fast, plain
    assert fast_bytes == plain_bytes and PAYLOAD.startswith(fast_bytes)
    assert type(fast_error) is type(plain_error)
    assert str(fast_error) == str(plain_error)
    assert isinstance(fast_error, TruncatedInputError) == (kind == "truncated")


def test_real_multistream_file_decodes_like_the_bz2_module(real_data, monkeypatch):
    data = (real_data / "multistream/DERIVED__ltgwiki-2017-pages-articles-multistream.xml.bz2").read_bytes()
    fast, plain = read_range_both_ways(monkeypatch, data, 0, len(data))
    assert fast == plain
    assert fast[0].startswith(b"<mediawiki") and fast[0].rstrip().endswith(b"</mediawiki>")


def test_index_names_for_wikimedia_and_mwbzutils_files():
    assert multistream_index_candidates("d/enwiki-20240101-pages-articles-multistream.xml.bz2") == [
        "d/enwiki-20240101-pages-articles-multistream-index.txt.bz2",
        "d/enwiki-20240101-pages-articles-multistream-index.xml.bz2",
    ]
    assert multistream_index_candidates("enwiki-20240101-pages-articles-multistream3.xml-p1p41242.bz2")[0] == (
        "enwiki-20240101-pages-articles-multistream-index3.txt-p1p41242.bz2")
    assert multistream_index_candidates("p2566p2583.multistream.xml.bz2")[1] == "p2566p2583.multistream-index.xml.bz2"
    assert multistream_index_candidates("enwiki-pages-articles.xml.bz2") == []


def test_stream_ranges_cover_every_stream_once():
    offsets = [100, 250, 400, 900, 1000]
    ranges = plan_stream_ranges(offsets, 1200, 300)
    assert ranges == [(100, 400), (400, 900), (900, 1200)]
    assert plan_stream_ranges(offsets, 1200, 10**9) == [(100, 1200)]


def test_real_multistream_index_offsets(real_data):
    offsets = read_stream_offsets(str(real_data / "multistream/DERIVED__ltgwiki-2017-pages-articles-multistream-index.txt.bz2"))
    # PROVENANCE.md: 100 pages per stream, 2004 pages -> 21 streams of pages.
    assert len(offsets) == 21
    with open(real_data / "multistream/DERIVED__ltgwiki-2017-pages-articles-multistream.xml.bz2", "rb") as handle:
        data = handle.read()
    for offset in offsets:
        assert data[offset : offset + 3] == b"BZh"
