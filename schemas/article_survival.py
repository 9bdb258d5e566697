"""`article_survival`: per wiki, month of creation and creator experience, how many new articles survive 30 days."""
import pyarrow as pa

from schemas.dataset import CC0, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="article_survival",
    version="1.0.0",
    description="One row per wiki, month of creation and creator experience (the creator's edits before the "
    "creation: 0, 1-9, 10-99, 100+): articles created, still existing 30 days later, deleted within those 30 "
    "days, and the survival rate. An article deleted and restored within the 30 days survives. Definitions "
    "in docs/metrics.md.",
    licence=CC0,
    caveats=(
        "Deletions come from the page_events dataset (`--events`); creations from revisions. Revisions read from "
        "XML dumps lack deleted pages, so give revisions from event dumps (history TSV, page_change) to count the "
        "articles that were deleted.",
        "A creation is a page's first revision (no parent) in a content namespace; it is not an article when the "
        "page's create event says it was a redirect; sources that do not say (history TSV, XML) count it.",
        "The creator's experience counts the edits the revisions dataset holds (deleted edits are not in dumps), "
        "so it can be lower than MediaWiki's own edit counter.",
        "Surviving and deleted counts are null until the month's 30-day window is over at the snapshot.",
        "With --privacy public, cells with fewer than 3 creators are dropped (counts are not rounded, so that "
        "they still add up).",
    ),
    privacy="cells with fewer than 3 creators are dropped; counts are not rounded, so that articles_created = "
    "articles_surviving + articles_deleted still holds.",
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name.", False),
        Column("snapshot", pa.string(), "Snapshot of the revisions, YYYYMMDD.", False),
        Column("time_bucket", pa.string(), "Month of the articles' creation, YYYY-MM (UTC).", False),
        Column("creator_experience", pa.string(), "The creator's edits on the wiki before the creation: 0, 1-9, 10-99 or 100+.", False),
        Column("creators", pa.int64(), "Distinct editors who created these articles.", False),
        Column("articles_created", pa.int64(), "Articles created (content namespace, not a redirect at creation).", False),
        Column("articles_surviving", pa.int64(), "Of those, articles not deleted 30 days after their creation (deleted and restored within the 30 days counts as surviving); null when not reported."),
        Column("articles_deleted", pa.int64(), "Of those, articles deleted 30 days after their creation; articles_created - articles_surviving; null when not reported."),
        Column("survival_rate", pa.float64(), "articles_surviving / articles_created; null when not reported."),
    ),
)
