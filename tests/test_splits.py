"""Any split of a multistream file yields exactly the rows of reading it whole."""
from __future__ import annotations

import gc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REAL
from transforms.dump_inputs import describe_input
from transforms.dumpfiles import read_stream_offsets
from transforms.history import history_rows
from transforms.problems import Problem
from transforms.splits import DumpSplit, plan_splits, raise_gc_threshold, read_split, split_for_range

MULTISTREAM_FILES = [
    ("multistream/DERIVED__ltgwiki-2017-pages-articles-multistream.xml.bz2", "20170101"),
    ("multistream/mwbzutils__pages-articles-p2566p2583.multistream.xml.bz2", "20191201"),
]


def rows_of(split: DumpSplit) -> list[tuple]:
    found = []
    with read_split(split, lambda page, source: history_rows(page, is_history=False)) as reader:
        for item in reader:
            assert not isinstance(item, Problem), item
            dataset, row = item
            found.append((dataset, tuple(sorted(row.items()))))
    return found


def whole_file_rows(source) -> list[tuple]:
    # Reading the .bz2 as one plain stream, without the index, is the reference.
    return rows_of(DumpSplit(source, 0, None, None))


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
