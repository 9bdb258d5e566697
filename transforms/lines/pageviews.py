"""Wikimedia pageview dumps into monthly `pageviews` rows: plain functions, no Beam.

Two formats, both space-separated text, one line per page:
- hourly `pageviews-YYYYMMDD-HH0000.gz`: `domain_code page_title count_views total_response_size`, where
  the domain code abbreviates the site (`en` en.wikipedia.org, `en.m` its mobile site, `de.b`
  de.wikibooks.org, `commons.m` commons.wikimedia.org, `commons.m.m` its mobile site, `www.wd`
  www.wikidata.org) and the response size is always 0;
- daily pageviews-complete `pageviews-YYYYMMDD-user.bz2`: `wiki_code page_title page_id access_method
  daily_total hourly_counts`, e.g. `en.wikipedia Aragorn 23139489 desktop 364 A16B10C23...`, page_id
  `null` for mobile-app views, hourly counts as hour letters A (00h) to X (23h) each followed by a count.

A split aggregates its lines into per-month sums keyed by (wiki_db, page_title, page_id, access_method),
spread over hash buckets so that the job shuffles a few fat elements; `merge_counts` adds the buckets of
all splits up.

What is checked: a line is dropped (an `errors` row with record_dropped true, counted in `lines-dropped`)
when its site is unknown (`unknown-project`), it has the wrong number of fields, an empty title, an
unknown access method, or a count or page id that is not a plain decimal number (`malformed-line`), or
a count above MAX_VIEWS or a page id above int64 (`count-out-of-range`). MAX_VIEWS (10^12) is far above
any real count (all Wikimedia projects together get about 10^10 views a month) and far below int64, so
that the sums the job makes of counts (a page's month, the `views-read` counter, which Beam adds up in
int64 and wraps silently) stay exact. The hourly counts of a pageviews-complete line (`A16B10...`, hour
letters strictly increasing) only check the daily total: when they are malformed or disagree with it,
the line is kept with its daily total and an `errors` row (record_dropped false) says so.
"""
from __future__ import annotations

import posixpath
import re
import zlib
from collections import Counter, defaultdict
from typing import Iterable, Iterator

import pyarrow as pa

from schemas import DATASETS, ERRORS, PAGEVIEWS
from schemas.layout import Partition
from transforms.common import counters
from transforms.common.files import UnusableInputError
from transforms.common.naming import wiki_db_from_base
from transforms.common.problems import DAMAGED_INPUT, TRUNCATED_INPUT, Problem, excerpt_of
from transforms.datasets.rows import RowBatcher, error_row, to_record_batch
from transforms.defaults import PAGEVIEW_BUCKETS as DEFAULT_BUCKETS
from transforms.lines.inputs import LineInput, describe_input, first_lines
from transforms.lines.reader import DamagedLinesError, Line, read_split_lines
from transforms.lines.splits import LineSplit

HOURLY = "pageviews-hourly"
COMPLETE = "pageviews-complete"
HOURLY_NAME = re.compile(r"pageviews-(\d{8})-(\d{2})0000(?:\.gz)?$")
COMPLETE_NAME = re.compile(r"pageviews-(\d{8})-user(?:\.bz2)?$")
FIELDS = {HOURLY: 4, COMPLETE: 6}  # space-separated fields of a line
UNKNOWN_WIKI = "unknown"
COUNTS = "counts"  # what a split's reader hands the shuffle besides errors

# Second part of an hourly domain code -> the site family; `m`/`zero` in that place mean a mobile site.
FAMILIES = {"b": "wikibooks", "d": "wiktionary", "n": "wikinews", "q": "wikiquote", "s": "wikisource",
            "v": "wikiversity", "voy": "wikivoyage", "w": "mediawiki", "wd": "wikidata", "m": "wikimedia",
            "f": "wikimediafoundation"}
MOBILE_MARKERS = ("m", "zero")
# Sites of wikimedia.org whose hourly code is `<site>.m` (desktop) and `<site>.m.m` (mobile).
WIKIMEDIA_SITES = ("commons", "meta", "incubator", "species", "strategy", "outreach", "usability", "quality")
# Database names that do not follow from the host name.
WIKI_DB_EXCEPTIONS = {"be-tarask.wikipedia.org": "be_x_oldwiki", "wikimediafoundation.org": "foundationwiki",
                      "foundation.wikimedia.org": "foundationwiki", "www.wikifunctions.org": "wikifunctionswiki"}
