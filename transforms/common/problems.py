"""Problems: what a reader could not use (or had to repair), before it becomes an `errors` row."""
from __future__ import annotations

import reprlib
from dataclasses import dataclass

EXCERPT_CHARS = 200
# The error types of an input that ends early or stops being decodable: the command line names them.
TRUNCATED_INPUT = "truncated-input"
DAMAGED_INPUT = "damaged-input"
# A revision id that a page, or another page, has already given: the later copy is dropped.
DUPLICATE_REVISION = "duplicate-revision"


@dataclass
class Problem:
    """A bad record or stretch of input, with where it was and whether it was dropped.

    `revisions_read` is for a dropped page: how many of its revisions had been read when it was given up.
    Those its processor had not already written, filtered or dropped one by one are dropped with it.
    """

    error_type: str
    message: str
    record_kind: str  # page, revision, file, event or line
    record_dropped: bool = True
    offset: int | None = None
    page_id: int | None = None
    revision_id: int | None = None
    excerpt: str | None = None
    revisions_read: int = 0


# What a value's repr may take in a message: never the whole of a large or deep value.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxdict, _SHORT.maxlist, _SHORT.maxstring, _SHORT.maxother = 3, 8, 8, 60, 60


def shown(value) -> str:
    """A short repr of a decoded value (JSON, Avro), for a message."""
    return _SHORT.repr(value)


def excerpt_of(data: bytes | str | None) -> str | None:
    """The first characters of some input, for a human to recognise it."""
    if data is None:
        return None
    if isinstance(data, bytes):
        data = data[: EXCERPT_CHARS * 4].decode("utf-8", "replace")
    return data[:EXCERPT_CHARS]


@dataclass
class Filtered:
    """Records a processor left out on purpose, by a documented rule (namespace, redirect, ...).

    Not an error: the reading step counts them (`pages-filtered`, `filtered:<reason>`) so that the
    accounting can say read = written + dropped + filtered.
    """

    reason: str
    record_kind: str  # page or revision
    page_id: int | None = None
    count: int = 1
