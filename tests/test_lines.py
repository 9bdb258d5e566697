"""Reading line-based inputs by byte ranges: every line exactly once, whatever the cuts."""
from __future__ import annotations

import gzip
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.lines.reader import DamagedLinesError, Line, iter_lines
from transforms.lines.splits import plan_line_ranges


def read(data: bytes, start: int = 0, end: int | None = None, **kwargs) -> list[Line]:
    return list(iter_lines(io.BytesIO(data), start=start, end=end, **kwargs))


def test_whole_read_numbers_lines_and_flags_the_unterminated_last_line():
    lines = read(b"[\n{\"a\": 1},\nlast")
    assert [(l.offset, l.number, l.data, l.complete) for l in lines] == [
        (0, 1, b"[", True), (2, 2, b'{"a": 1},', True), (12, 3, b"last", False)]


def test_a_split_reads_the_lines_that_start_in_it_and_finishes_its_last_line():
    data = b"aaaa\nbbbb\ncccc\n"
    # Offset 5 starts "bbbb"; the range [3, 6) holds only that line start.
    assert [(l.offset, l.data, l.number) for l in read(data, 3, 6)] == [(5, b"bbbb", None)]
    # A range starting exactly at a line start keeps it; one ending exactly at a line start does not.
    assert [l.data for l in read(data, 5, 10)] == [b"bbbb"]
    assert [l.data for l in read(data, 0, 5)] == [b"aaaa"]
    # A range inside one line reads nothing.
    assert read(data, 6, 9) == []


def test_oversized_lines_are_cut_and_flagged_without_losing_the_next_line():
    lines = read(b"x" * 50 + b"\nshort\n", max_line_bytes=10)
    assert [(l.data, l.oversized, l.offset) for l in lines] == [(b"x" * 10, True, 0), (b"short", False, 51)]


def test_plan_line_ranges_splits_plain_files_only():
    assert plan_line_ranges(250, "none", 100) == [(0, 100), (100, 200), (200, 250)]
    assert plan_line_ranges(250, "gzip", 100) == [(0, None)]
    assert plan_line_ranges(50, "none", 100) == [(0, None)]


def test_cut_compressed_input_raises_after_the_complete_lines():
    packed = gzip.compress(b"one\ntwo\nthree\n" * 50, mtime=0)
    lines = []
    with pytest.raises(DamagedLinesError) as caught:
        for line in iter_lines(io.BytesIO(packed[: len(packed) // 2]), compression="gzip"):
            lines.append(line)
    assert caught.value.truncated
    assert lines and all(l.complete for l in lines)
    assert caught.value.offset == sum(len(l.data) + 1 for l in lines)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")), min_size=0, max_size=25),
    final_newline=st.booleans(),
    cuts=st.lists(st.integers(min_value=1, max_value=400), max_size=6),
)
def test_any_cuts_read_the_same_lines_as_a_whole_read(rows, final_newline, cuts):
    data = b"\n".join(rows) + (b"\n" if final_newline and rows else b"")
    whole = [(l.offset, l.data, l.complete) for l in read(data)]
    bounds = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    pieces = []
    for start, end in zip(bounds, bounds[1:]):
        pieces += [(l.offset, l.data, l.complete) for l in read(data, start, end)]
    assert pieces == whole