# Wikifunctions has no code of its own in hourly files: its lines carry a quoted empty one (titles Z...).
WIKIFUNCTIONS_CODE = '""'
CODE_PART = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ACCESS_METHODS = ("desktop", "mobile-web", "mobile-app")
HOURLY_COUNTS = re.compile(r"([A-X])([0-9]{1,19})")  # at most 19 digits: int() refuses more than 4,300
# Largest view count a line may give (see the module docstring); page ids are int64 in `pageviews`.
MAX_VIEWS = 10**12
MAX_PAGE_ID = 2**63 - 1
# Error types of the rows this module writes (besides the truncated and damaged input of every family).
UNKNOWN_PROJECT = "unknown-project"
MALFORMED_LINE = "malformed-line"
COUNT_OUT_OF_RANGE = "count-out-of-range"
INVALID_UTF8 = "invalid-utf8"
MALFORMED_HOURLY_COUNTS = "malformed-hourly-counts"  # the line is kept
HOURLY_COUNTS_MISMATCH = "hourly-counts-mismatch"  # the line is kept


class BadLine(ValueError):
    """A pageview line that cannot be used; `wiki_db` is set when the site was recognised."""

    def __init__(self, error_type: str, message: str, wiki_db: str | None = None):
        super().__init__(message)
        self.error_type = error_type
        self.wiki_db = wiki_db


def file_kind(path: str) -> tuple[str, str] | None:
    """(kind, YYYYMMDD) from a pageview dump's file name, or None when the name is not one."""
    name = posixpath.basename(path)
    if match := HOURLY_NAME.search(name):
        return HOURLY, match.group(1)
    if match := COMPLETE_NAME.search(name):
        return COMPLETE, match.group(1)
    return None


def describe_inputs(paths: list[str]) -> list[LineInput]:
    """Describes every input, refusing unusable ones with a one-line reason (UnusableInputError).

    The kind and date of a file come from its name; hourly and pageviews-complete files of one month
    are refused together, as their views would be counted twice.
    """
    inputs = []
    kinds_by_month: dict[str, set[str]] = {}
    for order, path in enumerate(paths):
        named = file_kind(path)
        if named is None:
            raise UnusableInputError(path, "not a pageview dump name: expected pageviews-YYYYMMDD-HH0000.gz (hourly) "
                                           "or pageviews-YYYYMMDD-user.bz2 (pageviews-complete)")
        kind, date = named
        kinds = kinds_by_month.setdefault(month_of(date), set())
        kinds.add(kind)
        if len(kinds) > 1:
            raise UnusableInputError(path, f"both hourly and pageviews-complete files for {month_of(date)}: "
                                           "their views would be counted twice; give one kind per month")
        source = describe_input(path, order, kind, date)
        for line in first_lines(source):
            if len(line.rstrip("\r").split(" ")) != FIELDS[kind]:
                raise UnusableInputError(path, f"not a {kind} dump: expected {FIELDS[kind]} space-separated fields "
                                               f"per line, the file starts with {line[:60]!r}")
        inputs.append(source)
    return inputs


def month_of(snapshot: str) -> str:
    """2024-08 from 20240803."""
    return f"{snapshot[:4]}-{snapshot[4:6]}"


def month_snapshot(snapshot: str) -> str:
    """20240801 from 20240803: the partition of a month's views."""
    return snapshot[:6] + "01"


def wiki_db_of_host(host: str) -> str | None:
    """enwiki from en.wikipedia.org, commonswiki from commons.wikimedia.org, wikidatawiki from www.wikidata.org."""
    if host in WIKI_DB_EXCEPTIONS:
        return WIKI_DB_EXCEPTIONS[host]
    parts = host.split(".")
    if len(parts) == 3 and parts[1] == "wikimedia" and parts[0] in WIKIMEDIA_SITES:
        return parts[0] + "wiki"
    return wiki_db_from_base("//" + host)


def parse_domain_code(code: str) -> tuple[str, str]:
    """(host, access) of an hourly domain code: ("en.wikipedia.org", "mobile") for `en.m`.

    Raises:
        BadLine: when the code names no known site.
    """
    if code == WIKIFUNCTIONS_CODE:
        return "www.wikifunctions.org", "desktop"
    parts = code.split(".")
    if not all(CODE_PART.match(part) for part in parts):
        raise BadLine(UNKNOWN_PROJECT, f"not a domain code: {code[:40]!r}")
    if parts[0] in WIKIMEDIA_SITES and len(parts) in (2, 3) and parts[1] == "m":
        mobile = len(parts) == 3 and parts[2] == "m"
        return f"{parts[0]}.wikimedia.org", "mobile" if mobile else "desktop"
    if len(parts) == 2 and parts[0] == "m" and parts[1] in ("wd", "w"):
        # Wikidata's and MediaWiki.org's mobile sites replace their `www`: m.wikidata.org.
        return f"www.{FAMILIES[parts[1]]}.org", "mobile"
    if len(parts) == 1 and parts[0]:
        return f"{parts[0]}.wikipedia.org", "desktop"
    if len(parts) == 2 and parts[1] in MOBILE_MARKERS:
        return f"{parts[0]}.wikipedia.org", "mobile"
    if len(parts) == 2 and parts[1] in FAMILIES:
        return f"{parts[0]}.{FAMILIES[parts[1]]}.org", "desktop"
    if len(parts) == 3 and parts[1] in MOBILE_MARKERS and parts[2] in FAMILIES:
        return f"{parts[0]}.{FAMILIES[parts[2]]}.org", "mobile"
    raise BadLine(UNKNOWN_PROJECT, f"unknown domain code {code[:40]!r}")


