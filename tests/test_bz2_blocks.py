"""Plain .bz2 files split at bz2 block boundaries: any split of a file yields the rows of a whole read."""
from __future__ import annotations

import bz2
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REAL
from tests.test_splits import rows_of
from transforms.common import bz2blocks
from transforms.common.files import DamagedInputError, TruncatedInputError
from transforms.xml.inputs import describe_input
from transforms.xml.splits import XmlSplit, plan_splits, read_split

# Single-stream files of several blocks, and a multistream file read without its index (21 streams).
PLAIN_FILES = [
    ("pages-articles/gensim__enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2", "20160501"),
    ("pages-articles/mwbzutils__sample-pages-articles.xml.bz2", "20191201"),
    ("multistream/DERIVED__ltgwiki-2017-pages-articles-multistream.xml.bz2", "20170101"),
]


@pytest.fixture(scope="module", params=PLAIN_FILES, ids=lambda p: p[0].split("/")[-1][:40])
def plain_bz2(request):
    path, snapshot = request.param
    if not REAL.is_dir():
        pytest.skip(f"real Wikimedia data not found at {REAL}")
    source = describe_input(str(REAL / path), snapshot=snapshot)
    # The index beside the multistream file is ignored on purpose: its streams are split by blocks.
    source = source.__class__(**{**source.__dict__, "multistream_index": None})
    whole = sorted(rows_of(XmlSplit(source, 0, None, None)))  # one plain stream read: the reference
    return source, whole


def block_offsets(data: bytes) -> list[int]:
    return [bit for bit in bz2blocks.find_magic(data, bz2blocks.BLOCK_MAGIC) if bz2blocks.plausible_block(data, bit)]


def test_planned_splits_read_every_page_once(plain_bz2):
    source, whole = plain_bz2
    splits = plan_splits(source, split_bytes=source.size // 5)
    assert len(splits) >= 5 and all(split.blocks for split in splits)
    combined = [row for split in splits for row in rows_of(split)]
    assert sorted(combined) == whole
    pages = sum(1 for dataset, _ in whole if dataset == "pages")
    assert pages > 100 and len(whole) == 2 * pages


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.floats(0, 1), max_size=6))
def test_arbitrary_byte_ranges_partition_the_pages(plain_bz2, cuts):
    source, whole = plain_bz2
    points = sorted({0, source.size, *(int(c * source.size) for c in cuts)})
    combined = []
    for start, end in zip(points, points[1:]):
        combined.extend(rows_of(XmlSplit(source, start, end, None, blocks=True)))
    assert sorted(combined) == whole


def test_page_offsets_count_from_the_first_block_of_the_split(real_data):
    path = real_data / PLAIN_FILES[1][0]
    data = path.read_bytes()
    source = describe_input(str(path), snapshot="20191201")
    split = XmlSplit(source, len(data) // 2, len(data), None, blocks=True)
    seen = []

    def note(page, _source):
        seen.append((page.page_id, page.offset))
        return iter(())

    with read_split(split, note) as reader:
        list(reader)
        stream_offset = reader.stream_offset
    assert stream_offset is not None and len(seen) > 50
    # Decoding from the block that starts in byte `stream_offset` puts every <page> tag at its offset.
    (block,) = [bit for bit in block_offsets(data) if bit // 8 == stream_offset]
    decoded = b"".join(c for c in bz2blocks.iter_from_block(io.BytesIO(data), block) if c is not bz2blocks.RANGE_END)
    for page_id, offset in seen:
        assert decoded[offset : offset + 6] == b"<page>"
        assert f"<id>{page_id}</id>".encode() in decoded[offset : offset + 600]


def test_block_reads_concatenate_to_the_whole_file_across_streams_and_levels():
    # Level n cuts blocks every n * 100 kB of input.
    parts = [b" ".join(b"w%d" % (i * 7919 % 5003) for i in range(n)) for n in (60_000, 10, 50_000)]
    data = b"".join(bz2.compress(part, level) for part, level in zip(parts, (1, 9, 1)))
    blocks = block_offsets(data)
    assert len(blocks) >= 5
    raw = io.BytesIO(data)
    pieces = []
    for start, stop in zip(blocks, blocks[1:] + [None]):
        decoded = list(bz2blocks.iter_from_block(raw, start, stop))
        own = decoded[: decoded.index(bz2blocks.RANGE_END)] if stop is not None else decoded
        pieces.append(b"".join(own))
    assert b"".join(pieces) == b"".join(parts)
    assert bz2blocks.first_block_at_or_after(raw, blocks[-1] + 1) is None


def test_cut_and_corrupt_files_raise_instead_of_returning_less():
    data = bz2.compress(b" ".join(b"w%d" % (i * 7919 % 5003) for i in range(60_000)), 1)
    second = block_offsets(data)[1]
    with pytest.raises(TruncatedInputError):
        list(bz2blocks.iter_from_block(io.BytesIO(data[: len(data) * 3 // 4]), second))
    damaged = bytearray(data)
    damaged[second // 8 + 4000] ^= 0xFF
    with pytest.raises(DamagedInputError):
        list(bz2blocks.iter_from_block(io.BytesIO(bytes(damaged)), second))


def test_chance_magic_without_a_block_header_is_not_a_block():
    fake = (bz2blocks.BLOCK_MAGIC << 8 | 0xFF).to_bytes(7, "big") + b"\xff" * 16  # randomised bit set
    assert bz2blocks.find_magic(fake, bz2blocks.BLOCK_MAGIC) == [0]
    assert bz2blocks.first_block_at_or_after(io.BytesIO(fake), 0) is None
