"""Any split of a multistream file yields exactly the rows of reading it whole."""
from __future__ import annotations

import bisect
import gc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REAL
from transforms.common.problems import Problem
from transforms.datasets.rows import Rows
from transforms.revisions.history import history_rows
from transforms.xml.inputs import XmlInput, describe_input
from transforms.xml.multistream import read_stream_offsets
from transforms.xml.splits import XmlSplit, plan_splits, raise_gc_threshold, read_split

MULTISTREAM_FILES = [
    ("multistream/DERIVED__ltgwiki-2017-pages-articles-multistream.xml.bz2", "20170101"),
    ("multistream/mwbzutils__pages-articles-p2566p2583.multistream.xml.bz2", "20191201"),
]


def align_to_streams(offsets: list[int], size: int, start: int, end: int) -> tuple[int, int] | None:
    """The compressed range holding exactly the streams that start in [start, end), or None.

    Any byte range maps to whole streams this way, so arbitrary cuts of a file partition its pages.
    """
    first = bisect.bisect_left(offsets, start)
    last = bisect.bisect_left(offsets, end)
    if first >= last:
        return None
    stream_end = offsets[last] if last < len(offsets) else size
    return offsets[first], stream_end


def split_for_range(source: XmlInput, offsets: list[int], start: int, end: int) -> XmlSplit | None:
    """The split reading the streams that start in an arbitrary byte range [start, end)."""
    aligned = align_to_streams(offsets, source.size, start, end)
    if aligned is None:
        return None
    return XmlSplit(source, aligned[0], aligned[1], offsets[0])


def test_any_byte_range_maps_to_the_streams_starting_in_it():
    offsets = [100, 250, 400]
    assert align_to_streams(offsets, 600, 0, 101) == (100, 250)
    assert align_to_streams(offsets, 600, 101, 250) is None
    assert align_to_streams(offsets, 600, 101, 401) == (250, 600)


def rows_of(split: XmlSplit) -> list[tuple]:
    found = []
    with read_split(split, lambda page, source: history_rows(page, is_history=False)) as reader:
        for item in reader:
            assert not isinstance(item, Problem), item
            dataset, rows = item
            for row in rows.as_dicts() if isinstance(rows, Rows) else [rows]:
                found.append((dataset, tuple(sorted(row.items()))))
    return found


def whole_file_rows(source) -> list[tuple]:
    # Reading the .bz2 as one plain stream, without the index, is the reference.
    return rows_of(XmlSplit(source, 0, None, None))


@pytest.fixture(scope="module", params=MULTISTREAM_FILES, ids=lambda p: p[0].split("/")[-1])
def multistream(request):
    path, snapshot = request.param
    if not REAL.is_dir():
        pytest.skip(f"real Wikimedia data not found at {REAL}")
    source = describe_input(str(REAL / path), snapshot=snapshot)
    assert source.multistream_index, "the index beside the file must be found"
    offsets = read_stream_offsets(source.multistream_index)
    return source, offsets, sorted(whole_file_rows(source))


def test_planned_splits_equal_whole_read(multistream):
    source, offsets, whole = multistream
    splits = plan_splits(source, split_bytes=1)  # one stream per split
    assert len(splits) == len(offsets)
    combined = [row for split in splits for row in rows_of(split)]
    assert sorted(combined) == whole
    assert len(whole) == 2 * sum(1 for dataset, _ in whole if dataset == "pages")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.floats(0, 1), max_size=6))
def test_arbitrary_byte_ranges_partition_the_pages(multistream, cuts):
    source, offsets, whole = multistream
    points = sorted({0, source.size, *(int(c * source.size) for c in cuts)})
    combined = []
    for start, end in zip(points, points[1:]):
        split = split_for_range(source, offsets, start, end)
        if split is not None:
            combined.extend(rows_of(split))
    assert sorted(combined) == whole


def test_raise_gc_threshold_raises_the_young_threshold_and_never_lowers_it():
    saved = gc.get_threshold()
    try:
        gc.set_threshold(700, 11, 12)
        raise_gc_threshold(50_000)
        assert gc.get_threshold() == (50_000, 11, 12)
        raise_gc_threshold(1_000)
        assert gc.get_threshold() == (50_000, 11, 12)
    finally:
        gc.set_threshold(*saved)