def _wiki_db(host: str, code: str) -> str:
    wiki_db = wiki_db_of_host(host)
    if not wiki_db:
        raise BadLine(UNKNOWN_PROJECT, f"no wiki database known for {code[:40]!r} ({host[:60]})")
    return wiki_db


def _title(raw: str) -> str:
    # Titles holding a double quote are written quoted, with the quote escaped.
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        raw = raw[1:-1].replace('\\"', '"')
    if not raw:
        raise BadLine(MALFORMED_LINE, "no page title")
    return raw


def _count(text: str, what: str, limit: int = MAX_VIEWS) -> int:
    # isdigit alone would let other scripts' digits through (int() takes some, not all: '²').
    if not (text.isdigit() and text.isascii()):
        raise BadLine(MALFORMED_LINE, f"{what} is not a count: {text[:40]!r}")
    if len(text) > 19 or int(text) > limit:
        raise BadLine(COUNT_OUT_OF_RANGE, f"{what} {text[:40]} is out of range (above {limit:,})")
    return int(text)


def parse_hourly(text: str) -> tuple[str, str, None, str, int]:
    """(wiki_db, page_title, page_id, access_method, views) of an hourly line."""
    fields = text.split(" ")
    host, access = parse_domain_code(fields[0])
    wiki_db = _wiki_db(host, fields[0])
    try:
        if len(fields) != 4:
            raise BadLine(MALFORMED_LINE, f"expected 4 space-separated fields, found {len(fields)}")
        _code, title, views, _size = fields
        return wiki_db, _title(title), None, access, _count(views, "count_views")
    except BadLine as exc:
        exc.wiki_db = wiki_db
        raise


def decode_hourly_counts(text: str) -> dict[int, int]:
    """{hour: views} from `A16B10C23...` (A = 00:00-01:00 ... X = 23:00-24:00).

    Raises:
        BadLine: when the string is not a sequence of hour letters and counts.
    """
    counts: dict[int, int] = {}
    position, last_hour = 0, -1
    for match in HOURLY_COUNTS.finditer(text):
        hour = ord(match.group(1)) - ord("A")
        if match.start() != position or hour <= last_hour:
            break
        counts[hour] = int(match.group(2))
        position, last_hour = match.end(), hour
    if position != len(text):
        raise BadLine(MALFORMED_HOURLY_COUNTS, f"hourly counts not in the A<n>B<n>... form (hours in order, "
                      f"each once): {text[:60]!r}")
    return counts


def parse_complete(text: str) -> tuple[tuple[str, str, int | None, str, int], tuple[str, str] | None]:
    """A pageviews-complete line: the row key and views, and a warning (error type, message) when its
    hourly counts are malformed or disagree with the daily total."""
    fields = text.split(" ")
    wiki_db = _wiki_db(f"{fields[0]}.org", fields[0])
    try:
        if len(fields) != 6:
            raise BadLine(MALFORMED_LINE, f"expected 6 space-separated fields, found {len(fields)}")
        _code, title, page_id, access, total, hourly = fields
        if access not in ACCESS_METHODS:
            raise BadLine(MALFORMED_LINE, f"unknown access method {access[:40]!r}")
        title = _title(title)
        views = _count(total, "daily_total")
        page = None if page_id == "null" else _count(page_id, "page_id", MAX_PAGE_ID)
    except BadLine as exc:
        exc.wiki_db = wiki_db
        raise
    warning = None
    try:
        hourly_sum = sum(decode_hourly_counts(hourly).values())
        if hourly_sum != views:
            warning = (HOURLY_COUNTS_MISMATCH, f"hourly counts add up to {hourly_sum}, the daily total says {views}; "
                       "the daily total is used")
    except BadLine as exc:
        warning = (exc.error_type, f"{exc}; the daily total is used")
    return (wiki_db, title, page, access, views), warning


def bucket_of(wiki_db: str, title: str, buckets: int) -> int:
    return zlib.crc32(f"{wiki_db}\t{title}".encode("utf-8")) % buckets


