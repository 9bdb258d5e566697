"""The knowledge-gap index: each article's category in every gap, and Wikimedia's content-gap metrics.

Plain functions over plain values; pipelines/knowledge_gaps.py wires them into two keyed shuffles:
1. by page id: an article (from `pages`) meets its revisions per month, its scored revisions (from
   `article_quality`), whether its latest scanned revision has a media link (from `links`) and the views
   the pageview dumps give under its page id;
2. by title: the article meets the Wikidata item whose sitelink names it (with the item's categories,
   computed once per item) and the views the dumps give under its title without a page id.
The result is one `article_gaps` row per article. `knowledge_gaps` is computed from those rows alone:
per wiki, gap, category and month, counts and sums are added up from each article's months, and the
quantiles come from exact histograms of the per-article values. docs/knowledge-gaps.md states every rule.
"""
from __future__ import annotations

import datetime as dt
import zlib
from bisect import bisect_left
from collections import Counter, defaultdict
from itertools import accumulate
from typing import Iterable, Iterator

from schemas.knowledge_gaps import QUANTILES
from transforms.common import counters
from transforms.common.problems import Problem
from transforms.defaults import STANDARD_QUALITY as DEFAULT_STANDARD_QUALITY
from transforms.indices.gap_categories import (
    NO_ITEM,
    UNKNOWN,
    gender_category,
    sexual_orientation_category,
    time_category,
)
from transforms.indices.geography import (
    EARTH,
    ReverseGeocoder,
    continent_category,
    country_category,
    wmf_region_category,
)
from transforms.lines.wikidata import LARGE_ENTITY_STATEMENTS

WIKIDATA_GAPS = ("gender", "sexual_orientation", "geography_country", "geography_continent",
                 "geography_wmf_region", "time")
GAPS = WIKIDATA_GAPS + ("multimedia_illustration",)
ILLUSTRATED = "illustrated"
NOT_ILLUSTRATED = "not_illustrated"
MEDIA_LINK = "media"
DEFAULT_BUCKETS = 1024

PAGE_COLUMNS = ("page_id", "page_namespace", "page_title", "page_is_redirect", "page_first_revision_timestamp")
REVISION_COLUMNS = ("page_id", "revision_parent_id", "revision_timestamp")
LINK_COLUMNS = ("page_id", "revision_id", "link_type")
QUALITY_COLUMNS = ("page_id", "revision_id", "revision_timestamp", "quality_score")
PAGEVIEW_COLUMNS = ("page_title", "page_id", "month", "views")
ENTITY_COLUMNS = ("entity_id", "sitelinks", "instance_of", "sex_or_gender", "sexual_orientation", "country",
                  "country_of_citizenship", "country_of_origin", "coordinates", "date_of_birth", "date_of_death",
                  "inception", "publication_date", "start_time", "point_in_time", "statement_count", "source_offset")


# ---------------------------------------------------------------------------------------------------
# Months


def month_of(seconds: int) -> str:
    """`YYYY-MM` (UTC) of a timestamp in epoch seconds."""
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m")


def last_time_bucket(snapshot: str) -> str:
    """The last month of a dump's index: the month of the day before the dump date.

    A dump dated 2026-01-01 ends the index in 2025-12; edits saved on the dump's own days (after that
    month) are counted in it, so that nothing the dump holds falls outside the index.
    """
    day = dt.date(int(snapshot[:4]), int(snapshot[4:6]), int(snapshot[6:8])) - dt.timedelta(days=1)
    return day.strftime("%Y-%m")


def bucket_of(seconds: int, last: str) -> str:
    """The time bucket of a timestamp: its month, or the last bucket for anything later."""
    return min(month_of(seconds), last)


