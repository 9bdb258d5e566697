"""Every counter a job reports, declared once: readers bump them, the driver balances them, manifests keep them.

Counters are Beam metrics in the `wikidumps` namespace; the driver sums them into the manifest of every
dataset a run publishes (`runs.<run_id>.counters`), where users read them. A kind of record has four:
`<kind>-read`, `<kind>-written` (kept: a row of a dataset, or summed into rows), `<kind>-dropped` (dead
letters: it became an `errors` row) and `<kind>-filtered` (left out by a documented rule, with
`<kind>-filtered:<reason>` beside it); a job's accounting says which kinds must add up (pipelines/driver.py). Families of counters named after a value (an error type, a
dataset, an XML tag) are built by the functions below, never by hand.
"""
from __future__ import annotations

from dataclasses import dataclass

NAMESPACE = "wikidumps"


@dataclass(frozen=True)
class RecordCounters:
    """The counters of one kind of record."""

    kind: str  # plural: pages, revisions, ...

    @property
    def read(self) -> str:
        return f"{self.kind}-read"

    @property
    def written(self) -> str:
        """Kept records, for a kind that is not one row per record of a dataset (those count rows)."""
        return f"{self.kind}-written"

    @property
    def dropped(self) -> str:
        return f"{self.kind}-dropped"

    @property
    def filtered(self) -> str:
        return f"{self.kind}-filtered"

    def filtered_because(self, reason: str) -> str:
        """Records left out by one rule (namespace, redirect, no-text, ...)."""
        return f"{self.filtered}:{reason}"


PAGES = RecordCounters("pages")
REVISIONS = RecordCounters("revisions")
RECORDS = RecordCounters("records")  # event dump records: lines or Avro records
EVENTS = RecordCounters("events")
PAGE_EVENTS = RecordCounters("page-events")  # page events: each also an `events` row
ENTITIES = RecordCounters("entities")  # Wikidata entities
LINES = RecordCounters("lines")  # pageview dump lines
# The update job: revisions of the base snapshot, of the adds/changes dumps, and page_change events.
BASE_REVISIONS = RecordCounters("base-revisions")
INCREMENT_REVISIONS = RecordCounters("increment-revisions")
CHANGE_EVENTS = RecordCounters("change-events")
# The record kind a Problem or Filtered names (`record_kind`), to its counters.
BY_RECORD_KIND = {"page": PAGES, "revision": REVISIONS}


def rows_carried(dataset: str) -> str:
    """`run update`: rows of a dataset's base partition carried into the new snapshot unchanged."""
    return f"rows-carried:{dataset}"


def rows_committed(dataset: str) -> str:
    """`run update --table`: rows a commit added to a dataset's table."""
    return f"rows-committed:{dataset}"


def error(error_type: str) -> str:
    """One per `errors` row of that type."""
    return f"error:{error_type}"


def rows(dataset: str) -> str:
    """Rows a run staged for a dataset."""
    return f"rows:{dataset}"


def unknown_tag(tag: str) -> str:
    """Elements of that name an XML dump holds and the reader does not know (the 20 most frequent)."""
    return f"unknown-tag:{tag}"


# Reading
SPLITS_READ = "splits-read"
FILES_READ = "files-read"
XML_BYTES_READ = "xml-bytes-read"
UNKNOWN_TAGS = "unknown-tags"
EMPTY_TEXTS = "empty-texts"
PAGES_WITHOUT_REVISIONS = "pages-without-revisions"
SHA1_COMPUTED = "sha1-computed"
# A revision an event dump gives twice (the same revision id): counted once, in `revisions`.
REVISIONS_DUPLICATE = "revisions-duplicate"

# Wikidata entities
VALUES_LEFT_OUT = "values-left-out"
COORDINATES_OFF_EARTH = "coordinates-off-earth"
LARGE_ENTITIES = "large-entities"

# Pageviews
VIEWS_READ = "views-read"
VIEWS_WRITTEN = "views-written"

# Editor activity
EDITS_UNATTRIBUTED = "edits-unattributed"  # revisions whose editor is hidden (user deleted)
USER_EVENTS_UNMATCHED = "user-events-unmatched"

# Knowledge gaps
LINKS_READ = "links-read"
QUALITY_ROWS_READ = "quality-rows-read"
PAGEVIEW_ROWS_READ = "pageview-rows-read"
ENTITIES_WITHOUT_SITELINK = "entities-without-sitelink"
ITEMS_OFF_EARTH_COORDINATES = "items-off-earth-coordinates"
ITEMS_LARGE = "items-large"
REVISIONS_WITHOUT_PAGE = "revisions-without-page"
PAGEVIEWS_AFTER_SNAPSHOT = "pageviews-after-snapshot"
PAGEVIEWS_BEFORE_CREATION = "pageviews-before-creation"
PAGEVIEWS_MATCHED = "pageviews-matched"
ARTICLES_WITHOUT_ITEM = "articles-without-item"
TITLES_WITH_SEVERAL_ITEMS = "titles-with-several-items"
