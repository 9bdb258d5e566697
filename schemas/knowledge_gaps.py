"""`knowledge_gaps`: the content-gap index, in the shape of Wikimedia's KGI content_gap_metrics."""
import pyarrow as pa

from schemas.dataset import CC0, Column, DatasetSchema

QUANTILES = (5, 25, 50, 75, 95)
# Per-article monthly value each quantile column is taken over, and its type.
QUANTILE_OF = (
    ("article_created", pa.int64(), "1 when the article was created in the month, else 0"),
    ("pageviews", pa.int64(), "the article's views in the month (0 when none; null when the pageviews do not cover the month)"),
    ("revision_count", pa.int64(), "the article's revisions saved in the month"),
    ("quality_score", pa.float64(), "the article's quality score at the end of the month, over the articles that have one"),
)


def _quantile_columns() -> tuple[Column, ...]:
    return tuple(
        Column(f"{name}_p{percent}", kind, f"{percent}th percentile (nearest rank) over the category's articles "
                                           f"counted in the month of {what}.")
        for name, kind, what in QUANTILE_OF for percent in QUANTILES
    )


SCHEMA = DatasetSchema(
    name="knowledge_gaps",
    version="1.0.0",
    description="The knowledge-gap index: per wiki, content gap, category and month, the metrics of Wikimedia "
    "Research's content_gap_metrics (article_count, article_created, pageviews_sum, pageviews_mean, "
    "revision_count, quality_score, standard_quality, standard_quality_count) and their quantiles, computed "
    "from article_gaps alone. Gaps: gender, sexual_orientation, geography_country, geography_continent, "
    "geography_wmf_region, time, multimedia_illustration; every article is counted in each gap exactly once. "
    "Definitions in docs/knowledge-gaps.md.",
    licence=CC0,
    caveats=(
        "A month's articles are those created by its end and still present in the dump: deleted articles are "
        "not in public dumps, so past months count fewer articles than WMF's internal data.",
        "Quality in a month comes from the latest revision scanned by the content job up to then: run "
        "`wikidumps run content --all-revisions` on a history dump for a score in every month; with the "
        "default (latest revision only) an article has a score from the month of its latest edit on.",
        "Pageview metrics are null for months the pageviews dataset does not cover.",
        "Quantiles are nearest-rank: the value at rank ceil(p * n / 100) of the n sorted per-article values.",
    ),
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name.", False),
        Column("snapshot", pa.string(), "Dump date of the pages, YYYYMMDD.", False),
        Column("content_gap", pa.string(), "gender, sexual_orientation, geography_country, geography_continent, geography_wmf_region, time or multimedia_illustration.", False),
        Column("category", pa.string(), "Category of the gap (male, FR, Europe, 20th century, illustrated, no_item, unknown, ...), as in article_gaps.", False),
        Column("time_bucket", pa.string(), "Calendar month, YYYY-MM (UTC); the last one is the month before the dump date and holds what the dump has from after it.", False),
        Column("article_count", pa.int64(), "Articles of the category counted in the month: created by its end (first_time_bucket at or before it) and present in the dump.", False),
        Column("article_created", pa.int64(), "Articles of the category created in the month.", False),
        Column("pageviews_sum", pa.int64(), "Views of the category's articles in the month; null when the pageviews do not cover the month."),
        Column("pageviews_mean", pa.float64(), "pageviews_sum / article_count; null when the pageviews do not cover the month."),
        Column("revision_count", pa.int64(), "Revisions saved in the month to the category's articles.", False),
        Column("quality_score", pa.float64(), "Mean quality score at the end of the month of the category's articles that have one; null when none has."),
        Column("standard_quality", pa.float64(), "standard_quality_count / article_count.", False),
        Column("standard_quality_count", pa.int64(), "Articles whose quality score at the end of the month is at or above the standard-quality threshold.", False),
    ) + _quantile_columns(),
)