def months_from(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        out.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


# ---------------------------------------------------------------------------------------------------
# Keys of the two shuffles


def full_title(namespace: int, title: str, prefixes: dict[int, str]) -> str:
    """The title as sitelinks and pageview dumps write it: `Author:Jane_Austen` outside the main namespace."""
    return title if namespace == 0 else f"{prefixes[namespace]}:{title}"


def page_bucket(wiki_db: str, page_id: int, buckets: int) -> tuple[str, int]:
    """Key of the shuffle by page id."""
    return wiki_db, page_id % buckets


def title_bucket(wiki_db: str, title: str, buckets: int) -> tuple[str, int]:
    """Key of the shuffle by title (a stable hash: Python's own changes between processes)."""
    return wiki_db, zlib.crc32(title.encode("utf-8")) % buckets


# ---------------------------------------------------------------------------------------------------
# Items: the Wikidata gaps' categories, once per entity


def item_categories(entity: dict, geocoder: ReverseGeocoder) -> dict[str, str]:
    """The category of an item in each Wikidata gap (transforms/gap_categories.py, transforms/geography.py)."""
    country = country_category(entity, geocoder)
    categories = {
        "gender": gender_category(entity),
        "sexual_orientation": sexual_orientation_category(entity),
        "geography_country": country,
        "geography_continent": continent_category(country),
        "geography_wmf_region": wmf_region_category(country),
        "time": time_category(entity),
    }
    for gap, category in categories.items():
        if not isinstance(category, str) or not category:
            raise ValueError(f"{gap} category {category!r} is not a name")
    return categories


def items_of_entities(rows: Iterable[dict], wikis: frozenset[str], geocoder: ReverseGeocoder, counts: Counter
                      ) -> Iterator[tuple[tuple[str, str], dict]]:
    """((wiki_db, title), item) for each sitelink of each entity to one of `wikis`.

    An item is {entity_id, categories, source_offset, problem}. When the categories cannot be computed
    from a row (a value of the wrong shape), every Wikidata gap says UNKNOWN for its articles and
    `problem` says why: the article is still counted, and the knowledge-gaps join files an errors row.
    Counters: entities-read, entities-written (categories computed), entities-dropped (not computed: its
    articles still count, as UNKNOWN), entities-without-sitelink (filtered),
    items-off-earth-coordinates (not geocoded), items-large (more than 5,000 statements).
    """
    for row in rows:
        counts[counters.ENTITIES.read] += 1
        links = [link for link in row.get("sitelinks") or () if link["wiki_db"] in wikis]
        if not links:
            counts[counters.ENTITIES_WITHOUT_SITELINK] += 1
            continue
        coordinates = row.get("coordinates")
        if coordinates and (coordinates.get("globe") or EARTH) != EARTH:
            counts[counters.ITEMS_OFF_EARTH_COORDINATES] += 1
        if (row.get("statement_count") or 0) > LARGE_ENTITY_STATEMENTS:
            counts[counters.ITEMS_LARGE] += 1
        problem = None
        try:
            categories = item_categories(row, geocoder)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            counts[counters.ENTITIES.dropped] += 1
            categories = {gap: UNKNOWN for gap in WIKIDATA_GAPS}
            problem = f"{row.get('entity_id')}: categories not computed ({type(exc).__name__}: {exc})"
        else:
            counts[counters.ENTITIES.written] += 1
        item = {"entity_id": row["entity_id"], "categories": categories, "source_offset": row.get("source_offset"),
                "problem": problem}
        for link in links:
            yield (link["wiki_db"], link["title"]), item


def qid_number(entity_id: str) -> int:
    """Q42 -> 42, to order item ids numerically."""
    return int(entity_id[1:]) if entity_id[1:].isdigit() else 1 << 62


# ---------------------------------------------------------------------------------------------------
# Per-batch summaries of the page-keyed inputs


def pick_articles(rows: Iterable[dict], namespaces: dict[int, str], counts: Counter) -> list[dict]:
    """Content-namespace pages that are not redirects, with their creation time when the dump knows it.

    Counters: pages-read, pages-filtered, pages-filtered:namespace, pages-filtered:redirect.
    """
    articles = []
    for row in rows:
        counts[counters.PAGES.read] += 1
        if row["page_namespace"] not in namespaces:
            counts[counters.PAGES.filtered] += 1
            counts[counters.PAGES.filtered_because("namespace")] += 1
        elif row["page_is_redirect"]:
            counts[counters.PAGES.filtered] += 1
            counts[counters.PAGES.filtered_because("redirect")] += 1
        else:
            articles.append({
                "page_id": row["page_id"],
                "page_namespace": row["page_namespace"],
                "page_title": row["page_title"],
                "full_title": full_title(row["page_namespace"], row["page_title"], namespaces),
                "created": row["page_first_revision_timestamp"],
            })
    return articles


def summarise_revisions(page_ids: list, parent_ids: list, timestamps: list[int], last: str, counts: Counter
                        ) -> dict[int, tuple[Counter, int | None]]:
    """Per page: revisions per time bucket, and the time of its first revision (one without parent) if seen.

    Counters: revisions-read, revisions-without-page (recentchange events carry no page id).
    """
    pages: dict[int, tuple[Counter, list]] = {}
    for page_id, parent_id, timestamp in zip(page_ids, parent_ids, timestamps):
        counts[counters.REVISIONS.read] += 1
        if page_id is None:
            counts[counters.REVISIONS_WITHOUT_PAGE] += 1
            continue
        months, first = pages.setdefault(page_id, (Counter(), [None]))
        months[bucket_of(timestamp, last)] += 1
        if not parent_id and (first[0] is None or timestamp < first[0]):
            first[0] = timestamp
    return {page_id: (months, first[0]) for page_id, (months, first) in pages.items()}


def summarise_quality(page_ids: list, revision_ids: list, timestamps: list[int], scores: list, last: str
                      ) -> dict[int, dict[str, tuple]]:
    """Per page and time bucket: (timestamp, revision_id, score) of the bucket's latest scanned revision.

    A page read from a current dump has one scanned revision; `wikidumps run content --all-revisions` on a
    history dump gives every revision, and so a quality score for every month.
    """
    pages: dict[int, dict[str, tuple]] = defaultdict(dict)
    for page_id, revision_id, timestamp, score in zip(page_ids, revision_ids, timestamps, scores):
        entry = (timestamp, revision_id, score)
        months = pages[page_id]
        month = bucket_of(timestamp, last)
        if month not in months or entry[:2] > months[month][:2]:
            months[month] = entry
    return dict(pages)


def media_revisions(page_ids: list, revision_ids: list, link_types: list) -> set[tuple[int, int]]:
    """(page_id, revision_id) of the revisions with at least one media link."""
    return {(p, r) for p, r, kind in zip(page_ids, revision_ids, link_types) if kind == MEDIA_LINK}


def summarise_pageviews(rows: Iterable[dict]) -> tuple[dict[int, Counter], dict[str, Counter]]:
    """Views per month summed over access methods: by page id, and by title for rows without a page id."""
    by_id: dict[int, Counter] = defaultdict(Counter)
    by_title: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        if row["page_id"] is not None:
            by_id[row["page_id"]][row["month"]] += row["views"]
        else:
            by_title[row["page_title"]][row["month"]] += row["views"]
    return dict(by_id), dict(by_title)


# ---------------------------------------------------------------------------------------------------
# The two joins


def join_by_page(pages: Iterable[tuple[str, dict]], revisions: Iterable[tuple[str, dict]],
                 media: Iterable[tuple[str, set]], quality: Iterable[tuple[str, dict]],
                 views: Iterable[dict]) -> list[tuple[str, dict]]:
    """One bucket of page ids, every input's summaries of it -> (snapshot, article facts) per article.

    `pages` ({page_id: article} from pick_articles), `revisions`, `media` and `quality` come as (snapshot,
    summary) pairs and meet only within their snapshot (one dump); `views` (page id -> month -> views) are
    not tied to a dump.
    """
    revision_months: dict[tuple, Counter] = defaultdict(Counter)
    first_revision: dict[tuple, int] = {}
    for snapshot, summaries in revisions:
        for page_id, (months, first) in summaries.items():
            key = (snapshot, page_id)
            revision_months[key].update(months)
            if first is not None and (key not in first_revision or first < first_revision[key]):
                first_revision[key] = first
    with_media = {(snapshot, page_id, revision_id) for snapshot, pairs in media for page_id, revision_id in pairs}
    scored: dict[tuple, dict[str, tuple]] = defaultdict(dict)
    for snapshot, summaries in quality:
        for page_id, months in summaries.items():
            mine = scored[(snapshot, page_id)]
            for month, entry in months.items():
                if month not in mine or entry[:2] > mine[month][:2]:
                    mine[month] = entry
    views_by_id: dict[int, Counter] = defaultdict(Counter)
    for summary in views:
        for page_id, months in summary.items():
            views_by_id[page_id].update(months)

    out = []
    for snapshot, articles in pages:
        for article in articles.values():
            key = (snapshot, article["page_id"])
            created = article["created"] if article["created"] is not None else first_revision.get(key)
            months = scored.get(key, {})
            latest = max(months.values(), key=lambda entry: entry[:2]) if months else None
            illustrated = None if latest is None else (snapshot, article["page_id"], latest[1]) in with_media
            out.append((snapshot, {
                **article,
                "created": created,
                "revisions": dict(revision_months.get(key, {})),
                "quality": {month: entry[2] for month, entry in months.items() if entry[2] is not None},
                "quality_score": latest[2] if latest else None,
                "illustrated": illustrated,
                "views": dict(views_by_id.get(article["page_id"], {})),
            }))
    return out


def choose_item(items: list[dict]) -> tuple[dict | None, int]:
    """The item of a title: the one with the lowest id when several claim it; and how many did."""
    unique = {item["entity_id"]: item for item in items}
    if not unique:
        return None, 0
    return min(unique.values(), key=lambda item: qid_number(item["entity_id"])), len(unique)


def article_row(facts: dict, snapshot: str, item: dict | None, title_views: Counter | None,
                covered_months: frozenset[str], threshold: float, counts: Counter) -> dict:
    """The `article_gaps` row of one article (file columns).

    Time rules (docs/knowledge-gaps.md): the article counts from `first_time_bucket`, the month of its
    first revision when the data tells, else the first month any of its data names, else the last bucket;
    revisions and scores after the last bucket count in it; views of months after the last bucket or
    before the article's first bucket are not the article's in this index and are counted, not kept.
    Counters (of views): pageviews-matched (kept), pageviews-after-snapshot, pageviews-before-creation.
    """
    last = last_time_bucket(snapshot)
    views = Counter(facts["views"])
    if title_views:
        views.update(title_views)
    for month in [m for m in views if m > last]:
        counts[counters.PAGEVIEWS_AFTER_SNAPSHOT] += views.pop(month)
    revisions, quality = facts["revisions"], facts["quality"]
    if facts["created"] is not None:
        first = bucket_of(facts["created"], last)
    else:
        first = min([*revisions, *quality, *views], default=last)
    for month in [m for m in views if m < first]:
        counts[counters.PAGEVIEWS_BEFORE_CREATION] += views.pop(month)
    counts[counters.PAGEVIEWS_MATCHED] += sum(views.values())
    monthly = [
        {"time_bucket": month, "revisions": revisions.get(month, 0),
         "pageviews": views.get(month, 0) if month in covered_months else None,
         "quality_score": quality.get(month)}
        for month in sorted({*revisions, *quality, *views})
    ]
    categories = dict(item["categories"]) if item else {gap: NO_ITEM for gap in WIKIDATA_GAPS}
    illustrated = facts["illustrated"]
    categories["multimedia_illustration"] = (UNKNOWN if illustrated is None
                                             else ILLUSTRATED if illustrated else NOT_ILLUSTRATED)
    score = facts["quality_score"]
    return {
        "page_id": facts["page_id"],
        "page_namespace": facts["page_namespace"],
        "page_title": facts["page_title"],
        "wikidata_id": item["entity_id"] if item else None,
        **categories,
        "page_first_revision_timestamp": facts["created"],
        "first_time_bucket": first,
        "revision_count": sum(revisions.values()),
        "quality_score": score,
        "standard_quality": None if score is None else score >= threshold,
        "monthly": monthly,
    }


def join_by_title(wiki_db: str, partials: Iterable[tuple[str, dict]], items: Iterable[dict],
                  title_views: Iterable[dict], covered_months: frozenset[str], threshold: float,
                  counts: Counter) -> tuple[list[tuple[str, dict]], list[tuple[str, Problem]]]:
    """One bucket of titles of one wiki -> ((snapshot, article_gaps row) per article, (snapshot, problem) list).

    `partials` are (snapshot, facts) from join_by_page, `items` ((title, item) pairs), `title_views`
    summaries (title -> month -> views). Problems (not dropped): a title claimed by several items, an item
    whose categories could not be computed. Counters: articles-without-item, titles-with-several-items.
    """
    by_title: dict[str, list[dict]] = defaultdict(list)
    for title, item in items:
        by_title[title].append(item)
    views: dict[str, Counter] = defaultdict(Counter)
    for summary in title_views:
        for title, months in summary.items():
            views[title].update(months)
    rows, problems = [], []
    for snapshot, facts in partials:
        title = facts["full_title"]
        item, claimants = choose_item(by_title.get(title, []))
        if item is None:
            counts[counters.ARTICLES_WITHOUT_ITEM] += 1
        elif claimants > 1:
            counts[counters.TITLES_WITH_SEVERAL_ITEMS] += 1
            problems.append((snapshot, Problem(
                "several-items", f"{claimants} Wikidata items link to {wiki_db} {title}; the lowest id, "
                f"{item['entity_id']}, gives its categories", "entity", record_dropped=False,
                offset=item["source_offset"], page_id=facts["page_id"])))
        if item is not None and item["problem"]:
            problems.append((snapshot, Problem("item-categories", item["problem"] + "; its articles count as unknown",
                                               "entity", record_dropped=False, offset=item["source_offset"],
                                               page_id=facts["page_id"])))
        rows.append((snapshot, article_row(facts, snapshot, item, views.get(title), covered_months, threshold,
                                           counts)))
    return rows, problems


# ---------------------------------------------------------------------------------------------------
# The index: cells per (gap, category), added up from articles, then rows per month


def new_cells() -> dict:
    """What one (wiki, snapshot, gap, category) needs from its articles, per month.

    start: articles counted from the month; created: articles created in it; revisions, pageviews:
    histograms {value: articles} of the non-zero monthly values; quality: changes of the histogram of
    current scores ({score: +1 / -1}) in the month.
    """
    return {"start": Counter(), "created": Counter(), "revisions": defaultdict(Counter),
            "pageviews": defaultdict(Counter), "quality": defaultdict(Counter)}


def add_article(cells: dict, row: dict) -> None:
    """Adds an article_gaps row to its category's cells."""
    cells["start"][row["first_time_bucket"]] += 1
    if row["page_first_revision_timestamp"] is not None:
        cells["created"][row["first_time_bucket"]] += 1
    previous = None
    for entry in row["monthly"]:
        month = entry["time_bucket"]
        if entry["revisions"]:
            cells["revisions"][month][entry["revisions"]] += 1
        if entry["pageviews"]:
            cells["pageviews"][month][entry["pageviews"]] += 1
        score = entry["quality_score"]
        if score is not None and score != previous:
            cells["quality"][month][score] += 1
            if previous is not None:
                cells["quality"][month][previous] -= 1
            previous = score


def cells_of_rows(rows: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """(gap, category) -> cells of some article_gaps rows of one partition."""
    out: dict[tuple[str, str], dict] = {}
    for row in rows:
        for gap in GAPS:
            cells = out.get((gap, row[gap]))
            if cells is None:
                cells = out[(gap, row[gap])] = new_cells()
            add_article(cells, row)
    return out


def merge_cells(parts: Iterable[dict]) -> dict:
    """The sum of some cells of one category (every part is a count or a histogram)."""
    total = new_cells()
    for cells in parts:
        total["start"].update(cells["start"])
        total["created"].update(cells["created"])
        for name in ("revisions", "pageviews", "quality"):
            for month, histogram in cells[name].items():
                total[name][month].update(histogram)
    return total


def nearest_ranks(histogram: dict, zeros: int) -> list:
    """The QUANTILES percentiles (nearest rank) of the values {value: count} plus `zeros` zeros.

    With n values sorted, the p-th percentile is the value at rank ceil(p * n / 100) (at least 1), so it
    is always one of the values. None for each percentile when there are no values.
    """
    counts = Counter(histogram)
    if zeros:
        counts[0] += zeros
    total = sum(counts.values())
    if not total:
        return [None] * len(QUANTILES)
    values = sorted(counts)
    ranks = list(accumulate(counts[value] for value in values))
    return [values[bisect_left(ranks, max(1, -(-percent * total // 100)))] for percent in QUANTILES]


def index_rows(cells: dict, gap: str, category: str, snapshot: str, covered_months: frozenset[str],
               threshold: float) -> Iterator[dict]:
    """knowledge_gaps rows (file columns) of one category, from its first article's month to the last bucket."""
    last = last_time_bucket(snapshot)
    current: Counter = Counter()  # score -> articles, for the articles counted so far
    existing = 0
    for month in months_from(min(cells["start"]), last):
        existing += cells["start"].get(month, 0)
        for score, change in cells["quality"].get(month, {}).items():
            current[score] += change
            if current[score] == 0:
                del current[score]
        created = cells["created"].get(month, 0)
        revisions = cells["revisions"].get(month, {})
        revision_total = sum(value * count for value, count in revisions.items())
        row = {
            "content_gap": gap, "category": category, "time_bucket": month,
            "article_count": existing,
            "article_created": created,
            "revision_count": revision_total,
        }
        if month in covered_months:
            views = cells["pageviews"].get(month, {})
            views_total = sum(value * count for value, count in views.items())
            row.update(pageviews_sum=views_total, pageviews_mean=views_total / existing)
        else:
            views = None
            row.update(pageviews_sum=None, pageviews_mean=None)
        known = sum(current.values())
        standard = sum(count for score, count in current.items() if score >= threshold)
        row.update(
            quality_score=sum(score * count for score, count in current.items()) / known if known else None,
            standard_quality=standard / existing,
            standard_quality_count=standard,
        )
        percentiles = {
            "article_created": nearest_ranks({1: created} if created else {}, existing - created),
            "pageviews": ([None] * len(QUANTILES) if views is None
                          else nearest_ranks(views, existing - sum(views.values()))),
            "revision_count": nearest_ranks(revisions, existing - sum(revisions.values())),
            "quality_score": nearest_ranks(current, 0),
        }
        for metric, values in percentiles.items():
            row.update({f"{metric}_p{percent}": value for percent, value in zip(QUANTILES, values)})
        yield row