def read_pageviews(split: LineSplit, buckets: int, counts: Counter, *, pipeline: str = "pageviews"
                   ) -> Iterator[tuple[str, tuple]]:
    """Reads one split: ("counts", ((snapshot, bucket), [(wiki_db, title, page_id, access, views), ...]))
    per touched bucket, and ("errors", (Partition, split_key, RecordBatch)).

    Counters: lines-read, lines-dropped, views-read, and error:<type> per errors row.
    """
    source = split.source
    snapshot = month_snapshot(source.snapshot)
    hourly = source.kind == HOURLY
    sums: dict[int, dict[tuple, int]] = defaultdict(lambda: defaultdict(int))
    errors: dict[str, list[dict]] = defaultdict(list)

    def problem(error_type: str, message: str, line: Line | None, dropped: bool, wiki_db: str | None,
                offset: int | None = None, excerpt=None):
        counts[counters.error(error_type)] += 1
        p = Problem(error_type, message, "line" if line else "file", dropped,
                    line.offset if line else offset, excerpt=excerpt_of(line.data if line else excerpt))
        errors[wiki_db or UNKNOWN_WIKI].append(error_row(p, pipeline=pipeline, stage="read", source_file=source.path,
                                                         stream_offset=None, line=line.number if line else None))

    try:
        for line in read_split_lines(split):
            if not line.data.strip():
                continue
            counts[counters.LINES.read] += 1
            try:
                text = line.data.decode("utf-8").rstrip("\r")
                if hourly:
                    key_views, warning = parse_hourly(text), None
                else:
                    key_views, warning = parse_complete(text)
            except UnicodeDecodeError:
                counts[counters.LINES.dropped] += 1
                problem(INVALID_UTF8, "the line is not UTF-8; it is dropped", line, True, None)
                continue
            except BadLine as exc:
                counts[counters.LINES.dropped] += 1
                cut = "" if line.complete else " (the file ends in the middle of this line: cut short?)"
                problem(exc.error_type if line.complete else TRUNCATED_INPUT, f"{exc}{cut}; the line is dropped",
                        line, True, exc.wiki_db)
                continue
            wiki_db, title, page_id, access, views = key_views
            if warning:
                problem(*warning, line, False, wiki_db)
            counts[counters.LINES.written] += 1
            counts[counters.VIEWS_READ] += views
            sums[bucket_of(wiki_db, title, buckets)][(wiki_db, title, page_id, access)] += views
    except DamagedLinesError as exc:
        kind = TRUNCATED_INPUT if exc.truncated else DAMAGED_INPUT
        if exc.pending:
            counts[counters.LINES.read] += 1
            counts[counters.LINES.dropped] += 1
        problem(kind, f"{exc}; the lines before offset {exc.offset} were kept", None, bool(exc.pending), None,
                offset=exc.offset, excerpt=exc.pending or None)
    for bucket in sorted(sums):
        yield COUNTS, ((snapshot, bucket), [(*key, views) for key, views in sums[bucket].items()])
    schema = DATASETS[ERRORS]
    for wiki_db in sorted(errors):
        yield ERRORS, (Partition(wiki_db, snapshot), split.key, to_record_batch(schema, errors[wiki_db]))


def _sort_key(row: tuple) -> tuple:
    wiki_db, title, page_id, access, _ = row
    return wiki_db, title, -1 if page_id is None else page_id, access


def merge_counts(snapshot: str, parts: Iterable[list[tuple]], counts: Counter
                 ) -> Iterator[tuple[tuple[str, str], pa.RecordBatch]]:
    """Adds up one bucket's counts from every split: ((wiki_db, snapshot), RecordBatch) per wiki, rows sorted."""
    totals: dict[tuple, int] = defaultdict(int)
    for part in parts:
        for wiki_db, title, page_id, access, views in part:
            totals[(wiki_db, title, page_id, access)] += views
    month = month_of(snapshot)
    by_wiki: dict[str, list[dict]] = defaultdict(list)
    for key in sorted(totals, key=lambda k: _sort_key((*k, 0))):
        wiki_db, title, page_id, access = key
        views = totals[key]
        counts[counters.VIEWS_WRITTEN] += views
        by_wiki[wiki_db].append({"page_title": title, "page_id": page_id, "access_method": access, "month": month,
                                 "views": views})
    batcher = RowBatcher({PAGEVIEWS: DATASETS[PAGEVIEWS]})
    for wiki_db in sorted(by_wiki):
        for row in by_wiki[wiki_db]:
            batch = batcher.add(PAGEVIEWS, row)
            if batch is not None:
                yield (wiki_db, snapshot), batch
        for _, batch in batcher.flush():
            yield (wiki_db, snapshot), batch
