"""`newcomer_cohorts`: per wiki and month of first edit, what newcomers did in their first days."""
import pyarrow as pa

from schemas.dataset import CC0, Column, DatasetSchema

SCHEMA = DatasetSchema(
    name="newcomer_cohorts",
    version="1.0.0",
    description="One row per wiki and cohort month: the newcomers (registered, non-temporary, non-bot accounts) "
    "whose first edit on the wiki was in the month, their edits in the first 1, 7 and 30 days, the share of "
    "those reverted within 48 hours, the articles they created and their activity in the second month. "
    "Definitions in docs/metrics.md.",
    licence=CC0,
    caveats=(
        "Deleted revisions are absent from XML dumps: a newcomer whose first edits were all deleted starts later "
        "or not at all, and their articles that were deleted are not counted.",
        "Counts of windows not over at the snapshot are null.",
        "With --privacy public, cohorts of fewer than 3 newcomers are dropped and counts rounded up to tens.",
    ),
    privacy="cohorts of fewer than 3 newcomers are dropped and counts are rounded up to the nearest 10; rates are "
    "computed from the exact counts.",
    columns=(
        Column("wiki_db", pa.string(), "Wiki database name.", False),
        Column("snapshot", pa.string(), "Snapshot of the revisions, YYYYMMDD.", False),
        Column("time_bucket", pa.string(), "Month of the newcomers' first edit on the wiki, YYYY-MM (UTC).", False),
        Column("newcomers", pa.int64(), "Registered, non-temporary, non-bot accounts whose first edit was in the month.", False),
        Column("edits_first_day", pa.int64(), "Their edits in the 24 hours from each one's first edit (the first included)."),
        Column("edits_first_7_days", pa.int64(), "Their edits in the 7 days from each one's first edit."),
        Column("edits_first_30_days", pa.int64(), "Their edits in the 30 days from each one's first edit."),
        Column("reverted_48h_edits_first_30_days", pa.int64(), "Of edits_first_30_days, those identity-reverted within 48 hours (172,800 s)."),
        Column("reverted_48h_share_first_30_days", pa.float64(), "reverted_48h_edits_first_30_days / edits_first_30_days; null without edits or when not reported."),
        Column("articles_created_first_30_days", pa.int64(), "Pages of a content namespace they created (the page's first revision) in their first 30 days; revisions do not tell redirects, which are included."),
        Column("active_second_month", pa.int64(), "Newcomers with at least one edit from day 30 to before day 60 after their first edit."),
        Column("second_month_retention", pa.float64(), "active_second_month / newcomers; null when not reported."),
    ),
)
