"""`article_gaps`: one row per article with its category in every knowledge gap and its monthly activity."""
import pyarrow as pa

from schemas.dataset import CC0, TIMESTAMP, Column, DatasetSchema

MONTH = pa.struct([
    ("time_bucket", pa.string()),
    ("revisions", pa.int64()),
    ("pageviews", pa.int64()),
    ("quality_score", pa.float64()),
])

# Categories every gap column may hold besides its values (the report keeps them apart from the values).
NO_ITEM = "no_item"  # the article has no Wikidata item
NOT_A_PERSON = "not_a_person"  # a gap about people (gender, sexual orientation), and the item is not a human
UNKNOWN = "unknown"  # the item has no usable value for the gap

_CATEGORY = (" Never null: no_item when the article has no Wikidata item, unknown when the item has no usable "
             "value; docs/knowledge-gaps.md states the mapping.")

SCHEMA = DatasetSchema(
    name="article_gaps",
    version="1.0.0",
    description="One row per article (content namespace, not a redirect) of a pages dataset: the article's "
    "category in each knowledge gap, from the Wikidata item whose sitelink names it and from its media links, "
    "and what the knowledge_gaps metrics are computed from (creation, revisions, views and quality score per "
    "month). knowledge_gaps is computed from this table alone.",
    licence=CC0,
    caveats=(
        "Categories come from the Wikidata dump given to the job (one snapshot), not from the item as it was "
        "in each month.",
        "Pages, revisions, links and article_quality must come from dumps of the same wiki and date; "
        "pageviews are matched on page id, and on title for views the dumps give without one (hourly files, "
        "mobile-app views), so views of a title before a page move count for the page holding it now.",
        "A current-revision dump knows neither the creation time nor the revision history of a page: "
        "first_time_bucket then falls back on the first month the data names, and revision counts are those "
        "of the revisions given.",
    ),
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name.", False),
        Column("snapshot", pa.string(), "Dump date of the pages, YYYYMMDD.", False),
        Column("page_id", pa.int64(), "Id of the article.", False),
        Column("page_namespace", pa.int32(), "Namespace of the article (a content namespace).", False),
        Column("page_title", pa.string(), "Title without namespace prefix, spaces as underscores.", False),
        Column("wikidata_id", pa.string(), "Item whose sitelink names the article (the lowest id when several do); null when none."),
        Column("gender", pa.string(), "Gender gap: P21 of a human (P31 = Q5), labelled (male, female, ...) or its item id; not_a_person for other items." + _CATEGORY, False),
        Column("sexual_orientation", pa.string(), "Sexual-orientation gap: P91 of a human, labelled or its item id; not_a_person for other items." + _CATEGORY, False),
        Column("geography_country", pa.string(), "Geography gap, country: ISO 3166-1 alpha-2 code from P17, P27, P495 or the P625 coordinates on Earth (reverse-geocoded offline), or an unlisted country's item id." + _CATEGORY, False),
        Column("geography_continent", pa.string(), "Geography gap, continent of the country (Africa, Antarctica, Asia, Europe, North America, Oceania, South America)." + _CATEGORY, False),
        Column("geography_wmf_region", pa.string(), "Geography gap, Wikimedia Foundation region of the country (eight regions)." + _CATEGORY, False),
        Column("time", pa.string(), "Time gap: century of the item's most relevant date (birth, publication, inception, start, point in time, death), e.g. '20th century', '1st century BCE'." + _CATEGORY, False),
        Column("multimedia_illustration", pa.string(), "Multimedia gap: illustrated when the article's latest scanned revision has a media link (links dataset), not_illustrated when it has none, unknown when the content job has no row for the article.", False),
        Column("page_first_revision_timestamp", TIMESTAMP, "When the article was created (its first revision): from pages, else the revision without parent in revisions; null when the data does not tell."),
        Column("first_time_bucket", pa.string(), "First month (YYYY-MM) the article is counted in knowledge_gaps: the month of its creation (the last bucket if later); without a known creation, the first month of its monthly entries, else the last bucket.", False),
        Column("revision_count", pa.int64(), "Revisions of the article in the revisions dataset.", False),
        Column("quality_score", pa.float64(), "article_quality score of the latest scanned revision; null when the content job has none."),
        Column("standard_quality", pa.bool_(), "quality_score at or above the run's standard-quality threshold (default 0.54); null without a score."),
        Column("monthly", pa.list_(MONTH), "One entry per month with revisions, scored revisions or views, in month order: time_bucket (YYYY-MM; the last bucket also holds what the dump has from after it), revisions saved, pageviews (all access methods; null when the pageviews given do not cover the month), quality_score of the month's latest scanned revision (null when none)."),
    ),
)
